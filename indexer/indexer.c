/*
 * indexer.c - one run of lantern-index.
 *
 * Shape of a run:
 *   1. crawl the corpus (main thread) into a sorted list of sources;
 *   2. open the partitions (one Xapian database per access label) and read
 *      back what the previous run indexed (state.h);
 *   3. worker threads stat, read, validate, extract and build documents, in
 *      any order, at most WINDOW ahead of the writer;
 *   4. the main thread is the one writer: it takes results strictly in crawl
 *      order (so a run is deterministic and duplicate ids are resolved the
 *      same way every time), claims ids, writes and commits;
 *   5. after the whole walk, documents whose source is gone are deleted.
 *
 * A resource whose access label changed is deleted from its old partition
 * and that deletion committed before it is added to the new one, so it is
 * never visible under the old label once visible under the new.
 */
#include "indexer.h"
#include "index_dir.h"
#include "progress.h"
#include "state.h"
#include "string_map.h"

#include "lantern/corpus.h"
#include "lantern/engine.h"
#include "lantern/extract.h"
#include "lantern/index_schema.h"
#include "lantern/synonyms.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/buffer.h"

#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ------------------------------------------------------------------ partitions */

typedef struct partition {
	char *label;
	lantern_database *db;
	bool dirty;        /* uncommitted changes */
	bool changed;      /* committed changes this run (metadata needs writing) */
} partition;

typedef struct partition_set {
	partition *items;
	size_t count;
	const char *generation;
	unsigned open_flags;
} partition_set;

static partition *partition_find(partition_set *set, const char *label)
{
	for (size_t i = 0; i < set->count; i++)
		if (strcmp(set->items[i].label, label) == 0)
			return &set->items[i];
	return NULL;
}

static lantern_status partition_open(partition_set *set, const char *label, partition **out)
{
	*out = partition_find(set, label);
	if (*out)
		return LANTERN_OK;
	partition *grown = realloc(set->items, (set->count + 1) * sizeof(*grown));
	if (!grown)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "partitions");
	set->items = grown;
	partition *item = &set->items[set->count];
	memset(item, 0, sizeof(*item));
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", set->generation, label);
	item->label = strdup(label);
	if (!item->label)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "partitions");
	lantern_status status = lantern_database_open_writable(&item->db, path, set->open_flags);
	if (status != LANTERN_OK) {
		free(item->label);
		return status;
	}
	set->count++;
	*out = item;
	return LANTERN_OK;
}

/* Opens a partition for every access label, plus any other database found in
 * the generation (a label since removed from the schema still needs its
 * documents deleted). */
static lantern_status partitions_open_all(partition_set *set, const lantern_schema *schema)
{
	const lantern_vocabulary *labels = lantern_schema_vocabulary(schema, LANTERN_FIELD_ACCESS);
	partition *unused;
	for (size_t i = 0; i < labels->count; i++) {
		lantern_status status = partition_open(set, labels->values[i], &unused);
		if (status != LANTERN_OK)
			return status;
	}
	DIR *directory = opendir(set->generation);
	if (!directory)
		return lantern_error_set_errno(set->generation);
	struct dirent *entry;
	lantern_status status = LANTERN_OK;
	while (status == LANTERN_OK && (entry = readdir(directory)) != NULL) {
		if (entry->d_name[0] == '.' || partition_find(set, entry->d_name))
			continue;
		char path[PATH_MAX];
		struct stat info;
		snprintf(path, sizeof(path), "%s/%s", set->generation, entry->d_name);
		if (stat(path, &info) == 0 && S_ISDIR(info.st_mode))
			status = partition_open(set, entry->d_name, &unused);
	}
	closedir(directory);
	return status;
}

static void partitions_close(partition_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		lantern_database_close(set->items[i].db);
		free(set->items[i].label);
	}
	free(set->items);
	set->items = NULL;
	set->count = 0;
}

static lantern_status partition_commit(partition *item)
{
	if (!item->dirty)
		return LANTERN_OK;
	lantern_status status = lantern_database_commit(item->db);
	if (status == LANTERN_OK) {
		item->dirty = false;
		item->changed = true;
	}
	return status;
}

static lantern_status partitions_commit(partition_set *set)
{
	for (size_t i = 0; i < set->count; i++) {
		lantern_status status = partition_commit(&set->items[i]);
		if (status != LANTERN_OK)
			return status;
	}
	return LANTERN_OK;
}

/* ------------------------------------------------------------------ work items */

typedef enum result_kind {
	RESULT_UNCHANGED,  /* stat says nothing changed: nothing was read */
	RESULT_DOCUMENT,   /* a document to write (or, with --check, a valid resource) */
	RESULT_FAILED,     /* errors in diagnostics */
	RESULT_OTHER_SHARD /* valid, but --shard gives it to another shard */
} result_kind;

typedef struct work_result {
	result_kind kind;
	bool ready;
	bool same_content;        /* re-read, content identical: only the stamp is new */
	bool metadata_only;
	lantern_document *doc;
	char *id;
	char *access;
	char *id_origin;          /* where the id was written (or derived from) */
	unsigned id_line, id_column; /* 0 when derived from the path */
	unsigned shard;           /* sharded builds: the worker that wrote it... */
	uint32_t docid;           /* ...and its document number in that shard */
	lantern_status write_status; /* sharded builds: the shard write failed */
	lantern_diagnostics diagnostics;
} work_result;

typedef struct run {
	const indexer_options *options;
	lantern_crawl *crawl;
	lantern_schema *schema;
	state_table *state;
	bool force_all;           /* ignore the previous state (new format or --full) */
	/* A new generation (first build or --full) is written in shards: each
	 * worker adds its documents to databases of its own under shard_root,
	 * so Xapian's inversion runs on every core; the shards are compacted
	 * into the generation at the end. The main thread still decides, in
	 * crawl order, which documents are kept (ids, duplicates). */
	bool sharded;
	const char *shard_root;
	partition_set *shards;    /* one set per worker */

	work_result *results;
	size_t next;              /* next source a worker takes */
	size_t written;           /* sources the writer has finished */
	size_t window;
	pthread_mutex_t mutex;
	pthread_cond_t result_ready;
	pthread_cond_t window_open;
} run;

static void result_dispose(work_result *result)
{
	lantern_document_free(result->doc);
	free(result->id);
	free(result->id_origin);
	free(result->access);
	lantern_diagnostics_clear(&result->diagnostics);
	memset(result, 0, sizeof(*result));
}

static void free_inputs(lantern_input_file *files, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(files[i].path);
}

/* Worker side: everything for one source that needs no shared state. */
static void process_source(run *state_run, size_t index, lantern_term_generator *generator,
                           work_result *result)
{
	const lantern_source *source = &state_run->crawl->sources[index];
	const lantern_folder *folder = &state_run->crawl->folders[source->folder];
	const state_entry *previous = state_run->force_all ? NULL
	                            : state_table_find(state_run->state, source->path);
	bool stats_equal = false;
	if (previous && !state_run->options->check) {
		lantern_input_file files[3];
		lantern_status status;
		size_t count = lantern_source_stat(state_run->crawl, source, files, &status);
		bool unchanged = status == LANTERN_OK &&
		                 state_unchanged(previous, files, count, folder->context_hash);
		stats_equal = status == LANTERN_OK && state_stats_equal(previous, files, count, folder->context_hash);
		free_inputs(files, count);
		if (unchanged) {
			result->kind = RESULT_UNCHANGED;
			return;
		}
	}

	lantern_resource resource;
	lantern_status status = lantern_resource_load(&resource, state_run->crawl, source,
	                                              state_run->schema);
	lantern_diagnostics_take(&result->diagnostics, &resource.diagnostics);
	if (status != LANTERN_OK) {
		if (result->diagnostics.error_count == 0)
			lantern_diagnostics_add(&result->diagnostics, LANTERN_SEVERITY_ERROR, source->path, 0,
			                        0, "%s", lantern_error_detail());
		result->kind = RESULT_FAILED;
		lantern_resource_clear(&resource);
		return;
	}
	result->id = strdup(lantern_metadata_get(&resource.metadata, LANTERN_FIELD_ID));
	result->access = strdup(lantern_metadata_get(&resource.metadata, LANTERN_FIELD_ACCESS));
	result->metadata_only = resource.metadata_only;
	result->kind = RESULT_DOCUMENT;
	const lantern_field_value *id_field = &resource.metadata.fields[LANTERN_FIELD_ID];
	if (id_field->line && id_field->origin && id_field->origin[0]) {
		result->id_origin = strdup(id_field->origin);
		result->id_line = id_field->line;
		result->id_column = id_field->column;
	}
	if (previous && previous->content_hash == resource.content_hash) {
		result->same_content = true;
		/* Stats as stored and the same bytes: only the racy-timestamp rule
		 * made us look. Nothing to write (the stamp stays racy, so the file
		 * is hashed again next time, which is the point). */
		if (stats_equal && strcmp(previous->id, result->id ? result->id : "") == 0 &&
		    strcmp(previous->access, result->access ? result->access : "") == 0) {
			result->kind = RESULT_UNCHANGED;
			lantern_resource_clear(&resource);
			return;
		}
	}
	unsigned shards = state_run->options->shard_count;
	if (result->id && shards > 1 &&
	    lantern_hash64(result->id, strlen(result->id), 0) % shards != state_run->options->shard_index) {
		result->kind = RESULT_OTHER_SHARD;
		lantern_resource_clear(&resource);
		return;
	}
	if (!result->id || !result->access) {
		status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "result");
	} else if (!state_run->options->check) {
		char *state_text = state_format(&resource, source->path, folder->context_hash);
		status = state_text ? lantern_resource_build(&resource, state_run->schema, generator,
		                                             state_text, &result->doc)
		                    : lantern_error_set(LANTERN_ERROR_NO_MEMORY, "state");
		free(state_text);
	}
	if (status != LANTERN_OK) {
		lantern_diagnostics_add(&result->diagnostics, LANTERN_SEVERITY_ERROR, source->path, 0, 0,
		                        "cannot build the index document: %s", lantern_error_detail());
		result->kind = RESULT_FAILED;
	}
	lantern_resource_clear(&resource);
}

typedef struct worker_context {
	run *state_run;
	unsigned number;
	size_t since_commit;
	size_t chunk_start, chunk_end; /* sharded builds: this worker's run of the crawl */
} worker_context;

/* Sharded builds: adds the built document to this worker's shard. */
static void write_to_shard(worker_context *worker, work_result *result)
{
	run *state_run = worker->state_run;
	partition_set *shard = &state_run->shards[worker->number];
	partition *target = NULL;
	lantern_status status = partition_open(shard, result->access, &target);
	if (status == LANTERN_OK && state_run->options->spelling_only)
		status = lantern_database_add_spelling_of(target->db, result->doc);
	else if (status == LANTERN_OK)
		status = lantern_database_add_document(target->db, result->doc, LANTERN_SPELLING,
		                                       &result->docid);
	if (status == LANTERN_OK) {
		target->dirty = true;
		if (++worker->since_commit >= state_run->options->commit_every) {
			status = partitions_commit(shard);
			worker->since_commit = 0;
		}
	}
	result->shard = worker->number;
	result->write_status = status;
	lantern_document_free(result->doc);
	result->doc = NULL;
}

/* Cuts the crawl into one contiguous run per worker with about the same
 * number of bytes each (file sizes are a fair proxy for the work). */
static void split_by_size(const lantern_crawl *crawl, worker_context *workers, unsigned jobs)
{
	size_t count = crawl->source_count;
	uint64_t *sizes = calloc(count ? count : 1, sizeof(uint64_t));
	uint64_t total = 0;
	for (size_t i = 0; sizes && i < count; i++) {
		char path[PATH_MAX];
		struct stat info;
		snprintf(path, sizeof(path), "%s/%s", crawl->root, crawl->sources[i].path);
		sizes[i] = (stat(path, &info) == 0 ? (uint64_t)info.st_size : 0) + 4096; /* + fixed cost */
		total += sizes[i];
	}
	size_t at = 0;
	uint64_t running = 0;
	for (unsigned w = 0; w < jobs; w++) {
		workers[w].chunk_start = at;
		uint64_t target = total * (w + 1) / jobs;
		if (!sizes)
			at = count * (w + 1) / jobs;
		else
			while (at < count && (w + 1 == jobs || running + sizes[at] / 2 <= target))
				running += sizes[at++];
		workers[w].chunk_end = at;
	}
	free(sizes);
}

static void *worker_main(void *argument)
{
	worker_context *worker = argument;
	run *state_run = worker->state_run;
	lantern_term_generator *generator = NULL;
	lantern_status generator_status = lantern_term_generator_new(&generator);
	size_t count = state_run->crawl->source_count;
	/* Sharded builds give each worker one contiguous run of the crawl, so
	 * that after compaction (shard 0, then 1, ...) every partition holds
	 * its documents in crawl order: document numbers then depend only on
	 * that partition's own resources - never on the scheduler, and never
	 * on resources of another label. (Snippets of equal-scoring passages
	 * follow document numbers.) Workers of an incremental run share one
	 * queue instead, at most `window` ahead of the writer. */
	unsigned jobs = state_run->options->jobs ? state_run->options->jobs : 1;
	size_t chunk_next = worker->chunk_start;
	size_t chunk_end = worker->chunk_end;
	(void)jobs;
	for (;;) {
		size_t index;
		if (state_run->sharded) {
			if (chunk_next >= chunk_end)
				break;
			index = chunk_next++;
		} else {
			pthread_mutex_lock(&state_run->mutex);
			while (state_run->next < count && state_run->next >= state_run->written + state_run->window)
				pthread_cond_wait(&state_run->window_open, &state_run->mutex);
			if (state_run->next >= count) {
				pthread_mutex_unlock(&state_run->mutex);
				break;
			}
			index = state_run->next++;
			pthread_mutex_unlock(&state_run->mutex);
		}

		work_result result;
		memset(&result, 0, sizeof(result));
		if (generator_status == LANTERN_OK) {
			process_source(state_run, index, generator, &result);
			if (state_run->sharded && result.kind == RESULT_DOCUMENT && result.doc)
				write_to_shard(worker, &result);
		} else {
			result.kind = RESULT_FAILED;
			lantern_diagnostics_add(&result.diagnostics, LANTERN_SEVERITY_ERROR,
			                        state_run->crawl->sources[index].path, 0, 0,
			                        "cannot start a term generator: %s", lantern_error_detail());
		}
		pthread_mutex_lock(&state_run->mutex);
		state_run->results[index] = result;
		state_run->results[index].ready = true;
		pthread_cond_broadcast(&state_run->result_ready);
		pthread_mutex_unlock(&state_run->mutex);
	}
	lantern_term_generator_free(generator);
	return NULL;
}

/* ------------------------------------------------------------------ the writer */

typedef struct id_claim {
	char *id;
	const char *source;   /* borrowed from the crawl */
	char *access;
	char *origin;         /* where the id was written; NULL when derived */
	unsigned line, column;
	size_t *counted;      /* the report figure the holder was counted in */
	bool in_shard;        /* sharded builds: written to shard `shard` as `docid` */
	unsigned shard;
	uint32_t docid;
	bool in_index;        /* incremental runs: the holder is in its partition */
} id_claim;

typedef struct writer {
	run *state_run;
	partition_set *partitions;
	indexer_report *report;
	FILE *errors;
	const char *corpus_prefix;  /* printed before relative paths */
	string_map claims;          /* id -> id_claim */
	id_claim **claim_list;
	size_t claim_count;
	size_t since_commit;
	work_result *rejected;      /* sharded builds: documents to take out of shards */
	size_t rejected_count;
	lantern_status status;      /* first index failure: the run stops writing */
} writer;

static void print_diagnostics(writer *out, const lantern_diagnostics *diagnostics)
{
	for (size_t i = 0; i < diagnostics->count; i++) {
		const lantern_diagnostic *item = &diagnostics->items[i];
		if (item->severity == LANTERN_SEVERITY_WARNING)
			out->report->warnings++;
		if (out->state_run->options->quiet && item->severity != LANTERN_SEVERITY_ERROR &&
		    !(item->severity == LANTERN_SEVERITY_NOTE && i > 0 &&
		      diagnostics->items[i - 1].severity == LANTERN_SEVERITY_ERROR))
			continue;
		lantern_diagnostic shown = *item;
		char full[PATH_MAX];
		if (item->path && item->path[0] && out->corpus_prefix[0]) {
			snprintf(full, sizeof(full), "%s/%s", out->corpus_prefix, item->path);
			shown.path = full;
		}
		char *line = lantern_diagnostic_format(&shown);
		if (line) {
			fprintf(out->errors, "%s\n", line);
			free(line);
		}
	}
}

/* "duplicate id" at the second place, with a note at the first. */
static void report_duplicate(writer *out, const char *id, const char *path, unsigned line,
                             unsigned column, const id_claim *first)
{
	lantern_diagnostics list = LANTERN_DIAGNOSTICS_INIT;
	char first_place[PATH_MAX + 64];
	const char *first_path = first->origin ? first->origin : first->source;
	if (first->line)
		snprintf(first_place, sizeof(first_place), "%s%s%s:%u:%u", out->corpus_prefix,
		         out->corpus_prefix[0] ? "/" : "", first_path, first->line, first->column);
	else
		snprintf(first_place, sizeof(first_place), "%s%s%s", out->corpus_prefix,
		         out->corpus_prefix[0] ? "/" : "", first_path);
	lantern_diagnostics_add(&list, LANTERN_SEVERITY_ERROR, path, line, line ? column : 0,
	                        "duplicate id '%s': also used by %s", id, first_place);
	lantern_diagnostics_add(&list, LANTERN_SEVERITY_NOTE, first_path, first->line, first->column,
	                        "'%s' first used here", id);
	print_diagnostics(out, &list);
	lantern_diagnostics_clear(&list);
}

static const id_claim *claim_find(writer *out, const char *id)
{
	return string_map_get(&out->claims, id);
}

static bool claim_add(writer *out, const char *id, const char *source, const char *access,
                      const work_result *result)
{
	id_claim *claim = calloc(1, sizeof(*claim));
	id_claim **grown = realloc(out->claim_list, (out->claim_count + 1) * sizeof(*grown));
	if (!claim || !grown) {
		free(claim);
		if (grown)
			out->claim_list = grown;
		return false;
	}
	out->claim_list = grown;
	claim->id = strdup(id);
	claim->access = strdup(access);
	claim->source = source;
	if (result && result->id_origin) {
		claim->origin = strdup(result->id_origin);
		claim->line = result->id_line;
		claim->column = result->id_column;
	}
	if (!claim->id || !claim->access || !string_map_put(&out->claims, claim->id, claim)) {
		free(claim->origin);
		free(claim->id);
		free(claim->access);
		free(claim);
		return false;
	}
	out->claim_list[out->claim_count++] = claim;
	return true;
}

static char *unique_term(const char *id)
{
	size_t length = strlen(id) + 2;
	char *term = malloc(length);
	if (term)
		snprintf(term, length, "%s%s", LANTERN_PREFIX_ID, id);
	return term;
}

/* Removes a previously indexed document, unless this run already gave its
 * id (in the same partition) to another source, whose replace then already
 * overwrote it. `commit_now` commits the partition at once (label moves). */
static lantern_status remove_previous(writer *out, const state_entry *previous, bool commit_now)
{
	const id_claim *claim = claim_find(out, previous->id);
	if (claim && strcmp(claim->source, previous->source) != 0 &&
	    strcmp(claim->access, previous->access) == 0)
		return LANTERN_OK;
	partition *item = partition_find(out->partitions, previous->access);
	if (!item)
		return LANTERN_OK; /* its partition no longer exists: nothing to remove */
	char *term = unique_term(previous->id);
	if (!term)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "term");
	lantern_status status = lantern_database_delete_document(item->db, term, LANTERN_SPELLING);
	free(term);
	if (status == LANTERN_OK) {
		item->dirty = true;
		if (commit_now)
			status = partition_commit(item);
	}
	return status;
}

static void count_failure(writer *out)
{
	out->report->failed++;
}

/* A public resource and a more sensitive one share an id. Whichever comes
 * first in the crawl, the public one keeps it: otherwise the mere existence
 * of an `les` resource would change what anonymous callers see (a public
 * resource missing), which tests/security checks never happens. The
 * sensitive one is reported and taken out. */
static bool yields_to(const id_claim *claim, const char *access)
{
	return strcmp(access, "public") == 0 && strcmp(claim->access, "public") != 0;
}

static void claim_yield(writer *out, id_claim *claim, const char *id, const char *source,
                        const work_result *position)
{
	id_claim winner;
	memset(&winner, 0, sizeof(winner));
	winner.source = source;
	winner.origin = position ? position->id_origin : NULL;
	winner.line = position ? position->id_line : 0;
	winner.column = position ? position->id_column : 0;
	report_duplicate(out, id, claim->origin ? claim->origin : claim->source, claim->line, claim->column,
	                 &winner);
	if (claim->counted && *claim->counted)
		(*claim->counted)--;
	count_failure(out);
	if (claim->in_shard) {
		work_result *grown = realloc(out->rejected, (out->rejected_count + 1) * sizeof(*grown));
		char *access = strdup(claim->access);
		if (!grown || !access) {
			free(access);
			if (grown)
				out->rejected = grown;
			out->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "rejects");
			return;
		}
		out->rejected = grown;
		memset(&out->rejected[out->rejected_count], 0, sizeof(*grown));
		out->rejected[out->rejected_count].shard = claim->shard;
		out->rejected[out->rejected_count].docid = claim->docid;
		out->rejected[out->rejected_count].access = access;
		out->rejected_count++;
	} else if (claim->in_index) {
		partition *item = partition_find(out->partitions, claim->access);
		char *term = unique_term(id);
		if (item && term) {
			out->status = lantern_database_delete_document(item->db, term, LANTERN_SPELLING);
			item->dirty = true;
		}
		free(term);
	}
	/* The claim now belongs to the public resource. */
	char *access = strdup("public");
	char *origin = position && position->id_origin ? strdup(position->id_origin) : NULL;
	free(claim->access);
	free(claim->origin);
	claim->access = access;
	claim->origin = origin;
	claim->line = winner.line;
	claim->column = winner.column;
	claim->source = source;
	claim->counted = NULL;
	claim->in_shard = claim->in_index = false;
	if (!access)
		out->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "claims");
}

static void handle_result(writer *out, size_t index, work_result *result)
{
	run *state_run = out->state_run;
	const lantern_source *source = &state_run->crawl->sources[index];
	/* Even when everything is rebuilt (force_all) the previous state says
	 * what to replace, move or, at the end, delete. */
	state_entry *previous = state_table_find_mutable(state_run->state, source->path);
	bool check = state_run->options->check;
	if (previous)
		previous->seen = true;
	print_diagnostics(out, &result->diagnostics);

	if (result->kind == RESULT_UNCHANGED) {
		id_claim *claim = (id_claim *)claim_find(out, previous->id);
		work_result position;
		memset(&position, 0, sizeof(position));
		position.id_origin = previous->id_origin;
		position.id_line = previous->id_line;
		position.id_column = previous->id_column;
		if (claim && yields_to(claim, previous->access)) {
			claim_yield(out, claim, previous->id, source->path, &position);
			claim->in_index = true;
			claim->counted = &out->report->unchanged;
			out->report->unchanged++;
			return;
		}
		if (claim) {
			report_duplicate(out, previous->id, source->path, 0, 0, claim);
			count_failure(out);
			if (!check && strcmp(claim->access, previous->access) != 0)
				out->status = remove_previous(out, previous, false);
			return;
		}
		if (!claim_add(out, previous->id, source->path, previous->access, &position)) {
			out->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "claims");
			return;
		}
		id_claim *mine = (id_claim *)claim_find(out, previous->id);
		mine->in_index = !check;
		mine->counted = &out->report->unchanged;
		out->report->unchanged++;
		return;
	}

	if (result->kind == RESULT_OTHER_SHARD) {
		/* Claimed all the same, so duplicates are found whichever shard runs. */
		id_claim *claim = (id_claim *)claim_find(out, result->id);
		if (claim && yields_to(claim, result->access)) {
			claim_yield(out, claim, result->id, source->path, result);
			claim->counted = &out->report->other_shards;
		} else if (claim) {
			report_duplicate(out, result->id, result->id_origin ? result->id_origin : source->path,
			                 result->id_line, result->id_column, claim);
			count_failure(out);
			if (previous && !check)
				out->status = remove_previous(out, previous, false);
			return;
		} else if (!claim_add(out, result->id, source->path, result->access, result)) {
			out->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "claims");
			return;
		} else {
			((id_claim *)claim_find(out, result->id))->counted = &out->report->other_shards;
		}
		out->report->other_shards++;
		if (previous && !check)
			out->status = remove_previous(out, previous, false);
		return;
	}

	bool claimed = false;
	if (result->kind == RESULT_DOCUMENT) {
		id_claim *claim = (id_claim *)claim_find(out, result->id);
		if (claim && yields_to(claim, result->access)) {
			claim_yield(out, claim, result->id, source->path, result);
			claimed = true;
		} else if (claim) {
			report_duplicate(out, result->id, result->id_origin ? result->id_origin : source->path,
			                 result->id_line, result->id_column, claim);
			result->kind = RESULT_FAILED;
		}
	}

	if (result->kind == RESULT_FAILED && state_run->sharded && result->access && !result->doc &&
	    result->write_status == LANTERN_OK && result->docid) {
		/* Written to a shard before it lost the id to an earlier resource. */
		work_result *grown = realloc(out->rejected, (out->rejected_count + 1) * sizeof(*grown));
		if (!grown) {
			out->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "rejects");
			return;
		}
		out->rejected = grown;
		memset(&out->rejected[out->rejected_count], 0, sizeof(*grown));
		out->rejected[out->rejected_count].shard = result->shard;
		out->rejected[out->rejected_count].docid = result->docid;
		out->rejected[out->rejected_count].access = result->access;
		result->access = NULL;
		out->rejected_count++;
	}
	if (result->kind == RESULT_FAILED) {
		count_failure(out);
		/* The index holds only valid resources: a stale copy of a document
		 * that is now broken (perhaps broken while being relabelled les)
		 * must not stay searchable. */
		if (previous && !check)
			out->status = remove_previous(out, previous, false);
		return;
	}

	if (!claimed && !claim_add(out, result->id, source->path, result->access, result)) {
		out->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "claims");
		return;
	}
	id_claim *mine = (id_claim *)claim_find(out, result->id);
	if (result->metadata_only)
		out->report->metadata_only++;
	if (check) {
		mine->counted = &out->report->added;
		out->report->added++;
		return;
	}
	if (state_run->sharded) {
		out->status = result->write_status;
		mine->in_shard = true;
		mine->shard = result->shard;
		mine->docid = result->docid;
		mine->counted = &out->report->added;
		out->report->added++;
		return;
	}
	if (previous && (strcmp(previous->id, result->id) != 0 ||
	                 strcmp(previous->access, result->access) != 0)) {
		bool moved = strcmp(previous->access, result->access) != 0;
		out->status = remove_previous(out, previous, moved);
		if (out->status != LANTERN_OK)
			return;
	}
	partition *target = NULL;
	out->status = partition_open(out->partitions, result->access, &target);
	if (out->status != LANTERN_OK)
		return;
	char *term = unique_term(result->id);
	out->status = term ? lantern_database_replace_document(target->db, term, result->doc, LANTERN_SPELLING)
	                   : lantern_error_set(LANTERN_ERROR_NO_MEMORY, "term");
	free(term);
	if (out->status != LANTERN_OK)
		return;
	target->dirty = true;
	mine->in_index = true;
	mine->counted = !previous ? &out->report->added
	              : result->same_content ? &out->report->unchanged : &out->report->updated;
	(*mine->counted)++;
	if (++out->since_commit >= state_run->options->commit_every) {
		out->status = partitions_commit(out->partitions);
		out->since_commit = 0;
	}
}

/* Deletes the documents whose source the complete walk did not find. */
static void delete_vanished(writer *out)
{
	state_table *table = out->state_run->state;
	for (size_t i = 0; i < table->count && out->status == LANTERN_OK; i++) {
		state_entry *entry = table->entries[i];
		if (entry->seen || lantern_crawl_is_unreadable(out->state_run->crawl, entry->source))
			continue;
		if (state_table_find(table, entry->source) != entry) {
			/* A second copy of a source (see state.c): always removed. */
		}
		out->status = remove_previous(out, entry, false);
		if (out->status == LANTERN_OK)
			out->report->deleted++;
	}
}

static void writer_dispose(writer *out)
{
	for (size_t i = 0; i < out->rejected_count; i++)
		free(out->rejected[i].access);
	free(out->rejected);
	for (size_t i = 0; i < out->claim_count; i++) {
		free(out->claim_list[i]->origin);
		free(out->claim_list[i]->id);
		free(out->claim_list[i]->access);
		free(out->claim_list[i]);
	}
	free(out->claim_list);
	string_map_dispose(&out->claims);
}

/* ------------------------------------------------------------------ metadata */

static void hex64(char out[17], uint64_t value)
{
	snprintf(out, 17, "%016" PRIx64, value);
}

/* Writes run metadata and synonyms into every partition that needs it. Only
 * partitions with changes (or stale synonyms) are touched, so a run over an
 * unchanged corpus leaves every revision as it was. */
static lantern_status partitions_finish(partition_set *set, const lantern_schema *schema,
                                        const lantern_synonyms *synonyms, const char *shard)
{
	char schema_hash[17], synonyms_hash[17];
	hex64(schema_hash, lantern_schema_hash(schema));
	hex64(synonyms_hash, synonyms->hash);
	for (size_t i = 0; i < set->count; i++) {
		partition *item = &set->items[i];
		char *stored = NULL;
		lantern_status status = lantern_database_get_metadata(item->db, "lantern.synonyms", &stored);
		if (status != LANTERN_OK)
			return status;
		bool synonyms_stale = strcmp(stored, synonyms_hash) != 0;
		free(stored);
		if (synonyms_stale) {
			status = lantern_synonyms_store(synonyms, item->db);
			if (status == LANTERN_OK)
				status = lantern_database_set_metadata(item->db, "lantern.synonyms", synonyms_hash);
			item->dirty = true;
		}
		if (status == LANTERN_OK && (item->dirty || item->changed)) {
			status = lantern_database_set_metadata(item->db, "lantern.format", LANTERN_INDEX_FORMAT);
			if (status == LANTERN_OK)
				status = lantern_database_set_metadata(item->db, "lantern.schema", schema_hash);
			if (status == LANTERN_OK)
				status = lantern_database_set_metadata(item->db, "lantern.label", item->label);
			if (status == LANTERN_OK && shard[0])
				status = lantern_database_set_metadata(item->db, "lantern.shard", shard);
			char *vocabulary = lantern_schema_to_json(schema);
			if (status == LANTERN_OK)
				status = vocabulary ? lantern_database_set_metadata(item->db, "lantern.vocabulary", vocabulary)
				                    : lantern_error_set(LANTERN_ERROR_NO_MEMORY, "vocabulary");
			free(vocabulary);
			item->dirty = true;
		}
		if (status == LANTERN_OK)
			status = partition_commit(item);
		if (status != LANTERN_OK)
			return status;
	}
	return LANTERN_OK;
}

/* True when any partition was written by a different index format. */
static lantern_status partitions_need_rebuild(partition_set *set, bool *out)
{
	*out = false;
	for (size_t i = 0; i < set->count; i++) {
		uint32_t documents = 0;
		char *format = NULL;
		lantern_status status = lantern_database_document_count(set->items[i].db, &documents);
		if (status == LANTERN_OK)
			status = lantern_database_get_metadata(set->items[i].db, "lantern.format", &format);
		if (status != LANTERN_OK)
			return status;
		if (documents > 0 && strcmp(format, LANTERN_INDEX_FORMAT) != 0)
			*out = true;
		free(format);
	}
	return LANTERN_OK;
}

/* ------------------------------------------------------------------ shards */

static lantern_status shards_prepare(run *state_run, const char *generation,
                                     const indexer_options *options, char **shard_root)
{
	unsigned jobs = options->jobs ? options->jobs : 1;
	size_t length = strlen(generation) + 16;
	*shard_root = malloc(length);
	state_run->shards = calloc(jobs, sizeof(partition_set));
	if (!*shard_root || !state_run->shards)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "shards");
	snprintf(*shard_root, length, "%s/.shards", generation);
	if (mkdir(*shard_root, 0755) != 0)
		return lantern_error_set_errno(*shard_root);
	for (unsigned i = 0; i < jobs; i++) {
		char path[PATH_MAX];
		snprintf(path, sizeof(path), "%s/worker-%u", *shard_root, i);
		if (mkdir(path, 0755) != 0)
			return lantern_error_set_errno(path);
		state_run->shards[i].generation = strdup(path);
		if (!state_run->shards[i].generation)
			return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "shards");
		/* Shards are scratch space: the compacted result is what must be durable. */
		state_run->shards[i].open_flags = LANTERN_DATABASE_CREATE | LANTERN_DATABASE_NO_SYNC;
	}
	state_run->sharded = true;
	state_run->shard_root = *shard_root;
	return LANTERN_OK;
}

static void shards_close(run *state_run)
{
	if (!state_run->shards)
		return;
	unsigned jobs = state_run->options->jobs ? state_run->options->jobs : 1;
	for (unsigned i = 0; i < jobs; i++) {
		partitions_close(&state_run->shards[i]);
		free((char *)state_run->shards[i].generation);
	}
	free(state_run->shards);
	state_run->shards = NULL;
}

/* Takes rejected duplicates out of the shards, then compacts each label's
 * shards into the generation (an empty database where no shard has one). */
static lantern_status shards_merge(run *state_run, writer *out, const lantern_schema *schema,
                                   const char *generation)
{
	unsigned jobs = state_run->options->jobs ? state_run->options->jobs : 1;
	lantern_status status = LANTERN_OK;
	for (size_t i = 0; status == LANTERN_OK && i < out->rejected_count; i++) {
		const work_result *reject = &out->rejected[i];
		partition *item = partition_find(&state_run->shards[reject->shard], reject->access);
		if (item) {
			status = lantern_database_delete_docid(item->db, reject->docid, LANTERN_SPELLING);
			item->dirty = true;
		}
	}
	for (unsigned w = 0; status == LANTERN_OK && w < jobs; w++)
		status = partitions_commit(&state_run->shards[w]);
	/* Every label any shard wrote, plus the schema's (copied: the shard sets
	 * own their labels and are closed before compaction reads the files). */
	const lantern_vocabulary *labels = lantern_schema_vocabulary(schema, LANTERN_FIELD_ACCESS);
	string_map seen = { NULL, 0, 0 };
	char **copies = NULL;
	size_t name_count = 0;
	for (unsigned w = 0; status == LANTERN_OK && w <= jobs; w++) {
		size_t count = w == jobs ? labels->count : state_run->shards[w].count;
		for (size_t k = 0; status == LANTERN_OK && k < count; k++) {
			const char *label = w == jobs ? labels->values[k] : state_run->shards[w].items[k].label;
			if (string_map_get(&seen, label))
				continue;
			char **grown = realloc(copies, (name_count + 1) * sizeof(char *));
			char *copy = strdup(label);
			if (grown)
				copies = grown;
			if (!grown || !copy || !string_map_put(&seen, copy, copy)) {
				free(copy);
				status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "labels");
				break;
			}
			copies[name_count++] = copy;
		}
	}
	string_map_dispose(&seen);
	for (unsigned w = 0; w < jobs; w++)
		partitions_close(&state_run->shards[w]);
	for (size_t n = 0; status == LANTERN_OK && n < name_count; n++) {
		char **sources = calloc(jobs, sizeof(char *));
		size_t source_count = 0;
		for (unsigned w = 0; sources && w < jobs; w++) {
			char path[PATH_MAX];
			struct stat info;
			snprintf(path, sizeof(path), "%s/worker-%u/%s", state_run->shard_root, w, copies[n]);
			if (stat(path, &info) == 0 && S_ISDIR(info.st_mode))
				sources[source_count++] = strdup(path);
		}
		char destination[PATH_MAX];
		snprintf(destination, sizeof(destination), "%s/%s", generation, copies[n]);
		if (!sources) {
			status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "shards");
		} else if (source_count == 0) {
			lantern_database *empty = NULL;
			status = lantern_database_open_writable(&empty, destination, LANTERN_DATABASE_CREATE);
			if (status == LANTERN_OK)
				status = lantern_database_commit(empty);
			lantern_database_close(empty);
		} else {
			status = lantern_database_compact((const char *const *)sources, source_count, destination);
		}
		for (size_t k = 0; sources && k < source_count; k++)
			free(sources[k]);
		free(sources);
	}
	for (size_t n = 0; copies && n < name_count; n++)
		free(copies[n]);
	free(copies);
	return status;
}

/* A --full rebuild keeps what an operator set on the partitions it replaces
 * (e.g. `les` readable by one group only): mode and group of each partition
 * directory and its files are copied from the old generation. */
static void copy_permissions(const char *old_generation, const char *new_generation)
{
	DIR *directory = opendir(new_generation);
	if (!directory)
		return;
	struct dirent *entry;
	while ((entry = readdir(directory)) != NULL) {
		if (entry->d_name[0] == '.')
			continue;
		char old_path[PATH_MAX], new_path[PATH_MAX];
		struct stat old_info;
		snprintf(old_path, sizeof(old_path), "%s/%s", old_generation, entry->d_name);
		snprintf(new_path, sizeof(new_path), "%s/%s", new_generation, entry->d_name);
		if (stat(old_path, &old_info) != 0 || !S_ISDIR(old_info.st_mode))
			continue;
		if (chmod(new_path, old_info.st_mode & 07777) != 0 || chown(new_path, (uid_t)-1, old_info.st_gid) != 0)
			continue; /* best effort: the operator is told in docs/operations.md */
		DIR *files = opendir(new_path);
		struct dirent *file;
		while (files && (file = readdir(files)) != NULL) {
			if (file->d_name[0] == '.')
				continue;
			char file_path[PATH_MAX * 2];
			snprintf(file_path, sizeof(file_path), "%s/%s", new_path, file->d_name);
			mode_t file_mode = (old_info.st_mode & 0666) | S_IRUSR | S_IWUSR;
			if (chmod(file_path, file_mode) != 0 || chown(file_path, (uid_t)-1, old_info.st_gid) != 0)
				continue;
		}
		if (files)
			closedir(files);
	}
	closedir(directory);
}

/* ------------------------------------------------------------------ the run */

static void say_waiting(long pid)
{
	fprintf(stderr, "lantern-index: waiting for another lantern-index (pid %ld) to finish...\n", pid);
}

static void print_config_diagnostics(FILE *errors, const lantern_diagnostics *diagnostics)
{
	for (size_t i = 0; i < diagnostics->count; i++) {
		char *line = lantern_diagnostic_format(&diagnostics->items[i]);
		if (line)
			fprintf(errors, "%s\n", line);
		free(line);
	}
}

static char *corpus_prefix_of(const char *corpus)
{
	char *prefix = strdup(corpus);
	if (!prefix)
		return NULL;
	size_t length = strlen(prefix);
	while (length > 1 && prefix[length - 1] == '/')
		prefix[--length] = '\0';
	if (strcmp(prefix, ".") == 0)
		prefix[0] = '\0';
	return prefix;
}

static int run_pipeline(run *state_run, writer *out, progress *bar)
{
	size_t count = state_run->crawl->source_count;
	unsigned jobs = state_run->options->jobs ? state_run->options->jobs : 1;
	pthread_t *threads = calloc(jobs, sizeof(pthread_t));
	worker_context *workers = calloc(jobs, sizeof(worker_context));
	state_run->results = calloc(count ? count : 1, sizeof(work_result));
	if (!threads || !workers || !state_run->results) {
		free(threads);
		free(workers);
		free(state_run->results);
		state_run->results = NULL;
		return INDEXER_EXIT_INDEX;
	}
	for (unsigned i = 0; i < jobs; i++)
		workers[i] = (worker_context){ state_run, i, 0, 0, 0 };
	split_by_size(state_run->crawl, workers, jobs);
	state_run->window = 32 * (size_t)jobs;
	pthread_mutex_init(&state_run->mutex, NULL);
	pthread_cond_init(&state_run->result_ready, NULL);
	pthread_cond_init(&state_run->window_open, NULL);
	unsigned started = 0;
	for (; started < jobs; started++)
		if (pthread_create(&threads[started], NULL, worker_main, &workers[started]) != 0)
			break;
	if (started == 0) {
		/* No threads at all: do the work inline, still correct. */
		worker_main(&workers[0]);
	}
	for (size_t index = 0; index < count; index++) {
		pthread_mutex_lock(&state_run->mutex);
		while (!state_run->results[index].ready)
			pthread_cond_wait(&state_run->result_ready, &state_run->mutex);
		pthread_mutex_unlock(&state_run->mutex);
		if (out->status == LANTERN_OK)
			handle_result(out, index, &state_run->results[index]);
		result_dispose(&state_run->results[index]);
		pthread_mutex_lock(&state_run->mutex);
		state_run->written = index + 1;
		pthread_cond_broadcast(&state_run->window_open);
		pthread_mutex_unlock(&state_run->mutex);
		progress_update(bar, index + 1);
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&state_run->mutex);
	pthread_cond_destroy(&state_run->result_ready);
	pthread_cond_destroy(&state_run->window_open);
	free(threads);
	free(workers);
	free(state_run->results);
	state_run->results = NULL;
	return INDEXER_EXIT_OK;
}

int indexer_run(const indexer_options *options, indexer_report *report, FILE *errors)
{
	memset(report, 0, sizeof(*report));
	double started = progress_now();
	int exit_code = INDEXER_EXIT_OK;
	lantern_crawl crawl;
	memset(&crawl, 0, sizeof(crawl));
	lantern_schema *schema = NULL;
	lantern_plugin_set *plugins = NULL;
	lantern_synonyms synonyms = { NULL, 0, 0 };
	lantern_metadata global = LANTERN_METADATA_INIT;
	lantern_diagnostics config = LANTERN_DIAGNOSTICS_INIT;
	state_table state;
	memset(&state, 0, sizeof(state));
	partition_set partitions = { NULL, 0, NULL, LANTERN_DATABASE_CREATE };
	if (options->no_sync)
		partitions.open_flags |= LANTERN_DATABASE_NO_SYNC;
	index_lock lock = { -1 };
	char *generation = NULL, *prefix = corpus_prefix_of(options->corpus);
	bool new_generation = false;
	char *shard_root = NULL;
	char *previous_generation = NULL;
	run state_run;
	memset(&state_run, 0, sizeof(state_run));
	writer out;
	memset(&out, 0, sizeof(out));
	progress bar;
	progress_start(&bar, false, 0);
	char path[PATH_MAX];
	lantern_status status;

	/* Configuration: schema, synonyms, global defaults. */
	if (options->schema_file)
		snprintf(path, sizeof(path), "%s", options->schema_file);
	else
		snprintf(path, sizeof(path), "%s/%s", options->corpus, LANTERN_SCHEMA_FILE);
	status = lantern_schema_load(&schema, path, &config);
	if (status != LANTERN_OK) {
		print_config_diagnostics(errors, &config);
		if (config.error_count == 0)
			fprintf(errors, "lantern-index: %s: %s\n", path,
			        status == LANTERN_ERROR_NOT_FOUND
			                ? "no schema: every corpus needs a schema.yaml (copy corpus/schema.yaml)"
			                : lantern_error_detail());
		exit_code = INDEXER_EXIT_CONFIGURATION;
		goto cleanup;
	}
	snprintf(path, sizeof(path), "%s/%s", options->corpus, LANTERN_SYNONYMS_FILE);
	status = lantern_synonyms_load(&synonyms, path, &config);
	uint64_t seed = lantern_hash64(LANTERN_INDEX_FORMAT, strlen(LANTERN_INDEX_FORMAT),
	                               lantern_schema_hash(schema));
	if (status == LANTERN_OK && options->defaults_file) {
		char *text = NULL;
		size_t length = 0;
		status = lantern_file_read(options->defaults_file, LANTERN_RECORD_MAX, &text, &length);
		if (status != LANTERN_OK)
			lantern_diagnostics_add(&config, LANTERN_SEVERITY_ERROR, options->defaults_file, 0, 0,
			                        "cannot read: %s", lantern_error_detail());
		else
			status = lantern_metadata_parse(&global, text, length, options->defaults_file, 0,
			                                schema, LANTERN_METADATA_DEFAULTS, &config);
		if (text)
			seed = lantern_hash64(text, length, seed);
		free(text);
	}
	if (status != LANTERN_OK || config.error_count) {
		print_config_diagnostics(errors, &config);
		exit_code = INDEXER_EXIT_CONFIGURATION;
		goto cleanup;
	}
	if (!options->quiet)
		print_config_diagnostics(errors, &config);

	/* The walk. */
	lantern_diagnostics plugin_problems = LANTERN_DIAGNOSTICS_INIT;
	status = lantern_plugins_load(&plugins, options->plugin_dir, &plugin_problems);
	if (!options->quiet)
		print_config_diagnostics(errors, &plugin_problems);
	lantern_diagnostics_clear(&plugin_problems);
	if (status != LANTERN_OK) {
		fprintf(errors, "lantern-index: plugins: %s\n", lantern_error_detail());
		exit_code = INDEXER_EXIT_CONFIGURATION;
		goto cleanup;
	}
	lantern_extract_limits limits = LANTERN_EXTRACT_LIMITS_INIT;
	limits.helper = options->extract_helper;
	status = lantern_crawl_run_with(&crawl, options->corpus, plugins, &limits);
	if (status != LANTERN_OK) {
		fprintf(errors, "lantern-index: %s: %s\n", options->corpus, lantern_error_detail());
		exit_code = INDEXER_EXIT_CONFIGURATION;
		goto cleanup;
	}
	lantern_diagnostics_clear(&config);
	status = lantern_crawl_load_defaults(&crawl, schema, options->defaults_file ? &global : NULL,
	                                     seed, &config);
	out.report = report;
	out.errors = errors;
	out.corpus_prefix = prefix ? prefix : "";
	state_run.options = options;
	state_run.crawl = &crawl;
	state_run.schema = schema;
	state_run.state = &state;
	out.state_run = &state_run;
	out.partitions = &partitions;
	print_diagnostics(&out, &config);
	print_diagnostics(&out, &crawl.skipped);
	report->skipped = crawl.skipped.count;
	if (status != LANTERN_OK) {
		fprintf(errors, "lantern-index: %s\n", lantern_error_detail());
		exit_code = INDEXER_EXIT_CONFIGURATION;
		goto cleanup;
	}

	/* The index. */
	if (!options->check) {
		status = index_lock_acquire(&lock, options->index, options->wait, say_waiting);
		if (status != LANTERN_OK) {
			fprintf(errors, "lantern-index: %s\n", lantern_error_detail());
			exit_code = status == LANTERN_ERROR_DATABASE_LOCKED ? INDEXER_EXIT_LOCKED : INDEXER_EXIT_INDEX;
			goto cleanup;
		}
		status = index_remove_stale_generations(options->index);
		if (status == LANTERN_OK)
			status = index_current_generation(options->index, &generation);
		if (status == LANTERN_OK && generation) {
			/* Shard scratch space of a build killed after it published
			 * its generation but before it removed its shards. */
			char scratch[PATH_MAX];
			snprintf(scratch, sizeof(scratch), "%s/.shards", generation);
			status = index_remove_tree(scratch);
		}
		if (status == LANTERN_OK && (options->full || options->spelling_only || !generation)) {
			previous_generation = generation;
			generation = NULL;
			status = index_new_generation(options->index, &generation);
			new_generation = status == LANTERN_OK;
		}
		partitions.generation = generation;
		if (status == LANTERN_OK && new_generation)
			status = shards_prepare(&state_run, generation, options, &shard_root);
		else if (status == LANTERN_OK)
			status = partitions_open_all(&partitions, schema);
		bool rebuild = false;
		if (status == LANTERN_OK)
			status = partitions_need_rebuild(&partitions, &rebuild);
		for (size_t i = 0; status == LANTERN_OK && i < partitions.count; i++)
			status = state_table_load(&state, partitions.items[i].db);
		if (status != LANTERN_OK) {
			fprintf(errors, "lantern-index: %s: %s\n", options->index, lantern_error_detail());
			exit_code = status == LANTERN_ERROR_DATABASE_LOCKED ? INDEXER_EXIT_LOCKED : INDEXER_EXIT_INDEX;
			goto cleanup;
		}
		state_run.force_all = rebuild;
	}

	progress_start(&bar, options->progress && !options->quiet, crawl.source_count);
	exit_code = run_pipeline(&state_run, &out, &bar);
	if (exit_code == INDEXER_EXIT_OK && out.status == LANTERN_OK && state_run.sharded)
		out.status = shards_merge(&state_run, &out, schema, generation);
	if (exit_code == INDEXER_EXIT_OK && out.status == LANTERN_OK && state_run.sharded)
		out.status = partitions_open_all(&partitions, schema);
	if (exit_code == INDEXER_EXIT_OK && out.status == LANTERN_OK && !options->check)
		delete_vanished(&out);
	if (exit_code == INDEXER_EXIT_OK && out.status == LANTERN_OK && !options->check)
		out.status = partitions_commit(&partitions);
	if (exit_code == INDEXER_EXIT_OK && out.status == LANTERN_OK && !options->check) {
		char shard[32] = "";
		if (options->shard_count > 1)
			snprintf(shard, sizeof(shard), "%u/%u", options->shard_index, options->shard_count);
		out.status = partitions_finish(&partitions, schema, &synonyms, shard);
	}
	progress_clear(&bar);
	if (out.status != LANTERN_OK) {
		fprintf(errors, "lantern-index: %s: %s\n", options->index, lantern_error_detail());
		exit_code = INDEXER_EXIT_INDEX;
		goto cleanup;
	}
	if (exit_code != INDEXER_EXIT_OK)
		goto cleanup;
	if (new_generation) {
		partitions_close(&partitions);
		if (previous_generation)
			copy_permissions(previous_generation, generation);
		status = index_publish_generation(options->index, generation);
		if (status == LANTERN_OK)
			status = index_remove_stale_generations(options->index);
		if (status != LANTERN_OK) {
			fprintf(errors, "lantern-index: %s\n", lantern_error_detail());
			exit_code = INDEXER_EXIT_INDEX;
			goto cleanup;
		}
		new_generation = false;
	}
	exit_code = report->failed ? INDEXER_EXIT_DOCUMENTS : INDEXER_EXIT_OK;

cleanup:
	progress_clear(&bar);
	partitions_close(&partitions);
	shards_close(&state_run);
	if (shard_root)
		index_remove_tree(shard_root);
	free(shard_root);
	if (new_generation && generation)
		index_remove_tree(generation);
	index_lock_release(&lock);
	writer_dispose(&out);
	state_table_dispose(&state);
	lantern_crawl_clear(&crawl);
	lantern_plugins_free(plugins);
	lantern_schema_free(schema);
	lantern_synonyms_clear(&synonyms);
	lantern_metadata_clear(&global);
	lantern_diagnostics_clear(&config);
	free(generation);
	free(previous_generation);
	free(prefix);
	report->seconds = progress_now() - started;
	return exit_code;
}
