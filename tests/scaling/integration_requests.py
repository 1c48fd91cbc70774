"""integration_requests.py - the requests the scale-out tests ask of one index
and of its shards, as request dicts (members as in answers.c: q, all,
filters, published, sort, offset, limit, facets, related).

They cover what a split index could get wrong: collection statistics
(scores, so order), totals, facet counts (counted in their own pass on remote
shards), disjunctive facets, the spelling dictionary and synonyms (from the
local dictionary when shards are remote), sort keys, paging across shard
boundaries, filter-only searches and relevance feedback ("related").

KNOWN maps a request's "known" tag to the part of the answer that Xapian 1.4
computes differently on a split index (docs/scaling.md, "What differs"): the
scale-out tests compare those parts loosely, report the difference, and fail
on it only with LANTERN_SCALING_STRICT=1.
"""

KNOWN = {
    # OP_WILDCARD is expanded per shard and its OP_SYNONYM statistics are
    # estimated per shard: the same documents match, with other scores (so
    # /api/suggest, whose last word is a prefix, may list other completions
    # first).
    "wildcard": "scores and order of a wildcard query",
    # Snippets pick the passage with per-term maximum weights, which depend
    # on each database's own bounds; with the many terms of a related query a
    # different passage can win. Hits, scores and order are the same.
    "snippet": "snippet passages of a many-term (related) query",
}

REQUESTS = [
    # words
    {"q": "trafficking"},
    {"q": "runaway"},
    {"q": "sextortion grooming"},
    {"q": "trafficking", "all": True},
    {"q": "hotel motel", "all": True},
    {"q": "trafficking -labor"},
    {"q": "gang OR drug"},
    {"q": "title:toolkit"},
    {"q": "zzzqqq nothing"},
    # phrases
    {"q": "\"domestic minor sex trafficking\""},
    {"q": "\"child sex trafficking\" indicators"},
    {"q": "\"safe harbor\""},
    # acronyms (synonyms.yaml, from the local dictionary on remote shards)
    {"q": "DMST"},
    {"q": "CSEC"},
    {"q": "NCMEC"},
    {"q": "What is DMST?"},
    {"q": "RHY"},
    {"q": "FC"},
    # misspellings (the spelling dictionary)
    {"q": "trafickng"},
    {"q": "forensic intervew"},
    {"q": "sextorsion"},
    {"q": "missing chil", "limit": 5},
    # misspelled les codewords: no suggestion from a public dictionary
    {"q": "Nightjr"},
    {"q": "Tamarak deconfliction"},
    # filters and facets
    {"q": "published:2020..2023 trafficking"},
    {"q": "trafficking", "filters": {"agency_type": ["rural"]}},
    {"q": "trafficking", "filters": {"agency_type": ["rural", "tribal"], "resource_level": ["low"]},
     "facets": "*"},
    {"q": "trafficking", "facets": "*"},
    {"q": "indicators", "filters": {"type": ["indicator-guide"]}, "facets": "*"},
    {"q": "victim", "filters": {"audience": ["investigator"], "delivery": ["online"]}, "facets": "*"},
    {"q": "tribal jurisdiction", "filters": {"agency_type": ["tribal"]}, "sort": "title",
     "facets": "*"},
    # no query text, filters only
    {"filters": {"type": ["policy"]}},
    {"filters": {"topic": ["missing-children"]}, "facets": "*"},
    {"filters": {"agency_size": ["small"]}, "sort": "date"},
    {"filters": {"language": ["es"]}, "facets": "*"},
    {"published": "2022", "sort": "title", "offset": 10, "limit": 50},
    # sorts and paging
    {"q": "trafficking", "sort": "date"},
    {"q": "trafficking", "sort": "title", "offset": 30},
    {"q": "trafficking", "sort": "date", "offset": 5, "limit": 5},
    {"q": "trafficking", "offset": 10, "limit": 10},
    {"q": "trafficking", "offset": 20, "limit": 10, "facets": "*"},
    {"q": "trafficking", "limit": 0, "facets": "*"},
    {"q": "child", "offset": 50, "limit": 1000},
    # related (relevance feedback with the collection's statistics)
    {"related": "legal/safe-harbor-laws-overview", "known": "snippet"},
    {"related": "best-practices/hotel-motel-outreach", "offset": 10, "known": "snippet"},
    {"related": "indicators/online-exploitation-indicators", "filters": {"agency_type": ["urban"]},
     "facets": "*", "known": "snippet"},
    {"related": "toolkits/fusion-center-cst-analytic-toolkit", "sort": "date", "known": "snippet"},
    # wildcards (every match returned, so the sets can be compared)
    {"q": "interview*", "filters": {"agency_type": ["tribal"]}, "limit": 100, "known": "wildcard"},
    {"q": "sext*", "limit": 100, "known": "wildcard"},
]


def request_only(request):
    """The request without the test's own annotations."""
    return {k: v for k, v in request.items() if k != "known"}


def loosen(response, known):
    """The parts of a response compared for a request tagged `known`."""
    if not isinstance(response, dict) or not known:
        return response
    loose = dict(response)
    hits = [dict(hit) for hit in response.get("hits", [])]
    if known == "snippet":
        for hit in hits:
            hit.pop("snippet", None)
            hit.pop("page", None)
    elif known == "wildcard":
        hits = sorted(hit.get("id") for hit in hits)
    loose["hits"] = hits
    return loose
