/*
 * metrics.h - request counters and latency histograms for /metrics.
 *
 * Lock-free (C11 atomics), so every worker thread records without
 * contention. Labels are a fixed set of endpoint names and status codes:
 * nothing a caller sends ever becomes a label.
 */
#ifndef LANTERND_METRICS_H
#define LANTERND_METRICS_H

#include <stddef.h>
#include "common/buffer.h"

typedef enum lanternd_endpoint {
	ENDPOINT_SEARCH = 0,
	ENDPOINT_SUGGEST,
	ENDPOINT_DOC,
	ENDPOINT_RELATED,
	ENDPOINT_FACETS,
	ENDPOINT_HEALTHZ,
	ENDPOINT_METRICS,
	ENDPOINT_PAGE,
	ENDPOINT_ASSET,
	ENDPOINT_OPENSEARCH,
	ENDPOINT_OTHER,
	ENDPOINT_COUNT
} lanternd_endpoint;

const char *lanternd_endpoint_name(lanternd_endpoint endpoint);

void lanternd_metrics_record(lanternd_endpoint endpoint, unsigned status, double seconds);

/* Appends the Prometheus text exposition. `documents` is the indexed
 * document count visible to the caller (-1: unknown). */
void lanternd_metrics_render(lantern_buffer *out, long long documents, const char *version);

#endif
