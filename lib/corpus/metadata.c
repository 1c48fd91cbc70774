/*
 * metadata.c - front matter splitting and metadata validation.
 *
 * One function per rule, each reporting at the position of the value that
 * broke it. The rules are the curator guide's (docs/curator-guide.md).
 */
#include "lantern/metadata.h"
#include "lantern/engine.h"
#include "common/error.h"
#include "corpus/yaml_tree.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ front matter */

/* Length of the line starting at `p` up to (not including) its newline, and
 * whether the line, without trailing blanks and \r, equals `fence`. */
static bool line_is_fence(const char *p, const char *end, const char *fence, size_t *line_length)
{
	const char *newline = memchr(p, '\n', (size_t)(end - p));
	const char *stop = newline ? newline : end;
	*line_length = (size_t)(stop - p);
	const char *trimmed = stop;
	while (trimmed > p && (trimmed[-1] == ' ' || trimmed[-1] == '\t' || trimmed[-1] == '\r'))
		trimmed--;
	size_t fence_length = strlen(fence);
	return (size_t)(trimmed - p) == fence_length && memcmp(p, fence, fence_length) == 0;
}

lantern_status lantern_front_matter_split(const char *content, size_t length, const char *path,
                                          lantern_front_matter *out,
                                          lantern_diagnostics *diagnostics)
{
	memset(out, 0, sizeof(*out));
	const char *start = content, *end = content + length;
	if (length >= 3 && memcmp(start, "\xEF\xBB\xBF", 3) == 0)
		start += 3;
	size_t line_length;
	out->body_offset = (size_t)(start - content);
	out->body_line = 1;
	if (start == end || !line_is_fence(start, end, "---", &line_length))
		return LANTERN_OK;

	out->present = true;
	const char *yaml = start + line_length + (start + line_length < end ? 1 : 0);
	out->yaml_offset = (size_t)(yaml - content);
	out->yaml_line = 2;
	unsigned line = 2;
	for (const char *p = yaml; p < end; line++) {
		if (line_is_fence(p, end, "---", &line_length) || line_is_fence(p, end, "...", &line_length)) {
			out->yaml_length = (size_t)(p - yaml);
			if (out->yaml_length > LANTERN_FRONT_MATTER_MAX) {
				lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, 1, 1,
				                        "front matter is %zu bytes, over the %d-byte limit",
				                        out->yaml_length, LANTERN_FRONT_MATTER_MAX);
				return lantern_error_set(LANTERN_ERROR_PARSE, "%s: front matter too large", path);
			}
			const char *body = p + line_length + (p + line_length < end ? 1 : 0);
			out->body_offset = (size_t)(body - content);
			out->body_line = line + 1;
			return LANTERN_OK;
		}
		p += line_length + 1;
	}
	lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, 1, 1,
	                        "unterminated front matter: no closing '---' line");
	return lantern_error_set(LANTERN_ERROR_PARSE, "%s: unterminated front matter", path);
}

/* ------------------------------------------------------------------ values */

static const int days_in_month[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

bool lantern_date_parse(const char *text, char sortable[9])
{
	size_t length = strlen(text);
	if (length != 4 && length != 7 && length != 10)
		return false;
	for (size_t i = 0; i < length; i++) {
		bool dash = (i == 4 || i == 7);
		if (dash ? text[i] != '-' : !isdigit((unsigned char)text[i]))
			return false;
	}
	int year = atoi(text);
	int month = length >= 7 ? atoi(text + 5) : 0;
	int day = length == 10 ? atoi(text + 8) : 0;
	if (year < 1000)
		return false;
	if (length >= 7 && (month < 1 || month > 12))
		return false;
	if (length == 10) {
		bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
		int limit = days_in_month[month - 1] - (month == 2 && !leap ? 1 : 0);
		if (day < 1 || day > limit)
			return false;
	}
	memcpy(sortable, text, 4);
	sortable[4] = (char)('0' + month / 10);
	sortable[5] = (char)('0' + month % 10);
	sortable[6] = (char)('0' + day / 10);
	sortable[7] = (char)('0' + day % 10);
	sortable[8] = '\0';
	return true;
}

static bool valid_identifier(const char *text)
{
	size_t length = strlen(text);
	if (length == 0 || length > 200 || text[0] == '/' || text[0] == '.' || strstr(text, ".."))
		return false;
	for (const char *p = text; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_./", *p))
			return false;
	return true;
}

static bool valid_url(const char *text)
{
	if (strncmp(text, "https://", 8) != 0 && strncmp(text, "http://", 7) != 0)
		return false;
	if (strlen(text) > 2048)
		return false;
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == 0x7f)
			return false;
	return true;
}

static bool valid_relative_path(const char *text)
{
	if (!text[0] || text[0] == '/' || strlen(text) > 1024)
		return false;
	const char *p = text;
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t part = slash ? (size_t)(slash - p) : strlen(p);
		if (part == 2 && p[0] == '.' && p[1] == '.')
			return false;
		p += part + (slash ? 1 : 0);
	}
	return true;
}

/* Longest text accepted per text field; longer is an error, not a silent cut. */
static size_t text_limit(lantern_field field)
{
	switch (field) {
	case LANTERN_FIELD_TITLE: return 500;
	case LANTERN_FIELD_SUMMARY: return 4000;
	case LANTERN_FIELD_DESCRIPTION: return LANTERN_FRONT_MATTER_MAX;
	default: return 1000;
	}
}

static void lowercase(char *text)
{
	for (char *p = text; *p; p++)
		*p = (char)tolower((unsigned char)*p);
}

/* Trims blanks at both ends in place. */
static void trim(char *text)
{
	size_t length = strlen(text);
	while (length && isspace((unsigned char)text[length - 1]))
		text[--length] = '\0';
	size_t lead = strspn(text, " \t\r\n");
	if (lead)
		memmove(text, text + lead, length - lead + 1);
}

static void list_vocabulary(char *buffer, size_t size, const lantern_vocabulary *vocabulary,
                            bool allows_all)
{
	size_t used = 0;
	buffer[0] = '\0';
	for (size_t i = 0; i < vocabulary->count && used < size; i++)
		used += (size_t)snprintf(buffer + used, size - used, "%s%s", i ? ", " : "",
		                         vocabulary->values[i]);
	if (allows_all && used < size)
		snprintf(buffer + used, size - used, ", all");
}

/* Validates and normalises one scalar of `field` in place; reports and
 * returns false when it is bad. */
static bool check_value(lantern_field field, char *value, const lantern_yaml_node *node,
                        const char *path, const lantern_schema *schema,
                        lantern_diagnostics *diagnostics)
{
	const lantern_field_info *info = lantern_field_info_get(field);
	trim(value);
	switch (info->kind) {
	case LANTERN_KIND_VOCABULARY: {
		lowercase(value);
		const lantern_vocabulary *vocabulary = lantern_schema_vocabulary(schema, field);
		if ((info->allows_all && strcmp(value, "all") == 0) ||
		    lantern_vocabulary_find(vocabulary, value) >= 0)
			return true;
		const char *guess = lantern_vocabulary_suggest(vocabulary, value);
		if (guess) {
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, node->line,
			                        node->column, "'%s' is not a known %s; did you mean '%s'?",
			                        value, info->name, guess);
		} else {
			char known[1024];
			list_vocabulary(known, sizeof(known), vocabulary, info->allows_all);
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, node->line,
			                        node->column, "'%s' is not a known %s (expected one of: %s)",
			                        value, info->name, known);
		}
		return false;
	}
	case LANTERN_KIND_DATE: {
		char sortable[9];
		if (lantern_date_parse(value, sortable))
			return true;
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, node->line,
		                        node->column,
		                        "bad date '%s' for %s: expected YYYY-MM-DD, YYYY-MM or YYYY",
		                        value, info->name);
		return false;
	}
	case LANTERN_KIND_IDENTIFIER:
		if (valid_identifier(value))
			return true;
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, node->line,
		                        node->column,
		                        "bad id '%s': use letters, digits and - _ . / (no '..')", value);
		return false;
	case LANTERN_KIND_URL:
		if (valid_url(value))
			return true;
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, node->line,
		                        node->column, "bad url '%s': expected http:// or https://",
		                        value);
		return false;
	case LANTERN_KIND_LANGUAGE:
		lowercase(value);
		if (lantern_stemmer_language_supported(value))
			return true;
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, node->line,
		                        node->column,
		                        "unknown language '%s' (use an ISO 639 code such as en, es, fr)",
		                        value);
		return false;
	case LANTERN_KIND_PATH:
		if (valid_relative_path(value))
			return true;
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, node->line,
		                        node->column,
		                        "bad file name '%s': give a path relative to this file", value);
		return false;
	case LANTERN_KIND_TEXT:
		if (strlen(value) <= text_limit(field))
			return true;
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, node->line,
		                        node->column, "%s is %zu bytes, over the %zu-byte limit",
		                        info->name, strlen(value), text_limit(field));
		return false;
	}
	return false;
}

static void field_value_clear(lantern_field_value *value)
{
	for (size_t i = 0; i < value->count; i++)
		free(value->values[i]);
	free(value->values);
	free(value->origin);
	memset(value, 0, sizeof(*value));
}

static const char *kind_name(const lantern_yaml_node *node)
{
	return node->kind == LANTERN_YAML_MAPPING ? "a mapping"
	     : node->kind == LANTERN_YAML_SEQUENCE ? "a list" : "a single value";
}

/* Reads the value node of one known field. Returns LANTERN_ERROR_PARSE when
 * it reported a problem; the field is then left unset. */
static lantern_status read_field(lantern_field_value *target, lantern_field field,
                                 const lantern_yaml_node *node, const char *path,
                                 const lantern_schema *schema, lantern_diagnostics *diagnostics)
{
	const lantern_field_info *info = lantern_field_info_get(field);
	if (lantern_yaml_is_null(node))
		return LANTERN_OK;
	bool is_list = node->kind == LANTERN_YAML_SEQUENCE;
	if (node->kind == LANTERN_YAML_MAPPING || (is_list && !info->multiple)) {
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, node->line,
		                        node->column, "'%s' takes %s, not %s", info->name,
		                        info->multiple ? "a value or a list of values" : "a single value",
		                        kind_name(node));
		return LANTERN_ERROR_PARSE;
	}
	size_t count = is_list ? node->count : 1;
	char **values = calloc(count ? count : 1, sizeof(char *));
	if (!values)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "metadata");
	size_t kept = 0;
	bool bad = false;
	for (size_t i = 0; i < count; i++) {
		const lantern_yaml_node *item = is_list ? node->children[i] : node;
		if (item->kind != LANTERN_YAML_SCALAR) {
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, item->line,
			                        item->column, "the items of '%s' must be single values, not %s",
			                        info->name, kind_name(item));
			bad = true;
			continue;
		}
		if (lantern_yaml_is_null(item))
			continue;
		char *value = strdup(item->text);
		if (!value) {
			bad = true;
			break;
		}
		if (!check_value(field, value, item, path, schema, diagnostics)) {
			free(value);
			bad = true;
			continue;
		}
		if (value[0] == '\0') {
			free(value);
			continue;
		}
		bool repeated = false;
		for (size_t k = 0; k < kept; k++)
			repeated = repeated || strcmp(values[k], value) == 0;
		if (repeated) {
			free(value);
			continue;
		}
		values[kept++] = value;
	}
	if (bad || kept == 0) {
		for (size_t i = 0; i < kept; i++)
			free(values[i]);
		free(values);
		return bad ? LANTERN_ERROR_PARSE : LANTERN_OK;
	}
	field_value_clear(target);
	target->values = values;
	target->count = kept;
	target->origin = strdup(path ? path : "");
	target->line = node->line;
	target->column = node->column;
	if (!target->origin) {
		field_value_clear(target);
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "metadata");
	}
	return LANTERN_OK;
}

static const char *closest_field_name(const char *name)
{
	const char *best = NULL;
	unsigned best_distance = 3;
	for (int i = 0; i < LANTERN_FIELD_COUNT; i++) {
		const char *candidate = lantern_field_info_get((lantern_field)i)->name;
		unsigned distance = lantern_edit_distance(name, candidate, 2);
		if (distance < best_distance) {
			best = candidate;
			best_distance = distance;
		}
	}
	/* Singular/plural slips: "topic" for "topics", "audiences" for "audience". */
	if (!best && strcmp(name, "topic") == 0)
		best = "topics";
	return best;
}

lantern_status lantern_metadata_parse(lantern_metadata *out, const char *yaml, size_t length,
                                      const char *path, unsigned line_offset,
                                      const lantern_schema *schema, unsigned flags,
                                      lantern_diagnostics *diagnostics)
{
	lantern_yaml_node *root = NULL;
	lantern_status status = lantern_yaml_parse(&root, yaml, length, path, line_offset, diagnostics);
	if (status != LANTERN_OK)
		return status;
	bool failed = false;
	if (root->kind != LANTERN_YAML_MAPPING) {
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, root->line,
		                        root->column, "metadata must be a mapping of field: value");
		lantern_yaml_free(root);
		return lantern_error_set(LANTERN_ERROR_PARSE, "%s: metadata is not a mapping", path);
	}
	for (size_t i = 0; i + 1 < root->count; i += 2) {
		const lantern_yaml_node *key = root->children[i];
		const lantern_yaml_node *value = root->children[i + 1];
		int field = lantern_field_lookup(key->text);
		if (field < 0) {
			const char *guess = closest_field_name(key->text);
			if (guess)
				lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_WARNING, path, key->line,
				                        key->column, "unknown field '%s' (ignored); did you mean '%s'?",
				                        key->text, guess);
			else
				lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_WARNING, path, key->line,
				                        key->column, "unknown field '%s' (ignored)", key->text);
			continue;
		}
		const lantern_field_info *info = lantern_field_info_get((lantern_field)field);
		if (info->record_only && !(flags & (LANTERN_METADATA_RECORD | LANTERN_METADATA_DEFAULTS))) {
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_WARNING, path, key->line,
			                        key->column,
			                        "'%s' is only used in YAML records (ignored here)", key->text);
			continue;
		}
		if ((flags & LANTERN_METADATA_DEFAULTS) && field == LANTERN_FIELD_ID) {
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, key->line,
			                        key->column, "'id' cannot be a folder default (ids are unique)");
			failed = true;
			continue;
		}
		status = read_field(&out->fields[field], (lantern_field)field, value, path, schema,
		                    diagnostics);
		if (status == LANTERN_ERROR_PARSE) {
			failed = true;
			status = LANTERN_OK;
		} else if (status != LANTERN_OK) {
			break;
		}
	}
	lantern_yaml_free(root);
	if (status == LANTERN_OK && failed)
		status = lantern_error_set(LANTERN_ERROR_PARSE, "%s: invalid metadata", path);
	return status;
}

static lantern_status field_value_copy(lantern_field_value *to, const lantern_field_value *from)
{
	to->values = calloc(from->count, sizeof(char *));
	to->origin = strdup(from->origin ? from->origin : "");
	if (!to->values || !to->origin)
		goto fail;
	for (size_t i = 0; i < from->count; i++) {
		to->values[i] = strdup(from->values[i]);
		if (!to->values[i])
			goto fail;
		to->count = i + 1;
	}
	to->line = from->line;
	to->column = from->column;
	return LANTERN_OK;
fail:
	field_value_clear(to);
	return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "metadata");
}

lantern_status lantern_metadata_inherit(lantern_metadata *into, const lantern_metadata *defaults)
{
	for (int field = 0; field < LANTERN_FIELD_COUNT; field++) {
		if (into->fields[field].count || !defaults->fields[field].count)
			continue;
		lantern_status status = field_value_copy(&into->fields[field], &defaults->fields[field]);
		if (status != LANTERN_OK)
			return status;
	}
	return LANTERN_OK;
}

size_t lantern_metadata_check_required(const lantern_metadata *metadata, const char *path,
                                       lantern_diagnostics *diagnostics)
{
	size_t missing = 0;
	for (int field = 0; field < LANTERN_FIELD_COUNT; field++) {
		const lantern_field_info *info = lantern_field_info_get((lantern_field)field);
		if (info->required && metadata->fields[field].count == 0) {
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, 1, 1,
			                        "missing required field '%s'", info->name);
			missing++;
		}
	}
	return missing;
}

lantern_status lantern_metadata_set(lantern_metadata *metadata, lantern_field field,
                                    const char *value, const char *origin)
{
	lantern_field_value replacement = { NULL, 0, NULL, 0, 0 };
	replacement.values = calloc(1, sizeof(char *));
	replacement.origin = strdup(origin ? origin : "");
	if (replacement.values)
		replacement.values[0] = strdup(value);
	if (!replacement.values || !replacement.origin || !replacement.values[0]) {
		if (replacement.values)
			free(replacement.values[0]);
		free(replacement.values);
		free(replacement.origin);
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "metadata");
	}
	replacement.count = 1;
	field_value_clear(&metadata->fields[field]);
	metadata->fields[field] = replacement;
	return LANTERN_OK;
}

const char *lantern_metadata_get(const lantern_metadata *metadata, lantern_field field)
{
	const lantern_field_value *value = &metadata->fields[field];
	return value->count ? value->values[0] : NULL;
}

lantern_status lantern_metadata_expand(const lantern_metadata *metadata, lantern_field field,
                                       const lantern_schema *schema, const char ***out,
                                       size_t *count)
{
	*out = NULL;
	*count = 0;
	const lantern_field_value *value = &metadata->fields[field];
	const lantern_field_info *info = lantern_field_info_get(field);
	bool has_all = false;
	for (size_t i = 0; info->allows_all && i < value->count; i++)
		has_all = has_all || strcmp(value->values[i], "all") == 0;
	const lantern_vocabulary *vocabulary = lantern_schema_vocabulary(schema, field);
	size_t total = has_all && vocabulary ? vocabulary->count : value->count;
	if (total == 0)
		return LANTERN_OK;
	const char **values = calloc(total, sizeof(char *));
	if (!values)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "metadata");
	for (size_t i = 0; i < total; i++)
		values[i] = has_all && vocabulary ? vocabulary->values[i] : value->values[i];
	*out = values;
	*count = total;
	return LANTERN_OK;
}

void lantern_metadata_clear(lantern_metadata *metadata)
{
	if (!metadata)
		return;
	for (int field = 0; field < LANTERN_FIELD_COUNT; field++)
		field_value_clear(&metadata->fields[field]);
}
