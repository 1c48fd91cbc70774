/*
 * test_engine.c - lib/engine/engine.cc: the C shim over Xapian.
 *
 * Stemming through libstemmer (English and Spanish stems checked against
 * libstemmer's actual output; ISO codes and full names; NULL/"" meaning
 * English; an unknown language is LANTERN_ERROR_UNSUPPORTED). Documents and
 * the term generator: "Child trafficking indicators" indexed with prefix "S"
 * and unprefixed gives exactly the unstemmed terms plus Xapian's STEM_SOME
 * stemmed terms, which carry "Z" before the prefix ("ZStraffick", never
 * "SZtraffick"). Exception translation: every Xapian class (and bad_alloc,
 * std::exception, anything else) through lantern_engine_translate_for_test,
 * and real provocations: a missing database, the same database opened twice
 * for writing, a garbage iamglass file, a plain file as the path. A writable
 * database round trip in a mkdtemp directory: replace with LANTERN_SPELLING,
 * commit, counts, revisions, metadata, each_value (order, stopping),
 * delete, synonyms, and close-without-commit discarding changes. Finally
 * lantern_status_to_string for every code (non-empty, distinct).
 */
#include "test_support.h"

#include "lantern/engine.h"
#include "engine/engine_internal.h"

/* ------------------------------------------------------------------ stemming */

static void expect_stem(lantern_stemmer *stemmer, const char *word, const char *stem)
{
	char *out = NULL;
	assert_int_equal(lantern_stemmer_stem(stemmer, word, &out), LANTERN_OK);
	assert_non_null(out);
	assert_string_equal(out, stem);
	free(out);
}

static void test_stemmer_english(void **state)
{
	(void)state;
	const char *names[] = { "en", "english", NULL, "" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		lantern_stemmer *stemmer = NULL;
		assert_int_equal(lantern_stemmer_new(&stemmer, names[i]), LANTERN_OK);
		assert_non_null(stemmer);
		expect_stem(stemmer, "trafficking", "traffick");
		expect_stem(stemmer, "indicators", "indic");
		expect_stem(stemmer, "exploitation", "exploit");
		expect_stem(stemmer, "running", "run");
		expect_stem(stemmer, "children", "children");
		expect_stem(stemmer, "", "");
		lantern_stemmer_free(stemmer);
	}
	lantern_stemmer_free(NULL);
}

static void test_stemmer_spanish(void **state)
{
	(void)state;
	lantern_stemmer *stemmer = NULL;
	assert_int_equal(lantern_stemmer_new(&stemmer, "es"), LANTERN_OK);
	expect_stem(stemmer, "ni\xC3\xB1os", "ni\xC3\xB1");
	expect_stem(stemmer, "menores", "menor");
	expect_stem(stemmer, "explotaci\xC3\xB3n", "explot");
	/* The English stemmer would not touch this word the same way. */
	expect_stem(stemmer, "trata", "trat");
	lantern_stemmer_free(stemmer);
	assert_true(lantern_stemmer_language_supported("spanish"));
	assert_true(lantern_stemmer_language_supported("fr"));
	assert_true(lantern_stemmer_language_supported(NULL));
}

static void test_stemmer_unknown_language(void **state)
{
	(void)state;
	lantern_stemmer *stemmer = (lantern_stemmer *)&stemmer;
	lantern_error_clear();
	assert_int_equal(lantern_stemmer_new(&stemmer, "klingon"), LANTERN_ERROR_UNSUPPORTED);
	assert_null(stemmer);
	assert_non_null(strstr(lantern_error_detail(), "klingon"));
	assert_false(lantern_stemmer_language_supported("klingon"));
	assert_false(lantern_stemmer_language_supported("xx"));
}

/* ------------------------------------------------------------------ documents and terms */

static void test_document_terms(void **state)
{
	(void)state;
	lantern_document *doc = NULL;
	assert_int_equal(lantern_document_new(&doc), LANTERN_OK);
	assert_int_equal(lantern_document_term_count(doc), 0);
	assert_false(lantern_document_has_term(doc, "Qx"));
	assert_int_equal(lantern_document_add_boolean_term(doc, "Qpolicies/rural"), LANTERN_OK);
	assert_int_equal(lantern_document_add_boolean_term(doc, "XTYPEpolicy"), LANTERN_OK);
	assert_int_equal(lantern_document_add_boolean_term(doc, "XTYPEpolicy"), LANTERN_OK);
	assert_int_equal(lantern_document_term_count(doc), 2);
	assert_true(lantern_document_has_term(doc, "Qpolicies/rural"));
	assert_true(lantern_document_has_term(doc, "XTYPEpolicy"));
	assert_false(lantern_document_has_term(doc, "XTYPE"));
	assert_false(lantern_document_has_term(doc, "XTYPEpolicyx"));
	assert_false(lantern_document_has_term(doc, "Qpolicies"));
	assert_int_equal(lantern_document_set_value(doc, 3, "sort key", 8), LANTERN_OK);
	assert_int_equal(lantern_document_set_data(doc, "{\"a\":1}", 7), LANTERN_OK);

	/* Terms longer than Xapian's limit fail cleanly when written, not here. */
	lantern_document_free(doc);
	lantern_document_free(NULL);
}

static void test_term_generator_prefixes_and_stems(void **state)
{
	(void)state;
	lantern_term_generator *generator = NULL;
	lantern_document *doc = NULL;
	assert_int_equal(lantern_term_generator_new(&generator), LANTERN_OK);
	assert_int_equal(lantern_document_new(&doc), LANTERN_OK);
	assert_int_equal(lantern_term_generator_set_document(generator, doc), LANTERN_OK);
	const char *title = "Child trafficking indicators";
	assert_int_equal(lantern_term_generator_index_text(generator, title, strlen(title), 3, NULL),
	                 LANTERN_OK);
	assert_int_equal(lantern_term_generator_increase_position(generator, 100), LANTERN_OK);
	assert_int_equal(lantern_term_generator_index_text(generator, title, strlen(title), 1, "S"),
	                 LANTERN_OK);

	static const char *const expected[] = {
		"child", "trafficking", "indicators", "Zchild", "Ztraffick", "Zindic",
		"Schild", "Strafficking", "Sindicators", "ZSchild", "ZStraffick", "ZSindic",
	};
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		if (!lantern_document_has_term(doc, expected[i]))
			print_error("missing term '%s'\n", expected[i]);
		assert_true(lantern_document_has_term(doc, expected[i]));
	}
	assert_int_equal(lantern_document_term_count(doc), 12);
	/* Xapian puts Z before the prefix, and keeps no capitalised forms. */
	assert_false(lantern_document_has_term(doc, "SZtraffick"));
	assert_false(lantern_document_has_term(doc, "Child"));
	assert_false(lantern_document_has_term(doc, "traffick"));
	lantern_document_free(doc);

	/* Switching language changes the stemmer; the generator is reusable. */
	assert_int_equal(lantern_document_new(&doc), LANTERN_OK);
	assert_int_equal(lantern_term_generator_set_document(generator, doc), LANTERN_OK);
	assert_int_equal(lantern_term_generator_set_language(generator, "es"), LANTERN_OK);
	const char *spanish = "Ni\xC3\xB1os menores";
	assert_int_equal(lantern_term_generator_index_text(generator, spanish, strlen(spanish), 1, ""),
	                 LANTERN_OK);
	assert_true(lantern_document_has_term(doc, "ni\xC3\xB1os"));
	assert_true(lantern_document_has_term(doc, "Zni\xC3\xB1"));
	assert_true(lantern_document_has_term(doc, "Zmenor"));
	assert_int_equal(lantern_document_term_count(doc), 4);
	lantern_document_free(doc);

	/* Unknown language: refused, and the previous stemmer stays usable. */
	lantern_error_clear();
	assert_int_equal(lantern_term_generator_set_language(generator, "klingon"),
	                 LANTERN_ERROR_UNSUPPORTED);
	assert_non_null(strstr(lantern_error_detail(), "klingon"));
	assert_int_equal(lantern_document_new(&doc), LANTERN_OK);
	assert_int_equal(lantern_term_generator_set_document(generator, doc), LANTERN_OK);
	assert_int_equal(lantern_term_generator_set_language(generator, NULL), LANTERN_OK);
	assert_int_equal(lantern_term_generator_index_text(generator, "indicators", 10, 1, "XD"),
	                 LANTERN_OK);
	assert_true(lantern_document_has_term(doc, "XDindicators"));
	assert_true(lantern_document_has_term(doc, "ZXDindic"));
	assert_int_equal(lantern_document_term_count(doc), 2);
	lantern_document_free(doc);
	lantern_term_generator_free(generator);
	lantern_term_generator_free(NULL);
}

/* ------------------------------------------------------------------ exception translation */

static void test_translate_each_kind(void **state)
{
	(void)state;
	static const struct { const char *kind; lantern_status status; const char *detail; } cases[] = {
		{ "DatabaseLockError", LANTERN_ERROR_DATABASE_LOCKED, "DatabaseLockError: locked" },
		{ "DatabaseModifiedError", LANTERN_ERROR_DATABASE_MODIFIED, "DatabaseModifiedError: modified" },
		{ "DatabaseCorruptError", LANTERN_ERROR_DATABASE_CORRUPT, "DatabaseCorruptError: corrupt" },
		{ "DatabaseNotFoundError", LANTERN_ERROR_DATABASE_NOT_FOUND, "DatabaseNotFoundError: not found" },
		{ "DatabaseOpeningError", LANTERN_ERROR_DATABASE_OPENING, "DatabaseOpeningError: opening" },
		{ "DatabaseVersionError", LANTERN_ERROR_DATABASE_OPENING, "DatabaseVersionError: version" },
		{ "DatabaseError", LANTERN_ERROR_DATABASE, "DatabaseError: database" },
		{ "QueryParserError", LANTERN_ERROR_QUERY_PARSER, "QueryParserError: syntax" },
		{ "InvalidArgumentError", LANTERN_ERROR_ENGINE_INVALID_ARGUMENT, "InvalidArgumentError: argument" },
		{ "RangeError", LANTERN_ERROR_ENGINE_RANGE, "RangeError: range" },
		{ "NetworkError", LANTERN_ERROR_NETWORK, "NetworkError: network" },
		{ "bad_alloc", LANTERN_ERROR_NO_MEMORY, "out of memory" },
		{ "std", LANTERN_ERROR_INTERNAL, "standard" },
		{ "other", LANTERN_ERROR_INTERNAL, "unknown exception" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		lantern_error_clear();
		lantern_status status = lantern_engine_translate_for_test(cases[i].kind);
		if (status != cases[i].status)
			print_error("%s -> %d (%s)\n", cases[i].kind, status, lantern_error_detail());
		assert_int_equal(status, cases[i].status);
		assert_non_null(strstr(lantern_error_detail(), cases[i].detail));
	}
}

/* ------------------------------------------------------------------ databases */

typedef struct db_fixture {
	char *dir;
	char *path;
} db_fixture;

static int db_setup(void **state)
{
	db_fixture *fixture = calloc(1, sizeof(*fixture));
	if (!fixture)
		return -1;
	fixture->dir = test_make_temp_dir("engine");
	fixture->path = test_join(fixture->dir, "db");
	*state = fixture;
	return 0;
}

static int db_teardown(void **state)
{
	db_fixture *fixture = *state;
	test_remove_tree(fixture->dir);
	free(fixture->dir);
	free(fixture->path);
	free(fixture);
	return 0;
}

static void test_open_missing_database(void **state)
{
	db_fixture *fixture = *state;
	lantern_database *db = (lantern_database *)fixture;
	lantern_error_clear();
	assert_int_equal(lantern_database_open_writable(&db, fixture->path, 0),
	                 LANTERN_ERROR_DATABASE_NOT_FOUND);
	assert_null(db);
	assert_non_null(strstr(lantern_error_detail(), "DatabaseNotFoundError"));
	/* Nothing was created. */
	struct stat info;
	assert_int_equal(stat(fixture->path, &info), -1);

	/* An empty directory is not a database either. */
	assert_int_equal(mkdir(fixture->path, 0700), 0);
	assert_int_equal(lantern_database_open_writable(&db, fixture->path, 0),
	                 LANTERN_ERROR_DATABASE_NOT_FOUND);
	assert_null(db);
}

static void test_open_twice_is_locked(void **state)
{
	db_fixture *fixture = *state;
	lantern_database *first = NULL, *second = NULL;
	assert_int_equal(lantern_database_open_writable(&first, fixture->path,
	                                                LANTERN_DATABASE_CREATE |
	                                                        LANTERN_DATABASE_NO_SYNC),
	                 LANTERN_OK);
	assert_non_null(first);
	lantern_error_clear();
	assert_int_equal(lantern_database_open_writable(&second, fixture->path, LANTERN_DATABASE_CREATE),
	                 LANTERN_ERROR_DATABASE_LOCKED);
	assert_null(second);
	assert_non_null(strstr(lantern_error_detail(), "DatabaseLockError"));
	lantern_database_close(first);
	/* Closing releases the lock. */
	assert_int_equal(lantern_database_open_writable(&second, fixture->path, 0), LANTERN_OK);
	lantern_database_close(second);
	lantern_database_close(NULL);
}

static void test_open_garbage_is_corrupt(void **state)
{
	db_fixture *fixture = *state;
	test_write_file(fixture->dir, "db/iamglass", "this is not a glass version file at all");
	lantern_database *db = NULL;
	lantern_error_clear();
	assert_int_equal(lantern_database_open_writable(&db, fixture->path, 0),
	                 LANTERN_ERROR_DATABASE_CORRUPT);
	assert_null(db);
	assert_non_null(strstr(lantern_error_detail(), "DatabaseCorruptError"));

	/* A plain file where the database should be cannot be opened. */
	test_write_file(fixture->dir, "plain-file", "x");
	char *plain = test_join(fixture->dir, "plain-file");
	assert_int_equal(lantern_database_open_writable(&db, plain, LANTERN_DATABASE_CREATE),
	                 LANTERN_ERROR_DATABASE_OPENING);
	assert_null(db);
	free(plain);
}

typedef struct collected {
	char values[8][32];
	size_t count;
	int stop_after; /* return this from the visit that fills it; 0 = never */
} collected;

static int collect(void *context, const char *value, size_t length)
{
	collected *seen = context;
	if (seen->count < 8) {
		snprintf(seen->values[seen->count], sizeof(seen->values[0]), "%.*s", (int)length, value);
		seen->count++;
	}
	return (seen->stop_after && (int)seen->count == seen->stop_after) ? 7 : 0;
}

static lantern_document *make_document(lantern_term_generator *generator, const char *id,
                                       const char *text, const char *state_value)
{
	lantern_document *doc = NULL;
	assert_int_equal(lantern_document_new(&doc), LANTERN_OK);
	char term[64];
	snprintf(term, sizeof(term), "Q%s", id);
	assert_int_equal(lantern_document_add_boolean_term(doc, term), LANTERN_OK);
	assert_int_equal(lantern_term_generator_set_document(generator, doc), LANTERN_OK);
	assert_int_equal(lantern_term_generator_index_text(generator, text, strlen(text), 1, ""),
	                 LANTERN_OK);
	if (state_value)
		assert_int_equal(lantern_document_set_value(doc, 0, state_value, strlen(state_value)),
		                 LANTERN_OK);
	assert_int_equal(lantern_document_set_data(doc, id, strlen(id)), LANTERN_OK);
	return doc;
}

static uint32_t doc_count(lantern_database *db)
{
	uint32_t count = 12345;
	assert_int_equal(lantern_database_document_count(db, &count), LANTERN_OK);
	return count;
}

static void test_writable_round_trip(void **state)
{
	db_fixture *fixture = *state;
	lantern_database *db = NULL;
	assert_int_equal(lantern_database_open_writable(&db, fixture->path,
	                                                LANTERN_DATABASE_CREATE |
	                                                        LANTERN_DATABASE_NO_SYNC),
	                 LANTERN_OK);
	assert_int_equal(doc_count(db), 0);
	uint64_t revision0 = lantern_database_revision(db);

	lantern_term_generator *generator = NULL;
	assert_int_equal(lantern_term_generator_new(&generator), LANTERN_OK);
	lantern_document *a = make_document(generator, "a", "Child trafficking indicators", "state-a");
	lantern_document *b = make_document(generator, "b", "Missing children response", "state-b");
	lantern_document *c = make_document(generator, "c", "No state value here", NULL);
	assert_int_equal(lantern_database_replace_document(db, "Qa", a, LANTERN_SPELLING), LANTERN_OK);
	assert_int_equal(lantern_database_replace_document(db, "Qb", b, LANTERN_SPELLING), LANTERN_OK);
	assert_int_equal(lantern_database_replace_document(db, "Qc", c, 0), LANTERN_OK);
	assert_int_equal(doc_count(db), 3);
	assert_int_equal(lantern_database_set_metadata(db, "lantern.format", "1"), LANTERN_OK);
	assert_int_equal(lantern_database_commit(db), LANTERN_OK);
	uint64_t revision1 = lantern_database_revision(db);
	assert_true(revision1 > revision0);

	char *value = NULL;
	assert_int_equal(lantern_database_get_metadata(db, "lantern.format", &value), LANTERN_OK);
	assert_string_equal(value, "1");
	free(value);
	assert_int_equal(lantern_database_get_metadata(db, "absent.key", &value), LANTERN_OK);
	assert_non_null(value);
	assert_string_equal(value, "");
	free(value);

	/* Slot values in document order; documents without one are skipped. */
	collected seen;
	memset(&seen, 0, sizeof(seen));
	int stopped = -1;
	assert_int_equal(lantern_database_each_value(db, 0, collect, &seen, &stopped), LANTERN_OK);
	assert_int_equal(stopped, 0);
	assert_int_equal(seen.count, 2);
	assert_string_equal(seen.values[0], "state-a");
	assert_string_equal(seen.values[1], "state-b");
	/* A visitor's non-zero return stops the walk and is passed back. */
	memset(&seen, 0, sizeof(seen));
	seen.stop_after = 1;
	assert_int_equal(lantern_database_each_value(db, 0, collect, &seen, &stopped), LANTERN_OK);
	assert_int_equal(stopped, 7);
	assert_int_equal(seen.count, 1);
	/* An unused slot visits nothing; `stopped` may be NULL. */
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(lantern_database_each_value(db, 9, collect, &seen, NULL), LANTERN_OK);
	assert_int_equal(seen.count, 0);

	/* Replacing keeps the count; the new value is what is stored. */
	lantern_document *b2 = make_document(generator, "b", "Missing children, revised", "state-b2");
	assert_int_equal(lantern_database_replace_document(db, "Qb", b2, LANTERN_SPELLING), LANTERN_OK);
	assert_int_equal(doc_count(db), 3);
	assert_int_equal(lantern_database_delete_document(db, "Qa", LANTERN_SPELLING), LANTERN_OK);
	assert_int_equal(lantern_database_delete_document(db, "Qmissing", LANTERN_SPELLING), LANTERN_OK);
	assert_int_equal(doc_count(db), 2);
	assert_int_equal(lantern_database_add_synonym(db, "csec", "commercial sexual exploitation"),
	                 LANTERN_OK);
	assert_int_equal(lantern_database_clear_synonyms(db), LANTERN_OK);
	assert_int_equal(lantern_database_commit(db), LANTERN_OK);
	assert_true(lantern_database_revision(db) > revision1);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(lantern_database_each_value(db, 0, collect, &seen, NULL), LANTERN_OK);
	assert_int_equal(seen.count, 1);
	assert_string_equal(seen.values[0], "state-b2");

	/* Uncommitted changes are discarded by close. */
	uint64_t committed_revision = lantern_database_revision(db);
	assert_int_equal(lantern_database_replace_document(db, "Qa", a, LANTERN_SPELLING), LANTERN_OK);
	assert_int_equal(lantern_database_delete_document(db, "Qb", 0), LANTERN_OK);
	assert_int_equal(lantern_database_set_metadata(db, "lantern.format", "2"), LANTERN_OK);
	assert_int_equal(doc_count(db), 2);
	lantern_database_close(db);

	db = NULL;
	assert_int_equal(lantern_database_open_writable(&db, fixture->path, 0), LANTERN_OK);
	assert_int_equal(doc_count(db), 2);
	assert_true(lantern_database_revision(db) == committed_revision);
	assert_int_equal(lantern_database_get_metadata(db, "lantern.format", &value), LANTERN_OK);
	assert_string_equal(value, "1");
	free(value);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(lantern_database_each_value(db, 0, collect, &seen, NULL), LANTERN_OK);
	assert_int_equal(seen.count, 1);
	assert_string_equal(seen.values[0], "state-b2");
	lantern_database_close(db);

	lantern_document_free(a);
	lantern_document_free(b);
	lantern_document_free(b2);
	lantern_document_free(c);
	lantern_term_generator_free(generator);
}

static void test_overlong_term_is_an_engine_error(void **state)
{
	db_fixture *fixture = *state;
	lantern_database *db = NULL;
	assert_int_equal(lantern_database_open_writable(&db, fixture->path,
	                                                LANTERN_DATABASE_CREATE |
	                                                        LANTERN_DATABASE_NO_SYNC),
	                 LANTERN_OK);
	lantern_document *doc = NULL;
	assert_int_equal(lantern_document_new(&doc), LANTERN_OK);
	char term[300];
	memset(term, 'x', sizeof(term) - 1);
	term[0] = 'Q';
	term[sizeof(term) - 1] = '\0';
	assert_int_equal(lantern_document_add_boolean_term(doc, term), LANTERN_OK);
	lantern_error_clear();
	/* Xapian refuses terms over 245 bytes with InvalidArgumentError. */
	assert_int_equal(lantern_database_replace_document(db, "Qlong", doc, 0),
	                 LANTERN_ERROR_ENGINE_INVALID_ARGUMENT);
	assert_non_null(strstr(lantern_error_detail(), "InvalidArgumentError"));
	lantern_document_free(doc);
	lantern_database_close(db);
}

/* ------------------------------------------------------------------ status strings */

static void test_status_strings(void **state)
{
	(void)state;
	static const lantern_status codes[] = {
		LANTERN_OK, LANTERN_ERROR_NO_MEMORY, LANTERN_ERROR_INVALID_ARGUMENT, LANTERN_ERROR_IO,
		LANTERN_ERROR_TOO_LARGE, LANTERN_ERROR_PARSE, LANTERN_ERROR_NOT_FOUND,
		LANTERN_ERROR_UNSUPPORTED, LANTERN_ERROR_DATABASE_LOCKED, LANTERN_ERROR_DATABASE_MODIFIED,
		LANTERN_ERROR_DATABASE_CORRUPT, LANTERN_ERROR_DATABASE_NOT_FOUND,
		LANTERN_ERROR_DATABASE_OPENING, LANTERN_ERROR_DATABASE, LANTERN_ERROR_QUERY_PARSER,
		LANTERN_ERROR_ENGINE_INVALID_ARGUMENT, LANTERN_ERROR_ENGINE_RANGE, LANTERN_ERROR_ENGINE,
		LANTERN_ERROR_INTERNAL, LANTERN_ERROR_NETWORK,
	};
	size_t count = sizeof(codes) / sizeof(codes[0]);
	const char *unknown = lantern_status_to_string((lantern_status)999);
	assert_string_equal(unknown, "unknown status");
	assert_string_equal(lantern_status_to_string((lantern_status)8), "unknown status");
	for (size_t i = 0; i < count; i++) {
		const char *text = lantern_status_to_string(codes[i]);
		assert_non_null(text);
		assert_true(text[0] != '\0');
		assert_string_not_equal(text, unknown);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(text, lantern_status_to_string(codes[k]));
	}
	assert_string_equal(lantern_status_to_string(LANTERN_ERROR_DATABASE_LOCKED), "database locked");
	/* The codes are stable numbers. */
	assert_int_equal(LANTERN_ERROR_DATABASE_LOCKED, 20);
	assert_int_equal(LANTERN_ERROR_INTERNAL, 30);

	lantern_engine_translate_for_test("RangeError");
	assert_string_not_equal(lantern_error_detail(), "");
	lantern_error_clear();
	assert_string_equal(lantern_error_detail(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stemmer_english),
		cmocka_unit_test(test_stemmer_spanish),
		cmocka_unit_test(test_stemmer_unknown_language),
		cmocka_unit_test(test_document_terms),
		cmocka_unit_test(test_term_generator_prefixes_and_stems),
		cmocka_unit_test(test_translate_each_kind),
		cmocka_unit_test_setup_teardown(test_open_missing_database, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_open_twice_is_locked, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_open_garbage_is_corrupt, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_writable_round_trip, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(test_overlong_term_is_an_engine_error, db_setup,
		                                db_teardown),
		cmocka_unit_test(test_status_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
