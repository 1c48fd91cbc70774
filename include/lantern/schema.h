/*
 * lantern/schema.h - the fields a resource has and the vocabularies they use.
 *
 * The set of fields is fixed here (each maps to index prefixes and value
 * slots, see lantern/index_schema.h); the allowed values of the controlled
 * fields are data, loaded from corpus/schema.yaml, so curators extend them
 * without recompiling.
 */
#ifndef LANTERN_SCHEMA_H
#define LANTERN_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lantern/diagnostics.h"
#include "lantern/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lantern_field {
	LANTERN_FIELD_ID = 0,
	LANTERN_FIELD_TITLE,
	LANTERN_FIELD_TYPE,
	LANTERN_FIELD_SUMMARY,
	LANTERN_FIELD_AGENCY_TYPE,
	LANTERN_FIELD_AGENCY_SIZE,
	LANTERN_FIELD_RESOURCE_LEVEL,
	LANTERN_FIELD_TOPICS,
	LANTERN_FIELD_AUDIENCE,
	LANTERN_FIELD_ACCESS,
	LANTERN_FIELD_PUBLISHER,
	LANTERN_FIELD_PUBLISHED,
	LANTERN_FIELD_UPDATED,
	LANTERN_FIELD_URL,
	LANTERN_FIELD_LANGUAGE,
	LANTERN_FIELD_DELIVERY,
	LANTERN_FIELD_DURATION,
	LANTERN_FIELD_COST,
	LANTERN_FIELD_DESCRIPTION, /* YAML records: the body text */
	LANTERN_FIELD_TRANSCRIPT,  /* YAML records: a transcript file beside the record */
	LANTERN_FIELD_COUNT
} lantern_field;

typedef enum lantern_field_kind {
	LANTERN_KIND_TEXT,       /* free text */
	LANTERN_KIND_VOCABULARY, /* one of the schema's values */
	LANTERN_KIND_DATE,       /* YYYY, YYYY-MM or YYYY-MM-DD */
	LANTERN_KIND_IDENTIFIER, /* letters, digits and - _ . / */
	LANTERN_KIND_URL,        /* http:// or https:// */
	LANTERN_KIND_LANGUAGE,   /* a language libstemmer knows */
	LANTERN_KIND_PATH        /* a file name relative to the resource */
} lantern_field_kind;

typedef struct lantern_field_info {
	const char *name;        /* as written in front matter */
	lantern_field_kind kind;
	bool multiple;           /* takes a list (or a single value) */
	bool required;
	bool allows_all;         /* `all` stands for every vocabulary value */
	bool record_only;        /* only meaningful in a pure YAML record */
} lantern_field_info;

/* Never NULL for a valid field. */
const lantern_field_info *lantern_field_info_get(lantern_field field);
/* The field called `name`, or -1. */
int lantern_field_lookup(const char *name);

typedef struct lantern_vocabulary {
	char *name;      /* the field it belongs to */
	char **values;   /* in schema order */
	char **labels;   /* display labels, parallel to values */
	size_t count;
} lantern_vocabulary;

typedef struct lantern_schema lantern_schema;

/* Loads and validates a schema file. Problems are added to `diagnostics`
 * with their file:line:col; the status is LANTERN_ERROR_PARSE when any is an
 * error. `diagnostics` may be NULL. */
lantern_status lantern_schema_load(lantern_schema **out, const char *path,
                                   lantern_diagnostics *diagnostics);
lantern_status lantern_schema_parse(lantern_schema **out, const char *text, size_t length,
                                    const char *path, lantern_diagnostics *diagnostics);
void lantern_schema_free(lantern_schema *schema);

/* The vocabulary of a vocabulary-kind field, or NULL. Borrowed. */
const lantern_vocabulary *lantern_schema_vocabulary(const lantern_schema *schema,
                                                    lantern_field field);
/* A hash of the schema's content: it changes whenever a value is added,
 * removed or relabelled. */
uint64_t lantern_schema_hash(const lantern_schema *schema);

/* The vocabularies as compact JSON {"field": {"value": "label", ...}, ...},
 * stored in the index so readers know every value and its label. Caller
 * frees; NULL when out of memory. */
char *lantern_schema_to_json(const lantern_schema *schema);

/* Index of `value` in the vocabulary (exact match), or -1. */
int lantern_vocabulary_find(const lantern_vocabulary *vocabulary, const char *value);
/* The closest value to a misspelt one (for "did you mean"), or NULL when
 * nothing is close. Borrowed. */
const char *lantern_vocabulary_suggest(const lantern_vocabulary *vocabulary, const char *value);

/* Restricted Damerau-Levenshtein distance, capped: returns cap + 1 once the
 * distance is known to exceed `cap`. */
unsigned lantern_edit_distance(const char *a, const char *b, unsigned cap);

#ifdef __cplusplus
}
#endif
#endif
