/*
 * hash.c - XXH64 (Yann Collet's xxHash, 64-bit variant), written from the
 * published algorithm description.
 */
#include "common/hash.h"

#include <string.h>

static const uint64_t PRIME1 = 11400714785074694791ULL;
static const uint64_t PRIME2 = 14029467366897019727ULL;
static const uint64_t PRIME3 = 1609587929392839161ULL;
static const uint64_t PRIME4 = 9650029242287828579ULL;
static const uint64_t PRIME5 = 2870177450012600261ULL;

static uint64_t rotate_left(uint64_t value, int bits)
{
	return (value << bits) | (value >> (64 - bits));
}

static uint64_t read64(const unsigned char *p)
{
	uint64_t value;
	memcpy(&value, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	value = __builtin_bswap64(value);
#endif
	return value;
}

static uint32_t read32(const unsigned char *p)
{
	uint32_t value;
	memcpy(&value, p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	value = __builtin_bswap32(value);
#endif
	return value;
}

static uint64_t round64(uint64_t accumulator, uint64_t input)
{
	accumulator += input * PRIME2;
	accumulator = rotate_left(accumulator, 31);
	return accumulator * PRIME1;
}

static uint64_t merge_round(uint64_t accumulator, uint64_t value)
{
	accumulator ^= round64(0, value);
	return accumulator * PRIME1 + PRIME4;
}

uint64_t lantern_hash64(const void *data, size_t length, uint64_t seed)
{
	const unsigned char *p = data;
	const unsigned char *end = p + length;
	uint64_t hash;

	if (length >= 32) {
		uint64_t v1 = seed + PRIME1 + PRIME2;
		uint64_t v2 = seed + PRIME2;
		uint64_t v3 = seed;
		uint64_t v4 = seed - PRIME1;
		const unsigned char *limit = end - 32;
		do {
			v1 = round64(v1, read64(p));
			v2 = round64(v2, read64(p + 8));
			v3 = round64(v3, read64(p + 16));
			v4 = round64(v4, read64(p + 24));
			p += 32;
		} while (p <= limit);
		hash = rotate_left(v1, 1) + rotate_left(v2, 7) + rotate_left(v3, 12) +
		       rotate_left(v4, 18);
		hash = merge_round(hash, v1);
		hash = merge_round(hash, v2);
		hash = merge_round(hash, v3);
		hash = merge_round(hash, v4);
	} else {
		hash = seed + PRIME5;
	}
	hash += (uint64_t)length;

	while (p + 8 <= end) {
		hash ^= round64(0, read64(p));
		hash = rotate_left(hash, 27) * PRIME1 + PRIME4;
		p += 8;
	}
	if (p + 4 <= end) {
		hash ^= (uint64_t)read32(p) * PRIME1;
		hash = rotate_left(hash, 23) * PRIME2 + PRIME3;
		p += 4;
	}
	while (p < end) {
		hash ^= (*p) * PRIME5;
		hash = rotate_left(hash, 11) * PRIME1;
		p++;
	}
	hash ^= hash >> 33;
	hash *= PRIME2;
	hash ^= hash >> 29;
	hash *= PRIME3;
	hash ^= hash >> 32;
	return hash;
}
