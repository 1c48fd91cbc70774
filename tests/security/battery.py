"""battery.py - the requests the security tests send, derived from the corpus.

build_battery(model) returns a list of Request: every endpoint, with the
words that occur only in restricted resources (found, not hard-coded), the
codewords, phrases and titles of restricted resources, prefixes for
completions and trailing-* wildcards, one-edit misspellings (for "did you
mean"), acronyms and their expansions, every filter value, facets, sorts,
pagination, published ranges, related and document ids (public and
restricted), and the static endpoints. The order is fixed, so two daemons
see the same sequence.
"""
import re
import urllib.parse

from seclib import CODEWORDS, FACET_FIELDS, FACET_KEYS, url, values_of


class Request:
    __slots__ = ("method", "path", "headers", "label")

    def __init__(self, method, path, headers=(), label=""):
        self.method = method
        self.path = path
        self.headers = list(headers)
        self.label = label

    def describe(self):
        extra = "".join(f" [{k}: {v if len(str(v)) < 60 else str(v)[:60] + '...'}]" for k, v in self.headers)
        return f"{self.method} {self.path}{extra}"


def misspell(word, variant):
    """A one-edit misspelling of `word` (substitution, deletion, transposition
    or insertion, by `variant`)."""
    middle = len(word) // 2
    kind = variant % 4
    if kind == 0:
        replacement = "e" if word[middle] != "e" else "a"
        return word[:middle] + replacement + word[middle + 1:]
    if kind == 1:
        return word[:middle] + word[middle + 1:]
    if kind == 2 and word[middle - 1] != word[middle]:
        return word[:middle - 1] + word[middle] + word[middle - 1] + word[middle + 1:]
    return word[:middle] + "r" + word[middle:]


def plain_words(text):
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'-]*[A-Za-z]|[A-Za-z]", text)]


def phrases_of(resource, count=5, size=3):
    """`count` runs of `size` consecutive words from the resource's text."""
    words = plain_words(body_text(resource))
    if len(words) < size:
        return []
    step = max(1, (len(words) - size) // count)
    out = []
    for start in range(0, len(words) - size + 1, step):
        out.append(" ".join(words[start:start + size]))
        if len(out) == count:
            break
    return out


def body_text(resource):
    text = resource.text
    if text.lstrip().startswith("---"):
        parts = text.split("\n---", 2)
        text = parts[-1] if len(parts) == 3 else text
    return text


def build_battery(model, public_ids, restricted_ids, word_limit=None):
    """The request sequence. `public_ids`/`restricted_ids`: resource ids."""
    requests = []

    def get(path, params=None, label=""):
        requests.append(Request("GET", url(path, params), (), label))

    def search(params, label="search"):
        get("/api/search", params, label)

    def suggest(q, fmt=None, limit=None):
        params = [("q", q)]
        if fmt:
            params.append(("format", fmt))
        if limit is not None:
            params.append(("limit", str(limit)))
        get("/api/suggest", params, "suggest")

    # ---------------------------------------------------------------- static
    get("/healthz", label="healthz")
    get("/opensearch.xml", label="opensearch")
    get("/", label="page")
    get("/index.html", label="page")
    get("/assets/app.js", label="asset")
    get("/assets/style.css", label="asset")
    get("/assets/missing.js", label="asset")
    get("/no/such/endpoint", label="other")
    requests.append(Request("OPTIONS", "/api/search", (), "options"))
    requests.append(Request("HEAD", url("/api/search", [("q", "Nightjar")]), (), "head"))
    requests.append(Request("HEAD", "/api/doc/" + (restricted_ids[0] if restricted_ids else "x"), (), "head"))
    requests.append(Request("POST", "/api/search", (), "post"))
    get("/api/facets", label="facets")
    get("/api/facets", [("x", "1")], "facets")

    # ---------------------------------------------------------------- codewords
    for word in CODEWORDS:
        for form in (word, word.lower(), word.upper()):
            search([("q", form)])
        search([("q", word), ("facets", "*")])
        search([("q", word), ("all", "true"), ("limit", "0"), ("facets", "*")])
        search([("q", "title:" + word.lower())])
        search([("q", "summary:" + word.lower())])
        search([("q", word.lower()[:4] + "*")])
        search([("q", word.lower() + "*")])
        search([("q", '"operation ' + word.lower() + '"')])
        for variant in range(4):
            search([("q", misspell(word.lower(), variant))])
        search([("q", "trafficking " + misspell(word.lower(), 0))])
        for length in range(1, len(word) + 1):
            suggest(word[:length], "opensearch" if length % 2 else None)
        suggest(word.lower() + " ")
        suggest("operation " + word.lower()[:3])

    # ---------------------------------------------------------------- restricted-only words
    words = model.restricted_only_words
    if word_limit and len(words) > word_limit:
        step = len(words) / word_limit
        words = [words[int(i * step)] for i in range(word_limit)]
    for number, word in enumerate(words):
        params = [("q", word)]
        if number % 4 == 0:
            params.append(("facets", "*"))
        if number % 4 == 1:
            params.append(("all", "true"))
        search(params)
        if len(word) >= 4:
            search([("q", word[:max(3, len(word) - 2)] + "*")])
            suggest(word[:max(2, len(word) - 1 - number % 3)], "opensearch" if number % 2 else None)
            search([("q", misspell(word, number))])
        else:
            suggest(word)

    # ---------------------------------------------------------------- phrases and titles
    for resource in model.restricted:
        for phrase in phrases_of(resource):
            search([("q", '"' + phrase + '"')])
            search([("q", phrase), ("all", "true")])
        title = resource.title
        if title:
            search([("q", title)])
            search([("q", '"' + title.replace('"', "") + '"')])
            search([("q", "title:" + plain_words(title)[0].lower())])
            title_words = plain_words(title)
            suggest(" ".join(title_words[:2]))
            if len(title_words) > 1:
                suggest(title_words[0] + " " + title_words[1][:3], "opensearch")
            suggest(title[:12])
        summary = str(resource.meta.get("summary") or "")
        if summary:
            search([("q", " ".join(plain_words(summary)[:8]))])
        if getattr(resource, "id", None):
            search([("q", "id:" + resource.id)])
            search([("q", resource.id)])
            search([("q", resource.path)])

    # ---------------------------------------------------------------- acronyms and synonyms
    for group in model.synonyms:
        for member in group:
            search([("q", member)])
            if " " in member:
                search([("q", '"' + member + '"'), ("facets", "*")])
        search([("q", group[0] + " " + (CODEWORDS[len(group[0]) % len(CODEWORDS)]).lower())])
    for text in ("les", "LES", "law enforcement sensitive", "law-enforcement sensitive",
                 "restricted", "access:les", "access les", "confidential", "undercover", "sensitive"):
        search([("q", text), ("facets", "*")])

    # ---------------------------------------------------------------- operators and fields
    restricted_publishers = sorted({p for r in model.restricted for p in values_of(r.meta.get("publisher"))})
    for text in ("trafficking OR Nightjar", "trafficking AND Nightjar", "trafficking NOT Nightjar",
                 "trafficking -Nightjar", "+Nightjar", "Nightjar NEAR operation", "operation ADJ nightjar",
                 "(Tamarack OR Bittern) AND deconfliction", "type:video", "type:training-course",
                 "year:2024", "year:2023", "year:2022", "format:yaml", "format:md",
                 "published:20240101..20241231", "published:2024-02-26..2024-02-26",
                 "updated:20240101..20241231", "language:en", "topic:investigations",
                 "agency_size:large", "resource_level:high", "audience:investigator",
                 "publisher:lantern", "publisher:intelligence", "publisher:\"working group\"",
                 "id:les", "id:les*", "les*", "op*", "undercov*", "operation*", "phal*",
                 "video Phalarope", "debrief", "after-action", "task force", "*", "\"\"", "()"):
        search([("q", text)])
        search([("q", text), ("facets", "*"), ("limit", "0")])
    for publisher in restricted_publishers:
        search([("q", publisher)])
        search([("q", '"' + publisher + '"')])
        search([("publisher", publisher), ("facets", "*")])
        suggest(publisher[:10])

    # ---------------------------------------------------------------- filters and facets
    for field in FACET_FIELDS:
        key = FACET_KEYS.get(field, field)
        values = list(model.vocabulary.get(key, {}).keys())
        if not values:  # language, publisher: what the resources say
            values = sorted({v for r in model.resources for v in r.facet_values(field, model.vocabulary)})
        for value in values + ["all"]:
            search([(field, value), ("facets", "*")])
            search([(field, value), ("q", "operation"), ("facets", field), ("limit", "3")])
        search([(field, values[0]), (field, values[-1]), ("facets", "*"), ("limit", "0")])
        search([(field, "nightjar")])  # unknown value: the "did you mean" comes from the vocabulary
        search([("facets", field)])
    for combination in ([("agency_type", "urban"), ("agency_size", "large"), ("resource_level", "high")],
                        [("audience", "investigator"), ("audience", "supervisor"), ("topic", "investigations")],
                        [("type", "video"), ("type", "training-course"), ("topic", "vice")],
                        [("delivery", "in-person"), ("type", "training-course")]):
        search(combination + [("facets", "*")])
        search(combination + [("facets", "*"), ("q", "operation")])
        search(combination + [("facets", "*"), ("sort", "date")])
    dates = sorted({str(r.meta.get("published")) for r in model.restricted if r.meta.get("published")})
    for published in dates + [d[:4] for d in dates] + [d[:7] for d in dates] + \
            ["2022..2024", "..2020", "2024-02..", "2023-01-01..2023-12-31", "2025.."]:
        search([("published", published), ("facets", "*")])
        search([("published", published), ("sort", "date"), ("limit", "20")])

    # ---------------------------------------------------------------- sorts and pagination
    for text in ("", "trafficking", "operation", "undercover", "investigator", "training"):
        for order in ("relevance", "date", "title"):
            for offset in range(0, 80, 10):
                search([("q", text), ("sort", order), ("offset", str(offset)), ("limit", "10")])
        search([("q", text), ("limit", "1000"), ("facets", "*")])
        search([("q", text), ("limit", "0"), ("facets", "*")])
        search([("q", text), ("offset", "9990"), ("limit", "10")])
    for bad in ([("sort", "bogus")], [("limit", "abc")], [("offset", "-1")], [("limit", "1001")],
                [("q", "a"), ("q", "b")], [("nightjar", "1")], [("all", "maybe")],
                [("published", "2024-13")], [("facets", "nightjar")], [("q", "(" * 20 + "x")]):
        search(bad, "search-bad")

    # ---------------------------------------------------------------- related and documents
    unknown = ["no-such-resource", "les/no-such-resource", "LES", "les", "public", "..", "%00"]
    for identifier in public_ids:
        get("/api/related/" + identifier, None, "related")
    for identifier in public_ids[::6]:
        get("/api/related/" + identifier, [("facets", "*"), ("limit", "20")], "related")
        get("/api/related/" + identifier, [("type", "video"), ("facets", "type")], "related")
    for identifier in restricted_ids:
        get("/api/related/" + identifier, None, "related")
        get("/api/related/" + identifier, [("facets", "*")], "related")
        get("/api/related/" + identifier, [("q", "x")], "related")
    for identifier in unknown:
        get("/api/related/" + identifier, None, "related")
    for identifier in public_ids + restricted_ids:
        get("/api/doc/" + identifier, None, "doc")
    for identifier in restricted_ids + public_ids[:3]:
        get("/api/doc/" + identifier.upper(), None, "doc")
        get("/api/doc/" + identifier + "/", None, "doc")
        get("/api/doc/" + urllib.parse.quote(identifier, safe=""), None, "doc")
        get("/api/doc/" + identifier + ".md", None, "doc")
        get("/api/doc/./" + identifier, None, "doc")
        get("/api/doc/" + identifier, [("x", "1")], "doc")
    for identifier in unknown:
        get("/api/doc/" + identifier, None, "doc")

    get("/api/facets", label="facets")
    get("/opensearch.xml", label="opensearch")
    return requests
