/*
 * state.c - parsing and formatting the per-document indexing state.
 *
 * Format (tab-separated): id, source, access, content hash (hex), context
 * hash (hex), loaded_at_ns, where the id was written ("ORIGIN|LINE|COLUMN"
 * or "-" when derived from the path), file count, then path, size,
 * mtime_ns per file.
 */
#include "state.h"
#include "common/buffer.h"
#include "common/error.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Two seconds covers coarse-timestamp filesystems (FAT has 2 s). */
#define RACY_WINDOW_NS (2 * (int64_t)1000000000)

static void entry_free(state_entry *entry)
{
	if (!entry)
		return;
	free(entry->id);
	free(entry->source);
	free(entry->access);
	free(entry->id_origin);
	for (size_t i = 0; i < entry->file_count; i++)
		free(entry->files[i].path);
	free(entry);
}

static state_entry *entry_parse(const char *value, size_t length)
{
	char *copy = strndup(value, length);
	state_entry *entry = calloc(1, sizeof(*entry));
	char *fields[8 + 9];
	size_t field_count = 0;
	if (!copy || !entry)
		goto fail;
	char *cursor = copy;
	while (field_count < sizeof(fields) / sizeof(fields[0])) {
		fields[field_count++] = cursor;
		char *tab = strchr(cursor, '\t');
		if (!tab)
			break;
		*tab = '\0';
		cursor = tab + 1;
	}
	if (field_count < 8)
		goto fail;
	entry->id = strdup(fields[0]);
	entry->source = strdup(fields[1]);
	entry->access = strdup(fields[2]);
	entry->content_hash = strtoull(fields[3], NULL, 16);
	entry->context_hash = strtoull(fields[4], NULL, 16);
	entry->loaded_at_ns = strtoll(fields[5], NULL, 10);
	/* fields[6]: where the id was written, "ORIGIN|LINE|COLUMN" or "-". */
	if (strcmp(fields[6], "-") != 0) {
		char *first_bar = strchr(fields[6], '|');
		char *second_bar = first_bar ? strchr(first_bar + 1, '|') : NULL;
		if (second_bar) {
			entry->id_origin = strndup(fields[6], (size_t)(first_bar - fields[6]));
			entry->id_line = (unsigned)strtoul(first_bar + 1, NULL, 10);
			entry->id_column = (unsigned)strtoul(second_bar + 1, NULL, 10);
		}
	}
	size_t files = strtoul(fields[7], NULL, 10);
	if (!entry->id || !entry->source || !entry->access || files > 3 || field_count != 8 + 3 * files)
		goto fail;
	for (size_t i = 0; i < files; i++) {
		entry->files[i].path = strdup(fields[8 + 3 * i]);
		if (!entry->files[i].path)
			goto fail;
		entry->file_count = i + 1;
		entry->files[i].size = strtoull(fields[9 + 3 * i], NULL, 10);
		entry->files[i].mtime_ns = strtoll(fields[10 + 3 * i], NULL, 10);
	}
	free(copy);
	return entry;
fail:
	free(copy);
	entry_free(entry);
	return NULL;
}

typedef struct load_context {
	state_table *table;
	lantern_status status;
} load_context;

static int load_one(void *context, const char *value, size_t length)
{
	load_context *load = context;
	state_entry *entry = entry_parse(value, length);
	if (!entry)
		return 0; /* an unreadable state: the document will be re-indexed */
	state_table *table = load->table;
	state_entry *previous = string_map_get(&table->by_source, entry->source);
	if (previous) {
		/* Two partitions claim one source: a crash between a partition move's
		 * two commits cannot do this (the delete is committed first), but a
		 * hand-edited index could. Keep both so both are cleaned up. */
	}
	if (table->count % 256 == 0) {
		state_entry **grown = realloc(table->entries, (table->count + 256) * sizeof(*grown));
		if (!grown) {
			entry_free(entry);
			load->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "state");
			return 1;
		}
		table->entries = grown;
	}
	table->entries[table->count++] = entry;
	if (!previous && !string_map_put(&table->by_source, entry->source, entry)) {
		load->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "state");
		return 1;
	}
	return 0;
}

lantern_status state_table_load(state_table *table, lantern_database *db)
{
	load_context load = { table, LANTERN_OK };
	lantern_status status = lantern_database_each_value(db, 0, load_one, &load, NULL);
	return status != LANTERN_OK ? status : load.status;
}

const state_entry *state_table_find(const state_table *table, const char *source)
{
	return string_map_get(&table->by_source, source);
}

state_entry *state_table_find_mutable(state_table *table, const char *source)
{
	return string_map_get(&table->by_source, source);
}

void state_table_dispose(state_table *table)
{
	for (size_t i = 0; i < table->count; i++)
		entry_free(table->entries[i]);
	free(table->entries);
	string_map_dispose(&table->by_source);
	memset(table, 0, sizeof(*table));
}

char *state_format(const lantern_resource *resource, const char *source, uint64_t context_hash)
{
	lantern_buffer out = LANTERN_BUFFER_INIT(0);
	const lantern_field_value *id = &resource->metadata.fields[LANTERN_FIELD_ID];
	lantern_status status = lantern_buffer_printf(
		&out, "%s\t%s\t%s\t%016" PRIx64 "\t%016" PRIx64 "\t%" PRId64 "\t",
		lantern_metadata_get(&resource->metadata, LANTERN_FIELD_ID), source,
		lantern_metadata_get(&resource->metadata, LANTERN_FIELD_ACCESS), resource->content_hash,
		context_hash, resource->loaded_at_ns);
	if (status == LANTERN_OK && id->line && id->origin && id->origin[0] && !strpbrk(id->origin, "|\t"))
		status = lantern_buffer_printf(&out, "%s|%u|%u", id->origin, id->line, id->column);
	else if (status == LANTERN_OK)
		status = lantern_buffer_append_char(&out, '-');
	if (status == LANTERN_OK)
		status = lantern_buffer_printf(&out, "\t%zu", resource->input_count);
	for (size_t i = 0; status == LANTERN_OK && i < resource->input_count; i++)
		status = lantern_buffer_printf(&out, "\t%s\t%" PRIu64 "\t%" PRId64,
		                               resource->inputs[i].path, resource->inputs[i].size,
		                               resource->inputs[i].mtime_ns);
	char *text = NULL;
	if (status == LANTERN_OK)
		lantern_buffer_detach(&out, &text);
	lantern_buffer_dispose(&out);
	return text;
}

bool state_stats_equal(const state_entry *entry, const lantern_input_file *files, size_t count,
                       uint64_t context_hash)
{
	if (entry->context_hash != context_hash || entry->file_count != count)
		return false;
	for (size_t i = 0; i < count; i++)
		if (strcmp(entry->files[i].path, files[i].path) != 0 || entry->files[i].size != files[i].size ||
		    entry->files[i].mtime_ns != files[i].mtime_ns)
			return false;
	return true;
}

bool state_unchanged(const state_entry *entry, const lantern_input_file *files, size_t count,
                     uint64_t context_hash)
{
	if (entry->context_hash != context_hash || entry->file_count != count)
		return false;
	for (size_t i = 0; i < count; i++) {
		const lantern_input_file *old = &entry->files[i];
		if (strcmp(old->path, files[i].path) != 0 || old->size != files[i].size ||
		    old->mtime_ns != files[i].mtime_ns)
			return false;
		if (files[i].mtime_ns + RACY_WINDOW_NS >= entry->loaded_at_ns)
			return false;
	}
	return true;
}
