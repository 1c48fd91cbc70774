/*
 * test_synonyms.c - lib/corpus/synonyms.c: synonyms.yaml and storing it.
 *
 * Loads corpus/synonyms.yaml when the corpus has one (that test skips
 * otherwise) and files written to a mkdtemp directory: entries normalised
 * (lowercase, runs of blanks folded, trimmed), the content hash, a missing
 * file (an empty set, hash 0, OK), an unreadable path, and every refusal
 * with its exact line:col: a group with one entry (each bad group reported,
 * not only the first), an entry that is not a word or phrase, a quoted blank
 * entry, an entry over 200 bytes, no `synonyms:` list, invalid UTF-8. Storing into a temporary
 * database is checked through statuses and the group count only (liblantern
 * has no synonym read API): store, store again (replacing), store an empty
 * set, commit, reopen.
 */
#include "test_support.h"

#include "lantern/synonyms.h"

typedef struct fixture {
	char *dir;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	f->dir = test_make_temp_dir("synonyms");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	test_remove_tree(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

typedef struct loaded {
	lantern_synonyms synonyms;
	lantern_diagnostics diagnostics;
	lantern_status status;
	char *path;
} loaded;

static loaded load_bytes(fixture *f, const char *name, const char *text, size_t length)
{
	loaded result;
	memset(&result, 0, sizeof(result));
	test_write_bytes(f->dir, name, text, length);
	result.path = test_join(f->dir, name);
	result.status = lantern_synonyms_load(&result.synonyms, result.path, &result.diagnostics);
	return result;
}

static loaded load_text(fixture *f, const char *text)
{
	return load_bytes(f, "synonyms.yaml", text, strlen(text));
}

static void loaded_clear(loaded *result)
{
	lantern_synonyms_clear(&result->synonyms);
	lantern_diagnostics_clear(&result->diagnostics);
	free(result->path);
}

static void test_corpus_synonyms(void **state)
{
	(void)state;
	char *path = test_join(test_source_dir(), "corpus/synonyms.yaml");
	struct stat info;
	if (stat(path, &info) != 0) {
		print_message("corpus/synonyms.yaml is absent: skipping the corpus check\n");
		free(path);
		skip();
	}
	lantern_synonyms synonyms;
	lantern_diagnostics diagnostics = LANTERN_DIAGNOSTICS_INIT;
	lantern_status status = lantern_synonyms_load(&synonyms, path, &diagnostics);
	if (status != LANTERN_OK)
		test_print_diagnostics(&diagnostics);
	assert_int_equal(status, LANTERN_OK);
	assert_int_equal(diagnostics.count, 0);
	assert_true(synonyms.count > 0);
	assert_true(synonyms.hash != 0);
	for (size_t g = 0; g < synonyms.count; g++) {
		assert_true(synonyms.groups[g].count >= 2);
		for (size_t i = 0; i < synonyms.groups[g].count; i++) {
			const char *entry = synonyms.groups[g].entries[i];
			assert_true(entry[0] != '\0' && entry[0] != ' ');
			assert_true(entry[strlen(entry) - 1] != ' ');
			assert_null(strstr(entry, "  "));
			for (const char *p = entry; *p; p++)
				assert_false(*p >= 'A' && *p <= 'Z');
		}
	}
	lantern_synonyms_clear(&synonyms);
	lantern_diagnostics_clear(&diagnostics);
	free(path);
}

static void test_normalisation(void **state)
{
	fixture *f = *state;
	loaded r = load_text(f, "synonyms:\n"
	                        "  - [CSEC, '  Commercial   Sexual\tExploitation of Children ']\n"
	                        "  - - ICAC\n"
	                        "    - Internet Crimes Against Children\n"
	                        "    - \"internet  crimes\"\n");
	if (r.status != LANTERN_OK)
		test_print_diagnostics(&r.diagnostics);
	assert_int_equal(r.status, LANTERN_OK);
	assert_int_equal(r.diagnostics.count, 0);
	assert_int_equal(r.synonyms.count, 2);
	assert_int_equal(r.synonyms.groups[0].count, 2);
	assert_string_equal(r.synonyms.groups[0].entries[0], "csec");
	assert_string_equal(r.synonyms.groups[0].entries[1],
	                    "commercial sexual exploitation of children");
	assert_int_equal(r.synonyms.groups[1].count, 3);
	assert_string_equal(r.synonyms.groups[1].entries[0], "icac");
	assert_string_equal(r.synonyms.groups[1].entries[1], "internet crimes against children");
	assert_string_equal(r.synonyms.groups[1].entries[2], "internet crimes");
	uint64_t hash = r.synonyms.hash;
	assert_true(hash != 0);
	loaded_clear(&r);

	/* The same content hashes the same; one changed byte does not. */
	r = load_text(f, "synonyms:\n"
	                 "  - [CSEC, '  Commercial   Sexual\tExploitation of Children ']\n"
	                 "  - - ICAC\n"
	                 "    - Internet Crimes Against Children\n"
	                 "    - \"internet  crimes\"\n");
	assert_true(r.synonyms.hash == hash);
	loaded_clear(&r);
	r = load_text(f, "synonyms:\n"
	                 "  - [CSEC, '  Commercial   Sexual\tExploitation of Children ']\n"
	                 "  - - ICAC\n"
	                 "    - Internet Crimes Against Children\n"
	                 "    - \"internet  crimez\"\n");
	assert_int_equal(r.status, LANTERN_OK);
	assert_true(r.synonyms.hash != hash);
	loaded_clear(&r);

	/* An empty list of groups is fine. */
	r = load_text(f, "synonyms: []\n");
	assert_int_equal(r.status, LANTERN_OK);
	assert_int_equal(r.synonyms.count, 0);
	loaded_clear(&r);
}

static void test_group_with_one_entry(void **state)
{
	fixture *f = *state;
	loaded r = load_text(f, "synonyms:\n  - [csec]\n  - [mdt, multidisciplinary team]\n");
	assert_int_equal(r.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&r.diagnostics, 1, 1);
	expect_diagnostic(&r.diagnostics, 0, LANTERN_SEVERITY_ERROR, r.path, 2, 5,
	                  "a synonym group is a list of at least two words or phrases");
	assert_int_equal(r.synonyms.count, 0); /* nothing is kept on error */
	assert_null(r.synonyms.groups);
	loaded_clear(&r);

	/* A bare word instead of a list, and a second bad group further down:
	 * every problem is reported, not only the first. */
	r = load_text(f, "synonyms:\n  - csec\n  - [a, b]\n  - [lonely]\n");
	assert_int_equal(r.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&r.diagnostics, 2, 2);
	expect_diagnostic(&r.diagnostics, 0, LANTERN_SEVERITY_ERROR, r.path, 2, 5, "at least two");
	expect_diagnostic(&r.diagnostics, 1, LANTERN_SEVERITY_ERROR, r.path, 4, 5, "at least two");
	loaded_clear(&r);
}

static void test_bad_entries(void **state)
{
	fixture *f = *state;
	loaded r = load_text(f, "synonyms:\n  - [csec, [nested]]\n  - [a, ~]\n  - [b, {k: v}]\n");
	assert_int_equal(r.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&r.diagnostics, 3, 3);
	expect_diagnostic(&r.diagnostics, 0, LANTERN_SEVERITY_ERROR, r.path, 2, 12,
	                  "a synonym must be a word or phrase of at most 200 bytes");
	expect_diagnostic(&r.diagnostics, 1, LANTERN_SEVERITY_ERROR, r.path, 3, 9, "word or phrase");
	expect_diagnostic(&r.diagnostics, 2, LANTERN_SEVERITY_ERROR, r.path, 4, 9, "word or phrase");
	assert_int_equal(r.synonyms.count, 0);
	loaded_clear(&r);

	char text[400];
	char long_entry[202];
	memset(long_entry, 'w', 201);
	long_entry[201] = '\0';
	snprintf(text, sizeof(text), "synonyms:\n  - [short, %s]\n", long_entry);
	r = load_text(f, text);
	assert_int_equal(r.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&r.diagnostics, 1, 1);
	expect_diagnostic(&r.diagnostics, 0, LANTERN_SEVERITY_ERROR, r.path, 2, 13, "at most 200 bytes");
	loaded_clear(&r);

	/* A quoted blank normalises to nothing: refused, not stored as "". */
	r = load_text(f, "synonyms:\n  - [csec, '   ', \"\"]\n");
	assert_int_equal(r.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&r.diagnostics, 2, 2);
	expect_diagnostic(&r.diagnostics, 0, LANTERN_SEVERITY_ERROR, r.path, 2, 12,
	                  "a synonym must be a word or phrase, not blank");
	expect_diagnostic(&r.diagnostics, 1, LANTERN_SEVERITY_ERROR, r.path, 2, 19, "not blank");
	loaded_clear(&r);

	/* Exactly 200 bytes is fine. */
	long_entry[200] = '\0';
	snprintf(text, sizeof(text), "synonyms:\n  - [short, %s]\n", long_entry);
	r = load_text(f, text);
	assert_int_equal(r.status, LANTERN_OK);
	assert_int_equal(strlen(r.synonyms.groups[0].entries[1]), 200);
	loaded_clear(&r);
}

static void test_not_a_synonyms_file(void **state)
{
	fixture *f = *state;
	loaded r = load_text(f, "groups:\n  - [a, b]\n");
	assert_int_equal(r.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&r.diagnostics, 1, 1);
	expect_diagnostic(&r.diagnostics, 0, LANTERN_SEVERITY_ERROR, r.path, 1, 1,
	                  "expected 'synonyms:' with a list of groups");
	loaded_clear(&r);

	r = load_text(f, "# comment\nsynonyms: csec\n");
	assert_int_equal(r.status, LANTERN_ERROR_PARSE);
	expect_diagnostic(&r.diagnostics, 0, LANTERN_SEVERITY_ERROR, r.path, 2, 11,
	                  "expected 'synonyms:'");
	loaded_clear(&r);

	r = load_text(f, "synonyms: [[a, b]\n");
	assert_int_equal(r.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&r.diagnostics, 1, 1);
	expect_diagnostic(&r.diagnostics, 0, LANTERN_SEVERITY_ERROR, r.path, 2, 1,
	                  "did not find expected ',' or ']'");
	loaded_clear(&r);
}

static void test_invalid_utf8(void **state)
{
	fixture *f = *state;
	const char text[] = "synonyms:\n  - [caf\xE9, coffee]\n";
	loaded r = load_bytes(f, "latin1.yaml", text, sizeof(text) - 1);
	assert_int_equal(r.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&r.diagnostics, 1, 1);
	expect_diagnostic(&r.diagnostics, 0, LANTERN_SEVERITY_ERROR, r.path, 2, 9, "invalid UTF-8");
	loaded_clear(&r);
}

static void test_missing_and_unreadable(void **state)
{
	fixture *f = *state;
	char *missing = test_join(f->dir, "nope.yaml");
	lantern_synonyms synonyms;
	memset(&synonyms, 0x5A, sizeof(synonyms));
	lantern_diagnostics diagnostics = LANTERN_DIAGNOSTICS_INIT;
	assert_int_equal(lantern_synonyms_load(&synonyms, missing, &diagnostics), LANTERN_OK);
	assert_int_equal(synonyms.count, 0);
	assert_null(synonyms.groups);
	assert_true(synonyms.hash == 0);
	assert_int_equal(diagnostics.count, 0);
	lantern_synonyms_clear(&synonyms);
	free(missing);

	/* A directory is not missing: it is an error. */
	assert_int_equal(lantern_synonyms_load(&synonyms, f->dir, &diagnostics), LANTERN_ERROR_IO);
	expect_diagnostic_count(&diagnostics, 1, 1);
	expect_diagnostic(&diagnostics, 0, LANTERN_SEVERITY_ERROR, f->dir, 0, 0, "cannot read");
	lantern_diagnostics_clear(&diagnostics);
	lantern_synonyms_clear(NULL);
}

static void test_store(void **state)
{
	fixture *f = *state;
	loaded r = load_text(f, "synonyms:\n  - [csec, commercial sexual exploitation of children]\n"
	                        "  - [icac, internet crimes against children, ICAC task force]\n"
	                        "  - [mdt, MDT]\n");
	assert_int_equal(r.status, LANTERN_OK);
	assert_int_equal(r.synonyms.count, 3);
	/* Entries equal after normalisation stay (store skips self-pairs). */
	assert_string_equal(r.synonyms.groups[2].entries[0], "mdt");
	assert_string_equal(r.synonyms.groups[2].entries[1], "mdt");

	char *db_path = test_join(f->dir, "db");
	lantern_database *db = NULL;
	assert_int_equal(lantern_database_open_writable(&db, db_path,
	                                                LANTERN_DATABASE_CREATE |
	                                                        LANTERN_DATABASE_NO_SYNC),
	                 LANTERN_OK);
	assert_int_equal(lantern_synonyms_store(&r.synonyms, db), LANTERN_OK);
	assert_int_equal(lantern_database_commit(db), LANTERN_OK);
	/* Storing again replaces the table (clears every key while iterating). */
	assert_int_equal(lantern_synonyms_store(&r.synonyms, db), LANTERN_OK);
	assert_int_equal(lantern_database_commit(db), LANTERN_OK);
	lantern_database_close(db);

	db = NULL;
	assert_int_equal(lantern_database_open_writable(&db, db_path, 0), LANTERN_OK);
	assert_int_equal(lantern_synonyms_store(&r.synonyms, db), LANTERN_OK);
	lantern_synonyms empty;
	memset(&empty, 0, sizeof(empty));
	assert_int_equal(lantern_synonyms_store(&empty, db), LANTERN_OK);
	assert_int_equal(lantern_database_commit(db), LANTERN_OK);
	lantern_database_close(db);
	free(db_path);
	loaded_clear(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus_synonyms),
		cmocka_unit_test_setup_teardown(test_normalisation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_with_one_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_synonyms_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
