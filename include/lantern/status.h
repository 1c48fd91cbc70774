/*
 * lantern/status.h - the one status enum of liblantern.
 *
 * Every fallible function returns a lantern_status. The code says what kind of
 * failure it was (callers branch on it); the human-readable detail - which
 * file, which Xapian message - is kept apart, in a thread-local "last error"
 * that lantern_error_detail() returns. Codes are never renumbered: scripts and
 * logs may have recorded them.
 */
#ifndef LANTERN_STATUS_H
#define LANTERN_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lantern_status {
	LANTERN_OK = 0,
	LANTERN_ERROR_NO_MEMORY = 1,
	LANTERN_ERROR_INVALID_ARGUMENT = 2, /* a caller broke a precondition */
	LANTERN_ERROR_IO = 3,               /* a system call failed; detail has errno text */
	LANTERN_ERROR_TOO_LARGE = 4,        /* input exceeded a size cap */
	LANTERN_ERROR_PARSE = 5,            /* malformed input (YAML, front matter, UTF-8) */
	LANTERN_ERROR_NOT_FOUND = 6,
	LANTERN_ERROR_UNSUPPORTED = 7,      /* e.g. a language without a stemmer */
	/* Xapian's errors, one code each, so callers can retry or report precisely. */
	LANTERN_ERROR_DATABASE_LOCKED = 20,    /* Xapian::DatabaseLockError */
	LANTERN_ERROR_DATABASE_MODIFIED = 21,  /* Xapian::DatabaseModifiedError: reopen and retry */
	LANTERN_ERROR_DATABASE_CORRUPT = 22,   /* Xapian::DatabaseCorruptError */
	LANTERN_ERROR_DATABASE_NOT_FOUND = 23, /* Xapian::DatabaseNotFoundError */
	LANTERN_ERROR_DATABASE_OPENING = 24,   /* Xapian::DatabaseOpeningError (other) */
	LANTERN_ERROR_DATABASE = 25,           /* any other Xapian::DatabaseError */
	LANTERN_ERROR_QUERY_PARSER = 26,       /* Xapian::QueryParserError */
	LANTERN_ERROR_ENGINE_INVALID_ARGUMENT = 27, /* Xapian::InvalidArgumentError */
	LANTERN_ERROR_ENGINE_RANGE = 28,       /* Xapian::RangeError */
	LANTERN_ERROR_ENGINE = 29,             /* any other Xapian::Error */
	LANTERN_ERROR_INTERNAL = 30,           /* an unexpected C++ exception */
	LANTERN_ERROR_NETWORK = 31             /* Xapian::NetworkError: a remote shard is down or slow */
} lantern_status;

/* A short constant description of a status ("database locked"). Never NULL;
 * unknown values give "unknown status". */
const char *lantern_status_to_string(lantern_status status);

/* Detail text of the last error set on this thread, or "" when none. The
 * pointer is valid until the next liblantern call on this thread. */
const char *lantern_error_detail(void);

/* Clears this thread's last error. */
void lantern_error_clear(void);

#ifdef __cplusplus
}
#endif
#endif
