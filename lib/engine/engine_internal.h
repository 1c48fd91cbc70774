/*
 * engine_internal.h - shared between the shim's .cc files and its unit tests.
 */
#ifndef LANTERN_ENGINE_INTERNAL_H
#define LANTERN_ENGINE_INTERNAL_H

#include "lantern/status.h"

#ifdef __cplusplus
#include <xapian.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

/* Maps the exception being handled to a status and sets the error detail.
 * Precondition: called inside a catch block. */
lantern_status lantern_engine_translate_exception() noexcept;

/* Every extern "C" entry point is wrapped in these: no exception crosses
 * into C. */
#define ENGINE_GUARD_BEGIN try {
#define ENGINE_GUARD_END \
	} catch (...) { \
		return lantern_engine_translate_exception(); \
	}

/* A malloc'd copy for a C caller to free; throws std::bad_alloc. */
static inline char *copy_string(const std::string &text)
{
	char *copy = static_cast<char *>(std::malloc(text.size() + 1));
	if (!copy)
		throw std::bad_alloc();
	std::memcpy(copy, text.data(), text.size());
	copy[text.size()] = '\0';
	return copy;
}

/* A Xapian::Stem backed by libstemmer; throws InvalidArgumentError for an
 * unknown language. */
Xapian::Stem lantern_engine_make_stem(const char *language);

extern "C" {
#endif

/* Test hook: throws an exception of the kind named (a Xapian class name such
 * as "DatabaseLockError", or "bad_alloc", "std", "other") inside the shim and
 * returns what the shim translates it to. */
lantern_status lantern_engine_translate_for_test(const char *kind);

#ifdef __cplusplus
}
#endif
#endif
