/*
 * yaml_tree.c - libyaml events to a bounded tree with positions.
 *
 * libyaml returns 1 on success and 0 on failure; that convention is converted
 * here, once, into lantern_status and diagnostics.
 */
#include "corpus/yaml_tree.h"
#include "common/error.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct tree_builder {
	const char *path;
	unsigned line_offset;
	lantern_diagnostics *diagnostics;
	size_t node_count;
	bool failed;
	lantern_status status; /* first non-parse failure (memory) */
} tree_builder;

static void report(tree_builder *builder, yaml_mark_t mark, const char *message, const char *what)
{
	builder->failed = true;
	if (builder->diagnostics)
		lantern_diagnostics_add(builder->diagnostics, LANTERN_SEVERITY_ERROR, builder->path,
		                        (unsigned)mark.line + 1 + builder->line_offset,
		                        (unsigned)mark.column + 1, "%s%s%s", message,
		                        what ? ": " : "", what ? what : "");
}

static lantern_yaml_node *node_new(tree_builder *builder, lantern_yaml_kind kind, yaml_mark_t mark)
{
	if (++builder->node_count > LANTERN_YAML_MAX_NODES) {
		report(builder, mark, "YAML document has too many nodes", NULL);
		return NULL;
	}
	lantern_yaml_node *node = calloc(1, sizeof(*node));
	if (!node) {
		builder->status = LANTERN_ERROR_NO_MEMORY;
		builder->failed = true;
		return NULL;
	}
	node->kind = kind;
	node->line = (unsigned)mark.line + 1 + builder->line_offset;
	node->column = (unsigned)mark.column + 1;
	return node;
}

static bool node_append(tree_builder *builder, lantern_yaml_node *parent, lantern_yaml_node *child)
{
	if (parent->count % 8 == 0) {
		lantern_yaml_node **grown =
			realloc(parent->children, (parent->count + 8) * sizeof(*grown));
		if (!grown) {
			builder->status = LANTERN_ERROR_NO_MEMORY;
			builder->failed = true;
			return false;
		}
		parent->children = grown;
	}
	parent->children[parent->count++] = child;
	return true;
}

void lantern_yaml_free(lantern_yaml_node *node)
{
	if (!node)
		return;
	for (size_t i = 0; i < node->count; i++)
		lantern_yaml_free(node->children[i]);
	free(node->children);
	free(node->text);
	free(node);
}

static bool scalar_equal(const lantern_yaml_node *a, const lantern_yaml_node *b)
{
	return a->kind == LANTERN_YAML_SCALAR && b->kind == LANTERN_YAML_SCALAR &&
	       a->length == b->length && memcmp(a->text, b->text, a->length) == 0;
}

/* Called when a mapping gains a key: reports it if an earlier key is equal. */
static void check_duplicate_key(tree_builder *builder, const lantern_yaml_node *mapping,
                                const lantern_yaml_node *key)
{
	for (size_t i = 0; i + 1 < mapping->count; i += 2) {
		if (scalar_equal(mapping->children[i], key)) {
			builder->failed = true;
			if (builder->diagnostics) {
				lantern_diagnostics_add(builder->diagnostics, LANTERN_SEVERITY_ERROR,
				                        builder->path, key->line, key->column,
				                        "duplicate key '%s'", key->text);
				lantern_diagnostics_add(builder->diagnostics, LANTERN_SEVERITY_NOTE,
				                        builder->path, mapping->children[i]->line,
				                        mapping->children[i]->column,
				                        "'%s' first given here", key->text);
			}
			return;
		}
	}
}

lantern_status lantern_yaml_parse(lantern_yaml_node **out, const char *text, size_t length,
                                  const char *path, unsigned line_offset,
                                  lantern_diagnostics *diagnostics)
{
	*out = NULL;
	tree_builder builder = { path, line_offset, diagnostics, 0, false, LANTERN_OK };
	yaml_parser_t parser;
	if (!yaml_parser_initialize(&parser))
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "YAML parser");
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, length);

	lantern_yaml_node *stack[LANTERN_YAML_MAX_DEPTH + 1];
	size_t depth = 0;
	lantern_yaml_node *root = NULL;
	bool done = false, seen_document = false;

	while (!done && !builder.failed) {
		yaml_event_t event;
		if (!yaml_parser_parse(&parser, &event)) {
			yaml_mark_t mark = parser.problem_mark;
			report(&builder, mark, parser.problem ? parser.problem : "invalid YAML",
			       parser.context);
			break;
		}
		lantern_yaml_node *node = NULL;
		switch (event.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (seen_document)
				report(&builder, event.start_mark,
				       "only one YAML document is allowed here", NULL);
			seen_document = true;
			break;
		case YAML_ALIAS_EVENT:
			report(&builder, event.start_mark,
			       "YAML aliases (*name) are not allowed; write the value out", NULL);
			break;
		case YAML_SCALAR_EVENT:
			node = node_new(&builder, LANTERN_YAML_SCALAR, event.start_mark);
			if (node) {
				node->text = malloc(event.data.scalar.length + 1);
				if (!node->text) {
					builder.status = LANTERN_ERROR_NO_MEMORY;
					builder.failed = true;
				} else {
					memcpy(node->text, event.data.scalar.value, event.data.scalar.length);
					node->text[event.data.scalar.length] = '\0';
					node->length = event.data.scalar.length;
					node->plain = event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
				}
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth == LANTERN_YAML_MAX_DEPTH) {
				report(&builder, event.start_mark, "YAML nested too deeply", NULL);
				break;
			}
			node = node_new(&builder, event.type == YAML_SEQUENCE_START_EVENT
			                                  ? LANTERN_YAML_SEQUENCE : LANTERN_YAML_MAPPING,
			                event.start_mark);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
		if (node) {
			if (depth == 0 && root == NULL) {
				root = node;
			} else if (depth == 0) {
				lantern_yaml_free(node);
				node = NULL;
			} else {
				lantern_yaml_node *parent = stack[depth - 1];
				if (!node_append(&builder, parent, node)) {
					lantern_yaml_free(node);
					node = NULL;
				} else if (parent->kind == LANTERN_YAML_MAPPING && parent->count % 2 == 1) {
					if (node->kind != LANTERN_YAML_SCALAR)
						report(&builder, event.start_mark,
						       "mapping keys must be plain words", NULL);
					else
						check_duplicate_key(&builder, parent, node);
				}
			}
			if (node && node->kind != LANTERN_YAML_SCALAR)
				stack[depth++] = node;
		}
		yaml_event_delete(&event);
	}
	yaml_parser_delete(&parser);

	if (builder.status != LANTERN_OK) {
		lantern_yaml_free(root);
		return lantern_error_set(builder.status, "out of memory parsing YAML");
	}
	if (builder.failed) {
		lantern_yaml_free(root);
		return lantern_error_set(LANTERN_ERROR_PARSE, "%s: invalid YAML", path ? path : "");
	}
	if (!root || lantern_yaml_is_null(root)) {
		yaml_mark_t start = { 0, 0, 0 };
		lantern_yaml_free(root);
		root = node_new(&builder, LANTERN_YAML_MAPPING, start);
		if (!root)
			return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "YAML");
	}
	*out = root;
	return LANTERN_OK;
}

const lantern_yaml_node *lantern_yaml_get(const lantern_yaml_node *mapping, const char *key)
{
	if (!mapping || mapping->kind != LANTERN_YAML_MAPPING)
		return NULL;
	for (size_t i = 0; i + 1 < mapping->count; i += 2)
		if (mapping->children[i]->kind == LANTERN_YAML_SCALAR &&
		    strcmp(mapping->children[i]->text, key) == 0)
			return mapping->children[i + 1];
	return NULL;
}

bool lantern_yaml_is_null(const lantern_yaml_node *node)
{
	if (!node || node->kind != LANTERN_YAML_SCALAR || !node->plain)
		return false;
	return node->length == 0 || strcmp(node->text, "~") == 0 || strcmp(node->text, "null") == 0 ||
	       strcmp(node->text, "Null") == 0 || strcmp(node->text, "NULL") == 0;
}
