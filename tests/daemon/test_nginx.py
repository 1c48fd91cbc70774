#!/usr/bin/python3
"""test_nginx.py - lanternd behind query/daemon/deploy/nginx-lantern.conf.

Renders the shipped reverse-proxy configuration into a temporary nginx.conf
(listen ports, the upstream port and file paths replaced; a throwaway
self-signed certificate when openssl is installed, else the TLS lines are
dropped), checks it with `nginx -t`, runs nginx as the current user in the
foreground and drives search, suggest, the page and the security-relevant
behaviour through it:

  * http:// redirects to https://; HSTS is sent;
  * a client's own X-Lantern-Access header is removed (lanternd trusts that
    header from 127.0.0.1, so without the proxy it would open `les`: the
    control check shows the test has teeth);
  * lanternd's problem+json errors pass through; oversized URIs stop at nginx;
  * gzip, /metrics from loopback, the per-client rate limit.

Exit 77 (skipped) when nginx is not installed.
"""
import gzip
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import SOURCE_DIR, Harness, Response, _die_with_parent, free_port  # noqa: E402

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                       if os.access(p, os.X_OK)), None)
h = Harness("daemon_nginx")
if not NGINX:
    h.skip("needs nginx (not installed)")
DEPLOY = os.path.join(SOURCE_DIR, "query", "daemon", "deploy", "nginx-lantern.conf")
HOST = "lantern.example.org"
LES_ID = "les/confidential-source-handling-kittiwake"

index = h.build_index()
config = h.write(os.path.join(h.tmp, "lanternd.yaml"),
                 f"base_url: https://{HOST}\n"
                 # Behind a proxy every request comes from 127.0.0.1.
                 "max_connections_per_ip: 512\n"
                 "trusted_header:\n"
                 "  name: X-Lantern-Access\n"
                 "  proxies: [127.0.0.1]\n")
d = h.start_daemon(index, config=config)

# ---------------------------------------------------------------- render
tls = shutil.which("openssl") is not None
cert, key = os.path.join(h.tmp, "cert.pem"), os.path.join(h.tmp, "key.pem")
if tls:
    result = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                             "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN={HOST}",
                             "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1"],
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        h.note(f"openssl could not make a certificate ({result.stderr.strip()[:200]}); testing without TLS")
        tls = False
https_port, http_port = free_port(), free_port()
with open(DEPLOY, encoding="utf-8") as handle:
    shipped = handle.read()


def render(text):
    """The shipped file with test ports and paths (each substitution must hit)."""
    substitutions = [
        (r"(?m)^\s*listen \[::\]:\d+.*\n", ""),  # no IPv6 needed here
        (r"listen 80;", f"listen 127.0.0.1:{http_port};"),
        (r"server 127\.0\.0\.1:8080", f"server 127.0.0.1:{d.port}"),
        (r"/var/log/nginx/", os.path.join(h.tmp, "nginx-")),
    ]
    if tls:
        substitutions += [
            (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
            (r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};"),
            (r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};"),
        ]
    else:
        substitutions += [
            (r"listen 443 ssl http2;", f"listen 127.0.0.1:{https_port};"),
            (r"(?m)^\s*ssl_.*\n", ""),
        ]
    for pattern, replacement in substitutions:
        text, count = re.subn(pattern, lambda m: replacement, text)
        h.check(count > 0, f"rendering: the shipped config has {pattern!r}")
    return text


main_conf = os.path.join(h.tmp, "nginx.conf")
temp = os.path.join(h.tmp, "nginx-temp")
os.makedirs(os.path.join(h.tmp, "logs"), exist_ok=True)  # nginx's compiled-in error log, under -p
user = ""
if os.geteuid() == 0:
    import grp
    import pwd
    user = f"user {pwd.getpwuid(0).pw_name} {grp.getgrgid(0).gr_name};\n"
h.write(main_conf,
        user +
        "worker_processes 1;\n"
        f"error_log {h.tmp}/nginx-error.log info;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"    access_log {h.tmp}/nginx-access.log;\n"
        f"    client_body_temp_path {temp}/client;\n"
        f"    proxy_temp_path {temp}/proxy;\n"
        f"    fastcgi_temp_path {temp}/fastcgi;\n"
        f"    uwsgi_temp_path {temp}/uwsgi;\n"
        f"    scgi_temp_path {temp}/scgi;\n"
        "    default_type application/octet-stream;\n"
        f"    # ---- {DEPLOY}, rendered for the test\n"
        + render(shipped) +
        "}\n")
os.makedirs(temp, exist_ok=True)
globals_ = f"daemon off; pid {h.tmp}/nginx.pid;"
command = [NGINX, "-p", h.tmp + "/", "-c", main_conf, "-g", globals_]
result = subprocess.run(command + ["-t"], capture_output=True, text=True, timeout=60)
if result.returncode != 0:
    h.fatal(f"nginx -t rejects the rendered config:\n{result.stderr}\n--- {main_conf}:\n"
            + open(main_conf).read())
nginx_err = open(os.path.join(h.tmp, "nginx.stderr"), "wb")
nginx = subprocess.Popen(command, stdout=nginx_err, stderr=nginx_err, stdin=subprocess.DEVNULL,
                         preexec_fn=_die_with_parent)
nginx_err.close()


def stop_nginx():
    if nginx.poll() is None:
        nginx.terminate()
        try:
            nginx.wait(10)
        except subprocess.TimeoutExpired:
            nginx.kill()
            nginx.wait()


import atexit  # noqa: E402
atexit.register(stop_nginx)

if tls:
    context = ssl.create_default_context(cafile=cert)
else:
    context = None


def via_proxy(path, method="GET", headers=None, body=None, secure=True):
    """One request through nginx (HTTPS unless secure=False or no TLS)."""
    headers = dict(headers or {})
    headers.setdefault("Host", HOST)
    if secure and tls:
        connection = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=15, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", https_port if secure else http_port, timeout=15)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return Response(response.status, response.reason, response.getheaders(), data)
    finally:
        connection.close()


deadline = time.monotonic() + 15
while True:
    try:
        socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
        break
    except OSError:
        if nginx.poll() is not None or time.monotonic() > deadline:
            h.fatal("nginx did not start:\n" + open(os.path.join(h.tmp, "nginx.stderr")).read()
                    + open(os.path.join(h.tmp, "nginx-error.log")).read())
        time.sleep(0.05)
h.note(f"nginx on 127.0.0.1:{https_port} ({'https' if tls else 'http, no openssl'}) -> lanternd on {d.port}")

# ---------------------------------------------------------------- through the proxy
with h.section("search through the proxy"):
    direct = d.get("/api/search?q=trafficking&limit=5&facets=type").json()
    r = via_proxy("/api/search?q=trafficking&limit=5&facets=type")
    body = h.json_response(r, "proxied search")
    h.eq(direct["totalHits"], body.get("totalHits"), "proxied search: same totalHits as direct")
    h.eq([x["id"] for x in direct["hits"]], [x["id"] for x in body.get("hits", [])], "proxied search: same hits")
    h.eq(direct["facetDistribution"], body.get("facetDistribution"), "proxied search: same facets")
    h.eq({"identity": "anonymous", "labels": ["public"]}, body.get("access"), "proxied search is anonymous")
    if tls:
        h.check("max-age=" in (r.header("Strict-Transport-Security") or ""), "HSTS over https", r.headers)
    h.eq("nosniff", r.header("X-Content-Type-Options"), "lanternd's headers pass through")
    h.check("nginx/" not in (r.header("Server") or ""), "no nginx version in Server", r.header("Server"))

with h.section("suggest through the proxy"):
    r = via_proxy("/api/suggest?q=traff")
    body = h.json_response(r, "proxied suggest")
    h.check(any("trafficking" in s["title"].lower() for s in body.get("suggestions", [])),
            "proxied suggest completes 'traff'", body)
    r = via_proxy("/api/suggest?q=traff&format=opensearch")
    body = h.json_response(r, "proxied opensearch suggest")
    h.check(isinstance(body, list) and body and body[0] == "traff", "opensearch suggestions", body)

with h.section("the page through the proxy"):
    r = via_proxy("/")
    h.eq(200, r.status, "proxied /")
    h.check(r.content_type.startswith("text/html"), "proxied / is HTML", r.content_type)
    h.check("default-src 'self'" in (r.header("Content-Security-Policy") or ""), "the page keeps its CSP")
    h.contains(r.text, "app.js", "the page loads app.js")
    r = via_proxy("/assets/app.js")
    h.eq(200, r.status, "proxied /assets/app.js")
    h.check(r.content_type.startswith("text/javascript"), "app.js Content-Type", r.content_type)
    r = via_proxy("/opensearch.xml")
    h.eq(200, r.status, "proxied /opensearch.xml")
    h.contains(r.text, f"https://{HOST}/api/suggest?format=opensearch", "OpenSearch advertises the https URL")
    r = via_proxy("/healthz")
    h.eq("ok", h.json_response(r, "proxied /healthz").get("status"), "proxied /healthz")
    r = via_proxy("/metrics")
    h.eq(200, r.status, "/metrics from loopback is allowed")

with h.section("http redirects to https"):
    r = via_proxy("/api/search?q=trafficking", secure=False)
    h.eq(301, r.status, "plain http: 301")
    h.eq(f"https://{HOST}/api/search?q=trafficking", r.header("Location"), "redirect target")

with h.section("a client cannot claim access through the proxy"):
    claim = {"X-Lantern-Access": "public,les"}
    control = d.get("/api/search?q=kittiwake&limit=0", headers=claim).json()
    h.eq(1, control["totalHits"],
         "control: lanternd itself honours X-Lantern-Access from 127.0.0.1 (so the proxy must strip it)")
    for headers in [claim, {"x-lantern-access": "les"}, {"X-Lantern-Access": "les", "X-Forwarded-For": "127.0.0.1"}]:
        r = via_proxy("/api/search?q=kittiwake&limit=0", headers=headers)
        body = h.json_response(r, f"proxied search with {headers}")
        h.eq(0, body.get("totalHits"), f"{headers}: no LES hit through the proxy")
        h.eq(["public"], body.get("access", {}).get("labels"), f"{headers}: anonymous access")
        r = via_proxy("/api/doc/" + LES_ID, headers=headers)
        h.eq(404, r.status, f"{headers}: LES doc is 404 through the proxy")
    # Underscore spelling: nginx drops it, lanternd never sees it.
    r = via_proxy("/api/search?q=kittiwake&limit=0", headers={"X_Lantern_Access": "public,les"})
    h.eq(0, h.json_response(r, "underscore header").get("totalHits"), "X_Lantern_Access: no LES hit")

with h.section("errors through the proxy"):
    r = via_proxy("/api/search?limit=abc")
    h.problem(r, 400, "proxied bad limit", "limit")
    r = via_proxy("/api/search?agency_type=rurall")
    h.problem(r, 400, "proxied unknown value", "did you mean")
    r = via_proxy("/api/doc/no/such-resource")
    h.problem(r, 404, "proxied unknown doc")
    r = via_proxy("/api/search", method="POST", body=b"q=x",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    h.eq(405, r.status, "proxied POST: 405")
    h.check("GET" in (r.header("Allow") or ""), "proxied POST: Allow header", r.headers)
    r = via_proxy("/api/search?q=" + "a" * 9000)
    h.eq(414, r.status, "a 9 KB URI: 414 from nginx")
    r = via_proxy("/api/search", method="POST", body=b"x" * 100000,
                  headers={"Content-Type": "application/octet-stream"})
    h.eq(413, r.status, "a 100 KB body: 413 from nginx")

with h.section("gzip"):
    r = via_proxy("/api/search?q=trafficking&limit=20", headers={"Accept-Encoding": "gzip"})
    h.eq("gzip", r.header("Content-Encoding"), "JSON is gzipped")
    try:
        h.check(json.loads(gzip.decompress(r.body)).get("totalHits", 0) > 0, "the gzipped JSON is valid")
    except (OSError, ValueError) as error:
        h.fail(f"gzipped body: {error}")

with h.section("per-client rate limit"):
    time.sleep(2.5)  # 20 r/s refills the burst of 40 used up by the checks above
    # One keep-alive connection to nginx, so the burst is quick (no TLS
    # handshake per request) and really exceeds 20 r/s + burst 40.
    if tls:
        connection = http.client.HTTPSConnection("127.0.0.1", https_port, timeout=15, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", https_port, timeout=15)
    statuses = []
    burst_started = time.monotonic()
    for _ in range(90):
        connection.request("GET", "/api/facets", headers={"Host": HOST})
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
    burst_seconds = time.monotonic() - burst_started
    connection.close()
    h.note(f"burst of 90 in {burst_seconds:.2f} s: {statuses.count(200)} passed, {statuses.count(429)} limited")
    h.check(statuses.count(429) > 0, "a burst of 90 API requests meets the rate limit (429)", statuses)
    h.check(statuses[:30].count(200) == 30, "the first 30 requests of a burst pass (burst=40)", statuses[:30])
    time.sleep(1.2)
    h.eq(200, via_proxy("/api/facets").status, "allowed again after a pause")

with h.section("shutdown"):
    stop_nginx()
    h.eq(0, nginx.returncode, "nginx stops cleanly")
    errors = open(os.path.join(h.tmp, "nginx-error.log")).read()
    h.check(not re.search(r"\[(emerg|alert|crit)\]", errors), "no serious nginx errors", errors[-1500:])
    h.eq(0, d.stop(), "lanternd exits 0")
h.finish()
