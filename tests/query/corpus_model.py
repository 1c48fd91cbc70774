#!/usr/bin/python3
"""corpus_model.py - what lantern-search should answer for a filter-only
request over a corpus folder, computed from the corpus files alone (never
from lantern's code).

It reads every resource's metadata by the documented rules (corpus/README.md):
Markdown/text front matter, `NAME.EXT.yaml` sidecars, pure YAML records (a
record's `transcript:` file is part of it, not a resource), folder defaults
from `_defaults.yaml` (nearest folder wins, the file's own value wins over
all), `.lanternignore` patterns, and the root's schema.yaml/synonyms.yaml
which are configuration. Then, per the filter rules (lantern-search(1)):

  * a field's filter values OR together, different fields AND together;
  * a resource tagged `all` for agency_type, agency_size or resource_level
    (corpus/schema.yaml) has every value of that vocabulary;
  * access defaults to `public`, language to `en`;
  * --published YYYY[..YYYY] / YYYY-MM[-DD] bounds compare the date padded
    with zeros (low bound) or nines (high bound); undated resources never
    match a date range;
  * facet counts are per value (a resource with topics [a, b] counts once
    under each) and disjunctive: a field's counts ignore that field's own
    filter and respect every other one.

Used as a module by check_filters.py; run directly it prints the model as
JSON (handy when a check fails): corpus_model.py CORPUS
"""
import fnmatch
import json
import os
import sys

import yaml

# Facet fields in response order, with the metadata key they are read from.
FIELDS = [
    ("agency_type", "agency_type"),
    ("agency_size", "agency_size"),
    ("resource_level", "resource_level"),
    ("type", "type"),
    ("topic", "topics"),
    ("audience", "audience"),
    ("delivery", "delivery"),
    ("language", "language"),
    ("publisher", "publisher"),
]
ALLOWS_ALL = {"agency_type", "agency_size", "resource_level"}
CONFIG_FILES = {"schema.yaml", "synonyms.yaml"}


def load_yaml_text(text):
    """Every scalar as a string, so '2023-06' stays a string."""
    data = yaml.load(text, Loader=yaml.BaseLoader)
    return data if isinstance(data, dict) else {}


def load_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return load_yaml_text(handle.read())


def front_matter(path):
    with open(path, encoding="utf-8") as handle:
        text = handle.read().lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}
    for number in range(1, len(lines)):
        if lines[number].rstrip() in ("---", "..."):
            return load_yaml_text("\n".join(lines[1:number]))
    raise ValueError(path + ": unterminated front matter")


def is_null(value):
    return value is None or (isinstance(value, str) and value.strip() in ("", "~", "null", "Null", "NULL"))


def values_of(value):
    if is_null(value):
        return []
    items = value if isinstance(value, list) else [value]
    return [item.strip() for item in items if not is_null(item) and item.strip()]


def ignore_patterns(root):
    path = os.path.join(root, ".lanternignore")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.strip().startswith("#")]


def id_from_path(relative):
    directory, name = os.path.split(relative)
    dot = name.rfind(".")
    stem = name[:dot] if dot > 0 else name
    return f"{directory}/{stem}" if directory else stem


def date_key(text):
    """'2021-03' -> '20210300'; None when not a date."""
    digits = text.replace("-", "")
    if not digits.isdigit() or len(digits) not in (4, 6, 8):
        return None
    return digits.ljust(8, "0")


def crawl(root):
    """Yields (relative path, own metadata, effective folder defaults)."""
    patterns = ignore_patterns(root)

    def ignored(name):
        return name.startswith(".") or any(fnmatch.fnmatchcase(name, p) for p in patterns)

    def walk(relative, inherited):
        folder = os.path.join(root, relative) if relative else root
        names = sorted(n for n in os.listdir(folder) if not ignored(n))
        files = [n for n in names if os.path.isfile(os.path.join(folder, n))]
        folders = [n for n in names if os.path.isdir(os.path.join(folder, n))]
        defaults = dict(inherited)
        if "_defaults.yaml" in files:
            for key, value in load_yaml(os.path.join(folder, "_defaults.yaml")).items():
                if not is_null(value):
                    defaults[key] = value
        records, transcripts = {}, set()
        for name in files:
            if name.endswith(".yaml") and name[:-5] not in files and name != "_defaults.yaml" \
                    and not (not relative and name in CONFIG_FILES):
                records[name] = load_yaml(os.path.join(folder, name))
                transcripts.update(values_of(records[name].get("transcript")))
        for name in files:
            child = f"{relative}/{name}" if relative else name
            if name == "_defaults.yaml" or (not relative and name in CONFIG_FILES):
                continue
            if name in records:
                yield child, records[name], defaults
            elif name.endswith(".yaml") or name in transcripts:
                continue  # a sidecar, or part of a record
            elif name + ".yaml" in files:
                yield child, load_yaml(os.path.join(folder, name + ".yaml")), defaults
            elif name.lower().endswith((".md", ".markdown", ".txt", ".text")):
                yield child, front_matter(os.path.join(folder, name)), defaults
        for name in folders:
            yield from walk(f"{relative}/{name}" if relative else name, defaults)

    yield from walk("", {})


class Corpus:
    def __init__(self, root):
        schema = load_yaml(os.path.join(root, "schema.yaml"))
        self.vocabularies = {field: list(values) for field, values in schema["vocabularies"].items()}
        self.resources = []
        for relative, own, defaults in crawl(root):
            metadata = dict(defaults)
            metadata.update({k: v for k, v in own.items() if not is_null(v)})
            given_id = values_of(metadata.get("id"))
            access = values_of(metadata.get("access"))
            published = values_of(metadata.get("published"))
            resource = {
                "id": given_id[0] if given_id else id_from_path(relative),
                "path": relative,
                "title": values_of(metadata.get("title")),
                "access": access[0].lower() if access else "public",
                "published": date_key(published[0]) if published else None,
                "fields": {},
            }
            for name, key in FIELDS:
                values = values_of(metadata.get(key))
                if name != "publisher":
                    values = [v.lower() for v in values]
                if name in ALLOWS_ALL and "all" in values:
                    values = list(self.vocabularies[key])
                if name == "language" and not values:
                    values = ["en"]
                resource["fields"][name] = sorted(set(values))
            self.resources.append(resource)

    def by_id(self, resource_id):
        return next(r for r in self.resources if r["id"] == resource_id)

    # ------------------------------------------------------------ matching
    @staticmethod
    def published_bounds(text):
        """The engine's documented range forms; None for a bad range."""
        if len(text) > 24:
            return None
        first, _, second = text.partition("..") if ".." in text else (text, "", text)
        bounds = []
        for k, part in enumerate((first, second)):
            if not part:
                bounds.append(None)
                continue
            ok = len(part) in (4, 7, 10) and all(
                (c == "-") if i in (4, 7) else c.isdigit() for i, c in enumerate(part))
            if not ok:
                return None
            digits = part.replace("-", "")
            bounds.append(digits.ljust(8, "0" if k == 0 else "9"))
        if bounds == [None, None]:
            return None
        return tuple(bounds)

    @staticmethod
    def field_matches(resource, field, wanted):
        have = {v.lower() for v in resource["fields"][field]}
        return any(value.lower() in have for value in wanted)

    def matches(self, resource, filters, published=None, access=None, skip=None):
        if access is not None and resource["access"] not in access:
            return False
        for field, wanted in filters.items():
            if field != skip and wanted and not self.field_matches(resource, field, wanted):
                return False
        if published:
            low, high = self.published_bounds(published)
            date = resource["published"]
            if date is None or (low and date < low) or (high and date > high):
                return False
        return True

    def select(self, filters, published=None, access=None):
        return sorted(r["id"] for r in self.resources if self.matches(r, filters, published, access))

    def facets(self, filters, published=None, access=None):
        """{field: {value: count}} with disjunctive counting."""
        out = {}
        for field, _ in FIELDS:
            counts = {}
            for resource in self.resources:
                if self.matches(resource, filters, published, access, skip=field):
                    for value in resource["fields"][field]:
                        counts[value] = counts.get(value, 0) + 1
            out[field] = counts
        return out


if __name__ == "__main__":
    corpus = Corpus(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    json.dump({"vocabularies": corpus.vocabularies, "resources": corpus.resources}, sys.stdout, indent=1)
    print()
