/*
 * test_yaml_tree.c - lib/corpus/yaml_tree.c: the bounded YAML tree.
 *
 * Covers the tree built from scalars, block and flow sequences and mappings
 * with each node's line and column; quoted versus plain scalars and
 * lantern_yaml_is_null; lantern_yaml_get; and every refusal with its exact
 * position: duplicate keys (an error at the repeat plus a note at the first
 * one), aliases (`*x`), nesting deeper than LANTERN_YAML_MAX_DEPTH, a
 * "billion laughs" document, more than LANTERN_YAML_MAX_NODES nodes, a
 * second document, a non-scalar key and syntax errors at libyaml's mark.
 * An empty document is an empty mapping, and line_offset shifts every line.
 */
#include "test_support.h"

#include "corpus/yaml_tree.h"

typedef struct parsed {
	lantern_yaml_node *root;
	lantern_diagnostics diagnostics;
	lantern_status status;
} parsed;

static parsed parse_text(const char *text, unsigned line_offset)
{
	parsed result = { NULL, LANTERN_DIAGNOSTICS_INIT, LANTERN_OK };
	result.status = lantern_yaml_parse(&result.root, text, strlen(text), "doc.yaml", line_offset,
	                                   &result.diagnostics);
	return result;
}

static void parsed_clear(parsed *result)
{
	lantern_yaml_free(result->root);
	lantern_diagnostics_clear(&result->diagnostics);
}

/* Parses text that must be refused: status PARSE, no tree, and `errors`
 * errors in the list. */
static parsed parse_refused(const char *text, unsigned line_offset, size_t count, size_t errors)
{
	parsed result = parse_text(text, line_offset);
	if (result.status != LANTERN_ERROR_PARSE)
		test_print_diagnostics(&result.diagnostics);
	assert_int_equal(result.status, LANTERN_ERROR_PARSE);
	assert_null(result.root);
	expect_diagnostic_count(&result.diagnostics, count, errors);
	return result;
}

static void expect_node(const lantern_yaml_node *node, lantern_yaml_kind kind, unsigned line,
                        unsigned column)
{
	assert_non_null(node);
	assert_int_equal(node->kind, kind);
	assert_int_equal(node->line, line);
	assert_int_equal(node->column, column);
}

static void expect_scalar(const lantern_yaml_node *node, const char *text, bool plain,
                          unsigned line, unsigned column)
{
	expect_node(node, LANTERN_YAML_SCALAR, line, column);
	assert_string_equal(node->text, text);
	assert_int_equal(node->length, strlen(text));
	assert_int_equal(node->plain, plain);
	assert_int_equal(node->count, 0);
}

static void test_tree_with_positions(void **state)
{
	(void)state;
	const char *text =
		"title: Hello world\n"          /* 1 */
		"tags:\n"                       /* 2 */
		"  - one\n"                     /* 3 */
		"  - \"two\"\n"                 /* 4 */
		"nested:\n"                     /* 5 */
		"  key: [a, 'b c']\n"           /* 6 */
		"  deeper: {x: 1}\n"            /* 7 */
		"multi: |\n"                    /* 8 */
		"  line one\n"                  /* 9 */
		"  line two\n"                  /* 10 */
		"empty:\n";                     /* 11 */
	parsed result = parse_text(text, 0);
	assert_int_equal(result.status, LANTERN_OK);
	expect_diagnostic_count(&result.diagnostics, 0, 0);
	const lantern_yaml_node *root = result.root;
	expect_node(root, LANTERN_YAML_MAPPING, 1, 1);
	assert_int_equal(root->count, 10); /* five keys, five values */

	expect_scalar(root->children[0], "title", true, 1, 1);
	expect_scalar(root->children[1], "Hello world", true, 1, 8);

	expect_scalar(root->children[2], "tags", true, 2, 1);
	const lantern_yaml_node *tags = root->children[3];
	expect_node(tags, LANTERN_YAML_SEQUENCE, 3, 3);
	assert_int_equal(tags->count, 2);
	expect_scalar(tags->children[0], "one", true, 3, 5);
	expect_scalar(tags->children[1], "two", false, 4, 5);

	const lantern_yaml_node *nested = lantern_yaml_get(root, "nested");
	expect_node(nested, LANTERN_YAML_MAPPING, 6, 3);
	assert_int_equal(nested->count, 4);
	expect_scalar(nested->children[0], "key", true, 6, 3);
	const lantern_yaml_node *flow = lantern_yaml_get(nested, "key");
	expect_node(flow, LANTERN_YAML_SEQUENCE, 6, 8);
	assert_int_equal(flow->count, 2);
	expect_scalar(flow->children[0], "a", true, 6, 9);
	expect_scalar(flow->children[1], "b c", false, 6, 12);
	const lantern_yaml_node *deeper = lantern_yaml_get(nested, "deeper");
	expect_node(deeper, LANTERN_YAML_MAPPING, 7, 11);
	expect_scalar(lantern_yaml_get(deeper, "x"), "1", true, 7, 15);

	const lantern_yaml_node *multi = lantern_yaml_get(root, "multi");
	expect_scalar(multi, "line one\nline two\n", false, 8, 8);

	const lantern_yaml_node *empty = lantern_yaml_get(root, "empty");
	assert_non_null(empty);
	assert_int_equal(empty->kind, LANTERN_YAML_SCALAR);
	assert_int_equal(empty->length, 0);
	assert_true(lantern_yaml_is_null(empty));

	/* Lookups that find nothing. */
	assert_null(lantern_yaml_get(root, "missing"));
	assert_null(lantern_yaml_get(root, "Title"));
	assert_null(lantern_yaml_get(tags, "one"));
	assert_null(lantern_yaml_get(root->children[1], "x"));
	assert_null(lantern_yaml_get(NULL, "x"));
	parsed_clear(&result);
}

static void test_is_null(void **state)
{
	(void)state;
	parsed result = parse_text("a: ~\nb: null\nc: NULL\nd: Null\ne:\nf: 'null'\ng: \"\"\n"
	                           "h: nil\ni: [~]\nj: nULL\n",
	                           0);
	assert_int_equal(result.status, LANTERN_OK);
	const lantern_yaml_node *root = result.root;
	assert_true(lantern_yaml_is_null(lantern_yaml_get(root, "a")));
	assert_true(lantern_yaml_is_null(lantern_yaml_get(root, "b")));
	assert_true(lantern_yaml_is_null(lantern_yaml_get(root, "c")));
	assert_true(lantern_yaml_is_null(lantern_yaml_get(root, "d")));
	assert_true(lantern_yaml_is_null(lantern_yaml_get(root, "e")));
	assert_false(lantern_yaml_is_null(lantern_yaml_get(root, "f"))); /* quoted: the word */
	assert_false(lantern_yaml_is_null(lantern_yaml_get(root, "g"))); /* quoted empty */
	assert_false(lantern_yaml_is_null(lantern_yaml_get(root, "h")));
	assert_false(lantern_yaml_is_null(lantern_yaml_get(root, "i"))); /* a list */
	assert_true(lantern_yaml_is_null(lantern_yaml_get(root, "i")->children[0]));
	assert_false(lantern_yaml_is_null(lantern_yaml_get(root, "j")));
	assert_false(lantern_yaml_is_null(NULL));
	parsed_clear(&result);
}

static void test_empty_document_is_empty_mapping(void **state)
{
	(void)state;
	const char *empties[] = { "", "\n\n", "# only a comment\n", "~\n", "---\n", "---\n...\n" };
	for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		parsed result = parse_text(empties[i], 0);
		assert_int_equal(result.status, LANTERN_OK);
		expect_node(result.root, LANTERN_YAML_MAPPING, 1, 1);
		assert_int_equal(result.root->count, 0);
		assert_int_equal(result.diagnostics.count, 0);
		parsed_clear(&result);
	}
	/* The empty mapping is placed at the first line after the offset. */
	parsed result = parse_text("", 4);
	expect_node(result.root, LANTERN_YAML_MAPPING, 5, 1);
	parsed_clear(&result);
}

static void test_scalar_and_sequence_roots(void **state)
{
	(void)state;
	parsed result = parse_text("just words\n", 0);
	assert_int_equal(result.status, LANTERN_OK);
	expect_scalar(result.root, "just words", true, 1, 1);
	parsed_clear(&result);

	result = parse_text("- a\n- b\n", 0);
	assert_int_equal(result.status, LANTERN_OK);
	expect_node(result.root, LANTERN_YAML_SEQUENCE, 1, 1);
	assert_int_equal(result.root->count, 2);
	expect_scalar(result.root->children[1], "b", true, 2, 3);
	parsed_clear(&result);
}

static void test_duplicate_key(void **state)
{
	(void)state;
	parsed result = parse_refused("a: 1\nb: 2\na: 3\n", 0, 2, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 3, 1,
	                  "duplicate key 'a'");
	expect_diagnostic(&result.diagnostics, 1, LANTERN_SEVERITY_NOTE, "doc.yaml", 1, 1,
	                  "'a' first given here");
	parsed_clear(&result);

	/* In a nested mapping, with a line offset. */
	result = parse_refused("outer:\n  k: 1\n  other: 2\n    \n  k: 3\n", 10, 2, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 15, 3,
	                  "duplicate key 'k'");
	expect_diagnostic(&result.diagnostics, 1, LANTERN_SEVERITY_NOTE, "doc.yaml", 12, 3,
	                  "'k' first given here");
	parsed_clear(&result);

	/* Flow mappings too; equal keys in different mappings are fine. */
	result = parse_refused("m: {x: 1, y: 2, x: 3}\n", 0, 2, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 1, 17,
	                  "duplicate key 'x'");
	expect_diagnostic(&result.diagnostics, 1, LANTERN_SEVERITY_NOTE, "doc.yaml", 1, 5,
	                  "'x' first given here");
	parsed_clear(&result);

	result = parse_text("a: {k: 1}\nb: {k: 2}\n", 0);
	assert_int_equal(result.status, LANTERN_OK);
	parsed_clear(&result);
}

static void test_alias_rejected(void **state)
{
	(void)state;
	parsed result = parse_refused("base: &x hello\ncopy: *x\n", 0, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 2, 7,
	                  "YAML aliases (*name) are not allowed");
	parsed_clear(&result);

	/* An anchor alone is harmless. */
	result = parse_text("base: &x hello\n", 0);
	assert_int_equal(result.status, LANTERN_OK);
	expect_scalar(lantern_yaml_get(result.root, "base"), "hello", true, 1, 7);
	parsed_clear(&result);

	/* Merge keys are aliases too. */
	result = parse_refused("a: &A {x: 1}\nb:\n  <<: *A\n", 3, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 6, 7,
	                  "aliases");
	parsed_clear(&result);
}

static char *nested_brackets(size_t depth)
{
	char *text = malloc(2 * depth + 2);
	assert_non_null(text);
	memset(text, '[', depth);
	memset(text + depth, ']', depth);
	text[2 * depth] = '\n';
	text[2 * depth + 1] = '\0';
	return text;
}

static void test_depth_limit(void **state)
{
	(void)state;
	char *text = nested_brackets(LANTERN_YAML_MAX_DEPTH);
	parsed result = parse_text(text, 0);
	assert_int_equal(result.status, LANTERN_OK);
	const lantern_yaml_node *node = result.root;
	for (int level = 1; level < LANTERN_YAML_MAX_DEPTH; level++) {
		assert_int_equal(node->kind, LANTERN_YAML_SEQUENCE);
		assert_int_equal(node->count, 1);
		node = node->children[0];
	}
	expect_node(node, LANTERN_YAML_SEQUENCE, 1, LANTERN_YAML_MAX_DEPTH);
	assert_int_equal(node->count, 0);
	parsed_clear(&result);
	free(text);

	text = nested_brackets(LANTERN_YAML_MAX_DEPTH + 1);
	result = parse_refused(text, 0, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 1,
	                  LANTERN_YAML_MAX_DEPTH + 1, "YAML nested too deeply");
	parsed_clear(&result);
	free(text);

	/* Far deeper than the limit: refused at the same place, no crash. */
	text = nested_brackets(5000);
	result = parse_refused(text, 0, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 1,
	                  LANTERN_YAML_MAX_DEPTH + 1, "nested too deeply");
	parsed_clear(&result);
	free(text);

	/* Block mappings count too. */
	{
		char block[4096] = "";
		size_t used = 0;
		for (int level = 0; level <= LANTERN_YAML_MAX_DEPTH; level++)
			used += (size_t)snprintf(block + used, sizeof(block) - used, "%*sk%d:\n",
			                         level * 2, "", level);
		snprintf(block + used, sizeof(block) - used, "%*sleaf: x\n",
		         (LANTERN_YAML_MAX_DEPTH + 1) * 2, "");
		result = parse_refused(block, 0, 1, 1);
		/* The 33rd mapping starts on line 33 (the value of k31), indented 64. */
		expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml",
		                  LANTERN_YAML_MAX_DEPTH + 1, LANTERN_YAML_MAX_DEPTH * 2 + 1,
		                  "nested too deeply");
		parsed_clear(&result);
	}
}

static void test_billion_laughs_rejected(void **state)
{
	(void)state;
	const char *text =
		"a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
		"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
		"c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
		"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
		"e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
		"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
		"g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
		"h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
		"i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
	/* Refused at the first alias, before anything is expanded. */
	parsed result = parse_refused(text, 0, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 2, 8,
	                  "aliases");
	parsed_clear(&result);
}

static char *flow_list(size_t items)
{
	char *text = malloc(items * 2 + 4);
	assert_non_null(text);
	size_t used = 0;
	text[used++] = '[';
	for (size_t i = 0; i < items; i++) {
		text[used++] = '0';
		text[used++] = i + 1 < items ? ',' : ']';
	}
	text[used++] = '\n';
	text[used] = '\0';
	return text;
}

static void test_node_limit(void **state)
{
	(void)state;
	/* The list itself plus its items: exactly LANTERN_YAML_MAX_NODES nodes. */
	char *text = flow_list(LANTERN_YAML_MAX_NODES - 1);
	parsed result = parse_text(text, 0);
	assert_int_equal(result.status, LANTERN_OK);
	assert_int_equal(result.root->count, LANTERN_YAML_MAX_NODES - 1);
	parsed_clear(&result);
	free(text);

	/* One more node is refused, at the item that crossed the limit. */
	text = flow_list(LANTERN_YAML_MAX_NODES);
	result = parse_refused(text, 0, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 1,
	                  2 + 2 * (LANTERN_YAML_MAX_NODES - 1), "too many nodes");
	parsed_clear(&result);
	free(text);
}

static void test_syntax_errors_at_libyaml_mark(void **state)
{
	(void)state;
	parsed result = parse_refused("title: ok\nkey: value: other\n", 0, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 2, 11,
	                  "mapping values are not allowed in this context");
	parsed_clear(&result);

	result = parse_refused("list: [a, b\nnext: c\n", 5, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 7, 5,
	                  "did not find expected ',' or ']'");
	parsed_clear(&result);

	result = parse_refused("a: \"unterminated\n", 0, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 2, 1,
	                  "found unexpected end of stream");
	parsed_clear(&result);

	result = parse_refused("a: 1\n\tb: 2\n", 0, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 2, 1,
	                  "found a tab character that violates indentation");
	parsed_clear(&result);

	/* Diagnostics are optional: the status still says PARSE. */
	lantern_yaml_node sentinel;
	lantern_yaml_node *root = &sentinel;
	assert_int_equal(lantern_yaml_parse(&root, "a: [", 4, "x", 0, NULL), LANTERN_ERROR_PARSE);
	assert_null(root);
	root = &sentinel;
	assert_int_equal(lantern_yaml_parse(&root, "a: *x", 5, "x", 0, NULL), LANTERN_ERROR_PARSE);
	assert_null(root);
}

static void test_second_document_rejected(void **state)
{
	(void)state;
	parsed result = parse_refused("a: 1\n---\nb: 2\n", 0, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 2, 1,
	                  "only one YAML document is allowed");
	parsed_clear(&result);
}

static void test_non_scalar_key_rejected(void **state)
{
	(void)state;
	parsed result = parse_refused("ok: 1\n? [a, b]\n: value\n", 0, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 2, 3,
	                  "mapping keys must be plain words");
	parsed_clear(&result);
}

static void test_line_offset_applied(void **state)
{
	(void)state;
	parsed result = parse_text("a: 1\nb:\n  - x\n", 9);
	assert_int_equal(result.status, LANTERN_OK);
	expect_node(result.root, LANTERN_YAML_MAPPING, 10, 1);
	expect_scalar(result.root->children[0], "a", true, 10, 1);
	expect_scalar(result.root->children[1], "1", true, 10, 4);
	expect_scalar(result.root->children[2], "b", true, 11, 1);
	expect_node(result.root->children[3], LANTERN_YAML_SEQUENCE, 12, 3);
	expect_scalar(result.root->children[3]->children[0], "x", true, 12, 5);
	parsed_clear(&result);

	/* Errors move with it. */
	result = parse_refused("a: 1\nb: *x\n", 100, 1, 1);
	expect_diagnostic(&result.diagnostics, 0, LANTERN_SEVERITY_ERROR, "doc.yaml", 102, 4,
	                  "aliases");
	parsed_clear(&result);
}

static void test_scalars_keep_exact_bytes(void **state)
{
	(void)state;
	/* Escapes are decoded by libyaml; the length counts bytes, NUL included. */
	parsed result = parse_text("a: \"x\\0y\"\nb: \"caf\\u00e9\"\nc: '  padded  '\n", 0);
	assert_int_equal(result.status, LANTERN_OK);
	const lantern_yaml_node *a = lantern_yaml_get(result.root, "a");
	assert_int_equal(a->length, 3);
	assert_memory_equal(a->text, "x\0y", 4);
	expect_scalar(lantern_yaml_get(result.root, "b"), "caf\xC3\xA9", false, 2, 4);
	expect_scalar(lantern_yaml_get(result.root, "c"), "  padded  ", false, 3, 4);
	parsed_clear(&result);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_with_positions),
		cmocka_unit_test(test_is_null),
		cmocka_unit_test(test_empty_document_is_empty_mapping),
		cmocka_unit_test(test_scalar_and_sequence_roots),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_alias_rejected),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_billion_laughs_rejected),
		cmocka_unit_test(test_node_limit),
		cmocka_unit_test(test_syntax_errors_at_libyaml_mark),
		cmocka_unit_test(test_second_document_rejected),
		cmocka_unit_test(test_non_scalar_key_rejected),
		cmocka_unit_test(test_line_offset_applied),
		cmocka_unit_test(test_scalars_keep_exact_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
