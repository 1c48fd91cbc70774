/*
 * utf8.h - UTF-8 validation and positions (internal).
 */
#ifndef LANTERN_COMMON_UTF8_H
#define LANTERN_COMMON_UTF8_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* True when text[0..length) is well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). On failure *bad_offset is the offset
 * of the first byte of the offending sequence. */
bool lantern_utf8_validate(const char *text, size_t length, size_t *bad_offset);

/* The 1-based line and column (in characters) of byte `offset` in text. */
void lantern_text_position(const char *text, size_t offset, unsigned *line, unsigned *column);

/* Length of the longest prefix of text[0..length) that does not end inside a
 * multi-byte character and is at most `max` bytes. */
size_t lantern_utf8_truncate(const char *text, size_t length, size_t max);

#ifdef __cplusplus
}
#endif
#endif
