/*
 * schema.c - the field table and the vocabularies of corpus/schema.yaml.
 *
 * schema.yaml is a mapping `vocabularies: {field: {value: label, ...}, ...}`.
 * Every vocabulary-kind field must have a vocabulary there; values are
 * lowercase words with hyphens (they become index terms and, for `access`,
 * partition directory names), and `all` is reserved.
 */
#include "lantern/schema.h"
#include "common/buffer.h"
#include "common/error.h"
#include "common/hash.h"
#include "corpus/yaml_tree.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* Order matches enum lantern_field. */
static const lantern_field_info field_table[LANTERN_FIELD_COUNT] = {
	{ "id", LANTERN_KIND_IDENTIFIER, false, false, false, false },
	{ "title", LANTERN_KIND_TEXT, false, true, false, false },
	{ "type", LANTERN_KIND_VOCABULARY, false, true, false, false },
	{ "summary", LANTERN_KIND_TEXT, false, false, false, false },
	{ "agency_type", LANTERN_KIND_VOCABULARY, true, false, true, false },
	{ "agency_size", LANTERN_KIND_VOCABULARY, true, false, true, false },
	{ "resource_level", LANTERN_KIND_VOCABULARY, true, false, true, false },
	{ "topics", LANTERN_KIND_VOCABULARY, true, false, false, false },
	{ "audience", LANTERN_KIND_VOCABULARY, true, false, false, false },
	{ "access", LANTERN_KIND_VOCABULARY, false, false, false, false },
	{ "publisher", LANTERN_KIND_TEXT, false, false, false, false },
	{ "published", LANTERN_KIND_DATE, false, false, false, false },
	{ "updated", LANTERN_KIND_DATE, false, false, false, false },
	{ "url", LANTERN_KIND_URL, false, false, false, false },
	{ "language", LANTERN_KIND_LANGUAGE, false, false, false, false },
	{ "delivery", LANTERN_KIND_VOCABULARY, false, false, false, false },
	{ "duration", LANTERN_KIND_TEXT, false, false, false, false },
	{ "cost", LANTERN_KIND_TEXT, false, false, false, false },
	{ "description", LANTERN_KIND_TEXT, false, false, false, true },
	{ "transcript", LANTERN_KIND_PATH, false, false, false, true },
};

const lantern_field_info *lantern_field_info_get(lantern_field field)
{
	if ((int)field < 0 || field >= LANTERN_FIELD_COUNT)
		return NULL;
	return &field_table[field];
}

int lantern_field_lookup(const char *name)
{
	for (int i = 0; i < LANTERN_FIELD_COUNT; i++)
		if (strcmp(field_table[i].name, name) == 0)
			return i;
	return -1;
}

struct lantern_schema {
	lantern_vocabulary vocabularies[LANTERN_FIELD_COUNT]; /* by field; count 0 = none */
	uint64_t hash;
};

unsigned lantern_edit_distance(const char *a, const char *b, unsigned cap)
{
	size_t n = strlen(a), m = strlen(b);
	if (n > 64 || m > 64)
		return strcmp(a, b) == 0 ? 0 : cap + 1;
	if ((n > m ? n - m : m - n) > cap)
		return cap + 1;
	unsigned rows[3][65];
	unsigned *two_back = rows[0], *previous = rows[1], *current = rows[2];
	for (size_t j = 0; j <= m; j++)
		previous[j] = (unsigned)j;
	for (size_t i = 1; i <= n; i++) {
		current[0] = (unsigned)i;
		unsigned row_min = current[0];
		for (size_t j = 1; j <= m; j++) {
			unsigned cost = a[i - 1] == b[j - 1] ? 0 : 1;
			unsigned best = previous[j] + 1;
			if (current[j - 1] + 1 < best) best = current[j - 1] + 1;
			if (previous[j - 1] + cost < best) best = previous[j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    two_back[j - 2] + 1 < best)
				best = two_back[j - 2] + 1;
			current[j] = best;
			if (best < row_min) row_min = best;
		}
		if (row_min > cap)
			return cap + 1;
		unsigned *spare = two_back;
		two_back = previous;
		previous = current;
		current = spare;
	}
	return previous[m] > cap ? cap + 1 : previous[m];
}

int lantern_vocabulary_find(const lantern_vocabulary *vocabulary, const char *value)
{
	if (!vocabulary)
		return -1;
	for (size_t i = 0; i < vocabulary->count; i++)
		if (strcmp(vocabulary->values[i], value) == 0)
			return (int)i;
	return -1;
}

const char *lantern_vocabulary_suggest(const lantern_vocabulary *vocabulary, const char *value)
{
	if (!vocabulary)
		return NULL;
	size_t length = strlen(value);
	unsigned cap = length <= 4 ? 1 : length <= 8 ? 2 : 3;
	const char *best = NULL;
	unsigned best_distance = cap + 1;
	for (size_t i = 0; i < vocabulary->count; i++) {
		unsigned distance = lantern_edit_distance(value, vocabulary->values[i], cap);
		if (distance < best_distance) {
			best = vocabulary->values[i];
			best_distance = distance;
		}
	}
	/* A prefix ("mid" for "mid-sized") is also a good guess. */
	if (!best && length >= 3)
		for (size_t i = 0; i < vocabulary->count; i++)
			if (strncmp(vocabulary->values[i], value, length) == 0)
				return vocabulary->values[i];
	return best;
}

const lantern_vocabulary *lantern_schema_vocabulary(const lantern_schema *schema,
                                                    lantern_field field)
{
	if (!schema || (int)field < 0 || field >= LANTERN_FIELD_COUNT ||
	    field_table[field].kind != LANTERN_KIND_VOCABULARY)
		return NULL;
	return &schema->vocabularies[field];
}

uint64_t lantern_schema_hash(const lantern_schema *schema)
{
	return schema ? schema->hash : 0;
}

static void vocabulary_clear(lantern_vocabulary *vocabulary)
{
	for (size_t i = 0; i < vocabulary->count; i++) {
		free(vocabulary->values[i]);
		free(vocabulary->labels[i]);
	}
	free(vocabulary->values);
	free(vocabulary->labels);
	free(vocabulary->name);
	memset(vocabulary, 0, sizeof(*vocabulary));
}

void lantern_schema_free(lantern_schema *schema)
{
	if (!schema)
		return;
	for (int i = 0; i < LANTERN_FIELD_COUNT; i++)
		vocabulary_clear(&schema->vocabularies[i]);
	free(schema);
}

static bool is_value_word(const char *text)
{
	if (!text[0] || strlen(text) > 64)
		return false;
	for (const char *p = text; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return text[0] != '-';
}

static lantern_status load_vocabulary(lantern_vocabulary *vocabulary, lantern_field field,
                                      const lantern_yaml_node *mapping, const char *path,
                                      lantern_diagnostics *diagnostics, size_t *errors)
{
	vocabulary->name = strdup(field_table[field].name);
	vocabulary->values = calloc(mapping->count / 2 + 1, sizeof(char *));
	vocabulary->labels = calloc(mapping->count / 2 + 1, sizeof(char *));
	if (!vocabulary->name || !vocabulary->values || !vocabulary->labels)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "schema");
	for (size_t i = 0; i + 1 < mapping->count; i += 2) {
		const lantern_yaml_node *key = mapping->children[i];
		const lantern_yaml_node *label = mapping->children[i + 1];
		if (!is_value_word(key->text) || strcmp(key->text, "all") == 0) {
			(*errors)++;
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, key->line,
			                        key->column,
			                        strcmp(key->text, "all") == 0
			                                ? "'all' is reserved (it means every value)"
			                                : "vocabulary value '%s' must be lowercase "
			                                  "letters, digits and hyphens",
			                        key->text);
			continue;
		}
		if (label->kind != LANTERN_YAML_SCALAR) {
			(*errors)++;
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, label->line,
			                        label->column, "the label of '%s' must be text",
			                        key->text);
			continue;
		}
		size_t at = vocabulary->count;
		vocabulary->values[at] = strdup(key->text);
		vocabulary->labels[at] = strdup(lantern_yaml_is_null(label) ? key->text : label->text);
		if (!vocabulary->values[at] || !vocabulary->labels[at])
			return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "schema");
		vocabulary->count++;
	}
	return LANTERN_OK;
}

lantern_status lantern_schema_parse(lantern_schema **out, const char *text, size_t length,
                                    const char *path, lantern_diagnostics *diagnostics)
{
	*out = NULL;
	lantern_diagnostics local = LANTERN_DIAGNOSTICS_INIT;
	if (!diagnostics)
		diagnostics = &local;
	lantern_yaml_node *root = NULL;
	lantern_status status = lantern_yaml_parse(&root, text, length, path, 0, diagnostics);
	if (status != LANTERN_OK) {
		lantern_diagnostics_clear(&local);
		return status;
	}
	lantern_schema *schema = calloc(1, sizeof(*schema));
	if (!schema) {
		lantern_yaml_free(root);
		lantern_diagnostics_clear(&local);
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "schema");
	}
	size_t errors = 0;
	const lantern_yaml_node *vocabularies = lantern_yaml_get(root, "vocabularies");
	if (!vocabularies || vocabularies->kind != LANTERN_YAML_MAPPING) {
		errors++;
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path,
		                        vocabularies ? vocabularies->line : 1,
		                        vocabularies ? vocabularies->column : 1,
		                        "expected a mapping 'vocabularies:' of field: {value: label}");
	}
	for (size_t i = 0; vocabularies && vocabularies->kind == LANTERN_YAML_MAPPING &&
	                   i + 1 < vocabularies->count && status == LANTERN_OK;
	     i += 2) {
		const lantern_yaml_node *name = vocabularies->children[i];
		const lantern_yaml_node *values = vocabularies->children[i + 1];
		int field = lantern_field_lookup(name->text);
		if (field < 0 || field_table[field].kind != LANTERN_KIND_VOCABULARY) {
			errors++;
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, name->line,
			                        name->column, "'%s' is not a controlled field", name->text);
			continue;
		}
		if (values->kind != LANTERN_YAML_MAPPING) {
			errors++;
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, values->line,
			                        values->column,
			                        "vocabulary '%s' must be a mapping of value: label",
			                        name->text);
			continue;
		}
		status = load_vocabulary(&schema->vocabularies[field], (lantern_field)field, values,
		                         path, diagnostics, &errors);
	}
	for (int field = 0; status == LANTERN_OK && field < LANTERN_FIELD_COUNT; field++) {
		if (field_table[field].kind == LANTERN_KIND_VOCABULARY &&
		    schema->vocabularies[field].count == 0) {
			errors++;
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, 1, 1,
			                        "no values for the controlled field '%s'",
			                        field_table[field].name);
		}
	}
	if (status == LANTERN_OK && lantern_vocabulary_find(&schema->vocabularies[LANTERN_FIELD_ACCESS],
	                                                    "public") < 0 && errors == 0) {
		errors++;
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, 1, 1,
		                        "the access vocabulary must contain 'public'");
	}
	lantern_yaml_free(root);
	lantern_diagnostics_clear(&local);
	if (status == LANTERN_OK && errors)
		status = lantern_error_set(LANTERN_ERROR_PARSE, "%s: invalid schema", path);
	if (status != LANTERN_OK) {
		lantern_schema_free(schema);
		return status;
	}
	schema->hash = lantern_hash64(text, length, 0x5c4e3a);
	*out = schema;
	return LANTERN_OK;
}

/* Schema files are small; anything larger than this is a mistake. */
#define SCHEMA_MAX_BYTES (1024 * 1024)

lantern_status lantern_schema_load(lantern_schema **out, const char *path,
                                   lantern_diagnostics *diagnostics)
{
	*out = NULL;
	char *text = NULL;
	size_t length = 0;
	lantern_status status = lantern_file_read(path, SCHEMA_MAX_BYTES, &text, &length);
	if (status != LANTERN_OK)
		return status;
	status = lantern_schema_parse(out, text, length, path, diagnostics);
	free(text);
	return status;
}

char *lantern_schema_to_json(const lantern_schema *schema)
{
	json_t *root = json_object();
	for (int field = 0; root && field < LANTERN_FIELD_COUNT; field++) {
		const lantern_vocabulary *vocabulary = &schema->vocabularies[field];
		if (!vocabulary->count)
			continue;
		json_t *values = json_object();
		for (size_t i = 0; values && i < vocabulary->count; i++)
			json_object_set_new(values, vocabulary->values[i], json_string(vocabulary->labels[i]));
		json_object_set_new(root, field_table[field].name, values);
	}
	char *text = root ? json_dumps(root, JSON_COMPACT) : NULL;
	json_decref(root);
	return text;
}
