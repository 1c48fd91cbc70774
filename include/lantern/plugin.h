/*
 * lantern/plugin.h - the extractor plugin ABI.
 *
 * An extractor turns one file format into UTF-8 text with structure
 * (headings, page breaks) and embedded metadata (title, author, dates). Each
 * plugin is a shared object in the plugin directory that exports
 *
 *     const lantern_plugin *lantern_plugin_entry(void);
 *
 * returning a static descriptor. The descriptor's first field is the ABI
 * version; fields are only ever appended (with a version bump), so a loader
 * reads what the version says the plugin has and refuses versions it does
 * not know. plugins/hello/ is the template; docs/plugins.md the guide.
 *
 * Contract for extract(): read only `path`; report through the sink, in
 * document order; never print, exit or abort; return 0, or non-zero with a
 * one-line reason in `error`. Plugins marked `untrusted` (any format parsed
 * from outside: PDF, HTML, Office) run in a child process with CPU, memory,
 * output and wall-clock limits (lantern-extract), so a crash, hang or bomb
 * fails one document, never the indexer.
 *
 * This header compiles on its own as C11 and as C++.
 */
#ifndef LANTERN_PLUGIN_H
#define LANTERN_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LANTERN_PLUGIN_ABI_VERSION 1u
#define LANTERN_PLUGIN_ENTRY_SYMBOL "lantern_plugin_entry"

/* Where extracted pieces go. Opaque to plugins. */
typedef struct lantern_extract_output lantern_extract_output;

/* Each callback returns 0 to go on, non-zero when the plugin should stop
 * (the output is over its size cap). Text is UTF-8; invalid sequences are
 * replaced by the receiver. */
typedef struct lantern_extract_sink {
	/* Running text. Call as often as convenient; paragraph breaks are "\n\n". */
	int (*text)(lantern_extract_output *out, const char *text, size_t length);
	/* A heading of level 1..6 (also appended to the text). */
	int (*heading)(lantern_extract_output *out, int level, const char *text, size_t length);
	/* The text that follows is on the next page (page 1 needs no call). */
	int (*page_break)(lantern_extract_output *out);
	/* Embedded metadata: "title", "author", "created", "modified" (dates as
	 * YYYY-MM-DD when known). Other keys are accepted and ignored. */
	int (*metadata)(lantern_extract_output *out, const char *key, const char *value);
} lantern_extract_sink;

typedef struct lantern_plugin {
	uint32_t abi_version;             /* LANTERN_PLUGIN_ABI_VERSION: always first */
	const char *name;                 /* "pdf": unique, lowercase */
	const char *description;          /* one line for `lantern-index --list-plugins` */
	const char *const *media_types;   /* NULL-terminated, e.g. "application/pdf" */
	const char *const *extensions;    /* NULL-terminated, lowercase, without the dot */
	bool untrusted;                   /* parse in an isolated child process */
	int (*extract)(const char *path, const lantern_extract_sink *sink, lantern_extract_output *out,
	               char *error, size_t error_size);
} lantern_plugin;

typedef const lantern_plugin *(*lantern_plugin_entry_function)(void);

#ifdef __cplusplus
}
#endif
#endif
