"""scaling_lib.py - shared helpers for the scale-out tests (docs/scaling.md).

A test script does:

    from scaling_lib import Harness
    h = Harness("scaling_shards_equal")
    single = h.index_corpus("single")                    # corpus/ into TMP/single
    shard = h.index_corpus("s0", "--shard", "0/2")
    server = h.tcpsrv(shard + "/current/public")         # xapian-tcpsrv on a free port
    stub = h.stub_index("stub", {"public": ["auto ...", f"remote 127.0.0.1:{server.port}"]})
    with h.section("equal"):
        h.eq(a, b, "same answer")
    h.finish()                                           # exit 0, 1 (failures) or 77

Python 3 standard library only. Checks are soft: a failed check is recorded
and the script goes on; finish() exits 1 if any failed. A section that raises
is recorded as a failure and the next one runs.

Every process a test starts (xapian-tcpsrv, xapian-replicate-server,
lanternd, fake servers) is started in a session of its own, so that it and
the children it forks (xapian-tcpsrv serves each connection from a forked
child) can be killed together by process-group id, never by name; all are
killed when the script exits, and get SIGKILL if the script itself is killed
(PR_SET_PDEATHSIG on the process started). The binaries are copied into the
temp dir first, so that a rebuild of the shared build tree cannot pull them
from under a running test. LANTERN_KEEP_TMP=1 keeps the temp dir.
"""
import atexit
import concurrent.futures
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
import threading
import time
import traceback
import urllib.parse
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from lantern_testkit import Checks, die_with_parent as _die_with_parent, free_port, listeners_on  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("LANTERN_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
BUILD_DIR = os.environ.get("LANTERN_BUILD_DIR") or os.path.join(SOURCE_DIR, "build")
CORPUS_DIR = os.path.join(SOURCE_DIR, "corpus")

FACET_FIELDS = ["agency_type", "agency_size", "resource_level", "type", "topic",
                "audience", "delivery", "language", "publisher"]

# Never let a developer's environment pick the index.
os.environ.pop("LANTERN_INDEX", None)

# ------------------------------------------------------------------ requests

def cli_args(request):
    """lantern-search options and query words for a request dict (see
    answers.c for its members)."""
    args = []
    for field, values in request.get("filters", {}).items():
        for value in values:
            args += ["--" + field.replace("_", "-"), value]
    if request.get("all"):
        args.append("--all")
    if request.get("published"):
        args += ["--published", request["published"]]
    if request.get("sort"):
        args += ["--sort", request["sort"]]
    if "offset" in request:
        args += ["--offset", str(request["offset"])]
    if "limit" in request:
        args += ["--limit", str(request["limit"])]
    if request.get("facets") == "*":
        args.append("--facets")
    elif request.get("facets"):
        raise ValueError("lantern-search counts every facet or none")
    if request.get("related"):
        args += ["--related", request["related"]]
    args.append("--")
    if request.get("q"):
        args.append(request["q"])
    return args


def http_path(request):
    """The lanternd URL of a request dict: /api/search, or /api/related/ID."""
    params = []
    if request.get("q"):
        params.append(("q", request["q"]))
    for field, values in request.get("filters", {}).items():
        for value in values:
            params.append((field, value))
    if request.get("all"):
        params.append(("all", "true"))
    for key in ("published", "sort"):
        if request.get(key):
            params.append((key, request[key]))
    for key in ("offset", "limit"):
        if key in request:
            params.append((key, str(request[key])))
    if request.get("facets"):
        facets = request["facets"]
        params.append(("facets", facets if isinstance(facets, str) else ",".join(facets)))
    if request.get("related"):
        if request.get("q"):
            raise ValueError("/api/related takes no q")
        base = "/api/related/" + urllib.parse.quote(request["related"], safe="/")
    else:
        base = "/api/search"
    return base + ("?" + urllib.parse.urlencode(params) if params else "")


# ------------------------------------------------------------------ comparing

# Members that legitimately differ between two engines over the same data.
TIMING_MEMBERS = ("processingTimeMs", "partitions")


def strip_timing(response):
    if isinstance(response, dict):
        return {k: v for k, v in response.items() if k not in TIMING_MEMBERS}
    return response


def differences(expected, actual, tolerance, path="$"):
    """Where two JSON values differ: a list of 'path: expected != actual'.
    Floats (scores) may differ by `tolerance`, relative to their size; object
    member order counts (facet values are listed by count), as does list
    order (hits)."""
    out = []
    if isinstance(expected, bool) or isinstance(actual, bool):
        if expected is not actual:
            out.append(f"{path}: {expected!r} != {actual!r}")
    elif isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        if isinstance(expected, float) or isinstance(actual, float):
            if abs(expected - actual) > tolerance * max(1.0, abs(expected)):
                out.append(f"{path}: {expected!r} != {actual!r}")
        elif expected != actual:
            out.append(f"{path}: {expected!r} != {actual!r}")
    elif isinstance(expected, dict) and isinstance(actual, dict):
        if list(expected) != list(actual):
            out.append(f"{path}: members {list(expected)} != {list(actual)}")
        for key in expected:
            if key in actual:
                out += differences(expected[key], actual[key], tolerance, f"{path}.{key}")
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            out.append(f"{path}: {len(expected)} items != {len(actual)} items"
                       + (f" (ids {[h.get('id') for h in expected if isinstance(h, dict)]} != "
                          f"{[h.get('id') for h in actual if isinstance(h, dict)]})"
                          if path.endswith("hits") else ""))
        for i, (a, b) in enumerate(zip(expected, actual)):
            out += differences(a, b, tolerance, f"{path}[{i}]")
    elif expected != actual:
        out.append(f"{path}: {str(expected)[:120]!r} != {str(actual)[:120]!r}")
    return out


# ------------------------------------------------------------------ processes

def listening(port):
    """Whether a socket LISTENs on TCP `port`."""
    return listeners_on(port) > 0


class Process:
    """A child in its own session: stop() kills its whole process group."""

    def __init__(self, harness, name, argv, port=None, cwd=None):
        self.harness = harness
        self.name = name
        self.argv = argv
        self.port = port
        self.log_path = os.path.join(harness.tmp, f"{name}.log")
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=cwd or harness.tmp,
                                     start_new_session=True, preexec_fn=_die_with_parent)
        log.close()
        harness.processes.append(self)

    def alive(self):
        return self.proc.poll() is None

    def stop(self, sig=signal.SIGKILL):
        """Kills the process and everything it forked (its process group)."""
        if self.proc is None:
            return
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        # Forked children that outlive the leader are still in the group.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def log(self):
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError:
            return ""

    def wait_listening(self, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log()}")
            if listening(self.port):
                return
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} does not listen on {self.port} after {timeout} s:\n{self.log()}")


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body

    @property
    def content_type(self):
        return self.headers.get("content-type", "")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        return f"<{self.status} {self.content_type!r} {self.body[:300]!r}>"


class Daemon(Process):
    """A lanternd on a free loopback port."""

    def __init__(self, harness, name, index, config=None):
        self.index = index
        port = free_port()
        argv = [harness.lanternd, "--listen", f"127.0.0.1:{port}", "--index", index]
        if config:
            argv += ["--config", config]
        super().__init__(harness, name, argv, port)

    def get(self, path, timeout=15, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return Response(response.status, response.getheaders(), response.read())
        finally:
            connection.close()

    def wait_healthy(self, statuses=(200,), timeout=15):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log()}")
            try:
                last = self.get("/healthz", timeout=5)
                if last.status in statuses:
                    return last
            except OSError as error:
                last = error
            time.sleep(0.05)
        raise RuntimeError(f"{self.name}: /healthz gave {last!r} for {timeout} s:\n{self.log()}")


class SilentServer:
    """A TCP server that accepts connections and never says a word: a shard
    host that hangs (a stuck disk, a wedged process). In a thread of the test."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.closed = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.closed:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(connection)  # held open, never answered

    def close(self):
        self.closed = True
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        for connection in self.accepted:
            connection.close()


# ------------------------------------------------------------------ the harness

class Harness(Checks):
    def __init__(self, name):
        self.name = name
        self.started = time.monotonic()
        self.failures = []
        self.checks = 0
        self.processes = []
        self.silent_servers = []
        self.current_section = None
        for tool in ("xapian-tcpsrv",):
            if not shutil.which(tool):
                self.skip(f"{tool} not installed (Debian: xapian-tools)")
        self.tmp = tempfile.mkdtemp(prefix=f"lantern-{name}.", dir=os.environ.get("TMPDIR"))
        atexit.register(self._cleanup)
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, self._on_signal)
        self.indexer = self._snapshot(os.path.join(BUILD_DIR, "indexer", "lantern-index"))
        self.search_binary = self._snapshot(os.path.join(BUILD_DIR, "query", "lantern-search"))
        self.lanternd = self._snapshot(os.path.join(BUILD_DIR, "query", "lanternd"))
        answers = os.environ.get("LANTERN_SCALING_ANSWERS") or os.path.join(
            BUILD_DIR, "tests", "scaling", "lantern-scaling-answers")
        self.answers_binary = self._snapshot(answers, version=False)

    # ------------------------------------------------------------ plumbing
    def _snapshot(self, binary, version=True):
        if not os.access(binary, os.X_OK):
            self.fatal(f"no binary at {binary} (build first)")
        copy = os.path.join(self.tmp, os.path.basename(binary))
        for _ in range(10):
            try:
                shutil.copy2(binary, copy)
                argv = [copy, "--version"] if version else [copy, "--help"]
                if subprocess.run(argv, capture_output=True, timeout=20).returncode == 0:
                    return copy
            except (OSError, subprocess.SubprocessError):
                pass
            time.sleep(2)
        self.fatal(f"cannot run {binary} (being rebuilt?)")

    def _on_signal(self, number, frame):
        raise SystemExit(128 + number)

    def _cleanup(self):
        for process in self.processes:
            process.stop()
        for server in self.silent_servers:
            server.close()
        keep = os.environ.get("LANTERN_KEEP_TMP") == "1"
        if keep or (self.failures and os.environ.get("LANTERN_KEEP_FAILED_TMP") == "1"):
            print(f"{self.name}: kept {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # ------------------------------------------------------------ checks
    def same_answer(self, expected, actual, message, tolerance):
        """Two responses equal apart from timing, scores within `tolerance`."""
        self.checks += 1
        found = differences(strip_timing(expected), strip_timing(actual), tolerance)
        if found:
            more = f"\n    ... and {len(found) - 8} more" if len(found) > 8 else ""
            self.fail(f"{message}: {len(found)} differences\n    " + "\n    ".join(found[:8]) + more)
            return False
        return True

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
        for process in self.processes:
            process.stop()
        if self.failures:
            print(f"{self.name}: FAIL: {len(self.failures)} of {self.checks} checks failed "
                  f"({elapsed:.1f} s):", file=sys.stderr)
            for failure in self.failures:
                print(f"  - {failure}", file=sys.stderr)
            sys.exit(1)
        print(f"{self.name}: PASS ({self.checks} checks, {elapsed:.1f} s)")
        sys.exit(0)

    # ------------------------------------------------------------ indexes
    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def run_indexer(self, *args, timeout=120):
        """lantern-index --no-sync --quiet ARGS (the corpus last)."""
        return subprocess.run([self.indexer, "--no-sync", "--quiet", *args], capture_output=True,
                              text=True, timeout=timeout, cwd=self.tmp)

    def index_corpus(self, name, *extra, corpus=CORPUS_DIR):
        """Indexes `corpus` into TMP/name with `extra` options; fatal on failure."""
        index = self.path(name)
        result = self.run_indexer("--index", index, *extra, corpus)
        if result.returncode != 0:
            self.fatal(f"lantern-index {' '.join(extra)} {corpus} exited {result.returncode}:\n"
                       f"{result.stdout}\n{result.stderr}")
        return index

    def stub_index(self, name, partitions):
        """An index folder whose partitions are Xapian stubs: TMP/name/LABEL/
        XAPIANDB holding `lines` for each LABEL (no `current` link: the engine
        opens the partitions directly). Returns the folder."""
        index = self.path(name)
        for label, lines in partitions.items():
            self.write_stub(os.path.join(index, label), lines)
        return index

    def write_stub(self, folder, lines):
        """Writes folder/XAPIANDB atomically (a reader never sees half a stub)."""
        os.makedirs(folder, exist_ok=True)
        scratch = os.path.join(folder, ".XAPIANDB.new")
        with open(scratch, "w", encoding="utf-8") as handle:
            handle.write("".join(line + "\n" for line in lines))
        os.rename(scratch, os.path.join(folder, "XAPIANDB"))

    def write(self, path, text):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    # ------------------------------------------------------------ servers
    def tcpsrv(self, database, name=None, port=None):
        """xapian-tcpsrv serving `database` on a free loopback port."""
        for _ in range(5):
            chosen = port or free_port()
            server = Process(self, name or f"tcpsrv-{chosen}",
                             ["xapian-tcpsrv", "--interface", "127.0.0.1", "--port", str(chosen),
                              database], chosen)
            try:
                server.wait_listening()
                return server
            except RuntimeError:
                server.stop()
                if port:
                    raise
        self.fatal(f"cannot start xapian-tcpsrv for {database}")

    def silent_server(self):
        server = SilentServer()
        self.silent_servers.append(server)
        return server

    def daemon(self, name, index, config=None, health=(200,)):
        """lanternd on `index` (and `config`), waited for until /healthz gives
        one of `health`."""
        for _ in range(5):
            daemon = Daemon(self, name, index, config)
            try:
                daemon.wait_healthy(health)
                return daemon
            except RuntimeError as error:
                daemon.stop()
                if "cannot listen" not in daemon.log():
                    self.fatal(str(error))
        self.fatal(f"{name}: no port of its own")

    # ------------------------------------------------------------ searching
    def search(self, index, request, *options, timeout=60):
        """lantern-search --json on `index` for a request dict: (exit status,
        parsed JSON or None, stderr, seconds)."""
        argv = [self.search_binary, "--index", index, "--json", *options, *cli_args(request)]
        begun = time.monotonic()
        result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=self.tmp)
        elapsed = time.monotonic() - begun
        try:
            body = json.loads(result.stdout) if result.stdout.strip() else None
        except ValueError:
            body = None
        return result.returncode, body, result.stderr, elapsed

    def answers(self, index, requests, *options, processes=1, timeout=120):
        """The engine's full-precision answers (lantern-scaling-answers) to
        every request, in order; the list split over `processes` engines
        running side by side (remote shards are round-trip bound)."""
        chunks = [requests[i::processes] for i in range(processes)]

        def run(chunk):
            if not chunk:
                return []
            listing = self.path(f"requests-{threading.get_ident()}-{time.monotonic_ns()}.jsonl")
            with open(listing, "w", encoding="utf-8") as handle:
                for request in chunk:
                    handle.write(json.dumps(request) + "\n")
            result = subprocess.run([self.answers_binary, "--index", index, *options, listing],
                                    capture_output=True, text=True, timeout=timeout, cwd=self.tmp)
            if result.returncode != 0:
                raise RuntimeError(f"lantern-scaling-answers --index {index} exited {result.returncode}:"
                                   f" {result.stderr}")
            return [json.loads(line) for line in result.stdout.splitlines()]

        with concurrent.futures.ThreadPoolExecutor(max_workers=processes) as pool:
            answered = list(pool.map(run, chunks))
        out = [None] * len(requests)
        for i, chunk in enumerate(answered):
            out[i::processes] = chunk
        return out
