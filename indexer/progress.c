/*
 * progress.c - the indexer's progress bar.
 */
#include "progress.h"

#include <stdio.h>
#include <time.h>

double progress_now(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

void progress_start(progress *bar, bool enabled, size_t total)
{
	bar->enabled = enabled;
	bar->total = total;
	bar->started = progress_now();
	bar->last_drawn = 0;
	bar->drawn = false;
}

void progress_update(progress *bar, size_t done)
{
	if (!bar->enabled || bar->total == 0)
		return;
	double now = progress_now();
	if (done < bar->total && now - bar->last_drawn < 0.1)
		return;
	bar->last_drawn = now;
	enum { WIDTH = 30 };
	size_t filled = done * WIDTH / bar->total;
	char line[WIDTH + 1];
	for (size_t i = 0; i < WIDTH; i++)
		line[i] = i < filled ? '#' : '.';
	line[WIDTH] = '\0';
	double elapsed = now - bar->started;
	double rate = elapsed > 0 ? (double)done / elapsed : 0;
	fprintf(stderr, "\r  indexing [%s] %zu/%zu  %.0f docs/s ", line, done, bar->total, rate);
	fflush(stderr);
	bar->drawn = true;
}

void progress_clear(progress *bar)
{
	if (bar->enabled && bar->drawn) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
		bar->drawn = false;
	}
}
