#!/usr/bin/python3
"""les_token.py - a token labelled [public, les] does see the les resources.

The other side of non-interference: with the right token (config `tokens:`,
sha256 from `lanternd --hash-token`) the les resources ARE found - each
codeword finds the resource that contains it, /api/doc works for les ids,
/api/related works from them, completions and "did you mean" know their
words, and /api/facets and the totals count them (exactly as the corpus
files say). The same daemon without the token still sees none of it, and
the whole battery answers without a server error and reports the access
in use.
"""
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402
from battery import build_battery, misspell  # noqa: E402


def facet_table(answer):
    """{field: {value: count}} of an /api/facets answer, zero counts left out."""
    return {field: {item["value"]: item["count"] for item in values if item["count"]}
            for field, values in answer.items()}


def main():
    suite = seclib.Suite("security_les_token")
    model, index_a, _ = seclib.prepare(suite, need_b=False)
    restricted_ids = [r.id for r in model.restricted if r.id]
    public_ids = [r.id for r in model.public if r.id]
    token = seclib.new_token()
    digest = suite.hash_token(token)
    config = ("tokens:\n"
              f"  - name: les-analyst\n    sha256: {digest}\n    labels: [public, les]\n")
    daemon = suite.daemon(index_a, config, name="A-les")
    auth = [("Authorization", "Bearer " + token)]
    access = {"identity": "les-analyst", "labels": ["public", "les"]}

    def get(path, params=None, headers=auth):
        return daemon.get(seclib.url(path, params), headers)

    with suite.section("each codeword finds its resource"):
        for word in seclib.CODEWORDS:
            holders = sorted(r.id for r in model.restricted
                             if re.search(r"\b" + re.escape(word.lower()) + r"\b", r.text.lower()))
            suite.check(holders, f"codeword {word} occurs in a restricted resource (corpus model)")
            answer = get("/api/search", [("q", word), ("limit", "100")])
            suite.eq(200, answer.status, f"les token: search {word} answers 200")
            body = answer.json()
            found = sorted(hit["id"] for hit in body["hits"])
            suite.check(set(holders) <= set(found), f"les token: search {word} finds {holders}",
                        f"found {found}")
            suite.eq(access, body.get("access"), f"les token: search {word} reports the access in use")
            anonymous = get("/api/search", [("q", word)], headers=[]).json()
            suite.eq(0, anonymous["totalHits"], f"the same daemon without the token finds nothing for {word}")
            suite.eq({"identity": "anonymous", "labels": ["public"]}, anonymous.get("access"),
                     "without a token the access is anonymous/public")
            # completions and "did you mean" know the word too
            titled = sorted(r.id for r in model.restricted if word.lower() in r.title.lower())
            if titled:
                suggestions = get("/api/suggest", [("q", word[:5])]).json()["suggestions"]
                suite.check(set(titled) <= {s["id"] for s in suggestions},
                            f"les token: /api/suggest?q={word[:5]} completes to the titles with {word}",
                            f"expected {titled}, got {[s['id'] for s in suggestions]}")
            wrong = misspell(word.lower(), 0)
            corrected = get("/api/search", [("q", wrong)]).json().get("suggestion")
            suite.eq(word.lower(), corrected, f"les token: 'did you mean' corrects {wrong} to {word.lower()}")
            wildcard = get("/api/search", [("q", word.lower()[:5] + "*"), ("limit", "100")]).json()
            suite.check(set(holders) <= {hit["id"] for hit in wildcard["hits"]},
                        f"les token: {word.lower()[:5]}* finds {holders}")

    with suite.section("every restricted resource is found by its own words"):
        words = model.words_by_resource()
        found_words = 0
        tried = 0
        for resource in model.restricted:
            hits_for = 0
            for word in words[resource.path][:12]:
                tried += 1
                answer = get("/api/search", [("q", word), ("limit", "100")]).json()
                if resource.id in {hit["id"] for hit in answer["hits"]}:
                    hits_for += 1
                    found_words += 1
            suite.check(hits_for > 0, f"les token: {resource.id} is found by one of its restricted-only words",
                        f"tried {words[resource.path][:12]}")
        suite.log(f"{found_words} of {tried} restricted-only words find their resource "
                  "(the rest are stopwords or stem to a public word)")

    with suite.section("documents, related, totals"):
        for resource in model.restricted:
            answer = get("/api/doc/" + resource.id)
            suite.eq(200, answer.status, f"les token: /api/doc/{resource.id} answers 200")
            if answer.status == 200:
                document = answer.json()
                suite.eq(resource.id, document.get("id"), f"/api/doc/{resource.id} is that resource")
                if resource.title:
                    suite.eq(resource.title, document.get("title"), f"/api/doc/{resource.id} has its title")
                suite.eq("les", (document.get("metadata") or {}).get("access"),
                         f"/api/doc/{resource.id} says access les")
                suite.check("body" not in document, f"/api/doc/{resource.id} has no body")
            anonymous = get("/api/doc/" + resource.id, headers=[])
            suite.eq(404, anonymous.status, f"without the token /api/doc/{resource.id} is 404")
            related = get("/api/related/" + resource.id)
            suite.eq(200, related.status, f"les token: /api/related/{resource.id} answers 200")
        everything = get("/api/search", [("limit", "1000")]).json()
        suite.eq(len(model.resources), everything["totalHits"], "les token: an empty query counts every resource")
        suite.eq(sorted(r.id for r in model.resources), sorted(h["id"] for h in everything["hits"]),
                 "les token: an empty query lists every resource")
        public_only = get("/api/search", [("limit", "1000")], headers=[]).json()
        suite.eq(len(model.public), public_only["totalHits"], "anonymous: an empty query counts public resources")
        health = get("/healthz").json()
        suite.eq(len(model.resources), health.get("documents"), "les token: /healthz counts public + les")
        suite.check("partitions" not in health, "les token (not admin): /healthz has no per-partition figures")

    with suite.section("facets count the les resources"):
        expected_all = model.facet_counts(model.resources)
        expected_public = model.facet_counts(model.public)
        with_token = facet_table(get("/api/facets").json())
        without = facet_table(get("/api/facets", headers=[]).json())
        for field in seclib.FACET_FIELDS:
            suite.eq(expected_all[field], with_token.get(field),
                     f"les token: /api/facets {field} counts public + les resources")
            suite.eq(expected_public[field], without.get(field),
                     f"anonymous: /api/facets {field} counts public resources only")
        distribution = get("/api/search", [("facets", "*"), ("limit", "0")]).json()["facetDistribution"]
        for field in seclib.FACET_FIELDS:
            suite.eq(expected_all[field], distribution.get(field),
                     f"les token: facetDistribution {field} of an empty query counts public + les")
        for publisher in sorted({p for r in model.restricted for p in seclib.values_of(r.meta.get("publisher"))}):
            count = sum(1 for r in model.resources if publisher in seclib.values_of(r.meta.get("publisher")))
            answer = get("/api/search", [("publisher", publisher), ("limit", "0")]).json()
            suite.eq(count, answer["totalHits"], f"les token: publisher filter {publisher!r} counts every resource")

    with suite.section("the whole battery with the les token"):
        # Every other request (the anonymous suite sends them all).
        requests = build_battery(model, public_ids, restricted_ids)[::2]
        errors = 0
        for request in requests:
            answer = daemon.request(request.method, request.path, list(request.headers) + auth)
            if answer.status >= 500 or answer.status == 401:
                errors += 1
                suite.check(False, f"les token: {request.describe()} answered {answer.status}",
                            seclib.short(answer.text, 300))
            if answer.status == 200 and request.label in ("search", "related") and request.method == "GET":
                body = answer.json()
                if body.get("access") != access:
                    suite.check(False, f"les token: {request.describe()} reports access {body.get('access')}")
        suite.check(errors == 0, f"les token: {len(requests)} requests answered without 401 or 5xx")
    daemon.stop()
    suite.finish()


if __name__ == "__main__":
    main()
