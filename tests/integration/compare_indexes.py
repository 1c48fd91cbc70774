#!/usr/bin/python3
"""compare_indexes.py ACTUAL EXPECTED [--terms N] [--seed S]

Compares two Lantern indexes (INDEX directories with current/<label>/),
partition by partition, through xapian-delve and quest (xapian-tools):
  - the partitions present and their document counts;
  - the (id, source, access, content hash) of every document, from value
    slot 0 (the other stamp fields - mtimes, load times - legitimately
    differ between two builds);
  - the termfreq of N terms sampled from EXPECTED (seeded), plus every
    boolean term (X... prefixes) of both;
  - the spelling suggestion for misspellings of sampled words (a proxy for
    the spelling table, which no xapian-tools program prints).
Prints what differs; exits 0 when nothing does, 1 otherwise.
"""
import argparse
import os
import random
import subprocess
import sys


def delve(*args):
    return subprocess.run(["xapian-delve", *args], check=True, capture_output=True,
                          text=True, errors="surrogateescape").stdout


def partitions(index):
    current = os.path.join(index, "current")
    return sorted(name for name in os.listdir(current)
                  if not name.startswith(".") and os.path.isdir(os.path.join(current, name)))


def doc_count(db):
    for line in delve(db).splitlines():
        if line.startswith("number of documents = "):
            return int(line.split("= ")[1])
    raise RuntimeError(f"no document count for {db}")


def states(db):
    out = set()
    for line in delve("-VR0", "-1", db).splitlines()[1:]:
        _, _, value = line.partition(":")
        fields = value.split("\t")
        out.add(tuple(fields[:4]))
    return out


def all_terms(db):
    terms = {}
    for line in delve("-a", "-v", "-1", db).splitlines()[1:]:
        term, _, freq = line.rpartition(" ")
        terms[term] = int(freq)
    return terms


def suggestion(db, word):
    out = subprocess.run(["quest", "-d", db, "-f", "default,spelling_correction", "-m", "0", "--", word],
                         capture_output=True, text=True, errors="surrogateescape").stdout
    for line in out.splitlines():
        if line.startswith("Did you mean: "):
            return line[len("Did you mean: "):]
    return ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("actual")
    parser.add_argument("expected")
    parser.add_argument("--terms", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    problems = []

    labels_actual, labels_expected = partitions(args.actual), partitions(args.expected)
    if labels_actual != labels_expected:
        problems.append(f"partitions: {labels_actual} vs expected {labels_expected}")
    for label in sorted(set(labels_actual) & set(labels_expected)):
        a = os.path.join(args.actual, "current", label)
        e = os.path.join(args.expected, "current", label)
        count_a, count_e = doc_count(a), doc_count(e)
        if count_a != count_e:
            problems.append(f"{label}: {count_a} documents, expected {count_e}")
        states_a, states_e = states(a), states(e)
        for item in sorted(states_a - states_e)[:10]:
            problems.append(f"{label}: unexpected document state {item}")
        for item in sorted(states_e - states_a)[:10]:
            problems.append(f"{label}: missing document state {item}")
        terms_a, terms_e = all_terms(a), all_terms(e)
        sample = rng.sample(sorted(terms_e), min(args.terms, len(terms_e)))
        boolean = {t for t in set(terms_a) | set(terms_e) if t.startswith("X") and t[1:2].isupper()}
        for term in sorted(set(sample) | boolean):
            if terms_a.get(term, 0) != terms_e.get(term, 0):
                problems.append(f"{label}: termfreq of {term!r} is {terms_a.get(term, 0)}, expected {terms_e.get(term, 0)}")
        words = [t for t in sorted(terms_e) if t.isalpha() and t.islower() and len(t) >= 6]
        checked = 0
        for word in rng.sample(words, min(20, len(words))):
            position = rng.randrange(1, len(word) - 1)
            misspelt = word[:position] + word[position + 1:]
            if misspelt in terms_e:
                continue
            got, want = suggestion(a, misspelt), suggestion(e, misspelt)
            checked += 1
            if got != want:
                problems.append(f"{label}: spelling suggestion for {misspelt!r} is {got!r}, expected {want!r}")
        print(f"{label}: {count_e} documents, {len(states_e)} states, "
              f"{len(set(sample) | boolean)} terms, {checked} spelling checks compared")
    for problem in problems:
        print("DIFFERENT: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
