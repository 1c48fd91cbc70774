#!/usr/bin/python3
"""check_synonyms.py - synonyms both ways over the real corpus.

    check_synonyms.py --search BIN --index DIR --corpus DIR

For every group of CORPUS/synonyms.yaml and every member of it (acronym or
phrase, bare and "quoted"), lantern-search must return every resource whose
searchable text (title, summary, body - not the publisher, which only publisher: finds; for records the
description and transcript) contains ANY member of the group as a run of
words. The expectation comes from the files alone: text split into words
(letters, digits, apostrophes), compared case-insensitively.

Prints one line per failed check; exits 1 when any failed.
"""
import argparse
import concurrent.futures
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from corpus_model import crawl, id_from_path, load_yaml, values_of  # noqa: E402

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")


def words(text):
    return WORD.findall(text.replace("\u2019", "'").lower())


def body_of(path):
    """The text after the front matter (all of it when there is none)."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read().lstrip("\ufeff")
    lines = text.split("\n")
    if lines and lines[0].rstrip() == "---":
        for number in range(1, len(lines)):
            if lines[number].rstrip() in ("---", "..."):
                return "\n".join(lines[number + 1:])
    return text


def searchable_text(root, relative, metadata):
    """The text lantern indexes as free text, as a list of words per field
    (a phrase never spans two fields)."""
    full = os.path.join(root, relative)
    fields = [" ".join(values_of(metadata.get(key))) for key in ("title", "summary")]
    if relative.endswith(".yaml"):
        fields.append(" ".join(values_of(metadata.get("description"))))
        for transcript in values_of(metadata.get("transcript")):
            with open(os.path.join(os.path.dirname(full), transcript), encoding="utf-8") as handle:
                fields.append(handle.read())
    else:
        fields.append(body_of(full))
    return [words(field) for field in fields]


def contains(fields, phrase):
    n = len(phrase)
    return any(field[i:i + n] == phrase for field in fields for i in range(len(field) - n + 1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--search", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--corpus", required=True)
    args = parser.parse_args()

    resources = []
    for relative, own, defaults in crawl(args.corpus):
        metadata = dict(defaults)
        metadata.update(own)
        given = values_of(metadata.get("id"))
        resource_id = given[0] if given else id_from_path(relative)
        resources.append((resource_id, searchable_text(args.corpus, relative, metadata)))

    groups = load_yaml(os.path.join(args.corpus, "synonyms.yaml"))["synonyms"]
    jobs = []
    for group in groups:
        phrases = [words(member) for member in group]
        expected = sorted(i for i, fields in resources if any(contains(fields, p) for p in phrases))
        for member in group:
            queries = [member, f'"{member}"'] + ([member.upper()] if " " not in member else [])
            jobs += [(group[0], query, expected) for query in queries]

    def run(job):
        return subprocess.run([args.search, "--index", args.index, "--limit", "1000", "--json", "--", job[1]],
                              capture_output=True, text=True, timeout=30)

    failures = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        for (name, query, expected), done in zip(jobs, pool.map(run, jobs)):
            if done.returncode not in (0, 1):
                failures += 1
                print(f"FAIL: {query!r}: exit {done.returncode}: {done.stderr.strip()}")
                continue
            found = {hit["id"] for hit in json.loads(done.stdout)["hits"]}
            missing = [i for i in expected if i not in found]
            if missing:
                failures += 1
                print(f"FAIL: {query!r} (group {name}) misses {missing}")
    checks = len(jobs)
    print(f"check_synonyms: {checks} checks over {len(groups)} groups, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
