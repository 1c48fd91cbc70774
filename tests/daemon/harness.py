"""harness.py - shared helpers for lanternd's HTTP integration tests.

A test script does:

    from harness import Harness
    h = Harness("daemon_endpoints")
    index = h.build_index()                    # corpus/ into a temp dir
    d = h.start_daemon(index)                  # 127.0.0.1:<free port>
    with h.section("healthz"):
        r = d.get("/healthz")
        h.eq(200, r.status, "/healthz answers 200")
    h.finish()                                 # exits 0, 1 (failures) or 77

Everything is python3 standard library (PyYAML only where corpus_model is
used). Checks are soft: a failed check is recorded and the script goes on,
so one run lists every broken behaviour; finish() exits 1 if any failed. A
section that raises is recorded as a failure and the next section runs.

Paths come from add_lantern_test's environment (LANTERN_SOURCE_DIR,
LANTERN_BUILD_DIR); run by hand they default to this source tree and its
build/ folder. The binaries are copied into the temp dir first, so a rebuild
of the shared build tree cannot pull them from under a running test.
Every daemon started is killed at exit (also when the test itself is killed:
PR_SET_PDEATHSIG). LANTERN_KEEP_TMP=1 keeps the temp dir.
"""
import atexit
import contextlib
import ctypes
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from lantern_testkit import Checks, die_with_parent as _die_with_parent, free_port, listeners_on  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("LANTERN_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
BUILD_DIR = os.environ.get("LANTERN_BUILD_DIR") or os.path.join(SOURCE_DIR, "build")
CORPUS_DIR = os.path.join(SOURCE_DIR, "corpus")

# The nine law-enforcement-sensitive resources' codewords (corpus/les and
# two more tagged `access: les`). None may reach an anonymous caller.
LES_CODEWORDS = ["Nightjar", "Tamarack", "Glasswing", "Merganser", "Bittern",
                 "Larkspur", "Kittiwake", "Whimbrel", "Phalarope"]

FACET_FIELDS = ["agency_type", "agency_size", "resource_level", "type", "topic",
                "audience", "delivery", "language", "publisher"]

# Never let a developer's environment pick the index.
os.environ.pop("LANTERN_INDEX", None)

class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.header_list = headers                      # [(name, value)]
        self.headers = {k.lower(): v for k, v in headers}  # last one wins
        self.body = body

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    def header_all(self, name):
        return [v for k, v in self.header_list if k.lower() == name.lower()]

    @property
    def content_type(self):
        return self.header("Content-Type", "")

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        body = self.body[:300]
        return f"<{self.status} {self.content_type!r} {body!r}{'...' if len(self.body) > 300 else ''}>"


class Daemon:
    """One running lanternd. Use request()/get(); stop() or kill() at the end."""

    def __init__(self, harness, binary, index, config=None, extra=(), name="lanternd"):
        self.harness = harness
        self.binary = binary
        self.index = index
        self.config = config
        self.extra = list(extra)
        self.name = name
        self.proc = None
        self.port = None
        self.returncode = None
        harness.daemons.append(self)
        self.count = sum(1 for d in harness.daemons if d.name == name)
        self.stdout_path = os.path.join(harness.tmp, f"{name}-{self.count}.out")
        self.stderr_path = os.path.join(harness.tmp, f"{name}-{self.count}.err")

    # ------------------------------------------------------------ lifecycle
    def command(self, port):
        argv = [self.binary, "--listen", f"127.0.0.1:{port}"]
        if self.index is not None:
            argv += ["--index", self.index]
        if self.config is not None:
            argv += ["--config", self.config]
        return argv + self.extra

    def start(self, expect_health=(200,), timeout=15, port=None):
        """Starts lanternd on a free port and waits until /healthz answers
        one of `expect_health` (any status when None). Retries on another
        port if someone else listens on the chosen one too."""
        for attempt in range(5):
            self.port = port or free_port()
            out = open(self.stdout_path, "ab")
            err = open(self.stderr_path, "ab")
            self.proc = subprocess.Popen(self.command(self.port), stdout=out, stderr=err,
                                         stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent,
                                         cwd=self.harness.tmp)
            out.close()
            err.close()
            self.returncode = None
            try:
                status = self.wait_healthy(expect_health, timeout)
            except RuntimeError:
                if port is None and self.proc.poll() is not None and "cannot listen" in self.stderr():
                    continue  # someone took the port between free_port() and the bind
                raise
            if port is None and listeners_on(self.port) > 1:
                # Another process has the port as well (lanternd sets
                # SO_REUSEPORT, so the bind does not fail): try another.
                self.kill()
                continue
            return status
        raise RuntimeError(f"{self.name}: could not get a port of its own")

    def wait_healthy(self, expect_health=(200,), timeout=15):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before answering:\n"
                                   + self.stderr())
            try:
                r = self.get("/healthz", timeout=2)
                last = r
                if expect_health is None or r.status in expect_health:
                    return r.status
            except OSError as error:
                last = error
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not answer /healthz in {timeout} s (last: {last!r});"
                           f" stderr:\n{self.stderr()}")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def send_signal(self, number):
        if self.alive():
            self.proc.send_signal(number)

    def wait(self, timeout):
        """Waits for exit; returns the exit status or None (still running)."""
        try:
            self.returncode = self.proc.wait(timeout=timeout)
            return self.returncode
        except subprocess.TimeoutExpired:
            return None

    def stop(self, timeout=15):
        """SIGTERM, wait; SIGKILL when it does not exit. Returns the status."""
        if self.proc is None:
            return None
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            if self.wait(timeout) is None:
                self.proc.kill()
                self.proc.wait()
                self.returncode = "killed after SIGTERM timeout"
        else:
            self.returncode = self.proc.returncode
        return self.returncode

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stderr(self):
        try:
            with open(self.stderr_path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError:
            return ""

    def stdout(self):
        try:
            with open(self.stdout_path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError:
            return ""

    # ------------------------------------------------------------ requests
    def request(self, method, path, headers=None, body=None, timeout=10):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
            return Response(response.status, response.reason, response.getheaders(), data)
        finally:
            connection.close()

    def get(self, path, headers=None, timeout=10):
        return self.request("GET", path, headers=headers, timeout=timeout)

    def raw(self, data, timeout=10, chunk=65536):
        """Sends raw bytes on a new connection, returns everything read back
        until the server closes (or the timeout)."""
        return raw_exchange(self.port, data, timeout, chunk)


def raw_exchange(port, data, timeout=10, chunk=65536):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    received = b""
    try:
        try:
            for start in range(0, len(data), chunk):
                s.sendall(data[start:start + chunk])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered early and closed: read what it said
        # No shutdown(SHUT_WR): a FIN arriving with the request makes
        # lanternd (libmicrohttpd with epoll) miss the close; see
        # test_signals.py. The server closes after answering.
        while True:
            try:
                piece = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not piece:
                break
            received += piece
    finally:
        s.close()
    return received


def parse_raw_response(data):
    """(status, {header: value}, body) of a raw HTTP/1.x response."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines or not lines[0].startswith("HTTP/"):
        return None, {}, data
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


class Harness(Checks):
    def __init__(self, name):
        self.name = name
        self.started = time.monotonic()
        self.failures = []
        self.checks = 0
        self.daemons = []
        self.current_section = None
        self.tmp = tempfile.mkdtemp(prefix=f"lantern-{name}.", dir=os.environ.get("TMPDIR"))
        atexit.register(self._cleanup)
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, self._on_signal)
        self.lanternd = self._snapshot(os.path.join(BUILD_DIR, "query", "lanternd"))
        self.indexer = self._snapshot(os.path.join(BUILD_DIR, "indexer", "lantern-index"))

    # ------------------------------------------------------------ plumbing
    def _snapshot(self, binary):
        if not os.access(binary, os.X_OK):
            self.fatal(f"no binary at {binary} (build first)")
        copy = os.path.join(self.tmp, os.path.basename(binary))
        for _ in range(10):
            try:
                shutil.copy2(binary, copy)
                if subprocess.run([copy, "--version"], capture_output=True, timeout=20).returncode == 0:
                    return copy
            except (OSError, subprocess.SubprocessError):
                pass
            time.sleep(2)
        self.fatal(f"cannot run {binary} (being rebuilt?)")

    def _on_signal(self, number, frame):
        raise SystemExit(128 + number)

    def _cleanup(self):
        for daemon in self.daemons:
            daemon.kill()
        keep = os.environ.get("LANTERN_KEEP_TMP") == "1"
        if keep or (self.failures and os.environ.get("LANTERN_KEEP_FAILED_TMP") == "1"):
            print(f"{self.name}: kept {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # ------------------------------------------------------------ checks
    def contains(self, haystack, needle, message):
        return self.check(needle in haystack, message, f"missing {needle!r} in {str(haystack)[:600]!r}")

    def not_contains(self, haystack, needle, message):
        return self.check(needle not in haystack, message, f"unexpected {needle!r} in {str(haystack)[:600]!r}")

    @contextlib.contextmanager
    def section(self, name):
        """A group of checks; an exception fails it and the next one runs."""
        previous = self.current_section
        self.current_section = name
        begun = time.monotonic()
        try:
            yield
        except Exception:
            self.fail("raised:\n" + traceback.format_exc())
        finally:
            self.current_section = previous
            if os.environ.get("LANTERN_TEST_VERBOSE") == "1":
                self.note(f"section {name}: {time.monotonic() - begun:.2f} s")

    def finish(self):
        elapsed = time.monotonic() - self.started
        for daemon in self.daemons:
            daemon.kill()
        if self.failures:
            print(f"{self.name}: FAIL: {len(self.failures)} of {self.checks} checks failed "
                  f"({elapsed:.1f} s):", file=sys.stderr)
            for failure in self.failures:
                print(f"  - {failure}", file=sys.stderr)
            sys.exit(1)
        print(f"{self.name}: PASS ({self.checks} checks, {elapsed:.1f} s)")
        sys.exit(0)

    # ------------------------------------------------------------ HTTP shapes
    def json_response(self, response, message, status=200):
        """Checks status and a JSON Content-Type; returns the parsed body ({} if not JSON)."""
        self.eq(status, response.status, f"{message}: status")
        self.check(response.content_type.startswith("application/json"),
                   f"{message}: Content-Type is application/json", response.content_type)
        try:
            return response.json()
        except ValueError as error:
            self.fail(f"{message}: body is not JSON ({error}): {response.body[:300]!r}")
            return {}

    def problem(self, response, status, message, detail_contains=None):
        """An RFC 9457 problem document with `status` and a non-empty detail."""
        self.eq(status, response.status, f"{message}: status")
        self.check(response.content_type.split(";")[0].strip() == "application/problem+json",
                   f"{message}: Content-Type is application/problem+json", response.content_type)
        try:
            body = response.json()
        except ValueError as error:
            self.fail(f"{message}: problem body is not JSON ({error}): {response.body[:300]!r}")
            return None
        if not self.check(isinstance(body, dict), f"{message}: problem body is an object", body):
            return None
        self.eq(status, body.get("status"), f"{message}: problem 'status' member")
        self.check(isinstance(body.get("title"), str) and body.get("title"),
                   f"{message}: problem has a title", body)
        self.check(isinstance(body.get("type"), str), f"{message}: problem has a type", body)
        detail = body.get("detail")
        self.check(isinstance(detail, str) and len(detail) > 0, f"{message}: problem has a detail (the reason)", body)
        if detail_contains is not None and isinstance(detail, str):
            needles = [detail_contains] if isinstance(detail_contains, str) else detail_contains
            for needle in needles:
                self.contains(detail.lower(), needle.lower(), f"{message}: detail names the reason")
        return body

    # ------------------------------------------------------------ the index
    def run_indexer(self, *args, timeout=120):
        """lantern-index --no-sync ARGS; returns the CompletedProcess."""
        result = subprocess.run([self.indexer, "--no-sync", *args], capture_output=True, text=True,
                                timeout=timeout, cwd=self.tmp)
        return result

    def build_index(self, corpus=CORPUS_DIR, index=None, *extra):
        index = index or os.path.join(self.tmp, "index")
        result = self.run_indexer("--index", index, *extra, corpus)
        if result.returncode != 0:
            self.fatal(f"lantern-index --index {index} {corpus} exited {result.returncode}:\n"
                       f"{result.stdout}\n{result.stderr}")
        return index

    def copy_corpus(self, dest=None):
        """A copy of corpus/ with mtimes preserved (old, out of the racy window)."""
        dest = dest or os.path.join(self.tmp, "corpus")
        shutil.copytree(CORPUS_DIR, dest, symlinks=True)
        return dest

    def write(self, path, text):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def start_daemon(self, index, config=None, extra=(), expect_health=(200,), name="lanternd"):
        daemon = Daemon(self, self.lanternd, index, config, extra, name)
        try:
            daemon.start(expect_health=expect_health)
        except RuntimeError as error:
            self.fatal(str(error))
        return daemon

    def corpus_model(self, corpus=CORPUS_DIR):
        """tests/query/corpus_model.py's model of a corpus (independent of lantern's code)."""
        sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "query"))
        try:
            import corpus_model  # noqa: E402
        finally:
            sys.path.pop(0)
        return corpus_model.Corpus(corpus)
