/*
 * test_extract_host.c - the extractor host (lib/extract/extract.c) with the
 * build's pdf, transcript and hello plugins and with misbehaving test
 * plugins (chaos_plugin.c).
 *
 *   - loading: built-ins alone (no directory, a missing directory); the
 *     build's plugin directory; a directory holding a text file named x.so,
 *     a plugin with ABI version 99, one without an entry point and a second
 *     plugin named "hello": each reported as a warning naming its file and
 *     skipped, the good plugin still loaded;
 *   - lantern_plugins_for_path by extension, case-insensitively, and
 *     lantern_plugins_by_name;
 *   - lantern_extract_file on every fixture of tests/data/extract: exact
 *     text fragments, what must not appear (cue timings, NOTE blocks, BOMs),
 *     headings, metadata (title, author, created, modified), page counts and
 *     page starts (a phrase's offset maps to its page through
 *     lantern_document_page_of); bad inputs (scan, corrupt, not a PDF,
 *     encrypted, missing) fail with their reasons;
 *   - isolation: a crash, an abort, a CPU spin (wall clock and CPU limit),
 *     a sleep, a spin that left a grandchild behind (killed with the group),
 *     unbounded allocation under a 64 MB limit, text over the output cap,
 *     floods of page breaks and metadata, garbage on stdout, exit(),
 *     failures with and without a reason: each fails one extraction with a
 *     clear reason and the next extraction works;
 *   - the in-process (trusted) path: built-in Markdown/text and a trusted
 *     plugin, its errors and its output cap; invalid UTF-8 replaced;
 *   - the frame stream lantern_extract_to_fd writes;
 *   - limits: a 20,000-page PDF made at test time (page numbers stay right,
 *     a small output cap fails it), 20,000 empty pages (no text layer),
 *     more than 2^20 page breaks.
 */
#define _GNU_SOURCE
#include "../unit/test_support.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "lantern/extract.h"

#ifndef LANTERN_TEST_BUILD_DIR
#define LANTERN_TEST_BUILD_DIR "build"
#endif

/* ------------------------------------------------------------------ paths */

static char build_dir[4096], plugin_dir[4096], helper[4096], fixtures[4096];
static char *scratch; /* mkdtemp folder for files made by the tests */

static void find_paths(void)
{
	const char *build = getenv("LANTERN_BUILD_DIR");
	if (!build || !build[0])
		build = LANTERN_TEST_BUILD_DIR;
	snprintf(build_dir, sizeof(build_dir), "%s", build);
	snprintf(plugin_dir, sizeof(plugin_dir), "%s/plugins", build);
	snprintf(helper, sizeof(helper), "%s/plugins/lantern-extract", build);
	snprintf(fixtures, sizeof(fixtures), "%s/tests/data/extract", test_source_dir());
}

static char *fixture(const char *name)
{
	return test_join(fixtures, name);
}

static double now_seconds(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static lantern_extract_limits default_limits(void)
{
	lantern_extract_limits limits = LANTERN_EXTRACT_LIMITS_INIT;
	limits.helper = helper;
	return limits;
}

/* Loads `directory` and fails on any diagnostic (unless `allow_warnings`). */
static lantern_plugin_set *load_set(const char *directory, bool allow_warnings)
{
	lantern_plugin_set *set = NULL;
	lantern_diagnostics problems = LANTERN_DIAGNOSTICS_INIT;
	assert_int_equal(lantern_plugins_load(&set, directory, &problems), LANTERN_OK);
	assert_non_null(set);
	if (problems.count && !allow_warnings) {
		print_error("unexpected diagnostics loading %s\n", directory ? directory : "(null)");
		test_print_diagnostics(&problems);
		fail();
	}
	lantern_diagnostics_clear(&problems);
	return set;
}

/* ------------------------------------------------------------------ text checks */

static void check_contains(const char *file, int line, const char *haystack, size_t length, const char *needle)
{
	if (!haystack || !memmem(haystack, length, needle, strlen(needle))) {
		print_error("missing \"%s\" in:\n---\n%.*s\n---\n", needle, haystack ? (int)length : 0,
		            haystack ? haystack : "");
		_fail(file, line);
	}
}
#define expect_contains(text, needle) check_contains(__FILE__, __LINE__, (text).text, (text).length, (needle))
#define expect_string_contains(string, needle) \
	check_contains(__FILE__, __LINE__, (string), (string) ? strlen(string) : 0, (needle))

static void check_absent(const char *file, int line, const char *haystack, size_t length, const char *needle)
{
	if (haystack && memmem(haystack, length, needle, strlen(needle))) {
		print_error("unexpected \"%s\" in:\n---\n%.*s\n---\n", needle, (int)length, haystack);
		_fail(file, line);
	}
}
#define expect_absent(text, needle) check_absent(__FILE__, __LINE__, (text).text, (text).length, (needle))

/* The byte offset of `needle` in the extracted text (fails when absent). */
static size_t offset_of(const lantern_document_text *text, const char *needle)
{
	const char *found = text->text ? memmem(text->text, text->length, needle, strlen(needle)) : NULL;
	if (!found)
		print_error("\"%s\" not in the extracted text\n", needle);
	assert_non_null(found);
	return (size_t)(found - text->text);
}

static size_t page_of(const lantern_document_text *text, const char *needle)
{
	return lantern_document_page_of(text->page_starts, text->page_count, offset_of(text, needle));
}

/* Extraction that must succeed. */
static void extract_ok(const lantern_plugin_set *set, const char *plugin_name, const char *path,
                       const lantern_extract_limits *limits, lantern_document_text *out)
{
	const lantern_plugin *plugin = plugin_name ? lantern_plugins_by_name(set, plugin_name)
	                                           : lantern_plugins_for_path(set, path);
	if (!plugin)
		print_error("no plugin %s for %s\n", plugin_name ? plugin_name : "(by extension)", path);
	assert_non_null(plugin);
	char reason[512] = "untouched";
	lantern_status status = lantern_extract_file(set, plugin, path, limits, out, reason, sizeof(reason));
	if (status != LANTERN_OK)
		print_error("extracting %s with %s failed (status %d): %s\n", path, plugin->name, status, reason);
	assert_int_equal(status, LANTERN_OK);
	assert_non_null(out->text);
	assert_int_equal(strlen(out->text), out->length); /* NUL-terminated, no NULs inside */
}

/* Extraction that must fail; returns the status, the reason in `reason`. */
static lantern_status extract_fails(const lantern_plugin_set *set, const char *plugin_name, const char *path,
                                    const lantern_extract_limits *limits, char *reason, size_t reason_size)
{
	const lantern_plugin *plugin = plugin_name ? lantern_plugins_by_name(set, plugin_name)
	                                           : lantern_plugins_for_path(set, path);
	assert_non_null(plugin);
	lantern_document_text out;
	memset(&out, 0x7f, sizeof(out));
	lantern_status status = lantern_extract_file(set, plugin, path, limits, &out, reason, reason_size);
	if (status == LANTERN_OK) {
		print_error("extracting %s with %s succeeded; expected a failure. Text:\n%.*s\n", path,
		            plugin->name, (int)out.length, out.text);
		lantern_document_text_clear(&out);
		fail();
	}
	/* A failed extraction leaves nothing to free. */
	assert_null(out.text);
	assert_null(out.page_starts);
	assert_null(out.title);
	assert_int_equal(out.page_count, 0);
	assert_true(reason[0] != '\0');
	assert_null(strchr(reason, '\n')); /* one line */
	return status;
}

static void check_reason(const char *file, int line, const char *reason, const char *expected)
{
	if (!strstr(reason, expected)) {
		print_error("reason \"%s\" does not contain \"%s\"\n", reason, expected);
		_fail(file, line);
	}
}
#define expect_reason(reason, expected) check_reason(__FILE__, __LINE__, (reason), (expected))

/* ------------------------------------------------------------------ loading */

static void test_builtins_only(void **state)
{
	(void)state;
	const char *directories[] = { NULL, "", "/nonexistent/lantern/plugins" };
	for (size_t d = 0; d < 3; d++) {
		lantern_plugin_set *set = load_set(directories[d], false);
		assert_int_equal(lantern_plugins_count(set), 2);
		assert_string_equal(lantern_plugins_get(set, 0)->name, "markdown");
		assert_string_equal(lantern_plugins_get(set, 1)->name, "text");
		assert_null(lantern_plugins_get(set, 2));
		for (size_t i = 0; i < 2; i++) {
			assert_int_equal(lantern_plugins_get(set, i)->abi_version, LANTERN_PLUGIN_ABI_VERSION);
			assert_false(lantern_plugins_get(set, i)->untrusted);
		}
		assert_ptr_equal(lantern_plugins_for_path(set, "notes.md"), lantern_plugins_by_name(set, "markdown"));
		assert_ptr_equal(lantern_plugins_for_path(set, "a/b/NOTES.MarkDown"), lantern_plugins_by_name(set, "markdown"));
		assert_ptr_equal(lantern_plugins_for_path(set, "readme.TXT"), lantern_plugins_by_name(set, "text"));
		assert_ptr_equal(lantern_plugins_for_path(set, "x.text"), lantern_plugins_by_name(set, "text"));
		assert_null(lantern_plugins_for_path(set, "report.pdf"));
		assert_null(lantern_plugins_for_path(set, "talk.vtt"));
		assert_null(lantern_plugins_by_name(set, "pdf"));
		assert_string_equal(lantern_plugins_directory(set), directories[d] ? directories[d] : "");
		lantern_plugins_free(set);
	}
	lantern_plugins_free(NULL);
	assert_int_equal(lantern_plugins_count(NULL), 0);
	assert_null(lantern_plugins_get(NULL, 0));
	assert_null(lantern_plugins_for_path(NULL, "x.md"));
	assert_null(lantern_plugins_by_name(NULL, "markdown"));
}

static void test_build_plugins(void **state)
{
	(void)state;
	/* Other plugins (html, office, doc) may be there too; their own tests
	 * cover them, so only warnings about ours fail this test. */
	lantern_plugin_set *set = NULL;
	lantern_diagnostics problems = LANTERN_DIAGNOSTICS_INIT;
	assert_int_equal(lantern_plugins_load(&set, plugin_dir, &problems), LANTERN_OK);
	for (size_t i = 0; i < problems.count; i++) {
		const char *path = problems.items[i].path;
		if (strstr(path, "/hello.so") || strstr(path, "/pdf.so") || strstr(path, "/transcript.so")) {
			test_print_diagnostics(&problems);
			fail();
		}
	}
	assert_int_equal(problems.error_count, 0);
	lantern_diagnostics_clear(&problems);
	assert_string_equal(lantern_plugins_directory(set), plugin_dir);
	assert_true(lantern_plugins_count(set) >= 5);

	static const struct {
		const char *name;
		const char *paths[4];
	} expected[] = {
		{ "pdf", { "report.pdf", "REPORT.PDF", "dir.x/Mixed.Pdf", NULL } },
		{ "transcript", { "talk.vtt", "a/TALK.VTT", "captions.srt", "CAPTIONS.Srt" } },
		{ "hello", { "greeting.hello", "GREETING.HELLO", NULL, NULL } },
		{ "markdown", { "x.md", NULL, NULL, NULL } },
		{ "text", { "x.txt", NULL, NULL, NULL } },
	};
	for (size_t e = 0; e < sizeof(expected) / sizeof(expected[0]); e++) {
		const lantern_plugin *plugin = lantern_plugins_by_name(set, expected[e].name);
		if (!plugin)
			print_error("plugin %s not loaded from %s\n", expected[e].name, plugin_dir);
		assert_non_null(plugin);
		assert_int_equal(plugin->abi_version, LANTERN_PLUGIN_ABI_VERSION);
		assert_non_null(plugin->description);
		assert_non_null(plugin->media_types);
		assert_non_null(plugin->extract);
		/* Everything parsed from outside runs isolated. */
		bool builtin = strcmp(plugin->name, "markdown") == 0 || strcmp(plugin->name, "text") == 0;
		assert_int_equal(plugin->untrusted, !builtin);
		for (size_t p = 0; p < 4 && expected[e].paths[p]; p++) {
			const lantern_plugin *found = lantern_plugins_for_path(set, expected[e].paths[p]);
			if (found != plugin)
				print_error("%s: expected plugin %s, got %s\n", expected[e].paths[p], plugin->name,
				            found ? found->name : "none");
			assert_ptr_equal(found, plugin);
		}
	}
	/* Names are unique; every extension lowercase without a dot. */
	for (size_t i = 0; i < lantern_plugins_count(set); i++) {
		const lantern_plugin *plugin = lantern_plugins_get(set, i);
		for (size_t k = i + 1; k < lantern_plugins_count(set); k++)
			assert_string_not_equal(plugin->name, lantern_plugins_get(set, k)->name);
		for (const char *const *extension = plugin->extensions; *extension; extension++) {
			assert_null(strchr(*extension, '.'));
			for (const char *c = *extension; *c; c++)
				assert_false(*c >= 'A' && *c <= 'Z');
		}
	}
	/* No extension, a dot in a folder name only, a sidecar, a trailing dot. */
	const char *none[] = { "Makefile", "dir.pdf/notes", "report.pdf.yaml", "report.", "report.pdfx",
	                       "talk.vtt~", "" };
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		if (lantern_plugins_for_path(set, none[i]))
			print_error("'%s' should have no plugin\n", none[i]);
		assert_null(lantern_plugins_for_path(set, none[i]));
	}
	assert_null(lantern_plugins_by_name(set, "PDF")); /* names are exact */
	assert_null(lantern_plugins_by_name(set, "nope"));
	lantern_plugins_free(set);
}

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb");
	if (!in)
		print_error("cannot open %s (not built?)\n", from);
	assert_non_null(in);
	FILE *out = fopen(to, "wb");
	assert_non_null(out);
	char buffer[65536];
	size_t got;
	while ((got = fread(buffer, 1, sizeof(buffer), in)) > 0)
		assert_int_equal(fwrite(buffer, 1, got, out), got);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static void test_bad_plugins_skipped(void **state)
{
	(void)state;
	char *directory = test_join(scratch, "bad-plugins");
	assert_int_equal(mkdir(directory, 0755), 0);
	test_write_file(directory, "x.so", "this is a text file, not a shared object\n");
	test_write_file(directory, "notes.txt", "not a .so: never opened\n");
	test_write_file(directory, ".hidden.so", "hidden: never opened\n");
	char *from = NULL, *to = NULL;
	static const struct { const char *from_dir; const char *name; const char *as; } copies[] = {
		{ LANTERN_TEST_ODD_PLUGIN_DIR, "wrongabi.so", "wrongabi.so" },
		{ LANTERN_TEST_ODD_PLUGIN_DIR, "noentry.so", "noentry.so" },
		{ NULL, "hello.so", "hello.so" },
		{ NULL, "hello.so", "hello2.so" }, /* the same plugin name twice */
	};
	for (size_t i = 0; i < sizeof(copies) / sizeof(copies[0]); i++) {
		from = test_join(copies[i].from_dir ? copies[i].from_dir : plugin_dir, copies[i].name);
		to = test_join(directory, copies[i].as);
		copy_file(from, to);
		free(from);
		free(to);
	}

	lantern_plugin_set *set = NULL;
	lantern_diagnostics problems = LANTERN_DIAGNOSTICS_INIT;
	assert_int_equal(lantern_plugins_load(&set, directory, &problems), LANTERN_OK);
	/* Loaded: the built-ins and one hello. */
	assert_int_equal(lantern_plugins_count(set), 3);
	assert_non_null(lantern_plugins_by_name(set, "hello"));
	assert_null(lantern_plugins_by_name(set, "wrongabi"));
	assert_null(lantern_plugins_by_name(set, "noentry"));
	/* Reported: four warnings (sorted by file name), no errors. */
	assert_int_equal(problems.error_count, 0);
	char *path = NULL;
	struct { const char *file; const char *message; } reports[] = {
		{ "hello2.so", "plugin not loaded: a plugin named 'hello' is already loaded" },
		{ "noentry.so", "plugin not loaded: no lantern_plugin_entry() function" },
		{ "wrongabi.so", "plugin not loaded: plugin ABI version 99, this Lantern speaks 1" },
		{ "x.so", "plugin not loaded: " },
	};
	expect_diagnostic_count(&problems, 4, 0);
	for (size_t i = 0; i < 4; i++) {
		path = test_join(directory, reports[i].file);
		expect_diagnostic(&problems, i, LANTERN_SEVERITY_WARNING, path, 0, 0, reports[i].message);
		free(path);
	}
	/* dlopen's own words for the text file. */
	assert_true(strstr(problems.items[3].message, "x.so") != NULL ||
	            strstr(problems.items[3].message, "ELF") != NULL ||
	            strstr(problems.items[3].message, "too short") != NULL);
	lantern_diagnostics_clear(&problems);

	/* The hello that was loaded works. */
	lantern_extract_limits limits = default_limits();
	lantern_document_text text;
	char *greeting = fixture("greeting.hello");
	extract_ok(set, "hello", greeting, &limits, &text);
	expect_contains(text, "albatross");
	lantern_document_text_clear(&text);
	free(greeting);
	lantern_plugins_free(set);
	test_remove_tree(directory);
	free(directory);
}

/* ------------------------------------------------------------------ the fixtures */

typedef struct plugin_state {
	lantern_plugin_set *build;   /* build/plugins */
	lantern_plugin_set *chaos;   /* the test plugins */
} plugin_state;

static plugin_state plugins;

static int load_plugin_sets(void **state)
{
	(void)state;
	plugins.build = load_set(plugin_dir, true);
	plugins.chaos = load_set(LANTERN_TEST_PLUGIN_DIR, false);
	return 0;
}

static int free_plugin_sets(void **state)
{
	(void)state;
	lantern_plugins_free(plugins.build);
	lantern_plugins_free(plugins.chaos);
	memset(&plugins, 0, sizeof(plugins));
	return 0;
}

static void test_pdf_one_page(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	lantern_document_text text;
	char *path = fixture("one-page.pdf");
	extract_ok(plugins.build, NULL, path, &limits, &text);
	expect_contains(text, "Lantern one page fixture");
	expect_contains(text, "Victim-centred interviewing checklist for patrol officers.");
	expect_contains(text, "The word quillwort appears only in this fixture.");
	/* WinAnsi accents come out as UTF-8. */
	expect_contains(text, "Protecci\xc3\xb3n de v\xc3\xad" "ctimas: se\xc3\xb1" "ales de alerta.");
	expect_absent(text, "\f");
	/* One page: no page breaks, so no page list. */
	assert_true(text.page_count <= 1);
	assert_null(text.title);
	assert_null(text.author);
	assert_null(text.created);
	assert_null(text.first_heading); /* pdftotext gives no structure */
	lantern_document_text_clear(&text);
	free(path);
}

static void test_pdf_four_pages(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	lantern_document_text text;
	char *path = fixture("four-pages.pdf");
	extract_ok(plugins.build, NULL, path, &limits, &text);
	assert_int_equal(text.page_count, 4);
	assert_non_null(text.page_starts);
	assert_int_equal(text.page_starts[0], 0);
	for (size_t i = 1; i < 4; i++)
		assert_true(text.page_starts[i] > text.page_starts[i - 1] && text.page_starts[i] < text.length);
	assert_int_equal(page_of(&text, "Four page fixture"), 1);
	assert_int_equal(page_of(&text, "shelter referral process"), 1);
	assert_int_equal(page_of(&text, "Second page routine line 1:"), 2);
	assert_int_equal(page_of(&text, "aged < 16 and has siblings > 2, call the duty social worker."), 2);
	assert_int_equal(page_of(&text, "heliotrope ledger reconciliation"), 3);
	assert_int_equal(page_of(&text, "Nothing else in the fixtures mentions it."), 3);
	assert_int_equal(page_of(&text, "vermilion harbour checklist"), 4);
	assert_int_equal(page_of(&text, "regional task force"), 4);
	assert_int_equal(page_of(&text, "First page routine line 30:"), 1);
	assert_int_equal(page_of(&text, "Third page routine line 1:"), 3);
	/* Each page starts with its own first line. */
	assert_int_equal(strncmp(text.text + text.page_starts[1], "Second page heading", 19), 0);
	assert_int_equal(strncmp(text.text + text.page_starts[2], "Third page heading", 18), 0);
	assert_int_equal(strncmp(text.text + text.page_starts[3], "Fourth page heading", 19), 0);
	assert_int_equal(lantern_document_page_of(text.page_starts, text.page_count, text.page_starts[3] - 1), 3);
	assert_int_equal(lantern_document_page_of(text.page_starts, text.page_count, text.length), 4);
	expect_absent(text, "\f");
	lantern_document_text_clear(&text);
	free(path);
}

/* Page 2 is empty: the phrase on page 3 must still say page 3. */
static void test_pdf_blank_page_keeps_numbering(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	lantern_document_text text;
	char *path = fixture("blank-page.pdf");
	extract_ok(plugins.build, NULL, path, &limits, &text);
	assert_int_equal(page_of(&text, "Page one has text"), 1);
	if (text.page_count != 3 || page_of(&text, "cobalt marmoset census") != 3)
		print_error("blank-page.pdf: %zu pages, the page-3 phrase on page %zu\n", text.page_count,
		            page_of(&text, "cobalt marmoset census"));
	assert_int_equal(text.page_count, 3);
	assert_int_equal(page_of(&text, "cobalt marmoset census"), 3);
	lantern_document_text_clear(&text);
	free(path);
}

static void test_pdf_metadata(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	lantern_document_text text;
	char *path = fixture("with-info.pdf");
	extract_ok(plugins.build, NULL, path, &limits, &text);
	assert_non_null(text.title);
	assert_string_equal(text.title, "Labour Trafficking Indicators \xe2\x80\x93 Hospitality Sector");
	assert_non_null(text.author);
	assert_string_equal(text.author, "Fixture Author");
	assert_non_null(text.created);
	assert_string_equal(text.created, "2019-03-14");
	assert_non_null(text.modified);
	assert_string_equal(text.modified, "2020-01-02");
	expect_contains(text, "Front desk staff notice guests who cannot keep their own identity documents.");
	lantern_document_text_clear(&text);
	free(path);
}

static void test_pdf_failures(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	char reason[512];
	char *path = fixture("no-text.pdf");
	assert_int_equal(extract_fails(plugins.build, NULL, path, &limits, reason, sizeof(reason)), LANTERN_ERROR_PARSE);
	expect_reason(reason, "no text layer (0 visible characters on 2 pages)");
	free(path);

	path = fixture("corrupt.pdf");
	assert_int_equal(extract_fails(plugins.build, NULL, path, &limits, reason, sizeof(reason)), LANTERN_ERROR_PARSE);
	expect_reason(reason, "not a readable PDF: ");
	expect_reason(reason, "Couldn't");
	free(path);

	path = fixture("not-really.pdf");
	assert_int_equal(extract_fails(plugins.build, NULL, path, &limits, reason, sizeof(reason)), LANTERN_ERROR_PARSE);
	expect_reason(reason, "not a readable PDF: ");
	free(path);

	path = test_join(scratch, "missing.pdf");
	extract_fails(plugins.build, NULL, path, &limits, reason, sizeof(reason));
	expect_reason(reason, "not a readable PDF: ");
	free(path);

	/* An empty file. */
	test_write_file(scratch, "empty.pdf", "");
	path = test_join(scratch, "empty.pdf");
	extract_fails(plugins.build, NULL, path, &limits, reason, sizeof(reason));
	expect_reason(reason, "not a readable PDF");
	free(path);

	/* After all that, a good PDF still extracts. */
	lantern_document_text text;
	path = fixture("four-pages.pdf");
	extract_ok(plugins.build, NULL, path, &limits, &text);
	assert_int_equal(text.page_count, 4);
	lantern_document_text_clear(&text);
	free(path);
}

static void test_pdf_encrypted(void **state)
{
	(void)state;
	char *path = fixture("encrypted.pdf");
	if (access(path, R_OK) != 0) {
		print_message("SKIP: %s is missing (make_fixtures.py makes it when qpdf is installed)\n", path);
		free(path);
		skip();
	}
	lantern_extract_limits limits = default_limits();
	char reason[512];
	assert_int_equal(extract_fails(plugins.build, NULL, path, &limits, reason, sizeof(reason)), LANTERN_ERROR_PARSE);
	expect_reason(reason, "encrypted PDF");
	free(path);
}

static void test_transcript_vtt(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	lantern_document_text text;
	char *path = fixture("talk.vtt");
	extract_ok(plugins.build, NULL, path, &limits, &text);
	/* Voice tags become "Speaker: "; entities decoded; markup dropped. */
	expect_contains(text, "Dr. Aroha Ngata: Welcome to the indicators briefing.");
	expect_contains(text, "Sam: Watch for workers who <never> hold their own passports & payslips.");
	expect_contains(text, "Debt bondage is the pattern to note.");
	expect_contains(text, "Karaoke style timestamps vanish.");
	expect_contains(text, "The zephyrine outreach van visits on Tuesdays.");
	/* Two lines of one cue run together; cues are blocks. */
	expect_contains(text, "payslips. Debt bondage");
	expect_contains(text, "briefing.\n\nSam:");
	/* What is not speech. */
	static const char *const absent[] = {
		"WEBVTT", "Kind:", "Language:", "nightjar", "kestrel", "NOTE", "::cue", "STYLE", "REGION",
		"id:fred", "intro-cue", "closing", "-->", "00:00", "align:", "<v", "<i>", "</i>", "<c.", "&lt;",
		"&amp;", "\r", "\xef\xbb\xbf",
	};
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		expect_absent(text, absent[i]);
	/* The first cue opens the text. */
	assert_int_equal(strncmp(text.text, "Dr. Aroha Ngata:", 16), 0);
	assert_int_equal(text.page_count, 0);
	assert_null(text.title);
	lantern_document_text_clear(&text);
	free(path);
}

static void test_transcript_srt(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	lantern_document_text text;
	char *path = fixture("captions.srt");
	extract_ok(plugins.build, NULL, path, &limits, &text);
	expect_contains(text, "Hotline calls rise after outreach events.");
	/* A number-only line inside a cue is speech, not a cue number. */
	expect_contains(text, "Translators join every interview. 1800");
	expect_contains(text, "The quincunx protocol ends the session.");
	static const char *const absent[] = { "-->", "00:00", ",000", "<i>", "<b>", "<font", "</font>",
	                                      "\xef\xbb\xbf", "\r" };
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
		expect_absent(text, absent[i]);
	/* Cue numbers dropped: the text opens with the first cue's words. */
	assert_int_equal(strncmp(text.text, "Hotline", 7), 0);
	expect_absent(text, "\n2\n");
	expect_absent(text, "\n3\n");
	lantern_document_text_clear(&text);
	free(path);
}

static void test_transcript_edge_cases(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	lantern_document_text text;
	char reason[512];
	/* An empty caption file is an empty document, not a failure. */
	test_write_file(scratch, "empty.vtt", "WEBVTT\n");
	char *path = test_join(scratch, "empty.vtt");
	extract_ok(plugins.build, NULL, path, &limits, &text);
	assert_int_equal(text.length, 0);
	lantern_document_text_clear(&text);
	free(path);
	/* Malformed tag without '>' and a very long cue line. */
	size_t long_length = 200000;
	char *long_file = malloc(long_length + 200);
	assert_non_null(long_file);
	int head = snprintf(long_file, 200, "WEBVTT\n\n00:00.000 --> 00:01.000\n<v Unclosed speaker tag ");
	memset(long_file + head, 'z', long_length);
	strcpy(long_file + head + long_length, " tail\n");
	test_write_file(scratch, "odd.vtt", long_file);
	free(long_file);
	path = test_join(scratch, "odd.vtt");
	extract_ok(plugins.build, NULL, path, &limits, &text);
	expect_absent(text, "<v");
	lantern_document_text_clear(&text);
	free(path);
	/* Cue numbers with trailing blanks are still cue numbers; a line of
	 * blanks ends a cue. */
	test_write_file(scratch, "blanks.srt",
	                "1 \r\n00:00:01,000 --> 00:00:02,000\r\nFirst words\r\n  \t\r\n"
	                "2\t\r\n00:00:03,000 --> 00:00:04,000\r\nSecond words \r\n");
	path = test_join(scratch, "blanks.srt");
	extract_ok(plugins.build, NULL, path, &limits, &text);
	assert_string_equal(text.text, "First words\n\nSecond words");
	lantern_document_text_clear(&text);
	free(path);
	/* A missing file. */
	path = test_join(scratch, "missing.srt");
	extract_fails(plugins.build, NULL, path, &limits, reason, sizeof(reason));
	expect_reason(reason, "cannot open");
	free(path);
}

static void test_hello(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	lantern_document_text text;
	char *path = fixture("greeting.hello");
	extract_ok(plugins.build, NULL, path, &limits, &text);
	assert_non_null(text.title);
	assert_string_equal(text.title, "Hello fixture title");
	assert_non_null(text.first_heading);
	assert_string_equal(text.first_heading, "Hello fixture title");
	/* The heading is part of the text too. */
	assert_int_equal(strncmp(text.text, "Hello fixture title\n\n", 21), 0);
	assert_int_equal(text.page_count, 3);
	assert_int_equal(page_of(&text, "albatross"), 1);
	assert_int_equal(page_of(&text, "bandicoot"), 2);
	assert_int_equal(page_of(&text, "cassowary"), 3);
	expect_absent(text, "---page---");
	lantern_document_text_clear(&text);
	free(path);
}

/* Plain files and Markdown through the built-ins, in-process. */
static void test_builtin_extraction(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	limits.helper = "/nonexistent/helper"; /* never needed in-process */
	lantern_document_text text;
	test_write_file(scratch, "note.md",
	                "---\ntitle: Front Matter Title\ntype: report\n---\n\n# The First Heading\n\n"
	                "Body with *emphasis* and a [link](https://example.org).\n");
	char *path = test_join(scratch, "note.md");
	extract_ok(plugins.build, NULL, path, &limits, &text);
	assert_non_null(text.first_heading);
	assert_string_equal(text.first_heading, "The First Heading");
	expect_contains(text, "Body with emphasis and a link");
	expect_absent(text, "Front Matter Title");
	expect_absent(text, "type: report");
	assert_null(text.title); /* front matter is the resource loader's business */
	assert_int_equal(text.page_count, 0);
	lantern_document_text_clear(&text);
	free(path);

	test_write_file(scratch, "plain.TXT", "Plain words only.\n");
	path = test_join(scratch, "plain.TXT");
	extract_ok(plugins.build, NULL, path, &limits, &text);
	expect_contains(text, "Plain words only.");
	lantern_document_text_clear(&text);
	free(path);

	char reason[512];
	path = test_join(scratch, "absent.md");
	extract_fails(plugins.build, NULL, path, &limits, reason, sizeof(reason));
	free(path);
}

/* ------------------------------------------------------------------ isolation */

static char *chaos_file(const char *name, const char *content)
{
	test_write_file(scratch, name, content);
	return test_join(scratch, name);
}

/* The same plugin works on its next file: one failure stays one failure. */
static void check_next_works(const char *file, int line, const char *plugin_name)
{
	lantern_extract_limits limits = default_limits();
	char name[64];
	snprintf(name, sizeof(name), "next.%s", plugin_name);
	char *path = chaos_file(name, "ok still standing after the trouble");
	lantern_document_text text;
	char reason[512] = "";
	const lantern_plugin *plugin = lantern_plugins_by_name(plugins.chaos, plugin_name);
	assert_non_null(plugin);
	lantern_status status = lantern_extract_file(plugins.chaos, plugin, path, &limits, &text, reason, sizeof(reason));
	if (status != LANTERN_OK || !text.text || strcmp(text.text, "still standing after the trouble") != 0) {
		print_error("the extraction after the failure did not work: status %d, %s\n", status, reason);
		_fail(file, line);
	}
	lantern_document_text_clear(&text);
	free(path);
}
#define expect_next_works(plugin) check_next_works(__FILE__, __LINE__, (plugin))

static void test_isolated_ok(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	lantern_document_text text;
	char *path = chaos_file("fine.rude", "ok words from an isolated plugin");
	extract_ok(plugins.chaos, NULL, path, &limits, &text);
	assert_string_equal(text.text, "words from an isolated plugin");
	lantern_document_text_clear(&text);
	free(path);
}

static void test_crash(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	char reason[512];
	char *path = chaos_file("segv.crash", "crash");
	assert_int_equal(extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason)), LANTERN_ERROR_PARSE);
#if defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer catches the SIGSEGV, reports and exits 1. */
	if (strcmp(reason, "the crash extractor failed (exit status 1)") == 0)
		strcpy(reason, "the crash extractor crashed (signal 11)");
#endif
	assert_string_equal(reason, "the crash extractor crashed (signal 11)");
	free(path);
	expect_next_works("crash");

	path = chaos_file("abort.crash", "abort");
	extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason));
	assert_string_equal(reason, "the crash extractor crashed (signal 6)");
	free(path);
	expect_next_works("crash");
}

static void test_wall_clock_timeout(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	limits.wall_seconds = 2;
	char reason[512];
	const char *modes[] = { "loop", "sleep" };
	for (size_t i = 0; i < 2; i++) {
		char *path = chaos_file("forever.loop", modes[i]);
		double start = now_seconds();
		assert_int_equal(extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason)),
		                 LANTERN_ERROR_PARSE);
		double took = now_seconds() - start;
		assert_string_equal(reason, "the loop extractor timed out after 2 s");
		if (took < 1.9 || took > 6)
			print_error("%s: the timeout took %.2f s\n", modes[i], took);
		assert_true(took >= 1.9 && took <= 6);
		free(path);
		expect_next_works("loop");
	}
}

/* The CPU limit stops a spinning plugin before the (long) wall clock. */
static void test_cpu_limit(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	limits.cpu_seconds = 1;
	limits.wall_seconds = 60;
	char reason[512];
	char *path = chaos_file("spin.loop", "loop");
	double start = now_seconds();
	assert_int_equal(extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason)), LANTERN_ERROR_PARSE);
	double took = now_seconds() - start;
	expect_reason(reason, "the loop extractor ran out of CPU time or memory (signal ");
	/* SIGXCPU at the soft limit (== the hard limit here), or SIGKILL. */
	assert_true(strstr(reason, "(signal 24)") || strstr(reason, "(signal 9)"));
	assert_true(took < 20);
	free(path);
	expect_next_works("loop");
}

static bool process_with_argument(const char *argument)
{
	DIR *proc = opendir("/proc");
	if (!proc)
		return false;
	bool found = false;
	struct dirent *entry;
	while (!found && (entry = readdir(proc)) != NULL) {
		if (entry->d_name[0] < '0' || entry->d_name[0] > '9')
			continue;
		char path[300], data[4096];
		snprintf(path, sizeof(path), "/proc/%s/cmdline", entry->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t got = read(fd, data, sizeof(data) - 1);
		close(fd);
		if (got <= 0)
			continue;
		data[got] = '\0';
		for (ssize_t at = 0; at < got; at += (ssize_t)strlen(data + at) + 1)
			if (strcmp(data + at, argument) == 0) {
				/* A zombie has an empty cmdline, so this one is alive. */
				found = true;
				break;
			}
	}
	closedir(proc);
	return found;
}

/* A timeout kills the helper's whole process group: a child the plugin
 * started (pdftotext, in real life) does not outlive it. */
static void test_timeout_kills_grandchildren(void **state)
{
	(void)state;
	if (access("/proc/self/cmdline", R_OK) != 0)
		skip();
	lantern_extract_limits limits = default_limits();
	limits.wall_seconds = 2;
	char tag[32], content[64], argument[64];
	snprintf(tag, sizeof(tag), "%ld", (long)getpid() % 100000);
	snprintf(content, sizeof(content), "spawn-loop %s", tag);
	snprintf(argument, sizeof(argument), "86399.%s", tag);
	char *path = chaos_file("group.loop", content);
	char reason[512];
	extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason));
	assert_string_equal(reason, "the loop extractor timed out after 2 s");
	bool alive = true;
	for (int i = 0; i < 50 && alive; i++) {
		alive = process_with_argument(argument);
		if (alive)
			usleep(100000);
	}
	if (alive)
		print_error("`sleep %s`, started by the plugin, outlived the timeout\n", argument);
	assert_false(alive);
	free(path);
}

static void test_memory_limit(void **state)
{
	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	/* lantern-extract sets no RLIMIT_AS under AddressSanitizer. */
	print_message("SKIP: an AddressSanitizer build has no memory limit to test\n");
	skip();
#endif
	lantern_extract_limits limits = default_limits();
	limits.memory_bytes = (size_t)64 << 20;
	limits.wall_seconds = 60;
	char reason[512];
	char *path = chaos_file("bomb.hog", "hog");
	assert_int_equal(extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason)), LANTERN_ERROR_PARSE);
	print_message("memory bomb under a 64 MB limit: %s\n", reason);
	/* The limit held (the plugin did not get to 512 MiB)... */
	assert_null(strstr(reason, "not enforced"));
	/* ...and the child was stopped: by the kernel for memory or CPU, or by
	 * its own NULL dereference when malloc failed (the host cannot tell
	 * that crash from any other: see the report). */
	assert_true(strstr(reason, "the hog extractor ran out of CPU time or memory") ||
	            strstr(reason, "the hog extractor crashed (signal 11)") ||
	            strstr(reason, "the hog extractor crashed (signal 6)"));
	free(path);
	/* The next file, under the same 64 MB limit, works. */
	path = chaos_file("after.hog", "ok small after the bomb");
	lantern_document_text text;
	extract_ok(plugins.chaos, NULL, path, &limits, &text);
	assert_string_equal(text.text, "small after the bomb");
	lantern_document_text_clear(&text);
	free(path);
	expect_next_works("hog");
}

static void test_output_cap(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	limits.output_bytes = (size_t)1 << 20;
	char reason[512];
	/* A plugin that stops when told. */
	char *path = chaos_file("polite.flood", "flood");
	lantern_status status = extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason));
	assert_true(status == LANTERN_ERROR_TOO_LARGE || status == LANTERN_ERROR_PARSE);
	assert_string_equal(reason, "extracted text is over the 1048576-byte limit");
	free(path);
	expect_next_works("flood");
	/* One that does not listen: its extra text never crosses. */
	path = chaos_file("deaf.flood", "flood-deaf");
	extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason));
	assert_string_equal(reason, "extracted text is over the 1048576-byte limit");
	free(path);
	expect_next_works("flood");
	/* Page breaks and metadata are not text: the stream cap stops them. */
	const char *bombs[] = { "page-bomb", "metadata-bomb" };
	for (size_t i = 0; i < 2; i++) {
		path = chaos_file("bomb.rude", bombs[i]);
		double start = now_seconds();
		status = extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason));
		print_message("%s under a 1 MiB cap: %s (%.2f s)\n", bombs[i], reason, now_seconds() - start);
		assert_int_equal(status, LANTERN_ERROR_TOO_LARGE);
		assert_string_equal(reason, "the rude extractor produced more than 1048576 bytes");
		free(path);
		expect_next_works("rude");
	}
}

static void test_protocol_violations(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	char reason[512];
	char *path = chaos_file("print.rude", "garbage");
	assert_int_equal(extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason)), LANTERN_ERROR_PARSE);
	assert_true(strcmp(reason, "the extractor wrote a malformed stream") == 0 ||
	            strcmp(reason, "the extractor's output was cut off") == 0);
	free(path);
	expect_next_works("rude");

	path = chaos_file("exit.rude", "exit 3");
	extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason));
	assert_string_equal(reason, "the rude extractor failed (exit status 3)");
	free(path);
	/* exit(0) without an error frame but with no text: an empty document. */
	path = chaos_file("exit0.rude", "exit 0");
	lantern_document_text text;
	extract_ok(plugins.chaos, NULL, path, &limits, &text);
	assert_int_equal(text.length, 0);
	lantern_document_text_clear(&text);
	free(path);

	path = chaos_file("fail.rude", "fail the widget table is upside down");
	extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason));
	assert_string_equal(reason, "the widget table is upside down");
	free(path);

	path = chaos_file("silent.rude", "fail-silent");
	extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason));
	assert_string_equal(reason, "the rude extractor failed");
	free(path);
	expect_next_works("rude");

	/* The helper is missing. */
	lantern_extract_limits no_helper = default_limits();
	no_helper.helper = "/nonexistent/lantern-extract";
	path = chaos_file("fine2.rude", "ok text");
	assert_int_equal(extract_fails(plugins.chaos, NULL, path, &no_helper, reason, sizeof(reason)), LANTERN_ERROR_IO);
	assert_string_equal(reason, "cannot run the extractor helper /nonexistent/lantern-extract");
	no_helper.helper = NULL;
	extract_fails(plugins.chaos, NULL, path, &no_helper, reason, sizeof(reason));
	expect_reason(reason, "cannot run the extractor helper");
	free(path);
}

static void test_invalid_utf8_replaced(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	const char *names[] = { "bytes.rude", "bytes.inproc" };
	for (size_t i = 0; i < 2; i++) {
		char *path = chaos_file(names[i], "invalid-utf8");
		lantern_document_text text;
		extract_ok(plugins.chaos, NULL, path, &limits, &text);
		assert_string_equal(text.text, "caf\xc3\xa9 \xef\xbf\xbd\xef\xbf\xbd bytes\xef\xbf\xbdnul end");
		assert_non_null(text.author);
		assert_string_equal(text.author, "Au\xef\xbf\xbdthor");
		lantern_document_text_clear(&text);
		free(path);
	}
}

static void test_headings_and_pages_both_paths(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	const char *names[] = { "h.rude", "h.inproc" };
	for (size_t i = 0; i < 2; i++) {
		char *path = chaos_file(names[i], "heading-only");
		lantern_document_text text;
		extract_ok(plugins.chaos, NULL, path, &limits, &text);
		/* The heading is a block of the text (trailing blank lines trimmed). */
		assert_string_equal(text.text, "Only a heading");
		assert_string_equal(text.first_heading, "Only a heading");
		lantern_document_text_clear(&text);
		free(path);
	}
	const char *pages[] = { "p.rude", "p.inproc" };
	for (size_t i = 0; i < 2; i++) {
		char *path = chaos_file(pages[i], "pages 5");
		lantern_document_text text;
		extract_ok(plugins.chaos, NULL, path, &limits, &text);
		assert_int_equal(text.page_count, 5);
		assert_int_equal(page_of(&text, "page 1"), 1);
		assert_int_equal(page_of(&text, "page 4"), 4);
		assert_int_equal(page_of(&text, "page 5"), 5);
		lantern_document_text_clear(&text);
		free(path);
	}
}

/* In-process (trusted) plugins get the same checks without a child. */
static void test_in_process(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	limits.helper = NULL; /* never needed in-process */
	limits.output_bytes = (size_t)1 << 20;
	const lantern_plugin *plugin = lantern_plugins_by_name(plugins.chaos, "inproc");
	assert_non_null(plugin);
	assert_false(plugin->untrusted);
	lantern_document_text text;
	char *path = chaos_file("a.inproc", "ok in-process words");
	extract_ok(plugins.chaos, NULL, path, &limits, &text);
	assert_string_equal(text.text, "in-process words");
	lantern_document_text_clear(&text);
	free(path);

	char reason[512];
	path = chaos_file("b.inproc", "fail trusted reason");
	assert_int_equal(extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason)), LANTERN_ERROR_PARSE);
	assert_string_equal(reason, "trusted reason");
	free(path);

	path = chaos_file("c.inproc", "fail-silent");
	extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason));
	assert_string_equal(reason, "extraction failed");
	free(path);

	path = chaos_file("d.inproc", "flood");
	extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason));
	/* The plugin's own words come first in-process. */
	assert_true(strcmp(reason, "output limit reached") == 0 ||
	            strcmp(reason, "extracted text is over the 1048576-byte limit") == 0);
	free(path);

	path = chaos_file("e.inproc", "flood-deaf");
	assert_int_equal(extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason)), LANTERN_ERROR_TOO_LARGE);
	assert_string_equal(reason, "extracted text is over the 1048576-byte limit");
	free(path);
}

/* ------------------------------------------------------------------ frames */

static void test_frame_stream(void **state)
{
	(void)state;
	const lantern_plugin *plugin = lantern_plugins_by_name(plugins.chaos, "inproc");
	char *path = chaos_file("frames.inproc", "pages 2");
	char *out_path = test_join(scratch, "frames.bin");
	int fd = open(out_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(lantern_extract_to_fd(plugin, path, 1 << 20, fd), 0);
	unsigned char data[256];
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	ssize_t got = read(fd, data, sizeof(data));
	close(fd);
	/* 'T' len=6 "page 1", 'P' len=0, 'T' len=7 "\npage 2" */
	static const unsigned char expected[] = {
		'T', 6, 0, 0, 0, 'p', 'a', 'g', 'e', ' ', '1',
		'P', 0, 0, 0, 0,
		'T', 7, 0, 0, 0, '\n', 'p', 'a', 'g', 'e', ' ', '2',
	};
	assert_int_equal(got, sizeof(expected));
	assert_memory_equal(data, expected, sizeof(expected));

	/* A failure ends with an 'E' frame holding the reason, exit status 1. */
	char *fail_path = chaos_file("frames-fail.inproc", "fail nope");
	fd = open(out_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(lantern_extract_to_fd(plugin, fail_path, 1 << 20, fd), 1);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	got = read(fd, data, sizeof(data));
	close(fd);
	static const unsigned char error_frame[] = { 'E', 4, 0, 0, 0, 'n', 'o', 'p', 'e' };
	assert_int_equal(got, sizeof(error_frame));
	assert_memory_equal(data, error_frame, sizeof(error_frame));
	free(fail_path);
	free(out_path);
	free(path);
}

static void test_page_of(void **state)
{
	(void)state;
	assert_int_equal(lantern_document_page_of(NULL, 0, 0), 0);
	assert_int_equal(lantern_document_page_of(NULL, 0, 12345), 0);
	const size_t one[] = { 0 };
	assert_int_equal(lantern_document_page_of(one, 1, 0), 1);
	assert_int_equal(lantern_document_page_of(one, 1, 999), 1);
	const size_t starts[] = { 0, 10, 20, 20, 35 }; /* page 3 is empty */
	assert_int_equal(lantern_document_page_of(starts, 5, 0), 1);
	assert_int_equal(lantern_document_page_of(starts, 5, 9), 1);
	assert_int_equal(lantern_document_page_of(starts, 5, 10), 2);
	assert_int_equal(lantern_document_page_of(starts, 5, 19), 2);
	assert_int_equal(lantern_document_page_of(starts, 5, 20), 4);
	assert_int_equal(lantern_document_page_of(starts, 5, 34), 4);
	assert_int_equal(lantern_document_page_of(starts, 5, 35), 5);
	assert_int_equal(lantern_document_page_of(starts, 5, (size_t)-1), 5);
}

/* ------------------------------------------------------------------ limits */

static bool make_big_pdf(const char *option, unsigned pages, const char *path)
{
	char command[8192];
	snprintf(command, sizeof(command), "python3 '%s/make_fixtures.py' %s %u '%s'", fixtures, option, pages, path);
	int status = system(command);
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void test_many_pages(void **state)
{
	(void)state;
	char *path = test_join(scratch, "long.pdf");
	double start = now_seconds();
	if (!make_big_pdf("--many-pages", 20000, path)) {
		print_message("SKIP: cannot run python3 to make the 20,000-page PDF\n");
		free(path);
		skip();
	}
	struct stat info;
	assert_int_equal(stat(path, &info), 0);
	print_message("20,000-page PDF: %lld bytes, made in %.2f s\n", (long long)info.st_size, now_seconds() - start);

	lantern_extract_limits limits = default_limits();
	lantern_document_text text;
	start = now_seconds();
	extract_ok(plugins.build, NULL, path, &limits, &text);
	print_message("extracted %zu bytes on %zu pages in %.2f s\n", text.length, text.page_count, now_seconds() - start);
	assert_int_equal(text.page_count, 20000);
	assert_int_equal(page_of(&text, "Long fixture page 1\n"), 1);
	assert_int_equal(page_of(&text, "Long fixture page 12345\n"), 12345);
	assert_int_equal(page_of(&text, "Long fixture page 20000"), 20000);
	for (size_t i = 1; i < text.page_count; i++)
		assert_true(text.page_starts[i] > text.page_starts[i - 1]);
	lantern_document_text_clear(&text);

	/* The same file under a 64 KiB output cap fails cleanly. */
	limits.output_bytes = (size_t)64 << 10;
	char reason[512];
	extract_fails(plugins.build, NULL, path, &limits, reason, sizeof(reason));
	expect_reason(reason, "over");
	expect_reason(reason, "limit");
	free(path);

	/* 20,000 pages without a character of text: no text layer. */
	path = test_join(scratch, "empty-pages.pdf");
	assert_true(make_big_pdf("--empty-pages", 20000, path));
	limits = default_limits();
	assert_int_equal(extract_fails(plugins.build, NULL, path, &limits, reason, sizeof(reason)), LANTERN_ERROR_PARSE);
	expect_reason(reason, "no text layer (0 visible characters on 20000 pages)");
	free(path);
}

/* A broken PDF that makes pdfinfo print hundreds of KB of errors fails
 * at once, not at the wall clock (the plugin once read stderr only after
 * stdout, and pdfinfo blocked on the full stderr pipe). */
static void test_pdf_noisy_errors(void **state)
{
	(void)state;
	char *path = test_join(scratch, "noisy.pdf");
	if (!make_big_pdf("--noisy", 5000, path)) {
		print_message("SKIP: cannot run python3 to make the noisy PDF\n");
		free(path);
		skip();
	}
	lantern_extract_limits limits = default_limits();
	limits.wall_seconds = 30;
	char reason[512];
	double start = now_seconds();
	assert_int_equal(extract_fails(plugins.build, NULL, path, &limits, reason, sizeof(reason)), LANTERN_ERROR_PARSE);
	double took = now_seconds() - start;
	print_message("noisy.pdf: %s (%.2f s)\n", reason, took);
	assert_null(strstr(reason, "timed out"));
	assert_true(took < 15);
	free(path);
}

/* More page breaks than the host keeps (2^20) fail the document, isolated
 * or not. (The reason is the text-size one, "extracted text is over the
 * 67108864-byte limit", although the text is 8 bytes: see the report.) */
static void test_page_cap(void **state)
{
	(void)state;
	lantern_extract_limits limits = default_limits();
	const char *names[] = { "cap.inproc", "cap.rude" };
	for (size_t i = 0; i < 2; i++) {
		char *path = chaos_file(names[i], "breaks 1100000");
		char reason[512];
		double start = now_seconds();
		lantern_status status = extract_fails(plugins.chaos, NULL, path, &limits, reason, sizeof(reason));
		print_message("%s: 1,100,001 pages: status %d, %s (%.2f s)\n", names[i], status, reason,
		              now_seconds() - start);
		assert_true(status == LANTERN_ERROR_TOO_LARGE || status == LANTERN_ERROR_PARSE);
		expect_reason(reason, "limit");
		free(path);
	}
	/* Exactly 2^20 pages is allowed. */
	char *path = chaos_file("cap-ok.inproc", "breaks 1048575");
	lantern_document_text text;
	extract_ok(plugins.chaos, NULL, path, &limits, &text);
	assert_int_equal(text.page_count, 1048576);
	assert_string_equal(text.text, "startend");
	assert_int_equal(page_of(&text, "end"), 1048576);
	lantern_document_text_clear(&text);
	free(path);
}

/* ------------------------------------------------------------------ main */

static int make_scratch(void **state)
{
	(void)state;
	scratch = test_make_temp_dir("extract-host");
	return 0;
}

static int remove_scratch(void **state)
{
	(void)state;
	test_remove_tree(scratch);
	free(scratch);
	scratch = NULL;
	return 0;
}

int main(void)
{
	find_paths();
	if (access(helper, X_OK) != 0) {
		fprintf(stderr, "test_extract_host: no %s (build the plugins first)\n", helper);
		return 1;
	}
	/* The helper runs pdftotext; without poppler-utils the PDF tests skip. */
	const struct CMUnitTest loading[] = {
		cmocka_unit_test(test_builtins_only),
		cmocka_unit_test(test_build_plugins),
		cmocka_unit_test(test_bad_plugins_skipped),
		cmocka_unit_test(test_page_of),
	};
	const struct CMUnitTest extraction[] = {
		cmocka_unit_test(test_pdf_one_page),
		cmocka_unit_test(test_pdf_four_pages),
		cmocka_unit_test(test_pdf_blank_page_keeps_numbering),
		cmocka_unit_test(test_pdf_metadata),
		cmocka_unit_test(test_pdf_failures),
		cmocka_unit_test(test_pdf_encrypted),
		cmocka_unit_test(test_transcript_vtt),
		cmocka_unit_test(test_transcript_srt),
		cmocka_unit_test(test_transcript_edge_cases),
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_builtin_extraction),
		cmocka_unit_test(test_isolated_ok),
		cmocka_unit_test(test_crash),
		cmocka_unit_test(test_wall_clock_timeout),
		cmocka_unit_test(test_cpu_limit),
		cmocka_unit_test(test_timeout_kills_grandchildren),
		cmocka_unit_test(test_memory_limit),
		cmocka_unit_test(test_output_cap),
		cmocka_unit_test(test_protocol_violations),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_headings_and_pages_both_paths),
		cmocka_unit_test(test_in_process),
		cmocka_unit_test(test_frame_stream),
		cmocka_unit_test(test_many_pages),
		cmocka_unit_test(test_pdf_noisy_errors),
		cmocka_unit_test(test_page_cap),
	};
	int failed = 0;
	make_scratch(NULL);
	failed += cmocka_run_group_tests_name("extract host: loading", loading, NULL, NULL);
	failed += cmocka_run_group_tests_name("extract host: extraction", extraction, load_plugin_sets, free_plugin_sets);
	remove_scratch(NULL);
	return failed ? 1 : 0;
}
