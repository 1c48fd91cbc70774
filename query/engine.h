/*
 * engine.h - Lantern's query engine: one library, two front ends.
 *
 * lantern-search (the CLI) and lanternd (the daemon) both turn their input
 * into a lantern_search_request and print the JSON this engine returns, so
 * the two always agree. The engine owns the policy: which fields filter and
 * facet, how `all` and synonyms behave, the limits on what a query may ask
 * for, and the shape of the response (docs/http-api.md).
 *
 * One engine per thread: it holds its own Xapian handles. It notices a newly
 * committed index (an incremental run, or a --full swap of the `current`
 * generation) at the start of each request and retries a request that meets
 * a concurrent modification.
 */
#ifndef LANTERN_QUERY_ENGINE_H
#define LANTERN_QUERY_ENGINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "lantern/status.h"

/* Fields that filter and facet, in response order. */
typedef enum lantern_facet {
	LANTERN_FACET_AGENCY_TYPE = 0,
	LANTERN_FACET_AGENCY_SIZE,
	LANTERN_FACET_RESOURCE_LEVEL,
	LANTERN_FACET_TYPE,
	LANTERN_FACET_TOPIC,
	LANTERN_FACET_AUDIENCE,
	LANTERN_FACET_DELIVERY,
	LANTERN_FACET_LANGUAGE,
	LANTERN_FACET_PUBLISHER,
	LANTERN_FACET_COUNT
} lantern_facet;

#define LANTERN_FACETS_ALL ((1u << LANTERN_FACET_COUNT) - 1)

/* The request name of a facet field ("agency_type", "topic", ...). */
const char *lantern_facet_name(lantern_facet facet);
/* The facet called `name` (also accepts "topics"), or -1. */
int lantern_facet_lookup(const char *name);

/* Limits: anything beyond them is a LANTERN_ERROR_INVALID_ARGUMENT (or
 * TOO_LARGE) naming the limit, never a crash or an unbounded search. */
#define LANTERN_QUERY_MAX_BYTES 1024
#define LANTERN_QUERY_MAX_TERMS 64
#define LANTERN_QUERY_MAX_DEPTH 16       /* nested parentheses */
#define LANTERN_QUERY_MAX_EXPANSION 64   /* terms one wildcard/partial word becomes */
#define LANTERN_QUERY_MAX_WILDCARDS 8    /* wildcards per query: at most 8 x 64 expanded terms */
#define LANTERN_RESULT_MAX_LIMIT 1000
#define LANTERN_RESULT_WINDOW 10000      /* offset + limit */
#define LANTERN_FILTER_MAX_VALUES 32
#define LANTERN_FILTER_MAX_BYTES 200

typedef enum lantern_result_order {
	LANTERN_ORDER_RELEVANCE = 0,
	LANTERN_ORDER_DATE,   /* newest first */
	LANTERN_ORDER_TITLE   /* A-Z */
} lantern_result_order;

typedef enum lantern_highlight {
	LANTERN_HIGHLIGHT_HTML = 0, /* <mark>..</mark>, everything else HTML-escaped */
	LANTERN_HIGHLIGHT_TEXT      /* plain text, matches between \x01 and \x02 */
} lantern_highlight;

typedef struct lantern_search_request {
	const char *query;            /* may be NULL or "" (then filters alone) */
	bool all_words;               /* AND instead of OR */
	bool partial;                 /* the last word is still being typed */
	const char *const *filters[LANTERN_FACET_COUNT]; /* OR within a field, AND across */
	size_t filter_counts[LANTERN_FACET_COUNT];
	const char *published;        /* "2015..2024", "2019", "..2020", or NULL */
	lantern_result_order order;
	size_t offset;
	size_t limit;                 /* 0: totals and facets only */
	unsigned facets;              /* bit per lantern_facet to count */
	const char *related_id;       /* resources like this one */
	lantern_highlight highlight;
	bool spelling;                /* look for a "did you mean" */
	bool titles_only;             /* suggestions: match titles only, no snippets */
} lantern_search_request;

#define LANTERN_SEARCH_REQUEST_INIT { NULL, false, false, { NULL }, { 0 }, NULL, \
	LANTERN_ORDER_RELEVANCE, 0, 10, 0, NULL, LANTERN_HIGHLIGHT_HTML, true, false }

typedef struct lantern_engine lantern_engine;

/* Opens the index at `index_path` (its `current` generation, or the folder
 * itself when it holds databases directly). `labels` names the partitions
 * to search (NULL: every partition there). LANTERN_ERROR_NOT_FOUND when
 * there is no index. */
lantern_status lantern_engine_open(lantern_engine **out, const char *index_path,
                                   const char *const *labels, size_t label_count);

/* Shards (docs/scaling.md): a partition folder may be a Xapian stub naming
 * local databases and remote xapian-tcpsrv endpoints. */
typedef struct lantern_engine_options {
	unsigned remote_timeout_ms;          /* 0: 10000 */
	unsigned remote_connect_timeout_ms;  /* 0: 10000 */
	/* true: answer from the shards that respond, flagged "partial";
	 * false: fail with LANTERN_ERROR_NETWORK (lanternd: 503). */
	bool partial_results;
} lantern_engine_options;

lantern_status lantern_engine_open_with(lantern_engine **out, const char *index_path,
                                        const char *const *labels, size_t label_count,
                                        const lantern_engine_options *options);
void lantern_engine_close(lantern_engine *engine);

/* The partitions being searched (borrowed, valid until the next call). */
size_t lantern_engine_partitions(const lantern_engine *engine, const char *const **labels);

/* Runs a search. On success *out is the response object (caller decrefs):
 *   {"query", "request", "hits":[{id,title,url,path,type,summary,metadata,
 *    snippet,score}], "totalHits", "totalHitsExact", "facetDistribution",
 *    "suggestion", "processingTimeMs", "offset", "limit"}
 * A bad request gives LANTERN_ERROR_INVALID_ARGUMENT / TOO_LARGE /
 * QUERY_PARSER with the reason in lantern_error_detail(); an unknown
 * related_id gives LANTERN_ERROR_NOT_FOUND. */
lantern_status lantern_engine_search(lantern_engine *engine, const lantern_search_request *request,
                                     json_t **out);

/* Replaces the \x01/\x02 markers of a LANTERN_HIGHLIGHT_TEXT snippet with
 * `start`/`end` (e.g. terminal colours, or "" to drop them). Caller frees. */
char *lantern_highlight_text(const char *snippet, const char *start, const char *end);

#endif

/* ------------------------------------------------------------------ beyond search */

/* The stored record of one resource (id, title, url, path, type, summary,
 * metadata; no body) as a new JSON object. LANTERN_ERROR_NOT_FOUND when no
 * searched partition has it - the same answer whether it exists elsewhere
 * or not at all. */
lantern_status lantern_engine_document(lantern_engine *engine, const char *id, json_t **out);

/* Every facet field's vocabulary (values in schema order, with labels) and
 * the number of resources per value: {"field": [{"value","label","count"}]}.
 * Fields without a vocabulary (language, publisher) list the values seen. */
lantern_status lantern_engine_facets(lantern_engine *engine, json_t **out);

/* Index figures: {"documents": N, "generation": "...", "partitions":
 * {"label": {"documents": N, "revision": R}}}. */
lantern_status lantern_engine_stats(lantern_engine *engine, json_t **out);
