/*
 * test_query_limits.c - every limit in query/engine.h, and bad input.
 *
 * Each limit is tested at the limit (works) and one past it (an error
 * naming the limit, never a crash): query bytes (TOO_LARGE), query terms
 * (synonym expansions count), nested parentheses (those inside quotes do
 * not), result limit, offset + limit window, filter values per field,
 * filter value bytes, the wildcard expansion (a wildcard over more words
 * than LANTERN_QUERY_MAX_EXPANSION keeps working and matches at most that
 * many words; many wildcards count towards the term limit), vocabulary
 * values ("did you mean"), invalid UTF-8 and control characters in the
 * query and in filter values, related ids. Query shapes that once broke the
 * synonym rewrite run in a child process, so a crash fails one test.
 *
 * Two indexes: the standard fixture, and one of 70 resources each holding
 * one word "wexp" + two letters (for wildcard expansion).
 */
#include "query_fixture.h"

static qf_fixture *fixture;
static qf_fixture *wildcards;

#define WILDCARD_DOCS 70

static void wildcard_word(size_t i, char word[8])
{
	snprintf(word, 8, "wexp%c%c", 'a' + (int)(i / 26), 'a' + (int)(i % 26));
}

static int setup(void **state)
{
	(void)state;
	fixture = qf_build_standard("query-limits");
	static qf_file files[WILDCARD_DOCS + 1];
	static char paths[WILDCARD_DOCS][32], texts[WILDCARD_DOCS][160];
	for (size_t i = 0; i < WILDCARD_DOCS; i++) {
		char word[8];
		wildcard_word(i, word);
		snprintf(paths[i], sizeof(paths[i]), "w/doc-%02zu.md", i);
		snprintf(texts[i], sizeof(texts[i]),
		         "---\ntitle: Wildcard sample %zu\ntype: toolkit\n---\nThe word %s is here.\n", i, word);
		files[i].path = paths[i];
		files[i].text = texts[i];
	}
	/* A long word for the spelling test. */
	files[WILDCARD_DOCS].path = "long-word.md";
	files[WILDCARD_DOCS].text = "---\ntitle: Long word\ntype: toolkit\n---\nThe pneumonoultramicroscopic sample.\n";
	wildcards = qf_build("query-wildcards", files, WILDCARD_DOCS + 1, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	qf_destroy(fixture);
	qf_destroy(wildcards);
	return 0;
}

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static json_int_t total_of(lantern_engine *engine, const lantern_search_request *request)
{
	json_t *response = qf_search(engine, request);
	json_int_t total = json_integer_value(json_object_get(response, "totalHits"));
	json_decref(response);
	return total;
}

/* ------------------------------------------------------------------ query text */

static void test_query_bytes(void **state)
{
	(void)state;
	char query[LANTERN_QUERY_MAX_BYTES + 2];
	memset(query, ' ', sizeof(query));
	memcpy(query, "zebrafish", 9);
	query[LANTERN_QUERY_MAX_BYTES] = '\0';
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.query = query;
	assert_int_equal(total_of(fixture->engine, &request), 2);
	query[LANTERN_QUERY_MAX_BYTES] = 'x';
	query[LANTERN_QUERY_MAX_BYTES + 1] = '\0';
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_TOO_LARGE, "1024");

	/* A much larger one too. */
	size_t big = 1 << 20;
	char *huge = malloc(big + 1);
	assert_non_null(huge);
	memset(huge, 'a', big);
	huge[big] = '\0';
	request.query = huge;
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_TOO_LARGE, "1024");
	free(huge);

	/* Empty and blank queries list everything (filters alone). */
	request.query = "";
	assert_int_equal(total_of(fixture->engine, &request), 8);
	request.query = "   \t ";
	assert_int_equal(total_of(fixture->engine, &request), 8);
	request.query = NULL;
	assert_int_equal(total_of(fixture->engine, &request), 8);
}

static char *words_query(size_t count, const char *extra)
{
	size_t size = count * 8 + (extra ? strlen(extra) : 0) + 2;
	char *query = calloc(size, 1);
	assert_non_null(query);
	size_t used = 0;
	for (size_t i = 0; i < count; i++)
		used += (size_t)snprintf(query + used, size - used, "%sw%zu", i ? " " : "", i);
	if (extra)
		snprintf(query + used, size - used, " %s", extra);
	return query;
}

static void test_query_terms(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	char *query = words_query(LANTERN_QUERY_MAX_TERMS, NULL);
	request.query = query;
	assert_int_equal(total_of(fixture->engine, &request), 0);
	free(query);

	query = words_query(LANTERN_QUERY_MAX_TERMS + 1, NULL);
	request.query = query;
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "64 terms");
	free(query);

	/* Synonym expansion counts: QWV becomes qwv + the three phrase words. */
	query = words_query(LANTERN_QUERY_MAX_TERMS - 4, "QWV");
	request.query = query;
	json_t *response = qf_search(fixture->engine, &request);
	assert_true(qf_has_hit(response, "guides/all-agencies"));
	json_decref(response);
	free(query);
	query = words_query(LANTERN_QUERY_MAX_TERMS - 3, "QWV");
	request.query = query;
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "64 terms");
	free(query);
}

static void test_query_depth(void **state)
{
	(void)state;
	char query[256];
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.query = query;
	for (int depth = LANTERN_QUERY_MAX_DEPTH; depth <= LANTERN_QUERY_MAX_DEPTH + 1; depth++) {
		size_t used = 0;
		for (int i = 0; i < depth; i++)
			query[used++] = '(';
		memcpy(query + used, "zebrafish", 9);
		used += 9;
		for (int i = 0; i < depth; i++)
			query[used++] = ')';
		query[used] = '\0';
		if (depth == LANTERN_QUERY_MAX_DEPTH)
			assert_int_equal(total_of(fixture->engine, &request), 2);
		else
			qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "16 deep");
	}
	/* Parentheses in a phrase are not nesting; closing ones in between
	 * bring the depth down. */
	request.query = "\"((((((((((((((((((((zebrafish\"";
	assert_int_equal(total_of(fixture->engine, &request), 2);
	request.query = "(((((((((((a))))))))))) (((((((((((zebrafish)))))))))))";
	assert_true(total_of(fixture->engine, &request) >= 2);
	/* Unbalanced ones are not an error of their own. */
	request.query = ")))))))))))))))))))) zebrafish";
	assert_int_equal(total_of(fixture->engine, &request), 2);
	request.query = "((((((((((((((((( zebrafish"; /* 17 open, never closed */
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "16 deep");
}

static void test_wildcard_expansion(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.limit = 1000;
	/* 70 words start with "wexp": the wildcard still works, over at most
	 * LANTERN_QUERY_MAX_EXPANSION of them. */
	request.query = "wexp*";
	json_int_t total = total_of(wildcards->engine, &request);
	assert_true(total > 0);
	assert_true(total <= LANTERN_QUERY_MAX_EXPANSION);
	/* A narrower wildcard gets all its words. */
	request.query = "wexpa*";
	assert_int_equal(total_of(wildcards->engine, &request), 26);
	request.query = "wexpcr*";
	assert_int_equal(total_of(wildcards->engine, &request), 1);
	/* The same for the partial word being typed. */
	request.query = "wexp";
	request.partial = true;
	total = total_of(wildcards->engine, &request);
	assert_true(total > 0);
	assert_true(total <= LANTERN_QUERY_MAX_EXPANSION);
	request.query = "the wexpb";
	request.all_words = true;
	assert_int_equal(total_of(wildcards->engine, &request), 26);
}

/* The term limit is "after expanding synonyms and wildcards" (its error
 * says so): 65 wildcards, each matching a word, are over it. Known bug: a
 * wildcard counts as no term at all (Xapian expands it only at match time),
 * so any number of wildcards passes the check. */
static void test_wildcards_count_towards_term_limit(void **state)
{
	(void)state;
	char query[LANTERN_QUERY_MAX_BYTES];
	size_t used = 0;
	for (size_t i = 0; i < LANTERN_QUERY_MAX_TERMS + 1; i++) {
		char word[8];
		wildcard_word(i, word);
		used += (size_t)snprintf(query + used, sizeof(query) - used, "%s%s*", i ? " " : "", word);
	}
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.query = query;
	qf_expect_error(wildcards->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "64 terms");
}

static void test_query_shapes_do_not_crash(void **state)
{
	(void)state;
	/* `""a` repeated: 2 "words" per 3 bytes for the synonym rewrite, more
	 * than its word table held (it overflowed the stack). */
	static char quotes[LANTERN_QUERY_MAX_BYTES + 1];
	size_t used = 0;
	while (used + 3 <= LANTERN_QUERY_MAX_BYTES) {
		memcpy(quotes + used, "\"\"a", 3);
		used += 3;
	}
	quotes[used] = '\0';
	static char words[LANTERN_QUERY_MAX_BYTES + 1];
	for (size_t i = 0; i < LANTERN_QUERY_MAX_BYTES; i++)
		words[i] = i % 2 ? ')' : 'a';
	words[LANTERN_QUERY_MAX_BYTES] = '\0';
	static char one_word[LANTERN_QUERY_MAX_BYTES + 1];
	memset(one_word, 'q', LANTERN_QUERY_MAX_BYTES);
	one_word[LANTERN_QUERY_MAX_BYTES] = '\0';
	static char acronyms[LANTERN_QUERY_MAX_BYTES + 1];
	for (size_t i = 0; i + 4 <= LANTERN_QUERY_MAX_BYTES; i += 4)
		memcpy(acronyms + i, "qwv ", 4);
	static char phrases[LANTERN_QUERY_MAX_BYTES + 1];
	for (size_t i = 0; i + 25 <= LANTERN_QUERY_MAX_BYTES; i += 25)
		memcpy(phrases + i, "\"quilted walrus venture\" ", 25);
	/* What each must give: a result, or the documented error. */
	const struct { const char *query, *outcome; } cases[] = {
		{ quotes, "error 2" },   /* 341 terms "a": over the term limit */
		{ words, "error 2" },
		{ one_word, "ok" },
		{ acronyms, "error 2" },
		{ phrases, "error 2" },
		{ "\"", "ok" }, { "\"\"", "ok" }, { "\"QWV", "ok" }, { "QWV\"", "ok" }, { "()", "ok" },
		{ ")(", "ok" }, { "*", "ok" }, { "-", "ok" }, { "+", "ok" }, { "title:", "ok" },
		{ "NOT", "error 26" }, { "a AND", "error 26" }, { "OR OR", "error 26" }, /* QUERY_PARSER */
		{ "\"quilted walrus\" venture\"", "ok" }, { "qwv*", "ok" },
		{ "quilted walrus venture quilted walrus venture quilted walrus venture", "ok" },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		for (int partial = 0; partial < 2; partial++) {
			lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
			request.query = cases[i].query;
			request.partial = partial;
			request.facets = LANTERN_FACETS_ALL;
			char *outcome = qf_search_isolated(fixture->engine, &request);
			bool ok = strcmp(outcome, cases[i].outcome) == 0;
			if (!ok)
				print_error("query #%zu (%zu bytes, partial %d, '%.40s...'): expected %s, got %s\n", i,
				            strlen(cases[i].query), partial, cases[i].query, cases[i].outcome, outcome);
			free(outcome);
			assert_true(ok);
		}
	}
}

/* A spelling correction may be longer than the query it corrects: one over
 * LANTERN_QUERY_MAX_BYTES is never offered (it could not be searched), and
 * was never run through the synonym rewrite, whose buffers hold
 * LANTERN_QUERY_MAX_BYTES (it overflowed a stack buffer by a byte or two). */
static void test_spelling_correction_over_the_query_limit(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.query = "pneumonoultramicroscopc";
	json_t *response = qf_search(wildcards->engine, &request);
	assert_string_equal(json_string_value(json_object_get(response, "suggestion")), "pneumonoultramicroscopic");
	json_decref(response);

	/* Eleven 90-byte words and the misspelt one: 1024 bytes, corrected 1025. */
	char query[LANTERN_QUERY_MAX_BYTES + 1];
	size_t used = 0;
	for (int i = 0; i < 11; i++) {
		memset(query + used, 'x', 90);
		used += 90;
		query[used++] = ' ';
	}
	memcpy(query + used, "pneumonoultramicroscopc", 24);
	assert_int_equal(strlen(query), LANTERN_QUERY_MAX_BYTES);
	request.query = query;
	char *outcome = qf_search_isolated(wildcards->engine, &request);
	assert_string_equal(outcome, "ok");
	free(outcome);
	response = qf_search(wildcards->engine, &request);
	json_t *suggestion = json_object_get(response, "suggestion");
	if (json_is_string(suggestion) && strlen(json_string_value(suggestion)) > LANTERN_QUERY_MAX_BYTES) {
		print_error("a %zu-byte suggestion, over the query limit\n", strlen(json_string_value(suggestion)));
		fail();
	}
	json_decref(response);
}

static void test_query_utf8_and_control_characters(void **state)
{
	(void)state;
	static const char *const bad_utf8[] = {
		"caf\xC3", "\xFF", "zebrafish \xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "a\x80" "b",
	};
	for (size_t i = 0; i < COUNT(bad_utf8); i++) {
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.query = bad_utf8[i];
		qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "UTF-8");
	}
	static const char *const control[] = { "zebra\x01" "fish", "\x1b[31mzebrafish", "a\x07", "\x02" };
	for (size_t i = 0; i < COUNT(control); i++) {
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.query = control[i];
		qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "control character");
	}
	/* Tabs and newlines are spaces; UTF-8 text is fine. */
	static const char *const fine[] = { "zebrafish\tcost", "zebrafish\r\ncost", "caf\xC3\xA9 zebrafish",
	                                    "\xE2\x80\x94 zebrafish \xF0\x9F\x90\x9F" };
	for (size_t i = 0; i < COUNT(fine); i++) {
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.query = fine[i];
		assert_true(total_of(fixture->engine, &request) >= 2);
	}
}

/* ------------------------------------------------------------------ results window */

static void test_limit_and_window(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.limit = LANTERN_RESULT_MAX_LIMIT;
	json_t *response = qf_search(fixture->engine, &request);
	assert_int_equal(json_array_size(json_object_get(response, "hits")), 8);
	json_decref(response);
	request.limit = LANTERN_RESULT_MAX_LIMIT + 1;
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "1000");
	request.limit = (size_t)-1;
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "1000");

	request.limit = 10;
	request.offset = LANTERN_RESULT_WINDOW - 10;
	response = qf_search(fixture->engine, &request);
	assert_int_equal(json_array_size(json_object_get(response, "hits")), 0);
	assert_int_equal(json_integer_value(json_object_get(response, "totalHits")), 8);
	json_decref(response);
	request.offset = LANTERN_RESULT_WINDOW - 9;
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "10000");
	request.limit = 0;
	request.offset = LANTERN_RESULT_WINDOW;
	total_of(fixture->engine, &request);
	request.offset = LANTERN_RESULT_WINDOW + 1;
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "10000");
	/* offset + limit must not wrap around. */
	request.limit = 10;
	request.offset = (size_t)-5;
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "10000");
	request.limit = LANTERN_RESULT_MAX_LIMIT;
	request.offset = (size_t)-1 - 500;
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "10000");
}

/* ------------------------------------------------------------------ filter values */

static void test_filter_value_count(void **state)
{
	(void)state;
	const char *values[LANTERN_FILTER_MAX_VALUES + 1];
	for (size_t i = 0; i < COUNT(values); i++)
		values[i] = i % 2 ? "vice" : "gangs";
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.filters[LANTERN_FACET_TOPIC] = values;
	request.filter_counts[LANTERN_FACET_TOPIC] = LANTERN_FILTER_MAX_VALUES;
	assert_int_equal(total_of(fixture->engine, &request), 4);
	request.filter_counts[LANTERN_FACET_TOPIC] = LANTERN_FILTER_MAX_VALUES + 1;
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "more than 32 values for topic");

	/* Every field has the limit, free-text ones too. */
	const char *publishers[LANTERN_FILTER_MAX_VALUES + 1];
	char names[LANTERN_FILTER_MAX_VALUES + 1][16];
	for (size_t i = 0; i < COUNT(publishers); i++) {
		snprintf(names[i], sizeof(names[i]), "Press %zu", i);
		publishers[i] = names[i];
	}
	lantern_search_request other = LANTERN_SEARCH_REQUEST_INIT;
	other.filters[LANTERN_FACET_PUBLISHER] = publishers;
	other.filter_counts[LANTERN_FACET_PUBLISHER] = LANTERN_FILTER_MAX_VALUES;
	assert_int_equal(total_of(fixture->engine, &other), 0);
	other.filter_counts[LANTERN_FACET_PUBLISHER] = LANTERN_FILTER_MAX_VALUES + 1;
	qf_expect_error(fixture->engine, &other, LANTERN_ERROR_INVALID_ARGUMENT, "publisher");
}

static void test_filter_value_bytes_and_encoding(void **state)
{
	(void)state;
	char long_value[LANTERN_FILTER_MAX_BYTES + 2];
	memset(long_value, 'p', sizeof(long_value));
	long_value[LANTERN_FILTER_MAX_BYTES] = '\0';
	const char *values[1] = { long_value };
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.filters[LANTERN_FACET_PUBLISHER] = values;
	request.filter_counts[LANTERN_FACET_PUBLISHER] = 1;
	assert_int_equal(total_of(fixture->engine, &request), 0);
	long_value[LANTERN_FILTER_MAX_BYTES] = 'p';
	long_value[LANTERN_FILTER_MAX_BYTES + 1] = '\0';
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "200 bytes");

	static const char *const bad[] = { "", "Alpha \xFF Press", "\xC3", "\xED\xA0\x80" };
	for (size_t i = 0; i < COUNT(bad); i++) {
		values[0] = bad[i];
		qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "publisher");
	}
	/* And in a vocabulary field. */
	lantern_search_request vocabulary = LANTERN_SEARCH_REQUEST_INIT;
	static const char *const bad_topic[] = { "gangs\xFF" };
	vocabulary.filters[LANTERN_FACET_TOPIC] = bad_topic;
	vocabulary.filter_counts[LANTERN_FACET_TOPIC] = 1;
	qf_expect_error(fixture->engine, &vocabulary, LANTERN_ERROR_INVALID_ARGUMENT, "topic");
	/* Multi-byte UTF-8 is fine. */
	static const char *const accented[] = { "\xC3\x89" "ditions du Nord" };
	request.filters[LANTERN_FACET_PUBLISHER] = accented;
	assert_int_equal(total_of(fixture->engine, &request), 0);
}

static void test_unknown_vocabulary_value(void **state)
{
	(void)state;
	static const struct { lantern_facet facet; const char *value, *detail; } cases[] = {
		{ LANTERN_FACET_AGENCY_TYPE, "rurall", "did you mean 'rural'" },
		{ LANTERN_FACET_AGENCY_TYPE, "urbn", "did you mean 'urban'" },
		{ LANTERN_FACET_TOPIC, "gang", "did you mean 'gangs'" },
		{ LANTERN_FACET_TYPE, "polcy", "did you mean 'policy'" },
		{ LANTERN_FACET_DELIVERY, "onlin", "did you mean 'online'" },
		{ LANTERN_FACET_AGENCY_TYPE, "metropolitan", "expected one of: rural, suburban, urban, tribal" },
		{ LANTERN_FACET_AGENCY_SIZE, "huge", "expected one of: small, mid-sized, large" },
		/* `all` is a front-matter value, not a filter value. */
		{ LANTERN_FACET_AGENCY_TYPE, "all", "unknown agency_type 'all'" },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		const char *values[2] = { "rural", cases[i].value };
		if (cases[i].facet != LANTERN_FACET_AGENCY_TYPE)
			values[0] = values[1];
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.filters[cases[i].facet] = values;
		request.filter_counts[cases[i].facet] = cases[i].facet == LANTERN_FACET_AGENCY_TYPE ? 2 : 1;
		qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, cases[i].detail);
	}
	/* Fields without a vocabulary take any value. */
	static const char *const language[] = { "xx" };
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.filters[LANTERN_FACET_LANGUAGE] = language;
	request.filter_counts[LANTERN_FACET_LANGUAGE] = 1;
	assert_int_equal(total_of(fixture->engine, &request), 0);
}

static void test_related_ids(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.related_id = "no-such-resource";
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_NOT_FOUND, "no-such-resource");
	char long_id[256];
	memset(long_id, 'r', 201);
	long_id[201] = '\0';
	request.related_id = long_id;
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "related");
	long_id[200] = '\0';
	qf_expect_error(fixture->engine, &request, LANTERN_ERROR_NOT_FOUND, NULL);
	request.related_id = "reports/undated";
	request.query = "narcotics OR cost";
	json_t *response = qf_search(fixture->engine, &request);
	assert_false(qf_has_hit(response, "reports/undated"));
	json_decref(response);
}

/* A failed request leaves the engine usable. */
static void test_engine_survives_errors(void **state)
{
	(void)state;
	lantern_search_request bad = LANTERN_SEARCH_REQUEST_INIT;
	bad.query = "a AND";
	json_t *response = (json_t *)1;
	lantern_status status = lantern_engine_search(fixture->engine, &bad, &response);
	assert_int_not_equal(status, LANTERN_OK);
	assert_null(response);
	assert_true(strlen(lantern_error_detail()) > 0);
	lantern_search_request good = LANTERN_SEARCH_REQUEST_INIT;
	good.query = "zebrafish";
	assert_int_equal(total_of(fixture->engine, &good), 2);
}

int main(void)
{
	qf_require_indexer();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query_bytes),
		cmocka_unit_test(test_query_terms),
		cmocka_unit_test(test_query_depth),
		cmocka_unit_test(test_wildcard_expansion),
		cmocka_unit_test(test_wildcards_count_towards_term_limit),
		cmocka_unit_test(test_query_shapes_do_not_crash),
		cmocka_unit_test(test_spelling_correction_over_the_query_limit),
		cmocka_unit_test(test_query_utf8_and_control_characters),
		cmocka_unit_test(test_limit_and_window),
		cmocka_unit_test(test_filter_value_count),
		cmocka_unit_test(test_filter_value_bytes_and_encoding),
		cmocka_unit_test(test_unknown_vocabulary_value),
		cmocka_unit_test(test_related_ids),
		cmocka_unit_test(test_engine_survives_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
