/*
 * utf8.c - UTF-8 validation following RFC 3629's table of well-formed
 * sequences, so the index and every snippet built from it hold only valid text.
 */
#include "common/utf8.h"

bool lantern_utf8_validate(const char *text, size_t length, size_t *bad_offset)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;
	while (i < length) {
		unsigned char c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t need;
		unsigned char low = 0x80, high = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0) low = 0xA0;
			if (c == 0xED) high = 0x9F; /* no surrogates */
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0) low = 0x90;
			if (c == 0xF4) high = 0x8F;
		} else {
			goto bad;
		}
		if (i + need >= length)
			goto bad;
		if (s[i + 1] < low || s[i + 1] > high)
			goto bad;
		for (size_t k = 2; k <= need; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				goto bad;
		i += need + 1;
	}
	return true;
bad:
	if (bad_offset)
		*bad_offset = i;
	return false;
}

void lantern_text_position(const char *text, size_t offset, unsigned *line, unsigned *column)
{
	unsigned l = 1, c = 1;
	for (size_t i = 0; i < offset; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*column = c;
}

size_t lantern_utf8_truncate(const char *text, size_t length, size_t max)
{
	if (length <= max)
		return length;
	size_t cut = max;
	while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
		cut--;
	return cut;
}
