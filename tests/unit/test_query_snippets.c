/*
 * test_query_snippets.c - snippets and highlighting (query/engine.c).
 *
 * HTML mode: a body holding <script>alert(1)</script> & "quotes" comes out
 * as &lt;script&gt;... &amp; &quot; with <mark> only around matched words (from a
 * plain-text file and from a Markdown code span); text that already looks
 * like an entity (&lt;) is escaped again, not passed through; a resource
 * without a body shows its summary, escaped. TEXT mode: the same text
 * unescaped, matches between \x01 and \x02, no HTML anywhere, and control
 * bytes \x01/\x02 in a body never pose as markers. lantern_highlight_text
 * swaps the markers. titles_only matches titles only and gives no snippet.
 */
#include "query_fixture.h"

#include <strings.h>

static qf_fixture *fixture;

static const qf_file extra_files[] = {
	{ "misc/entities.txt",
	  "---\ntitle: Literal entities\ntype: toolkit\n---\n"
	  "Literal &lt;tag&gt; text and AT&amp;T zebrafish.\n" },
	{ "misc/markers.txt",
	  "---\ntitle: Marker sample\ntype: toolkit\n---\n"
	  "zebrafish \x01" "fake\x02 marker text.\n" },
	{ "misc/summary-only.md",
	  "---\ntitle: Summary only sample\ntype: toolkit\n"
	  "summary: Use <b>bold</b> & \"care\" - it's fine with zebrafish\n---\n" },
};

static int setup(void **state)
{
	(void)state;
	static qf_file files[QF_STANDARD_COUNT + sizeof(extra_files) / sizeof(extra_files[0])];
	size_t count = 0;
	for (size_t i = 0; i < QF_STANDARD_COUNT; i++)
		files[count++] = qf_standard_files[i];
	for (size_t i = 0; i < sizeof(extra_files) / sizeof(extra_files[0]); i++)
		files[count++] = extra_files[i];
	fixture = qf_build("query-snippets", files, count, QF_SYNONYMS);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	qf_destroy(fixture);
	return 0;
}

/* The snippet of hit `id` for `query` (malloc'd; NULL when null). */
static char *snippet_for(const char *query, const char *id, lantern_highlight highlight)
{
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.query = query;
	request.limit = 100;
	request.highlight = highlight;
	json_t *response = qf_search(fixture->engine, &request);
	char *out = NULL;
	bool found = false;
	size_t index;
	json_t *hit;
	json_array_foreach(json_object_get(response, "hits"), index, hit) {
		if (strcmp(json_string_value(json_object_get(hit, "id")), id) != 0)
			continue;
		found = true;
		const char *snippet = json_string_value(json_object_get(hit, "snippet"));
		out = snippet ? strdup(snippet) : NULL;
	}
	if (!found) {
		char *ids = qf_ids(response);
		print_error("no hit %s for '%s' (hits: %s)\n", id, query, ids);
		free(ids);
	}
	json_decref(response);
	assert_true(found);
	return out;
}

static void expect_contains_at(const char *file, int line, const char *text, const char *needle)
{
	if (!strstr(text, needle)) {
		print_error("expected '%s' in: %s\n", needle, text);
		_fail(file, line);
	}
}
#define expect_contains(text, needle) expect_contains_at(__FILE__, __LINE__, (text), (needle))

static void expect_lacks_at(const char *file, int line, const char *text, const char *needle)
{
	if (strstr(text, needle)) {
		print_error("unexpected '%s' in: %s\n", needle, text);
		_fail(file, line);
	}
}
#define expect_lacks(text, needle) expect_lacks_at(__FILE__, __LINE__, (text), (needle))

/* HTML-safe: the only tags are <mark>/</mark>, properly paired, each around
 * a word equal (ignoring case) to one of `words`; every & starts an entity. */
static void expect_safe_html_at(const char *file, int line, const char *snippet,
                                const char *const *words, size_t word_count)
{
	static const char *const entities[] = { "&lt;", "&gt;", "&amp;", "&quot;", "&#39;", "&#x27;", "&apos;" };
	bool open = false;
	const char *mark_start = NULL;
	size_t marks = 0;
	for (const char *p = snippet; *p; p++) {
		if (strncmp(p, "<mark>", 6) == 0) {
			if (open)
				goto bad;
			open = true;
			mark_start = p + 6;
			p += 5;
			continue;
		}
		if (strncmp(p, "</mark>", 7) == 0) {
			if (!open)
				goto bad;
			size_t length = (size_t)(p - mark_start);
			bool known = false;
			for (size_t w = 0; w < word_count; w++)
				known = known || (strlen(words[w]) == length && strncasecmp(words[w], mark_start, length) == 0);
			if (!known) {
				print_error("marked '%.*s' is not a query word\n", (int)length, mark_start);
				goto bad;
			}
			open = false;
			marks++;
			p += 6;
			continue;
		}
		if (*p == '<' || *p == '>')
			goto bad;
		if (*p == '&') {
			bool entity = false;
			for (size_t e = 0; e < sizeof(entities) / sizeof(entities[0]); e++)
				entity = entity || strncmp(p, entities[e], strlen(entities[e])) == 0;
			if (!entity)
				goto bad;
		}
	}
	if (open || marks == 0)
		goto bad;
	return;
bad:
	print_error("not safe HTML with <mark> around matches only: %s\n", snippet);
	_fail(file, line);
}
#define expect_safe_html(snippet, ...)                                                        \
	do {                                                                                  \
		static const char *const words_[] = { __VA_ARGS__ };                            \
		expect_safe_html_at(__FILE__, __LINE__, (snippet), words_,                      \
		                    sizeof(words_) / sizeof(words_[0]));                        \
	} while (0)

static size_t count_of(const char *text, char c)
{
	size_t n = 0;
	for (; *text; text++)
		n += *text == c;
	return n;
}

/* ------------------------------------------------------------------ HTML */

static void test_html_escapes_script(void **state)
{
	(void)state;
	static const char *const ids[] = { "misc/escaping", "misc/escaping-md" };
	for (size_t i = 0; i < 2; i++) {
		char *snippet = snippet_for("zebrafish", ids[i], LANTERN_HIGHLIGHT_HTML);
		assert_non_null(snippet);
		expect_contains(snippet, "&lt;script&gt;alert(1)&lt;/script&gt;");
		expect_contains(snippet, " &amp; ");
		expect_contains(snippet, "<mark>zebrafish</mark>");
		expect_lacks(snippet, "<script");
		expect_lacks(snippet, "</script");
		expect_safe_html(snippet, "zebrafish");
		free(snippet);
	}
	/* A match inside the escaped tag: the marks go around the word only. */
	char *snippet = snippet_for("script", "misc/escaping", LANTERN_HIGHLIGHT_HTML);
	expect_contains(snippet, "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;");
	expect_safe_html(snippet, "script");
	free(snippet);
	snippet = snippet_for("alert quotes", "misc/escaping", LANTERN_HIGHLIGHT_HTML);
	expect_contains(snippet, "&gt;<mark>alert</mark>(1)");
	expect_safe_html(snippet, "alert", "quotes");
	free(snippet);
}

/* "everything else HTML-escaped" (engine.h), quotes too, as in summaries:
 * a snippet is safe in an attribute as well as in element text. (Xapian's
 * MSet::snippet escapes only < > &.) */
static void test_html_escapes_quotes(void **state)
{
	(void)state;
	char *snippet = snippet_for("zebrafish", "misc/escaping", LANTERN_HIGHLIGHT_HTML);
	expect_lacks(snippet, "\"");
	expect_contains(snippet, "&quot;quotes&quot;");
	expect_contains(snippet, "<mark>zebrafish</mark>");
	free(snippet);
	snippet = snippet_for("zebrafish", "misc/summary-only", LANTERN_HIGHLIGHT_HTML);
	expect_lacks(snippet, "'");
	expect_contains(snippet, "it&#39;s");
	free(snippet);
}

static void test_html_escapes_entities_again(void **state)
{
	(void)state;
	char *snippet = snippet_for("zebrafish", "misc/entities", LANTERN_HIGHLIGHT_HTML);
	expect_contains(snippet, "Literal &amp;lt;tag&amp;gt; text and AT&amp;amp;T <mark>zebrafish</mark>");
	expect_safe_html(snippet, "zebrafish");
	free(snippet);
}

static void test_html_summary_fallback(void **state)
{
	(void)state;
	char *snippet = snippet_for("zebrafish", "misc/summary-only", LANTERN_HIGHLIGHT_HTML);
	assert_non_null(snippet);
	assert_string_equal(snippet, "Use &lt;b&gt;bold&lt;/b&gt; &amp; &quot;care&quot; - it&#39;s fine with zebrafish");
	free(snippet);
	snippet = snippet_for("zebrafish", "misc/summary-only", LANTERN_HIGHLIGHT_TEXT);
	assert_string_equal(snippet, "Use <b>bold</b> & \"care\" - it's fine with zebrafish");
	free(snippet);
}

/* ------------------------------------------------------------------ TEXT */

static void test_text_mode_markers_and_raw_text(void **state)
{
	(void)state;
	static const char *const ids[] = { "misc/escaping", "misc/escaping-md" };
	for (size_t i = 0; i < 2; i++) {
		char *snippet = snippet_for("zebrafish", ids[i], LANTERN_HIGHLIGHT_TEXT);
		assert_non_null(snippet);
		expect_contains(snippet, "<script>alert(1)</script> & \"quotes\" \x01zebrafish\x02");
		expect_lacks(snippet, "<mark>");
		expect_lacks(snippet, "&lt;");
		expect_lacks(snippet, "&amp;");
		expect_lacks(snippet, "&quot;");
		assert_int_equal(count_of(snippet, '\x01'), 1);
		assert_int_equal(count_of(snippet, '\x02'), 1);

		char *shown = lantern_highlight_text(snippet, "[", "]");
		assert_non_null(shown);
		expect_contains(shown, "& \"quotes\" [zebrafish]");
		free(shown);
		shown = lantern_highlight_text(snippet, "", "");
		expect_contains(shown, "<script>alert(1)</script> & \"quotes\" zebrafish");
		assert_int_equal(count_of(shown, '\x01') + count_of(shown, '\x02'), 0);
		free(shown);
		free(snippet);
	}
	/* Text that looks like an entity stays as written. */
	char *snippet = snippet_for("zebrafish", "misc/entities", LANTERN_HIGHLIGHT_TEXT);
	expect_contains(snippet, "Literal &lt;tag&gt; text and AT&amp;T \x01zebrafish\x02.");
	free(snippet);
	/* Several matches, each marked. */
	snippet = snippet_for("script alert", "misc/escaping", LANTERN_HIGHLIGHT_TEXT);
	expect_contains(snippet, "<\x01script\x02>\x01" "alert\x02(1)</\x01script\x02>");
	free(snippet);
}

static void test_text_mode_body_control_bytes_are_not_markers(void **state)
{
	(void)state;
	char *snippet = snippet_for("zebrafish", "misc/markers", LANTERN_HIGHLIGHT_TEXT);
	assert_non_null(snippet);
	assert_int_equal(count_of(snippet, '\x01'), 1);
	assert_int_equal(count_of(snippet, '\x02'), 1);
	assert_true(strstr(snippet, "\x01zebrafish\x02") != NULL);
	free(snippet);
	snippet = snippet_for("zebrafish", "misc/markers", LANTERN_HIGHLIGHT_HTML);
	expect_safe_html(snippet, "zebrafish");
	assert_int_equal(count_of(snippet, '\x01') + count_of(snippet, '\x02'), 0);
	free(snippet);
}

static void test_highlight_text_helper(void **state)
{
	(void)state;
	char *out = lantern_highlight_text("a \x01" "b\x02 c \x01" "d\x02", "<<", ">>");
	assert_string_equal(out, "a <<b>> c <<d>>");
	free(out);
	out = lantern_highlight_text("", "[", "]");
	assert_string_equal(out, "");
	free(out);
	out = lantern_highlight_text("plain", "\033[1;33m", "\033[0m");
	assert_string_equal(out, "plain");
	free(out);
}

/* titles_only (suggestions as you type): words match titles only, and
 * hits carry no snippet. */
static void test_titles_only_has_no_snippet(void **state)
{
	(void)state;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.query = "escaping";
	request.limit = 100;
	request.titles_only = true;
	json_t *response = qf_search(fixture->engine, &request);
	char *ids = qf_sorted_ids(response);
	assert_string_equal(ids, "misc/escaping,misc/escaping-md");
	free(ids);
	size_t index;
	json_t *hit;
	json_array_foreach(json_object_get(response, "hits"), index, hit)
		assert_true(json_is_null(json_object_get(hit, "snippet")));
	json_decref(response);
	/* A body-only word finds nothing. */
	request.query = "zebrafish";
	response = qf_search(fixture->engine, &request);
	assert_int_equal(json_integer_value(json_object_get(response, "totalHits")), 0);
	json_decref(response);
	/* Partial, as typed. */
	request.query = "escap";
	request.partial = true;
	response = qf_search(fixture->engine, &request);
	assert_int_equal(json_integer_value(json_object_get(response, "totalHits")), 2);
	json_decref(response);
}

/* Synonyms are highlighted too: the phrase for the acronym. */
static void test_synonym_highlighted(void **state)
{
	(void)state;
	char *snippet = snippet_for("QWV", "guides/all-agencies", LANTERN_HIGHLIGHT_HTML);
	expect_contains(snippet, "<mark>");
	expect_contains(snippet, "walrus");
	free(snippet);
}

int main(void)
{
	qf_require_indexer();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_html_escapes_script),
		cmocka_unit_test(test_html_escapes_quotes),
		cmocka_unit_test(test_html_escapes_entities_again),
		cmocka_unit_test(test_html_summary_fallback),
		cmocka_unit_test(test_text_mode_markers_and_raw_text),
		cmocka_unit_test(test_text_mode_body_control_bytes_are_not_markers),
		cmocka_unit_test(test_highlight_text_helper),
		cmocka_unit_test(test_titles_only_has_no_snippet),
		cmocka_unit_test(test_synonym_highlighted),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
