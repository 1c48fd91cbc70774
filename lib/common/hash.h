/*
 * hash.h - 64-bit content hashing (internal).
 *
 * XXH64, used to notice changed files and configuration. It is not a
 * cryptographic hash: it detects accidents, not adversaries, which is all the
 * incremental indexer needs.
 */
#ifndef LANTERN_COMMON_HASH_H
#define LANTERN_COMMON_HASH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

uint64_t lantern_hash64(const void *data, size_t length, uint64_t seed);

#ifdef __cplusplus
}
#endif
#endif
