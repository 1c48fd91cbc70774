#!/usr/bin/python3
"""health_metrics.py - index-wide figures are for admins only.

/healthz and /metrics tell a caller the number of documents it may search:
anonymous callers and public-only tokens the public count (from the corpus
files), an les token public + les, and nobody but an admin token sees
per-partition figures (healthz "partitions", lantern_partition_documents);
an admin token sees every partition's, les included, whatever its own
labels. Nothing else in either answer names les.
"""
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402


def metric(text, name):
    match = re.search(r"^" + re.escape(name) + r" (\S+)$", text, re.M)
    return int(float(match.group(1))) if match else None


def main():
    suite = seclib.Suite("security_health_metrics")
    model, index_a, _ = seclib.prepare(suite, need_b=False)
    scanner = seclib.LeakScanner(model, [r.id for r in model.restricted if r.id])
    public_count, total = len(model.public), len(model.resources)
    restricted_count = len(model.restricted)
    tokens = {name: seclib.new_token() for name in ("les", "public", "admin", "admin-les")}
    labels = {"les": "[public, les]", "public": "[public]", "admin": "[public]", "admin-les": "[public, les]"}
    config = "tokens:\n"
    for name, token in tokens.items():
        config += f"  - name: {name}\n    sha256: {suite.hash_token(token)}\n    labels: {labels[name]}\n"
        if name.startswith("admin"):
            config += "    admin: true\n"
    daemon = suite.daemon(index_a, config, name="A-health")

    def fetch(path, token=None):
        headers = [("Authorization", "Bearer " + tokens[token])] if token else []
        return daemon.get(path, headers)

    with suite.section("callers that are not admins"):
        for who, token, expected in (("anonymous", None, public_count), ("public token", "public", public_count),
                                     ("les token", "les", total)):
            answer = fetch("/healthz", token)
            suite.eq(200, answer.status, f"{who}: /healthz answers 200")
            health = answer.json()
            suite.eq(["documents", "generation", "status", "version"], sorted(health),
                     f"{who}: /healthz has status, documents, generation and version only")
            suite.eq(expected, health.get("documents"), f"{who}: /healthz counts the partitions it may search")
            text = fetch("/metrics", token).text
            suite.eq(expected, metric(text, "lantern_indexed_documents"),
                     f"{who}: lantern_indexed_documents counts the partitions it may search")
            suite.check("lantern_partition_documents" not in text and "partition=" not in text,
                        f"{who}: /metrics has no per-partition figures")
            if token != "les":
                for path, body in (("/healthz", answer), ("/metrics", fetch("/metrics", token))):
                    found = scanner.find(body, path)
                    suite.check(not found, f"{who}: {path} shows no restricted data", found)
                    suite.check(not re.search(r"\bles\b", body.text),
                                f"{who}: {path} does not name the les partition", seclib.short(body.text, 400))

    with suite.section("admin tokens see every partition"):
        for who in ("admin", "admin-les"):
            health = fetch("/healthz", who).json()
            own = public_count if who == "admin" else total
            suite.eq(own, health.get("documents"), f"{who}: /healthz documents is its own partitions' count")
            partitions = health.get("partitions") or {}
            suite.eq(["les", "public"], sorted(partitions), f"{who}: /healthz lists every partition")
            suite.eq(public_count, (partitions.get("public") or {}).get("documents"),
                     f"{who}: /healthz public partition count")
            suite.eq(restricted_count, (partitions.get("les") or {}).get("documents"),
                     f"{who}: /healthz les partition count")
            text = fetch("/metrics", who).text
            suite.eq(restricted_count, metric(text, 'lantern_partition_documents{partition="les"}'),
                     f'{who}: lantern_partition_documents{{partition="les"}}')
            suite.eq(public_count, metric(text, 'lantern_partition_documents{partition="public"}'),
                     f'{who}: lantern_partition_documents{{partition="public"}}')
            suite.eq(own, metric(text, "lantern_indexed_documents"), f"{who}: lantern_indexed_documents")
        # Being admin is not being les: the admin token labelled [public] searches public only.
        answer = fetch(seclib.url("/api/search", [("q", "Nightjar")]), "admin").json()
        suite.eq(0, answer["totalHits"], "an admin token labelled [public] does not find les resources")
        suite.eq(404, fetch("/api/doc/" + model.restricted[0].id, "admin").status,
                 "an admin token labelled [public] gets 404 for an les document")
    daemon.stop()
    suite.finish()


if __name__ == "__main__":
    main()
