/*
 * error.h - setting the thread-local last error (internal).
 *
 * Library code reports a failure as `return lantern_error_set(CODE, fmt, ...)`:
 * the code is returned to the caller and the formatted detail is kept for
 * lantern_error_detail(). Callers that pass an error up unchanged just return
 * the status; the detail stays.
 */
#ifndef LANTERN_COMMON_ERROR_H
#define LANTERN_COMMON_ERROR_H

#include "lantern/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define LANTERN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LANTERN_PRINTF(f, a)
#endif

lantern_status lantern_error_set(lantern_status status, const char *format, ...)
	LANTERN_PRINTF(2, 3);

/* Sets LANTERN_ERROR_IO with "<what>: <strerror(errno)>". */
lantern_status lantern_error_set_errno(const char *what);

#ifdef __cplusplus
}
#endif
#endif
