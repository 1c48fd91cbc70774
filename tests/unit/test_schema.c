/*
 * test_schema.c - lib/corpus/schema.c: the field table, schema.yaml and the
 * "did you mean" machinery.
 *
 * Covers loading the real corpus/schema.yaml (every vocabulary's size, value
 * order and labels; topics counted independently from the file's text),
 * the schema hash, lantern_schema_to_json, and each way a schema is refused, with the exact
 * line:col of every diagnostic: a missing vocabulary, `all` as a value, an
 * uppercase or otherwise malformed value, an unknown or non-controlled field
 * name, a vocabulary that is not a mapping, a non-text label, no
 * `vocabularies:` at all, an access vocabulary without `public`, a YAML
 * syntax error, a missing file. Also lantern_edit_distance (restricted
 * Damerau-Levenshtein: a transposition costs 1; the cap), lantern_vocabulary_
 * find/suggest, and the field table lookups.
 */
#include "test_support.h"

#include "lantern/schema.h"

/* A small valid schema; the tests below break one line at a time. */
static const char *const BASE_LINES[] = {
	"vocabularies:",                              /* 1 */
	"  type:",                                    /* 2 */
	"    policy: Policy",                         /* 3 */
	"    report:",                                /* 4 (empty label) */
	"  agency_type: {rural: Rural, urban: Urban}", /* 5 */
	"  agency_size: {small: Small}",              /* 6 */
	"  resource_level: {low: Low}",               /* 7 */
	"  topics: {gangs: Gangs}",                   /* 8 */
	"  audience: {analyst: Analyst}",             /* 9 */
	"  delivery: {online: Online}",               /* 10 */
	"  access: {public: Public, les: LES}",       /* 11 */
};
#define BASE_LINE_COUNT (sizeof(BASE_LINES) / sizeof(BASE_LINES[0]))

/* The base schema with line `replace` (1-based; 0 for none) replaced by
 * `with` (NULL deletes it) and `append` added at the end (may be NULL). */
static char *schema_text(size_t replace, const char *with, const char *append)
{
	static char text[4096];
	size_t used = 0;
	for (size_t i = 0; i < BASE_LINE_COUNT; i++) {
		const char *line = (i + 1 == replace) ? with : BASE_LINES[i];
		if (line)
			used += (size_t)snprintf(text + used, sizeof(text) - used, "%s\n", line);
	}
	if (append)
		snprintf(text + used, sizeof(text) - used, "%s\n", append);
	return text;
}

typedef struct parse_result {
	lantern_schema *schema;
	lantern_diagnostics diagnostics;
	lantern_status status;
} parse_result;

static parse_result parse(const char *text)
{
	parse_result result = { NULL, LANTERN_DIAGNOSTICS_INIT, LANTERN_OK };
	result.status = lantern_schema_parse(&result.schema, text, strlen(text), "schema.yaml",
	                                     &result.diagnostics);
	return result;
}

static void result_clear(parse_result *result)
{
	lantern_schema_free(result->schema);
	lantern_diagnostics_clear(&result->diagnostics);
}

static parse_result parse_refused(const char *text, size_t count, size_t errors)
{
	parse_result result = parse(text);
	if (result.status != LANTERN_ERROR_PARSE)
		test_print_diagnostics(&result.diagnostics);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	assert_null(result.schema);
	expect_diagnostic_count(&result.diagnostics, count, errors);
	return result;
}

/* ------------------------------------------------------------------ the real schema */

/* Counts the entries of one vocabulary in schema.yaml's text, without the
 * schema parser: lines indented four spaces below "  <field>:". */
static size_t count_entries_in_text(const char *text, const char *field)
{
	char header[64];
	snprintf(header, sizeof(header), "\n  %s:\n", field);
	const char *p = strstr(text, header);
	assert_non_null(p);
	p += strlen(header);
	size_t count = 0;
	while (*p) {
		const char *end = strchr(p, '\n');
		size_t length = end ? (size_t)(end - p) : strlen(p);
		size_t indent = strspn(p, " ");
		bool blank = indent == length;
		if (!blank && indent < 4)
			break;
		if (!blank && p[indent] != '#' && memchr(p, ':', length))
			count++;
		if (!end)
			break;
		p = end + 1;
	}
	return count;
}

static void test_load_corpus_schema(void **state)
{
	(void)state;
	char *path = test_join(test_source_dir(), "corpus/schema.yaml");
	lantern_schema *schema = NULL;
	lantern_diagnostics diagnostics = LANTERN_DIAGNOSTICS_INIT;
	lantern_status status = lantern_schema_load(&schema, path, &diagnostics);
	if (status != LANTERN_OK)
		test_print_diagnostics(&diagnostics);
	assert_int_equal(status, LANTERN_OK);
	assert_non_null(schema);
	assert_int_equal(diagnostics.count, 0);

	static const struct { lantern_field field; size_t count; const char *first; const char *label; }
	expected[] = {
		{ LANTERN_FIELD_TYPE, 10, "policy", "Policy" },
		{ LANTERN_FIELD_AGENCY_TYPE, 4, "rural", "Rural" },
		{ LANTERN_FIELD_AGENCY_SIZE, 3, "small", "Small" },
		{ LANTERN_FIELD_RESOURCE_LEVEL, 3, "low", "Low" },
		{ LANTERN_FIELD_AUDIENCE, 8, "frontline-officer", "Frontline officer" },
		{ LANTERN_FIELD_DELIVERY, 3, "online", "Online" },
		{ LANTERN_FIELD_ACCESS, 2, "public", "Public" },
	};
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const lantern_vocabulary *vocabulary = lantern_schema_vocabulary(schema, expected[i].field);
		assert_non_null(vocabulary);
		assert_string_equal(vocabulary->name, lantern_field_info_get(expected[i].field)->name);
		assert_int_equal(vocabulary->count, expected[i].count);
		assert_string_equal(vocabulary->values[0], expected[i].first);
		assert_string_equal(vocabulary->labels[0], expected[i].label);
	}

	/* Topics: as many as the file lists. */
	char *text = NULL;
	FILE *file = fopen(path, "rb");
	assert_non_null(file);
	static char content[65536];
	size_t got = fread(content, 1, sizeof(content) - 1, file);
	fclose(file);
	content[got] = '\0';
	text = content;
	const lantern_vocabulary *topics = lantern_schema_vocabulary(schema, LANTERN_FIELD_TOPICS);
	assert_non_null(topics);
	size_t topic_count = count_entries_in_text(text, "topics");
	assert_true(topic_count >= 1);
	assert_int_equal(topics->count, topic_count);
	/* The independent counter agrees with the fixed sizes above too. */
	assert_int_equal(count_entries_in_text(text, "type"), 10);
	assert_int_equal(count_entries_in_text(text, "audience"), 8);

	/* Schema order and labels. */
	const lantern_vocabulary *agency = lantern_schema_vocabulary(schema, LANTERN_FIELD_AGENCY_TYPE);
	assert_string_equal(agency->values[0], "rural");
	assert_string_equal(agency->values[1], "suburban");
	assert_string_equal(agency->values[2], "urban");
	assert_string_equal(agency->values[3], "tribal");
	const lantern_vocabulary *access = lantern_schema_vocabulary(schema, LANTERN_FIELD_ACCESS);
	assert_string_equal(access->values[1], "les");
	assert_string_equal(access->labels[1], "Law-enforcement sensitive");
	const lantern_vocabulary *size = lantern_schema_vocabulary(schema, LANTERN_FIELD_AGENCY_SIZE);
	assert_int_equal(lantern_vocabulary_find(size, "mid-sized"), 1);

	/* Only vocabulary fields have one. */
	assert_null(lantern_schema_vocabulary(schema, LANTERN_FIELD_TITLE));
	assert_null(lantern_schema_vocabulary(schema, LANTERN_FIELD_PUBLISHED));
	assert_null(lantern_schema_vocabulary(schema, LANTERN_FIELD_COUNT));
	assert_null(lantern_schema_vocabulary(NULL, LANTERN_FIELD_TYPE));
	assert_true(lantern_schema_hash(schema) != 0);
	assert_true(lantern_schema_hash(NULL) == 0);

	lantern_schema_free(schema);
	lantern_diagnostics_clear(&diagnostics);
	free(path);
}

static void test_base_schema_and_hash(void **state)
{
	(void)state;
	parse_result a = parse(schema_text(0, NULL, NULL));
	assert_int_equal(a.status, LANTERN_OK);
	expect_diagnostic_count(&a.diagnostics, 0, 0);
	const lantern_vocabulary *type = lantern_schema_vocabulary(a.schema, LANTERN_FIELD_TYPE);
	assert_int_equal(type->count, 2);
	assert_string_equal(type->labels[0], "Policy");
	assert_string_equal(type->labels[1], "report"); /* an empty label is the value */

	parse_result b = parse(schema_text(0, NULL, NULL));
	assert_true(lantern_schema_hash(a.schema) == lantern_schema_hash(b.schema));
	/* A relabelled value changes the hash, and so does a new value. */
	parse_result c = parse(schema_text(3, "    policy: Policies", NULL));
	assert_int_equal(c.status, LANTERN_OK);
	assert_true(lantern_schema_hash(a.schema) != lantern_schema_hash(c.schema));
	parse_result d = parse(schema_text(8, "  topics: {gangs: Gangs, vice: Vice}", NULL));
	assert_int_equal(d.status, LANTERN_OK);
	assert_int_equal(lantern_schema_vocabulary(d.schema, LANTERN_FIELD_TOPICS)->count, 2);
	assert_true(lantern_schema_hash(a.schema) != lantern_schema_hash(d.schema));
	result_clear(&a);
	result_clear(&b);
	result_clear(&c);
	result_clear(&d);
}

static void test_schema_to_json(void **state)
{
	(void)state;
	parse_result result = parse(schema_text(0, NULL, NULL));
	assert_int_equal(result.status, LANTERN_OK);
	char *json = lantern_schema_to_json(result.schema);
	assert_non_null(json);
	/* Fields in field-table order, values in schema order, labels as
	 * loaded (an empty label is the value). */
	assert_string_equal(json,
	                    "{\"type\":{\"policy\":\"Policy\",\"report\":\"report\"},"
	                    "\"agency_type\":{\"rural\":\"Rural\",\"urban\":\"Urban\"},"
	                    "\"agency_size\":{\"small\":\"Small\"},"
	                    "\"resource_level\":{\"low\":\"Low\"},"
	                    "\"topics\":{\"gangs\":\"Gangs\"},"
	                    "\"audience\":{\"analyst\":\"Analyst\"},"
	                    "\"access\":{\"public\":\"Public\",\"les\":\"LES\"},"
	                    "\"delivery\":{\"online\":\"Online\"}}");
	free(json);
	result_clear(&result);
}

/* ------------------------------------------------------------------ refusals */

static void test_missing_vocabulary(void **state)
{
	(void)state;
	parse_result result = parse_refused(schema_text(10, NULL, NULL), 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 1, 1,
	                  "no values for the controlled field 'delivery'");
	result_clear(&result);

	/* An empty mapping is as good as missing. */
	result = parse_refused(schema_text(7, "  resource_level: {}", NULL), 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 1, 1,
	                  "no values for the controlled field 'resource_level'");
	result_clear(&result);
}

static void test_all_is_reserved(void **state)
{
	(void)state;
	parse_result result =
		parse_refused(schema_text(5, "  agency_type: {rural: Rural, all: All}", NULL), 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 5, 31,
	                  "'all' is reserved");
	result_clear(&result);
}

static void test_malformed_values(void **state)
{
	(void)state;
	parse_result result = parse_refused(schema_text(3, "    Policy: Policy", NULL), 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 3, 5,
	                  "vocabulary value 'Policy' must be lowercase letters, digits and hyphens");
	result_clear(&result);

	result = parse_refused(
		schema_text(8, "  topics: {gangs: Gangs, -lead: X, two words: Y, under_score: Z}", NULL),
		3, 3);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 8, 26,
	                  "vocabulary value '-lead' must be lowercase");
	expect_diagnostic(&result.diagnostics, 1, LANTERN_SEVERITY_ERROR, "schema.yaml", 8, 36,
	                  "vocabulary value 'two words' must be lowercase");
	expect_diagnostic(&result.diagnostics, 2, LANTERN_SEVERITY_ERROR, "schema.yaml", 8, 50,
	                  "vocabulary value 'under_score' must be lowercase");
	result_clear(&result);

	/* Digits and inner hyphens are fine. */
	result = parse(schema_text(8, "  topics: {gangs: Gangs, k-12: K-12, 24x7: Always}", NULL));
	assert_int_equal(result.status, LANTERN_OK);
	result_clear(&result);
}

static void test_unknown_field_name(void **state)
{
	(void)state;
	parse_result result = parse_refused(schema_text(0, NULL, "  colour: {red: Red}"), 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 12, 3,
	                  "'colour' is not a controlled field");
	result_clear(&result);

	/* A real field that takes free text has no vocabulary. */
	result = parse_refused(schema_text(0, NULL, "  title: {a: A}"), 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 12, 3,
	                  "'title' is not a controlled field");
	result_clear(&result);
}

static void test_vocabulary_not_a_mapping(void **state)
{
	(void)state;
	parse_result result = parse_refused(schema_text(10, "  delivery: [online, hybrid]", NULL), 2, 2);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 10, 13,
	                  "vocabulary 'delivery' must be a mapping of value: label");
	expect_diagnostic(&result.diagnostics, 1, LANTERN_SEVERITY_ERROR, "schema.yaml", 1, 1,
	                  "no values for the controlled field 'delivery'");
	result_clear(&result);

	result = parse_refused(schema_text(6, "  agency_size: small", NULL), 2, 2);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 6, 16,
	                  "vocabulary 'agency_size' must be a mapping");
	result_clear(&result);
}

static void test_label_must_be_text(void **state)
{
	(void)state;
	parse_result result = parse_refused(schema_text(8, "  topics: {gangs: [a], vice: Vice}", NULL),
	                                    1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 8, 19,
	                  "the label of 'gangs' must be text");
	result_clear(&result);
}

static void test_no_vocabularies(void **state)
{
	(void)state;
	/* Without vocabularies every controlled field is also reported. */
	parse_result result = parse("version: 1\n");
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	assert_true(result.diagnostics.count >= 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 1, 1,
	                  "expected a mapping 'vocabularies:'");
	result_clear(&result);

	result = parse("version: 1\nvocabularies: [type]\n");
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 2, 15,
	                  "expected a mapping 'vocabularies:'");
	result_clear(&result);

	result = parse("");
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 1, 1,
	                  "expected a mapping 'vocabularies:'");
	result_clear(&result);
}

static void test_access_needs_public(void **state)
{
	(void)state;
	parse_result result = parse_refused(schema_text(11, "  access: {les: LES}", NULL), 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 1, 1,
	                  "the access vocabulary must contain 'public'");
	result_clear(&result);
}

static void test_every_problem_reported(void **state)
{
	(void)state;
	char text[4096];
	snprintf(text, sizeof(text), "%s", schema_text(3, "    Policy: Policy", "  colour: {red: Red}"));
	/* Also reserve 'all' on line 5. */
	char *line5 = strstr(text, "{rural: Rural, urban: Urban}");
	assert_non_null(line5);
	memcpy(line5, "{rural: Rural, all: Urban}  ", 28);
	parse_result result = parse_refused(text, 3, 3);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 3, 5,
	                  "'Policy'");
	expect_diagnostic(&result.diagnostics, 1, LANTERN_SEVERITY_ERROR, "schema.yaml", 5, 31,
	                  "'all' is reserved");
	expect_diagnostic(&result.diagnostics, 2, LANTERN_SEVERITY_ERROR, "schema.yaml", 12, 3,
	                  "'colour'");
	result_clear(&result);
}

static void test_yaml_errors_and_missing_file(void **state)
{
	(void)state;
	parse_result result = parse_refused("vocabularies:\n  type: {a: b\n", 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 3, 1,
	                  "did not find expected ',' or '}'");
	result_clear(&result);

	result = parse_refused("vocabularies:\n  type: {policy: P}\n  type: {report: R}\n", 2, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "schema.yaml", 3, 3,
	                  "duplicate key 'type'");
	expect_diagnostic(&result.diagnostics, 1, LANTERN_SEVERITY_NOTE, "schema.yaml", 2, 3,
	                  "first given here");
	result_clear(&result);

	/* diagnostics may be NULL. */
	lantern_schema *schema = (lantern_schema *)&result;
	const char *bad = schema_text(10, NULL, NULL);
	assert_int_equal(lantern_schema_parse(&schema, bad, strlen(bad), "s", NULL),
	                 LANTERN_ERROR_PARSE);
	assert_null(schema);

	char *dir = test_make_temp_dir("schema");
	char *missing = test_join(dir, "schema.yaml");
	lantern_diagnostics diagnostics = LANTERN_DIAGNOSTICS_INIT;
	assert_int_equal(lantern_schema_load(&schema, missing, &diagnostics), LANTERN_ERROR_NOT_FOUND);
	assert_null(schema);
	test_write_file(dir, "schema.yaml", schema_text(0, NULL, NULL));
	assert_int_equal(lantern_schema_load(&schema, missing, &diagnostics), LANTERN_OK);
	assert_non_null(schema);
	assert_int_equal(diagnostics.count, 0);
	lantern_schema_free(schema);
	lantern_schema_free(NULL);
	test_remove_tree(dir);
	free(missing);
	free(dir);
}

/* ------------------------------------------------------------------ distances and suggestions */

static void test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(lantern_edit_distance("", "", 3), 0);
	assert_int_equal(lantern_edit_distance("rural", "rural", 3), 0);
	assert_int_equal(lantern_edit_distance("", "abc", 5), 3);
	assert_int_equal(lantern_edit_distance("abc", "", 5), 3);
	assert_int_equal(lantern_edit_distance("kitten", "sitting", 5), 3);
	assert_int_equal(lantern_edit_distance("flaw", "lawn", 5), 2);
	/* A transposition costs one. */
	assert_int_equal(lantern_edit_distance("ab", "ba", 3), 1);
	assert_int_equal(lantern_edit_distance("ruarl", "rural", 3), 1);
	assert_int_equal(lantern_edit_distance("titel", "title", 3), 1);
	/* Restricted (optimal string alignment): no edits inside a transposed
	 * pair, so "ca" -> "abc" is 3, not the unrestricted 2. */
	assert_int_equal(lantern_edit_distance("ca", "abc", 5), 3);
	/* The cap: anything over it is cap + 1. */
	assert_int_equal(lantern_edit_distance("kitten", "sitting", 3), 3);
	assert_int_equal(lantern_edit_distance("kitten", "sitting", 2), 3);
	assert_int_equal(lantern_edit_distance("kitten", "sitting", 1), 2);
	assert_int_equal(lantern_edit_distance("kitten", "sitting", 0), 1);
	assert_int_equal(lantern_edit_distance("a", "abcdef", 2), 3);   /* length gap alone */
	assert_int_equal(lantern_edit_distance("abcdef", "a", 4), 5);
	assert_int_equal(lantern_edit_distance("abcdef", "a", 5), 5);
	assert_int_equal(lantern_edit_distance("zzzz", "rural", 2), 3);
	/* Long strings are only compared for equality. */
	char long_a[80], long_b[80];
	memset(long_a, 'x', sizeof(long_a) - 1);
	long_a[sizeof(long_a) - 1] = '\0';
	memcpy(long_b, long_a, sizeof(long_b));
	assert_int_equal(lantern_edit_distance(long_a, long_b, 2), 0);
	long_b[10] = 'y';
	assert_int_equal(lantern_edit_distance(long_a, long_b, 2), 3);
	/* 64 characters is still measured. */
	char a64[65], b64[65];
	memset(a64, 'q', 64);
	a64[64] = '\0';
	memcpy(b64, a64, sizeof(b64));
	b64[63] = 'r';
	assert_int_equal(lantern_edit_distance(a64, b64, 2), 1);
}

static void test_vocabulary_find_and_suggest(void **state)
{
	(void)state;
	char *path = test_join(test_source_dir(), "corpus/schema.yaml");
	lantern_schema *schema = NULL;
	assert_int_equal(lantern_schema_load(&schema, path, NULL), LANTERN_OK);
	free(path);
	const lantern_vocabulary *agency = lantern_schema_vocabulary(schema, LANTERN_FIELD_AGENCY_TYPE);
	const lantern_vocabulary *size = lantern_schema_vocabulary(schema, LANTERN_FIELD_AGENCY_SIZE);
	const lantern_vocabulary *type = lantern_schema_vocabulary(schema, LANTERN_FIELD_TYPE);

	assert_int_equal(lantern_vocabulary_find(agency, "rural"), 0);
	assert_int_equal(lantern_vocabulary_find(agency, "tribal"), 3);
	assert_int_equal(lantern_vocabulary_find(agency, "Rural"), -1); /* exact match only */
	assert_int_equal(lantern_vocabulary_find(agency, "all"), -1);
	assert_int_equal(lantern_vocabulary_find(NULL, "rural"), -1);

	assert_string_equal(lantern_vocabulary_suggest(agency, "ruarl"), "rural");
	assert_string_equal(lantern_vocabulary_suggest(agency, "urbn"), "urban");
	assert_string_equal(lantern_vocabulary_suggest(agency, "suburbn"), "suburban");
	assert_string_equal(lantern_vocabulary_suggest(agency, "rural"), "rural");
	assert_string_equal(lantern_vocabulary_suggest(size, "mid"), "mid-sized");
	assert_string_equal(lantern_vocabulary_suggest(size, "mid-size"), "mid-sized");
	assert_string_equal(lantern_vocabulary_suggest(type, "polcy"), "policy");
	assert_string_equal(lantern_vocabulary_suggest(type, "modle-policy"), "model-policy");
	assert_null(lantern_vocabulary_suggest(agency, "zzzz"));
	assert_null(lantern_vocabulary_suggest(agency, "county"));
	assert_null(lantern_vocabulary_suggest(size, "mi")); /* too short for a prefix guess */
	assert_null(lantern_vocabulary_suggest(NULL, "rural"));
	lantern_schema_free(schema);
}

/* ------------------------------------------------------------------ the field table */

static void test_field_table(void **state)
{
	(void)state;
	for (int field = 0; field < LANTERN_FIELD_COUNT; field++) {
		const lantern_field_info *info = lantern_field_info_get((lantern_field)field);
		assert_non_null(info);
		assert_non_null(info->name);
		assert_int_equal(lantern_field_lookup(info->name), field);
	}
	assert_null(lantern_field_info_get(LANTERN_FIELD_COUNT));
	assert_null(lantern_field_info_get((lantern_field)-1));

	assert_int_equal(lantern_field_lookup("id"), LANTERN_FIELD_ID);
	assert_int_equal(lantern_field_lookup("agency_type"), LANTERN_FIELD_AGENCY_TYPE);
	assert_int_equal(lantern_field_lookup("transcript"), LANTERN_FIELD_TRANSCRIPT);
	assert_int_equal(lantern_field_lookup("Title"), -1);
	assert_int_equal(lantern_field_lookup("agency-type"), -1);
	assert_int_equal(lantern_field_lookup(""), -1);
	assert_int_equal(lantern_field_lookup("titel"), -1);

	const lantern_field_info *title = lantern_field_info_get(LANTERN_FIELD_TITLE);
	assert_string_equal(title->name, "title");
	assert_int_equal(title->kind, LANTERN_KIND_TEXT);
	assert_true(title->required);
	assert_false(title->multiple);

	const lantern_field_info *type = lantern_field_info_get(LANTERN_FIELD_TYPE);
	assert_int_equal(type->kind, LANTERN_KIND_VOCABULARY);
	assert_true(type->required);
	assert_false(type->multiple);
	assert_false(type->allows_all);

	const lantern_field_info *agency = lantern_field_info_get(LANTERN_FIELD_AGENCY_TYPE);
	assert_true(agency->multiple);
	assert_true(agency->allows_all);
	assert_false(agency->required);

	const lantern_field_info *topics = lantern_field_info_get(LANTERN_FIELD_TOPICS);
	assert_true(topics->multiple);
	assert_false(topics->allows_all);

	assert_int_equal(lantern_field_info_get(LANTERN_FIELD_ID)->kind, LANTERN_KIND_IDENTIFIER);
	assert_int_equal(lantern_field_info_get(LANTERN_FIELD_PUBLISHED)->kind, LANTERN_KIND_DATE);
	assert_int_equal(lantern_field_info_get(LANTERN_FIELD_URL)->kind, LANTERN_KIND_URL);
	assert_int_equal(lantern_field_info_get(LANTERN_FIELD_LANGUAGE)->kind, LANTERN_KIND_LANGUAGE);
	assert_int_equal(lantern_field_info_get(LANTERN_FIELD_TRANSCRIPT)->kind, LANTERN_KIND_PATH);
	assert_true(lantern_field_info_get(LANTERN_FIELD_TRANSCRIPT)->record_only);
	assert_true(lantern_field_info_get(LANTERN_FIELD_DESCRIPTION)->record_only);
	assert_false(lantern_field_info_get(LANTERN_FIELD_SUMMARY)->record_only);

	/* Exactly two required fields: title and type. */
	int required = 0;
	for (int field = 0; field < LANTERN_FIELD_COUNT; field++)
		required += lantern_field_info_get((lantern_field)field)->required ? 1 : 0;
	assert_int_equal(required, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_corpus_schema),
		cmocka_unit_test(test_base_schema_and_hash),
		cmocka_unit_test(test_schema_to_json),
		cmocka_unit_test(test_missing_vocabulary),
		cmocka_unit_test(test_all_is_reserved),
		cmocka_unit_test(test_malformed_values),
		cmocka_unit_test(test_unknown_field_name),
		cmocka_unit_test(test_vocabulary_not_a_mapping),
		cmocka_unit_test(test_label_must_be_text),
		cmocka_unit_test(test_no_vocabularies),
		cmocka_unit_test(test_access_needs_public),
		cmocka_unit_test(test_every_problem_reported),
		cmocka_unit_test(test_yaml_errors_and_missing_file),
		cmocka_unit_test(test_edit_distance),
		cmocka_unit_test(test_vocabulary_find_and_suggest),
		cmocka_unit_test(test_field_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
