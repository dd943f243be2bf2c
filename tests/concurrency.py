import threading

import pytest
from django.db import connections

# Real transactions and real concurrent connections. Flushing the tables afterwards would also wipe the data the
# migrations seed (calendar, rules): serialized_rollback restores it for the tests that follow.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_concurrently(function, times: int = 2) -> list:
    """Run `function` in `times` threads released at the same instant; return what each returned or raised.

    Each thread has its own database connection (as two web or worker processes would) and closes it after.
    """
    barrier, results, lock = threading.Barrier(times), [], threading.Lock()

    def run():
        barrier.wait()
        try:
            outcome = function()
        except Exception as error:  # the caller asserts on what each thread met
            outcome = error
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
