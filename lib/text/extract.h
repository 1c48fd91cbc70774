/*
 * extract.h - built-in text extraction for Markdown and plain text (internal).
 *
 * Extractors turn a file's bytes into the UTF-8 text that gets indexed and
 * shown in snippets, plus the first heading (the title of last resort).
 * Other formats arrive as plugins (plugins/); these two are built in because
 * every corpus has them.
 */
#ifndef LANTERN_TEXT_EXTRACT_H
#define LANTERN_TEXT_EXTRACT_H

#include <stddef.h>
#include "lantern/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Extracted text larger than this is an error for the document. */
#define LANTERN_TEXT_MAX (32u * 1024 * 1024)

typedef struct lantern_extracted {
	char *text;          /* blocks separated by blank lines; never NULL on success */
	size_t length;
	char *first_heading; /* NULL when the document has none */
} lantern_extracted;

/* Markdown (CommonMark + GitHub tables) to text: markup, link targets, raw
 * HTML and Hugo shortcodes ({{< ... >}}) dropped; entities decoded. */
lantern_status lantern_markdown_extract(const char *markdown, size_t length, lantern_extracted *out);

/* Plain text: copied with line endings normalised; the first non-blank line
 * serves as the heading. */
lantern_status lantern_plain_text_extract(const char *text, size_t length, lantern_extracted *out);

void lantern_extracted_clear(lantern_extracted *extracted);

#ifdef __cplusplus
}
#endif
#endif
