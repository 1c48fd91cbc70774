/*
 * lantern/metadata.h - a resource's metadata: front matter, sidecars, YAML
 * records and folder defaults, validated against the schema.
 *
 * Validation reports every problem with file:line:col and carries on, so a
 * curator sees all of them at once; a resource with any error is not indexed.
 */
#ifndef LANTERN_METADATA_H
#define LANTERN_METADATA_H

#include <stdbool.h>
#include <stddef.h>
#include "lantern/diagnostics.h"
#include "lantern/schema.h"
#include "lantern/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Front matter larger than this is refused: metadata, not content. */
#define LANTERN_FRONT_MATTER_MAX (64 * 1024)

typedef struct lantern_field_value {
	char **values;   /* count strings; normalised (vocabulary values lowercased) */
	size_t count;    /* 0: the field is not set */
	char *origin;    /* the file the value was written in */
	unsigned line;   /* where, 1-based; 0 when derived (from a path, a heading) */
	unsigned column;
} lantern_field_value;

typedef struct lantern_metadata {
	lantern_field_value fields[LANTERN_FIELD_COUNT];
} lantern_metadata;

#define LANTERN_METADATA_INIT { { { NULL, 0, NULL, 0, 0 } } }

typedef struct lantern_front_matter {
	bool present;            /* the file starts with a `---` line */
	size_t yaml_offset;      /* the YAML text between the fences */
	size_t yaml_length;
	unsigned yaml_line;      /* file line of the first YAML line */
	size_t body_offset;      /* first byte after the closing fence */
	unsigned body_line;      /* file line where the body starts */
} lantern_front_matter;

/* Finds the YAML front matter of a Markdown/text file. A file that does not
 * start with `---` has none (present = false, body = everything). An
 * unterminated or oversized block is a LANTERN_ERROR_PARSE with a diagnostic. */
lantern_status lantern_front_matter_split(const char *content, size_t length, const char *path,
                                          lantern_front_matter *out,
                                          lantern_diagnostics *diagnostics);

enum {
	LANTERN_METADATA_RECORD = 1 << 0,   /* a pure YAML record: description/transcript allowed */
	LANTERN_METADATA_DEFAULTS = 1 << 1  /* a _defaults.yaml: no per-resource fields (id) */
};

/* Parses and validates YAML metadata. Fields with errors are left unset; the
 * status is LANTERN_ERROR_PARSE when any error was reported, and `out` still
 * holds every valid field (so later checks can go on). `line_offset` is added
 * to YAML line numbers. */
lantern_status lantern_metadata_parse(lantern_metadata *out, const char *yaml, size_t length,
                                      const char *path, unsigned line_offset,
                                      const lantern_schema *schema, unsigned flags,
                                      lantern_diagnostics *diagnostics);

/* Fills every field unset in `into` from `defaults` (a file's own value wins). */
lantern_status lantern_metadata_inherit(lantern_metadata *into, const lantern_metadata *defaults);

/* Reports each missing required field as an error at path:1:1; returns the
 * number reported. */
size_t lantern_metadata_check_required(const lantern_metadata *metadata, const char *path,
                                       lantern_diagnostics *diagnostics);

/* Sets a field to one value (derived ones: id from the path, title from a
 * heading), replacing what was there. */
lantern_status lantern_metadata_set(lantern_metadata *metadata, lantern_field field,
                                    const char *value, const char *origin);

/* The first value of a field, or NULL when unset. Borrowed. */
const char *lantern_metadata_get(const lantern_metadata *metadata, lantern_field field);

/* The values of a field with `all` expanded to the whole vocabulary
 * (borrowed pointers into metadata or schema; *out is malloc'd, caller frees
 * the array only). */
lantern_status lantern_metadata_expand(const lantern_metadata *metadata, lantern_field field,
                                       const lantern_schema *schema, const char ***out,
                                       size_t *count);

void lantern_metadata_clear(lantern_metadata *metadata);

/* Parses a date field value into "YYYYMMDD" with zeros for missing parts
 * (so "2019" sorts before every day of 2019). False when malformed. */
bool lantern_date_parse(const char *text, char sortable[9]);

#ifdef __cplusplus
}
#endif
#endif
