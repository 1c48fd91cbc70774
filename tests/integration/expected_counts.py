#!/usr/bin/python3
"""expected_counts.py - what an index of a corpus folder should contain,
computed from the files alone (never from lantern's code).

Walks CORPUS by the documented crawl rules (lib/corpus/crawl.c header,
corpus/README.md), reads each resource's metadata (front matter, sidecar or
YAML record), applies folder defaults (nearest _defaults.yaml wins over its
parents, the file's own value wins over all, --defaults is the lowest), and
prints one line per fact, tab-separated:

    docs   PARTITION  N              documents in a partition
    id     PARTITION  ID             one line per resource
    term   PARTITION  TERM  N        termfreq of a boolean term
    res    PARTITION  ID  PATH  TERMS  one line per resource: its boolean terms,
                                       comma-separated

`term` lines cover every vocabulary value of every controlled field in every
partition (0 when no resource has it), with `all` expanded to the whole
vocabulary, plus XALL<field>, XLANG, XFORMAT and XYEAR terms that occur.

It assumes every resource is valid (use it on corpora that index cleanly).
"""
import argparse
import fnmatch
import os
import sys
from collections import defaultdict

import yaml

# The fields whose values are controlled by schema.yaml, and their prefixes
# (include/lantern/index_schema.h, as documented in docs/index-schema.md).
PREFIXES = {
    "type": "XTYPE",
    "agency_type": "XAGENCYTYPE",
    "agency_size": "XAGENCYSIZE",
    "resource_level": "XLEVEL",
    "topics": "XTOPIC",
    "audience": "XAUDIENCE",
    "access": "XACCESS",
    "delivery": "XDELIVERY",
}
# Fields for which `all` stands for every vocabulary value.
ALLOWS_ALL = {"agency_type", "agency_size", "resource_level"}

BACKUP_SUFFIXES = (".swp", ".swo", ".bak", ".orig", ".tmp", ".rej")
DEFAULTS_NAMES = ("_defaults.yaml", "_defaults.yml")
# Formats extractor plugins read without a sidecar (docs/plugins.md).
PLUGIN_EXTENSIONS = (".pdf", ".html", ".htm", ".xhtml", ".docx", ".odt", ".doc", ".vtt", ".srt", ".hello")
TEXT_EXTENSIONS = (".md", ".markdown", ".txt", ".text")


def load_yaml(path_or_text, is_text=False):
    """YAML with every scalar kept as a string (dates stay '2023-06')."""
    text = path_or_text if is_text else open(path_or_text, encoding="utf-8").read()
    data = yaml.load(text, Loader=yaml.BaseLoader)
    return data if isinstance(data, dict) else {}


def is_null(value):
    return value is None or (isinstance(value, str) and value.strip() in ("", "~", "null", "Null", "NULL"))


def values_of(value):
    """A field's values as a list of trimmed strings (a scalar is a list of one)."""
    if is_null(value):
        return []
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if is_null(item):
            continue
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return out


def front_matter(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip(" \t\r") != "---":
        return {}
    for number in range(1, len(lines)):
        if lines[number].rstrip(" \t\r") in ("---", "..."):
            return load_yaml("\n".join(lines[1:number]), is_text=True)
    raise ValueError(f"{path}: unterminated front matter")


def hidden_or_backup(name):
    return (name.startswith(".") or name.startswith("#") or name.endswith("~")
            or name.lower().endswith(BACKUP_SUFFIXES)
            or any(ord(c) < 0x20 or ord(c) == 0x7f for c in name))


def ignore_patterns(root):
    path = os.path.join(root, ".lanternignore")
    if not os.path.exists(path):
        return []
    patterns = []
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            patterns.append(line)
    return patterns


def ignored(patterns, relative, name, is_dir):
    for pattern in patterns:
        if pattern.endswith("/") and len(pattern) > 1:
            if not is_dir:
                continue
            pattern = pattern[:-1]
        if "/" in pattern:
            if fnmatch.fnmatchcase(relative, pattern.lstrip("/")):
                return True
        elif fnmatch.fnmatchcase(name, pattern):
            return True
    return False


def id_from_path(relative):
    directory, name = os.path.split(relative)
    dot = name.rfind(".")
    stem = name[:dot] if dot > 0 else name
    path = f"{directory}/{stem}" if directory else stem
    return "".join(c if (c.isascii() and c.isalnum()) or c in "-_./" else "-" for c in path)


def crawl(root):
    """Yields (relative path, metadata dict, format, folder defaults chain)."""
    patterns = ignore_patterns(root)
    resources = []

    def walk(relative, inherited):
        full = os.path.join(root, relative) if relative else root
        names = sorted(n for n in os.listdir(full) if not hidden_or_backup(n))
        files, folders = [], []
        for name in names:
            child = f"{relative}/{name}" if relative else name
            path = os.path.join(root, child)
            if os.path.islink(path):
                real = os.path.realpath(path)
                if not os.path.exists(real) or not (real + "/").startswith(os.path.realpath(root) + "/"):
                    continue
            is_dir = os.path.isdir(path)
            if ignored(patterns, child, name, is_dir):
                continue
            if is_dir:
                folders.append(child)
            elif os.path.isfile(path):
                files.append(name)
        defaults = dict(inherited)
        defaults_name = next((n for n in DEFAULTS_NAMES if n in files), None)
        if defaults_name:
            own = load_yaml(os.path.join(full, defaults_name))
            for key, value in own.items():
                if not is_null(value):
                    defaults[key] = value
        transcripts = set()
        records = []
        for name in files:
            if not relative and name in ("schema.yaml", "synonyms.yaml"):
                continue
            if name in DEFAULTS_NAMES:
                continue
            if name.endswith((".yaml", ".yml")):
                base = name[: -5] if name.endswith(".yaml") else name[: -4]
                if base in files:
                    continue  # a sidecar
                data = load_yaml(os.path.join(full, name))
                if not is_null(data.get("transcript")):
                    transcripts.add(data["transcript"].strip())
                records.append((name, data))
        for name in files:
            if (not relative and name in ("schema.yaml", "synonyms.yaml")) or name in DEFAULTS_NAMES:
                continue
            child = f"{relative}/{name}" if relative else name
            if name.endswith((".yaml", ".yml")):
                base = name[: -5] if name.endswith(".yaml") else name[: -4]
                if base in files:
                    continue
                data = dict(records)[name]
                resources.append((child, data, "yaml", defaults))
                continue
            if name in transcripts:
                continue
            sidecar = next((s for s in (name + ".yaml", name + ".yml") if s in files), None)
            lower = name.lower()
            if sidecar:
                data = load_yaml(os.path.join(full, sidecar))
                if lower.endswith((".md", ".markdown")):
                    fmt = "markdown"
                elif lower.endswith((".txt", ".text")):
                    fmt = "text"
                else:
                    fmt = name.rsplit(".", 1)[1] if "." in name else ""
                resources.append((child, data, fmt, defaults))
            elif lower.endswith((".md", ".markdown")):
                resources.append((child, front_matter(os.path.join(full, name)), "markdown", defaults))
            elif lower.endswith((".txt", ".text")):
                resources.append((child, front_matter(os.path.join(full, name)), "text", defaults))
            elif lower.endswith(PLUGIN_EXTENSIONS):
                sys.exit(f"expected_counts.py: {child}: read by an extractor plugin; this script "
                         "only knows Markdown, text, sidecars and YAML records")
        for folder in folders:
            walk(folder, defaults)

    walk("", GLOBAL_DEFAULTS)
    return resources


GLOBAL_DEFAULTS = {}


def main():
    global GLOBAL_DEFAULTS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus")
    parser.add_argument("--schema", help="default: CORPUS/schema.yaml")
    parser.add_argument("--defaults", help="the --defaults file given to lantern-index")
    args = parser.parse_args()

    schema = load_yaml(args.schema or os.path.join(args.corpus, "schema.yaml"))
    vocabularies = {field: list(values.keys()) for field, values in schema["vocabularies"].items()}
    if args.defaults:
        GLOBAL_DEFAULTS = {k: v for k, v in load_yaml(args.defaults).items() if not is_null(v)}

    partitions = vocabularies["access"]
    ids = defaultdict(list)
    terms = defaultdict(lambda: defaultdict(int))
    resources = []
    for relative, own, fmt, defaults in crawl(args.corpus):
        metadata = dict(defaults)
        for key, value in own.items():
            if not is_null(value):
                metadata[key] = value
        resource_id = values_of(metadata.get("id"))
        resource_id = resource_id[0] if resource_id else id_from_path(relative)
        access = values_of(metadata.get("access"))
        access = access[0].lower() if access else "public"
        metadata["access"] = access
        ids[access].append(resource_id)
        own_terms = set()
        for field, prefix in PREFIXES.items():
            values = [v.lower() for v in values_of(metadata.get(field))]
            if field in ALLOWS_ALL and "all" in values:
                values = list(vocabularies[field])
                own_terms.add("XALL" + field)
            own_terms.update(prefix + value for value in values)
        language = values_of(metadata.get("language"))
        own_terms.add("XLANG" + (language[0].lower() if language else "en"))
        own_terms.add("XFORMAT" + fmt)
        published = values_of(metadata.get("published"))
        if published and published[0][:4].isdigit():
            own_terms.add("XYEAR" + published[0][:4])
        for term in own_terms:
            terms[access][term] += 1
        resources.append((access, resource_id, relative, sorted(own_terms)))

    out = sys.stdout
    for partition in partitions + sorted(set(ids) - set(partitions)):
        out.write(f"docs\t{partition}\t{len(ids[partition])}\n")
        for resource_id in sorted(ids[partition]):
            out.write(f"id\t{partition}\t{resource_id}\n")
        expected = dict(terms[partition])
        for field, prefix in PREFIXES.items():
            for value in vocabularies[field]:
                expected.setdefault(prefix + value, 0)
            if field in ALLOWS_ALL:
                expected.setdefault("XALL" + field, 0)
        for term in sorted(expected):
            out.write(f"term\t{partition}\t{term}\t{expected[term]}\n")
    for access, resource_id, relative, own_terms in resources:
        out.write(f"res\t{access}\t{resource_id}\t{relative}\t{','.join(own_terms)}\n")


if __name__ == "__main__":
    main()
