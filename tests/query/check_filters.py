#!/usr/bin/python3
"""check_filters.py - lantern-search's filters and facet counts against the
independent corpus model (corpus_model.py).

    check_filters.py --search BIN --index DIR --corpus DIR

For every single-field filter value, a sample of multi-field combinations
(OR within a field, AND across, with and without --published and --access
public), it compares the set of returned ids (--limit 1000 --format json),
totalHits and the exit status, and for many of them the whole
facetDistribution (--facets --limit 0), which must be disjunctive. Prints one
line per failed check and a summary; exits 1 when any check failed.
"""
import argparse
import json
import os
import random
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_model import Corpus, FIELDS  # noqa: E402

OPTION = {name: "--" + name.replace("_", "-") for name, _ in FIELDS}


class Checker:
    def __init__(self, search, index, corpus):
        self.search, self.index, self.corpus = search, index, corpus
        self.checks = self.failures = self.runs = 0

    def run(self, args):
        self.runs += 1
        env = dict(os.environ)
        env.pop("LANTERN_INDEX", None)
        done = subprocess.run([self.search, "--index", self.index] + args, capture_output=True,
                              text=True, env=env, timeout=30)
        return done.returncode, done.stdout, done.stderr

    def fail(self, what, detail):
        self.failures += 1
        print(f"FAIL: {what}\n  {detail}")

    def check(self, condition, what, detail):
        self.checks += 1
        if not condition:
            self.fail(what, detail)

    @staticmethod
    def arguments(filters, published=None, access=None):
        args = []
        for field, values in filters.items():
            for value in values:
                args += [OPTION[field], value]
        if published:
            args += ["--published", published]
        if access:
            args += ["--access", ",".join(access)]
        return args

    def ids(self, filters, published=None, access=None):
        args = self.arguments(filters, published, access)
        what = "lantern-search " + " ".join(repr(a) if " " in a else a for a in args)
        expected = self.corpus.select(filters, published, access)
        status, out, err = self.run(args + ["--limit", "1000", "--format", "json"])
        self.check(status == (0 if expected else 1), what + ": exit status",
                   f"expected {0 if expected else 1}, got {status}; stderr: {err.strip()}")
        if status not in (0, 1):
            return
        response = json.loads(out)
        actual = sorted(hit["id"] for hit in response["hits"])
        self.check(actual == expected, what + ": ids",
                   f"missing {sorted(set(expected) - set(actual))}, "
                   f"unexpected {sorted(set(actual) - set(expected))}")
        self.check(len(actual) == len(set(actual)), what + ": no repeated ids", str(actual))
        self.check(response["totalHits"] == len(expected), what + ": totalHits",
                   f"expected {len(expected)}, got {response['totalHits']}")
        if access:
            bad = [i for i in actual if self.corpus.by_id(i)["access"] not in access]
            self.check(not bad, what + ": only the requested access labels", str(bad))

    def facets(self, filters, published=None, access=None):
        args = self.arguments(filters, published, access)
        what = "lantern-search --facets --limit 0 " + " ".join(args)
        expected = self.corpus.facets(filters, published, access)
        status, out, err = self.run(args + ["--facets", "--limit", "0", "--json"])
        if status not in (0, 1):
            self.fail(what, f"exit status {status}; stderr: {err.strip()}")
            return
        response = json.loads(out)
        self.check(response["hits"] == [], what + ": --limit 0 gives no hits", str(response["hits"])[:200])
        distribution = response["facetDistribution"]
        self.check([f for f in distribution] == [f for f, _ in FIELDS if f in distribution],
                   what + ": fields in response order", str(list(distribution)))
        for field, _ in FIELDS:
            actual = distribution.get(field, {})
            self.check(actual == expected[field], f"{what}: {field} counts",
                       f"expected {json.dumps(expected[field], sort_keys=True)}\n"
                       f"  actual   {json.dumps(actual, sort_keys=True)}")
            counts = list(actual.items())
            ordered = sorted(counts, key=lambda item: (-item[1], item[0]))
            self.check(counts == ordered, f"{what}: {field} sorted by count, then value", str(counts))


def combinations(corpus, rng, count):
    """Random multi-field filters: 2-3 fields, 1-3 values each."""
    pool = {name: sorted({v for r in corpus.resources for v in r["fields"][name]}) for name, _ in FIELDS}
    out = []
    for _ in range(count):
        fields = rng.sample([name for name, _ in FIELDS], rng.choice([2, 2, 3]))
        out.append({f: rng.sample(pool[f], min(len(pool[f]), rng.choice([1, 1, 2, 3]))) for f in fields})
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--search", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--seed", type=int, default=20240611)
    args = parser.parse_args()
    corpus = Corpus(args.corpus)
    checker = Checker(args.search, args.index, corpus)

    # Sanity of the model itself: the corpus README's numbers.
    checker.check(len(corpus.resources) == 72, "model: 72 resources", str(len(corpus.resources)))
    checker.check(sum(r["access"] == "les" for r in corpus.resources) == 9, "model: 9 les resources", "")

    # Every value of every single field (vocabulary values, plus every
    # language and publisher the corpus uses).
    for name, key in FIELDS:
        values = list(corpus.vocabularies.get(key, []))
        values += sorted({v for r in corpus.resources for v in r["fields"][name]} - set(values))
        for value in values:
            checker.ids({name: [value]})
    # Case does not matter for a publisher (its filter term is lowercased).
    checker.ids({"publisher": ["bayshore police department"]})
    checker.ids({"publisher": ["LANTERN LIBRARY CURATION TEAM"]})
    checker.ids({"publisher": ["No Such Publisher"]})

    fixed = [
        {"agency_type": ["rural", "tribal"]},                      # OR within a field
        {"agency_type": ["rural"], "agency_size": ["small"]},       # AND across
        {"agency_type": ["tribal"], "type": ["policy", "model-policy"]},
        {"agency_type": ["urban"], "type": ["policy"], "topic": ["gangs", "drugs"]},
        {"topic": ["child-sex-trafficking"], "audience": ["analyst"], "delivery": ["online"]},
        {"resource_level": ["high"], "agency_size": ["small"]},
        {"type": ["video"], "delivery": ["online", "hybrid"]},
        {"language": ["es"], "agency_type": ["rural"]},
        {"publisher": ["Lantern Regional Intelligence Working Group"], "topic": ["vice"]},
        {"type": ["training-course"], "audience": ["frontline-officer"]},
        {"type": ["report"], "agency_type": ["tribal"], "agency_size": ["small"], "resource_level": ["low"]},
        {"topic": ["gangs"], "type": ["video"]},                    # nothing
    ]
    for filters in fixed:
        checker.ids(filters)
    rng = random.Random(args.seed)
    sampled = combinations(corpus, rng, 40)
    for filters in sampled:
        checker.ids(filters)

    # Dates: the request's `published`, with and without other filters.
    for published in ["2019..2020", "2019", "..2018", "2023..", "2021-03..2022-09-12", "2020-03-09"]:
        checker.ids({}, published)
        checker.ids({"agency_type": ["rural"]}, published)

    # Access: --access public never includes les resources.
    for filters in [{}, {"type": ["best-practice"]}, {"topic": ["investigations", "vice"]}]:
        checker.ids(filters, access=["public"])
        checker.ids(filters, access=["les"])

    # Facet counts, disjunctive.
    facet_cases = [{}, {"agency_type": ["rural"]}, {"agency_type": ["rural"], "type": ["policy"]},
                   {"topic": ["gangs", "vice"], "audience": ["investigator"]},
                   {"agency_type": ["tribal"], "agency_size": ["small"], "resource_level": ["low"]},
                   {"language": ["es"]}, {"publisher": ["Bayshore Police Department"]}]
    facet_cases += fixed[:6] + sampled[:15]
    for filters in facet_cases:
        checker.facets(filters)
    checker.facets({"agency_type": ["urban"]}, "2019..2022")
    checker.facets({"type": ["best-practice"]}, access=["public"])

    # Disjunctive behaviour spelled out: with an agency_type filter, the
    # agency_type counts still show the other values (the counts you would
    # get by switching), and they still respect the type filter.
    status, out, _ = checker.run(["--agency-type", "rural", "--type", "policy", "--facets", "--limit", "0", "--json"])
    distribution = json.loads(out)["facetDistribution"]
    expected = corpus.facets({"agency_type": ["rural"], "type": ["policy"]})
    checker.check(distribution["agency_type"] == expected["agency_type"] and
                  len(distribution["agency_type"]) > 1,
                  "disjunctive: agency_type counts ignore the agency_type filter",
                  json.dumps(distribution["agency_type"]))
    policies = corpus.select({"type": ["policy"]})
    checker.check(max(distribution["agency_type"].values()) <= len(policies),
                  "disjunctive: agency_type counts respect the type filter",
                  f"{distribution['agency_type']} vs {len(policies)} policies")

    print(f"check_filters: {checker.checks} checks, {checker.failures} failed, {checker.runs} searches")
    sys.exit(1 if checker.failures else 0)


if __name__ == "__main__":
    main()
