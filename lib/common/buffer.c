/*
 * buffer.c - capped growable buffers and whole-file reads.
 */
#include "common/buffer.h"
#include "common/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static lantern_status buffer_reserve(lantern_buffer *buffer, size_t extra)
{
	size_t limit = buffer->limit ? buffer->limit : SIZE_MAX - 1;
	if (extra > limit || buffer->length > limit - extra)
		return lantern_error_set(LANTERN_ERROR_TOO_LARGE,
		                         "more than %zu bytes", limit);
	size_t needed = buffer->length + extra + 1;
	if (needed <= buffer->capacity)
		return LANTERN_OK;
	size_t capacity = buffer->capacity ? buffer->capacity : 64;
	while (capacity < needed)
		capacity = capacity > SIZE_MAX / 2 ? needed : capacity * 2;
	char *grown = realloc(buffer->data, capacity);
	if (!grown)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "buffer of %zu bytes", capacity);
	/* Keep the data NUL-terminated even before anything is appended (a
	 * reserve for an empty file must still detach as ""). */
	grown[buffer->length] = '\0';
	buffer->data = grown;
	buffer->capacity = capacity;
	return LANTERN_OK;
}

lantern_status lantern_buffer_append(lantern_buffer *buffer, const void *bytes, size_t count)
{
	lantern_status status = buffer_reserve(buffer, count);
	if (status != LANTERN_OK)
		return status;
	if (count)
		memcpy(buffer->data + buffer->length, bytes, count);
	buffer->length += count;
	buffer->data[buffer->length] = '\0';
	return LANTERN_OK;
}

lantern_status lantern_buffer_append_string(lantern_buffer *buffer, const char *string)
{
	return lantern_buffer_append(buffer, string, strlen(string));
}

lantern_status lantern_buffer_append_char(lantern_buffer *buffer, char c)
{
	return lantern_buffer_append(buffer, &c, 1);
}

lantern_status lantern_buffer_printf(lantern_buffer *buffer, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	int needed = vsnprintf(NULL, 0, format, args);
	va_end(args);
	if (needed < 0)
		return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT, "bad format");
	lantern_status status = buffer_reserve(buffer, (size_t)needed);
	if (status != LANTERN_OK)
		return status;
	va_start(args, format);
	vsnprintf(buffer->data + buffer->length, (size_t)needed + 1, format, args);
	va_end(args);
	buffer->length += (size_t)needed;
	return LANTERN_OK;
}

void lantern_buffer_reset(lantern_buffer *buffer)
{
	buffer->length = 0;
	if (buffer->data)
		buffer->data[0] = '\0';
}

lantern_status lantern_buffer_detach(lantern_buffer *buffer, char **out)
{
	if (!buffer->data) {
		lantern_status status = buffer_reserve(buffer, 0);
		if (status != LANTERN_OK)
			return status;
		buffer->data[0] = '\0';
	}
	*out = buffer->data;
	buffer->data = NULL;
	buffer->length = buffer->capacity = 0;
	return LANTERN_OK;
}

void lantern_buffer_dispose(lantern_buffer *buffer)
{
	if (!buffer)
		return;
	free(buffer->data);
	buffer->data = NULL;
	buffer->length = buffer->capacity = 0;
}

lantern_status lantern_file_read(const char *path, size_t limit, char **out, size_t *out_length)
{
	*out = NULL;
	if (out_length)
		*out_length = 0;
	/* Symlinks are followed: the crawl decides which links are acceptable
	 * (targets inside the corpus) and the resource loader checks the paths
	 * it was not given by the crawl. O_NONBLOCK keeps a FIFO from blocking
	 * the open; non-regular files are refused below. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return lantern_error_set_errno(path);
	struct stat info;
	if (fstat(fd, &info) != 0) {
		lantern_status status = lantern_error_set_errno(path);
		close(fd);
		return status;
	}
	if (!S_ISREG(info.st_mode)) {
		close(fd);
		return lantern_error_set(LANTERN_ERROR_IO, "%s: not a regular file", path);
	}
	if ((uint64_t)info.st_size > limit) {
		close(fd);
		return lantern_error_set(LANTERN_ERROR_TOO_LARGE,
		                         "%s: %lld bytes, over the %zu byte limit",
		                         path, (long long)info.st_size, limit);
	}
	lantern_buffer buffer = LANTERN_BUFFER_INIT(limit);
	lantern_status status = buffer_reserve(&buffer, (size_t)info.st_size);
	char chunk[65536];
	while (status == LANTERN_OK) {
		ssize_t got = read(fd, chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			status = lantern_error_set_errno(path);
			break;
		}
		if (got == 0)
			break;
		status = lantern_buffer_append(&buffer, chunk, (size_t)got);
		if (status == LANTERN_ERROR_TOO_LARGE)
			lantern_error_set(status, "%s: over the %zu byte limit", path, limit);
	}
	close(fd);
	if (status != LANTERN_OK) {
		lantern_buffer_dispose(&buffer);
		return status;
	}
	size_t length = buffer.length;
	status = lantern_buffer_detach(&buffer, out);
	if (status == LANTERN_OK && out_length)
		*out_length = length;
	return status;
}
