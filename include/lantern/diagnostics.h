/*
 * lantern/diagnostics.h - what is wrong with a document, and where.
 *
 * Validation never stops at the first problem: every error and warning found
 * in a file is collected here with its file, line and column (1-based, as
 * compilers print them), and the caller decides how to show them.
 */
#ifndef LANTERN_DIAGNOSTICS_H
#define LANTERN_DIAGNOSTICS_H

#include <stddef.h>
#include "lantern/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lantern_severity {
	LANTERN_SEVERITY_ERROR = 0,   /* the resource cannot be indexed */
	LANTERN_SEVERITY_WARNING = 1, /* indexed, but the curator should look */
	LANTERN_SEVERITY_NOTE = 2     /* extra context for the preceding item */
} lantern_severity;

typedef struct lantern_diagnostic {
	lantern_severity severity;
	char *path;      /* as given to the validator; may be "" */
	unsigned line;   /* 1-based; 0 when the problem has no position */
	unsigned column; /* 1-based, in characters */
	char *message;
} lantern_diagnostic;

typedef struct lantern_diagnostics {
	lantern_diagnostic *items;
	size_t count;
	size_t capacity;
	size_t error_count;
	size_t warning_count;
} lantern_diagnostics;

#define LANTERN_DIAGNOSTICS_INIT { NULL, 0, 0, 0, 0 }

/* At most this many diagnostics are kept per list; past it one final error
 * says so. A hostile file cannot make the indexer allocate without bound. */
#define LANTERN_DIAGNOSTICS_MAX 200

lantern_status lantern_diagnostics_add(lantern_diagnostics *list, lantern_severity severity,
                                       const char *path, unsigned line, unsigned column,
                                       const char *format, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 6, 7)))
#endif
	;

/* Moves every item of `from` to the end of `to`; `from` is left empty. */
lantern_status lantern_diagnostics_take(lantern_diagnostics *to, lantern_diagnostics *from);

/* "path:line:col: error: message" (position parts omitted when zero), into a
 * string the caller frees. */
char *lantern_diagnostic_format(const lantern_diagnostic *item);

void lantern_diagnostics_clear(lantern_diagnostics *list);

#ifdef __cplusplus
}
#endif
#endif
