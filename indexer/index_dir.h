/*
 * index_dir.h - the on-disk layout of a Lantern index and its lock.
 *
 *   INDEX/.lock                 flock()ed by the one indexer at work
 *   INDEX/current -> gen-N      symlink: the generation readers open
 *   INDEX/gen-N/<label>/        one Xapian database per access label
 *
 * Incremental runs update the current generation in place (Xapian commits
 * are atomic per database). `--full` builds gen-N+1 beside it and swaps the
 * symlink with rename(2), so readers see the old index or the new one, never
 * a mix. Generations not named by `current` are leftovers of an interrupted
 * full build and are removed by the next run.
 */
#ifndef LANTERN_INDEXER_INDEX_DIR_H
#define LANTERN_INDEXER_INDEX_DIR_H

#include <stdbool.h>
#include "lantern/status.h"

#define INDEX_CURRENT_LINK "current"
#define INDEX_LOCK_FILE ".lock"

typedef struct index_lock {
	int fd;
} index_lock;

/* Creates INDEX if needed and takes its lock. With `wait`, blocks (after
 * calling `on_wait(holder_pid)` once) until the lock is free; without,
 * fails with LANTERN_ERROR_DATABASE_LOCKED at once. */
lantern_status index_lock_acquire(index_lock *lock, const char *index_path, bool wait,
                                  void (*on_wait)(long holder_pid));
void index_lock_release(index_lock *lock);

/* The generation directory `current` points to, as a full path the caller
 * frees; NULL in *out when the index has no generation yet. */
lantern_status index_current_generation(const char *index_path, char **out);

/* Creates the next generation directory (gen-N+1) and returns its path. */
lantern_status index_new_generation(const char *index_path, char **out);

/* Points `current` at `generation` atomically (symlink + rename + fsync). */
lantern_status index_publish_generation(const char *index_path, const char *generation);

/* Removes every gen-* directory that `current` does not point to. */
lantern_status index_remove_stale_generations(const char *index_path);

/* rm -rf of a path the indexer created (a generation, the shard scratch area). */
lantern_status index_remove_tree(const char *path);

#endif
