#!/usr/bin/env python3
"""test_replica.py - index updates reach the front end: a lanternd serving a
replica kept up to date with xapian-replicate sees every new revision without
a restart or a failed request, across incremental runs and a --full
generation swap; and shard hosts rebuilding with --full
(docs/scaling.md, "Replication", "Rebuilding a shard").

For each of two primaries (a copy of corpus/ each):
  "copies"      lantern-index as it is: Xapian keeps no changesets, so each
                replication copies the whole database into the other of
                replica_0/replica_1 and rewrites the replica's stub
                (REPLICA/public/XAPIANDB), which the engine notices by its
                stat;
  "changesets"  lantern-index run with XAPIAN_MAX_CHANGESETS=10: replication
                applies the changesets to the live replica in place
                (xapian-replicate -r 0: no grace period for readers, so the
                engine's retry on DatabaseModifiedError is exercised);
the test runs `xapian-replicate-server -p P PRIMARY` and one-shot
`xapian-replicate -h 127.0.0.1 -p P -m current/public -o REPLICA/public`,
starts lanternd --index REPLICA, and while a client thread searches in a loop:
  1. adds a resource with a unique word and deletes one, runs lantern-index
     incrementally on the primary, replicates: the word is found, the
     deleted resource is gone (search and /api/doc), /healthz counts the
     primary's documents;
  2. runs lantern-index --full (`current` now names gen-000002, a database
     with a new UUID), replicates (a full copy): the same answers again.
The client must see no failed request, and (for "copies") every answer it
got must be the primary's answer at one of its committed states.

A shard host serving its replica with xapian-tcpsrv to a front end: after a
replication that copies (the database the server has open is deleted) the
next search connects again and sees the new data; two copies with no request
between them, the second landing on the old path with the old revision
number, are a KNOWN ISSUE (the workaround: restart xapian-tcpsrv).

A new dictionary (--spelling-only run) behind a remote stub is not noticed
by a running lanternd: a KNOWN ISSUE; the workaround (SIGHUP) must work.

Shard hosts rebuilding with --full (no replication): a stub naming
SHARD/current/public, locally (`auto`) and through xapian-tcpsrv (`remote`).
A --full whose new database has the revision number of the old one (every
fresh generation has revision 2) is not noticed by either: a KNOWN ISSUE,
reported and failed only with LANTERN_SCALING_STRICT=1; the workaround
(restart xapian-tcpsrv; SIGHUP a lanternd with local shards) must work, and
incremental runs must be seen at once.
"""
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse

sys.dont_write_bytecode = True   # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scaling_lib import CORPUS_DIR, Harness, Process, free_port  # noqa: E402

UNIQUE_WORD = "zephyrquill"
NEW_RESOURCE = "reports/replication-probe"
DELETED_RESOURCE = "awareness/wallet-card-signs-of-trafficking"
LOOP_REQUEST = {"q": "trafficking", "sort": "date", "limit": 5}   # the new resource is the newest
LOOP_QUERY = "/api/search?q=trafficking&sort=date&limit=5"

h = Harness("scaling_replica")
for tool in ("xapian-replicate", "xapian-replicate-server"):
    if not shutil.which(tool):
        h.skip(f"{tool} not installed (Debian: xapian-tools)")


class Client(threading.Thread):
    """Searches lanternd in a loop; records every status and answer."""

    def __init__(self, daemon):
        super().__init__(daemon=True)
        self.lanternd = daemon
        self.stopping = threading.Event()
        self.requests = 0
        self.failures = []
        self.answers = set()   # (totalHits, first ids)

    def run(self):
        while not self.stopping.is_set():
            try:
                response = self.lanternd.get(LOOP_QUERY, timeout=10)
                self.requests += 1
                if response.status != 200:
                    self.failures.append(f"{response.status} {response.body[:200]!r}")
                else:
                    body = response.json()
                    self.answers.add((body.get("totalHits"), tuple(hit["id"] for hit in body["hits"])))
            except Exception as error:  # a refused or broken connection is a failure too
                self.requests += 1
                self.failures.append(repr(error))
            time.sleep(0.005)

    def stop(self):
        self.stopping.set()
        self.join(30)


def primary_answer(primary, query):
    """(totalHits, hit ids) of the primary's `public` partition, by lantern-search."""
    status, body, stderr, _ = h.search(primary, query, "--access", "public")
    if body is None:
        raise RuntimeError(f"lantern-search on the primary exited {status}: {stderr}")
    return body["totalHits"], [hit["id"] for hit in body["hits"]]


def signature(answer):
    total, ids = answer
    return total, tuple(ids)


def replica_answer(daemon, query):
    params = {"q": query["q"], "limit": str(query.get("limit", 10))}
    if query.get("facets"):
        params["facets"] = query["facets"]
    response = daemon.get("/api/search?" + urllib.parse.urlencode(params))
    if response.status != 200:
        return response.status, None
    body = response.json()
    return body["totalHits"], [hit["id"] for hit in body["hits"]]


def run_variant(name, environment, replicate_options):
    corpus = h.path(f"{name}-corpus")
    shutil.copytree(CORPUS_DIR, corpus)
    primary = h.path(f"{name}-primary")
    replica = h.path(f"{name}-replica")
    os.makedirs(replica)

    def index(*extra):
        result = subprocess.run([h.indexer, "--no-sync", "--quiet", "--index", primary, *extra, corpus],
                                capture_output=True, text=True, timeout=120, cwd=h.tmp,
                                env=dict(os.environ, **environment))
        if result.returncode != 0:
            raise RuntimeError(f"lantern-index {' '.join(extra)} exited {result.returncode}: {result.stderr}")

    index()
    port = free_port()
    server = Process(h, f"{name}-replicate-server",
                     ["xapian-replicate-server", "-I", "127.0.0.1", "-p", str(port), primary], port)
    server.wait_listening()

    def replicate():
        result = subprocess.run(["xapian-replicate", "-h", "127.0.0.1", "-p", str(port), "-m", "current/public",
                                 "-o", "-v", *replicate_options, os.path.join(replica, "public")],
                                capture_output=True, text=True, timeout=60, cwd=h.tmp)
        if result.returncode != 0:
            raise RuntimeError(f"xapian-replicate exited {result.returncode}: {result.stdout} {result.stderr}")
        return (result.stdout.strip().splitlines() or [""])[-1]

    first = replicate()
    h.check("copies" in first, f"{name}: the first replication copies the database", first)
    h.check(os.path.isfile(os.path.join(replica, "public", "XAPIANDB")), f"{name}: the replica is a stub")

    queries = [{"q": UNIQUE_WORD}, {"q": "trafficking", "facets": "*", "limit": 20},
               {"q": "wallet card signs", "limit": 20}]
    daemon = h.daemon(f"{name}-lanternd", replica)
    states = [{tuple(map(str, q.values())): primary_answer(primary, q) for q in queries}]
    loop_answers = {signature(primary_answer(primary, LOOP_REQUEST))}
    for query in queries:
        h.eq(states[0][tuple(map(str, query.values()))], replica_answer(daemon, query),
             f"{name}: the replica answers as the primary: {query}")
    h.eq(200, daemon.get("/api/doc/" + DELETED_RESOURCE).status, f"{name}: {DELETED_RESOURCE} is there at first")

    client = Client(daemon)
    client.start()
    try:
        # 1. an incremental change on the primary
        h.write(os.path.join(corpus, NEW_RESOURCE + ".md"),
                "---\ntitle: Replication probe on child trafficking\ntype: report\nagency_type: all\n"
                "agency_size: all\nresource_level: low\ntopics: [child-sex-trafficking]\n"
                "audience: [analyst]\npublished: 2026-02-01\n---\n"
                f"A {UNIQUE_WORD} appears in this resource only; it is about trafficking.\n")
        os.remove(os.path.join(corpus, DELETED_RESOURCE + ".md"))
        index()
        states.append({tuple(map(str, q.values())): primary_answer(primary, q) for q in queries})
        loop_answers.add(signature(primary_answer(primary, LOOP_REQUEST)))
        h.check(states[1][(UNIQUE_WORD,)][0] == 1, f"{name}: the primary finds the new word", states[1])
        summary = replicate()
        if name == "changesets":
            h.check("changeset" in summary and "0 changesets" not in summary,
                    f"{name}: the update came as changesets", summary)
        else:
            h.check("1 copies" in summary, f"{name}: the update came as a copy", summary)
        time.sleep(0.2)  # the client's loop meets the new revision too
        for query in queries:
            h.eq(states[1][tuple(map(str, query.values()))], replica_answer(daemon, query),
                 f"{name}, after the incremental run: the replica answers as the primary: {query}")
        h.eq(404, daemon.get("/api/doc/" + DELETED_RESOURCE).status,
             f"{name}: the deleted resource is gone from /api/doc")
        h.eq(200, daemon.get("/api/doc/" + NEW_RESOURCE).status, f"{name}: the new resource is in /api/doc")
        primary_documents = primary_answer(primary, {"q": "", "limit": 0})[0]
        h.eq(primary_documents, daemon.get("/healthz").json().get("documents"),
             f"{name}: /healthz counts the primary's public documents")
        again = replicate()
        h.check("no changes" in again or "0 copies, 0 changesets" in again,
                f"{name}: replicating again changes nothing", again)

        # 2. a --full rebuild: a new generation, a new database
        index("--full")
        h.eq("gen-000002", os.readlink(os.path.join(primary, "current")), f"{name}: --full made a new generation")
        summary = replicate()
        h.check("1 copies" in summary, f"{name}: after --full the replica gets a full copy", summary)
        time.sleep(0.2)
        for query in queries:
            h.eq(states[1][tuple(map(str, query.values()))], replica_answer(daemon, query),
                 f"{name}, after --full: the replica answers as the primary: {query}")
        h.eq(404, daemon.get("/api/doc/" + DELETED_RESOURCE).status, f"{name}, after --full: still gone")
        h.eq(primary_documents, daemon.get("/healthz").json().get("documents"),
             f"{name}, after --full: /healthz documents")
    finally:
        client.stop()
    h.note(f"{name}: {client.requests} searches while replicating, {len(client.failures)} failed,"
           f" {len(client.answers)} different answers seen (the primary had {len(loop_answers)})")
    h.check(client.requests >= 20, f"{name}: the client searched throughout", client.requests)
    h.eq([], client.failures[:5], f"{name}: no failed request in {client.requests} while replicating")
    if name == "copies":
        # A copy is always of a committed state at the end of a run.
        h.eq(loop_answers, client.answers,
             f"{name}: the client saw the primary's answers before and after, nothing else")
    else:
        # Changesets are applied one commit at a time: a reader may also meet
        # a state inside the indexer's run (as a reader of the primary may).
        h.check(loop_answers <= client.answers, f"{name}: the client saw the answers before and after",
                (len(loop_answers), len(client.answers)))
    daemon.stop()
    server.stop()


def shard_rebuild():
    """Shard hosts rebuilding with --full: the front end's stub still names
    SHARD/current/public, which now leads to a new database."""
    corpus = h.path("rebuild-corpus")
    shutil.copytree(CORPUS_DIR, corpus)
    shards = [h.path(f"rebuild-shard{i}") for i in range(2)]

    def index(i, *extra):
        result = h.run_indexer("--index", shards[i], "--shard", f"{i}/2", *extra, corpus)
        if result.returncode != 0:
            raise RuntimeError(f"lantern-index --shard {i}/2 {' '.join(extra)}: {result.stderr}")

    for i in range(2):
        index(i)
    h.index_corpus("rebuild-dictionary", "--spelling-only", corpus=corpus)
    servers = [h.tcpsrv(os.path.join(shard, "current", "public"), name=f"rebuild-tcpsrv{i}")
               for i, shard in enumerate(shards)]
    remote = h.stub_index("rebuild-remote", {"public": ["auto ../../rebuild-dictionary/current/public"]
                                             + [f"remote 127.0.0.1:{server.port}" for server in servers]})
    local = h.stub_index("rebuild-local", {"public": [f"auto ../../rebuild-shard{i}/current/public"
                                                      for i in range(2)]})
    daemons = {"remote": h.daemon("rebuild-lanternd-remote", remote),
               "local": h.daemon("rebuild-lanternd-local", local)}

    def found(word):
        return {name: daemon.get("/api/search?q=" + word).json().get("totalHits")
                for name, daemon in daemons.items()}

    def add(word, count):
        for i in range(count):
            h.write(os.path.join(corpus, "reports", f"{word}-{i}.md"),
                    f"---\ntitle: {word.capitalize()} {i}\ntype: report\n---\nA {word} {i}.\n")

    h.eq({"remote": 0, "local": 0}, found("bladderwort"), "rebuild: nothing yet")
    # --full on each shard host right after its first build: every fresh
    # generation has the same revision number (2), so neither the engine
    # (local shards) nor xapian-tcpsrv's reopen (remote shards) notices the
    # new database behind SHARD/current/public. (After incremental runs the
    # revision differs and the new generation is seen.)
    add("bladderwort", 4)
    for i in range(2):
        index(i, "--full")
    seen = found("bladderwort")
    if seen != {"remote": 4, "local": 4}:
        message = (f"KNOWN ISSUE (LANTERN_SCALING_STRICT=1 fails on it): after --full on the shard hosts"
                   f" with an unchanged revision number the front ends still serve the old generation:"
                   f" new resources found {seen} of 4")
        if os.environ.get("LANTERN_SCALING_STRICT") == "1":
            h.fail(message)
        else:
            h.note(message)
    else:
        h.note("known issue 'unchanged revision after --full' not seen: drop its workaround from the test")
    # The workaround docs/scaling.md gives: restart xapian-tcpsrv on the
    # shard host (lanternd connects again), SIGHUP the lanternd that opens
    # local shards.
    for i, server in enumerate(servers):
        server.stop()
        servers[i] = h.tcpsrv(os.path.join(shards[i], "current", "public"), name=f"rebuild-tcpsrv{i}-again",
                              port=server.port)
    daemons["local"].proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 5
    while found("bladderwort") != {"remote": 4, "local": 4} and time.monotonic() < deadline:
        time.sleep(0.1)
    h.eq({"remote": 4, "local": 4}, found("bladderwort"),
         "rebuild: after a tcpsrv restart / SIGHUP the new generation is served")
    # Incremental runs: new revisions of the same databases, seen at once.
    add("quillwort", 4)
    for i in range(2):
        index(i)
    h.eq({"remote": 4, "local": 4}, found("quillwort"), "rebuild: an incremental run on the shards is seen")
    for daemon in daemons.values():
        daemon.stop()
    for server in servers:
        server.stop()


def shard_host_replica():
    """A shard host serving its replica of the primary's shard with
    xapian-tcpsrv; a front end with a remote stub. A replication that makes
    a copy removes the database the server's connection has open."""
    corpus = h.path("host-corpus")
    shutil.copytree(CORPUS_DIR, corpus)
    primary = h.index_corpus("host-primary", corpus=corpus)
    port = free_port()
    server = Process(h, "host-replicate-server",
                     ["xapian-replicate-server", "-I", "127.0.0.1", "-p", str(port), primary], port)
    server.wait_listening()
    replica = h.path("host-replica")
    os.makedirs(replica)

    def replicate():
        result = subprocess.run(["xapian-replicate", "-h", "127.0.0.1", "-p", str(port), "-m", "current/public",
                                 "-o", "-v", os.path.join(replica, "public")],
                                capture_output=True, text=True, timeout=60, cwd=h.tmp)
        if result.returncode != 0:
            raise RuntimeError(f"xapian-replicate exited {result.returncode}: {result.stdout} {result.stderr}")

    def change(word, *extra):
        h.write(os.path.join(corpus, "reports", f"{word}.md"),
                f"---\ntitle: {word.capitalize()}\ntype: report\n---\nA {word}.\n")
        result = h.run_indexer("--index", primary, *extra, corpus)
        if result.returncode != 0:
            raise RuntimeError(f"lantern-index {' '.join(extra)}: {result.stderr}")
        replicate()

    replicate()
    tcpsrv = h.tcpsrv(os.path.join(replica, "public"), name="host-tcpsrv")
    front = h.stub_index("host-front", {"public": [f"remote 127.0.0.1:{tcpsrv.port}"]})
    # One request thread: one engine, one connection to the shard host.
    daemon = h.daemon("host-lanternd", front, h.write(h.path("one-thread.yaml"), "threads: 1\n"))

    def found(word):
        response = daemon.get("/api/search?q=" + word)
        return response.status, response.json().get("totalHits") if response.status == 200 else None

    h.eq((200, 56), found("trafficking"), "shard host replica: answers")
    change("arrowgrass")
    h.eq((200, 1), found("arrowgrass"), "shard host replica: after a replication that copied, the new word")
    change("sedgewort", "--full")
    h.eq((200, 1), found("sedgewort"), "shard host replica: after --full and a copy, the new word")
    # Two copies with no request between them: the second (a --full, so a
    # fresh revision 2) lands where the connection's database was, with its
    # revision number: the server's reopen sees nothing new.
    change("cordgrass")
    change("milkwort", "--full")
    seen = found("milkwort")
    if seen != (200, 1):
        message = ("KNOWN ISSUE (LANTERN_SCALING_STRICT=1 fails on it): a shard host's xapian-tcpsrv keeps"
                   f" serving a replaced replica after two copies without a request between: {seen}")
        if os.environ.get("LANTERN_SCALING_STRICT") == "1":
            h.fail(message)
        else:
            h.note(message)
    tcpsrv.stop()
    tcpsrv = h.tcpsrv(os.path.join(replica, "public"), name="host-tcpsrv-again", port=tcpsrv.port)
    h.eq((200, 1), found("milkwort"), "shard host replica: after restarting xapian-tcpsrv, the new word")
    h.eq((200, 1), found("cordgrass"), "shard host replica: and the one before")
    daemon.stop()
    tcpsrv.stop()
    server.stop()


def dictionary_update():
    """A new synonym in a new dictionary (every --spelling-only run makes a
    new database) behind a remote stub's `auto` line."""
    corpus = h.path("dictionary-corpus")
    shutil.copytree(CORPUS_DIR, corpus)
    shard = h.index_corpus("dictionary-shard", corpus=corpus)
    dictionary = h.index_corpus("dictionary-dictionary", "--spelling-only", corpus=corpus)
    server = h.tcpsrv(os.path.join(shard, "current", "public"), name="dictionary-tcpsrv")
    front = h.stub_index("dictionary-front", {"public": ["auto ../../dictionary-dictionary/current/public",
                                                         f"remote 127.0.0.1:{server.port}"]})
    daemon = h.daemon("dictionary-lanternd", front, h.write(h.path("one-thread.yaml"), "threads: 1\n"))

    def total(query):
        return daemon.get("/api/search?q=" + query).json().get("totalHits")

    hotel = total("hotel")
    h.eq(0, total("zqxhotel"), "dictionary: the new synonym is unknown at first")
    with open(os.path.join(corpus, "synonyms.yaml"), "a", encoding="utf-8") as handle:
        handle.write("  - [zqxhotel, hotel]\n")
    result = h.run_indexer("--index", dictionary, "--spelling-only", corpus)
    h.eq(0, result.returncode, f"dictionary: lantern-index --spelling-only ({result.stderr.strip()[:200]})")
    seen = total("zqxhotel")
    if seen != hotel:
        message = ("KNOWN ISSUE (LANTERN_SCALING_STRICT=1 fails on it): a running lanternd keeps the"
                   f" dictionary it opened: the new synonym finds {seen}, 'hotel' finds {hotel}")
        if os.environ.get("LANTERN_SCALING_STRICT") == "1":
            h.fail(message)
        else:
            h.note(message)
    daemon.proc.send_signal(signal.SIGHUP)   # the workaround: systemctl reload lanternd
    deadline = time.monotonic() + 5
    while total("zqxhotel") != hotel and time.monotonic() < deadline:
        time.sleep(0.1)
    h.eq(hotel, total("zqxhotel"), "dictionary: after a reload the new synonym works")
    daemon.stop()
    server.stop()


with h.section("a new dictionary"):
    dictionary_update()

with h.section("a shard host serving its replica"):
    shard_host_replica()

with h.section("shard hosts rebuilding with --full"):
    shard_rebuild()

with h.section("full copies"):
    run_variant("copies", {}, [])

with h.section("changesets"):
    run_variant("changesets", {"XAPIAN_MAX_CHANGESETS": "10"}, ["-r", "0"])

h.finish()
