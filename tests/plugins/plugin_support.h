/*
 * plugin_support.h - helpers for the extractor plugin tests
 * (tests/unit/test_plugin_*.c).
 *
 * Each test loads the build's plugin directory with lantern_plugins_load()
 * and extracts through lantern_extract_file(), so the plugin runs exactly as
 * the indexer runs it: isolated in lantern-extract under CPU, memory, output
 * and wall-clock limits. The build directory comes from $LANTERN_BUILD_DIR
 * (set by ctest) or the path the test was configured with.
 *
 * Header-only, after test_support.h.
 */
#ifndef LANTERN_TEST_PLUGIN_SUPPORT_H
#define LANTERN_TEST_PLUGIN_SUPPORT_H

#include "lantern/extract.h"
#include "test_support.h"

#include <time.h>

typedef struct plugin_fixture {
	lantern_plugin_set *set;
	const lantern_plugin *plugin;
	char plugin_dir[4096];
	char helper[4096];
	char *temp;                    /* a private scratch directory */
	lantern_extract_limits limits; /* wall_seconds 20, as the tests demand no hang */
} plugin_fixture;

static TEST_UNUSED const char *plugin_test_build_dir(void)
{
	const char *dir = getenv("LANTERN_BUILD_DIR");
	if (dir && dir[0])
		return dir;
#ifdef LANTERN_TEST_BUILD_DIR
	return LANTERN_TEST_BUILD_DIR;
#else
	return "build";
#endif
}

/* Loads the plugin set and finds plugin `name`; fails the test without it. */
static TEST_UNUSED plugin_fixture *plugin_fixture_new(const char *name)
{
	plugin_fixture *fixture = calloc(1, sizeof(*fixture));
	assert_non_null(fixture);
	const char *build = plugin_test_build_dir();
	assert_true(strlen(build) < 2048);
	snprintf(fixture->plugin_dir, sizeof(fixture->plugin_dir), "%.2048s/plugins", build);
	snprintf(fixture->helper, sizeof(fixture->helper), "%.2048s/plugins/lantern-extract", build);
	lantern_diagnostics diagnostics = LANTERN_DIAGNOSTICS_INIT;
	assert_int_equal(lantern_plugins_load(&fixture->set, fixture->plugin_dir, &diagnostics), LANTERN_OK);
	if (diagnostics.count)
		test_print_diagnostics(&diagnostics);
	lantern_diagnostics_clear(&diagnostics);
	fixture->plugin = lantern_plugins_by_name(fixture->set, name);
	if (!fixture->plugin)
		print_error("no '%s' plugin in %s\n", name, fixture->plugin_dir);
	assert_non_null(fixture->plugin);
	assert_true(fixture->plugin->untrusted);
	lantern_extract_limits limits = LANTERN_EXTRACT_LIMITS_INIT;
	limits.cpu_seconds = 20;
	limits.wall_seconds = 20;
	limits.helper = fixture->helper;
#if defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer maps terabytes of shadow memory at start-up: under
	 * an address-space limit the sanitized helper cannot allocate at all. */
	limits.memory_bytes = SIZE_MAX;
#endif
	fixture->limits = limits;
	fixture->temp = test_make_temp_dir(name);
	return fixture;
}

static TEST_UNUSED void plugin_fixture_free(plugin_fixture *fixture)
{
	if (!fixture)
		return;
	lantern_plugins_free(fixture->set);
	test_remove_tree(fixture->temp);
	free(fixture->temp);
	free(fixture);
}

/* tests/data/plugins/<relative>, malloc'd. */
static TEST_UNUSED char *plugin_test_data(const char *relative)
{
	const char *data = getenv("LANTERN_TEST_DATA");
	char base[4096];
	if (data && data[0])
		snprintf(base, sizeof(base), "%s/plugins", data);
	else
		snprintf(base, sizeof(base), "%s/tests/data/plugins", test_source_dir());
	return test_join(base, relative);
}

static TEST_UNUSED double plugin_test_now(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* Extracts `path`; `reason` gets the failure reason ("" on success). The
 * whole run must end well inside the wall limit. */
static TEST_UNUSED lantern_status plugin_extract(plugin_fixture *fixture, const char *path,
                                                 lantern_document_text *text, char *reason,
                                                 size_t reason_size)
{
	double started = plugin_test_now();
	lantern_status status =
		lantern_extract_file(fixture->set, fixture->plugin, path, &fixture->limits, text, reason, reason_size);
	double took = plugin_test_now() - started;
	if (took >= fixture->limits.wall_seconds)
		print_error("%s took %.1f s (limit %u s): %s\n", path, took, fixture->limits.wall_seconds, reason);
	assert_true(took < fixture->limits.wall_seconds);
	return status;
}

/* Extracts a file that must succeed. */
static TEST_UNUSED void plugin_extract_ok(plugin_fixture *fixture, const char *path, lantern_document_text *text)
{
	char reason[512] = "";
	lantern_status status = plugin_extract(fixture, path, text, reason, sizeof(reason));
	if (status != LANTERN_OK)
		print_error("%s: extraction failed: %s\n", path, reason);
	assert_int_equal(status, LANTERN_OK);
	assert_non_null(text->text);
}

/* Extracts a file that must fail with a reason containing `expected`. */
static TEST_UNUSED void plugin_check_failure(const char *file, int line, plugin_fixture *fixture, const char *path,
                                             lantern_status expected_status, const char *expected)
{
	lantern_document_text text;
	char reason[512] = "";
	lantern_status status = plugin_extract(fixture, path, &text, reason, sizeof(reason));
	bool ok = status == expected_status && strstr(reason, expected) != NULL;
	if (!ok) {
		print_error("%s: expected failure %d with \"...%s...\", got status %d, reason \"%s\"\n", path,
		            (int)expected_status, expected, (int)status, reason);
		if (status == LANTERN_OK)
			print_error("text: [%s]\n", text.text ? text.text : "");
		lantern_document_text_clear(&text);
		_fail(file, line);
	}
	print_message("    %s -> %s\n", strrchr(path, '/') ? strrchr(path, '/') + 1 : path, reason);
	assert_null(text.text);
}
#define expect_extract_failure(fixture, path, expected) \
	plugin_check_failure(__FILE__, __LINE__, (fixture), (path), LANTERN_ERROR_PARSE, (expected))

static TEST_UNUSED void plugin_check_contains(const char *file, int line, const char *text, const char *fragment,
                                              bool wanted)
{
	bool found = text && strstr(text, fragment) != NULL;
	if (found != wanted) {
		print_error("expected the text %s \"%s\"; the text is:\n[%s]\n", wanted ? "to contain" : "not to contain",
		            fragment, text ? text : "(null)");
		_fail(file, line);
	}
}
#define expect_contains(text, fragment) plugin_check_contains(__FILE__, __LINE__, (text), (fragment), true)
#define expect_lacks(text, fragment) plugin_check_contains(__FILE__, __LINE__, (text), (fragment), false)

static TEST_UNUSED void plugin_check_equal(const char *file, int line, const char *actual, const char *expected)
{
	bool same = actual == expected || (actual && expected && strcmp(actual, expected) == 0);
	if (!same) {
		print_error("expected [%s]\n     got [%s]\n", expected ? expected : "(null)", actual ? actual : "(null)");
		_fail(file, line);
	}
}
#define expect_text_equal(actual, expected) plugin_check_equal(__FILE__, __LINE__, (actual), (expected))

#endif
