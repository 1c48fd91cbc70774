/*
 * buffer.h - a growable byte buffer with a hard size cap (internal).
 *
 * Everything Lantern reads from outside goes through one of these, so every
 * input has a limit and exceeding it is an error (LANTERN_ERROR_TOO_LARGE),
 * never an unbounded allocation. The data is always NUL-terminated.
 */
#ifndef LANTERN_COMMON_BUFFER_H
#define LANTERN_COMMON_BUFFER_H

#include <stddef.h>
#include "lantern/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lantern_buffer {
	char *data;      /* NUL-terminated; NULL until the first append */
	size_t length;   /* bytes used, excluding the terminator */
	size_t capacity; /* bytes allocated */
	size_t limit;    /* maximum length; 0 means SIZE_MAX */
} lantern_buffer;

#define LANTERN_BUFFER_INIT(max) { NULL, 0, 0, (max) }

lantern_status lantern_buffer_append(lantern_buffer *buffer, const void *bytes, size_t count);
lantern_status lantern_buffer_append_string(lantern_buffer *buffer, const char *string);
lantern_status lantern_buffer_append_char(lantern_buffer *buffer, char c);
lantern_status lantern_buffer_printf(lantern_buffer *buffer, const char *format, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/* Forgets the contents but keeps the allocation. */
void lantern_buffer_reset(lantern_buffer *buffer);
/* Hands the data to the caller (who frees it) and empties the buffer. Never
 * NULL on success: an empty buffer gives "". */
lantern_status lantern_buffer_detach(lantern_buffer *buffer, char **out);
void lantern_buffer_dispose(lantern_buffer *buffer);

/* Reads a whole file, failing with LANTERN_ERROR_TOO_LARGE past `limit`
 * bytes. The result is NUL-terminated (binary content may hold NULs).
 * Only regular files are read (symlinks to them are followed): a FIFO or
 * device is refused without blocking. */
lantern_status lantern_file_read(const char *path, size_t limit, char **out, size_t *out_length);

#ifdef __cplusplus
}
#endif
#endif
