#!/usr/bin/python3
"""test_errors.py - lanternd under bad and hostile input.

Every malformed request gets a 4xx with an RFC 9457 problem document that
says why (application/problem+json); hostile text comes back escaped; huge
request lines and headers are refused (414/431) without hurting the server,
which must still be healthy at the end.

The index is built from a copy of corpus/ plus one hostile resource whose
text holds markup (a plain-text file with a sidecar, so the markup reaches
the index verbatim), so that snippets really contain the hostile input.
"""
import json
import os
import sys
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Harness, parse_raw_response  # noqa: E402

h = Harness("daemon_errors")
corpus = h.copy_corpus()
XSS = '"><script>alert(1)</script>'
h.write(os.path.join(corpus, "awareness", "hostile-markup-sample.txt"),
        "Hostile markup sample for escaping tests.\n\n"
        f"Quokkamarkup text before {XSS} and after, with <img src=x onerror=alert(2)> and "
        "&amp; entities, <b>bold</b> and \"quotes\" and 'apostrophes'. Quokkamarkup again "
        f"{XSS}.\n")
h.write(os.path.join(corpus, "awareness", "hostile-markup-sample.txt.yaml"),
        'title: "Quokkamarkup <script>alert(3)</script> sample"\n'
        "type: awareness-material\n"
        "summary: A resource whose text holds markup, for escaping tests.\n"
        "agency_type: all\nagency_size: all\nresource_level: low\n"
        "topics: [public-awareness]\naudience: trainer\npublished: 2024-01-01\n")
index = h.build_index(corpus)
d = h.start_daemon(index)


def q(path, **params):
    return path + "?" + urllib.parse.urlencode(params, doseq=True)


def raw_get(target, headers=b""):
    """A request line with `target` sent as is (bytes) over a socket."""
    return d.raw(b"GET " + target + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + b"Connection: close\r\n\r\n")


# ---------------------------------------------------------------- 400s
CASES = [
    ("bad limit", "/api/search?q=a&limit=abc", "limit"),
    ("negative limit", "/api/search?q=a&limit=-1", "limit"),
    ("limit=5000", "/api/search?q=a&limit=5000", "limit"),
    ("bad offset", "/api/search?q=a&offset=1e3", "offset"),
    ("offset+limit over the window", "/api/search?q=a&offset=9995&limit=10", "window"),
    ("offset over the window", "/api/search?q=a&offset=20000", "offset"),
    ("unknown parameter", "/api/search?q=a&colour=red", "colour"),
    ("unknown parameter on suggest", "/api/suggest?q=a&colour=red", "colour"),
    ("bad sort", "/api/search?q=a&sort=random", "sort"),
    ("bad all", "/api/search?q=a&all=maybe", "all"),
    ("unknown facet field", "/api/search?q=a&facets=colour", "colour"),
    ("bad published", "/api/search?published=last-year", "published"),
    ("unparsable query (NOT)", "/api/search?q=NOT", None),
    ("unparsable query (AND)", "/api/search?q=trafficking%20AND", None),
    ("q repeated", "/api/search?q=a&q=b", "more than once"),
    ("limit repeated", "/api/search?q=a&limit=1&limit=2", "more than once"),
    ("q invalid UTF-8 (%ff)", "/api/search?q=%ff", "utf-8"),
    ("q overlong UTF-8 (%c0%af)", "/api/search?q=%c0%af", "utf-8"),
    ("q with a NUL (%00)", "/api/search?q=traff%00icking", "nul"),
    ("parameter name with a NUL", "/api/search?q%00=a", "nul"),
    ("suggest q with %ff", "/api/suggest?q=%ff", "utf-8"),
    ("suggest q repeated", "/api/suggest?q=a&q=b", "more than once"),
    ("suggest bad format", "/api/suggest?q=a&format=xml", "format"),
]
with h.section("400 problem+json"):
    for name, path, reason in CASES:
        h.problem(d.get(path), 400, name, reason)

with h.section("unknown filter value: did you mean"):
    r = d.get("/api/search?agency_type=rurall")
    body = h.problem(r, 400, "agency_type=rurall", ["agency_type", "rurall"])
    h.contains((body or {}).get("detail", "").lower(), "did you mean 'rural'", "detail suggests 'rural'")
    r = d.get("/api/search?topic=child-sex-trafficing")
    body = h.problem(r, 400, "topic=child-sex-trafficing", "did you mean")
    h.contains((body or {}).get("detail", ""), "child-sex-trafficking", "detail suggests the right topic")
    h.problem(d.get("/api/search?resource_level=extreme"), 400, "resource_level=extreme", "resource_level")

with h.section("query limits"):
    long_q = "word " * 220
    h.problem(d.get(q("/api/search", q=long_q)), 400, "1 KB+ q", "1024")
    h.problem(d.get(q("/api/suggest", q=long_q)), 400, "1 KB+ q on suggest", "1024")
    nested = "(" * 100 + "trafficking" + ")" * 100
    h.problem(d.get(q("/api/search", q=nested)), 400, "100 nested parentheses", "nest")
    many = " ".join(f"w{i}" for i in range(100))
    h.problem(d.get(q("/api/search", q=many)), 400, "100 terms", None)
    h.problem(d.get(q("/api/search", agency_type=["rural"] * 33)), 400, "33 values for one filter", "32")
    h.problem(d.get("/api/search?" + "&".join("type=video" for _ in range(70))), 400, "70 parameters", None)
    h.problem(d.get(q("/api/search", q="a" * 5000)), 400, "a 5000-byte parameter", None)
    h.problem(d.get(q("/api/search", publisher="p" * 300)), 400, "a 300-byte filter value", None)
    r = d.get(q("/api/search", q="a" + "*"))
    h.eq(200, r.status, "a one-letter wildcard is bounded, not an error")

# ---------------------------------------------------------------- XSS
with h.section("hostile query is escaped"):
    for query in [XSS, "quokkamarkup " + XSS, "quokkamarkup script alert img onerror"]:
        r = d.get(q("/api/search", q=query, limit=50))
        h.eq(200, r.status, f"q={query!r}: 200")
        h.check(r.content_type.startswith("application/json"), "JSON Content-Type", r.content_type)
        try:
            body = json.loads(r.body.decode("utf-8"))
        except ValueError as error:
            h.fail(f"q={query!r}: invalid JSON ({error})")
            continue
        h.eq(query, body["request"]["q"], "the query is echoed as data (JSON string)")
        snippets = [hit.get("snippet") or "" for hit in body["hits"]]
        if query.startswith("quokkamarkup"):
            h.check(any("quokkamarkup" in s.lower() for s in snippets),
                    f"q={query!r}: the hostile resource is found with a snippet", snippets)
        for snippet in snippets:
            h.not_contains(snippet.lower(), "<script", "no raw <script in a snippet")
            h.not_contains(snippet.lower(), "<img", "no raw <img in a snippet")
            h.not_contains(snippet.lower(), "<b>", "no raw <b> in a snippet")
            stripped = snippet.replace("<mark>", "").replace("</mark>", "")
            h.check("<" not in stripped and ">" not in stripped,
                    "a snippet's only markup is <mark>", snippet)
        hostile = [s for s in snippets if "quokkamarkup" in s.lower()]
        if query.startswith("quokkamarkup"):
            plain = [s.replace("<mark>", "").replace("</mark>", "") for s in hostile]
            h.check(any("&lt;script&gt;alert(1)&lt;/script&gt;" in s for s in plain),
                    "the markup is HTML-escaped in the snippet", hostile)
            h.check(any("&lt;img src=x onerror=alert(2)&gt;" in s for s in plain),
                    "an <img> in the text is HTML-escaped in the snippet", hostile)
            h.check(any("&amp;amp; entities" in s for s in plain), "'&' is escaped as &amp;", hostile)
    r = d.get(q("/api/suggest", q="quokkam"))
    body = h.json_response(r, "suggest for the hostile title")
    h.eq(["Quokkamarkup <script>alert(3)</script> sample"], [s["title"] for s in body.get("suggestions", [])],
         "suggest returns the title as JSON data")
    r = d.get(q("/api/suggest", q=XSS, format="opensearch"))
    body = h.json_response(r, "suggest with a hostile q")
    h.eq(XSS, body[0] if isinstance(body, list) and body else None, "opensearch echo is JSON data")
    r = d.get(q("/api/search", agency_type=XSS))
    body = h.problem(r, 400, "hostile filter value")
    r = d.get("/api/doc/" + urllib.parse.quote(XSS))
    h.problem(r, 404, "hostile doc id")
    r = d.get("/api/related/" + urllib.parse.quote(XSS))
    h.problem(r, 404, "hostile related id")
    r = d.get("/opensearch.xml", headers={"Host": "<script>"})
    h.not_contains(r.text, "<script", "/opensearch.xml does not reflect a hostile Host")

# ---------------------------------------------------------------- 404 / 405
with h.section("404 for unknown paths"):
    for path in ["/nope", "/api", "/api/", "/api/searchx", "/api/doc/", "/api/related/", "/assets/",
                 "/assets/../../etc/passwd", "/assets/%2e%2e%2fCMakeLists.txt", "/assets/app.js/x",
                 "/..%2f..%2fetc%2fpasswd", "/%ff", "/index.htm", "/healthz/x"]:
        r = d.get(path)
        h.check(r.status in (400, 404), f"GET {path}: 404 (or 400)", r)
        h.check(r.content_type.startswith("application/problem+json"), f"GET {path}: problem+json", r.content_type)
        h.not_contains(r.text, "root:", f"GET {path}: no file contents")
    h.problem(d.get("/nope"), 404, "GET /nope")

with h.section("405 for other methods"):
    for method in ["POST", "PUT", "DELETE", "PATCH"]:
        for path in ["/api/search", "/api/doc/x", "/"]:
            body = b"q=trafficking" if method in ("POST", "PUT", "PATCH") else None
            headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
            r = d.request(method, path, headers=headers, body=body)
            h.problem(r, 405, f"{method} {path}")
            allow = r.header("Allow") or ""
            h.check("GET" in allow and "HEAD" in allow, f"{method} {path}: Allow lists GET and HEAD", r.headers)
            h.check("POST" not in allow, f"{method} {path}: Allow does not list POST", allow)
    # A large body is refused without being buffered: a 405, or the
    # connection closed after an early 405 (the client may see a reset).
    out = d.raw(b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                b"Content-Length: 2097152\r\n\r\n" + b"x" * (2 * 1024 * 1024), timeout=30)
    status, headers, _ = parse_raw_response(out)
    h.check(status in (405, None), "POST with a 2 MB body: 405 (or closed)", out[:200])
    # A GET that declares a large body is refused at once, without waiting for it.
    out = d.raw(b"GET /api/search?q=x HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\n\r\n", timeout=10)
    status, headers, _ = parse_raw_response(out)
    h.check(status == 413, "GET declaring a 10 MB body: 413", out[:200])
    h.eq(200, d.get("/healthz").status, "healthy after a 2 MB POST")
    out = raw_get(b"/healthz").split(b"\r\n")[0]
    h.contains(out, b"200", "a raw GET still works")
    out = d.raw(b"TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    status, headers, _ = parse_raw_response(out)
    h.eq(405, status, "TRACE: 405")

# ---------------------------------------------------------------- 414 / 431
with h.section("414 for a huge request line"):
    out = raw_get(b"/api/search?q=" + b"a" * (1024 * 1024))
    status, headers, body = parse_raw_response(out)
    h.eq(414, status, "1 MB query string: 414", )
    out = raw_get(b"/api/search?q=" + b"a" * 9000)
    status, headers, body = parse_raw_response(out)
    h.eq(414, status, "9 KB query string (over max_uri_bytes 8192): 414")
    h.check(headers.get("content-type", "").startswith("application/problem+json"),
            "9 KB query string: problem+json", headers)
    out = raw_get(b"/api/search?q=" + b"a" * 1000)
    status, headers, body = parse_raw_response(out)
    h.eq(200, status, "1 KB query string: accepted (q under the 1024-byte limit)")

with h.section("431/414 for huge headers"):
    out = raw_get(b"/healthz", b"X-Big: " + b"b" * 100000 + b"\r\n")
    status, _, _ = parse_raw_response(out)
    h.check(status in (431, 414, 413), "a 100 KB header: 431 (or 414/413)", out[:200])
    many = b"".join(b"X-H%d: %s\r\n" % (i, b"c" * 100) for i in range(600))
    out = raw_get(b"/healthz", many)
    status, _, _ = parse_raw_response(out)
    h.check(status in (431, 414, 413), "600 headers of 100 bytes: 431 (or 414/413)", out[:200])
    out = raw_get(b"/healthz", b"Cookie: " + b"k=v; " * 200 + b"\r\n")
    status, _, _ = parse_raw_response(out)
    h.eq(200, status, "a 1 KB cookie header is fine")

with h.section("malformed requests"):
    for data in [b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x00\x01\x02\r\n\r\n",
                 b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
                 b"GET /api/search?q=\xff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]:
        out = d.raw(data, timeout=1)  # some get no answer: the server waits for the rest
        status, _, body = parse_raw_response(out)
        h.check(status is None or status >= 400, f"malformed {data[:40]!r}: an error or nothing", out[:200])
    # Lenient cases of libmicrohttpd: not errors, but nothing may get through
    # to the engine. A raw NUL in the request line ends the target there.
    for data, echo in [(b"GET /api/search?q=a\x00b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "a"),
                       (b"GET /api/search?q=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "%zz")]:
        status, _, body = parse_raw_response(d.raw(data, timeout=5))
        if status == 200:
            h.eq(echo, json.loads(body)["request"]["q"], f"{data[:30]!r}: the query the engine got")
        else:
            h.check(status is None or status >= 400, f"{data[:30]!r}: an error, or a sane 200", status)
    # Half a request, then the client goes away (after a moment: closing at
    # once is test_signals.py's "a client giving up mid-request" case).
    import socket
    import time
    s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
    s.sendall(b"GET /api/search?q=traff")
    time.sleep(0.1)
    s.close()
    # Many connections at once that never finish their request.
    sockets = []
    for _ in range(40):
        s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
        s.sendall(b"GET /healthz HTTP/1.1\r\n")
        sockets.append(s)
    h.eq(200, d.get("/healthz").status, "healthy with 40 half-open requests pending")
    for s in sockets:
        s.close()

with h.section("still up and healthy"):
    h.check(d.alive(), "lanternd is still running", d.stderr()[-2000:])
    r = d.get("/healthz")
    body = h.json_response(r, "/healthz after all of it")
    h.eq("ok", (body or {}).get("status"), "/healthz says ok")
    r = d.get(q("/api/search", q="trafficking", limit=1))
    h.eq(200, r.status, "a normal search still works")
    metrics = d.get("/metrics").text
    h.contains(metrics, 'lantern_http_requests_total{endpoint="search",status="400"}', "400s are counted")
    h.contains(metrics, 'status="405"', "405s are counted")
    h.not_contains(metrics, "quokka", "no query text in /metrics")
    h.eq(0, d.stop(), "lanternd exits 0 on SIGTERM")
    h.not_contains(d.stderr().lower(), "sanitizer", "no sanitizer report")
h.finish()
