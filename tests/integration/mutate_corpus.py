#!/usr/bin/python3
"""mutate_corpus.py CORPUS SEED - a random round of edits to a corpus copy,
the kind an incremental run must pick up (used by kill9.sh).

Deterministic for a given SEED. Only ever leaves valid resources:
  - appends a new paragraph with a made-up word to some Markdown bodies;
  - toggles `access: les` on a few Markdown files outside les/ (a marked
    line it adds, or removes when there);
  - deletes a few generated/uscode files and adds a few new ones;
  - touches (mtime only) many files.
Prints one line saying what it did.
"""
import os
import random
import sys
import time

MARK = "access: les  # kill9 relabel"


def markdown_files(root):
    found = []
    for directory, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        for name in sorted(files):
            if name.endswith(".md") and name != "README.md":
                found.append(os.path.join(directory, name))
    return found


def has_front_matter(path):
    with open(path, encoding="utf-8") as handle:
        return handle.readline().rstrip("\r\n") == "---"


def main():
    root, seed = sys.argv[1], int(sys.argv[2])
    rng = random.Random(seed)
    files = markdown_files(root)
    bulk = [f for f in files if "/uscode/" in f or "/generated/" in f]
    curated = [f for f in files if f not in bulk and "/les/" not in f and has_front_matter(f)]

    edited = rng.sample(files, min(150, len(files)))
    for path in edited:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"\n\nRevision note k9w{seed}x{rng.randrange(10**6)} added by the kill9 test.\n")

    relabelled = 0
    for path in rng.sample(curated, min(4, len(curated))):
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        if MARK in lines:
            lines.remove(MARK)
        elif not any(line.startswith("access:") for line in lines[1:lines.index("---", 1)]):
            lines.insert(1, MARK)
        else:
            continue
        relabelled += 1
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines))

    deleted = rng.sample(bulk, min(10, len(bulk)))
    for path in deleted:
        os.remove(path)
    added_dir = os.path.join(root, "added")
    os.makedirs(added_dir, exist_ok=True)
    for i in range(10):
        with open(os.path.join(added_dir, f"round-{seed}-{i}.md"), "w", encoding="utf-8") as handle:
            handle.write(f"---\ntitle: Added in round {seed} number {i}\ntype: report\n"
                         f"topics: [{rng.choice(['gangs', 'vice', 'drugs'])}]\n---\n\n"
                         f"Body of an added resource, word k9a{seed}y{i}.\n")

    remaining = [f for f in markdown_files(root)]
    touched = rng.sample(remaining, min(1000, len(remaining)))
    now = time.time()
    for path in touched:
        os.utime(path, (now, now))
    print(f"round {seed}: appended to {len(edited)}, relabelled {relabelled}, "
          f"deleted {len(deleted)}, added 10, touched {len(touched)}")


if __name__ == "__main__":
    main()
