#!/usr/bin/python3
"""trusted_header.py - the proxy header counts only from the proxy.

lanternd with trusted_header {name: X-Lantern-Access, proxies: [127.0.0.2]}
listening on 127.0.0.1. The client socket is bound to a chosen loopback
address (Linux routes all of 127.0.0.0/8 to lo):

  * from 127.0.0.1 and 127.0.0.3 (not proxies) the header is ignored: every
    answer is identical to the anonymous answer to the same request, for a
    battery of requests aimed at the les resources, whatever the header says
    (and X-Forwarded-For / X-Real-IP naming the proxy change nothing);
  * from 127.0.0.2 it grants what it says: `public, les` finds the les
    resources, reported as identity "proxy"; `public` is anonymous in all
    but the name; no header is anonymous; a bad label is a 400 without les
    data; the header never makes the caller an admin;
  * a daemon without trusted_header ignores the header even from 127.0.0.2.
"""
import json
import os
import socket
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402
from battery import build_battery  # noqa: E402

HEADER = "X-Lantern-Access"
PROXY = "127.0.0.2"


def can_bind(address):
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((address, 0))
        return True
    except OSError:
        return False


def main():
    suite = seclib.Suite("security_trusted_header")
    model, index_a, _ = seclib.prepare(suite, need_b=False)
    restricted_ids = [r.id for r in model.restricted if r.id]
    public_ids = [r.id for r in model.public if r.id]
    scanner = seclib.LeakScanner(model, restricted_ids)
    config = f"trusted_header:\n  name: {HEADER}\n  proxies: [{PROXY}]\n"
    daemon = suite.daemon(index_a, config, name="A-proxy")

    # Requests aimed at the les resources: codewords, completions, misspellings,
    # their documents and related, facets, filters, totals.
    battery = [r for r in build_battery(model, public_ids, restricted_ids)
               if r.method == "GET" and r.label in ("search", "suggest", "doc", "related", "facets")]
    aimed = [r for r in battery if any(w.lower() in r.path.lower() for w in seclib.CODEWORDS)
             or r.label in ("doc", "facets") or "facets=%2A" in r.path][:400]

    with suite.section("from addresses that are not proxies the header is ignored"):
        spoofs = [
            [(HEADER, "public, les")],
            [(HEADER, "les")],
            [(HEADER, "public,les")],
            [(HEADER.lower(), "public, les")],
            [(HEADER, "les"), ("X-Forwarded-For", PROXY), ("X-Real-IP", PROXY), ("Forwarded", f"for={PROXY}")],
            [(HEADER, "LES")],                  # a bad label: still ignored, not a 400
            [(HEADER, "x" * 600)],              # too long: still ignored
        ]
        sources = [source for source in ("127.0.0.1", "127.0.0.3") if can_bind(source)]
        suite.check("127.0.0.1" in sources, "the client can bind 127.0.0.1")
        for source in sources:
            for number, extra in enumerate(spoofs):
                # The full aimed battery with the most tempting header, a sample with the others.
                requests = aimed if number == 0 else aimed[::8]
                differing = 0
                for request in requests:
                    plain = daemon.request(request.method, request.path, [], source=source)
                    spoofed = daemon.request(request.method, request.path, extra, source=source)
                    problems = seclib.compare_responses(spoofed, plain)
                    if problems:
                        differing += 1
                        suite.check(False, f"from {source} with {extra}: {request.describe()} differs from anonymous",
                                    problems)
                    found = scanner.find(spoofed, request.path)
                    if found:
                        suite.check(False, f"from {source} with {extra}: {request.describe()} shows {found}")
                suite.check(differing == 0, f"from {source} with {[h for h, _ in extra]}: "
                            f"{len(requests)} answers identical to anonymous")
            health = daemon.get("/healthz", [(HEADER, "public, les")], source=source).json()
            suite.eq(len(model.public), health.get("documents"),
                     f"from {source} the header does not change /healthz's count")

    with suite.section("from the proxy address the header grants its labels"):
        if not can_bind(PROXY):
            suite.log(f"SKIPPED: cannot bind a client socket to {PROXY} on this system")
        else:
            def ask(path, value=None, params=None):
                headers = [(HEADER, value)] if value is not None else []
                return daemon.get(seclib.url(path, params), headers, source=PROXY)

            for word in seclib.CODEWORDS:
                holders = {r.id for r in model.restricted if word.lower() in r.text.lower()}
                answer = ask("/api/search", "public, les", [("q", word), ("limit", "100")]).json()
                suite.check(holders <= {h["id"] for h in answer["hits"]},
                            f"from {PROXY} with 'public, les': {word} finds {sorted(holders)}")
                suite.eq({"identity": "proxy", "labels": ["public", "les"]}, answer.get("access"),
                         f"from {PROXY}: the access is reported as the proxy's")
                none = ask("/api/search", None, [("q", word)]).json()
                suite.eq(0, none["totalHits"], f"from {PROXY} without the header: {word} finds nothing")
                suite.eq({"identity": "anonymous", "labels": ["public"]}, none.get("access"),
                         f"from {PROXY} without the header: anonymous")
                public = ask("/api/search", "public", [("q", word)]).json()
                suite.eq(0, public["totalHits"], f"from {PROXY} with 'public': {word} finds nothing")
                only = ask("/api/search", "les", [("q", word), ("limit", "100")]).json()
                suite.check(holders <= {h["id"] for h in only["hits"]},
                            f"from {PROXY} with 'les': {word} finds {sorted(holders)}")
            for identifier in restricted_ids:
                suite.eq(200, ask("/api/doc/" + identifier, "public, les").status,
                         f"from {PROXY} with 'public, les': /api/doc/{identifier} answers 200")
                suite.eq(404, ask("/api/doc/" + identifier, "public").status,
                         f"from {PROXY} with 'public': /api/doc/{identifier} is 404")
            # 'public' from the proxy = anonymous but for the name.
            differing = 0
            for request in aimed[::4]:
                anonymous = daemon.request("GET", request.path, [], source="127.0.0.1")
                public = daemon.request("GET", request.path, [(HEADER, "public")], source=PROXY)
                if public.content_type.startswith("application/json") and b'"access"' in public.body:
                    body = public.json()
                    if isinstance(body, dict) and isinstance(body.get("access"), dict):
                        body["access"]["identity"] = "anonymous"
                        public.body = json.dumps(body).encode()
                        public.header_list = [(k, v) for k, v in public.header_list if k.lower() != "content-length"]
                problems = seclib.compare_responses(public, anonymous)
                if problems:
                    differing += 1
                    suite.check(False, f"from {PROXY} with 'public': {request.describe()} differs from anonymous",
                                problems)
            suite.check(differing == 0, f"from {PROXY} with 'public': {len(aimed[::4])} answers as anonymous")
            for bad in ("LES", "les;public", "public,../les", "les public *", "x" * 600):
                answer = ask("/api/search", bad, [("q", "Nightjar")])
                suite.eq(400, answer.status, f"from {PROXY} a bad header {bad[:20]!r} is a 400")
                suite.check(answer.content_type.startswith("application/problem+json"),
                            f"from {PROXY} a bad header gets a problem document")
                found = scanner.find(answer, "/api/search?q=Nightjar")
                suite.check(not found, f"from {PROXY} a bad header shows no restricted data", found)
            empty = ask("/api/search", ", ,", [("q", "Nightjar")])
            suite.eq(0, empty.json().get("totalHits"), f"from {PROXY} an empty label list is anonymous")
            health = ask("/healthz", "public, les").json()
            suite.eq(len(model.resources), health.get("documents"), f"from {PROXY} with les: /healthz counts les")
            suite.check("partitions" not in health, f"from {PROXY}: the header never grants admin figures")
            metrics = ask("/metrics", "public, les").text
            suite.check("lantern_partition_documents" not in metrics,
                        f"from {PROXY}: /metrics has no per-partition figures")
            # A token wins over the header, and a bad token is not rescued by it.
            answer = ask("/api/search", "public, les", [("q", "Nightjar")])
            forged = daemon.get(seclib.url("/api/search", [("q", "Nightjar")]),
                                [(HEADER, "public, les"), ("Authorization", "Bearer " + seclib.new_token())],
                                source=PROXY)
            suite.eq(401, forged.status, f"from {PROXY}: a forged token with the header is still a 401")

    with suite.section("without trusted_header the header is ignored, even from the proxy address"):
        plain = suite.daemon(index_a, None, name="A-plain")
        source = PROXY if can_bind(PROXY) else "127.0.0.1"
        for word in seclib.CODEWORDS:
            answer = plain.get(seclib.url("/api/search", [("q", word)]), [(HEADER, "public, les")], source=source)
            suite.eq(0, answer.json()["totalHits"], f"no trusted_header: {word} from {source} with the header finds nothing")
            suite.eq("anonymous", answer.json()["access"]["identity"], "no trusted_header: anonymous")
        plain.stop()
    daemon.stop()
    suite.finish()


if __name__ == "__main__":
    main()
