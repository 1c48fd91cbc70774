#!/usr/bin/python3
"""test_signals.py - lanternd's configuration, reloads and shutdown.

  * --check-config: 0 for a valid file, 3 for an invalid one with
    FILE:LINE:COL diagnostics on stderr;
  * SIGHUP with a changed valid config takes effect without a restart
    (cors_origins, partitions); with an invalid one it is rejected, stderr
    says so and the old configuration stays in force;
  * SIGTERM while requests stream in: requests in flight complete, the
    process exits 0; a client that gives up half-way does not hold the drain;
  * a missing index: the daemon still starts, /healthz and the API answer
    503 (problem+json for the API), and it serves once the index is built;
  * a port already in use is an error, not a shared socket.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOURCE_DIR, Daemon, Harness, listeners_on, parse_raw_response  # noqa: E402

h = Harness("daemon_signals")
index = h.build_index()
model = h.corpus_model()
public_count = len(model.select({}, access={"public"}))
all_count = len(model.resources)
LES_ID = "les/confidential-source-handling-kittiwake"


def check_config(path, *extra):
    return subprocess.run([h.lanternd, "--config", path, "--check-config", *extra], capture_output=True,
                          text=True, timeout=30, cwd=h.tmp)


def wait_for(predicate, timeout=5.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def acao(daemon, origin):
    return daemon.get("/healthz", headers={"Origin": origin}).header("Access-Control-Allow-Origin")


def close_wait_count(port):
    """Server-side sockets on `port` whose client has closed (CLOSE_WAIT)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                next(handle)
                for line in handle:
                    fields = line.split()
                    if fields[3] == "08" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                        count += 1
        except OSError:
            pass
    return count


# ---------------------------------------------------------------- --check-config
with h.section("--check-config"):
    valid = h.write(os.path.join(h.tmp, "valid.yaml"),
                    "# every setting, valid\n"
                    "listen: 127.0.0.1:18080\n"
                    f"index: {index}\n"
                    "base_url: https://lantern.example.org/\n"
                    "partitions: [public]\n"
                    "cors_origins: [\"https://portal.example\"]\n"
                    "threads: 4\nconnection_timeout: 10\nmax_connections: 100\n"
                    "max_connections_per_ip: 20\nmax_uri_bytes: 4096\nmax_header_bytes: 16384\n"
                    "access_log: false\n")
    result = check_config(valid)
    h.eq(0, result.returncode, f"--check-config of a valid file exits 0 ({result.stderr.strip()})")
    h.contains(result.stdout, "valid", "--check-config says the file is valid")
    invalid = h.write(os.path.join(h.tmp, "invalid.yaml"),
                      "threads: lots\n"
                      "cors_origins: {a: b}\n"
                      "max_uri_bytes: 12\n"
                      "base_url: ftp://example.org\n"
                      "partitions: [Public!]\n"
                      "access_log: sometimes\n"
                      "listen: nowhere\n")
    result = check_config(invalid)
    h.eq(3, result.returncode, "--check-config of an invalid file exits 3")
    for line, column, setting in [(1, 10, "threads"), (2, 15, "cors_origins"), (3, 16, "max_uri_bytes"),
                                  (4, 11, "base_url"), (5, 13, "partitions"), (6, 13, "access_log"),
                                  (7, 9, "listen")]:
        h.check(re.search(rf"^{re.escape(invalid)}:{line}:\d+: error: {setting}: ", result.stderr, re.M),
                f"--check-config reports {setting} as FILE:{line}:COL: error", result.stderr)
    syntax = h.write(os.path.join(h.tmp, "syntax.yaml"), "cors_origins: [\"https://a.example\"\nthreads: 2\n")
    result = check_config(syntax)
    h.eq(3, result.returncode, "--check-config of broken YAML exits 3")
    h.check(re.search(rf"^{re.escape(syntax)}:\d+:\d+: error: ", result.stderr, re.M),
            "broken YAML is reported as FILE:LINE:COL: error", result.stderr)
    result = check_config(os.path.join(h.tmp, "missing.yaml"))
    h.eq(3, result.returncode, "--check-config of a missing file exits 3")
    h.contains(result.stderr, "missing.yaml", "the missing file is named")
    unknown = h.write(os.path.join(h.tmp, "unknown.yaml"), "threads: 2\ncolour: blue\n")
    result = check_config(unknown)
    h.eq(0, result.returncode, "an unknown setting is a warning, not an error")
    h.check(re.search(rf"^{re.escape(unknown)}:2:1: warning: .*colour", result.stderr, re.M),
            "the unknown setting is reported at FILE:2:1", result.stderr)
    result = subprocess.run([h.lanternd, "--no-such-flag"], capture_output=True, text=True, timeout=30)
    h.eq(2, result.returncode, "an unknown option exits 2")
    result = subprocess.run([h.lanternd, "--check-config", "--listen", "127.0.0.1:99999"], capture_output=True,
                            text=True, timeout=30)
    h.eq(3, result.returncode, "--listen with a bad port is rejected (3)")

with h.section("the deploy examples"):
    deploy = os.path.join(SOURCE_DIR, "query", "daemon", "deploy")
    example = os.path.join(deploy, "lanternd.yaml")
    result = check_config(example)
    h.eq(0, result.returncode, f"deploy/lanternd.yaml passes --check-config ({result.stderr.strip()})")
    h.eq("", result.stderr, "deploy/lanternd.yaml: no warnings")
    with open(example, encoding="utf-8") as handle:
        text = handle.read()
    for setting in ["listen", "index", "assets", "base_url", "partitions", "cors_origins", "threads",
                    "connection_timeout", "max_connections", "max_connections_per_ip", "max_uri_bytes",
                    "max_header_bytes", "access_log", "tokens", "trusted_header"]:
        h.check(re.search(rf"^(#> )?{setting}:", text, re.M), f"deploy/lanternd.yaml shows '{setting}'")
    enabled = h.write(os.path.join(h.tmp, "lanternd-examples.yaml"), re.sub(r"(?m)^#> ", "", text))
    result = check_config(enabled)
    h.eq(0, result.returncode, f"deploy/lanternd.yaml with its '#> ' examples enabled is valid ({result.stderr.strip()})")
    service = os.path.join(deploy, "lanternd.service")
    with open(service, encoding="utf-8") as handle:
        unit = handle.read()
    for needle in ["ProtectSystem=strict", "NoNewPrivileges=yes", "Restart=on-failure", "ReadOnlyPaths=",
                   "kill -HUP $MAINPID", "ExecStart="]:
        h.contains(unit, needle, f"lanternd.service has {needle}")
    h.check(re.search(r"^(User=|DynamicUser=yes)", unit, re.M), "lanternd.service runs as a dedicated user")
    analyze = shutil.which("systemd-analyze")
    if analyze:
        rendered = h.write(os.path.join(h.tmp, "systemd", "lanternd.service"),
                           unit.replace("/usr/local/bin/lanternd", h.lanternd))
        result = subprocess.run([analyze, "verify", rendered], capture_output=True, text=True, timeout=60)
        problems = [line for line in (result.stdout + result.stderr).splitlines() if "lanternd.service" in line]
        h.check(result.returncode == 0 and not problems, "systemd-analyze verify lanternd.service",
                result.stdout + result.stderr)
    else:
        h.note("systemd-analyze not installed: lanternd.service checked as text only")

# ---------------------------------------------------------------- SIGHUP
with h.section("SIGHUP reloads a valid configuration"):
    config = os.path.join(h.tmp, "live.yaml")
    h.write(config, 'cors_origins: ["https://one.example"]\n')
    d = h.start_daemon(index, config=config, name="lanternd-reload")
    h.eq("https://one.example", acao(d, "https://one.example"), "before: one.example allowed")
    h.eq(None, acao(d, "https://two.example"), "before: two.example not allowed")
    pid = d.proc.pid
    h.write(config, 'cors_origins: ["https://two.example"]\n')
    d.send_signal(signal.SIGHUP)
    h.check(wait_for(lambda: acao(d, "https://two.example") == "https://two.example"),
            "after SIGHUP: two.example allowed", d.stderr())
    h.eq(None, acao(d, "https://one.example"), "after SIGHUP: one.example no longer allowed")
    h.eq(pid, d.proc.pid, "same process")
    h.check(d.alive(), "still running")
    h.contains(d.stderr(), "configuration reloaded", "stderr says the configuration was reloaded")

    # Partitions: every pool thread must reopen its engine for the new set.
    h.eq(404, d.get("/api/doc/" + LES_ID).status, "before: an LES resource is not served")
    h.write(config, 'cors_origins: ["https://two.example"]\npartitions: [public, les]\n')
    d.send_signal(signal.SIGHUP)
    h.check(wait_for(lambda: d.get("/api/doc/" + LES_ID).status == 200),
            "after SIGHUP with partitions [public, les]: the LES resource is served")
    statuses = {d.get("/healthz").text for _ in range(40)}
    h.eq({all_count}, {json.loads(s)["documents"] for s in statuses},
         "every pool thread counts public + les after the reload")
    h.write(config, 'cors_origins: ["https://two.example"]\npartitions: [public]\n')
    d.send_signal(signal.SIGHUP)
    h.check(wait_for(lambda: d.get("/api/doc/" + LES_ID).status == 404), "back to [public]: 404 again")
    results = [d.get("/api/search?q=kittiwake&limit=0").json()["totalHits"] for _ in range(40)]
    h.eq({0}, set(results), "no pool thread keeps searching les after the reload")
    h.eq({public_count}, {d.get("/healthz").json()["documents"] for _ in range(40)},
         "every pool thread counts public only again")

with h.section("SIGHUP rejects an invalid configuration"):
    before = d.stderr()
    h.write(config, 'cors_origins: ["https://three.example"]\nthreads: lots\n')
    d.send_signal(signal.SIGHUP)
    h.check(wait_for(lambda: "configuration rejected" in d.stderr()[len(before):]),
            "stderr says the configuration was rejected", d.stderr()[len(before):])
    after = d.stderr()[len(before):]
    h.check(re.search(rf"{re.escape(config)}:2:\d+: error: threads", after),
            "the rejection names FILE:LINE:COL of the problem", after)
    h.check(d.alive(), "still running after an invalid reload")
    h.eq(200, d.get("/healthz").status, "still healthy after an invalid reload")
    h.eq("https://two.example", acao(d, "https://two.example"), "the old configuration is still in force")
    h.eq(None, acao(d, "https://three.example"), "nothing of the rejected configuration applies")
    os.unlink(config)
    d.send_signal(signal.SIGHUP)
    h.check(wait_for(lambda: d.stderr().count("configuration rejected") >= 2),
            "a vanished config file is rejected too")
    h.check(d.alive(), "still running with the config file gone")
    h.eq("https://two.example", acao(d, "https://two.example"), "still the old configuration")
    h.write(config, 'cors_origins: ["https://three.example"]\nthreads: 3\n')
    d.send_signal(signal.SIGHUP)
    h.check(wait_for(lambda: acao(d, "https://three.example") == "https://three.example"),
            "a later valid config is applied")
    h.check(wait_for(lambda: "only at restart" in d.stderr()), "a threads change is reported as needing a restart",
            d.stderr()[-300:])
    h.eq(200, d.get("/healthz").status, "still serving on the old port")
    h.eq(0, d.stop(), "exits 0 on SIGTERM")

# ---------------------------------------------------------------- SIGTERM
with h.section("SIGTERM drains requests in flight"):
    d = h.start_daemon(index, name="lanternd-drain")
    stop = threading.Event()
    outcomes = []  # (started, finished, kind, detail)
    lock = threading.Lock()
    searches = ["/api/search?q=child+trafficking&facets=*&limit=1000",
                "/api/search?q=indicators+OR+training&limit=200&facets=*",
                "/api/suggest?q=traff", "/api/facets", "/api/related/legal/trafficking-victims-protection-act-overview"]

    def stream(number):
        i = 0
        while not stop.is_set():
            path = searches[(number + i) % len(searches)]
            i += 1
            started = time.monotonic()
            try:
                r = d.get(path, timeout=20)
                kind = "ok" if r.status == 200 else f"status {r.status}"
                if r.status == 200:
                    try:
                        r.json()
                    except ValueError:
                        kind = "bad json"
                detail = r.body[:200]
            except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError) as error:
                kind, detail = "refused", repr(error)
            except Exception as error:  # RemoteDisconnected, timeouts, ...
                kind, detail = "error", repr(error)
            with lock:
                outcomes.append((started, time.monotonic(), kind, detail))

    workers = [threading.Thread(target=stream, args=(n,), daemon=True) for n in range(4)]
    for worker in workers:
        worker.start()
    # Requests in flight at SIGTERM: headers half sent, finished afterwards.
    slow = []
    for _ in range(3):
        s = socket.create_connection(("127.0.0.1", d.port), timeout=20)
        s.sendall(b"GET /api/search?q=trafficking&limit=50&facets=* HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        slow.append(s)
    time.sleep(1.5)
    signalled = time.monotonic()
    d.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    h.check(d.alive(), "still draining 0.5 s after SIGTERM (a request is in flight)")
    for s in slow:
        s.sendall(b"Connection: close\r\n\r\n")
    answers = []
    for s in slow:
        data = b""
        try:
            while True:
                piece = s.recv(65536)
                if not piece:
                    break
                data += piece
        except OSError as error:
            data += repr(error).encode()
        s.close()
        answers.append(data)
    status = d.wait(15)
    stopped = time.monotonic()
    stop.set()
    for worker in workers:
        worker.join(30)
    for data in answers:
        code, headers, body = parse_raw_response(data)
        h.eq(200, code, "a request in flight at SIGTERM is answered 200")
        try:
            h.check(len(json.loads(body)["hits"]) > 0, "... with a complete JSON body")
        except ValueError:
            h.fail(f"a request in flight at SIGTERM got a truncated body: {data[-200:]!r}")
    h.eq(0, status, "lanternd exits 0 after SIGTERM")
    h.check(stopped - signalled < 12, "it stops within the 10 s grace", stopped - signalled)
    h.contains(d.stderr(), "stopping", "stderr says it is stopping")
    before = [o for o in outcomes if o[0] < signalled - 0.5]
    h.check(len(before) >= 8, "the stream ran before SIGTERM", len(before))
    h.eq([], [o[2:] for o in before if o[2] != "ok"][:5], "every request started before SIGTERM succeeded")
    bad = [o[2:] for o in outcomes if o[2] not in ("ok", "refused", "error")]
    h.eq([], bad[:5], "no request got a non-200 answer or a broken body (only refusals after SIGTERM)")
    h.eq(0, listeners_on(d.port), "nothing listens on the port after exit")
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as a restarted lanternd would
        try:
            s.bind(("127.0.0.1", d.port))
            s.listen(1)
            freed = True
        except OSError as error:
            freed = error
    h.eq(True, freed, "the port can be bound again at once")

with h.section("a client giving up mid-request does not hold the drain"):
    d = h.start_daemon(index, name="lanternd-abandon")
    # Whether libmicrohttpd misses a close depends on timing, so try a few
    # rounds; a correct server never leaves one behind.
    lingering = 0
    for _ in range(4):
        for _ in range(60):
            s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
            s.sendall(b"GET /api/search?q=traff")  # half a request line, then gone
            s.shutdown(socket.SHUT_WR)
            s.close()
        time.sleep(0.6)
        lingering = close_wait_count(d.port)
        if lingering:
            break
    h.eq(0, lingering, "abandoned connections are closed by lanternd (none left in CLOSE_WAIT)")
    begun = time.monotonic()
    d.send_signal(signal.SIGTERM)
    status = d.wait(15)
    h.eq(0, status, "exits 0")
    h.check(time.monotonic() - begun < 3, "SIGTERM with nothing in flight stops within 3 s",
            f"{time.monotonic() - begun:.1f} s with {lingering} abandoned connection(s) in CLOSE_WAIT")

with h.section("SIGINT stops too"):
    d = h.start_daemon(index, name="lanternd-sigint")
    d.send_signal(signal.SIGINT)
    h.eq(0, d.wait(15), "exits 0 on SIGINT")

# ---------------------------------------------------------------- no index
with h.section("missing index: 503, then served once built"):
    missing = os.path.join(h.tmp, "not-built-yet")
    d = h.start_daemon(missing, expect_health=(503,), name="lanternd-noindex")
    r = d.get("/healthz")
    h.eq(503, r.status, "/healthz is 503 without an index")
    body = h.json_response(r, "/healthz without an index", 503)
    h.eq("unavailable", (body or {}).get("status"), "/healthz says unavailable")
    for path in ["/api/search?q=trafficking", "/api/suggest?q=traff", "/api/facets",
                 "/api/doc/legal/trafficking-victims-protection-act-overview",
                 "/api/related/legal/trafficking-victims-protection-act-overview"]:
        r = d.get(path)
        h.check(r.status == 503 and r.content_type.startswith("application/problem+json"),
                f"{path} without an index: 503 problem+json", r)
        h.not_contains(r.text, h.tmp, f"{path} without an index: the answer does not reveal the server's paths")
    r = d.get("/")
    h.eq(200, r.status, "the page is still served")
    r = d.get("/metrics")
    h.eq(200, r.status, "/metrics still answers")
    h.check(d.alive(), "lanternd keeps running without an index")
    h.build_index(index=missing)
    h.check(wait_for(lambda: d.get("/healthz").status == 200), "/healthz turns 200 once the index is built")
    r = d.get("/api/search?q=trafficking&limit=1")
    body = h.json_response(r, "search once the index is built")
    h.check((body or {}).get("totalHits", 0) > 0, "search works without a restart")
    h.eq(0, d.stop(), "exits 0")

# ---------------------------------------------------------------- port in use
with h.section("a port already in use is an error"):
    first = h.start_daemon(index, name="lanternd-first")
    second = Daemon(h, h.lanternd, index, name="lanternd-second")
    second.proc = subprocess.Popen(second.command(first.port), stdout=open(second.stdout_path, "wb"),
                                   stderr=open(second.stderr_path, "wb"), stdin=subprocess.DEVNULL)
    second.port = first.port
    status = second.wait(5)
    listeners = listeners_on(first.port)
    h.check(status is not None and status != 0,
            "a second lanternd on the same port exits with an error (expected 1, 'cannot listen')",
            f"exit status {status}; {listeners} sockets listen on port {first.port}; "
            f"stderr: {second.stderr().strip()!r}")
    second.kill()
    h.eq(0, first.stop(), "the first one still exits 0")
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        port = blocker.getsockname()[1]
        third = Daemon(h, h.lanternd, index, name="lanternd-third")
        third.proc = subprocess.Popen(third.command(port), stdout=open(third.stdout_path, "wb"),
                                      stderr=open(third.stderr_path, "wb"), stdin=subprocess.DEVNULL)
        third.port = port
        status = third.wait(5)
        h.eq(1, status, "a port held by another program: exit 1")
        h.contains(third.stderr(), "cannot listen", "stderr says it cannot listen")
        third.kill()

h.finish()
