/*
 * progress.h - a one-line progress bar on a terminal.
 *
 * Drawn on stderr, at most ten times a second, only when stderr is a tty and
 * the user did not ask for --quiet; otherwise every call is a no-op.
 */
#ifndef LANTERN_INDEXER_PROGRESS_H
#define LANTERN_INDEXER_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct progress {
	bool enabled;
	size_t total;
	double started;     /* seconds, monotonic */
	double last_drawn;
	bool drawn;         /* a line is on screen and must be cleared */
} progress;

void progress_start(progress *bar, bool enabled, size_t total);
void progress_update(progress *bar, size_t done);
/* Clears the line so normal output can follow. */
void progress_clear(progress *bar);
double progress_now(void);

#endif
