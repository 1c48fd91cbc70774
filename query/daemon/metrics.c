/*
 * metrics.c - Prometheus text format, version 0.0.4.
 */
#include "metrics.h"

#include <stdatomic.h>
#include <stdio.h>

static const char *const endpoint_names[ENDPOINT_COUNT] = {
	"search", "suggest", "doc", "related", "facets", "healthz", "metrics", "page", "asset",
	"opensearch", "other",
};

/* Status codes lanternd sends; anything else is counted as "other". */
static const unsigned status_codes[] = { 200, 204, 304, 400, 401, 403, 404, 405, 413, 414, 431, 500, 503 };
#define STATUS_COUNT (sizeof(status_codes) / sizeof(status_codes[0]) + 1)

static const double bucket_bounds[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5 };
#define BUCKET_COUNT (sizeof(bucket_bounds) / sizeof(bucket_bounds[0]))

static atomic_ullong request_counts[ENDPOINT_COUNT][STATUS_COUNT];
static atomic_ullong latency_buckets[ENDPOINT_COUNT][BUCKET_COUNT + 1];
static atomic_ullong latency_sum_microseconds[ENDPOINT_COUNT];

const char *lanternd_endpoint_name(lanternd_endpoint endpoint)
{
	return endpoint < ENDPOINT_COUNT ? endpoint_names[endpoint] : "other";
}

void lanternd_metrics_record(lanternd_endpoint endpoint, unsigned status, double seconds)
{
	if (endpoint >= ENDPOINT_COUNT)
		endpoint = ENDPOINT_OTHER;
	size_t status_index = STATUS_COUNT - 1;
	for (size_t i = 0; i + 1 < STATUS_COUNT; i++)
		if (status_codes[i] == status)
			status_index = i;
	atomic_fetch_add_explicit(&request_counts[endpoint][status_index], 1, memory_order_relaxed);
	size_t bucket = BUCKET_COUNT;
	for (size_t i = 0; i < BUCKET_COUNT; i++)
		if (seconds <= bucket_bounds[i]) {
			bucket = i;
			break;
		}
	atomic_fetch_add_explicit(&latency_buckets[endpoint][bucket], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&latency_sum_microseconds[endpoint],
	                          (unsigned long long)(seconds * 1e6), memory_order_relaxed);
}

void lanternd_metrics_render(lantern_buffer *out, long long documents, const char *version)
{
	lantern_buffer_append_string(out,
		"# HELP lantern_http_requests_total HTTP requests by endpoint and status.\n"
		"# TYPE lantern_http_requests_total counter\n");
	for (size_t e = 0; e < ENDPOINT_COUNT; e++)
		for (size_t s = 0; s < STATUS_COUNT; s++) {
			unsigned long long count = atomic_load_explicit(&request_counts[e][s], memory_order_relaxed);
			if (!count)
				continue;
			if (s + 1 < STATUS_COUNT)
				lantern_buffer_printf(out, "lantern_http_requests_total{endpoint=\"%s\",status=\"%u\"} %llu\n",
				                      endpoint_names[e], status_codes[s], count);
			else
				lantern_buffer_printf(out, "lantern_http_requests_total{endpoint=\"%s\",status=\"other\"} %llu\n",
				                      endpoint_names[e], count);
		}
	lantern_buffer_append_string(out,
		"# HELP lantern_http_request_duration_seconds Time to answer a request.\n"
		"# TYPE lantern_http_request_duration_seconds histogram\n");
	for (size_t e = 0; e < ENDPOINT_COUNT; e++) {
		unsigned long long cumulative = 0;
		for (size_t b = 0; b <= BUCKET_COUNT; b++)
			cumulative += atomic_load_explicit(&latency_buckets[e][b], memory_order_relaxed);
		if (!cumulative)
			continue;
		unsigned long long running = 0;
		for (size_t b = 0; b < BUCKET_COUNT; b++) {
			running += atomic_load_explicit(&latency_buckets[e][b], memory_order_relaxed);
			lantern_buffer_printf(out,
				"lantern_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"%g\"} %llu\n",
				endpoint_names[e], bucket_bounds[b], running);
		}
		lantern_buffer_printf(out,
			"lantern_http_request_duration_seconds_bucket{endpoint=\"%s\",le=\"+Inf\"} %llu\n"
			"lantern_http_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n"
			"lantern_http_request_duration_seconds_count{endpoint=\"%s\"} %llu\n",
			endpoint_names[e], cumulative, endpoint_names[e],
			(double)atomic_load_explicit(&latency_sum_microseconds[e], memory_order_relaxed) / 1e6,
			endpoint_names[e], cumulative);
	}
	if (documents >= 0)
		lantern_buffer_printf(out,
			"# HELP lantern_indexed_documents Documents in the partitions this caller may search.\n"
			"# TYPE lantern_indexed_documents gauge\n"
			"lantern_indexed_documents %lld\n", documents);
	lantern_buffer_printf(out,
		"# HELP lantern_build_info Build of this lanternd.\n"
		"# TYPE lantern_build_info gauge\n"
		"lantern_build_info{version=\"%s\"} 1\n", version);
}
