"""Real servers for the tests that need one: a free port, and Debian's redis-server (make test installs it)."""

import shutil
import signal
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Redis:
    url: str
    process: subprocess.Popen

    @contextmanager
    def frozen(self):
        """The server stopped in its tracks (SIGSTOP), as a hung host or a paused container is: connections are
        still accepted by the kernel, nothing is answered."""
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)


@contextmanager
def redis_server(folder: Path, *, tcp: bool = False):
    """A Redis server of the test's own, on a socket in `folder` (unix://…), or on a free TCP port (redis://…, as
    the broker URL takes it). Nothing is saved to disk."""
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: make test installs it (Debian's redis-server)"
    path = folder / "redis.sock"
    port = free_port() if tcp else 0
    process = subprocess.Popen(
        [server, "--port", str(port), "--unixsocket", str(path), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            if path.exists():
                break
            time.sleep(0.05)
        yield Redis(url=f"redis://127.0.0.1:{port}/0" if tcp else f"unix://{path}", process=process)
    finally:
        process.send_signal(signal.SIGCONT)  # a frozen server takes no SIGTERM
        process.terminate()
        process.wait(timeout=10)


def finishes_within(seconds: float, work):
    """Run `work` in a thread and return what it returns; fail the test, rather than hang the suite, when it has
    not finished after `seconds` (a bound for a hang, far above what the work takes: not a speed measurement)."""
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still waiting after {seconds} s"
    assert outcome, "the work raised (see the thread's traceback above)"
    return outcome[0]
