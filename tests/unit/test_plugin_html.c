/*
 * test_plugin_html.c - the HTML extractor plugin (plugins/html), run through
 * the host API exactly as the indexer runs it (isolated in lantern-extract).
 *
 * Inputs: tests/data/plugins/html/ (hand-written pages: UTF-8 with headings,
 * metadata and dropped chrome; windows-1252 and ISO-8859-1 pages; hostile
 * scripts and links; XHTML with external entities), plus pages made here in
 * a temporary directory (100,000 nested divs, empty and binary files).
 */
#include "plugin_support.h"

static int setup(void **state)
{
	*state = plugin_fixture_new("html");
	return 0;
}

static int teardown(void **state)
{
	plugin_fixture_free(*state);
	return 0;
}

static void test_descriptor(void **state)
{
	plugin_fixture *fixture = *state;
	assert_ptr_equal(lantern_plugins_for_path(fixture->set, "a/page.html"), fixture->plugin);
	assert_ptr_equal(lantern_plugins_for_path(fixture->set, "a/PAGE.HTM"), fixture->plugin);
	assert_ptr_equal(lantern_plugins_for_path(fixture->set, "a/page.xhtml"), fixture->plugin);
	assert_string_equal(fixture->plugin->media_types[0], "text/html");
}

static void test_article(void **state)
{
	plugin_fixture *fixture = *state;
	char *path = plugin_test_data("html/article.html");
	lantern_document_text text;
	plugin_extract_ok(fixture, path, &text);
	expect_text_equal(text.title, "Community Policing & Trust");
	expect_text_equal(text.author, "Aroha Ngata");
	expect_text_equal(text.created, "2023-04-05");
	expect_text_equal(text.modified, "2024-01-31");
	expect_text_equal(text.first_heading, "Community Policing");
	assert_int_equal(text.page_count, 0);
	/* Headings, paragraphs, list items, rows, <br>, <pre>, entities. */
	expect_text_equal(text.text,
	                  "Community Policing\n\n"
	                  "Officers in Tāmaki Makaurau meet residents weekly.\n\n"
	                  "Entities: café & crème, ☺ smile, 5 km, <tag>.\n\n"
	                  "Programmes\n\n"
	                  "Neighbourhood watch\n\n"
	                  "Straße outreach\n\n"
	                  "First line\n\n"
	                  "Second line\n\n"
	                  "Region Officers\n\n"
	                  "Northland 42\n\n"
	                  "Code sample\n\n"
	                  "line  one\n    indented two\n\n"
	                  "東京 quotation");
	/* Chrome, scripts, hidden parts and comments are dropped. */
	static const char *const dropped[] = {
		"SECRET", "Site Header", "Navigation Home", "Breadcrumb", "Hidden Icon", "Enable JavaScript",
		"Template Text", "SVG Label", "Iframe Fallback", "Form Label", "Comment Text", "Aside Related",
		"Footer Copyright", "Secret Style",
	};
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		expect_lacks(text.text, dropped[i]);
	lantern_document_text_clear(&text);
	free(path);
}

static void test_declared_charsets(void **state)
{
	plugin_fixture *fixture = *state;
	char *path = plugin_test_data("html/windows-1252.html");
	lantern_document_text text;
	plugin_extract_ok(fixture, path, &text);
	expect_text_equal(text.title, "Café “Menu”");
	expect_text_equal(text.first_heading, "Crème brûlée");
	expect_text_equal(text.text, "Crème brûlée\n\nPrice: €20 – naïve © 2024");
	lantern_document_text_clear(&text);
	free(path);

	path = plugin_test_data("html/latin1.html");
	plugin_extract_ok(fixture, path, &text);
	expect_text_equal(text.title, "Été à Zürich");
	expect_text_equal(text.text, "Grüße aus Köln");
	lantern_document_text_clear(&text);
	free(path);

	/* XHTML: the XML declaration's encoding (the HTML parser alone would
	 * not look at it). */
	path = plugin_test_data("html/xml-declaration.xhtml");
	plugin_extract_ok(fixture, path, &text);
	expect_text_equal(text.title, "“Declared” in XML");
	expect_text_equal(text.text, "Café € 5 – 6");
	lantern_document_text_clear(&text);
	free(path);

	/* No declaration, well-formed UTF-8: UTF-8 (libxml2 alone would say
	 * Latin-1); U+00A0 (&nbsp;) is a space, "à" (C3 A0) is not. */
	test_write_file(fixture->temp, "utf8.html", "<p>voil\xc3\xa0 \xe6\x9d\xb1\xe4\xba\xac&nbsp;\xc2\xa0x</p>");
	path = test_join(fixture->temp, "utf8.html");
	plugin_extract_ok(fixture, path, &text);
	expect_text_equal(text.text, "voilà 東京 x");
	lantern_document_text_clear(&text);
	free(path);

	/* No declaration and bytes that are not UTF-8: read as Latin-1. */
	test_write_file(fixture->temp, "undeclared.html", "<p>Caf\xe9 cr\xe8me</p>");
	path = test_join(fixture->temp, "undeclared.html");
	plugin_extract_ok(fixture, path, &text);
	expect_text_equal(text.text, "Café crème");
	lantern_document_text_clear(&text);
	free(path);
}

static void test_hostile_markup(void **state)
{
	plugin_fixture *fixture = *state;
	char *path = plugin_test_data("html/hostile.html");
	lantern_document_text text;
	plugin_extract_ok(fixture, path, &text);
	expect_text_equal(text.title, "Hostile page");
	assert_null(text.first_heading);
	expect_contains(text.text, "Safe paragraph click here now.\n\nImage follows");
	expect_contains(text.text, "Unclosed bold italic\n\nNext paragraph");
	static const char *const never[] = {
		"INJECTED", "FAKE-HEADING", "COMMENTED-SCRIPT", "STYLE-TEXT", "ONLOAD", "JAVASCRIPT-URL",
		"javascript:", "ONERROR", "UNTERMINATED-SCRIPT", "alert", "document.write",
	};
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		expect_lacks(text.text, never[i]);
	lantern_document_text_clear(&text);
	free(path);
}

static void test_xhtml_entities(void **state)
{
	plugin_fixture *fixture = *state;
	char *path = plugin_test_data("html/xxe.xhtml");
	lantern_document_text text;
	plugin_extract_ok(fixture, path, &text);
	expect_text_equal(text.title, "XHTML with external entities");
	expect_text_equal(text.first_heading, "Entity test");
	/* The internal subset is neither shown nor obeyed: external entities
	 * stay unread references, and /etc/passwd never shows up. */
	expect_text_equal(text.text, "Entity test\n\nBefore &xxe; after.\n\n"
	                             "Internal &internal; entity and & ampersand and café.");
	expect_lacks(text.text, "root:");
	expect_lacks(text.text, "ENTITY");
	expect_lacks(text.text, "expanded-internal");
	lantern_document_text_clear(&text);
	free(path);
}

/* Writes `depth` nested divs around a word. */
static char *write_nested(plugin_fixture *fixture, const char *name, size_t depth)
{
	size_t length = depth * 11 + 64;
	char *page = malloc(length);
	assert_non_null(page);
	size_t at = (size_t)snprintf(page, length, "<html><body>");
	for (size_t i = 0; i < depth; i++)
		at += (size_t)snprintf(page + at, length - at, "<div>");
	at += (size_t)snprintf(page + at, length - at, "deep");
	for (size_t i = 0; i < depth; i++)
		at += (size_t)snprintf(page + at, length - at, "</div>");
	test_write_bytes(fixture->temp, name, page, at);
	free(page);
	return test_join(fixture->temp, name);
}

static void test_deep_nesting(void **state)
{
	plugin_fixture *fixture = *state;
	/* 200 levels: fine. */
	char *path = write_nested(fixture, "nested200.html", 200);
	lantern_document_text text;
	plugin_extract_ok(fixture, path, &text);
	expect_text_equal(text.text, "deep");
	lantern_document_text_clear(&text);
	free(path);
	/* 100,000 levels: libxml2 stops at 256 (no HTML_PARSE_HUGE) and the
	 * plugin fails cleanly rather than indexing a cut-off page. */
	path = write_nested(fixture, "nested100k.html", 100000);
	expect_extract_failure(fixture, path, "HTML nested deeper than 256 elements");
	free(path);
}

static void test_bad_files(void **state)
{
	plugin_fixture *fixture = *state;
	test_write_bytes(fixture->temp, "empty.html", "", 0);
	char *path = test_join(fixture->temp, "empty.html");
	expect_extract_failure(fixture, path, "empty file");
	free(path);

	static const char binary[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0<html>";
	test_write_bytes(fixture->temp, "binary.html", binary, sizeof(binary) - 1);
	path = test_join(fixture->temp, "binary.html");
	expect_extract_failure(fixture, path, "binary data, not an HTML page");
	free(path);

	path = test_join(fixture->temp, "missing.html");
	expect_extract_failure(fixture, path, "cannot open the file");
	free(path);
}

static void test_output_limit(void **state)
{
	plugin_fixture *fixture = *state;
	char *path = plugin_test_data("html/article.html");
	lantern_extract_limits saved = fixture->limits;
	fixture->limits.output_bytes = 100;
	plugin_check_failure(__FILE__, __LINE__, fixture, path, LANTERN_ERROR_PARSE, "over the 100-byte limit");
	fixture->limits = saved;
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptor),
		cmocka_unit_test(test_article),
		cmocka_unit_test(test_declared_charsets),
		cmocka_unit_test(test_hostile_markup),
		cmocka_unit_test(test_xhtml_entities),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_output_limit),
	};
	return cmocka_run_group_tests_name("plugin_html", tests, setup, teardown);
}
