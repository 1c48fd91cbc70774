#!/usr/bin/env python3
"""test_shards_equal.py - one index and the same corpus split into shards
give the same answers (docs/scaling.md).

corpus/ is indexed once as a single index, once as two shards
(`lantern-index --shard 0/2`, `--shard 1/2`) and once as a spelling-only
dictionary (`--spelling-only`). Each shard's `public` partition is served by
its own xapian-tcpsrv; stub index folders name them:

    remote/public/XAPIANDB   auto ../../dictionary/current/public
                             remote 127.0.0.1:P0
                             remote 127.0.0.1:P1
    local/public/XAPIANDB    auto ../../shard0/current/public
                             auto ../../shard1/current/public
    (local/les/XAPIANDB      the same for the `les` partitions)

and, as two fusion centers would, corpus/ split by folder into two corpora,
each indexed whole (no --shard) with a dictionary of its own, served remotely:

    centers/public/XAPIANDB  auto ../../center-a-dictionary/current/public
                             auto ../../center-b-dictionary/current/public
                             remote 127.0.0.1:PA
                             remote 127.0.0.1:PB

For every request of integration_requests.py the answer on a stub index must
equal the single index's: hits, order, scores (1e-9 through the engine in
process; 6 digits as lantern-search and lanternd print them), totals, facet
counts and their order, suggestion, related lists; only processingTimeMs and
partitions may differ (and, unless LANTERN_SCALING_STRICT=1, the two KNOWN
differences of integration_requests.py). Through the engine in process
(remote, local and per-center stubs), lantern-search --json (remote) and
lanternd's /api/search and /api/related (remote). A remote stub without a
dictionary says "spellingAvailable": false.
"""
import concurrent.futures
import os
import shutil
import sys
import urllib.parse

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scaling_lib import CORPUS_DIR, Harness, differences, http_path, strip_timing  # noqa: E402
from integration_requests import KNOWN, REQUESTS, loosen, request_only  # noqa: E402

STRICT = os.environ.get("LANTERN_SCALING_STRICT") == "1"
ENGINE_TOLERANCE = 1e-9
PRINTED_TOLERANCE = 1e-5   # lantern-search and lanternd print 6 significant digits

h = Harness("scaling_shards_equal")
if len(REQUESTS) < 30:
    h.fatal("the integration request set shrank below 30 requests")

single = h.index_corpus("single")
shards = [h.index_corpus(f"shard{i}", "--shard", f"{i}/2") for i in range(2)]
dictionary = h.index_corpus("dictionary", "--spelling-only")
servers = [h.tcpsrv(os.path.join(shard, "current", "public"), name=f"tcpsrv-shard{i}")
           for i, shard in enumerate(shards)]
remote_lines = [f"remote 127.0.0.1:{server.port}" for server in servers]
# Relative paths: from the stub's own folder (TMP/remote/public).
remote = h.stub_index("remote", {"public": ["auto ../../dictionary/current/public"] + remote_lines})
local = h.stub_index("local", {
    label: [f"auto ../../shard{i}/current/{label}" for i in range(2)] for label in ("public", "les")})
remote_bare = h.stub_index("remote-no-dictionary", {"public": remote_lines})

known_seen = {}


def compare(expected, actual, request, where, tolerance):
    """Equal answers, or for a request tagged `known` equal loosely (strictly
    with LANTERN_SCALING_STRICT=1) with the difference reported."""
    label = f"{where}: {request_only(request)}"
    known = request.get("known")
    if not known or STRICT:
        return h.same_answer(expected, actual, label, tolerance)
    if not h.same_answer(loosen(expected, known), loosen(actual, known), label + f" (beyond {KNOWN[known]})",
                         tolerance):
        return False
    exact = differences(strip_timing(expected), strip_timing(actual), tolerance)
    known_seen.setdefault(known, []).append((label, len(exact)))
    return True


with h.section("the shards split the corpus"):
    everything = {"limit": 1000}
    whole, = h.answers(single, [everything], "--access", "public")
    parts = [h.answers(shard, [everything], "--access", "public")[0] for shard in shards]
    ids = [sorted(hit["id"] for hit in part["hits"]) for part in parts]
    h.check(all(ids), "each shard has documents", [len(i) for i in ids])
    h.eq([], sorted(set(ids[0]) & set(ids[1])), "no resource is in both shards")
    h.eq(sorted(hit["id"] for hit in whole["hits"]), sorted(ids[0] + ids[1]),
         "the shards together hold the single index's resources")
    for i, part in enumerate(parts):
        h.eq(len(ids[i]), part["totalHits"], f"shard {i}: totalHits")

requests = [request_only(request) for request in REQUESTS]
expected = h.answers(single, requests, "--access", "public")
h.check(all("error" not in answer for answer in expected), "every request is answered on the single index",
        [(r, a) for r, a in zip(requests, expected) if "error" in a][:3])
h.check(any(answer.get("suggestion") for answer in expected), "the request set includes a spelling suggestion")
h.check(sum(1 for answer in expected if answer.get("totalHits", 0) > 10) >= 5,
        "the request set includes answers over several pages")

with h.section("engine, remote shards"):
    actual = h.answers(remote, requests, "--access", "public", processes=4)
    h.eq(len(requests), len(actual), "one answer per request")
    for request, want, got in zip(REQUESTS, expected, actual):
        compare(want, got, request, "remote shards", ENGINE_TOLERANCE)
        h.check("partial" not in got and "spellingAvailable" not in got,
                f"remote shards, all up, with a dictionary: a complete answer for {request_only(request)}",
                {k: got.get(k) for k in ("partial", "unavailableShards", "spellingAvailable")})

with h.section("engine, local shards"):
    actual = h.answers(local, requests, "--access", "public")
    for request, want, got in zip(REQUESTS, expected, actual):
        compare(want, got, request, "local shards", ENGINE_TOLERANCE)

with h.section("engine, local shards, public and les partitions"):
    subset = [r for r in REQUESTS if not r.get("related")][:20] + [
        {"q": "Nightjar"}, {"q": "Tamarack deconfliction", "facets": "*"}]
    plain = [request_only(r) for r in subset]
    want = h.answers(single, plain, "--access", "public,les")
    got = h.answers(local, plain, "--access", "public,les")
    h.check(want[-2]["totalHits"] > 0, "the les codeword is found with public,les", want[-2].get("totalHits"))
    for request, a, b in zip(subset, want, got):
        compare(a, b, request, "local shards, public+les", ENGINE_TOLERANCE)


with h.section("engine, per-center corpora, remote, a dictionary per center"):
    # Two fusion centers each index their own part of the library (no
    # --shard: their corpora are disjoint) and build their own dictionary;
    # the front end's stub names both dictionaries and both shards.
    centers = {"a": ["awareness", "best-practices", "indicators", "legal", "les", "model-policies"],
               "b": ["policies", "reports", "toolkits", "training", "videos"]}
    dictionaries, remotes = [], []
    for center, folders in centers.items():
        corpus = h.path(f"center-{center}-corpus")
        os.makedirs(corpus)
        for name in ("schema.yaml", "synonyms.yaml", ".lanternignore"):
            shutil.copy2(os.path.join(CORPUS_DIR, name), corpus)
        for folder in folders:
            shutil.copytree(os.path.join(CORPUS_DIR, folder), os.path.join(corpus, folder))
        h.index_corpus(f"center-{center}", corpus=corpus)
        h.index_corpus(f"center-{center}-dictionary", "--spelling-only", corpus=corpus)
        server = h.tcpsrv(h.path(f"center-{center}", "current", "public"), name=f"tcpsrv-center-{center}")
        dictionaries.append(f"auto ../../center-{center}-dictionary/current/public")
        remotes.append(f"remote 127.0.0.1:{server.port}")
    centers_index = h.stub_index("centers", {"public": dictionaries + remotes})
    actual = h.answers(centers_index, requests, "--access", "public", processes=4)
    for request, want, got in zip(REQUESTS, expected, actual):
        compare(want, got, request, "per-center shards", ENGINE_TOLERANCE)


def cli(index, request):
    status, body, stderr, _ = h.search(index, request, "--access", "public")
    return status, body, stderr


with h.section("lantern-search --json, remote shards"):
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=4)
    want = list(pool.map(lambda r: cli(single, r), requests))
    got = list(pool.map(lambda r: cli(remote, r), requests))
    for request, (status_a, body_a, err_a), (status_b, body_b, err_b) in zip(REQUESTS, want, got):
        label = f"lantern-search {request_only(request)}"
        h.eq(status_a, status_b, f"{label}: exit status (stderr: {err_b.strip()[:200]})")
        if body_a is not None and h.check(body_b is not None, f"{label}: JSON on the stub index", err_b):
            compare(body_a, body_b, request, "lantern-search", PRINTED_TOLERANCE)
            h.eq(["public"], body_b.get("partitions"), f"{label}: partitions")

with h.section("lanternd, remote shards"):
    # Four pool threads for four clients: remote shards are round-trip bound.
    threads = h.write(h.path("threads.yaml"), "threads: 4\n")
    daemons = [h.daemon("lanternd-single", single, threads), h.daemon("lanternd-remote", remote, threads)]
    health = daemons[1].get("/healthz").json()
    h.eq("ok", health.get("status"), "lanternd on remote shards: /healthz status")
    h.eq(sorted(f"127.0.0.1:{s.port}" for s in servers), sorted(health.get("shards", {}).get("available", [])),
         "lanternd on remote shards: /healthz lists the shards")
    h.eq(daemons[0].get("/healthz").json().get("documents"), health.get("documents"),
         "lanternd on remote shards: /healthz documents as the single index's")
    metrics = daemons[1].get("/metrics").body.decode()
    h.check('lantern_shards{state="available"} 2' in metrics, "/metrics: two shards available",
            [line for line in metrics.splitlines() if "shards" in line])

    def fetch(args):
        daemon, request = args
        response = daemon.get(http_path(request), timeout=60)
        return response.status, response.json()

    pool = concurrent.futures.ThreadPoolExecutor(max_workers=4)
    want = list(pool.map(fetch, [(daemons[0], r) for r in requests]))
    got = list(pool.map(fetch, [(daemons[1], r) for r in requests]))
    for request, (status_a, body_a), (status_b, body_b) in zip(REQUESTS, want, got):
        label = f"lanternd {http_path(request_only(request))}"
        h.eq(200, status_a, f"{label}: status on the single index")
        if h.eq(status_a, status_b, f"{label}: status on remote shards"):
            compare(body_a, body_b, request, "lanternd", PRINTED_TOLERANCE)

    # Completions: the last word is a prefix (a wildcard), so this is the
    # "wildcard" known difference: the order of the matches, hence which
    # come first, may differ.
    prefixes = ["missing chi", "traf", "hotel mo", "inter", "child sex tr", "fo"]
    differing = []
    for prefix in prefixes:
        path = "/api/suggest?" + urllib.parse.urlencode({"q": prefix, "limit": 10})
        answers = [daemon.get(path) for daemon in daemons]
        h.eq([200, 200], [answer.status for answer in answers], f"lanternd {path}: status")
        if all(answer.status == 200 for answer in answers):
            a, b = ([hit["id"] for hit in answer.json()["suggestions"]] for answer in answers)
            if a != b:
                differing.append(prefix)
                if STRICT:
                    h.eq(a, b, f"lanternd {path}: completions")
            else:
                h.eq(a, b, f"lanternd {path}: completions")
    known_seen.setdefault("wildcard", []).extend(
        (f"lanternd /api/suggest?q={prefix}", 1 if prefix in differing else 0) for prefix in prefixes)

with h.section("remote shards without a local dictionary"):
    probes = [{"q": "trafickng"}, {"q": "trafficking", "facets": "*"}, {"q": "\"safe harbor\""}]
    want = h.answers(single, probes, "--access", "public")
    got = h.answers(remote_bare, probes, "--access", "public")
    h.eq("trafficking", want[0].get("suggestion"), "the single index suggests a spelling")
    h.eq(False, got[0].get("spellingAvailable"), "no dictionary: the answer says spellingAvailable false")
    h.eq(None, got[0].get("suggestion"), "no dictionary: no suggestion")
    for request, a, b in zip(probes[1:], want[1:], got[1:]):
        b = {k: v for k, v in b.items() if k != "spellingAvailable"}
        h.same_answer(a, b, f"no dictionary, no spelling or synonyms involved: {request}", ENGINE_TOLERANCE)

for known, seen in sorted(known_seen.items()):
    differing = [label for label, count in seen if count]
    if differing:
        h.note(f"KNOWN DIFFERENCE ({KNOWN[known]}; LANTERN_SCALING_STRICT=1 fails on it) in "
               f"{len(differing)} of {len(seen)} comparisons, e.g. {differing[0]}")
    else:
        h.note(f"known difference '{known}' not seen this run ({len(seen)} comparisons): "
               "if it stays away, drop the tag in integration_requests.py")

h.finish()
