/*
 * string_map.h - an open-addressing hash map from strings to pointers.
 *
 * The indexer keys its previous-run state by source path and its id claims
 * by id: up to millions of entries, looked up from every worker.
 * Lookups may run concurrently with each other; inserts need exclusive access.
 */
#ifndef LANTERN_INDEXER_STRING_MAP_H
#define LANTERN_INDEXER_STRING_MAP_H

#include <stdbool.h>
#include <stddef.h>

typedef struct string_map_slot {
	const char *key;  /* borrowed: owned by whatever `value` is */
	void *value;
} string_map_slot;

typedef struct string_map {
	string_map_slot *slots;
	size_t capacity;  /* a power of two */
	size_t count;
} string_map;

/* Inserts or replaces; false when out of memory. */
bool string_map_put(string_map *map, const char *key, void *value);
void *string_map_get(const string_map *map, const char *key);
void string_map_dispose(string_map *map);

#endif
