/*
 * indexer.h - one run of lantern-index: crawl, load in parallel, write.
 */
#ifndef LANTERN_INDEXER_INDEXER_H
#define LANTERN_INDEXER_INDEXER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit statuses, documented in --help and lantern-index(1). Never renumbered. */
enum indexer_exit {
	INDEXER_EXIT_OK = 0,            /* every resource indexed (or --check found nothing) */
	INDEXER_EXIT_DOCUMENTS = 1,     /* some resources failed; the rest were indexed */
	INDEXER_EXIT_USAGE = 2,         /* bad command line */
	INDEXER_EXIT_CONFIGURATION = 3, /* corpus folder, schema, synonyms or --defaults unusable */
	INDEXER_EXIT_LOCKED = 4,        /* another indexer holds the index (--no-wait) */
	INDEXER_EXIT_INDEX = 5          /* the index could not be opened or written */
};

typedef struct indexer_options {
	const char *corpus;         /* corpus folder */
	const char *index;          /* index directory */
	const char *defaults_file;  /* --defaults, or NULL */
	const char *schema_file;    /* --schema, or NULL for CORPUS/schema.yaml */
	const char *plugin_dir;     /* extractor plugins (NULL: built-ins only) */
	const char *extract_helper; /* lantern-extract */
	bool full;
	bool check;
	bool wait;                  /* false with --no-wait */
	bool quiet;
	bool progress;              /* draw the progress bar */
	bool no_sync;               /* skip fsync (tests) */
	unsigned jobs;              /* worker threads */
	unsigned commit_every;      /* documents between commits */
	unsigned shard_index;       /* --shard I/N: index only ids whose hash % N == I */
	unsigned shard_count;       /* 0 or 1: no sharding */
	bool spelling_only;         /* build only spelling, synonyms and metadata (always a full build) */
} indexer_options;

typedef struct indexer_report {
	size_t added, updated, unchanged, deleted, failed, skipped, warnings;
	size_t metadata_only;       /* indexed without text (no extractor) */
	size_t other_shards;        /* valid resources that belong to other shards */
	double seconds;
} indexer_report;

/* Runs the indexer; diagnostics go to `errors`. Returns an indexer_exit. */
int indexer_run(const indexer_options *options, indexer_report *report, FILE *errors);

#endif
