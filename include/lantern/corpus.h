/*
 * lantern/corpus.h - finding resources in a corpus folder and loading them.
 *
 * The crawl walks a corpus folder and lists its resources (Markdown/text
 * files, files with a YAML sidecar, pure YAML records) and its folder
 * defaults, and reports everything it skipped and why. Loading a resource
 * reads its files, validates its metadata (with folder defaults applied) and
 * extracts its text; building turns it into an index document. The indexer
 * runs loads and builds on worker threads: they touch no shared state.
 */
#ifndef LANTERN_CORPUS_H
#define LANTERN_CORPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lantern/diagnostics.h"
#include "lantern/engine.h"
#include "lantern/extract.h"
#include "lantern/metadata.h"
#include "lantern/schema.h"
#include "lantern/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Files larger than this are not read (reported as too large). */
#define LANTERN_FILE_MAX (64u * 1024 * 1024)
/* YAML records and sidecars are metadata: this is plenty. */
#define LANTERN_RECORD_MAX (1024u * 1024)
/* Directories nested deeper than this are not entered. */
#define LANTERN_CRAWL_MAX_DEPTH 64

/* Files at the corpus root that configure the corpus, never resources. */
#define LANTERN_SCHEMA_FILE "schema.yaml"
#define LANTERN_SYNONYMS_FILE "synonyms.yaml"
#define LANTERN_IGNORE_FILE ".lanternignore"
/* In any folder: metadata for every resource below it. */
#define LANTERN_DEFAULTS_FILE "_defaults.yaml"

typedef enum lantern_source_kind {
	LANTERN_SOURCE_MARKDOWN, /* .md/.markdown, front matter optional */
	LANTERN_SOURCE_TEXT,     /* .txt/.text, front matter optional */
	LANTERN_SOURCE_SIDECAR,  /* any file with NAME.EXT.yaml beside it */
	LANTERN_SOURCE_RECORD,   /* a pure YAML record */
	LANTERN_SOURCE_DOCUMENT  /* a file an extractor plugin reads, without a sidecar */
} lantern_source_kind;

typedef struct lantern_source {
	char *path;          /* relative to the corpus root, '/'-separated */
	char *sidecar;       /* relative path of the sidecar, or NULL */
	char *transcript;    /* records: relative path of the transcript, or NULL */
	lantern_source_kind kind;
	size_t folder;       /* index into lantern_crawl.folders of its folder */
} lantern_source;

/* A folder that holds resources, with its defaults chain resolved. */
typedef struct lantern_folder {
	char *path;               /* relative; "" for the root */
	char *defaults_file;      /* relative path of its _defaults.yaml, or NULL */
	size_t parent;            /* index of the parent folder; SIZE_MAX for the root */
	lantern_metadata defaults; /* effective defaults: own, then parents', then global */
	uint64_t context_hash;    /* hash of everything above that shapes its resources */
	bool defaults_invalid;    /* some defaults file on the chain has errors */
	bool defaults_conflict;   /* both _defaults.yaml and _defaults.yml are here */
} lantern_folder;

typedef struct lantern_crawl {
	char *root;
	lantern_source *sources;   /* sorted by path */
	size_t source_count;
	lantern_folder *folders;
	size_t folder_count;
	/* Skipped files and folders, as warnings with the reason. */
	lantern_diagnostics skipped;
	/* Folders that could not be read: resources under them may still exist,
	 * so nothing indexed under these prefixes is deleted. */
	char **unreadable;
	size_t unreadable_count;
	/* Extractors for formats beyond Markdown and text (borrowed; NULL: none)
	 * and the limits they run under. */
	const lantern_plugin_set *plugins;
	lantern_extract_limits limits;
} lantern_crawl;

/* Walks `root`. Never follows a symlink out of the root, survives loops,
 * FIFOs, devices and unreadable entries (each reported in `skipped`).
 * Fails only when the root itself cannot be read. */
lantern_status lantern_crawl_run(lantern_crawl *out, const char *root);

/* The same, knowing the extractor plugins: files of a format a plugin reads
 * are resources even without a sidecar, and loading extracts their text.
 * `plugins` is borrowed and must outlive the crawl. */
lantern_status lantern_crawl_run_with(lantern_crawl *out, const char *root,
                                      const lantern_plugin_set *plugins,
                                      const lantern_extract_limits *limits);

/* Loads every folder's _defaults.yaml and resolves the chains. `global` (may
 * be NULL) is the lowest-priority defaults (the --defaults file); `seed` is
 * mixed into every context hash (schema, format version, global defaults
 * content). Problems go to `diagnostics`; a folder whose chain has an error
 * is marked defaults_invalid and its resources fail to load. */
lantern_status lantern_crawl_load_defaults(lantern_crawl *crawl, const lantern_schema *schema,
                                           const lantern_metadata *global, uint64_t seed,
                                           lantern_diagnostics *diagnostics);

/* True when `path` (relative) is at or below a folder that could not be read. */
bool lantern_crawl_is_unreadable(const lantern_crawl *crawl, const char *path);

void lantern_crawl_clear(lantern_crawl *crawl);

/* One input file of a resource, as seen when it was loaded. */
typedef struct lantern_input_file {
	char *path;        /* relative */
	uint64_t size;
	int64_t mtime_ns;
} lantern_input_file;

typedef struct lantern_resource {
	lantern_metadata metadata;   /* validated, defaults applied, id and title filled */
	char *body;                  /* extracted text ("" when metadata only) */
	size_t body_length;
	const char *format;          /* "markdown", "text", "yaml", or the plugin's name / extension */
	size_t *page_starts;         /* body offsets where pages start (PDF); NULL when no pages */
	size_t page_count;
	bool metadata_only;          /* a sidecar for a format with no extractor */
	lantern_input_file inputs[3]; /* primary, sidecar, transcript */
	size_t input_count;
	uint64_t content_hash;       /* over every input's bytes and the folder context */
	int64_t loaded_at_ns;        /* wall clock when the inputs were stat'ed */
	lantern_diagnostics diagnostics; /* errors mean: do not index */
} lantern_resource;

/* Stats the inputs of `source` (without reading them) into `files`; returns
 * how many (at most 3), or 0 with *status set on failure. Cheap: used to
 * decide whether a resource changed since it was indexed. */
size_t lantern_source_stat(const lantern_crawl *crawl, const lantern_source *source,
                           lantern_input_file files[3], lantern_status *status);

/* Reads, validates and extracts one resource. Returns LANTERN_OK when it can
 * be indexed; LANTERN_ERROR_PARSE when it has errors (in out->diagnostics);
 * other codes for I/O failures (also recorded as a diagnostic). `out` must
 * be cleared with lantern_resource_clear() in every case. */
lantern_status lantern_resource_load(lantern_resource *out, const lantern_crawl *crawl,
                                     const lantern_source *source, const lantern_schema *schema);

/* Builds the index document of a loaded resource (see index_schema.h).
 * `generator` is the calling thread's term generator. `state` is the text
 * stored in LANTERN_SLOT_STATE. */
lantern_status lantern_resource_build(const lantern_resource *resource,
                                      const lantern_schema *schema,
                                      lantern_term_generator *generator, const char *state,
                                      lantern_document **out);

void lantern_resource_clear(lantern_resource *resource);

/* The id derived from a relative path: the path without its extension
 * ("policies/rural.md" -> "policies/rural"). Caller frees. */
char *lantern_id_from_path(const char *path);

#ifdef __cplusplus
}
#endif
#endif
