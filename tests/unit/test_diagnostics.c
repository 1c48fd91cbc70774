/*
 * test_diagnostics.c - lib/common/diagnostics.c: collecting and formatting
 * file:line:col problems.
 *
 * Covers lantern_diagnostics_add (fields stored, printf formatting, counts by
 * severity, NULL path stored as ""), lantern_diagnostic_format ("path:3:7:
 * error: msg", without a position, without a path, warnings and notes),
 * the LANTERN_DIAGNOSTICS_MAX cap (one final "too many problems" error and
 * nothing after it), lantern_diagnostics_take and lantern_diagnostics_clear.
 */
#include "test_support.h"

static char *format_item(const lantern_diagnostics *list, size_t index)
{
	assert_true(index < list->count);
	char *text = lantern_diagnostic_format(&list->items[index]);
	assert_non_null(text);
	return text;
}

static void expect_format(const lantern_diagnostics *list, size_t index, const char *expected)
{
	char *text = format_item(list, index);
	assert_string_equal(text, expected);
	free(text);
}

static void test_add_stores_fields(void **state)
{
	(void)state;
	lantern_diagnostics list = LANTERN_DIAGNOSTICS_INIT;
	assert_int_equal(lantern_diagnostics_add(&list, LANTERN_SEVERITY_ERROR, "docs/a.md", 3, 7,
	                                         "bad %s #%d", "value", 2),
	                 LANTERN_OK);
	assert_int_equal(list.count, 1);
	assert_int_equal(list.error_count, 1);
	assert_int_equal(list.warning_count, 0);
	assert_int_equal(list.items[0].severity, LANTERN_SEVERITY_ERROR);
	assert_string_equal(list.items[0].path, "docs/a.md");
	assert_int_equal(list.items[0].line, 3);
	assert_int_equal(list.items[0].column, 7);
	assert_string_equal(list.items[0].message, "bad value #2");

	assert_int_equal(lantern_diagnostics_add(&list, LANTERN_SEVERITY_WARNING, NULL, 0, 0, "w"),
	                 LANTERN_OK);
	assert_string_equal(list.items[1].path, "");
	assert_int_equal(lantern_diagnostics_add(&list, LANTERN_SEVERITY_NOTE, "x", 1, 1, "n"),
	                 LANTERN_OK);
	assert_int_equal(list.count, 3);
	assert_int_equal(list.error_count, 1);
	assert_int_equal(list.warning_count, 1); /* notes count as neither */
	lantern_diagnostics_clear(&list);
}

static void test_format(void **state)
{
	(void)state;
	lantern_diagnostics list = LANTERN_DIAGNOSTICS_INIT;
	lantern_diagnostics_add(&list, LANTERN_SEVERITY_ERROR, "path", 3, 7, "msg");
	lantern_diagnostics_add(&list, LANTERN_SEVERITY_WARNING, "dir/file.md", 12, 1,
	                        "unknown field 'titel' (ignored)");
	lantern_diagnostics_add(&list, LANTERN_SEVERITY_NOTE, "dir/file.md", 2, 5, "first given here");
	lantern_diagnostics_add(&list, LANTERN_SEVERITY_ERROR, "videos/x.yaml", 0, 0,
	                        "cannot read: gone");
	lantern_diagnostics_add(&list, LANTERN_SEVERITY_ERROR, "", 4, 2, "no path");
	lantern_diagnostics_add(&list, LANTERN_SEVERITY_WARNING, NULL, 0, 0, "nothing at all");
	lantern_diagnostics_add(&list, LANTERN_SEVERITY_ERROR, "p", 0, 0, "100%% sure");

	expect_format(&list, 0, "path:3:7: error: msg");
	expect_format(&list, 1, "dir/file.md:12:1: warning: unknown field 'titel' (ignored)");
	expect_format(&list, 2, "dir/file.md:2:5: note: first given here");
	expect_format(&list, 3, "videos/x.yaml: error: cannot read: gone");
	expect_format(&list, 4, "4:2: error: no path");
	expect_format(&list, 5, "warning: nothing at all");
	expect_format(&list, 6, "p: error: 100% sure");
	lantern_diagnostics_clear(&list);
}

static void test_long_message_is_bounded(void **state)
{
	(void)state;
	char long_text[3000];
	memset(long_text, 'm', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	lantern_diagnostics list = LANTERN_DIAGNOSTICS_INIT;
	assert_int_equal(lantern_diagnostics_add(&list, LANTERN_SEVERITY_ERROR, "f", 1, 1, "%s",
	                                         long_text),
	                 LANTERN_OK);
	size_t length = strlen(list.items[0].message);
	assert_true(length > 0);
	assert_true(length < 2999);
	assert_memory_equal(list.items[0].message, long_text, length);
	lantern_diagnostics_clear(&list);
}

static void test_cap_ends_with_too_many_problems(void **state)
{
	(void)state;
	lantern_diagnostics list = LANTERN_DIAGNOSTICS_INIT;
	for (int i = 0; i < LANTERN_DIAGNOSTICS_MAX + 50; i++)
		assert_int_equal(lantern_diagnostics_add(&list, LANTERN_SEVERITY_WARNING, "big.md",
		                                         (unsigned)i + 1, 1, "problem %d", i),
		                 LANTERN_OK);
	assert_int_equal(list.count, LANTERN_DIAGNOSTICS_MAX + 1);
	assert_int_equal(list.warning_count, LANTERN_DIAGNOSTICS_MAX);
	assert_int_equal(list.error_count, 1);
	expect_diagnostic(&list, LANTERN_DIAGNOSTICS_MAX - 1, LANTERN_SEVERITY_WARNING, "big.md",
	                  LANTERN_DIAGNOSTICS_MAX, 1, "problem 199");
	const lantern_diagnostic *last = &list.items[LANTERN_DIAGNOSTICS_MAX];
	assert_int_equal(last->severity, LANTERN_SEVERITY_ERROR);
	assert_int_equal(last->line, 0);
	assert_int_equal(last->column, 0);
	assert_true(strncmp(last->message, "too many problems", 17) == 0);
	char *text = lantern_diagnostic_format(last);
	assert_string_equal(text, "big.md: error: too many problems; stopped reporting after 200");
	free(text);

	/* Errors after the cap are dropped too, and still succeed. */
	assert_int_equal(lantern_diagnostics_add(&list, LANTERN_SEVERITY_ERROR, "big.md", 1, 1, "late"),
	                 LANTERN_OK);
	assert_int_equal(list.count, LANTERN_DIAGNOSTICS_MAX + 1);
	assert_int_equal(list.error_count, 1);
	lantern_diagnostics_clear(&list);
}

static void test_take_moves_everything(void **state)
{
	(void)state;
	lantern_diagnostics to = LANTERN_DIAGNOSTICS_INIT;
	lantern_diagnostics from = LANTERN_DIAGNOSTICS_INIT;
	lantern_diagnostics_add(&to, LANTERN_SEVERITY_WARNING, "a", 1, 1, "first");
	lantern_diagnostics_add(&from, LANTERN_SEVERITY_ERROR, "b", 2, 3, "second");
	lantern_diagnostics_add(&from, LANTERN_SEVERITY_NOTE, "b", 1, 1, "third");
	lantern_diagnostics_add(&from, LANTERN_SEVERITY_WARNING, "c", 0, 0, "fourth");
	assert_int_equal(lantern_diagnostics_take(&to, &from), LANTERN_OK);
	assert_int_equal(to.count, 4);
	assert_int_equal(to.error_count, 1);
	assert_int_equal(to.warning_count, 2);
	expect_diagnostic(&to, 0, LANTERN_SEVERITY_WARNING, "a", 1, 1, "first");
	expect_diagnostic(&to, 1, LANTERN_SEVERITY_ERROR, "b", 2, 3, "second");
	expect_diagnostic(&to, 2, LANTERN_SEVERITY_NOTE, "b", 1, 1, "third");
	expect_diagnostic(&to, 3, LANTERN_SEVERITY_WARNING, "c", 0, 0, "fourth");
	assert_null(from.items);
	assert_int_equal(from.count, 0);
	assert_int_equal(from.error_count, 0);
	assert_int_equal(from.warning_count, 0);

	/* Taking from an empty list changes nothing. */
	assert_int_equal(lantern_diagnostics_take(&to, &from), LANTERN_OK);
	assert_int_equal(to.count, 4);
	lantern_diagnostics_clear(&to);
}

static void test_clear(void **state)
{
	(void)state;
	lantern_diagnostics list = LANTERN_DIAGNOSTICS_INIT;
	lantern_diagnostics_add(&list, LANTERN_SEVERITY_ERROR, "a", 1, 1, "x");
	lantern_diagnostics_add(&list, LANTERN_SEVERITY_WARNING, "a", 1, 1, "y");
	lantern_diagnostics_clear(&list);
	assert_null(list.items);
	assert_int_equal(list.count, 0);
	assert_int_equal(list.capacity, 0);
	assert_int_equal(list.error_count, 0);
	assert_int_equal(list.warning_count, 0);
	/* Usable again after clearing; clearing NULL is harmless. */
	lantern_diagnostics_add(&list, LANTERN_SEVERITY_ERROR, "a", 5, 6, "again");
	expect_diagnostic(&list, 0, LANTERN_SEVERITY_ERROR, "a", 5, 6, "again");
	lantern_diagnostics_clear(&list);
	lantern_diagnostics_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_stores_fields),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_long_message_is_bounded),
		cmocka_unit_test(test_cap_ends_with_too_many_problems),
		cmocka_unit_test(test_take_moves_everything),
		cmocka_unit_test(test_clear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
