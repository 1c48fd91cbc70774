/*
 * string_map.c - linear probing, grown at 50% load.
 */
#include "string_map.h"
#include "common/hash.h"

#include <stdlib.h>
#include <string.h>

static size_t slot_of(const string_map *map, const char *key)
{
	return (size_t)lantern_hash64(key, strlen(key), 0) & (map->capacity - 1);
}

static bool grow(string_map *map)
{
	size_t capacity = map->capacity ? map->capacity * 2 : 64;
	string_map_slot *slots = calloc(capacity, sizeof(*slots));
	if (!slots)
		return false;
	string_map bigger = { slots, capacity, 0 };
	for (size_t i = 0; i < map->capacity; i++)
		if (map->slots[i].key)
			string_map_put(&bigger, map->slots[i].key, map->slots[i].value);
	free(map->slots);
	*map = bigger;
	return true;
}

bool string_map_put(string_map *map, const char *key, void *value)
{
	if ((map->count + 1) * 2 > map->capacity && !grow(map))
		return false;
	size_t i = slot_of(map, key);
	while (map->slots[i].key && strcmp(map->slots[i].key, key) != 0)
		i = (i + 1) & (map->capacity - 1);
	if (!map->slots[i].key)
		map->count++;
	map->slots[i].key = key;
	map->slots[i].value = value;
	return true;
}

void *string_map_get(const string_map *map, const char *key)
{
	if (!map->capacity)
		return NULL;
	size_t i = slot_of(map, key);
	while (map->slots[i].key) {
		if (strcmp(map->slots[i].key, key) == 0)
			return map->slots[i].value;
		i = (i + 1) & (map->capacity - 1);
	}
	return NULL;
}

void string_map_dispose(string_map *map)
{
	free(map->slots);
	memset(map, 0, sizeof(*map));
}
