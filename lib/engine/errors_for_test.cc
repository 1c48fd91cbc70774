/*
 * errors_for_test.cc - lets unit tests check the exception-to-status mapping
 * for error classes that are hard to provoke from outside (a corrupt table, a
 * modified database in mid-read).
 */
#include "engine/engine_internal.h"

#include <new>
#include <stdexcept>
#include <string>

static void throw_kind(const std::string &kind)
{
	if (kind == "DatabaseLockError") throw Xapian::DatabaseLockError("locked");
	if (kind == "DatabaseModifiedError") throw Xapian::DatabaseModifiedError("modified");
	if (kind == "DatabaseCorruptError") throw Xapian::DatabaseCorruptError("corrupt");
	if (kind == "DatabaseNotFoundError") throw Xapian::DatabaseNotFoundError("not found");
	if (kind == "DatabaseOpeningError") throw Xapian::DatabaseOpeningError("opening");
	if (kind == "DatabaseVersionError") throw Xapian::DatabaseVersionError("version");
	if (kind == "DatabaseError") throw Xapian::DatabaseError("database");
	if (kind == "QueryParserError") throw Xapian::QueryParserError("syntax");
	if (kind == "InvalidArgumentError") throw Xapian::InvalidArgumentError("argument");
	if (kind == "RangeError") throw Xapian::RangeError("range");
	if (kind == "NetworkError") throw Xapian::NetworkError("network");
	if (kind == "bad_alloc") throw std::bad_alloc();
	if (kind == "std") throw std::runtime_error("standard");
	throw 42;
}

extern "C" lantern_status lantern_engine_translate_for_test(const char *kind)
{
	try {
		throw_kind(kind);
	} catch (...) {
		return lantern_engine_translate_exception();
	}
	return LANTERN_OK;
}
