#!/usr/bin/python3
"""noninterference.py - an anonymous caller cannot tell whether the les
resources exist.

Two indexes: A, the bundled corpus; B, a copy with every restricted
resource's files removed (which ones is decided from the corpus files, see
seclib.CorpusModel). Two lanternd instances with the default configuration
(anonymous = public). The same request sequence (battery.py: hundreds of
requests over every endpoint) goes to both, and every answer must be the
same - status, headers (but Date/Content-Length) and body - apart from
timing (processingTimeMs; histogram and *_seconds metrics). /healthz and
/metrics are compared at the end, after the identical sequence.

Independently of B, every answer of A is scanned for restricted data (ids,
titles, restricted-only words and codewords) with the request's own echo
removed.

A third comparison runs the same battery on A with a public-only token
against B anonymous: identical but for access.identity.
"""
import concurrent.futures
import json
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402
from battery import build_battery  # noqa: E402


def run_pairs(suite, requests, first, second, scanner, first_headers=(), mutate_first=None,
              title="anonymous A vs B"):
    """Sends every request to both daemons (the same order on each; a pair
    in parallel) and compares. Returns the number of differing requests."""
    differing = 0
    leaks = 0
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
    try:
        for request in requests:
            job_a = pool.submit(first.request, request.method, request.path,
                                list(request.headers) + list(first_headers))
            job_b = pool.submit(second.request, request.method, request.path, list(request.headers))
            answer_a, answer_b = job_a.result(), job_b.result()
            if mutate_first:
                answer_a = mutate_first(answer_a)
            problems = seclib.compare_responses(answer_a, answer_b)
            if problems:
                differing += 1
                suite.check(False, f"{title}: {request.describe()} answers differ", problems)
            found = scanner.find(answer_a, request.path, request.headers)
            if found:
                leaks += 1
                suite.check(False, f"{title}: {request.describe()} shows restricted data: {found}",
                            [seclib.short(answer_a.text, 600)])
            if answer_a.status >= 500:
                suite.check(False, f"{title}: {request.describe()} answered {answer_a.status}",
                            [seclib.short(answer_a.text, 300)])
    finally:
        pool.shutdown()
    suite.check(True, f"{title}: compared {len(requests)} requests")
    return differing, leaks


def main():
    suite = seclib.Suite("security_noninterference")
    model, index_a, index_b = seclib.prepare(suite)
    restricted_ids = [r.id for r in model.restricted if r.id]
    public_ids = [r.id for r in model.public if r.id]
    scanner = seclib.LeakScanner(model, restricted_ids)
    requests = build_battery(model, public_ids, restricted_ids)
    suite.log(f"{len(requests)} requests; {len(model.restricted_only_words)} restricted-only words, "
              f"{len(scanner.words)} scanned for")

    with suite.section("anonymous: A (with les) vs B (without les)"):
        daemon_a = suite.daemon(index_a, name="A")
        daemon_b = suite.daemon(index_b, name="B")
        started = time.monotonic()
        differing, leaks = run_pairs(suite, requests, daemon_a, daemon_b, scanner)
        suite.log(f"{len(requests)} request pairs in {time.monotonic() - started:.1f} s: "
                  f"{differing} differ, {leaks} show restricted data")
        # The same request sequence went to both: the closing figures must agree.
        for path in ("/healthz", "/metrics", "/healthz"):
            answer_a, answer_b = daemon_a.get(path), daemon_b.get(path)
            problems = seclib.compare_responses(answer_a, answer_b)
            suite.check(not problems, f"anonymous {path} after the sequence is the same on A and B", problems)
            found = scanner.find(answer_a, path)
            suite.check(not found, f"anonymous {path} shows no restricted data", found)
        metrics = daemon_a.get("/metrics").text
        suite.check("lantern_partition_documents" not in metrics and 'partition="les"' not in metrics,
                    "anonymous /metrics has no per-partition figures")
        suite.check("partitions" not in daemon_a.get("/healthz").json(),
                    "anonymous /healthz has no per-partition figures")
        daemon_a.stop()
        daemon_b.stop()

    with suite.section("public-only token on A vs anonymous B"):
        token = seclib.new_token()
        digest = suite.hash_token(token)
        config = ("tokens:\n"
                  f"  - name: public-reader\n    sha256: {digest}\n    labels: [public]\n")
        daemon_a = suite.daemon(index_a, config, name="A-token")
        daemon_b = suite.daemon(index_b, name="B2")
        header = [("Authorization", "Bearer " + token)]

        def as_anonymous(answer):
            # The one legitimate difference: who is asking.
            if answer.content_type.startswith("application/json") and b'"access"' in answer.body:
                body = answer.json()
                if isinstance(body, dict) and isinstance(body.get("access"), dict):
                    suite.eq({"identity": "public-reader", "labels": ["public"]}, body["access"],
                             "a public-only token's access is reported")
                    body["access"]["identity"] = "anonymous"
                    answer.body = json.dumps(body).encode()
                    answer.header_list = [(k, v) for k, v in answer.header_list
                                          if k.lower() != "content-length"]
            return answer

        # Every third search and completion (the anonymous run above had them
        # all), every document, related, facets and health request.
        subset = [r for number, r in enumerate(requests) if r.method == "GET" and
                  (r.label in ("doc", "related", "facets", "healthz", "search-bad") or
                   (r.label in ("search", "suggest") and number % 3 == 0))]
        started = time.monotonic()
        differing, leaks = run_pairs(suite, subset, daemon_a, daemon_b, scanner, header, as_anonymous,
                                     "public token A vs anonymous B")
        suite.log(f"{len(subset)} request pairs in {time.monotonic() - started:.1f} s: "
                  f"{differing} differ, {leaks} show restricted data")
        daemon_a.stop()
        daemon_b.stop()

    with suite.section("the comparison sees a leak when there is one"):
        # A daemon that lets anonymous callers search les too (a
        # misconfiguration) must differ from B, and the scan must flag it:
        # otherwise the checks above prove nothing.
        leaky = suite.daemon(index_a, "partitions: [public, les]\n", name="A-leaky")
        daemon_b = suite.daemon(index_b, name="B3")
        sample = [r for r in requests if r.label in ("search", "doc", "suggest", "facets")
                  and any(w.lower() in r.path.lower() for w in seclib.CODEWORDS)][:60]
        sample += [r for r in requests if r.label == "doc" and any(i in r.path for i in restricted_ids)][:9]
        sample += [r for r in requests if r.label == "facets"][:1]
        noticed_diff = sum(1 for r in sample if seclib.compare_responses(
            leaky.request(r.method, r.path, r.headers), daemon_b.request(r.method, r.path, r.headers)))
        noticed_leak = sum(1 for r in sample if scanner.find(leaky.request(r.method, r.path, r.headers), r.path))
        suite.check(noticed_diff >= len(sample) // 2,
                    f"a daemon that shows les to anonymous callers differs from B ({noticed_diff} of {len(sample)})")
        suite.check(noticed_leak >= len(sample) // 3,
                    f"... and the scan flags it ({noticed_leak} of {len(sample)})")
        leaky.stop()
        daemon_b.stop()
    suite.finish()


if __name__ == "__main__":
    main()
