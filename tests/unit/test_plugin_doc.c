/*
 * test_plugin_doc.c - the legacy Word (.doc) extractor plugin (plugins/doc),
 * run through the host API exactly as the indexer runs it (isolated in
 * lantern-extract, which runs antiword).
 *
 * Inputs: tests/data/plugins/doc/sample.doc (a minimal Word 97 file made by
 * make_sample.py there), the one real .doc of the shared corpus when present
 * (skipped otherwise), and files made here: an empty file, a text file; and
 * the office tests' OLE container that holds no Word document.
 * Cases that need antiword skip when it is not installed; the missing-tool
 * reason is tested with an empty PATH.
 */
#include "plugin_support.h"

static int setup(void **state)
{
	*state = plugin_fixture_new("doc");
	return 0;
}

static int teardown(void **state)
{
	plugin_fixture_free(*state);
	return 0;
}

static bool have_antiword(void)
{
	const char *path = getenv("PATH");
	char copy[8192];
	snprintf(copy, sizeof(copy), "%s", path ? path : "/usr/bin:/bin");
	for (char *dir = strtok(copy, ":"); dir; dir = strtok(NULL, ":")) {
		char candidate[8300];
		snprintf(candidate, sizeof(candidate), "%s/antiword", dir);
		if (access(candidate, X_OK) == 0)
			return true;
	}
	return false;
}

static void test_descriptor(void **state)
{
	plugin_fixture *fixture = *state;
	assert_ptr_equal(lantern_plugins_for_path(fixture->set, "a/old.doc"), fixture->plugin);
	assert_ptr_equal(lantern_plugins_for_path(fixture->set, "a/OLD.DOC"), fixture->plugin);
	assert_string_equal(fixture->plugin->media_types[0], "application/msword");
}

static void test_without_antiword(void **state)
{
	plugin_fixture *fixture = *state;
	/* An empty PATH: neither antiword nor catdoc can be found (the helper
	 * itself is started by its full path). */
	const char *saved = getenv("PATH");
	char *old_path = saved ? strdup(saved) : NULL;
	char *empty_dir = test_join(fixture->temp, "no-tools");
	assert_int_equal(mkdir(empty_dir, 0700), 0);
	setenv("PATH", empty_dir, 1);
	test_write_file(fixture->temp, "any.doc", "whatever");
	char *path = test_join(fixture->temp, "any.doc");
	expect_extract_failure(fixture, path, "legacy .doc needs antiword (Debian package antiword)");
	if (old_path)
		setenv("PATH", old_path, 1);
	else
		unsetenv("PATH");
	free(old_path);
	free(empty_dir);
	free(path);
}

static void test_bad_files(void **state)
{
	plugin_fixture *fixture = *state;
	test_write_bytes(fixture->temp, "empty.doc", "", 0);
	char *path = test_join(fixture->temp, "empty.doc");
	expect_extract_failure(fixture, path, "empty file");
	free(path);
	path = test_join(fixture->temp, "missing.doc");
	expect_extract_failure(fixture, path, "cannot open the file");
	free(path);
	if (!have_antiword()) {
		print_message("antiword is not installed: its own reasons are not tested\n");
		return;
	}
	test_write_file(fixture->temp, "text.doc", "This is plain text pretending to be a Word document.\n");
	path = test_join(fixture->temp, "text.doc");
	expect_extract_failure(fixture, path, "antiword: the file is not a Word Document.");
	free(path);
	/* An OLE compound file without a WordDocument stream (the encrypted
	 * DOCX of the office tests). */
	path = plugin_test_data("office/password.docx");
	expect_extract_failure(fixture, path, "antiword: This OLE file does not contain a Word document");
	free(path);
}

/* A Word 97 document made for the tests (tests/data/plugins/doc). */
static void test_own_document(void **state)
{
	plugin_fixture *fixture = *state;
	char *path = plugin_test_data("doc/sample.doc");
	if (access(path, R_OK) != 0 || !have_antiword()) {
		print_message("%s or antiword missing: skipped\n", path);
		free(path);
		skip();
		return;
	}
	lantern_document_text text;
	plugin_extract_ok(fixture, path, &text);
	expect_contains(text.text, "Lantern legacy Word sample");
	expect_contains(text.text, "Second paragraph with café and naïve.");
	expect_contains(text.text, "sample\n\nSecond");
	assert_int_equal(text.page_count, 0);
	assert_null(text.first_heading);
	lantern_document_text_clear(&text);
	free(path);
}

/* The one real .doc of the shared corpus, when it is there. */
static void test_shared_corpus(void **state)
{
	plugin_fixture *fixture = *state;
	const char *shared = getenv("LANTERN_SHARED_DIR");
	char *path = NULL;
	if (shared && shared[0]) {
		char base[4096];
		snprintf(base, sizeof(base),
		         "%.3900s/corpora/nz-police/files/police-filming-and-audio-recording-of-operations-and-events/"
		         "unnamed-version-1",
		         shared);
		path = test_join(base, "Police filming and audio recording of operations and events.doc");
	}
	if (!path || access(path, R_OK) != 0 || !have_antiword()) {
		print_message("shared corpus (LANTERN_SHARED_DIR/corpora/nz-police) or antiword absent: skipped\n");
		free(path);
		skip();
		return;
	}
	lantern_document_text text;
	plugin_extract_ok(fixture, path, &text);
	/* The document's name opens its text; paragraphs are blocks, lines
	 * are not wrapped, bullets come through as UTF-8. */
	assert_true(strncmp(text.text, "Police filming and audio recording of operations and events\n\n", 61) == 0);
	expect_contains(text.text, "\xE2\x80\xA2 ");
	expect_lacks(text.text, "\n\n\n");
	assert_true(text.length > 5000);
	assert_int_equal(text.page_count, 0);
	lantern_document_text_clear(&text);
	free(path);
}

static void test_output_limit(void **state)
{
	plugin_fixture *fixture = *state;
	char *path = plugin_test_data("doc/sample.doc");
	if (access(path, R_OK) != 0 || !have_antiword()) {
		free(path);
		skip();
		return;
	}
	lantern_extract_limits saved = fixture->limits;
	fixture->limits.output_bytes = 10;
	expect_extract_failure(fixture, path, "over the 10-byte limit");
	fixture->limits = saved;
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptor),
		cmocka_unit_test(test_without_antiword),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_own_document),
		cmocka_unit_test(test_shared_corpus),
		cmocka_unit_test(test_output_limit),
	};
	return cmocka_run_group_tests_name("plugin_doc", tests, setup, teardown);
}
