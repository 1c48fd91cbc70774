/*
 * lantern/search.h - the C face of Xapian's query side.
 *
 * Read-only access to a set of partitions searched as one (Xapian's
 * multi-database search), query construction, matching with value-count
 * facets, snippets, spelling and relevance feedback. Like engine.h this is a
 * thin shim: the policy (which filters, which facets, what the JSON says)
 * lives in the query engine in query/.
 *
 * Threading: a searcher and everything it returns belong to one thread.
 */
#ifndef LANTERN_SEARCH_H
#define LANTERN_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lantern/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lantern_searcher lantern_searcher;
typedef struct lantern_query lantern_query;
typedef struct lantern_match lantern_match;

/* ------------------------------------------------------------------ searchers */

/* Opens the databases at `paths` as one. `language` chooses the stemmer for
 * query parsing and snippets (NULL: English). */
lantern_status lantern_searcher_open(lantern_searcher **out, const char *const *paths,
                                     size_t count, const char *language);

/* How shards behind a stub are reached. A path may be a Xapian stub: a
 * folder holding a XAPIANDB file (or the file itself) whose lines are
 * `auto PATH` (relative to the stub) or `remote HOST:PORT` (xapian-tcpsrv).
 * Remote shards are opened with these timeouts, so a shard that is down or
 * slow fails a request in bounded time instead of hanging it. */
typedef struct lantern_searcher_options {
	unsigned remote_timeout_ms;         /* per network operation; 0: 10000 */
	unsigned remote_connect_timeout_ms; /* 0: 10000 */
	/* Leave out remote shards that cannot be reached (listed by
	 * lantern_searcher_unavailable) instead of failing. An unreachable
	 * endpoint is not retried for `retry_after_ms`. */
	bool allow_partial;
	unsigned retry_after_ms;
} lantern_searcher_options;

lantern_status lantern_searcher_open_with(lantern_searcher **out, const char *const *paths,
                                          size_t count, const char *language,
                                          const lantern_searcher_options *options);
/* Remote shards left out (allow_partial), as "HOST:PORT"; borrowed. */
size_t lantern_searcher_unavailable(const lantern_searcher *searcher, const char *const **endpoints);
/* True when a stub's local entries now resolve elsewhere (a `current` link
 * moved by --full) or a nested stub changed (a replica switched): the
 * searcher must be opened afresh. */
bool lantern_searcher_stale(const lantern_searcher *searcher);
/* True when any shard is remote (Xapian's remote backend serves no spelling data). */
bool lantern_searcher_has_remote(const lantern_searcher *searcher);
/* Spelling and synonyms can be served: no remote shards, or a local
 * database in the stub that holds them. */
bool lantern_searcher_spelling_available(const lantern_searcher *searcher);
/* Marks an endpoint unreachable (after a network error) so the next open
 * skips it for the retry period. */
void lantern_searcher_mark_unreachable(const char *endpoint, unsigned retry_after_ms);
/* Checks each remote shard with a small query; the ones that fail within
 * the timeouts are marked unreachable. Returns how many failed. */
size_t lantern_searcher_probe(lantern_searcher *searcher, const lantern_searcher_options *options);
/* Remote endpoints of this searcher ("HOST:PORT"), for health reports; borrowed. */
size_t lantern_searcher_endpoints(const lantern_searcher *searcher, const char *const **endpoints);
void lantern_searcher_close(lantern_searcher *searcher);
/* Moves to the latest committed revision; *changed says whether it moved. */
lantern_status lantern_searcher_reopen(lantern_searcher *searcher, bool *changed);
uint32_t lantern_searcher_document_count(lantern_searcher *searcher);
/* User metadata of the first database (the index's own settings). */
lantern_status lantern_searcher_get_metadata(lantern_searcher *searcher, const char *key, char **out);
/* Per-database figures, in the order of the paths given to open. The
 * revision is 0 for a stub of several databases or a remote one. */
size_t lantern_searcher_database_count(const lantern_searcher *searcher);
lantern_status lantern_searcher_database_stats(lantern_searcher *searcher, size_t index,
                                               uint32_t *documents, uint64_t *revision);

/* The data of the document indexed by `unique_term`; LANTERN_ERROR_NOT_FOUND
 * when there is none. Caller frees. */
lantern_status lantern_searcher_document_data(lantern_searcher *searcher, const char *unique_term,
                                              char **out);

/* Number of documents indexed by `term` (exact, across all databases). */
uint32_t lantern_searcher_term_frequency(lantern_searcher *searcher, const char *term);

/* Calls `visit` for each synonym pair (key, synonym) stored in the index. */
typedef int (*lantern_synonym_visitor)(void *context, const char *key, const char *synonym);
lantern_status lantern_searcher_each_synonym(lantern_searcher *searcher,
                                             lantern_synonym_visitor visit, void *context);

/* A spelling correction for one word, or "" when none is better. */
lantern_status lantern_searcher_spell(lantern_searcher *searcher, const char *word, char **out);

/* ------------------------------------------------------------------ query parsing */

typedef enum lantern_parse_flag {
	LANTERN_PARSE_DEFAULT_AND = 1 << 0, /* every word must match (default: any) */
	LANTERN_PARSE_PARTIAL = 1 << 1,     /* the last word is a prefix (typing) */
	LANTERN_PARSE_SPELLING = 1 << 2     /* compute a corrected query string */
} lantern_parse_flag;

/* How field prefixes in the query text map to index prefixes. */
typedef struct lantern_parse_prefix {
	const char *field;   /* as typed: "title", "type" */
	const char *prefix;  /* index prefix: "S", "XTYPE" */
	bool boolean;        /* a filter term (type:policy), not free text */
} lantern_parse_prefix;

typedef struct lantern_parse_range {
	const char *field;   /* "published" */
	unsigned slot;       /* value slot holding YYYYMMDD */
} lantern_parse_range;

typedef struct lantern_parse_options {
	unsigned flags;
	const lantern_parse_prefix *prefixes;
	size_t prefix_count;
	const lantern_parse_range *ranges;
	size_t range_count;
	unsigned max_wildcard_expansion; /* terms a wildcard or partial word may expand to */
	const char *default_prefix;      /* prefix for words without a field (NULL: none) */
} lantern_parse_options;

/* Parses user query text. On LANTERN_ERROR_QUERY_PARSER the detail says why.
 * With LANTERN_PARSE_SPELLING, *corrected (may be NULL) receives the
 * corrected query string ("" when nothing was corrected). */
lantern_status lantern_query_parse(lantern_searcher *searcher, const char *text,
                                   const lantern_parse_options *options, lantern_query **out,
                                   char **corrected);

/* ------------------------------------------------------------------ query building */

lantern_status lantern_query_match_all(lantern_query **out);
lantern_status lantern_query_term(const char *term, lantern_query **out);
/* A phrase of unstemmed words, each looked up as an unprefixed term. */
lantern_status lantern_query_phrase(const char *const *words, size_t count, lantern_query **out);
/* YYYYMMDD-style inclusive range on a value slot; NULL bound = open. */
lantern_status lantern_query_value_range(unsigned slot, const char *low, const char *high,
                                         lantern_query **out);

typedef enum lantern_query_operator {
	LANTERN_QUERY_AND,
	LANTERN_QUERY_OR,
	LANTERN_QUERY_AND_NOT, /* first minus the rest */
	LANTERN_QUERY_FILTER,  /* first, restricted by the rest without weighting */
	LANTERN_QUERY_SYNONYM  /* one term for weighting: any of these */
} lantern_query_operator;

/* Combines borrowed queries into a new one. NULL entries are skipped; with
 * none left the result is NULL (no constraint). */
lantern_status lantern_query_combine(lantern_query_operator op, const lantern_query *const *queries,
                                     size_t count, lantern_query **out);
bool lantern_query_is_empty(const lantern_query *query);
/* Number of terms the query holds, each unexpanded wildcard counting one
 * (for limits). */
size_t lantern_query_term_count(const lantern_query *query);
/* Number of wildcard (and partial-word) terms in the query. */
size_t lantern_query_wildcard_count(const lantern_query *query);
/* Xapian's description, for debugging and tests. Caller frees. */
char *lantern_query_describe(const lantern_query *query);
void lantern_query_free(lantern_query *query);

/* Top terms of the given documents (relevance feedback), as an OR query of
 * unprefixed terms. NULL in *out when the documents give no terms. */
lantern_status lantern_query_related(lantern_searcher *searcher, const char *const *unique_terms,
                                     size_t count, size_t term_limit, lantern_query **out);

/* ------------------------------------------------------------------ matching */

typedef enum lantern_sort {
	LANTERN_SORT_RELEVANCE = 0,
	LANTERN_SORT_VALUE_DESCENDING, /* e.g. newest first, then relevance */
	LANTERN_SORT_VALUE_ASCENDING   /* e.g. title A-Z, then relevance */
} lantern_sort;

typedef struct lantern_match_options {
	size_t offset;
	size_t limit;
	lantern_sort sort;
	unsigned sort_slot;
	/* Ties (equal score, or equal sort value) are ordered by this slot's
	 * value, so results do not depend on document numbers. */
	bool break_ties;
	unsigned tie_slot;
	/* Documents the matcher must look at before it may estimate. Set it to
	 * the document count for exact totals (facet counts need that). */
	uint32_t check_at_least;
	const unsigned *count_slots;  /* value slots to count (facets) */
	size_t count_slot_count;
	bool unweighted;              /* counting only: skip BM25 scoring */
	double bm25_k1, bm25_b;       /* 0: Xapian's defaults */
} lantern_match_options;

lantern_status lantern_searcher_match(lantern_searcher *searcher, const lantern_query *query,
                                      const lantern_match_options *options, lantern_match **out);
void lantern_match_free(lantern_match *match);

typedef struct lantern_match_totals {
	uint32_t lower, estimated, upper;
} lantern_match_totals;

lantern_match_totals lantern_match_get_totals(const lantern_match *match);
size_t lantern_match_size(const lantern_match *match);
double lantern_match_weight(const lantern_match *match, size_t index);
/* Document data of the index-th hit, into a string the caller frees. */
lantern_status lantern_match_data(const lantern_match *match, size_t index, char **out,
                                  size_t *length);

/* Counts of the values seen in the `slot_index`-th counted slot. */
typedef int (*lantern_value_count_visitor)(void *context, const char *value, size_t length,
                                           uint32_t count);
lantern_status lantern_match_each_count(const lantern_match *match, size_t slot_index,
                                        lantern_value_count_visitor visit, void *context);

/* Best passage of `text` (about `length` bytes) for the match's query, with
 * matches wrapped in `start`/`end`. The text around is HTML-escaped by
 * Xapian; `start`/`end` are inserted as given. Caller frees. */
lantern_status lantern_match_snippet(const lantern_match *match, const char *text, size_t text_length,
                                     size_t length, const char *start, const char *end,
                                     char **out);

#ifdef __cplusplus
}
#endif
#endif
