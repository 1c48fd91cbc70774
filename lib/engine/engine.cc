/*
 * engine.cc - the extern "C" shim over Xapian's C++ API (index side).
 *
 * Every entry point is `try { ... } catch (...) { return translate_exception(); }`:
 * no exception ever crosses into C. translate_exception() rethrows the
 * in-flight exception and maps each Xapian error class to its own
 * lantern_status, keeping Xapian's message as the thread's error detail.
 *
 * The stemmer is libstemmer behind a Xapian::StemImplementation, so Xapian's
 * TermGenerator (and, on the query side, QueryParser and snippets) use exactly
 * the stemmer the indexer used.
 */
#include "lantern/engine.h"
#include "engine/engine_internal.h"

extern "C" {
#include "common/error.h"
}

#include <libstemmer.h>
#include <xapian.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <string>

/* ------------------------------------------------------------------ errors */

static lantern_status fail(lantern_status status, const Xapian::Error &error)
{
	std::string text = error.get_msg();
	if (!error.get_context().empty())
		text += " (" + error.get_context() + ")";
	return lantern_error_set(status, "%s: %s", error.get_type(), text.c_str());
}

/* Precondition: called from inside a catch block. */
lantern_status lantern_engine_translate_exception() noexcept
{
	try {
		throw;
	} catch (const Xapian::DatabaseLockError &e) {
		return fail(LANTERN_ERROR_DATABASE_LOCKED, e);
	} catch (const Xapian::DatabaseModifiedError &e) {
		return fail(LANTERN_ERROR_DATABASE_MODIFIED, e);
	} catch (const Xapian::DatabaseCorruptError &e) {
		return fail(LANTERN_ERROR_DATABASE_CORRUPT, e);
	} catch (const Xapian::DatabaseNotFoundError &e) {
		return fail(LANTERN_ERROR_DATABASE_NOT_FOUND, e);
	} catch (const Xapian::DatabaseOpeningError &e) {
		return fail(LANTERN_ERROR_DATABASE_OPENING, e);
	} catch (const Xapian::DatabaseError &e) {
		return fail(LANTERN_ERROR_DATABASE, e);
	} catch (const Xapian::QueryParserError &e) {
		return fail(LANTERN_ERROR_QUERY_PARSER, e);
	} catch (const Xapian::InvalidArgumentError &e) {
		return fail(LANTERN_ERROR_ENGINE_INVALID_ARGUMENT, e);
	} catch (const Xapian::RangeError &e) {
		return fail(LANTERN_ERROR_ENGINE_RANGE, e);
	} catch (const Xapian::NetworkError &e) {
		return fail(LANTERN_ERROR_NETWORK, e);
	} catch (const Xapian::Error &e) {
		return fail(LANTERN_ERROR_ENGINE, e);
	} catch (const std::bad_alloc &) {
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "out of memory in the engine");
	} catch (const std::exception &e) {
		return lantern_error_set(LANTERN_ERROR_INTERNAL, "%s", e.what());
	} catch (...) {
		return lantern_error_set(LANTERN_ERROR_INTERNAL, "unknown exception in the engine");
	}
}


/* ------------------------------------------------------------------ stemming */

namespace {

/* libstemmer's stemmers are not thread-safe; each instance is used by the
 * thread that owns the Xapian::Stem holding it. */
class SnowballStemmer final : public Xapian::StemImplementation {
public:
	SnowballStemmer(sb_stemmer *stemmer, std::string language)
		: stemmer_(stemmer), language_(std::move(language)) {}
	~SnowballStemmer() override { sb_stemmer_delete(stemmer_); }

	std::string operator()(const std::string &word) override
	{
		const sb_symbol *stem = sb_stemmer_stem(
			stemmer_, reinterpret_cast<const sb_symbol *>(word.data()),
			static_cast<int>(word.size()));
		if (!stem)
			throw std::bad_alloc();
		return std::string(reinterpret_cast<const char *>(stem),
		                   static_cast<size_t>(sb_stemmer_length(stemmer_)));
	}

	std::string get_description() const override { return "libstemmer:" + language_; }

private:
	sb_stemmer *stemmer_;
	std::string language_;
};

const char *language_or_default(const char *language)
{
	return (language && language[0]) ? language : "english";
}

} // namespace

/* Builds a Xapian::Stem backed by libstemmer; throws Xapian::InvalidArgumentError
 * for an unknown language (translated to LANTERN_ERROR_UNSUPPORTED by callers). */
Xapian::Stem lantern_engine_make_stem(const char *language)
{
	const char *name = language_or_default(language);
	sb_stemmer *stemmer = sb_stemmer_new(name, "UTF_8");
	if (!stemmer)
		throw Xapian::InvalidArgumentError(std::string("no stemmer for language '") + name + "'");
	return Xapian::Stem(new SnowballStemmer(stemmer, name));
}

struct lantern_stemmer {
	Xapian::Stem stem;
};

bool lantern_stemmer_language_supported(const char *language)
{
	sb_stemmer *stemmer = sb_stemmer_new(language_or_default(language), "UTF_8");
	if (!stemmer)
		return false;
	sb_stemmer_delete(stemmer);
	return true;
}

lantern_status lantern_stemmer_new(lantern_stemmer **out, const char *language)
{
	*out = nullptr;
	if (!lantern_stemmer_language_supported(language))
		return lantern_error_set(LANTERN_ERROR_UNSUPPORTED, "no stemmer for language '%s'",
		                         language_or_default(language));
	ENGINE_GUARD_BEGIN
	*out = new lantern_stemmer{ lantern_engine_make_stem(language) };
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_stemmer_stem(lantern_stemmer *stemmer, const char *word, char **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	*out = copy_string(stemmer->stem(word));
	return LANTERN_OK;
	ENGINE_GUARD_END
}

void lantern_stemmer_free(lantern_stemmer *stemmer)
{
	delete stemmer;
}

/* ------------------------------------------------------------------ documents */

struct lantern_document {
	Xapian::Document doc;
};

lantern_status lantern_document_new(lantern_document **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	*out = new lantern_document();
	return LANTERN_OK;
	ENGINE_GUARD_END
}

void lantern_document_free(lantern_document *doc)
{
	delete doc;
}

lantern_status lantern_document_set_data(lantern_document *doc, const char *data, size_t length)
{
	ENGINE_GUARD_BEGIN
	doc->doc.set_data(std::string(data, length));
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_document_add_boolean_term(lantern_document *doc, const char *term)
{
	ENGINE_GUARD_BEGIN
	doc->doc.add_boolean_term(term);
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_document_set_value(lantern_document *doc, unsigned slot, const char *value,
                                          size_t length)
{
	ENGINE_GUARD_BEGIN
	doc->doc.add_value(slot, std::string(value, length));
	return LANTERN_OK;
	ENGINE_GUARD_END
}

size_t lantern_document_term_count(const lantern_document *doc)
{
	try {
		return doc->doc.termlist_count();
	} catch (...) {
		lantern_engine_translate_exception();
		return 0;
	}
}

bool lantern_document_has_term(const lantern_document *doc, const char *term)
{
	try {
		Xapian::TermIterator it = doc->doc.termlist_begin();
		it.skip_to(term);
		return it != doc->doc.termlist_end() && *it == term;
	} catch (...) {
		lantern_engine_translate_exception();
		return false;
	}
}

/* ------------------------------------------------------------------ term generation */

struct lantern_term_generator {
	Xapian::TermGenerator generator;
	std::map<std::string, Xapian::Stem> stems; /* by language, built on first use */
};

lantern_status lantern_term_generator_new(lantern_term_generator **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	lantern_term_generator *generator = new lantern_term_generator();
	generator->generator.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
	*out = generator;
	return lantern_term_generator_set_language(generator, nullptr);
	ENGINE_GUARD_END
}

void lantern_term_generator_free(lantern_term_generator *generator)
{
	delete generator;
}

lantern_status lantern_term_generator_set_language(lantern_term_generator *generator,
                                                   const char *language)
{
	ENGINE_GUARD_BEGIN
	std::string name = language_or_default(language);
	auto found = generator->stems.find(name);
	if (found == generator->stems.end()) {
		if (!lantern_stemmer_language_supported(name.c_str()))
			return lantern_error_set(LANTERN_ERROR_UNSUPPORTED,
			                         "no stemmer for language '%s'", name.c_str());
		found = generator->stems.emplace(name, lantern_engine_make_stem(name.c_str())).first;
	}
	generator->generator.set_stemmer(found->second);
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_term_generator_set_document(lantern_term_generator *generator,
                                                   lantern_document *doc)
{
	ENGINE_GUARD_BEGIN
	generator->generator.set_document(doc->doc);
	generator->generator.set_termpos(0);
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_term_generator_index_text(lantern_term_generator *generator,
                                                 const char *text, size_t length,
                                                 unsigned wdf_increment, const char *prefix)
{
	ENGINE_GUARD_BEGIN
	generator->generator.index_text(Xapian::Utf8Iterator(text, length), wdf_increment,
	                                prefix ? prefix : "");
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_term_generator_increase_position(lantern_term_generator *generator,
                                                        unsigned delta)
{
	ENGINE_GUARD_BEGIN
	generator->generator.increase_termpos(delta);
	return LANTERN_OK;
	ENGINE_GUARD_END
}

/* ------------------------------------------------------------------ writable databases */

struct lantern_database {
	Xapian::WritableDatabase db;
};

/* Unprefixed, unstemmed words are the spelling dictionary's entries: Xapian's
 * prefixes start with an upper-case ASCII letter, and numbers are never
 * useful corrections. */
static bool is_spelling_word(const std::string &term)
{
	if (term.size() < 2 || term.size() > 40)
		return false;
	unsigned char first = static_cast<unsigned char>(term[0]);
	if (first < 0x80 && !(first >= 'a' && first <= 'z'))
		return false;
	for (unsigned char c : term)
		if (c >= '0' && c <= '9')
			return false;
	return true;
}

static void adjust_spelling(Xapian::WritableDatabase &db, const Xapian::Document &doc, bool add)
{
	for (Xapian::TermIterator it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
		const std::string &term = *it;
		if (!term.empty() && static_cast<unsigned char>(term[0]) >= 'A' &&
		    static_cast<unsigned char>(term[0]) <= 'Z') {
			/* Terms are sorted: every prefixed term sorts before the
			 * unprefixed lower-case ones, so skip ahead. */
			it.skip_to("a");
			if (it == doc.termlist_end())
				break;
		}
		if (!is_spelling_word(*it))
			continue;
		if (add)
			db.add_spelling(*it, 1);
		else
			db.remove_spelling(*it, 1);
	}
}

static void forget_old_spelling(Xapian::WritableDatabase &db, const std::string &unique_term)
{
	Xapian::PostingIterator posting = db.postlist_begin(unique_term);
	if (posting != db.postlist_end(unique_term))
		adjust_spelling(db, db.get_document(*posting), false);
}

lantern_status lantern_database_open_writable(lantern_database **out, const char *path,
                                              unsigned flags)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	int action = (flags & LANTERN_DATABASE_CREATE) ? Xapian::DB_CREATE_OR_OPEN : Xapian::DB_OPEN;
	if (flags & LANTERN_DATABASE_NO_SYNC)
		action |= Xapian::DB_NO_SYNC;
	lantern_database *db = new lantern_database{ Xapian::WritableDatabase(path, action) };
	/* Keep a transaction open at all times, so that closing without a commit
	 * discards changes exactly as a crash would. */
	try {
		db->db.begin_transaction(true);
	} catch (...) {
		delete db;
		throw;
	}
	*out = db;
	return LANTERN_OK;
	ENGINE_GUARD_END
}

void lantern_database_close(lantern_database *db)
{
	if (!db)
		return;
	try {
		db->db.cancel_transaction();
	} catch (...) {
		/* Nothing to discard, or the database failed already: closing anyway. */
	}
	try {
		db->db.close();
	} catch (...) {
	}
	delete db;
}

lantern_status lantern_database_commit(lantern_database *db)
{
	ENGINE_GUARD_BEGIN
	db->db.commit_transaction();
	db->db.begin_transaction(true);
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_database_document_count(lantern_database *db, uint32_t *out)
{
	ENGINE_GUARD_BEGIN
	*out = db->db.get_doccount();
	return LANTERN_OK;
	ENGINE_GUARD_END
}

uint64_t lantern_database_revision(lantern_database *db)
{
	try {
		return db->db.get_revision();
	} catch (...) {
		lantern_engine_translate_exception();
		return 0;
	}
}

lantern_status lantern_database_replace_document(lantern_database *db, const char *unique_term,
                                                 const lantern_document *doc, unsigned flags)
{
	ENGINE_GUARD_BEGIN
	if (flags & LANTERN_SPELLING) {
		forget_old_spelling(db->db, unique_term);
		adjust_spelling(db->db, doc->doc, true);
	}
	db->db.replace_document(unique_term, doc->doc);
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_database_add_document(lantern_database *db, const lantern_document *doc,
                                             unsigned flags, uint32_t *docid)
{
	ENGINE_GUARD_BEGIN
	if (flags & LANTERN_SPELLING)
		adjust_spelling(db->db, doc->doc, true);
	Xapian::docid added = db->db.add_document(doc->doc);
	if (docid)
		*docid = added;
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_database_add_spelling_of(lantern_database *db, const lantern_document *doc)
{
	ENGINE_GUARD_BEGIN
	adjust_spelling(db->db, doc->doc, true);
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_database_delete_docid(lantern_database *db, uint32_t docid, unsigned flags)
{
	ENGINE_GUARD_BEGIN
	if (flags & LANTERN_SPELLING)
		adjust_spelling(db->db, db->db.get_document(docid), false);
	db->db.delete_document(docid);
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_database_compact(const char *const *sources, size_t count,
                                        const char *destination)
{
	ENGINE_GUARD_BEGIN
	Xapian::Database combined;
	for (size_t i = 0; i < count; i++)
		combined.add_database(Xapian::Database(sources[i]));
	combined.compact(destination);
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_database_delete_document(lantern_database *db, const char *unique_term,
                                                unsigned flags)
{
	ENGINE_GUARD_BEGIN
	if (flags & LANTERN_SPELLING)
		forget_old_spelling(db->db, unique_term);
	db->db.delete_document(unique_term);
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_database_set_metadata(lantern_database *db, const char *key,
                                             const char *value)
{
	ENGINE_GUARD_BEGIN
	db->db.set_metadata(key, value);
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_database_get_metadata(lantern_database *db, const char *key, char **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	*out = copy_string(db->db.get_metadata(key));
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_database_clear_synonyms(lantern_database *db)
{
	ENGINE_GUARD_BEGIN
	for (Xapian::TermIterator key = db->db.synonym_keys_begin();
	     key != db->db.synonym_keys_end(); ++key)
		db->db.clear_synonyms(*key);
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_database_add_synonym(lantern_database *db, const char *term,
                                            const char *synonym)
{
	ENGINE_GUARD_BEGIN
	db->db.add_synonym(term, synonym);
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_database_each_value(lantern_database *db, unsigned slot,
                                           lantern_value_visitor visit, void *context,
                                           int *stopped)
{
	if (stopped)
		*stopped = 0;
	ENGINE_GUARD_BEGIN
	for (Xapian::ValueIterator it = db->db.valuestream_begin(slot);
	     it != db->db.valuestream_end(slot); ++it) {
		const std::string value = *it;
		int result = visit(context, value.data(), value.size());
		if (result != 0) {
			if (stopped)
				*stopped = result;
			break;
		}
	}
	return LANTERN_OK;
	ENGINE_GUARD_END
}
