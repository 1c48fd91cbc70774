/*
 * lantern/extract.h - loading extractor plugins and running them safely.
 *
 * The host side of plugin.h. A plugin set holds the built-in extractors
 * (Markdown, plain text) and every plugin found in the plugin directory.
 * lantern_extract_file() runs a trusted extractor in-process and an
 * untrusted one in a `lantern-extract` child process under CPU, memory,
 * output and wall-clock limits; either way the caller gets the same result
 * or a one-line reason.
 */
#ifndef LANTERN_EXTRACT_H
#define LANTERN_EXTRACT_H

#include <stdbool.h>
#include <stddef.h>
#include "lantern/diagnostics.h"
#include "lantern/plugin.h"
#include "lantern/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lantern_plugin_set lantern_plugin_set;

/* Built-ins plus every *.so in `directory` (NULL or missing: built-ins
 * only). A plugin that cannot be loaded, has no entry point or an unknown
 * ABI version is reported in `diagnostics` and skipped. */
lantern_status lantern_plugins_load(lantern_plugin_set **out, const char *directory,
                                    lantern_diagnostics *diagnostics);
/* Built-ins plus only NAME.so from `directory` (lantern-extract, which
 * needs one plugin per run). */
lantern_status lantern_plugins_load_one(lantern_plugin_set **out, const char *directory,
                                        const char *name, lantern_diagnostics *diagnostics);
void lantern_plugins_free(lantern_plugin_set *set);

size_t lantern_plugins_count(const lantern_plugin_set *set);
const lantern_plugin *lantern_plugins_get(const lantern_plugin_set *set, size_t index);
/* The plugin for a file, by its extension (case-insensitive), or NULL. */
const lantern_plugin *lantern_plugins_for_path(const lantern_plugin_set *set, const char *path);
const lantern_plugin *lantern_plugins_by_name(const lantern_plugin_set *set, const char *name);
/* The directory the set was loaded from ("" for built-ins only). */
const char *lantern_plugins_directory(const lantern_plugin_set *set);

typedef struct lantern_extract_limits {
	unsigned cpu_seconds;   /* RLIMIT_CPU of the child */
	unsigned wall_seconds;  /* killed after this long */
	size_t memory_bytes;    /* RLIMIT_AS of the child */
	size_t output_bytes;    /* text beyond this fails the document */
	const char *helper;     /* path of lantern-extract */
} lantern_extract_limits;

#define LANTERN_EXTRACT_LIMITS_INIT { 60, 120, (size_t)1 << 30, (size_t)64 << 20, NULL }

/* What an extractor produced. */
typedef struct lantern_document_text {
	char *text;             /* UTF-8, blocks separated by blank lines */
	size_t length;
	char *first_heading;    /* NULL when none */
	char *title, *author, *created, *modified; /* embedded metadata or NULL */
	size_t *page_starts;    /* byte offset in text where each page starts */
	size_t page_count;      /* 0 for formats without pages */
} lantern_document_text;

/* Extracts `path` with `plugin`. On failure returns LANTERN_ERROR_PARSE (or
 * TOO_LARGE) with a one-line reason in `reason` ("timed out after 120 s",
 * "crashed (signal 11)", "encrypted PDF", ...). */
lantern_status lantern_extract_file(const lantern_plugin_set *set, const lantern_plugin *plugin,
                                    const char *path, const lantern_extract_limits *limits,
                                    lantern_document_text *out, char *reason, size_t reason_size);

void lantern_document_text_clear(lantern_document_text *text);

/* Runs `plugin` on `path` in this process and writes the result as frames
 * to `fd` (the child side of lantern_extract_file; used by lantern-extract).
 * Returns the process exit status to use. */
int lantern_extract_to_fd(const lantern_plugin *plugin, const char *path, size_t output_bytes, int fd);

/* The page (1-based) holding byte `offset` of `text`, or 0 without pages. */
size_t lantern_document_page_of(const size_t *page_starts, size_t page_count, size_t offset);

#ifdef __cplusplus
}
#endif
#endif
