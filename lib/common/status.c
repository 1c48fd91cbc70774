/*
 * status.c - status strings and the thread-local last error.
 *
 * The detail buffer is fixed-size and per thread, so setting an error never
 * allocates (it must work when memory has run out) and never races.
 */
#include "common/error.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_error_detail[1024];

const char *lantern_status_to_string(lantern_status status)
{
	switch (status) {
	case LANTERN_OK: return "success";
	case LANTERN_ERROR_NO_MEMORY: return "out of memory";
	case LANTERN_ERROR_INVALID_ARGUMENT: return "invalid argument";
	case LANTERN_ERROR_IO: return "input/output error";
	case LANTERN_ERROR_TOO_LARGE: return "input too large";
	case LANTERN_ERROR_PARSE: return "malformed input";
	case LANTERN_ERROR_NOT_FOUND: return "not found";
	case LANTERN_ERROR_UNSUPPORTED: return "unsupported";
	case LANTERN_ERROR_DATABASE_LOCKED: return "database locked";
	case LANTERN_ERROR_DATABASE_MODIFIED: return "database modified";
	case LANTERN_ERROR_DATABASE_CORRUPT: return "database corrupt";
	case LANTERN_ERROR_DATABASE_NOT_FOUND: return "database not found";
	case LANTERN_ERROR_DATABASE_OPENING: return "database cannot be opened";
	case LANTERN_ERROR_DATABASE: return "database error";
	case LANTERN_ERROR_QUERY_PARSER: return "query parse error";
	case LANTERN_ERROR_ENGINE_INVALID_ARGUMENT: return "engine: invalid argument";
	case LANTERN_ERROR_ENGINE_RANGE: return "engine: value out of range";
	case LANTERN_ERROR_ENGINE: return "engine error";
	case LANTERN_ERROR_INTERNAL: return "internal error";
	case LANTERN_ERROR_NETWORK: return "remote shard unavailable";
	}
	return "unknown status";
}

const char *lantern_error_detail(void)
{
	return last_error_detail;
}

void lantern_error_clear(void)
{
	last_error_detail[0] = '\0';
}

lantern_status lantern_error_set(lantern_status status, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	vsnprintf(last_error_detail, sizeof(last_error_detail), format, args);
	va_end(args);
	return status;
}

lantern_status lantern_error_set_errno(const char *what)
{
	int saved = errno;
	lantern_status status = saved == ENOMEM ? LANTERN_ERROR_NO_MEMORY : LANTERN_ERROR_IO;
	if (saved == ENOENT)
		status = LANTERN_ERROR_NOT_FOUND;
	return lantern_error_set(status, "%s: %s", what, strerror(saved));
}
