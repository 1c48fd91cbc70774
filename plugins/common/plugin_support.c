/*
 * plugin_support.c - helpers shared by the extractor plugins.
 */
#include "plugin_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buffer_add(text_buffer *buffer, const char *bytes, size_t count)
{
	if (buffer->failed || count == 0)
		return;
	if (buffer->length + count + 1 > buffer->capacity) {
		size_t capacity = buffer->capacity ? buffer->capacity : 256;
		while (capacity < buffer->length + count + 1)
			capacity *= 2;
		char *grown = realloc(buffer->data, capacity);
		if (!grown) {
			buffer->failed = true;
			return;
		}
		buffer->data = grown;
		buffer->capacity = capacity;
	}
	memcpy(buffer->data + buffer->length, bytes, count);
	buffer->length += count;
	buffer->data[buffer->length] = '\0';
}

void buffer_free(text_buffer *buffer)
{
	free(buffer->data);
	memset(buffer, 0, sizeof(*buffer));
}

bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}


/* Length of `text` cut to at most `limit` bytes without splitting a UTF-8
 * sequence. */
size_t utf8_cut(const char *text, size_t length, size_t limit)
{
	if (length <= limit)
		return length;
	while (limit > 0 && ((unsigned char)text[limit] & 0xC0) == 0x80)
		limit--;
	return limit;
}

/* Collapses whitespace runs to one space and trims; the result is malloc'd
 * and at most `limit` bytes (NULL when empty or out of memory). */
char *collapse(const char *text, size_t limit)
{
	if (!text)
		return NULL;
	text_buffer out = { 0 };
	bool space = false;
	for (const char *p = text; *p; p++) {
		if (is_space((unsigned char)*p)) {
			space = out.length > 0;
			continue;
		}
		if (space)
			buffer_add(&out, " ", 1);
		space = false;
		buffer_add(&out, p, 1);
	}
	if (out.failed || out.length == 0) {
		buffer_free(&out);
		return NULL;
	}
	out.data[utf8_cut(out.data, out.length, limit)] = '\0';
	return out.data;
}

/* "2023-04-05T10:00:00Z", "2023/04/05", "20230405" -> "2023-04-05". */
bool normalize_date(const char *text, char out[11])
{
	if (!text)
		return false;
	while (is_space((unsigned char)*text))
		text++;
	int digits = 0;
	while (text[digits] >= '0' && text[digits] <= '9')
		digits++;
	int year, month, day;
	if (digits == 8) {
		year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
		month = (text[4] - '0') * 10 + (text[5] - '0');
		day = (text[6] - '0') * 10 + (text[7] - '0');
	} else if (digits == 4) {
		char separator = text[4];
		if (separator != '-' && separator != '/' && separator != '.')
			return false;
		const char *p = text + 5;
		if (!(p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && p[2] == separator &&
		      p[3] >= '0' && p[3] <= '9' && p[4] >= '0' && p[4] <= '9') ||
		    (p[5] >= '0' && p[5] <= '9'))
			return false;
		year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
		month = (p[0] - '0') * 10 + (p[1] - '0');
		day = (p[3] - '0') * 10 + (p[4] - '0');
	} else {
		return false;
	}
	if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31)
		return false;
	const int digits_out[8] = { year / 1000, year / 100 % 10, year / 10 % 10, year % 10,
	                            month / 10, month % 10, day / 10, day % 10 };
	const int at[8] = { 0, 1, 2, 3, 5, 6, 8, 9 };
	for (int i = 0; i < 8; i++)
		out[at[i]] = (char)('0' + digits_out[i]);
	out[4] = out[7] = '-';
	out[10] = '\0';
	return true;
}

int fail(char *error, size_t error_size, const char *format, ...)
{
	va_list arguments;
	va_start(arguments, format);
	vsnprintf(error, error_size, format, arguments);
	va_end(arguments);
	/* One line: libxml2 messages end in "\n". */
	for (char *p = error; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = (p[1] ? ' ' : '\0');
	return 1;
}
