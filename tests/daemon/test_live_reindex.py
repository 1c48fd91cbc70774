#!/usr/bin/python3
"""test_live_reindex.py - lanternd keeps answering while the index changes.

A copy of corpus/ is indexed and served. Several client threads search in a
loop for ~15 s while the main thread changes the corpus (adds a resource
with a new word, edits one, deletes one) and re-runs lantern-index
incrementally several times and once with --full (a generation swap: the
`current` symlink moves to a new gen-N and the old one is deleted).

Every response must be 200 with valid JSON (zero failed requests), and
afterwards, without restarting the daemon, the new word is found, the edit
is visible and the deleted resource is gone.
"""
import json
import os
import random
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Harness  # noqa: E402

STREAM_SECONDS = float(os.environ.get("LANTERN_LIVE_SECONDS", "15"))
CLIENTS = 4

h = Harness("daemon_live_reindex")
corpus = h.copy_corpus()
index = h.build_index(corpus)
model = h.corpus_model(corpus)
public_count = len(model.select({}, access={"public"}))
d = h.start_daemon(index)

NEW_ID = "awareness/quillwort-outreach-leaflet"
NEW_WORD = "quillwortian"
EDITED_ID = "toolkits/community-awareness-campaign-toolkit"
EDIT_WORDS = ["marmaluxic", "brindlewhorl", "cobaltrinse", "saffronquay"]
DELETED_ID = "reports/statewide-cst-needs-assessment"
STABLE_ID = "legal/trafficking-victims-protection-act-overview"
for resource_id in (EDITED_ID, DELETED_ID, STABLE_ID):
    h.check(any(r["id"] == resource_id and r["access"] == "public" for r in model.resources),
            f"{resource_id} is a public resource of the corpus")


def q(path, **params):
    return path + "?" + urllib.parse.urlencode(params)


def search(query, **params):
    r = d.get(q("/api/search", q=query, **params))
    return r.status, (r.json() if r.status == 200 else r.text)


def hit_ids(query):
    status, body = search(query, limit=100)
    return [hit["id"] for hit in body["hits"]] if status == 200 else [f"status {status}"]


# ---------------------------------------------------------------- the client threads
REQUESTS = [
    lambda: q("/api/search", q="child trafficking", facets="*", limit=20),
    lambda: q("/api/search", q=NEW_WORD),
    lambda: q("/api/search", q=random.choice(EDIT_WORDS)),
    lambda: q("/api/search", q="needs assessment", sort="date", limit=50),
    lambda: q("/api/search", agency_type="rural", facets="type,topic", limit=5, offset=5),
    lambda: q("/api/suggest", q="traff"),
    lambda: q("/api/suggest", q="quillw"),
    lambda: "/api/facets",
    lambda: "/api/doc/" + STABLE_ID,
    lambda: "/api/related/" + STABLE_ID,
    lambda: "/healthz",
]
stop = threading.Event()
lock = threading.Lock()
failures = []
counts = {"requests": 0}
generations = set()


def client(seed):
    rng = random.Random(seed)
    while not stop.is_set():
        path = rng.choice(REQUESTS)()
        try:
            r = d.get(path, timeout=20)
            ok = r.status == 200
            body = r.json() if ok else None
            if path == "/healthz" and body:
                with lock:
                    generations.add(body.get("generation"))
        except Exception as error:  # any failure counts: refused, reset, timeout, invalid JSON
            ok, r = False, error
        with lock:
            counts["requests"] += 1
            if not ok:
                failures.append((round(time.monotonic() - begun, 2), path, repr(r)[:300]))


begun = time.monotonic()
threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(CLIENTS)]
for thread in threads:
    thread.start()

# ---------------------------------------------------------------- the changes
runs = []


def reindex(*extra):
    started = time.monotonic()
    result = h.run_indexer("--index", index, *extra, corpus)
    runs.append((" ".join(extra) or "incremental", result.returncode, round(time.monotonic() - started, 2),
                 result.stdout.strip()))
    h.eq(0, result.returncode, f"lantern-index {' '.join(extra)} exits 0 ({result.stderr.strip()[:300]})")
    return result


def edit(word):
    path = os.path.join(corpus, EDITED_ID + ".md")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    marker = "\n\nLive reindex marker: "
    text = text.split(marker)[0] + marker + word + ".\n"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)


with h.section("changes under load"):
    time.sleep(1.0)
    h.write(os.path.join(corpus, NEW_ID + ".md"),
            "---\n"
            "title: Quillwort Outreach Leaflet for Youth Drop-In Centres\n"
            "type: awareness-material\n"
            "summary: A leaflet added while lanternd runs; its unique word is quillwortian.\n"
            "agency_type: all\nagency_size: all\nresource_level: low\n"
            "topics: [public-awareness, runaway-youth]\naudience: [victim-advocate, trainer]\n"
            "published: 2025-02-03\n"
            "---\n\n# Quillwort outreach\n\n"
            f"The {NEW_WORD} leaflet tells staff at youth drop-in centres how to spot and report "
            "child trafficking.\n")
    reindex()
    edit(EDIT_WORDS[0])
    reindex()
    os.unlink(os.path.join(corpus, DELETED_ID + ".md"))
    reindex()
    generation_before = d.get("/healthz").json().get("generation")
    edit(EDIT_WORDS[1])
    reindex("--full")
    generation_after = d.get("/healthz").json().get("generation")
    h.check(generation_after != generation_before, "--full swapped the generation (seen by lanternd)",
            (generation_before, generation_after))
    # Keep changing until the stream has run its time.
    word = 2
    while time.monotonic() - begun < STREAM_SECONDS - 1:
        edit(EDIT_WORDS[word % len(EDIT_WORDS)])
        word += 1
        reindex()
        time.sleep(0.3)
    final_word = EDIT_WORDS[(word - 1) % len(EDIT_WORDS)]
    reindex("--full")
    time.sleep(0.5)

stop.set()
for thread in threads:
    thread.join(30)
elapsed = time.monotonic() - begun

with h.section("no failed request"):
    h.note(f"{counts['requests']} requests in {elapsed:.1f} s from {CLIENTS} clients; "
           f"{len(runs)} indexer runs; generations seen: {sorted(g for g in generations if g)}")
    for run in runs[:4] + runs[-1:]:
        h.note(f"  run {run[0]}: exit {run[1]} in {run[2]} s: {run[3]}")
    h.check(counts["requests"] >= 100, "the clients kept searching", counts["requests"])
    h.eq([], failures[:10], f"every response was 200 with valid JSON ({len(failures)} failed)")
    h.check(len([g for g in generations if g]) >= 2, "the clients saw more than one generation",
            sorted(g for g in generations if g))

with h.section("the changes are served without a restart"):
    h.check(d.alive(), "lanternd is still the same running process")
    h.eq([NEW_ID], hit_ids(NEW_WORD), "the new resource is found by its new word")
    status, body = search(NEW_WORD, limit=1)
    h.check(status == 200 and "<mark>" in body["hits"][0]["snippet"], "with a snippet", body)
    h.eq(200, d.get("/api/doc/" + NEW_ID).status, "/api/doc of the new resource: 200")
    r = d.get(q("/api/suggest", q="quillw"))
    h.check(any(s["id"] == NEW_ID for s in r.json()["suggestions"]), "suggest completes the new title", r.text)
    h.eq([EDITED_ID], hit_ids(final_word), "the edited resource is found by its latest word")
    for stale in EDIT_WORDS:
        if stale != final_word:
            h.eq([], hit_ids(stale), f"the edited resource's old word '{stale}' is gone")
    h.eq(404, d.get("/api/doc/" + DELETED_ID).status, "/api/doc of the deleted resource: 404")
    h.check(DELETED_ID not in hit_ids("statewide needs assessment"), "the deleted resource is not found")
    h.check(DELETED_ID not in json.dumps(d.get(q("/api/search", limit=1000)).json()),
            "the deleted resource is in no listing")
    health = d.get("/healthz").json()
    h.eq(public_count, health.get("documents"), "/healthz counts one added and one deleted resource")
    metrics = d.get("/metrics").text
    h.contains(metrics, f"lantern_indexed_documents {public_count}\n", "/metrics counts them too")
    h.eq(0, d.stop(), "lanternd exits 0 on SIGTERM")

h.note(f"stream {elapsed:.1f} s")
h.finish()
