/*
 * query_fixture.h - a small index for the query engine's unit tests.
 *
 * A fixture writes a corpus folder into a mkdtemp directory (schema.yaml
 * copied from the bundled corpus, a synonyms.yaml of its own, and the
 * Markdown/text files it is given), runs the real lantern-index over it
 * ($LANTERN_BUILD_DIR/indexer/lantern-index, as ctest sets it) and opens a
 * lantern_engine on the result. Helpers run searches and look at responses:
 * hit ids in order, error codes with their detail, and a way to run a search
 * in a child process so that a crash fails one test instead of the program.
 *
 * The standard documents (qf_standard_files) are described next to them;
 * the tests rely on exactly those values.
 *
 * Header-only: each test program is one translation unit.
 */
#ifndef LANTERN_QUERY_FIXTURE_H
#define LANTERN_QUERY_FIXTURE_H

#include "test_support.h"

#include <jansson.h>
#include <signal.h>
#include <sys/wait.h>

#include "engine.h"
#include "lantern/status.h"

#ifndef LANTERN_TEST_BUILD_DIR
#define LANTERN_TEST_BUILD_DIR "build"
#endif

typedef struct qf_file {
	const char *path;
	const char *text;
} qf_file;

typedef struct qf_fixture {
	char *dir;            /* the mkdtemp directory */
	char *corpus;         /* dir/corpus */
	char *index;          /* dir/index */
	lantern_engine *engine;
} qf_fixture;

/* ------------------------------------------------------------------ the standard corpus
 *
 *  id                    type           agency_type     size       level     topics        published
 *  policies/rural-small  policy         rural           small      low       gangs, drugs  2019-05-01
 *  policies/urban-large  policy         urban           large      high      gangs         2020-02-10
 *  guides/all-agencies   best-practice  all             all        moderate  drugs         2018-07
 *  guides/tribal-rural   best-practice  tribal, rural   mid-sized  low       vice          2021
 *  reports/suburban      report         suburban        small      high      gangs, vice   2017-01-01
 *  reports/undated       report         urban           mid-sized  -         drugs         -
 *  misc/escaping         toolkit        -               -          -         -             2022-06-01  (.txt)
 *  misc/escaping-md      toolkit        -               -          -         -             2023-03-03
 *
 * Titles sort (case-insensitively) B, D, A, C, E, F, G, H by the table's
 * order: "alpha urban policy", "Bravo tribal practice", "Charlie rural ...".
 * Words: "QWV" only in rural-small, "quilted walrus venture" only in
 * all-agencies (synonyms of each other; "RNCH", in no resource, stands for
 * "ranch patrols"); "ranch" in rural-small's body and
 * suburban's title; "pangolin" only in rural-small; "cast" once (tribal-
 * rural), "cost" in three documents; "gang" in suburban, "gangs" in
 * urban-large; "zebrafish" in both escaping samples,
 * whose bodies hold <script>alert(1)</script> & "quotes".
 */
#define QF_SYNONYMS "synonyms:\n  - [qwv, quilted walrus venture]\n  - [rnch, ranch patrols]\n"

static const qf_file qf_standard_files[] = {
	{ "policies/rural-small.md",
	  "---\n"
	  "title: Charlie rural gangs policy\n"
	  "type: policy\n"
	  "agency_type: [rural]\n"
	  "agency_size: [small]\n"
	  "resource_level: low\n"
	  "topics: [gangs, drugs]\n"
	  "audience: [investigator]\n"
	  "publisher: Alpha Press\n"
	  "published: 2019-05-01\n"
	  "---\n"
	  "The QWV program supports ranch patrols in sparse counties.\n\n"
	  "A budget cost review and a note on the pangolin.\n" },
	{ "policies/urban-large.md",
	  "---\n"
	  "title: alpha urban policy\n"
	  "type: policy\n"
	  "agency_type: [urban]\n"
	  "agency_size: [large]\n"
	  "resource_level: high\n"
	  "topics: [gangs]\n"
	  "audience: [supervisor]\n"
	  "publisher: Beta House\n"
	  "published: 2020-02-10\n"
	  "---\n"
	  "Urban cost planning for large agencies and their gangs units.\n" },
	{ "guides/all-agencies.md",
	  "---\n"
	  "title: Delta guidance for every agency\n"
	  "type: best-practice\n"
	  "agency_type: all\n"
	  "agency_size: all\n"
	  "resource_level: moderate\n"
	  "topics: [drugs]\n"
	  "audience: [investigator, supervisor]\n"
	  "publisher: Alpha Press\n"
	  "published: 2018-07\n"
	  "---\n"
	  "This covers the quilted walrus venture in detail, and its cost.\n" },
	{ "guides/tribal-rural.md",
	  "---\n"
	  "title: Bravo tribal practice\n"
	  "type: best-practice\n"
	  "agency_type: [tribal, rural]\n"
	  "agency_size: [mid-sized]\n"
	  "resource_level: low\n"
	  "topics: [vice]\n"
	  "published: 2021\n"
	  "---\n"
	  "Tribal vice guidance from the cast of a training film.\n" },
	{ "reports/suburban.md",
	  "---\n"
	  "title: Echo suburban ranch report\n"
	  "type: report\n"
	  "agency_type: [suburban]\n"
	  "agency_size: [small]\n"
	  "resource_level: high\n"
	  "topics: [gangs, vice]\n"
	  "published: 2017-01-01\n"
	  "---\n"
	  "Suburban report on a street gang and vice.\n" },
	{ "reports/undated.md",
	  "---\n"
	  "title: Foxtrot undated report\n"
	  "type: report\n"
	  "agency_type: [urban]\n"
	  "agency_size: [mid-sized]\n"
	  "topics: [drugs]\n"
	  "---\n"
	  "Undated report about narcotics markets.\n" },
	{ "misc/escaping.txt",
	  "---\n"
	  "title: Golf escaping sample\n"
	  "type: toolkit\n"
	  "published: 2022-06-01\n"
	  "---\n"
	  "Before <script>alert(1)</script> & \"quotes\" zebrafish after it.\n" },
	{ "misc/escaping-md.md",
	  "---\n"
	  "title: Hotel markdown escaping\n"
	  "type: toolkit\n"
	  "published: 2023-03-03\n"
	  "---\n"
	  "Code `<script>alert(1)</script>` & \"quotes\" zebrafish here.\n" },
};
#define QF_STANDARD_COUNT (sizeof(qf_standard_files) / sizeof(qf_standard_files[0]))

/* ------------------------------------------------------------------ building */

static TEST_UNUSED const char *qf_build_dir(void)
{
	const char *dir = getenv("LANTERN_BUILD_DIR");
	return dir && dir[0] ? dir : LANTERN_TEST_BUILD_DIR;
}

/* The indexer's path (malloc'd), or NULL when it is not built. */
static TEST_UNUSED char *qf_indexer_path(void)
{
	char *path = test_join(qf_build_dir(), "indexer/lantern-index");
	if (access(path, X_OK) != 0) {
		free(path);
		return NULL;
	}
	return path;
}

/* Exits 77 (ctest: skipped) when there is no indexer to build indexes with. */
static TEST_UNUSED void qf_require_indexer(void)
{
	char *path = qf_indexer_path();
	if (!path) {
		fprintf(stderr, "SKIPPED: no lantern-index under %s (build it first)\n", qf_build_dir());
		exit(77);
	}
	free(path);
}

static TEST_UNUSED char *qf_read_file(const char *path)
{
	FILE *file = fopen(path, "rb");
	if (!file)
		return NULL;
	char *text = NULL;
	size_t used = 0, size = 0;
	for (;;) {
		if (used + 4096 + 1 > size) {
			size = (used + 4096 + 1) * 2;
			char *grown = realloc(text, size);
			assert_non_null(grown);
			text = grown;
		}
		size_t got = fread(text + used, 1, size - used - 1, file);
		used += got;
		if (got == 0)
			break;
	}
	fclose(file);
	text[used] = '\0';
	return text;
}

/* Runs lantern-index --no-sync --quiet --index INDEX CORPUS; fails the test
 * (printing its output) unless it exits 0. */
static TEST_UNUSED void qf_run_indexer(const qf_fixture *fixture)
{
	char *indexer = qf_indexer_path();
	assert_non_null(indexer);
	char *log = test_join(fixture->dir, "index.log");
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execl(indexer, indexer, "--no-sync", "--quiet", "--index", fixture->index, fixture->corpus,
		      (char *)NULL);
		_exit(127);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char *output = qf_read_file(log);
		print_error("lantern-index failed (status %d):\n%s\n", status, output ? output : "");
		free(output);
		fail();
	}
	free(log);
	free(indexer);
}

/* Builds an index of `files` (plus schema.yaml and `synonyms`, which may be
 * NULL) and opens an engine on it. */
static TEST_UNUSED qf_fixture *qf_build(const char *tag, const qf_file *files, size_t count,
                                        const char *synonyms)
{
	qf_fixture *fixture = calloc(1, sizeof(*fixture));
	assert_non_null(fixture);
	fixture->dir = test_make_temp_dir(tag);
	fixture->corpus = test_join(fixture->dir, "corpus");
	fixture->index = test_join(fixture->dir, "index");
	assert_int_equal(mkdir(fixture->corpus, 0755), 0);
	char *schema_path = test_join(test_source_dir(), "corpus/schema.yaml");
	char *schema = qf_read_file(schema_path);
	if (!schema)
		print_error("cannot read %s\n", schema_path);
	assert_non_null(schema);
	test_write_file(fixture->corpus, "schema.yaml", schema);
	free(schema);
	free(schema_path);
	if (synonyms)
		test_write_file(fixture->corpus, "synonyms.yaml", synonyms);
	for (size_t i = 0; i < count; i++)
		test_write_file(fixture->corpus, files[i].path, files[i].text);
	qf_run_indexer(fixture);
	lantern_status status = lantern_engine_open(&fixture->engine, fixture->index, NULL, 0);
	if (status != LANTERN_OK)
		print_error("lantern_engine_open: %s\n", lantern_error_detail());
	assert_int_equal(status, LANTERN_OK);
	return fixture;
}

static TEST_UNUSED qf_fixture *qf_build_standard(const char *tag)
{
	return qf_build(tag, qf_standard_files, QF_STANDARD_COUNT, QF_SYNONYMS);
}

static TEST_UNUSED void qf_destroy(qf_fixture *fixture)
{
	if (!fixture)
		return;
	lantern_engine_close(fixture->engine);
	if (!getenv("LANTERN_KEEP_TMP"))
		test_remove_tree(fixture->dir);
	else
		fprintf(stderr, "kept %s\n", fixture->dir);
	free(fixture->dir);
	free(fixture->corpus);
	free(fixture->index);
	free(fixture);
}

/* ------------------------------------------------------------------ searching */

/* Runs a search that must succeed; the caller decrefs the response. */
static TEST_UNUSED json_t *qf_search_at(const char *file, int line, lantern_engine *engine,
                                        const lantern_search_request *request)
{
	json_t *response = NULL;
	lantern_status status = lantern_engine_search(engine, request, &response);
	if (status != LANTERN_OK) {
		print_error("search for '%s' failed: %s (%s)\n", request->query ? request->query : "(null)",
		            lantern_status_to_string(status), lantern_error_detail());
		_fail(file, line);
	}
	if (!json_is_object(response)) {
		print_error("search for '%s' gave no response object\n", request->query ? request->query : "");
		_fail(file, line);
	}
	return response;
}
#define qf_search(engine, request) qf_search_at(__FILE__, __LINE__, (engine), (request))

/* Asserts that a search fails with `expected` and that the detail contains
 * `detail` (unless NULL). */
static TEST_UNUSED void qf_expect_error_at(const char *file, int line, lantern_engine *engine,
                                           const lantern_search_request *request,
                                           lantern_status expected, const char *detail)
{
	json_t *response = NULL;
	lantern_error_clear();
	lantern_status status = lantern_engine_search(engine, request, &response);
	bool ok = status == expected && response == NULL &&
	          (!detail || strstr(lantern_error_detail(), detail) != NULL);
	if (!ok) {
		char *dump = response ? json_dumps(response, JSON_COMPACT) : NULL;
		print_error("expected %s with detail containing '%s'\n"
		            "     got %s, detail '%s'%s%.300s\n",
		            lantern_status_to_string(expected), detail ? detail : "",
		            lantern_status_to_string(status), lantern_error_detail(),
		            dump ? ", response " : "", dump ? dump : "");
		free(dump);
		json_decref(response);
		_fail(file, line);
	}
}
#define qf_expect_error(engine, request, expected, detail) \
	qf_expect_error_at(__FILE__, __LINE__, (engine), (request), (expected), (detail))

/* The hits' ids in order, comma-separated ("" when none). Caller frees. */
static TEST_UNUSED char *qf_ids(const json_t *response)
{
	json_t *hits = json_object_get(response, "hits");
	size_t length = 1, index;
	json_t *hit;
	json_array_foreach(hits, index, hit)
		length += strlen(json_string_value(json_object_get(hit, "id"))) + 1;
	char *out = calloc(length, 1);
	assert_non_null(out);
	json_array_foreach(hits, index, hit) {
		if (index)
			strcat(out, ",");
		strcat(out, json_string_value(json_object_get(hit, "id")));
	}
	return out;
}

static int qf_compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The hits' ids sorted, comma-separated. Caller frees. */
static TEST_UNUSED char *qf_sorted_ids(const json_t *response)
{
	json_t *hits = json_object_get(response, "hits");
	size_t count = json_array_size(hits);
	const char **ids = calloc(count ? count : 1, sizeof(char *));
	assert_non_null(ids);
	size_t length = 1;
	for (size_t i = 0; i < count; i++) {
		ids[i] = json_string_value(json_object_get(json_array_get(hits, i), "id"));
		length += strlen(ids[i]) + 1;
	}
	qsort(ids, count, sizeof(char *), qf_compare_strings);
	char *out = calloc(length, 1);
	assert_non_null(out);
	for (size_t i = 0; i < count; i++) {
		if (i)
			strcat(out, ",");
		strcat(out, ids[i]);
	}
	free(ids);
	return out;
}

/* True when the response has a hit with this id. */
static TEST_UNUSED bool qf_has_hit(const json_t *response, const char *id)
{
	size_t index;
	json_t *hit;
	json_array_foreach(json_object_get(response, "hits"), index, hit)
		if (strcmp(json_string_value(json_object_get(hit, "id")), id) == 0)
			return true;
	return false;
}

/* Searches and compares the sorted ids with `expected` (sorted, comma-
 * separated), printing the request's query on a mismatch. */
static TEST_UNUSED void qf_expect_ids_at(const char *file, int line, lantern_engine *engine,
                                         const lantern_search_request *request, const char *expected)
{
	json_t *response = qf_search_at(file, line, engine, request);
	char *actual = qf_sorted_ids(response);
	json_int_t total = json_integer_value(json_object_get(response, "totalHits"));
	size_t hits = json_array_size(json_object_get(response, "hits"));
	json_decref(response);
	if (strcmp(actual, expected) != 0 || (request->limit >= hits && (size_t)total != hits)) {
		print_error("query '%s' published '%s':\n  expected ids: %s\n  actual ids:   %s (totalHits %lld)\n",
		            request->query ? request->query : "", request->published ? request->published : "",
		            expected, actual, (long long)total);
		free(actual);
		_fail(file, line);
	}
	free(actual);
}
#define qf_expect_ids(engine, request, expected) \
	qf_expect_ids_at(__FILE__, __LINE__, (engine), (request), (expected))

/* Runs lantern_engine_search in a child process (the engine is inherited
 * through fork) and reports how it ended: "ok", "error <code>", or
 * "signal <n>". For inputs that might crash the engine. Caller frees. */
static TEST_UNUSED char *qf_search_isolated(lantern_engine *engine, const lantern_search_request *request)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		json_t *response = NULL;
		lantern_status status = lantern_engine_search(engine, request, &response);
		json_decref(response);
		_exit(status == LANTERN_OK ? 0 : 100 + (int)status % 100);
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	char *out = malloc(32);
	assert_non_null(out);
	if (WIFSIGNALED(status))
		snprintf(out, 32, "signal %d", WTERMSIG(status));
	else if (WEXITSTATUS(status) == 0)
		snprintf(out, 32, "ok");
	else
		snprintf(out, 32, "error %d", WEXITSTATUS(status) - 100);
	return out;
}

#endif
