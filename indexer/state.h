/*
 * state.h - what the previous run indexed, read back from the index itself.
 *
 * Each document carries its own state (LANTERN_SLOT_STATE): id, source path,
 * partition, content hash, folder-context hash, when its files were stat'ed
 * and their sizes and mtimes. Keeping it inside the documents means it is
 * committed atomically with them: after a crash the state is exactly the last
 * committed one, and the next run redoes whatever was lost.
 */
#ifndef LANTERN_INDEXER_STATE_H
#define LANTERN_INDEXER_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include "lantern/corpus.h"
#include "lantern/engine.h"
#include "string_map.h"

typedef struct state_entry {
	char *id;
	char *source;
	char *access;
	char *id_origin;   /* where an explicit id was written, or NULL */
	unsigned id_line, id_column;
	uint64_t content_hash;
	uint64_t context_hash;
	int64_t loaded_at_ns;
	lantern_input_file files[3];
	size_t file_count;
	bool seen;       /* the crawl found its source this run (writer thread only) */
} state_entry;

typedef struct state_table {
	state_entry **entries;
	size_t count;
	string_map by_source;
} state_table;

/* Adds every document of `db` (a partition) to the table. */
lantern_status state_table_load(state_table *table, lantern_database *db);
const state_entry *state_table_find(const state_table *table, const char *source);
state_entry *state_table_find_mutable(state_table *table, const char *source);
void state_table_dispose(state_table *table);

/* The LANTERN_SLOT_STATE text for a freshly loaded resource. Caller frees. */
char *state_format(const lantern_resource *resource, const char *source, uint64_t context_hash);

/* True when the inputs look exactly as when `entry` was indexed and the
 * stat was not "racy" (a file modified within the filesystem's timestamp
 * granularity of being read might have changed again unseen). */
bool state_unchanged(const state_entry *entry, const lantern_input_file *files, size_t count,
                     uint64_t context_hash);
/* The same comparison without the racy-timestamp rule. */
bool state_stats_equal(const state_entry *entry, const lantern_input_file *files, size_t count,
                       uint64_t context_hash);

#endif
