#!/usr/bin/env python3
"""Turn a BEIR-style corpus.jsonl into a Lantern corpus folder.

    convert.py CORPUS.jsonl SCHEMA.yaml OUT_DIR

Writes OUT_DIR/schema.yaml (a copy of SCHEMA.yaml: lantern-index needs one at
the corpus root) and one Markdown file per document, OUT_DIR/docs/<id>.md:

    ---
    title: "<title as a JSON string>"
    id: "<docid>"
    type: report
    ---
    <text>

A JSON string is a valid YAML double-quoted scalar, so the title needs no
other escaping (bar a few characters libyaml refuses raw: see yaml_string);
the id is given explicitly so that search hits carry the collection's own
document id. The text is the Markdown body as it is.
An empty title becomes the first words of the text (or the id when the text
is empty too): lantern-index requires a title. Prints a one-line summary.
Standard library only.
"""

import json
import os
import re
import shutil
import sys

ID_PATTERN = re.compile(r"[A-Za-z0-9._/-]+")
TITLE_WORDS = 12


def fallback_title(doc_id, text):
    words = text.split()
    if not words:
        return doc_id
    title = " ".join(words[:TITLE_WORDS])
    return title + (" ..." if len(words) > TITLE_WORDS else "")


# Characters libyaml will not take raw inside a double-quoted scalar (C1
# controls, line/paragraph separators, BOM, non-characters): written as
# \uXXXX escapes, which YAML reads back as the same character.
YAML_UNPRINTABLE = re.compile("[\u0080-\u009f\u2028\u2029\ufeff\ufffe\uffff]")


def yaml_string(text):
    quoted = json.dumps(text, ensure_ascii=False)
    return YAML_UNPRINTABLE.sub(lambda m: "\\u%04x" % ord(m.group(0)), quoted)


def valid_id(doc_id):
    # The same rule as lantern-index: [A-Za-z0-9._/-], no leading '/' or '.',
    # no "..", at most 200 bytes.
    return (ID_PATTERN.fullmatch(doc_id) is not None and len(doc_id) <= 200
            and not doc_id.startswith(("/", ".")) and ".." not in doc_id)


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: convert.py CORPUS.jsonl SCHEMA.yaml OUT_DIR\n")
        return 2
    corpus_path, schema_path, out_dir = argv[1:]
    docs_dir = os.path.join(out_dir, "docs")
    os.makedirs(docs_dir, exist_ok=True)
    shutil.copyfile(schema_path, os.path.join(out_dir, "schema.yaml"))

    written = untitled = 0
    seen = set()
    with open(corpus_path, encoding="utf-8") as corpus:
        for line_number, line in enumerate(corpus, 1):
            if not line.strip():
                continue
            doc = json.loads(line)
            doc_id = str(doc["id"])
            if not valid_id(doc_id):
                sys.stderr.write("convert.py: %s:%d: id %r is not a valid Lantern id\n"
                                 % (corpus_path, line_number, doc_id))
                return 1
            if doc_id in seen:
                sys.stderr.write("convert.py: %s:%d: duplicate id %r\n"
                                 % (corpus_path, line_number, doc_id))
                return 1
            seen.add(doc_id)
            text = doc.get("text") or ""
            title = " ".join((doc.get("title") or "").split())
            if not title:
                title = fallback_title(doc_id, text)
                untitled += 1
            # An id may hold '/': keep the file name flat.
            name = doc_id.replace("/", "__") + ".md"
            with open(os.path.join(docs_dir, name), "w", encoding="utf-8") as out:
                out.write("---\n")
                out.write("title: %s\n" % yaml_string(title))
                out.write("id: %s\n" % json.dumps(doc_id))
                out.write("type: report\n")
                out.write("---\n")
                out.write(text)
                if not text.endswith("\n"):
                    out.write("\n")
            written += 1
    print("convert.py: %d documents (%d with a title made from their text) -> %s"
          % (written, untitled, out_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
