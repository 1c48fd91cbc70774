/*
 * test_metadata.c - lib/corpus/metadata.c: front matter and metadata
 * validation against the real corpus/schema.yaml.
 *
 * Front matter: present/absent, a UTF-8 BOM, CRLF line ends, the `...`
 * closing fence, fences with trailing blanks, a fence at the end of the file,
 * unterminated (error at 1:1) and over LANTERN_FRONT_MATTER_MAX (error at
 * 1:1), with the exact offsets and lines of the YAML and the body.
 *
 * lantern_metadata_parse, each problem asserted at its exact line:col:
 * missing required fields (lantern_metadata_check_required, at 1:1), unknown
 * fields (a warning, with "did you mean"), values outside a vocabulary (with
 * "did you mean", or the list of known values), lists and mappings where
 * they do not belong, bad and good dates, duplicate keys, ids, urls,
 * languages, `all` (accepted for agency_type, rejected for topics),
 * vocabulary values normalised to lowercase, trimming and de-duplication,
 * record-only fields, the text length limit, `line_offset`, and
 * LANTERN_METADATA_DEFAULTS refusing `id`.
 *
 * Also lantern_metadata_inherit (a file's own value wins; values are deep
 * copies), lantern_metadata_expand (`all` becomes the whole vocabulary),
 * lantern_metadata_set/get/clear and lantern_date_parse's sortable form.
 */
#include "test_support.h"

#include "lantern/metadata.h"
#include "lantern/schema.h"

static lantern_schema *schema;

static int group_setup(void **state)
{
	(void)state;
	char *path = test_join(test_source_dir(), "corpus/schema.yaml");
	lantern_status status = lantern_schema_load(&schema, path, NULL);
	if (status != LANTERN_OK)
		print_error("cannot load %s: %s\n", path, lantern_error_detail());
	free(path);
	return status == LANTERN_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	lantern_schema_free(schema);
	return 0;
}

/* ------------------------------------------------------------------ front matter */

typedef struct split_result {
	lantern_front_matter front;
	lantern_diagnostics diagnostics;
	lantern_status status;
} split_result;

static split_result split_bytes(const char *content, size_t length)
{
	split_result result;
	memset(&result, 0xA5, sizeof(result.front)); /* split must set every field */
	lantern_diagnostics empty = LANTERN_DIAGNOSTICS_INIT;
	result.diagnostics = empty;
	result.status = lantern_front_matter_split(content, length, "doc.md", &result.front,
	                                           &result.diagnostics);
	return result;
}

static split_result split(const char *content)
{
	return split_bytes(content, strlen(content));
}

static void expect_front(const split_result *result, bool present, size_t yaml_offset,
                         size_t yaml_length, unsigned yaml_line, size_t body_offset,
                         unsigned body_line)
{
	if (result->status != LANTERN_OK)
		test_print_diagnostics(&result->diagnostics);
	assert_int_equal(result->status, LANTERN_OK);
	assert_int_equal(result->diagnostics.count, 0);
	assert_int_equal(result->front.present, present);
	if (present) {
		assert_int_equal(result->front.yaml_offset, yaml_offset);
		assert_int_equal(result->front.yaml_length, yaml_length);
		assert_int_equal(result->front.yaml_line, yaml_line);
	}
	assert_int_equal(result->front.body_offset, body_offset);
	assert_int_equal(result->front.body_line, body_line);
}

static void test_front_matter_absent(void **state)
{
	(void)state;
	split_result result = split("# Title\n\nBody text\n");
	expect_front(&result, false, 0, 0, 0, 0, 1);
	result = split("");
	expect_front(&result, false, 0, 0, 0, 0, 1);
	result = split("----\ntitle: x\n----\n"); /* four dashes are not a fence */
	expect_front(&result, false, 0, 0, 0, 0, 1);
	result = split(" ---\ntitle: x\n---\n"); /* nor an indented one */
	expect_front(&result, false, 0, 0, 0, 0, 1);
	result = split("Text\n---\ntitle: x\n---\n"); /* only at the very start */
	expect_front(&result, false, 0, 0, 0, 0, 1);
	/* A BOM alone is skipped. */
	result = split("\xEF\xBB\xBF# Title\n");
	expect_front(&result, false, 0, 0, 0, 3, 1);
}

static void test_front_matter_present(void **state)
{
	(void)state;
	const char *text = "---\ntitle: X\n---\nBody\n";
	split_result result = split(text);
	expect_front(&result, true, 4, 9, 2, 17, 4);
	assert_memory_equal(text + result.front.yaml_offset, "title: X\n", 9);
	assert_string_equal(text + result.front.body_offset, "Body\n");

	/* Several lines; the body line is the one after the closing fence. */
	text = "---\na: 1\nb: 2\nc: 3\n---\n\n# Heading\n";
	result = split(text);
	expect_front(&result, true, 4, 15, 2, 23, 6);
	assert_string_equal(text + result.front.body_offset, "\n# Heading\n");

	/* Empty front matter. */
	result = split("---\n---\nbody");
	expect_front(&result, true, 4, 0, 2, 8, 3);

	/* The closing fence is the last line, without a newline. */
	text = "---\na: 1\n---";
	result = split(text);
	expect_front(&result, true, 4, 5, 2, strlen(text), 4);

	/* Fences may carry trailing blanks. */
	text = "--- \t\na: 1\n---  \nrest";
	result = split(text);
	expect_front(&result, true, 6, 5, 2, 17, 4);
	assert_string_equal(text + result.front.body_offset, "rest");
}

static void test_front_matter_bom_crlf_dots(void **state)
{
	(void)state;
	const char *text = "\xEF\xBB\xBF---\ntitle: X\n---\nBody";
	split_result result = split(text);
	expect_front(&result, true, 7, 9, 2, 20, 4);
	assert_string_equal(text + result.front.body_offset, "Body");

	text = "---\r\ntitle: X\r\ntype: policy\r\n---\r\nBody\r\n";
	result = split(text);
	expect_front(&result, true, 5, 24, 2, 34, 5);
	assert_memory_equal(text + result.front.yaml_offset, "title: X\r\ntype: policy\r\n", 24);
	assert_string_equal(text + result.front.body_offset, "Body\r\n");

	text = "---\ntitle: X\n...\nBody";
	result = split(text);
	expect_front(&result, true, 4, 9, 2, 17, 4);
	assert_string_equal(text + result.front.body_offset, "Body");

	/* `...` with CRLF and a BOM together. */
	text = "\xEF\xBB\xBF---\r\na: 1\r\n...\r\nB";
	result = split(text);
	expect_front(&result, true, 8, 6, 2, 19, 4);
}

static void test_front_matter_unterminated(void **state)
{
	(void)state;
	const char *texts[] = { "---\ntitle: x\n\nBody without a closing fence\n", "---", "---\n",
	                        "---\n----\n.... \n" };
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		split_result result = split(texts[i]);
		assert_int_equal(result.status, LANTERN_ERROR_PARSE);
		expect_diagnostic_count(&result.diagnostics, 1, 1);
		expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", 1, 1,
		                  "unterminated front matter: no closing '---' line");
		lantern_diagnostics_clear(&result.diagnostics);
	}
}

static void test_front_matter_size_limit(void **state)
{
	(void)state;
	/* YAML of exactly LANTERN_FRONT_MATTER_MAX bytes: lines of "# xxx...\n". */
	size_t size = LANTERN_FRONT_MATTER_MAX;
	char *text = malloc(size + 64);
	assert_non_null(text);
	memcpy(text, "---\n", 4);
	for (size_t i = 0; i < size; i++)
		text[4 + i] = (i % 64 == 63) ? '\n' : (i % 64 == 0 ? '#' : 'x');
	text[4 + size - 1] = '\n';
	memcpy(text + 4 + size, "---\nbody", 9);
	split_result result = split(text);
	expect_front(&result, true, 4, size, 2, 4 + size + 4, 2 + size / 64 + 1);

	/* One byte more is refused. */
	memmove(text + 5, text + 4, size + 9);
	text[4] = '#';
	result = split(text);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&result.diagnostics, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", 1, 1,
	                  "front matter is 65537 bytes, over the 65536-byte limit");
	lantern_diagnostics_clear(&result.diagnostics);
	free(text);
}

/* ------------------------------------------------------------------ parsing */

typedef struct meta_result {
	lantern_metadata metadata;
	lantern_diagnostics diagnostics;
	lantern_status status;
} meta_result;

static meta_result parse_meta(const char *yaml, unsigned line_offset, unsigned flags)
{
	meta_result result = { LANTERN_METADATA_INIT, LANTERN_DIAGNOSTICS_INIT, LANTERN_OK };
	result.status = lantern_metadata_parse(&result.metadata, yaml, strlen(yaml), "doc.md",
	                                       line_offset, schema, flags, &result.diagnostics);
	return result;
}

static void meta_clear(meta_result *result)
{
	lantern_metadata_clear(&result->metadata);
	lantern_diagnostics_clear(&result->diagnostics);
}

/* Parses YAML that must give exactly one error, at line:col, whose message
 * contains `text`; the field it was on stays unset. */
static void expect_one_error(const char *yaml, unsigned line, unsigned column, const char *text,
                             lantern_field field)
{
	meta_result result = parse_meta(yaml, 0, 0);
	if (result.status != LANTERN_ERROR_PARSE)
		print_error("YAML: %s\n", yaml);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&result.diagnostics, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", line, column, text);
	assert_int_equal(result.metadata.fields[field].count, 0);
	meta_clear(&result);
}

static void expect_accepted(const char *yaml, lantern_field field, const char *value)
{
	meta_result result = parse_meta(yaml, 0, 0);
	if (result.status != LANTERN_OK) {
		print_error("YAML: %s\n", yaml);
		test_print_diagnostics(&result.diagnostics);
	}
	assert_int_equal(result.status, LANTERN_OK);
	assert_int_equal(result.diagnostics.count, 0);
	assert_non_null(lantern_metadata_get(&result.metadata, field));
	assert_string_equal(lantern_metadata_get(&result.metadata, field), value);
	meta_clear(&result);
}

static void expect_values(const lantern_metadata *metadata, lantern_field field, size_t count,
                          const char *const *values)
{
	const lantern_field_value *value = &metadata->fields[field];
	assert_int_equal(value->count, count);
	for (size_t i = 0; i < count; i++)
		assert_string_equal(value->values[i], values[i]);
}

static void test_parse_valid_document(void **state)
{
	(void)state;
	const char *yaml =
		"title: \"  Child Trafficking Indicators  \"\n" /* 1 */
		"type: Policy\n"                                 /* 2 */
		"summary: A summary.\n"                          /* 3 */
		"agency_type: [Rural, URBAN, rural]\n"           /* 4 */
		"agency_size: all\n"                             /* 5 */
		"topics:\n"                                      /* 6 */
		"  - gangs\n"                                    /* 7 */
		"  - Vice\n"                                     /* 8 */
		"audience: analyst\n"                            /* 9 */
		"access: LES\n"                                  /* 10 */
		"publisher: Someone Else\n"                      /* 11 */
		"published: 2019-05\n"                           /* 12 */
		"updated: 2020-02-29\n"                          /* 13 */
		"url: https://example.org/a?b=c\n"               /* 14 */
		"language: ES\n"                                 /* 15 */
		"delivery: online\n"                             /* 16 */
		"duration: 2 hours\n"                            /* 17 */
		"cost: free\n"                                   /* 18 */
		"id: policies/rural-2\n";                        /* 19 */
	meta_result result = parse_meta(yaml, 0, 0);
	if (result.status != LANTERN_OK)
		test_print_diagnostics(&result.diagnostics);
	assert_int_equal(result.status, LANTERN_OK);
	assert_int_equal(result.diagnostics.count, 0);
	const lantern_metadata *m = &result.metadata;
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_TITLE), "Child Trafficking Indicators");
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_TYPE), "policy");
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_SUMMARY), "A summary.");
	static const char *const agency[] = { "rural", "urban" };
	expect_values(m, LANTERN_FIELD_AGENCY_TYPE, 2, agency);
	static const char *const size[] = { "all" };
	expect_values(m, LANTERN_FIELD_AGENCY_SIZE, 1, size);
	static const char *const topics[] = { "gangs", "vice" };
	expect_values(m, LANTERN_FIELD_TOPICS, 2, topics);
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_AUDIENCE), "analyst");
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_ACCESS), "les");
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_PUBLISHER), "Someone Else");
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_PUBLISHED), "2019-05");
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_UPDATED), "2020-02-29");
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_URL), "https://example.org/a?b=c");
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_LANGUAGE), "es");
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_DELIVERY), "online");
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_DURATION), "2 hours");
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_COST), "free");
	assert_string_equal(lantern_metadata_get(m, LANTERN_FIELD_ID), "policies/rural-2");
	assert_null(lantern_metadata_get(m, LANTERN_FIELD_DESCRIPTION));
	assert_null(lantern_metadata_get(m, LANTERN_FIELD_TRANSCRIPT));

	/* Each value remembers where it was written. */
	assert_string_equal(m->fields[LANTERN_FIELD_TITLE].origin, "doc.md");
	assert_int_equal(m->fields[LANTERN_FIELD_TITLE].line, 1);
	assert_int_equal(m->fields[LANTERN_FIELD_TITLE].column, 8);
	assert_int_equal(m->fields[LANTERN_FIELD_AGENCY_TYPE].line, 4);
	assert_int_equal(m->fields[LANTERN_FIELD_AGENCY_TYPE].column, 14);
	assert_int_equal(m->fields[LANTERN_FIELD_TOPICS].line, 7);
	assert_int_equal(m->fields[LANTERN_FIELD_TOPICS].column, 3);
	assert_int_equal(m->fields[LANTERN_FIELD_ID].line, 19);
	assert_int_equal(m->fields[LANTERN_FIELD_ID].column, 5);

	lantern_diagnostics required = LANTERN_DIAGNOSTICS_INIT;
	assert_int_equal(lantern_metadata_check_required(m, "doc.md", &required), 0);
	assert_int_equal(required.count, 0);
	meta_clear(&result);
}

static void test_missing_required_fields(void **state)
{
	(void)state;
	meta_result result = parse_meta("summary: only a summary\n", 0, 0);
	assert_int_equal(result.status, LANTERN_OK);
	assert_int_equal(lantern_metadata_check_required(&result.metadata, "doc.md",
	                                                 &result.diagnostics),
	                 2);
	expect_diagnostic_count(&result.diagnostics, 2, 2);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", 1, 1,
	                  "missing required field 'title'");
	expect_diagnostic(&result.diagnostics, 1, LANTERN_SEVERITY_ERROR, "doc.md", 1, 1,
	                  "missing required field 'type'");
	meta_clear(&result);

	result = parse_meta("title: T\n", 0, 0);
	assert_int_equal(lantern_metadata_check_required(&result.metadata, "other.md",
	                                                 &result.diagnostics),
	                 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "other.md", 1, 1,
	                  "missing required field 'type'");
	meta_clear(&result);
}

static void test_unknown_field_is_a_warning(void **state)
{
	(void)state;
	meta_result result = parse_meta("title: T\ntitel: X\n  \ntopic: gangs\ncolour: red\n", 0, 0);
	assert_int_equal(result.status, LANTERN_OK);
	expect_diagnostic_count(&result.diagnostics, 3, 0);
	assert_int_equal(result.diagnostics.warning_count, 3);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_WARNING, "doc.md", 2, 1,
	                  "unknown field 'titel' (ignored); did you mean 'title'?");
	expect_diagnostic(&result.diagnostics, 1, LANTERN_SEVERITY_WARNING, "doc.md", 4, 1,
	                  "unknown field 'topic' (ignored); did you mean 'topics'?");
	expect_diagnostic(&result.diagnostics, 2, LANTERN_SEVERITY_WARNING, "doc.md", 5, 1,
	                  "unknown field 'colour' (ignored)");
	assert_string_equal(result.diagnostics.items[2].message, "unknown field 'colour' (ignored)");
	assert_string_equal(lantern_metadata_get(&result.metadata, LANTERN_FIELD_TITLE), "T");
	assert_null(lantern_metadata_get(&result.metadata, LANTERN_FIELD_TOPICS));
	meta_clear(&result);
}

static void test_value_not_in_vocabulary(void **state)
{
	(void)state;
	expect_one_error("agency_type: ruarl\n", 1, 14,
	                 "'ruarl' is not a known agency_type; did you mean 'rural'?",
	                 LANTERN_FIELD_AGENCY_TYPE);
	/* One bad item leaves the whole field unset. */
	expect_one_error("agency_type: [urban, ruarl]\n", 1, 22, "did you mean 'rural'?",
	                 LANTERN_FIELD_AGENCY_TYPE);
	expect_one_error("agency_size: mid\n", 1, 14, "'mid' is not a known agency_size; did you mean 'mid-sized'?",
	                 LANTERN_FIELD_AGENCY_SIZE);
	expect_one_error("title: T\ntopics:\n  - gangs\n  - gnags\n", 4, 5,
	                 "'gnags' is not a known topics; did you mean 'gangs'?", LANTERN_FIELD_TOPICS);

	/* Nothing close: the known values are listed. */
	meta_result result = parse_meta("type: zzzz\n", 0, 0);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&result.diagnostics, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", 1, 7, "zzzz");
	assert_string_equal(result.diagnostics.items[0].message,
	                    "'zzzz' is not a known type (expected one of: policy, model-policy, "
	                    "best-practice, indicator-guide, training-course, video, toolkit, "
	                    "awareness-material, report, legal-reference)");
	meta_clear(&result);

	result = parse_meta("agency_type: county\n", 0, 0);
	assert_string_equal(result.diagnostics.items[0].message,
	                    "'county' is not a known agency_type (expected one of: rural, suburban, "
	                    "urban, tribal, all)");
	meta_clear(&result);
}

static void test_list_for_single_valued_field(void **state)
{
	(void)state;
	expect_one_error("type: [policy, report]\n", 1, 7, "'type' takes a single value, not a list",
	                 LANTERN_FIELD_TYPE);
	expect_one_error("title: T\naccess:\n  - public\n", 3, 3,
	                 "'access' takes a single value, not a list", LANTERN_FIELD_ACCESS);
}

static void test_mapping_for_field(void **state)
{
	(void)state;
	expect_one_error("topics: {gangs: yes}\n", 1, 9,
	                 "'topics' takes a value or a list of values, not a mapping",
	                 LANTERN_FIELD_TOPICS);
	expect_one_error("title:\n  text: x\n", 2, 3, "'title' takes a single value, not a mapping",
	                 LANTERN_FIELD_TITLE);
	expect_one_error("topics:\n  - gangs\n  - [vice]\n", 3, 5,
	                 "the items of 'topics' must be single values, not a list",
	                 LANTERN_FIELD_TOPICS);
	expect_one_error("audience: [{a: b}]\n", 1, 12,
	                 "the items of 'audience' must be single values, not a mapping",
	                 LANTERN_FIELD_AUDIENCE);
}

static void test_dates(void **state)
{
	(void)state;
	expect_one_error("published: 2019-13-01\n", 1, 12,
	                 "bad date '2019-13-01' for published: expected YYYY-MM-DD, YYYY-MM or YYYY",
	                 LANTERN_FIELD_PUBLISHED);
	expect_one_error("updated: 2019-02-30\n", 1, 10, "bad date '2019-02-30' for updated",
	                 LANTERN_FIELD_UPDATED);
	expect_one_error("published: 2019/01/01\n", 1, 12, "bad date '2019/01/01'",
	                 LANTERN_FIELD_PUBLISHED);
	expect_one_error("published: 1900-02-29\n", 1, 12, "bad date", LANTERN_FIELD_PUBLISHED);
	expect_one_error("published: 2019-5\n", 1, 12, "bad date", LANTERN_FIELD_PUBLISHED);
	expect_one_error("published: May 2019\n", 1, 12, "bad date", LANTERN_FIELD_PUBLISHED);
	expect_one_error("published: 2019-04-31\n", 1, 12, "bad date", LANTERN_FIELD_PUBLISHED);
	expect_accepted("published: 2020-02-29\n", LANTERN_FIELD_PUBLISHED, "2020-02-29");
	expect_accepted("published: 2000-02-29\n", LANTERN_FIELD_PUBLISHED, "2000-02-29");
	expect_accepted("published: 2019\n", LANTERN_FIELD_PUBLISHED, "2019");
	expect_accepted("published: 2019-05\n", LANTERN_FIELD_PUBLISHED, "2019-05");
	expect_accepted("updated: 2019-12-31\n", LANTERN_FIELD_UPDATED, "2019-12-31");
	expect_accepted("updated: '2019-01-01'\n", LANTERN_FIELD_UPDATED, "2019-01-01");
}

static void test_duplicate_key(void **state)
{
	(void)state;
	meta_result result = parse_meta("title: A\ntype: policy\ntitle: B\n", 0, 0);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&result.diagnostics, 2, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", 3, 1,
	                  "duplicate key 'title'");
	expect_diagnostic(&result.diagnostics, 1, LANTERN_SEVERITY_NOTE, "doc.md", 1, 1,
	                  "'title' first given here");
	assert_null(lantern_metadata_get(&result.metadata, LANTERN_FIELD_TITLE));
	meta_clear(&result);
}

static void test_ids(void **state)
{
	(void)state;
	expect_one_error("id: ../secret\n", 1, 5, "bad id '../secret': use letters, digits and - _ . /",
	                 LANTERN_FIELD_ID);
	expect_one_error("id: /absolute\n", 1, 5, "bad id '/absolute'", LANTERN_FIELD_ID);
	expect_one_error("id: has space\n", 1, 5, "bad id 'has space'", LANTERN_FIELD_ID);
	expect_one_error("id: .hidden\n", 1, 5, "bad id '.hidden'", LANTERN_FIELD_ID);
	expect_one_error("id: a/../b\n", 1, 5, "bad id 'a/../b'", LANTERN_FIELD_ID);
	expect_one_error("id: caf\xC3\xA9\n", 1, 5, "bad id", LANTERN_FIELD_ID);
	expect_accepted("id: policies/rural_2.v1\n", LANTERN_FIELD_ID, "policies/rural_2.v1");
	expect_accepted("id: '  padded  '\n", LANTERN_FIELD_ID, "padded");
}

static void test_urls(void **state)
{
	(void)state;
	expect_one_error("url: ftp://example.org/x\n", 1, 6,
	                 "bad url 'ftp://example.org/x': expected http:// or https://",
	                 LANTERN_FIELD_URL);
	expect_one_error("url: https://exa mple.org\n", 1, 6, "bad url 'https://exa mple.org'",
	                 LANTERN_FIELD_URL);
	expect_one_error("url: 'http://x.org/<script>'\n", 1, 6, "bad url", LANTERN_FIELD_URL);
	expect_one_error("url: example.org\n", 1, 6, "bad url", LANTERN_FIELD_URL);
	expect_accepted("url: http://example.org\n", LANTERN_FIELD_URL, "http://example.org");
	expect_accepted("url: https://example.org/p?q=1#frag\n", LANTERN_FIELD_URL,
	                "https://example.org/p?q=1#frag");
}

static void test_languages(void **state)
{
	(void)state;
	expect_one_error("language: klingon\n", 1, 11,
	                 "unknown language 'klingon' (use an ISO 639 code such as en, es, fr)",
	                 LANTERN_FIELD_LANGUAGE);
	expect_one_error("language: [en, es]\n", 1, 11, "'language' takes a single value",
	                 LANTERN_FIELD_LANGUAGE);
	expect_accepted("language: EN\n", LANTERN_FIELD_LANGUAGE, "en");
	expect_accepted("language: spanish\n", LANTERN_FIELD_LANGUAGE, "spanish");
	expect_accepted("language: fr\n", LANTERN_FIELD_LANGUAGE, "fr");
}

static void test_all_only_where_allowed(void **state)
{
	(void)state;
	expect_accepted("agency_type: all\n", LANTERN_FIELD_AGENCY_TYPE, "all");
	expect_accepted("agency_type: ALL\n", LANTERN_FIELD_AGENCY_TYPE, "all");
	expect_accepted("resource_level: all\n", LANTERN_FIELD_RESOURCE_LEVEL, "all");
	expect_accepted("agency_size: [small, all]\n", LANTERN_FIELD_AGENCY_SIZE, "small");

	meta_result result = parse_meta("title: T\ntopics: all\n", 0, 0);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&result.diagnostics, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", 2, 9,
	                  "'all' is not a known topics (expected one of: child-sex-trafficking, ");
	/* `all` is not offered where it is not allowed. */
	assert_null(strstr(result.diagnostics.items[0].message, ", all)"));
	assert_null(lantern_metadata_get(&result.metadata, LANTERN_FIELD_TOPICS));
	assert_string_equal(lantern_metadata_get(&result.metadata, LANTERN_FIELD_TITLE), "T");
	meta_clear(&result);

	expect_one_error("audience: all\n", 1, 11, "'all' is not a known audience",
	                 LANTERN_FIELD_AUDIENCE);
	expect_one_error("type: all\n", 1, 7, "'all' is not a known type", LANTERN_FIELD_TYPE);
}

static void test_vocabulary_values_normalised(void **state)
{
	(void)state;
	meta_result result = parse_meta("type: POLICY\naccess: Public\naudience: [Analyst, ' TRAINER ', "
	                                "analyst]\ndelivery: In-Person\n",
	                                0, 0);
	assert_int_equal(result.status, LANTERN_OK);
	assert_int_equal(result.diagnostics.count, 0);
	assert_string_equal(lantern_metadata_get(&result.metadata, LANTERN_FIELD_TYPE), "policy");
	assert_string_equal(lantern_metadata_get(&result.metadata, LANTERN_FIELD_ACCESS), "public");
	static const char *const audience[] = { "analyst", "trainer" };
	expect_values(&result.metadata, LANTERN_FIELD_AUDIENCE, 2, audience);
	assert_string_equal(lantern_metadata_get(&result.metadata, LANTERN_FIELD_DELIVERY), "in-person");
	meta_clear(&result);

	/* Free text keeps its case. */
	expect_accepted("publisher: The ABC Agency\n", LANTERN_FIELD_PUBLISHER, "The ABC Agency");
}

static void test_line_offset(void **state)
{
	(void)state;
	meta_result result = parse_meta("title: T\n\nagency_type: ruarl\ntitel: x\n", 3, 0);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&result.diagnostics, 2, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", 6, 14,
	                  "did you mean 'rural'?");
	expect_diagnostic(&result.diagnostics, 1, LANTERN_SEVERITY_WARNING, "doc.md", 7, 1,
	                  "unknown field 'titel'");
	assert_int_equal(result.metadata.fields[LANTERN_FIELD_TITLE].line, 4);
	assert_int_equal(result.metadata.fields[LANTERN_FIELD_TITLE].column, 8);
	meta_clear(&result);
}

static void test_every_error_reported_and_valid_fields_kept(void **state)
{
	(void)state;
	meta_result result = parse_meta(
		"title: Good\ntype: nope-nope-nope\naudience: analyst\npublished: 2019-99\nurl: x\n", 0, 0);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&result.diagnostics, 3, 3);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", 2, 7, "type");
	expect_diagnostic(&result.diagnostics, 1, LANTERN_SEVERITY_ERROR, "doc.md", 4, 12, "bad date");
	expect_diagnostic(&result.diagnostics, 2, LANTERN_SEVERITY_ERROR, "doc.md", 5, 6, "bad url");
	assert_string_equal(lantern_metadata_get(&result.metadata, LANTERN_FIELD_TITLE), "Good");
	assert_string_equal(lantern_metadata_get(&result.metadata, LANTERN_FIELD_AUDIENCE), "analyst");
	assert_null(lantern_metadata_get(&result.metadata, LANTERN_FIELD_TYPE));
	assert_null(lantern_metadata_get(&result.metadata, LANTERN_FIELD_PUBLISHED));
	meta_clear(&result);
}

static void test_nulls_and_empties(void **state)
{
	(void)state;
	meta_result result = parse_meta(
		"summary:\npublisher: ~\ntopics: []\naudience: [~, null]\ntitle: ''\ncost: '   '\n", 0, 0);
	assert_int_equal(result.status, LANTERN_OK);
	assert_int_equal(result.diagnostics.count, 0);
	for (int field = 0; field < LANTERN_FIELD_COUNT; field++)
		assert_int_equal(result.metadata.fields[field].count, 0);
	meta_clear(&result);

	/* An empty list item among real ones is skipped. */
	result = parse_meta("topics: [gangs, ~, vice]\n", 0, 0);
	static const char *const topics[] = { "gangs", "vice" };
	expect_values(&result.metadata, LANTERN_FIELD_TOPICS, 2, topics);
	meta_clear(&result);
}

static void test_root_must_be_mapping(void **state)
{
	(void)state;
	meta_result result = parse_meta("- a\n- b\n", 0, 0);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&result.diagnostics, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", 1, 1,
	                  "metadata must be a mapping of field: value");
	meta_clear(&result);

	result = parse_meta("\njust a sentence\n", 2, 0);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", 4, 1,
	                  "metadata must be a mapping");
	meta_clear(&result);

	/* An empty document is an empty mapping: no fields, no errors. */
	result = parse_meta("", 0, 0);
	assert_int_equal(result.status, LANTERN_OK);
	assert_int_equal(result.diagnostics.count, 0);
	meta_clear(&result);
}

static void test_text_length_limits(void **state)
{
	(void)state;
	char yaml[700];
	memcpy(yaml, "title: ", 7);
	memset(yaml + 7, 't', 500);
	yaml[507] = '\0';
	meta_result result = parse_meta(yaml, 0, 0);
	assert_int_equal(result.status, LANTERN_OK);
	assert_int_equal(strlen(lantern_metadata_get(&result.metadata, LANTERN_FIELD_TITLE)), 500);
	meta_clear(&result);

	yaml[507] = 't';
	yaml[508] = '\0';
	expect_one_error(yaml, 1, 8, "title is 501 bytes, over the 500-byte limit",
	                 LANTERN_FIELD_TITLE);
}

static void test_record_only_fields(void **state)
{
	(void)state;
	meta_result result = parse_meta("title: T\ndescription: Long text.\ntranscript: t.txt\n", 0, 0);
	assert_int_equal(result.status, LANTERN_OK);
	expect_diagnostic_count(&result.diagnostics, 2, 0);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_WARNING, "doc.md", 2, 1,
	                  "'description' is only used in YAML records (ignored here)");
	expect_diagnostic(&result.diagnostics, 1, LANTERN_SEVERITY_WARNING, "doc.md", 3, 1,
	                  "'transcript' is only used in YAML records");
	assert_null(lantern_metadata_get(&result.metadata, LANTERN_FIELD_DESCRIPTION));
	meta_clear(&result);

	result = parse_meta("title: T\ndescription: Long text.\ntranscript: sub/t.txt\n", 0,
	                    LANTERN_METADATA_RECORD);
	assert_int_equal(result.status, LANTERN_OK);
	assert_int_equal(result.diagnostics.count, 0);
	assert_string_equal(lantern_metadata_get(&result.metadata, LANTERN_FIELD_DESCRIPTION),
	                    "Long text.");
	assert_string_equal(lantern_metadata_get(&result.metadata, LANTERN_FIELD_TRANSCRIPT),
	                    "sub/t.txt");
	meta_clear(&result);

	result = parse_meta("transcript: ../outside.txt\n", 0, LANTERN_METADATA_RECORD);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", 1, 13,
	                  "bad file name '../outside.txt': give a path relative to this file");
	meta_clear(&result);

	result = parse_meta("transcript: /etc/passwd\n", 0, LANTERN_METADATA_RECORD);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", 1, 13,
	                  "bad file name '/etc/passwd'");
	meta_clear(&result);
}

static void test_defaults_reject_id(void **state)
{
	(void)state;
	meta_result result = parse_meta("type: video\nid: shared-id\naccess: les\n", 0,
	                                LANTERN_METADATA_DEFAULTS);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&result.diagnostics, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.md", 2, 1,
	                  "'id' cannot be a folder default (ids are unique)");
	assert_null(lantern_metadata_get(&result.metadata, LANTERN_FIELD_ID));
	assert_string_equal(lantern_metadata_get(&result.metadata, LANTERN_FIELD_TYPE), "video");
	assert_string_equal(lantern_metadata_get(&result.metadata, LANTERN_FIELD_ACCESS), "les");
	meta_clear(&result);

	/* Without the flag an id is fine. */
	expect_accepted("id: shared-id\n", LANTERN_FIELD_ID, "shared-id");
}

/* ------------------------------------------------------------------ inherit, expand, set */

static void test_inherit(void **state)
{
	(void)state;
	meta_result own = parse_meta("title: Own title\ntopics: [gangs]\n", 0, 0);
	lantern_metadata defaults = LANTERN_METADATA_INIT;
	lantern_diagnostics diagnostics = LANTERN_DIAGNOSTICS_INIT;
	const char *yaml = "title: Default title\ntype: video\ntopics: [vice]\naudience: [analyst, trainer]\n";
	assert_int_equal(lantern_metadata_parse(&defaults, yaml, strlen(yaml), "videos/_defaults.yaml",
	                                        0, schema, LANTERN_METADATA_DEFAULTS, &diagnostics),
	                 LANTERN_OK);
	assert_int_equal(lantern_metadata_inherit(&own.metadata, &defaults), LANTERN_OK);

	/* The file's own values win. */
	assert_string_equal(lantern_metadata_get(&own.metadata, LANTERN_FIELD_TITLE), "Own title");
	static const char *const topics[] = { "gangs" };
	expect_values(&own.metadata, LANTERN_FIELD_TOPICS, 1, topics);
	assert_string_equal(own.metadata.fields[LANTERN_FIELD_TITLE].origin, "doc.md");
	/* Unset ones come from the defaults, origin and position included. */
	assert_string_equal(lantern_metadata_get(&own.metadata, LANTERN_FIELD_TYPE), "video");
	assert_string_equal(own.metadata.fields[LANTERN_FIELD_TYPE].origin, "videos/_defaults.yaml");
	assert_int_equal(own.metadata.fields[LANTERN_FIELD_TYPE].line, 2);
	assert_int_equal(own.metadata.fields[LANTERN_FIELD_TYPE].column, 7);
	static const char *const audience[] = { "analyst", "trainer" };
	expect_values(&own.metadata, LANTERN_FIELD_AUDIENCE, 2, audience);

	/* Deep copies: the defaults can go away. */
	assert_ptr_not_equal(own.metadata.fields[LANTERN_FIELD_TYPE].values[0],
	                     defaults.fields[LANTERN_FIELD_TYPE].values[0]);
	lantern_metadata_clear(&defaults);
	assert_string_equal(lantern_metadata_get(&own.metadata, LANTERN_FIELD_TYPE), "video");

	/* Inheriting from nothing changes nothing. */
	lantern_metadata empty = LANTERN_METADATA_INIT;
	assert_int_equal(lantern_metadata_inherit(&own.metadata, &empty), LANTERN_OK);
	assert_int_equal(own.metadata.fields[LANTERN_FIELD_AUDIENCE].count, 2);
	assert_int_equal(own.metadata.fields[LANTERN_FIELD_URL].count, 0);
	meta_clear(&own);
	lantern_diagnostics_clear(&diagnostics);
}

static void test_expand(void **state)
{
	(void)state;
	const lantern_vocabulary *agency = lantern_schema_vocabulary(schema, LANTERN_FIELD_AGENCY_TYPE);
	meta_result result = parse_meta(
		"agency_type: all\nagency_size: [small, all]\nresource_level: [low]\ntopics: [vice, gangs]\n",
		0, 0);
	assert_int_equal(result.status, LANTERN_OK);
	const char **values = NULL;
	size_t count = 0;
	assert_int_equal(lantern_metadata_expand(&result.metadata, LANTERN_FIELD_AGENCY_TYPE, schema,
	                                         &values, &count),
	                 LANTERN_OK);
	assert_int_equal(count, 4);
	assert_string_equal(values[0], "rural");
	assert_string_equal(values[1], "suburban");
	assert_string_equal(values[2], "urban");
	assert_string_equal(values[3], "tribal");
	assert_ptr_equal(values[0], agency->values[0]); /* borrowed from the schema */
	free(values);

	/* `all` among other values still means everything. */
	assert_int_equal(lantern_metadata_expand(&result.metadata, LANTERN_FIELD_AGENCY_SIZE, schema,
	                                         &values, &count),
	                 LANTERN_OK);
	assert_int_equal(count, 3);
	assert_string_equal(values[1], "mid-sized");
	free(values);

	assert_int_equal(lantern_metadata_expand(&result.metadata, LANTERN_FIELD_RESOURCE_LEVEL, schema,
	                                         &values, &count),
	                 LANTERN_OK);
	assert_int_equal(count, 1);
	assert_string_equal(values[0], "low");
	free(values);

	assert_int_equal(lantern_metadata_expand(&result.metadata, LANTERN_FIELD_TOPICS, schema,
	                                         &values, &count),
	                 LANTERN_OK);
	assert_int_equal(count, 2);
	assert_string_equal(values[0], "vice");
	assert_string_equal(values[1], "gangs");
	free(values);

	/* An unset field expands to nothing. */
	values = (const char **)&count;
	assert_int_equal(lantern_metadata_expand(&result.metadata, LANTERN_FIELD_AUDIENCE, schema,
	                                         &values, &count),
	                 LANTERN_OK);
	assert_null(values);
	assert_int_equal(count, 0);

	/* Without a schema `all` stays as written. */
	assert_int_equal(lantern_metadata_expand(&result.metadata, LANTERN_FIELD_AGENCY_TYPE, NULL,
	                                         &values, &count),
	                 LANTERN_OK);
	assert_int_equal(count, 1);
	assert_string_equal(values[0], "all");
	free(values);
	meta_clear(&result);
}

static void test_set_get_clear(void **state)
{
	(void)state;
	lantern_metadata metadata = LANTERN_METADATA_INIT;
	assert_null(lantern_metadata_get(&metadata, LANTERN_FIELD_TITLE));
	assert_int_equal(lantern_metadata_set(&metadata, LANTERN_FIELD_TITLE, "First", "a.md"),
	                 LANTERN_OK);
	assert_string_equal(lantern_metadata_get(&metadata, LANTERN_FIELD_TITLE), "First");
	assert_string_equal(metadata.fields[LANTERN_FIELD_TITLE].origin, "a.md");
	assert_int_equal(metadata.fields[LANTERN_FIELD_TITLE].line, 0); /* derived */
	assert_int_equal(lantern_metadata_set(&metadata, LANTERN_FIELD_TITLE, "Second", NULL),
	                 LANTERN_OK);
	assert_string_equal(lantern_metadata_get(&metadata, LANTERN_FIELD_TITLE), "Second");
	assert_string_equal(metadata.fields[LANTERN_FIELD_TITLE].origin, "");
	assert_int_equal(metadata.fields[LANTERN_FIELD_TITLE].count, 1);

	/* Replacing a parsed list with one value. */
	const char *yaml = "topics: [gangs, vice]\n";
	lantern_diagnostics diagnostics = LANTERN_DIAGNOSTICS_INIT;
	assert_int_equal(lantern_metadata_parse(&metadata, yaml, strlen(yaml), "a.md", 0, schema, 0,
	                                        &diagnostics),
	                 LANTERN_OK);
	assert_int_equal(metadata.fields[LANTERN_FIELD_TOPICS].count, 2);
	assert_int_equal(lantern_metadata_set(&metadata, LANTERN_FIELD_TOPICS, "drugs", "x"), LANTERN_OK);
	assert_int_equal(metadata.fields[LANTERN_FIELD_TOPICS].count, 1);
	assert_string_equal(lantern_metadata_get(&metadata, LANTERN_FIELD_TOPICS), "drugs");
	/* Parsing keeps fields the YAML does not mention. */
	assert_string_equal(lantern_metadata_get(&metadata, LANTERN_FIELD_TITLE), "Second");

	/* check_required sees set values. */
	assert_int_equal(lantern_metadata_check_required(&metadata, "a.md", &diagnostics), 1);
	assert_int_equal(lantern_metadata_set(&metadata, LANTERN_FIELD_TYPE, "policy", "a.md"),
	                 LANTERN_OK);
	lantern_diagnostics_clear(&diagnostics);
	assert_int_equal(lantern_metadata_check_required(&metadata, "a.md", &diagnostics), 0);

	lantern_metadata_clear(&metadata);
	for (int field = 0; field < LANTERN_FIELD_COUNT; field++) {
		assert_int_equal(metadata.fields[field].count, 0);
		assert_null(metadata.fields[field].values);
		assert_null(metadata.fields[field].origin);
	}
	lantern_metadata_clear(&metadata); /* twice is fine */
	lantern_metadata_clear(NULL);
	lantern_diagnostics_clear(&diagnostics);
}

static void expect_date(const char *text, const char *sortable)
{
	char out[9] = "unset!!!";
	if (!lantern_date_parse(text, out)) {
		print_error("rejected date '%s'\n", text);
		fail();
	}
	assert_string_equal(out, sortable);
}

static void expect_bad_date(const char *text)
{
	char out[9] = "unset!!!";
	if (lantern_date_parse(text, out)) {
		print_error("accepted date '%s' as %s\n", text, out);
		fail();
	}
}

static void test_date_parse(void **state)
{
	(void)state;
	expect_date("2019", "20190000");
	expect_date("2019-05", "20190500");
	expect_date("2019-05-07", "20190507");
	expect_date("2019-12-31", "20191231");
	expect_date("2020-02-29", "20200229");
	expect_date("2000-02-29", "20000229");
	expect_date("1000", "10000000");
	expect_date("9999-01-01", "99990101");
	/* "2019" sorts before every day of 2019. */
	char year[9], day[9];
	assert_true(lantern_date_parse("2019", year));
	assert_true(lantern_date_parse("2019-01-01", day));
	assert_true(strcmp(year, day) < 0);

	const char *bad[] = { "", "19", "201", "20190", "0999", "2019-00", "2019-13", "2019-5",
	                      "2019-5-01", "2019-05-7", "2019-05-00", "2019-05-32", "2019-02-29",
	                      "1900-02-29", "2019-04-31", "2019-05-07x", " 2019", "2019 ", "2019/05",
	                      "2019-05/07", "abcd", "-2019", "2019--5-01", "+019" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_bad_date(bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_front_matter_absent),
		cmocka_unit_test(test_front_matter_present),
		cmocka_unit_test(test_front_matter_bom_crlf_dots),
		cmocka_unit_test(test_front_matter_unterminated),
		cmocka_unit_test(test_front_matter_size_limit),
		cmocka_unit_test(test_parse_valid_document),
		cmocka_unit_test(test_missing_required_fields),
		cmocka_unit_test(test_unknown_field_is_a_warning),
		cmocka_unit_test(test_value_not_in_vocabulary),
		cmocka_unit_test(test_list_for_single_valued_field),
		cmocka_unit_test(test_mapping_for_field),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_languages),
		cmocka_unit_test(test_all_only_where_allowed),
		cmocka_unit_test(test_vocabulary_values_normalised),
		cmocka_unit_test(test_line_offset),
		cmocka_unit_test(test_every_error_reported_and_valid_fields_kept),
		cmocka_unit_test(test_nulls_and_empties),
		cmocka_unit_test(test_root_must_be_mapping),
		cmocka_unit_test(test_text_length_limits),
		cmocka_unit_test(test_record_only_fields),
		cmocka_unit_test(test_defaults_reject_id),
		cmocka_unit_test(test_inherit),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_set_get_clear),
		cmocka_unit_test(test_date_parse),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
