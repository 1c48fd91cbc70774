#!/usr/bin/python3
"""test_endpoints.py - every lanternd endpoint over real HTTP.

Builds an index of corpus/, starts lanternd on a free loopback port and
checks status, Content-Type and body shape of /api/search (filters, facets,
sorting, paging), /api/suggest, /api/doc, /api/related, /api/facets,
/healthz, /metrics, /opensearch.xml, the page and its assets, CORS (with a
second daemon configured with cors_origins) and HTTP/1.1 keep-alive.
Expected counts come from tests/query/corpus_model.py (the corpus files
read by the documented rules), never from lantern's code.
"""
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ElementTree

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import CORPUS_DIR, FACET_FIELDS, LES_CODEWORDS, SOURCE_DIR, Harness  # noqa: E402

h = Harness("daemon_endpoints")
index = h.build_index()
model = h.corpus_model()
PUBLIC = {"public"}
public_ids = set(model.select({}, access=PUBLIC))
les_ids = sorted(r["id"] for r in model.resources if r["access"] == "les")
d = h.start_daemon(index)

HIT_FIELDS = ["id", "title", "url", "path", "type", "metadata", "snippet", "score"]


def q(path, **params):
    """path?params (lists repeat the key)."""
    return path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")


def search(message, status=200, **params):
    r = d.get(q("/api/search", **params))
    return r, h.json_response(r, message, status)


def date_key(text):
    digits = (text or "").replace("-", "")
    return digits.ljust(8, "0") if digits.isdigit() else ""


# ---------------------------------------------------------------- /api/search
with h.section("search: response shape"):
    r, body = search("search q=trafficking", q="trafficking", limit=5)
    h.check(r.header("X-Content-Type-Options") == "nosniff", "search: X-Content-Type-Options: nosniff", r.headers)
    h.check("no-store" in (r.header("Cache-Control") or ""), "search: Cache-Control no-store", r.headers)
    for key in ["hits", "totalHits", "totalHitsExact", "facetDistribution", "suggestion",
                "processingTimeMs", "request", "query", "offset", "limit"]:
        h.check(key in body, f"search response has '{key}'", sorted(body))
    h.check(isinstance(body["hits"], list) and len(body["hits"]) == 5, "search limit=5 gives 5 hits",
            len(body.get("hits", [])))
    h.check(isinstance(body["totalHits"], int) and body["totalHits"] >= 5, "totalHits is a count >= 5",
            body["totalHits"])
    h.check(isinstance(body["totalHitsExact"], bool), "totalHitsExact is a boolean", body["totalHitsExact"])
    h.check(isinstance(body["facetDistribution"], dict), "facetDistribution is an object")
    h.check(body["suggestion"] is None or isinstance(body["suggestion"], str), "suggestion is null or text")
    h.check(isinstance(body["processingTimeMs"], (int, float)) and body["processingTimeMs"] >= 0,
            "processingTimeMs is a number", body["processingTimeMs"])
    echo = body["request"]
    h.eq("trafficking", echo.get("q"), "request echo: q")
    h.eq(5, echo.get("limit"), "request echo: limit")
    h.eq(0, echo.get("offset"), "request echo: offset")
    h.eq("relevance", echo.get("sort"), "request echo: sort")
    h.eq({"identity": "anonymous", "labels": ["public"]}, body.get("access"),
         "the response says what was searched: anonymous, public")
    scores = []
    for hit in body["hits"]:
        for key in HIT_FIELDS:
            h.check(key in hit, f"hit has '{key}'", sorted(hit))
        h.check(hit.get("id") in public_ids, "hit id is a public resource", hit.get("id"))
        h.check(isinstance(hit.get("title"), str) and hit["title"], "hit title is text", hit.get("title"))
        h.check(hit.get("url") is None or isinstance(hit["url"], str), "hit url is null or text")
        h.check(isinstance(hit.get("path"), str), "hit path is text")
        h.check(isinstance(hit.get("metadata"), dict) and hit["metadata"].get("type") == hit.get("type"),
                "hit metadata is an object whose type is the hit's type", hit.get("metadata"))
        h.check(isinstance(hit.get("snippet"), str) and "<mark>" in hit["snippet"],
                "hit snippet is HTML with the match marked", hit.get("snippet"))
        h.check(isinstance(hit.get("score"), (int, float)), "hit score is a number", hit.get("score"))
        scores.append(hit.get("score", 0))
    h.check(scores == sorted(scores, reverse=True), "relevance order: scores non-increasing", scores)

with h.section("search: HEAD"):
    r = d.request("HEAD", q("/api/search", q="trafficking"))
    h.eq(200, r.status, "HEAD /api/search status")
    h.eq(b"", r.body, "HEAD has no body")
    h.check(r.content_type.startswith("application/json"), "HEAD keeps the Content-Type", r.content_type)

with h.section("search: repeated filter is OR, different filters AND"):
    counts = {}
    for value in ["tribal", "rural"]:
        r, body = search(f"agency_type={value}", agency_type=value, limit=0)
        counts[value] = body["totalHits"]
        h.eq(len(model.select({"agency_type": [value]}, access=PUBLIC)), body["totalHits"],
             f"agency_type={value}: totalHits matches the corpus")
    r, body = search("agency_type=tribal&agency_type=rural", agency_type=["tribal", "rural"], limit=100)
    expected = model.select({"agency_type": ["tribal", "rural"]}, access=PUBLIC)
    h.eq(len(expected), body["totalHits"], "tribal OR rural: totalHits matches the corpus")
    h.eq(expected, sorted(hit["id"] for hit in body["hits"]), "tribal OR rural: the hit ids")
    h.check(body["totalHits"] >= max(counts.values()), "OR gives at least as many as either value",
            (counts, body["totalHits"]))
    h.eq(["rural", "tribal"], sorted(body["request"]["filters"].get("agency_type", [])),
         "request echo lists both filter values")
    r, body = search("agency_type=tribal&resource_level=high", agency_type="tribal",
                     resource_level="high", limit=100)
    expected = model.select({"agency_type": ["tribal"], "resource_level": ["high"]}, access=PUBLIC)
    h.eq(expected, sorted(hit["id"] for hit in body["hits"]), "tribal AND high: the hit ids")
    r, body = search("type=video&topic=labor-trafficking&audience=trainer", type=["video", "toolkit"],
                     audience="trainer", limit=100)
    expected = model.select({"type": ["video", "toolkit"], "audience": ["trainer"]}, access=PUBLIC)
    h.eq(expected, sorted(hit["id"] for hit in body["hits"]), "(video OR toolkit) AND trainer: the hit ids")
    r, body = search("empty filter value means any", agency_type="", limit=0)
    h.eq(len(public_ids), body["totalHits"], "agency_type= (empty) filters nothing")

with h.section("search: facets"):
    everything = model.facets({}, access=PUBLIC)
    r, body = search("facets=agency_type,resource_level", facets="agency_type,resource_level", limit=0)
    distribution = body["facetDistribution"]
    h.eq(["agency_type", "resource_level"], sorted(distribution), "only the two requested facet fields")
    for field in ["agency_type", "resource_level"]:
        h.eq(everything[field], distribution.get(field), f"facet counts of {field} match the corpus")
    r, body = search("facets=*", facets="*", limit=0)
    distribution = body["facetDistribution"]
    h.check(set(distribution) <= set(FACET_FIELDS), "facets=* gives only facet fields", sorted(distribution))
    for field in FACET_FIELDS:
        expected = {k: v for k, v in everything[field].items() if v}
        h.eq(expected, distribution.get(field, {}), f"facets=*: counts of {field} match the corpus")
    # Disjunctive: a filtered field's counts ignore its own filter.
    r, body = search("facets with a filter", agency_type="tribal", facets="agency_type,type", limit=0)
    expected = model.facets({"agency_type": ["tribal"]}, access=PUBLIC)
    for field in ["agency_type", "type"]:
        h.eq({k: v for k, v in expected[field].items() if v}, body["facetDistribution"].get(field),
             f"disjunctive facet counts of {field} under agency_type=tribal")
    r, body = search("no facets by default", q="trafficking")
    h.eq({}, body["facetDistribution"], "no facets unless asked")

with h.section("search: limit=0 gives counts only"):
    r, body = search("limit=0", q="trafficking", limit=0, facets="type")
    h.eq([], body["hits"], "limit=0: no hits")
    h.check(body["totalHits"] > 0, "limit=0: totalHits still counted", body["totalHits"])
    h.check(sum(body["facetDistribution"].get("type", {}).values()) >= body["totalHits"],
            "limit=0: facets still counted", body["facetDistribution"])
    r, body = search("no query, no filter", limit=0)
    h.eq(len(public_ids), body["totalHits"], "an empty search counts every public resource")

with h.section("search: sort=date and sort=title"):
    r, body = search("sort=date", sort="date", limit=100)
    h.eq(len(public_ids), len(body["hits"]), "sort=date lists every public resource")
    h.eq("date", body["request"].get("sort"), "request echo: sort=date")
    dates = [date_key(hit["metadata"].get("published")) for hit in body["hits"]]
    dated = [x for x in dates if x]
    h.check(dated == sorted(dated, reverse=True), "sort=date: newest first", dates)
    h.check(dates[:len(dated)] == dated, "sort=date: undated resources last", dates)
    r, body = search("sort=title", sort="title", limit=100)
    titles = [hit["title"].lower() for hit in body["hits"]]
    h.eq(len(public_ids), len(titles), "sort=title lists every public resource")
    h.check(titles == sorted(titles), "sort=title: A-Z (case-insensitive)",
            [(a, b) for a, b in zip(titles, titles[1:]) if a > b][:3])
    r, body = search("sort=date with a query", q="training", sort="date", limit=20)
    dates = [date_key(hit["metadata"].get("published")) for hit in body["hits"] if hit["metadata"].get("published")]
    h.check(dates == sorted(dates, reverse=True), "sort=date applies to a text query too", dates)

with h.section("search: offset paging"):
    r, whole = search("limit=15", q="child trafficking", limit=15)
    pages = []
    totals = set()
    for offset in (0, 5, 10):
        r, page = search(f"offset={offset}", q="child trafficking", limit=5, offset=offset)
        pages += [hit["id"] for hit in page["hits"]]
        totals.add(page["totalHits"])
        h.eq(offset, page["offset"], f"offset echo {offset}")
    h.eq([hit["id"] for hit in whole["hits"]], pages, "three pages of 5 = the first 15")
    h.eq(len(pages), len(set(pages)), "no resource on two pages")
    h.eq({whole["totalHits"]}, totals, "totalHits is the same on every page")
    r, page = search("offset past the end", q="child trafficking", offset=whole["totalHits"], limit=5)
    h.eq([], page["hits"], "offset past the last hit: no hits")

with h.section("search: all=true narrows"):
    r, any_words = search("all=false", q="tribal rural training", limit=0)
    r, all_words = search("all=true", q="tribal rural training", limit=0, all="true")
    h.check(all_words["totalHits"] <= any_words["totalHits"], "all=true matches no more than all=false",
            (all_words["totalHits"], any_words["totalHits"]))
    h.eq(True, all_words["request"].get("allWords"), "request echo: allWords")

with h.section("search: published range"):
    r, body = search("published=2019..2020", published="2019..2020", limit=100)
    expected = model.select({}, published="2019..2020", access=PUBLIC)
    h.eq(expected, sorted(hit["id"] for hit in body["hits"]), "published=2019..2020: the hit ids")

with h.section("search: spelling suggestion"):
    r, body = search("traficking", q="traficking", limit=0)
    h.eq("trafficking", body["suggestion"], "did you mean 'trafficking'")

with h.section("search: LES resources are invisible"):
    for word in LES_CODEWORDS:
        r, body = search(f"q={word}", q=word.lower(), facets="*")
        h.eq(0, body["totalHits"], f"search for LES codeword {word} finds nothing")
        r, body = search(f"q={word[:-1]}", q=word.lower()[:-1], limit=0)
        h.check(not body["suggestion"] or word.lower() not in body["suggestion"].lower(),
                f"no 'did you mean' leads to {word}", body["suggestion"])
        r = d.get(q("/api/suggest", q=word.lower()[:5]))
        h.not_contains(r.text.lower(), word.lower(), f"suggest does not reveal {word}")

# ---------------------------------------------------------------- /api/suggest
with h.section("suggest"):
    r = d.get(q("/api/suggest", q="traff"))
    body = h.json_response(r, "suggest q=traff")
    h.eq("traff", body.get("query"), "suggest echoes the query")
    suggestions = body.get("suggestions", [])
    h.check(0 < len(suggestions) <= 10, "suggest gives 1..10 suggestions", len(suggestions))
    titles = [s.get("title", "") for s in suggestions]
    for s in suggestions:
        for key in ["id", "title", "type", "url"]:
            h.check(key in s, f"suggestion has '{key}'", s)
        h.check(s.get("id") in public_ids, "suggestion is a public resource", s.get("id"))
        h.check(re.search(r"\btraff", s.get("title", ""), re.I), "suggested title has a word starting 'traff'",
                s.get("title"))
    h.check(any("trafficking" in t.lower() for t in titles), "a suggested title contains 'trafficking'", titles)
    r = d.get(q("/api/suggest", q="traff", format="opensearch"))
    body = h.json_response(r, "suggest format=opensearch")
    h.check(isinstance(body, list) and len(body) == 2 and body[0] == "traff" and isinstance(body[1], list),
            'opensearch format is ["q", [titles]]', body)
    if isinstance(body, list) and len(body) == 2:
        h.eq(titles, body[1], "opensearch titles = the JSON format's titles")
        h.check(all(isinstance(t, str) for t in body[1]), "opensearch suggestions are strings", body[1])
    r = d.get(q("/api/suggest", q="child sex traff", limit=3))
    body = h.json_response(r, "suggest limit=3")
    h.check(len(body.get("suggestions", [])) <= 3, "suggest limit=3 gives at most 3", body)
    r = d.get(q("/api/suggest", q=""))
    body = h.json_response(r, "suggest q=''")
    h.eq([], body.get("suggestions"), "an empty query suggests nothing")
    r = d.get(q("/api/suggest", q="traff", format="opensearch", limit=11))
    h.problem(r, 400, "suggest limit=11", "limit")

# ---------------------------------------------------------------- /api/doc
with h.section("doc"):
    some_id = "legal/trafficking-victims-protection-act-overview"
    h.check(some_id in public_ids, "the chosen resource is public in the corpus", some_id)
    r = d.get("/api/doc/" + some_id)
    body = h.json_response(r, "doc of a public id")
    h.eq(some_id, body.get("id"), "doc id")
    for key in ["title", "type", "summary", "url", "path", "metadata"]:
        h.check(key in body, f"doc has '{key}'", sorted(body))
    h.eq(model.by_id(some_id)["title"][0], body.get("title"), "doc title is the corpus title")
    h.eq("public", body.get("metadata", {}).get("access"), "doc metadata access is public")
    h.not_contains(body, "body", "doc has no full text")
    unknown = d.get("/api/doc/no/such-resource")
    h.problem(unknown, 404, "doc of an unknown id")
    for les_id in les_ids:
        r = d.get("/api/doc/" + les_id)
        h.eq(404, r.status, f"doc of LES {les_id}: 404")
        h.eq(unknown.body, r.body, f"doc of LES {les_id}: the same body as an unknown id")
        h.eq(unknown.content_type, r.content_type, f"doc of LES {les_id}: the same Content-Type")
    h.eq(len(les_ids), 9, "the corpus has 9 LES resources")
    r = d.get(q("/api/doc/" + some_id, fields="title"))
    h.problem(r, 400, "doc with a parameter")

# ---------------------------------------------------------------- /api/related
with h.section("related"):
    some_id = "legal/trafficking-victims-protection-act-overview"
    r = d.get(q("/api/related/" + some_id, limit=5))
    body = h.json_response(r, "related of a public id")
    hits = body.get("hits", [])
    h.check(0 < len(hits) <= 5, "related gives 1..5 hits", len(hits))
    h.check(all(hit["id"] != some_id for hit in hits), "related does not list the resource itself",
            [hit["id"] for hit in hits])
    h.check(all(hit["id"] in public_ids for hit in hits), "related lists public resources only")
    for hit in hits:
        for key in HIT_FIELDS:
            h.check(key in hit, f"related hit has '{key}'", sorted(hit))
    h.eq(some_id, body.get("request", {}).get("related"), "request echo: related")
    r = d.get(q("/api/related/" + some_id, type="video", limit=20))
    body = h.json_response(r, "related with type=video")
    h.check(all(hit["type"] == "video" for hit in body.get("hits", [])), "related honours filters",
            [hit["type"] for hit in body.get("hits", [])])
    unknown = d.get("/api/related/no/such-resource")
    h.problem(unknown, 404, "related of an unknown id")
    for les_id in les_ids:
        r = d.get("/api/related/" + les_id)
        h.eq(404, r.status, f"related of LES {les_id}: 404")
        h.eq(unknown.body.replace(b"no/such-resource", b"ID"), r.body.replace(les_id.encode(), b"ID"),
             f"related of LES {les_id}: the same answer as an unknown id")
    r = d.get(q("/api/related/" + some_id, q="x"))
    h.problem(r, 400, "related with q")

# ---------------------------------------------------------------- /api/facets
with h.section("facets"):
    import yaml  # PyYAML, only for the labels in schema.yaml
    with open(os.path.join(CORPUS_DIR, "schema.yaml"), encoding="utf-8") as handle:
        vocabularies = yaml.safe_load(handle)["vocabularies"]
    r = d.get("/api/facets")
    body = h.json_response(r, "/api/facets")
    h.eq(sorted(FACET_FIELDS), sorted(body), "/api/facets lists every facet field")
    everything = model.facets({}, access=PUBLIC)
    schema_key = {"topic": "topics"}
    for field in FACET_FIELDS:
        items = body.get(field, [])
        h.check(all(set(item) >= {"value", "label", "count"} for item in items),
                f"/api/facets {field}: items have value, label, count", items[:2])
        counts = {item["value"]: item["count"] for item in items if item.get("count")}
        h.eq({k: v for k, v in everything[field].items() if v}, counts, f"/api/facets {field}: counts")
        vocabulary = vocabularies.get(schema_key.get(field, field))
        if vocabulary:
            h.eq(list(vocabulary), [item["value"] for item in items], f"/api/facets {field}: schema order")
            h.eq([vocabulary[v] for v in vocabulary], [item["label"] for item in items],
                 f"/api/facets {field}: labels from schema.yaml")
    h.not_contains(r.text, "Lantern Regional Intelligence Working Group",
                   "/api/facets does not list a publisher of LES resources only")
    r = d.get("/api/facets?type=video")
    h.problem(r, 400, "/api/facets with a parameter")

# ---------------------------------------------------------------- /healthz
with h.section("healthz"):
    r = d.get("/healthz")
    body = h.json_response(r, "/healthz")
    h.eq("ok", body.get("status"), "/healthz status ok")
    h.eq(len(public_ids), body.get("documents"), "/healthz counts the public documents only")
    h.check(isinstance(body.get("generation"), str) and body["generation"], "/healthz names the generation", body)
    h.check(isinstance(body.get("version"), str) and body["version"], "/healthz gives the version", body)
    h.not_contains(r.text, "les", "/healthz says nothing about other partitions")

# ---------------------------------------------------------------- /metrics
SECRET = "quokkazanzibar"
with h.section("metrics"):
    for path in [q("/api/search", q=SECRET), q("/api/search", q=f'title:{SECRET} "{SECRET} phrase"'),
                 q("/api/suggest", q=SECRET), "/api/doc/" + SECRET, "/api/related/" + SECRET,
                 q("/api/search", publisher=SECRET), q("/api/search", **{SECRET: "1"}), "/" + SECRET]:
        d.get(path)
    r = d.get("/metrics")
    h.eq(200, r.status, "/metrics status")
    h.check(r.content_type.startswith("text/plain") and "version=0.0.4" in r.content_type,
            "/metrics Content-Type is Prometheus text 0.0.4", r.content_type)
    text = r.text
    h.not_contains(text.lower(), SECRET, "no query text anywhere in /metrics")
    for word in LES_CODEWORDS:
        h.not_contains(text.lower(), word.lower(), f"/metrics does not mention {word}")
    sample = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="[^"\\\n]*",?)*\})? '
                        r'[-+]?([0-9.]+([eE][-+]?[0-9]+)?|Inf|NaN)$')
    bad = [line for line in text.splitlines()
           if line and not line.startswith("# HELP ") and not line.startswith("# TYPE ") and not sample.match(line)]
    h.eq([], bad, "every /metrics line is a Prometheus sample or comment")
    values = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    search_ok = values.get('lantern_http_requests_total{endpoint="search",status="200"}', 0)
    h.check(search_ok >= 10, "requests counted by endpoint and status (search 200)", search_ok)
    h.check(values.get('lantern_http_requests_total{endpoint="search",status="400"}', 0) >= 1,
            "search 400 counted", [k for k in values if "requests_total" in k])
    h.check(values.get('lantern_http_requests_total{endpoint="doc",status="404"}', 0) >= 10,
            "doc 404 counted", [k for k in values if "requests_total" in k])
    h.check(values.get('lantern_http_requests_total{endpoint="other",status="404"}', 0) >= 1,
            "unknown paths counted under endpoint=\"other\"", [k for k in values if "requests_total" in k])
    h.contains(text, "# TYPE lantern_http_requests_total counter", "requests_total is a counter")
    h.contains(text, "# TYPE lantern_http_request_duration_seconds histogram", "duration is a histogram")
    buckets = [(k, v) for k, v in values.items()
               if k.startswith('lantern_http_request_duration_seconds_bucket{endpoint="search",')]
    h.check(len(buckets) >= 5, "search latency histogram has buckets", buckets)
    running = [v for _, v in buckets]
    h.check(running == sorted(running), "histogram buckets are cumulative", buckets)
    inf = values.get('lantern_http_request_duration_seconds_bucket{endpoint="search",le="+Inf"}')
    h.eq(values.get('lantern_http_request_duration_seconds_count{endpoint="search"}'), inf,
         "+Inf bucket = _count")
    h.check('lantern_http_request_duration_seconds_sum{endpoint="search"}' in values, "histogram has _sum")
    h.eq(float(len(public_ids)), values.get("lantern_indexed_documents"),
         "lantern_indexed_documents = public documents")
    h.check(any(k.startswith("lantern_build_info{version=") and v == 1 for k, v in values.items()),
            "lantern_build_info{version=...} 1", [k for k in values if "build" in k])

# ---------------------------------------------------------------- /opensearch.xml
with h.section("opensearch.xml"):
    r = d.get("/opensearch.xml")
    h.eq(200, r.status, "/opensearch.xml status")
    h.check(r.content_type.startswith("application/opensearchdescription+xml"),
            "/opensearch.xml Content-Type", r.content_type)
    ns = "{http://a9.com/-/spec/opensearch/1.1/}"
    root = ElementTree.fromstring(r.body)
    h.eq(ns + "OpenSearchDescription", root.tag, "root element")
    urls = {u.get("type"): u.get("template") for u in root.findall(ns + "Url")}
    suggest = urls.get("application/x-suggestions+json", "")
    base = f"http://127.0.0.1:{d.port}"
    h.eq(f"{base}/api/suggest?format=opensearch&q={{searchTerms}}", suggest, "the suggestions URL")
    h.eq(f"{base}/?q={{searchTerms}}", urls.get("text/html"), "the search page URL")
    # The suggestions URL really answers.
    path = suggest[len(base):].replace("{searchTerms}", "traff")
    body = h.json_response(d.get(path), "the advertised suggestions URL")
    h.check(isinstance(body, list) and body and body[0] == "traff", "advertised URL gives opensearch JSON", body)
    # A hostile Host header is not reflected into the XML.
    r = d.get("/opensearch.xml", headers={"Host": 'evil.example"><x'})
    h.check(r.status == 200 and b"evil.example\"" not in r.body and b"<x" not in r.body,
            "a hostile Host header is not reflected", r.body[:400])
    ElementTree.fromstring(r.body)

# ---------------------------------------------------------------- page and assets
with h.section("page and assets"):
    r = d.get("/")
    h.eq(200, r.status, "/ status")
    h.check(r.content_type.startswith("text/html"), "/ is HTML", r.content_type)
    h.check("default-src 'self'" in (r.header("Content-Security-Policy") or ""), "/ has a CSP", r.headers)
    h.contains(r.text.lower(), "<html", "/ is a page")
    h.contains(r.text, "app.js", "/ loads app.js")
    r = d.get("/assets/app.js")
    h.eq(200, r.status, "/assets/app.js status")
    h.check(r.content_type.startswith("text/javascript"), "/assets/app.js Content-Type", r.content_type)
    with open(os.path.join(SOURCE_DIR, "query", "web", "app.js"), "rb") as handle:
        h.eq(handle.read(), r.body, "/assets/app.js is query/web/app.js")
    r = d.get("/assets/style.css")
    h.eq(200, r.status, "/assets/style.css status")
    h.check(r.content_type.startswith("text/css"), "/assets/style.css Content-Type", r.content_type)
    h.problem(d.get("/assets/nothing.js"), 404, "unknown asset")

# ---------------------------------------------------------------- CORS
with h.section("CORS"):
    r = d.get("/healthz", headers={"Origin": "https://portal.example"})
    h.eq(None, r.header("Access-Control-Allow-Origin"), "no CORS without cors_origins")
    config = h.write(os.path.join(h.tmp, "cors.yaml"), 'cors_origins: ["https://portal.example"]\n')
    cors = h.start_daemon(index, config=config, name="lanternd-cors")
    for path in ["/api/search?q=trafficking", "/api/suggest?q=traff", "/healthz"]:
        r = cors.get(path, headers={"Origin": "https://portal.example"})
        h.eq(200, r.status, f"CORS {path}: status")
        h.eq("https://portal.example", r.header("Access-Control-Allow-Origin"),
             f"CORS {path}: the allowed origin gets Access-Control-Allow-Origin")
        h.check("origin" in (r.header("Vary") or "").lower(), f"CORS {path}: Vary: Origin", r.headers)
        r = cors.get(path, headers={"Origin": "https://evil.example"})
        h.eq(200, r.status, f"CORS {path} other origin: status")
        h.eq(None, r.header("Access-Control-Allow-Origin"), f"CORS {path}: another origin gets no ACAO")
    r = cors.request("OPTIONS", "/api/search", headers={"Origin": "https://portal.example",
                                                        "Access-Control-Request-Method": "GET"})
    h.eq(204, r.status, "preflight: 204")
    methods = r.header("Access-Control-Allow-Methods") or ""
    h.check("GET" in methods, "preflight: Access-Control-Allow-Methods has GET", r.headers)
    h.eq("https://portal.example", r.header("Access-Control-Allow-Origin"), "preflight: ACAO")
    h.eq(b"", r.body, "preflight: no body")
    r = cors.request("OPTIONS", "/api/search", headers={"Origin": "https://evil.example",
                                                        "Access-Control-Request-Method": "GET"})
    h.eq(None, r.header("Access-Control-Allow-Origin"), "preflight from another origin: no ACAO")
    h.eq(0, cors.stop(), "the CORS daemon stops cleanly")

# ---------------------------------------------------------------- HTTP/1.1
with h.section("HTTP/1.1 keep-alive"):
    import http.client
    connection = http.client.HTTPConnection("127.0.0.1", d.port, timeout=10)
    try:
        statuses, connection_headers = [], []
        for path in ["/healthz", "/api/search?q=trafficking&limit=1", "/api/facets"]:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
            connection_headers.append(response.getheader("Connection"))
            if response.will_close:
                break
        h.eq([200, 200, 200], statuses,
             "three GETs on one HTTP/1.1 connection (persistent connections; got Connection: "
             f"{connection_headers})")
    finally:
        connection.close()

with h.section("still healthy"):
    h.eq(200, d.get("/healthz").status, "/healthz at the end")
    h.eq(0, d.stop(), "lanternd exits 0 on SIGTERM")
h.finish()
