/*
 * lantern/synonyms.h - the domain's acronyms and their spelled-out forms.
 *
 * corpus/synonyms.yaml lists groups of words or phrases that mean the same
 * ("csec" and "commercial sexual exploitation of children"). The indexer
 * stores every pair, both ways, in each partition's synonym table; the query
 * engine expands a query term or phrase with them.
 */
#ifndef LANTERN_SYNONYMS_H
#define LANTERN_SYNONYMS_H

#include <stddef.h>
#include <stdint.h>
#include "lantern/diagnostics.h"
#include "lantern/engine.h"
#include "lantern/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lantern_synonym_group {
	char **entries;  /* lowercase, single spaces between words */
	size_t count;
} lantern_synonym_group;

typedef struct lantern_synonyms {
	lantern_synonym_group *groups;
	size_t count;
	uint64_t hash;   /* of the file's content; 0 when there is no file */
} lantern_synonyms;

/* Loads a synonyms file; a missing file gives an empty set. Problems are
 * reported with file:line:col and make the status LANTERN_ERROR_PARSE. */
lantern_status lantern_synonyms_load(lantern_synonyms *out, const char *path,
                                     lantern_diagnostics *diagnostics);

/* Replaces the database's synonym table with these groups (each entry maps
 * to every other entry of its group). */
lantern_status lantern_synonyms_store(const lantern_synonyms *synonyms, lantern_database *db);

void lantern_synonyms_clear(lantern_synonyms *synonyms);

#ifdef __cplusplus
}
#endif
#endif
