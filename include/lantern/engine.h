/*
 * lantern/engine.h - the C face of the search engine (Xapian).
 *
 * This header is the whole boundary between Lantern's C code and Xapian's
 * C++ API: opaque handles, lantern_status codes, no exceptions. Everything
 * behind it lives in the .cc files of lib/engine/, the only C++ in the tree.
 *
 * Threading: a handle belongs to one thread at a time. Separate handles may be
 * used from separate threads concurrently (Xapian's own rule). A document may
 * be built on one thread and handed to another to be written.
 *
 * Ownership: every _new/_open has a _free/_close that accepts NULL. Strings
 * returned through `char **out` are malloc'd and freed by the caller.
 */
#ifndef LANTERN_ENGINE_H
#define LANTERN_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lantern/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ stemming
 * The one stemmer of Lantern: Snowball's libstemmer, wrapped as a
 * Xapian::StemImplementation so that indexing, query parsing and snippet
 * highlighting all stem the same way. Languages are libstemmer's names or
 * ISO 639 codes ("en", "english", "es", ...); NULL or "" means English. */
typedef struct lantern_stemmer lantern_stemmer;

bool lantern_stemmer_language_supported(const char *language);
lantern_status lantern_stemmer_new(lantern_stemmer **out, const char *language);
/* The stem of one lowercase word, into a string the caller frees. */
lantern_status lantern_stemmer_stem(lantern_stemmer *stemmer, const char *word, char **out);
void lantern_stemmer_free(lantern_stemmer *stemmer);

/* ------------------------------------------------------------------ documents */
typedef struct lantern_document lantern_document;

lantern_status lantern_document_new(lantern_document **out);
void lantern_document_free(lantern_document *doc);
lantern_status lantern_document_set_data(lantern_document *doc, const char *data, size_t length);
/* A term with no positions and wdf 0: for filters and the unique id. */
lantern_status lantern_document_add_boolean_term(lantern_document *doc, const char *term);
lantern_status lantern_document_set_value(lantern_document *doc, unsigned slot,
                                          const char *value, size_t length);
/* Number of distinct terms, and whether one is present (for tests). */
size_t lantern_document_term_count(const lantern_document *doc);
bool lantern_document_has_term(const lantern_document *doc, const char *term);

/* ------------------------------------------------------------------ term generation
 * One term generator per thread. It indexes free text into a document with
 * positions, stemming with the current language; unstemmed words are kept too
 * (Xapian's STEM_SOME), so phrases and exact words both work. */
typedef struct lantern_term_generator lantern_term_generator;

lantern_status lantern_term_generator_new(lantern_term_generator **out);
void lantern_term_generator_free(lantern_term_generator *generator);
/* Selects the stemmer (cached per generator). LANTERN_ERROR_UNSUPPORTED for a
 * language libstemmer does not know. */
lantern_status lantern_term_generator_set_language(lantern_term_generator *generator,
                                                   const char *language);
lantern_status lantern_term_generator_set_document(lantern_term_generator *generator,
                                                   lantern_document *doc);
/* Indexes UTF-8 text; each word adds `wdf_increment` to its term's wdf.
 * `prefix` may be NULL or "" for the unprefixed full-text terms. */
lantern_status lantern_term_generator_index_text(lantern_term_generator *generator,
                                                 const char *text, size_t length,
                                                 unsigned wdf_increment, const char *prefix);
/* Moves the position counter on, so phrases cannot span two fields. */
lantern_status lantern_term_generator_increase_position(lantern_term_generator *generator,
                                                        unsigned delta);

/* ------------------------------------------------------------------ writable databases */
typedef struct lantern_database lantern_database;

enum {
	LANTERN_DATABASE_CREATE = 1 << 0, /* create when missing */
	LANTERN_DATABASE_NO_SYNC = 1 << 1 /* skip fsync (tests, throwaway builds only) */
};

/* Flags for replace and delete: keep the spelling dictionary equal to the
 * words of the documents present (added for a new document, removed for the
 * one it replaces or deletes). */
enum { LANTERN_SPELLING = 1 << 0 };

lantern_status lantern_database_open_writable(lantern_database **out, const char *path,
                                              unsigned flags);
/* Closes the database; uncommitted changes are discarded (Xapian commits on
 * close; Lantern does not want that: a crash and a close must look the same). */
void lantern_database_close(lantern_database *db);
lantern_status lantern_database_commit(lantern_database *db);
lantern_status lantern_database_document_count(lantern_database *db, uint32_t *out);
uint64_t lantern_database_revision(lantern_database *db);

/* Adds or replaces the document indexed by `unique_term`. */
lantern_status lantern_database_replace_document(lantern_database *db, const char *unique_term,
                                                 const lantern_document *doc, unsigned flags);
/* Adds a document without looking for an existing one (the caller knows its
 * id is new to this database); its document number goes to *docid. */
lantern_status lantern_database_add_document(lantern_database *db, const lantern_document *doc,
                                             unsigned flags, uint32_t *docid);
/* Adds only the document's words to the spelling dictionary (a
 * --spelling-only index: the local dictionary of remote shards). */
lantern_status lantern_database_add_spelling_of(lantern_database *db, const lantern_document *doc);

/* Deletes the document with this document number. */
lantern_status lantern_database_delete_docid(lantern_database *db, uint32_t docid,
                                             unsigned flags);

/* Merges the databases at `sources` into a new database at `destination`
 * (Xapian's compaction: documents renumbered one source after another;
 * spelling and synonym tables merged). */
lantern_status lantern_database_compact(const char *const *sources, size_t count,
                                        const char *destination);

/* Deletes the document indexed by `unique_term`; deleting a missing one is OK. */
lantern_status lantern_database_delete_document(lantern_database *db, const char *unique_term,
                                                unsigned flags);

lantern_status lantern_database_set_metadata(lantern_database *db, const char *key,
                                             const char *value);
/* An absent key gives "". */
lantern_status lantern_database_get_metadata(lantern_database *db, const char *key, char **out);

lantern_status lantern_database_clear_synonyms(lantern_database *db);
lantern_status lantern_database_add_synonym(lantern_database *db, const char *term,
                                            const char *synonym);

/* Calls `visit` with every document's value in `slot` (documents without
 * one are skipped), in document id order. The bytes are valid during the call
 * only. A non-zero return from `visit` stops the walk and is passed back
 * through *stopped (may be NULL). */
typedef int (*lantern_value_visitor)(void *context, const char *value, size_t length);
lantern_status lantern_database_each_value(lantern_database *db, unsigned slot,
                                           lantern_value_visitor visit, void *context,
                                           int *stopped);

#ifdef __cplusplus
}
#endif
#endif
