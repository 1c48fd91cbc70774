/*
 * plugin_support.h - small helpers shared by the extractor plugins (compiled
 * into each plugin; nothing here is part of the plugin ABI).
 */
#ifndef LANTERN_PLUGIN_SUPPORT_H
#define LANTERN_PLUGIN_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>

/* A growable string that remembers an allocation failure instead of
 * reporting each one; data is NUL-terminated. */
typedef struct text_buffer {
	char *data;
	size_t length, capacity;
	bool failed; /* an allocation failed */
} text_buffer;

void buffer_add(text_buffer *buffer, const char *bytes, size_t count);
void buffer_free(text_buffer *buffer);
/* ASCII blanks, form feed included. */
bool is_space(unsigned char c);
/* Length of `text` cut to at most `limit` bytes without splitting a UTF-8
 * sequence. */
size_t utf8_cut(const char *text, size_t length, size_t limit);
/* Collapses whitespace runs to one space and trims; the result is malloc'd
 * and at most `limit` bytes (NULL when empty or out of memory). */
char *collapse(const char *text, size_t limit);
/* "2023-04-05T10:00:00Z", "2023/04/05", "20230405" -> "2023-04-05". */
bool normalize_date(const char *text, char out[11]);
/* Formats a one-line reason into `error` and returns 1 (extract()'s failure). */
int fail(char *error, size_t error_size, const char *format, ...) __attribute__((format(printf, 3, 4)));

#endif
