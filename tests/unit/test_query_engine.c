/*
 * test_query_engine.c - query/engine.c: requests to results.
 *
 * Against the standard fixture index (tests/query/query_fixture.h: eight
 * small resources indexed by the real lantern-index in a mkdtemp folder):
 *
 *   filters   OR within a field, AND across fields; a resource tagged `all`
 *             matches any single value; the request's `published` ranges
 *             ("2019..2020", "2019", "..2018", "2021..", full dates) and the
 *             same in the query text (published:2019..2020); field prefixes
 *             title:, type:, topic:;
 *   facets    a resource with topics [gangs, drugs] counts once under each;
 *             disjunctive counting (a filtered field's counts ignore its own
 *             filter and respect the others); counts sorted;
 *   synonyms  acronym finds the phrase-only resource and the reverse,
 *             quoted phrase too; with trailing punctuation ("QWV?"); while
 *             typing (partial), only finished words;
 *   spelling  a suggestion only when the corrected query has results (with
 *             the request's filters), none for words that are indexed;
 *   paging    pages of 3 over every result concatenate to the full list with
 *             no repeats, for relevance, date and title order;
 *   sorting   date (newest first, undated last) and title (A-Z, ignoring case);
 *   related   never the resource itself, honours filters, an unknown id is
 *             LANTERN_ERROR_NOT_FOUND;
 *   response  the documented keys, the request echo, facet names.
 */
#include "query_fixture.h"

static qf_fixture *fixture;

static int setup(void **state)
{
	(void)state;
	fixture = qf_build_standard("query-engine");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	qf_destroy(fixture);
	fixture = NULL;
	return 0;
}

#define COUNT(array) (sizeof(array) / sizeof((array)[0]))
#define FILTER(request, facet, ...)                                                     \
	do {                                                                            \
		static const char *const values_[] = { __VA_ARGS__ };                     \
		(request).filters[(facet)] = values_;                                     \
		(request).filter_counts[(facet)] = COUNT(values_);                        \
	} while (0)

/* ------------------------------------------------------------------ filters */

static void test_filters_or_within_and_across(void **state)
{
	(void)state;
	lantern_engine *engine = fixture->engine;
	{
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		qf_expect_ids(engine, &request,
		              "guides/all-agencies,guides/tribal-rural,misc/escaping,misc/escaping-md,"
		              "policies/rural-small,policies/urban-large,reports/suburban,reports/undated");
	}
	{ /* OR within agency_type (all-agencies is tagged `all`) */
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		FILTER(request, LANTERN_FACET_AGENCY_TYPE, "rural", "urban");
		qf_expect_ids(engine, &request,
		              "guides/all-agencies,guides/tribal-rural,policies/rural-small,"
		              "policies/urban-large,reports/undated");
	}
	{ /* ... AND type */
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		FILTER(request, LANTERN_FACET_AGENCY_TYPE, "rural", "urban");
		FILTER(request, LANTERN_FACET_TYPE, "policy");
		qf_expect_ids(engine, &request, "policies/rural-small,policies/urban-large");
	}
	{ /* AND of three fields, OR in one */
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		FILTER(request, LANTERN_FACET_TOPIC, "vice", "drugs");
		FILTER(request, LANTERN_FACET_AGENCY_SIZE, "small", "mid-sized");
		FILTER(request, LANTERN_FACET_RESOURCE_LEVEL, "high", "low");
		qf_expect_ids(engine, &request,
		              "guides/tribal-rural,policies/rural-small,reports/suburban");
	}
	{ /* values are case-insensitive; publisher is free text */
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		FILTER(request, LANTERN_FACET_PUBLISHER, "ALPHA PRESS");
		qf_expect_ids(engine, &request, "guides/all-agencies,policies/rural-small");
		FILTER(request, LANTERN_FACET_TYPE, "Policy");
		qf_expect_ids(engine, &request, "policies/rural-small");
		FILTER(request, LANTERN_FACET_TYPE, "POLICY", "Best-Practice");
		qf_expect_ids(engine, &request, "guides/all-agencies,policies/rural-small");
	}
	{ /* language defaults to en */
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		FILTER(request, LANTERN_FACET_LANGUAGE, "es");
		qf_expect_ids(engine, &request, "");
		FILTER(request, LANTERN_FACET_LANGUAGE, "en");
		request.query = "zebrafish";
		qf_expect_ids(engine, &request, "misc/escaping,misc/escaping-md");
	}
	{ /* a query and filters together */
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		request.query = "cost";
		FILTER(request, LANTERN_FACET_AGENCY_SIZE, "large");
		qf_expect_ids(engine, &request, "guides/all-agencies,policies/urban-large");
	}
}

static void test_filter_all_matches_any_single_value(void **state)
{
	(void)state;
	static const char *const agency_types[] = { "rural", "suburban", "urban", "tribal" };
	static const char *const expected[] = {
		"guides/all-agencies,guides/tribal-rural,policies/rural-small",
		"guides/all-agencies,reports/suburban",
		"guides/all-agencies,policies/urban-large,reports/undated",
		"guides/all-agencies,guides/tribal-rural",
	};
	for (size_t i = 0; i < COUNT(agency_types); i++) {
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		request.filters[LANTERN_FACET_AGENCY_TYPE] = &agency_types[i];
		request.filter_counts[LANTERN_FACET_AGENCY_TYPE] = 1;
		qf_expect_ids(fixture->engine, &request, expected[i]);
	}
	static const char *const sizes[] = { "small", "mid-sized", "large" };
	static const char *const expected_sizes[] = {
		"guides/all-agencies,policies/rural-small,reports/suburban",
		"guides/all-agencies,guides/tribal-rural,reports/undated",
		"guides/all-agencies,policies/urban-large",
	};
	for (size_t i = 0; i < COUNT(sizes); i++) {
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		request.filters[LANTERN_FACET_AGENCY_SIZE] = &sizes[i];
		request.filter_counts[LANTERN_FACET_AGENCY_SIZE] = 1;
		qf_expect_ids(fixture->engine, &request, expected_sizes[i]);
	}
}

static void test_published_ranges(void **state)
{
	(void)state;
	static const struct { const char *range, *expected; } cases[] = {
		{ "2019..2020", "policies/rural-small,policies/urban-large" },
		{ "2019", "policies/rural-small" },
		{ "..2018", "guides/all-agencies,reports/suburban" },
		{ "2021..", "guides/tribal-rural,misc/escaping,misc/escaping-md" },
		{ "2020-02-10..2020-02-10", "policies/urban-large" },
		{ "2020-02-11..2021-12-31", "guides/tribal-rural" },
		{ "2018-07", "guides/all-agencies" },
		{ "2019-05..2019-05", "policies/rural-small" },
		{ "1990..1999", "" },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		request.published = cases[i].range;
		qf_expect_ids(fixture->engine, &request, cases[i].expected);
	}
	/* With a filter: AND. */
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.limit = 100;
	request.published = "2019..2021";
	FILTER(request, LANTERN_FACET_AGENCY_TYPE, "rural");
	qf_expect_ids(fixture->engine, &request, "guides/tribal-rural,policies/rural-small");
}

/* A reversed range matches nothing, as published:2020..2019 in the query
 * text does. (It once matched everything: Xapian turns an empty value range
 * into an empty Query, which lantern_query_combine drops as "no
 * constraint".) */
static void test_published_reversed_range(void **state)
{
	(void)state;
	static const char *const reversed[] = { "2020..2019", "2019-12-31..2019-01-01" };
	for (size_t i = 0; i < COUNT(reversed); i++) {
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		request.query = "published:2020..2019";
		qf_expect_ids(fixture->engine, &request, "");
		request.query = NULL;
		request.published = reversed[i];
		qf_expect_ids(fixture->engine, &request, "");
	}
}

static void test_published_in_query_text(void **state)
{
	(void)state;
	static const struct { const char *query, *expected; } cases[] = {
		{ "published:2019..2020", "policies/rural-small,policies/urban-large" },
		{ "published:..2018", "guides/all-agencies,reports/suburban" },
		{ "published:2021..", "guides/tribal-rural,misc/escaping,misc/escaping-md" },
		{ "cost published:2019..2020", "policies/rural-small,policies/urban-large" },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		request.query = cases[i].query;
		qf_expect_ids(fixture->engine, &request, cases[i].expected);
	}
}

static void test_published_bad_ranges(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "..", "abc", "2019..abc", "abc..2019", "19", "20190", "2019-1", "2019/05/01",
		"2019-05-01T00", "2019...2020", "2019..2020..2021", "201x", "2019-05-1x",
		"0000000000000000000000002019", " 2019", "2019 ",
	};
	for (size_t i = 0; i < COUNT(bad); i++) {
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.published = bad[i];
		qf_expect_error(fixture->engine, &request, LANTERN_ERROR_INVALID_ARGUMENT, "published");
	}
}

static void test_field_prefixes(void **state)
{
	(void)state;
	static const struct { const char *query, *expected; } cases[] = {
		{ "ranch", "policies/rural-small,reports/suburban" },
		{ "title:ranch", "reports/suburban" },
		{ "title:walrus", "" },
		{ "type:policy", "policies/rural-small,policies/urban-large" },
		{ "type:report", "reports/suburban,reports/undated" },
		{ "cost type:policy", "policies/rural-small,policies/urban-large" },
		{ "cost -type:policy", "guides/all-agencies" },
		{ "topic:gangs", "policies/rural-small,policies/urban-large,reports/suburban" },
		{ "topic:vice topic:drugs",
		  "guides/all-agencies,guides/tribal-rural,policies/rural-small,reports/suburban,reports/undated" },
		{ "topic:gangs type:report", "reports/suburban" },
		{ "agency_type:tribal", "guides/all-agencies,guides/tribal-rural" },
		{ "id:reports/undated", "reports/undated" },
		{ "year:2021", "guides/tribal-rural" },
	};
	for (size_t i = 0; i < COUNT(cases); i++) {
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		request.query = cases[i].query;
		qf_expect_ids(fixture->engine, &request, cases[i].expected);
	}
}

static void test_all_words(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.limit = 100;
	request.query = "ranch pangolin";
	qf_expect_ids(fixture->engine, &request, "policies/rural-small,reports/suburban");
	request.all_words = true;
	qf_expect_ids(fixture->engine, &request, "policies/rural-small");
}

/* ------------------------------------------------------------------ facets */

static json_t *facet_counts(json_t *response, const char *field)
{
	json_t *counts = json_object_get(json_object_get(response, "facetDistribution"), field);
	if (!counts) {
		char *dump = json_dumps(json_object_get(response, "facetDistribution"), JSON_COMPACT);
		print_error("no facet '%s' in %s\n", field, dump ? dump : "(null)");
		free(dump);
	}
	assert_non_null(counts);
	return counts;
}

/* Compares a facet's counts with "value=n,value=n" in response order. */
static void expect_facet_at(const char *file, int line, json_t *response, const char *field,
                            const char *expected)
{
	json_t *counts = facet_counts(response, field);
	char actual[1024] = "";
	size_t used = 0;
	const char *key;
	json_t *value;
	json_object_foreach(counts, key, value)
		used += (size_t)snprintf(actual + used, sizeof(actual) - used, "%s%s=%lld", used ? "," : "",
		                         key, (long long)json_integer_value(value));
	if (strcmp(actual, expected) != 0) {
		print_error("facet %s:\n  expected %s\n  actual   %s\n", field, expected, actual);
		_fail(file, line);
	}
}
#define expect_facet(response, field, expected) \
	expect_facet_at(__FILE__, __LINE__, (response), (field), (expected))

static void test_facets_split_combinations(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.limit = 0;
	request.facets = LANTERN_FACETS_ALL;
	json_t *response = qf_search(fixture->engine, &request);
	assert_int_equal(json_array_size(json_object_get(response, "hits")), 0);
	assert_int_equal(json_integer_value(json_object_get(response, "totalHits")), 8);
	/* rural-small (gangs, drugs) counts once under each. Ties by value. */
	expect_facet(response, "topic", "drugs=3,gangs=3,vice=2");
	/* all-agencies (`all`) counts under every value. */
	expect_facet(response, "agency_type", "rural=3,urban=3,suburban=2,tribal=2");
	expect_facet(response, "agency_size", "mid-sized=3,small=3,large=2");
	expect_facet(response, "resource_level", "high=2,low=2,moderate=1");
	expect_facet(response, "type", "best-practice=2,policy=2,report=2,toolkit=2");
	expect_facet(response, "audience", "investigator=2,supervisor=2");
	expect_facet(response, "language", "en=8");
	expect_facet(response, "publisher", "Alpha Press=2,Beta House=1");
	expect_facet(response, "delivery", "");
	/* Fields in the documented order. */
	const char *names[LANTERN_FACET_COUNT];
	size_t n = 0;
	const char *key;
	json_t *value;
	json_object_foreach(json_object_get(response, "facetDistribution"), key, value)
		names[n++] = key;
	assert_int_equal(n, LANTERN_FACET_COUNT);
	for (int f = 0; f < LANTERN_FACET_COUNT; f++)
		assert_string_equal(names[f], lantern_facet_name((lantern_facet)f));
	json_decref(response);

	/* Only the requested facets. */
	request.facets = 1u << LANTERN_FACET_TOPIC;
	response = qf_search(fixture->engine, &request);
	assert_int_equal(json_object_size(json_object_get(response, "facetDistribution")), 1);
	expect_facet(response, "topic", "drugs=3,gangs=3,vice=2");
	json_decref(response);
}

static void test_facets_disjunctive(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.limit = 100;
	request.facets = LANTERN_FACETS_ALL;
	FILTER(request, LANTERN_FACET_AGENCY_TYPE, "rural");
	FILTER(request, LANTERN_FACET_TYPE, "policy");
	json_t *response = qf_search(fixture->engine, &request);
	char *ids = qf_sorted_ids(response);
	assert_string_equal(ids, "policies/rural-small");
	free(ids);
	/* agency_type ignores its own filter but keeps type=policy. */
	expect_facet(response, "agency_type", "rural=1,urban=1");
	/* type ignores its own filter but keeps agency_type=rural (the `all`
	 * resource and the tribal-rural one are best practices). */
	expect_facet(response, "type", "best-practice=2,policy=1");
	/* Unfiltered fields count the hits. */
	expect_facet(response, "topic", "drugs=1,gangs=1");
	expect_facet(response, "agency_size", "small=1");
	json_decref(response);

	/* Two values in the filtered field: its counts are still over the
	 * other filters only; a query restricts every count. */
	lantern_search_request second = LANTERN_SEARCH_REQUEST_INIT;
	second.limit = 0;
	second.facets = LANTERN_FACETS_ALL;
	second.query = "cost";
	FILTER(second, LANTERN_FACET_AGENCY_SIZE, "small", "large");
	response = qf_search(fixture->engine, &second);
	assert_int_equal(json_integer_value(json_object_get(response, "totalHits")), 3);
	expect_facet(response, "agency_size", "large=2,small=2,mid-sized=1");
	expect_facet(response, "type", "policy=2,best-practice=1");
	json_decref(response);

	/* A date range restricts every field's counts, the filtered one too. */
	lantern_search_request third = LANTERN_SEARCH_REQUEST_INIT;
	third.limit = 0;
	third.facets = LANTERN_FACETS_ALL;
	third.published = "2019..2021";
	FILTER(third, LANTERN_FACET_TOPIC, "vice");
	response = qf_search(fixture->engine, &third);
	assert_int_equal(json_integer_value(json_object_get(response, "totalHits")), 1);
	expect_facet(response, "topic", "gangs=2,drugs=1,vice=1");
	expect_facet(response, "type", "best-practice=1");
	json_decref(response);
}

/* ------------------------------------------------------------------ synonyms */

static void test_synonyms_both_ways(void **state)
{
	(void)state;
	static const char *const queries[] = {
		"QWV", "qwv", "quilted walrus venture", "\"quilted walrus venture\"", "Quilted  Walrus Venture",
		"(QWV)", "\"QWV\"",
	};
	for (size_t i = 0; i < COUNT(queries); i++) {
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		request.query = queries[i];
		json_t *response = qf_search(fixture->engine, &request);
		if (!qf_has_hit(response, "policies/rural-small") || !qf_has_hit(response, "guides/all-agencies")) {
			char *ids = qf_ids(response);
			print_error("'%s' should find the acronym-only and the phrase-only resource: %s\n",
			            queries[i], ids);
			free(ids);
			fail();
		}
		json_decref(response);
	}
	/* The phrase is a phrase: its words apart are not a synonym. */
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.limit = 100;
	request.query = "walrus";
	qf_expect_ids(fixture->engine, &request, "guides/all-agencies");
	request.query = "\"walrus quilted\"";
	qf_expect_ids(fixture->engine, &request, "");
	/* Typing (partial): the last word is not expanded until it is finished. */
	request.all_words = false;
	request.partial = true;
	request.query = "QWV";
	json_t *typing = qf_search(fixture->engine, &request);
	assert_true(qf_has_hit(typing, "policies/rural-small"));
	json_decref(typing);
	request.query = "QWV ";
	qf_expect_ids(fixture->engine, &request, "guides/all-agencies,policies/rural-small");
	request.query = "quilted walrus vent";
	typing = qf_search(fixture->engine, &request);
	assert_true(qf_has_hit(typing, "guides/all-agencies"));
	json_decref(typing);
	request.partial = false;
	/* --all: the synonym group is one alternative. */
	request.query = "QWV cost";
	request.all_words = true;
	qf_expect_ids(fixture->engine, &request, "guides/all-agencies,policies/rural-small");
}

/* A word followed by punctuation is still that word: "What is QWV?" must
 * expand like "What is QWV". (It once did not: "QWV?" was not a plain word
 * for the synonym rewrite.) Punctuation between words still breaks a phrase. */
static void test_synonyms_with_trailing_punctuation(void **state)
{
	(void)state;
	static const char *const queries[] = { "QWV?", "QWV,", "qwv." };
	for (size_t i = 0; i < COUNT(queries); i++) {
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.limit = 100;
		request.query = queries[i];
		json_t *response = qf_search(fixture->engine, &request);
		bool found = qf_has_hit(response, "guides/all-agencies");
		if (!found) {
			char *ids = qf_ids(response);
			print_error("'%s' should find the phrase-only resource guides/all-agencies; got: %s\n",
			            queries[i], ids);
			free(ids);
		}
		json_decref(response);
		assert_true(found);
	}
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.limit = 100;
	request.query = "QWV? cost";
	request.all_words = true;
	qf_expect_ids(fixture->engine, &request, "guides/all-agencies,policies/rural-small");
	request.query = "\"quilted walrus, venture\"";
	request.all_words = false;
	json_t *response = qf_search(fixture->engine, &request);
	assert_false(qf_has_hit(response, "policies/rural-small"));
	json_decref(response);
}

/* ------------------------------------------------------------------ spelling */

static const char *suggestion_of(json_t *response)
{
	json_t *suggestion = json_object_get(response, "suggestion");
	assert_non_null(suggestion); /* the key is always there */
	return json_is_null(suggestion) ? NULL : json_string_value(suggestion);
}

static void test_spelling_suggestion_only_with_results(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.query = "pangolim";
	json_t *response = qf_search(fixture->engine, &request);
	assert_int_equal(json_integer_value(json_object_get(response, "totalHits")), 0);
	assert_non_null(suggestion_of(response));
	assert_string_equal(suggestion_of(response), "pangolin");
	json_decref(response);

	/* The correction has no results among reports: no suggestion. */
	FILTER(request, LANTERN_FACET_TYPE, "report");
	response = qf_search(fixture->engine, &request);
	assert_null(suggestion_of(response));
	json_decref(response);
	/* ... nor outside the date range. */
	request.filter_counts[LANTERN_FACET_TYPE] = 0;
	request.published = "2020..2024";
	response = qf_search(fixture->engine, &request);
	assert_null(suggestion_of(response));
	json_decref(response);
	request.published = "2019";
	response = qf_search(fixture->engine, &request);
	assert_non_null(suggestion_of(response));
	json_decref(response);

	/* Spelling off: none. */
	request.published = NULL;
	request.spelling = false;
	response = qf_search(fixture->engine, &request);
	assert_null(suggestion_of(response));
	json_decref(response);

	/* A word with no near neighbour: none. */
	lantern_search_request other = LANTERN_SEARCH_REQUEST_INIT;
	other.query = "xylophonist";
	response = qf_search(fixture->engine, &other);
	assert_null(suggestion_of(response));
	json_decref(response);
	/* Filters alone: none. */
	other.query = NULL;
	response = qf_search(fixture->engine, &other);
	assert_null(suggestion_of(response));
	json_decref(response);
}

/* A word that is in the index is not misspelt: "gang" (one resource) must
 * not become "Did you mean: gangs", although Xapian offers that (the real
 * corpus once gave DMST -> "cost", NCMEC -> "ncic"). Nor is
 * an acronym of synonyms.yaml that no resource spells (RHY once gave "why"). */
static void test_no_suggestion_for_indexed_words(void **state)
{
	(void)state;
	/* Xapian offers "gangs" for "gang" (both indexed) and "ranch" for RNCH
	 * (in no resource, but a synonym key of "ranch patrols"). */
	static const char *const queries[] = { "gang", "RNCH", "cast", "QWV", "ranch" };
	for (size_t i = 0; i < COUNT(queries); i++) {
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.query = queries[i];
		json_t *response = qf_search(fixture->engine, &request);
		assert_true(json_integer_value(json_object_get(response, "totalHits")) > 0);
		const char *suggestion = suggestion_of(response);
		if (suggestion)
			print_error("'%s' (indexed, has results) got \"Did you mean: %s\"\n", queries[i], suggestion);
		json_decref(response);
		assert_null(suggestion);
	}
}

/* ------------------------------------------------------------------ paging and order */

static void expect_pages_equal_full_list(lantern_search_request request, size_t expected_total)
{
	request.offset = 0;
	request.limit = 1000;
	json_t *full = qf_search(fixture->engine, &request);
	char *all = qf_ids(full);
	assert_int_equal(json_array_size(json_object_get(full, "hits")), expected_total);
	assert_int_equal(json_integer_value(json_object_get(full, "totalHits")), expected_total);
	json_decref(full);

	char joined[4096] = "";
	size_t pages = 0;
	for (request.offset = 0;; request.offset += 3) {
		request.limit = 3;
		json_t *page = qf_search(fixture->engine, &request);
		assert_int_equal(json_integer_value(json_object_get(page, "offset")), request.offset);
		assert_int_equal(json_integer_value(json_object_get(page, "limit")), 3);
		assert_int_equal(json_integer_value(json_object_get(page, "totalHits")), expected_total);
		size_t size = json_array_size(json_object_get(page, "hits"));
		char *ids = qf_ids(page);
		json_decref(page);
		if (size == 0) {
			free(ids);
			break;
		}
		assert_true(size <= 3);
		if (joined[0])
			strcat(joined, ",");
		strcat(joined, ids);
		free(ids);
		pages++;
		assert_true(pages < 100);
	}
	assert_int_equal(pages, (expected_total + 2) / 3);
	if (strcmp(joined, all) != 0) {
		print_error("query '%s' order %d:\n  pages: %s\n  full:  %s\n",
		            request.query ? request.query : "", (int)request.order, joined, all);
		fail();
	}
	/* No repeats. */
	for (char *a = all; a && *a;) {
		char *comma = strchr(a, ',');
		size_t length = comma ? (size_t)(comma - a) : strlen(a);
		char id[256];
		snprintf(id, sizeof(id), "%.*s", (int)length, a);
		size_t seen = 0;
		for (char *b = all; (b = strstr(b, id)) != NULL; b += length)
			if ((b == all || b[-1] == ',') && (b[length] == ',' || b[length] == '\0'))
				seen++;
		assert_int_equal(seen, 1);
		a = comma ? comma + 1 : NULL;
	}
	free(all);
}

static void test_pagination(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	expect_pages_equal_full_list(request, 8);
	request.query = "cost OR report OR guidance OR zebrafish OR ranch";
	expect_pages_equal_full_list(request, 8);
	request.order = LANTERN_ORDER_DATE;
	expect_pages_equal_full_list(request, 8);
	request.order = LANTERN_ORDER_TITLE;
	expect_pages_equal_full_list(request, 8);
	request.query = "cost";
	request.order = LANTERN_ORDER_RELEVANCE;
	expect_pages_equal_full_list(request, 3);
	/* Past the end: no hits, the total still there. */
	request.offset = 50;
	request.limit = 3;
	json_t *response = qf_search(fixture->engine, &request);
	assert_int_equal(json_array_size(json_object_get(response, "hits")), 0);
	assert_int_equal(json_integer_value(json_object_get(response, "totalHits")), 3);
	json_decref(response);
}

static void test_sort_by_date_and_title(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.limit = 100;
	request.order = LANTERN_ORDER_DATE;
	json_t *response = qf_search(fixture->engine, &request);
	char *ids = qf_ids(response);
	assert_string_equal(ids, "misc/escaping-md,misc/escaping,guides/tribal-rural,policies/urban-large,"
	                         "policies/rural-small,guides/all-agencies,reports/suburban,reports/undated");
	free(ids);
	json_decref(response);

	/* With a query the date still decides. */
	request.query = "cost";
	response = qf_search(fixture->engine, &request);
	ids = qf_ids(response);
	assert_string_equal(ids, "policies/urban-large,policies/rural-small,guides/all-agencies");
	free(ids);
	json_decref(response);

	request.query = NULL;
	request.order = LANTERN_ORDER_TITLE;
	response = qf_search(fixture->engine, &request);
	ids = qf_ids(response);
	/* "alpha urban policy" first although lower-case. */
	assert_string_equal(ids, "policies/urban-large,guides/tribal-rural,policies/rural-small,"
	                         "guides/all-agencies,reports/suburban,reports/undated,misc/escaping,"
	                         "misc/escaping-md");
	free(ids);
	json_decref(response);

	json_t *echo = NULL;
	request.order = LANTERN_ORDER_DATE;
	response = qf_search(fixture->engine, &request);
	echo = json_object_get(response, "request");
	assert_string_equal(json_string_value(json_object_get(echo, "sort")), "date");
	json_decref(response);
}

/* ------------------------------------------------------------------ related */

static void test_related(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.limit = 100;
	request.related_id = "misc/escaping";
	json_t *response = qf_search(fixture->engine, &request);
	assert_false(qf_has_hit(response, "misc/escaping"));
	assert_true(qf_has_hit(response, "misc/escaping-md")); /* zebrafish, script, quotes */
	json_decref(response);

	request.related_id = "policies/rural-small";
	response = qf_search(fixture->engine, &request);
	assert_false(qf_has_hit(response, "policies/rural-small"));
	assert_true(json_array_size(json_object_get(response, "hits")) > 0);
	json_decref(response);

	/* Honours filters. */
	FILTER(request, LANTERN_FACET_TYPE, "best-practice");
	response = qf_search(fixture->engine, &request);
	size_t index;
	json_t *hit;
	json_array_foreach(json_object_get(response, "hits"), index, hit)
		assert_string_equal(json_string_value(json_object_get(hit, "type")), "best-practice");
	assert_false(qf_has_hit(response, "policies/rural-small"));
	json_decref(response);

	/* Unknown and bad ids. */
	lantern_search_request unknown = LANTERN_SEARCH_REQUEST_INIT;
	unknown.related_id = "no/such-resource";
	qf_expect_error(fixture->engine, &unknown, LANTERN_ERROR_NOT_FOUND, "no/such-resource");
	unknown.related_id = "policies/rural"; /* a prefix of a real id */
	qf_expect_error(fixture->engine, &unknown, LANTERN_ERROR_NOT_FOUND, NULL);
	unknown.related_id = "";
	qf_expect_error(fixture->engine, &unknown, LANTERN_ERROR_INVALID_ARGUMENT, "related");
}

/* ------------------------------------------------------------------ the response */

static void test_response_shape(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.query = "ranch";
	request.limit = 1;
	request.offset = 1;
	request.facets = 1u << LANTERN_FACET_TYPE;
	FILTER(request, LANTERN_FACET_AGENCY_SIZE, "small");
	json_t *response = qf_search(fixture->engine, &request);
	static const char *const keys[] = { "query", "request", "hits", "totalHits", "totalHitsExact",
	                                    "facetDistribution", "suggestion", "processingTimeMs",
	                                    "offset", "limit" };
	for (size_t i = 0; i < COUNT(keys); i++)
		if (!json_object_get(response, keys[i])) {
			print_error("no '%s' in the response\n", keys[i]);
			fail();
		}
	assert_string_equal(json_string_value(json_object_get(response, "query")), "ranch");
	assert_int_equal(json_integer_value(json_object_get(response, "totalHits")), 2);
	assert_true(json_is_true(json_object_get(response, "totalHitsExact")));
	assert_int_equal(json_array_size(json_object_get(response, "hits")), 1);
	json_t *hit = json_array_get(json_object_get(response, "hits"), 0);
	static const char *const hit_keys[] = { "id", "title", "url", "path", "type", "summary",
	                                        "metadata", "snippet", "score" };
	for (size_t i = 0; i < COUNT(hit_keys); i++)
		if (!json_object_get(hit, hit_keys[i])) {
			print_error("no '%s' in a hit\n", hit_keys[i]);
			fail();
		}
	assert_true(json_is_number(json_object_get(hit, "score")));
	json_t *echo = json_object_get(response, "request");
	assert_string_equal(json_string_value(json_object_get(echo, "q")), "ranch");
	assert_int_equal(json_integer_value(json_object_get(echo, "offset")), 1);
	assert_int_equal(json_integer_value(json_object_get(echo, "limit")), 1);
	json_t *filters = json_object_get(echo, "filters");
	assert_int_equal(json_array_size(json_object_get(filters, "agency_size")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(filters, "agency_size"), 0)), "small");
	assert_int_equal(json_array_size(json_object_get(echo, "facets")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(echo, "facets"), 0)), "type");
	json_decref(response);
}

static void test_facet_names(void **state)
{
	(void)state;
	static const char *const names[] = { "agency_type", "agency_size", "resource_level", "type", "topic",
	                                     "audience", "delivery", "language", "publisher" };
	for (int f = 0; f < LANTERN_FACET_COUNT; f++) {
		assert_string_equal(lantern_facet_name((lantern_facet)f), names[f]);
		assert_int_equal(lantern_facet_lookup(names[f]), f);
	}
	assert_int_equal(lantern_facet_lookup("topics"), LANTERN_FACET_TOPIC);
	assert_int_equal(lantern_facet_lookup("access"), -1);
	assert_int_equal(lantern_facet_lookup(""), -1);
	assert_null(lantern_facet_name(LANTERN_FACET_COUNT));
	assert_null(lantern_facet_name((lantern_facet)-1));
}

static void test_open_errors(void **state)
{
	(void)state;
	lantern_engine *engine = (lantern_engine *)1;
	char *missing = test_join(fixture->dir, "no-such-index");
	assert_int_equal(lantern_engine_open(&engine, missing, NULL, 0), LANTERN_ERROR_NOT_FOUND);
	assert_null(engine);
	free(missing);
	static const char *const unknown_label[] = { "secret" };
	assert_int_equal(lantern_engine_open(&engine, fixture->index, unknown_label, 1), LANTERN_ERROR_NOT_FOUND);
	assert_null(engine);
	static const char *const public_label[] = { "public" };
	assert_int_equal(lantern_engine_open(&engine, fixture->index, public_label, 1), LANTERN_OK);
	const char *const *labels = NULL;
	assert_int_equal(lantern_engine_partitions(engine, &labels), 1);
	assert_string_equal(labels[0], "public");
	lantern_engine_close(engine);
	lantern_engine_close(NULL);
}

int main(void)
{
	qf_require_indexer();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_filters_or_within_and_across),
		cmocka_unit_test(test_filter_all_matches_any_single_value),
		cmocka_unit_test(test_published_ranges),
		cmocka_unit_test(test_published_reversed_range),
		cmocka_unit_test(test_published_in_query_text),
		cmocka_unit_test(test_published_bad_ranges),
		cmocka_unit_test(test_field_prefixes),
		cmocka_unit_test(test_all_words),
		cmocka_unit_test(test_facets_split_combinations),
		cmocka_unit_test(test_facets_disjunctive),
		cmocka_unit_test(test_synonyms_both_ways),
		cmocka_unit_test(test_synonyms_with_trailing_punctuation),
		cmocka_unit_test(test_spelling_suggestion_only_with_results),
		cmocka_unit_test(test_no_suggestion_for_indexed_words),
		cmocka_unit_test(test_pagination),
		cmocka_unit_test(test_sort_by_date_and_title),
		cmocka_unit_test(test_related),
		cmocka_unit_test(test_response_shape),
		cmocka_unit_test(test_facet_names),
		cmocka_unit_test(test_open_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
