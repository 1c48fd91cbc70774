/*
 * synonyms.c - loading synonyms.yaml and storing it in a partition.
 */
#include "lantern/synonyms.h"
#include "common/buffer.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/utf8.h"
#include "corpus/yaml_tree.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define SYNONYMS_MAX_BYTES (1024 * 1024)
#define SYNONYM_MAX_LENGTH 200

/* Lowercases ASCII and folds runs of blanks into one space. */
static char *normalise(const char *text)
{
	char *out = malloc(strlen(text) + 1);
	if (!out)
		return NULL;
	size_t length = 0;
	for (const char *p = text; *p; p++) {
		if (isspace((unsigned char)*p)) {
			if (length && out[length - 1] != ' ')
				out[length++] = ' ';
		} else {
			out[length++] = (char)tolower((unsigned char)*p);
		}
	}
	while (length && out[length - 1] == ' ')
		length--;
	out[length] = '\0';
	return out;
}

static void group_clear(lantern_synonym_group *group)
{
	for (size_t i = 0; i < group->count; i++)
		free(group->entries[i]);
	free(group->entries);
}

void lantern_synonyms_clear(lantern_synonyms *synonyms)
{
	if (!synonyms)
		return;
	for (size_t i = 0; i < synonyms->count; i++)
		group_clear(&synonyms->groups[i]);
	free(synonyms->groups);
	memset(synonyms, 0, sizeof(*synonyms));
}

lantern_status lantern_synonyms_load(lantern_synonyms *out, const char *path,
                                     lantern_diagnostics *diagnostics)
{
	memset(out, 0, sizeof(*out));
	char *text = NULL;
	size_t length = 0;
	lantern_status status = lantern_file_read(path, SYNONYMS_MAX_BYTES, &text, &length);
	if (status == LANTERN_ERROR_NOT_FOUND)
		return LANTERN_OK;
	if (status != LANTERN_OK) {
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, 0, 0, "cannot read: %s",
		                        lantern_error_detail());
		return status;
	}
	size_t bad;
	if (!lantern_utf8_validate(text, length, &bad)) {
		unsigned line, column;
		lantern_text_position(text, bad, &line, &column);
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, line, column, "invalid UTF-8");
		free(text);
		return lantern_error_set(LANTERN_ERROR_PARSE, "%s: invalid UTF-8", path);
	}
	lantern_yaml_node *root = NULL;
	status = lantern_yaml_parse(&root, text, length, path, 0, diagnostics);
	out->hash = lantern_hash64(text, length, 0x5f0);
	free(text);
	if (status != LANTERN_OK)
		return status;
	const lantern_yaml_node *groups = lantern_yaml_get(root, "synonyms");
	bool failed = false;
	if (!groups || groups->kind != LANTERN_YAML_SEQUENCE) {
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, groups ? groups->line : 1,
		                        groups ? groups->column : 1,
		                        "expected 'synonyms:' with a list of groups, e.g. - [csec, commercial sexual exploitation of children]");
		failed = true;
	}
	/* `failed` only records that something was reported: every group is
	 * still checked, so the curator sees all the problems at once. */
	bool have_groups = !failed;
	if (have_groups) {
		out->groups = calloc(groups->count ? groups->count : 1, sizeof(*out->groups));
		if (!out->groups)
			status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "synonyms");
	}
	for (size_t g = 0; have_groups && status == LANTERN_OK && g < groups->count; g++) {
		const lantern_yaml_node *group = groups->children[g];
		if (group->kind != LANTERN_YAML_SEQUENCE || group->count < 2) {
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, group->line, group->column,
			                        "a synonym group is a list of at least two words or phrases");
			failed = true;
			continue;
		}
		lantern_synonym_group *target = &out->groups[out->count];
		target->entries = calloc(group->count, sizeof(char *));
		if (!target->entries) {
			status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "synonyms");
			break;
		}
		out->count++;
		for (size_t i = 0; i < group->count; i++) {
			const lantern_yaml_node *entry = group->children[i];
			if (entry->kind != LANTERN_YAML_SCALAR || lantern_yaml_is_null(entry) ||
			    entry->length > SYNONYM_MAX_LENGTH) {
				lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, entry->line,
				                        entry->column, "a synonym must be a word or phrase of at most %d bytes",
				                        SYNONYM_MAX_LENGTH);
				failed = true;
				continue;
			}
			char *normalised = normalise(entry->text);
			if (!normalised) {
				status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "synonyms");
				break;
			}
			if (!normalised[0]) { /* a quoted blank: '' or '   ' */
				free(normalised);
				lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, entry->line,
				                        entry->column, "a synonym must be a word or phrase, not blank");
				failed = true;
				continue;
			}
			target->entries[target->count++] = normalised;
		}
	}
	lantern_yaml_free(root);
	if (status == LANTERN_OK && failed)
		status = lantern_error_set(LANTERN_ERROR_PARSE, "%s: invalid synonyms", path);
	if (status != LANTERN_OK)
		lantern_synonyms_clear(out);
	return status;
}

lantern_status lantern_synonyms_store(const lantern_synonyms *synonyms, lantern_database *db)
{
	lantern_status status = lantern_database_clear_synonyms(db);
	for (size_t g = 0; status == LANTERN_OK && g < synonyms->count; g++) {
		const lantern_synonym_group *group = &synonyms->groups[g];
		for (size_t i = 0; status == LANTERN_OK && i < group->count; i++)
			for (size_t j = 0; status == LANTERN_OK && j < group->count; j++)
				if (i != j && strcmp(group->entries[i], group->entries[j]) != 0)
					status = lantern_database_add_synonym(db, group->entries[i], group->entries[j]);
	}
	return status;
}
