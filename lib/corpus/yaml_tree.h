/*
 * yaml_tree.h - a small, bounded YAML tree with source positions (internal).
 *
 * libyaml's event parser feeds a tree of scalars, sequences and mappings in
 * which every node remembers its line and column. Unlike yaml_parser_load()
 * it refuses aliases (a curator never needs them, and expanding them is how
 * "billion laughs" documents exhaust memory), reports duplicate mapping keys,
 * and caps depth and node count. Every problem becomes a file:line:col
 * diagnostic.
 */
#ifndef LANTERN_CORPUS_YAML_TREE_H
#define LANTERN_CORPUS_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include "lantern/diagnostics.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lantern_yaml_kind {
	LANTERN_YAML_SCALAR,
	LANTERN_YAML_SEQUENCE,
	LANTERN_YAML_MAPPING
} lantern_yaml_kind;

typedef struct lantern_yaml_node {
	lantern_yaml_kind kind;
	unsigned line, column;  /* 1-based, in the file (line_offset applied) */
	char *text;             /* scalars: the value, NUL-terminated */
	size_t length;          /* scalars: bytes in text */
	bool plain;             /* scalars: unquoted (so `~`/`null` mean nothing) */
	struct lantern_yaml_node **children; /* sequences: items; mappings: key, value, key, value... */
	size_t count;
} lantern_yaml_node;

#define LANTERN_YAML_MAX_DEPTH 32
#define LANTERN_YAML_MAX_NODES 20000

/* Parses one YAML document. `line_offset` is added to every line (front
 * matter starts below the opening `---`). An empty document gives an empty
 * mapping. On LANTERN_ERROR_PARSE the problems are in `diagnostics`. */
lantern_status lantern_yaml_parse(lantern_yaml_node **out, const char *text, size_t length,
                                  const char *path, unsigned line_offset,
                                  lantern_diagnostics *diagnostics);
void lantern_yaml_free(lantern_yaml_node *node);

/* The value under `key` in a mapping node, or NULL. */
const lantern_yaml_node *lantern_yaml_get(const lantern_yaml_node *mapping, const char *key);
/* True for a plain empty, `~` or `null` scalar. */
bool lantern_yaml_is_null(const lantern_yaml_node *node);

#ifdef __cplusplus
}
#endif
#endif
