"""Helpers shared by the Python test suites (tests/daemon, tests/scaling,
tests/security): child processes that die with the test, free loopback
ports, listening sockets, and the check/report methods of a test harness.

A suite imports it after putting this folder on sys.path:

    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pylib"))
"""
import ctypes
import signal
import socket
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent():
    """preexec_fn: the child gets SIGKILL when the test process dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:
        pass


def free_port():
    """A free loopback port: bind port 0, read it, close."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listeners_on(port):
    """How many sockets LISTEN on TCP `port` (any address, v4 and v6), read
    from /proc/net/tcp* so that asking opens no connection (xapian-tcpsrv
    forks for each one, and tests count them)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                next(handle)
                for line in handle:
                    fields = line.split()
                    if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                        count += 1
        except OSError:
            pass
    return count


class Checks:
    """Report and check methods of a harness. The class using it sets
    `name`, `failures` (a list), `checks` (a count) and `current_section`."""

    def note(self, message):
        print(f"{self.name}: {message}", flush=True)

    def fatal(self, message):
        print(f"{self.name}: FAIL: {message}", file=sys.stderr, flush=True)
        sys.exit(1)

    def skip(self, message):
        print(f"{self.name}: SKIPPED: {message}", flush=True)
        sys.exit(77)

    def fail(self, message):
        where = f"[{self.current_section}] " if self.current_section else ""
        self.failures.append(where + message.split("\n")[0])
        print(f"{self.name}: FAIL: {where}{message}", file=sys.stderr, flush=True)

    def check(self, condition, message, detail=None):
        self.checks += 1
        if not condition:
            self.fail(message + (f"\n    {detail}" if detail is not None else ""))
        return bool(condition)

    def eq(self, expected, actual, message):
        self.checks += 1
        if expected != actual:
            self.fail(f"{message}\n    expected: {expected!r}\n    actual:   {actual!r}")
            return False
        return True
