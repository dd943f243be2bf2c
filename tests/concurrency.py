import threading
import time
from contextlib import contextmanager

import pytest
from django.db import connection, connections, transaction

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


@contextmanager
def in_another_transaction(take, *, commit_when=None, timeout: float = 20):
    """Run `take()` (locking rows, changing them) in a transaction of another connection, as another user's
    request would, and keep that transaction open while the block runs: it commits when the block ends, or as
    soon as `commit_when()` (polled inside that transaction) is true. What `take` raises is raised here."""
    taken, done, errors = threading.Event(), threading.Event(), []

    def run():
        try:
            with transaction.atomic():
                take()
                taken.set()
                end = time.monotonic() + timeout
                while not done.wait(0.02) and time.monotonic() < end:
                    if commit_when is not None and commit_when():
                        break
        except Exception as error:  # re-raised in the test's thread
            errors.append(error)
        finally:
            taken.set()
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    try:
        assert taken.wait(timeout)
        if errors:
            raise errors[0]
        yield
    finally:
        done.set()
        thread.join()
    if errors:
        raise errors[0]


def someone_waits_for_a_lock() -> bool:
    """Whether a transaction is waiting for a lock another holds (PostgreSQL's pg_locks, read live)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


@contextmanager
def a_notice_half_way_on(clock):
    """Keep a supervision notice on `clock` half way through while the block runs: another transaction holds the
    clock's target (deadlines.clocks.lock_target, as the notice does first); once the block waits for a lock, it
    takes the clock too and commits. A block that locks the clock before its target deadlocks with it, and
    PostgreSQL aborts one of the two."""
    from deadlines.clocks import lock_target
    from deadlines.models import Deadline

    def then_the_clock():
        if not someone_waits_for_a_lock():
            return False
        Deadline.objects.select_for_update().get(pk=clock.pk)
        return True

    with in_another_transaction(lambda: lock_target(clock), commit_when=then_the_clock):
        yield
