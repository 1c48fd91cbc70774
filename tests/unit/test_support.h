/*
 * test_support.h - small helpers shared by the cmocka unit tests.
 *
 * Temporary directories (created with mkdtemp, removed recursively even when
 * a test left a chmod 000 folder behind), file writing, the source tree's
 * location, and diagnostic assertions that print every diagnostic of the
 * list when one does not match, so a failing position is easy to read.
 *
 * Header-only: each test program is one translation unit.
 */
#ifndef LANTERN_TEST_SUPPORT_H
#define LANTERN_TEST_SUPPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lantern/diagnostics.h"

#if defined(__GNUC__)
#define TEST_UNUSED __attribute__((unused))
#else
#define TEST_UNUSED
#endif

/* "<dir>/<relative>", malloc'd; never NULL (fails the test instead). */
static TEST_UNUSED char *test_join(const char *dir, const char *relative)
{
	size_t length = strlen(dir) + strlen(relative) + 2;
	char *path = malloc(length);
	assert_non_null(path);
	snprintf(path, length, "%s/%s", dir, relative);
	return path;
}

/* A fresh private directory under $TMPDIR (or /tmp); the caller removes it
 * with test_remove_tree() and frees the string. */
static TEST_UNUSED char *test_make_temp_dir(const char *tag)
{
	const char *base = getenv("TMPDIR");
	if (!base || !base[0])
		base = "/tmp";
	char template_path[4096];
	snprintf(template_path, sizeof(template_path), "%s/lantern-%s-XXXXXX", base, tag);
	char *made = mkdtemp(template_path);
	if (!made)
		print_error("mkdtemp(%s): %s\n", template_path, strerror(errno));
	assert_non_null(made);
	char *copy = strdup(made);
	assert_non_null(copy);
	return copy;
}

/* rm -rf, without following symlinks; restores permissions on the way. */
static TEST_UNUSED void test_remove_tree(const char *path)
{
	if (!path)
		return;
	struct stat info;
	if (lstat(path, &info) != 0)
		return;
	if (S_ISDIR(info.st_mode)) {
		chmod(path, 0700);
		DIR *directory = opendir(path);
		if (directory) {
			struct dirent *entry;
			while ((entry = readdir(directory)) != NULL) {
				if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
					continue;
				char *child = test_join(path, entry->d_name);
				test_remove_tree(child);
				free(child);
			}
			closedir(directory);
		}
		rmdir(path);
	} else {
		unlink(path);
	}
}

/* mkdir -p of every parent directory of dir/relative. */
static TEST_UNUSED void test_make_parents(const char *dir, const char *relative)
{
	char *path = test_join(dir, relative);
	for (char *p = path + strlen(dir) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			print_error("mkdir(%s): %s\n", path, strerror(errno));
			fail();
		}
		*p = '/';
	}
	free(path);
}

/* Writes `length` bytes to dir/relative, creating parent folders. */
static TEST_UNUSED void test_write_bytes(const char *dir, const char *relative, const void *bytes,
                                         size_t length)
{
	test_make_parents(dir, relative);
	char *path = test_join(dir, relative);
	FILE *file = fopen(path, "wb");
	if (!file)
		print_error("fopen(%s): %s\n", path, strerror(errno));
	assert_non_null(file);
	assert_int_equal(fwrite(bytes, 1, length, file), length);
	assert_int_equal(fclose(file), 0);
	free(path);
}

static TEST_UNUSED void test_write_file(const char *dir, const char *relative, const char *text)
{
	test_write_bytes(dir, relative, text, strlen(text));
}

/* The source tree: $LANTERN_SOURCE_DIR (set by ctest), else the path the
 * test was configured with. */
static TEST_UNUSED const char *test_source_dir(void)
{
	const char *dir = getenv("LANTERN_SOURCE_DIR");
	if (dir && dir[0])
		return dir;
#ifdef LANTERN_TEST_SOURCE_DIR
	return LANTERN_TEST_SOURCE_DIR;
#else
	return ".";
#endif
}

static TEST_UNUSED void test_print_diagnostics(const lantern_diagnostics *list)
{
	print_error("  %zu diagnostic(s), %zu error(s), %zu warning(s):\n", list->count,
	            list->error_count, list->warning_count);
	for (size_t i = 0; i < list->count; i++) {
		char *text = lantern_diagnostic_format(&list->items[i]);
		print_error("  [%zu] %s\n", i, text ? text : "(format failed)");
		free(text);
	}
}

/* Asserts that item `index` of `list` has exactly this severity, path
 * (unless NULL), line and column, and that its message contains `text`. */
static TEST_UNUSED void test_check_diagnostic(const char *file, int line_number,
                                              const lantern_diagnostics *list, size_t index,
                                              lantern_severity severity, const char *path,
                                              unsigned line, unsigned column, const char *text)
{
	bool ok = index < list->count;
	const lantern_diagnostic *item = ok ? &list->items[index] : NULL;
	ok = ok && item->severity == severity && item->line == line && item->column == column &&
	     (!path || strcmp(item->path, path) == 0) && strstr(item->message, text) != NULL;
	if (!ok) {
		static const char *const names[] = { "error", "warning", "note" };
		print_error("expected diagnostic [%zu]: %s:%u:%u: %s: ...%s...\n", index,
		            path ? path : "*", line, column, names[severity], text);
		test_print_diagnostics(list);
		_fail(file, line_number);
	}
}
#define expect_diagnostic(list, index, severity, path, line, column, text) \
	test_check_diagnostic(__FILE__, __LINE__, (list), (index), (severity), (path), (line), \
	                      (column), (text))

/* Asserts the list holds exactly `errors` errors and `count` items. */
static TEST_UNUSED void test_check_counts(const char *file, int line_number,
                                          const lantern_diagnostics *list, size_t count,
                                          size_t errors)
{
	if (list->count != count || list->error_count != errors) {
		print_error("expected %zu diagnostic(s) with %zu error(s)\n", count, errors);
		test_print_diagnostics(list);
		_fail(file, line_number);
	}
}
#define expect_diagnostic_count(list, count, errors) \
	test_check_counts(__FILE__, __LINE__, (list), (count), (errors))

/* Index of the first diagnostic whose path is `path` and whose message
 * contains `text`, or -1. */
static TEST_UNUSED int test_find_diagnostic(const lantern_diagnostics *list, const char *path,
                                            const char *text)
{
	for (size_t i = 0; i < list->count; i++)
		if ((!path || strcmp(list->items[i].path, path) == 0) &&
		    strstr(list->items[i].message, text))
			return (int)i;
	return -1;
}

#endif
