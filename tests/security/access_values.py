#!/usr/bin/python3
"""access_values.py - odd `access` values fail closed.

A small corpus: a folder whose _defaults.yaml says `access: les`, and a
plain folder, each with one resource per odd spelling of `access` (upper
case, padded, a list, a mapping, empty, null, an unknown label, a comment).
Whatever the indexer makes of them, nothing that did not say `public` (or
say nothing, outside the les folder) may land in the public partition:
a resource is either les, or rejected with an error.
"""
import os
import shutil
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402

VALUES = ["LES", "Les", " les", '" les "', "les # a comment", "[les]", "[public, les]", "[les, public]",
          '""', "~", "null", "secret", "{}", "[]", "public", "PUBLIC", "'public'", "public # said so"]


def main():
    suite = seclib.Suite("security_access_values")
    corpus = os.path.join(suite.tmp, "corpus-V")
    os.makedirs(os.path.join(corpus, "restricted"))
    os.makedirs(os.path.join(corpus, "open"))
    for name in ("schema.yaml", "synonyms.yaml"):
        shutil.copy(os.path.join(seclib.CORPUS_DIR, name), corpus)
    with open(os.path.join(corpus, "restricted", "_defaults.yaml"), "w") as handle:
        handle.write("access: les\n")
    expected_public = set()
    for folder in ("restricted", "open"):
        for number, value in enumerate(VALUES + [None]):
            path = os.path.join(corpus, folder, f"v{number:02d}.md")
            with open(path, "w") as handle:
                handle.write("---\n")
                handle.write(f"title: Variant {folder} {number}\ntype: policy\nsummary: A test resource.\n")
                if value is not None:
                    handle.write(f"access: {value}\n")
                handle.write(f"---\nThe body of variant {folder} {number}.\n")
            # Public only when it says public, or says nothing (or null) outside the les folder.
            said = (value or "").split("#")[0].strip().strip("'\"").strip().lower()
            if said == "public" or (folder == "open" and value in (None, "~", "null")):
                expected_public.add(f"{folder}/v{number:02d}.md")
    index = suite.build_index(corpus, "index-V", allowed=(0, 1))
    public = suite.index_ids(index, "public")
    les = suite.index_ids(index, "les")
    for folder in ("restricted", "open"):
        for number, value in enumerate(VALUES + [None]):
            path = f"{folder}/v{number:02d}.md"
            where = "public" if path in public else "les" if path in les else "not indexed"
            suite.log(f"{path}: access {value if value is not None else '(none)'!s:18} -> {where}")
            if path not in expected_public:
                suite.check(path not in public, f"{path} (access: {value}) is not public (fails closed)",
                            "it is in the public partition")
            suite.check(not (path in public and path in les), f"{path} is in one partition only")
    for path in sorted(expected_public):
        suite.check(path in public, f"{path} says public (or nothing, outside the les folder) and is public")
    suite.finish()


if __name__ == "__main__":
    main()
