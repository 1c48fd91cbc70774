/*
 * latency.c - lantern-bench-scaling-latency: how long one search takes on an
 * index, whether it is one database, a stub of local shards or a stub of
 * remote shards (docs/scaling.md).
 *
 *   lantern-bench-scaling-latency --index DIR --queries FILE [OPTIONS]
 *
 * FILE holds one query a line (free text; a TAB-separated "id<TAB>text"
 * line, as in a BEIR queries.tsv, uses the text). Every query is run through
 * lantern_engine_search on one engine, single-threaded, the way lanternd
 * runs it for a default request (OR of the words, HTML snippets, a spelling
 * suggestion): one untimed pass to warm up (caches, connections to remote
 * shards), then --passes timed passes. Each search is timed alone (the
 * monotonic clock around lantern_engine_search; no process start, no HTTP).
 *
 * Options:
 *   --access LABEL,...  partitions to search (default: public)
 *   --limit N           hits per search (default 10; 0: totals and facets only)
 *   --facets            count every facet field
 *   --passes N          timed passes over the queries (default 3)
 *   --timeout MS        remote shard timeout (default 10000)
 *   --label TEXT        echoed in the output
 *
 * Prints one JSON object on stdout:
 *   {"label", "queries", "searches", "failed", "p50_ms", "p90_ms", "p99_ms",
 *    "mean_ms", "max_ms"}
 * Exit status: 0 every search ran, 1 some failed, 2 usage, 3 no index.
 */
#include "engine.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lantern/status.h"

#define MAX_QUERIES 20000
#define MAX_LABELS 16
#define MAX_LINE 4096

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: lantern-bench-scaling-latency --index DIR --queries FILE [--access LABEL,...]\n"
	        "       [--limit N] [--facets] [--passes N] [--timeout MS] [--label TEXT]\n");
}

static double now_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The q-quantile of sorted `values` (nearest rank). */
static double quantile(const double *values, size_t count, double q)
{
	if (!count)
		return 0;
	size_t rank = (size_t)(q * (double)count + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > count)
		rank = count;
	return values[rank - 1];
}

/* Reads FILE: one query a line, the text after a TAB when there is one.
 * Returns the number read; the strings are the caller's. */
static size_t read_queries(FILE *file, char **queries)
{
	char line[MAX_LINE];
	size_t count = 0;
	while (count < MAX_QUERIES && fgets(line, sizeof(line), file)) {
		line[strcspn(line, "\r\n")] = '\0';
		const char *text = strchr(line, '\t') ? strchr(line, '\t') + 1 : line;
		if (!text[0])
			continue;
		/* A search is at most LANTERN_QUERY_MAX_BYTES; longer queries are cut
		 * at a word boundary, as a search box would. */
		char cut[LANTERN_QUERY_MAX_BYTES + 1];
		size_t length = strlen(text) < LANTERN_QUERY_MAX_BYTES ? strlen(text) : LANTERN_QUERY_MAX_BYTES;
		memcpy(cut, text, length);
		cut[length] = '\0';
		if (strlen(text) > LANTERN_QUERY_MAX_BYTES && strrchr(cut, ' '))
			*strrchr(cut, ' ') = '\0';
		if (!(queries[count] = strdup(cut)))
			break;
		count++;
	}
	return count;
}

int main(int argc, char **argv)
{
	enum { OPT_INDEX = 256, OPT_QUERIES, OPT_ACCESS, OPT_LIMIT, OPT_FACETS, OPT_PASSES, OPT_TIMEOUT,
	       OPT_LABEL, OPT_HELP };
	static const struct option long_options[] = {
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "queries", required_argument, NULL, OPT_QUERIES },
		{ "access", required_argument, NULL, OPT_ACCESS },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "facets", no_argument, NULL, OPT_FACETS },
		{ "passes", required_argument, NULL, OPT_PASSES },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "label", required_argument, NULL, OPT_LABEL },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *index = NULL, *queries_path = NULL, *label = "";
	char *access = NULL;
	const char *labels[MAX_LABELS] = { "public" };
	size_t label_count = 1;
	size_t limit = 10, passes = 3;
	bool facets = false;
	lantern_engine_options options = { 10000, 10000, false };
	int option;
	while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (option) {
		case OPT_INDEX: index = optarg; break;
		case OPT_QUERIES: queries_path = optarg; break;
		case OPT_ACCESS: {
			free(access);
			access = strdup(optarg);
			label_count = 0;
			char *save = NULL;
			for (char *word = strtok_r(access, ",", &save); word && label_count < MAX_LABELS;
			     word = strtok_r(NULL, ",", &save))
				labels[label_count++] = word;
			break;
		}
		case OPT_LIMIT: limit = (size_t)strtoul(optarg, NULL, 10); break;
		case OPT_FACETS: facets = true; break;
		case OPT_PASSES: passes = (size_t)strtoul(optarg, NULL, 10); break;
		case OPT_TIMEOUT:
			options.remote_timeout_ms = options.remote_connect_timeout_ms = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case OPT_LABEL: label = optarg; break;
		case OPT_HELP: usage(stdout); free(access); return 0;
		default: usage(stderr); free(access); return 2;
		}
	}
	if (!index || !queries_path || !label_count || !passes || limit > LANTERN_RESULT_MAX_LIMIT) {
		usage(stderr);
		free(access);
		return 2;
	}
	FILE *file = fopen(queries_path, "r");
	if (!file) {
		perror(queries_path);
		free(access);
		return 2;
	}
	char **queries = calloc(MAX_QUERIES, sizeof(char *));
	size_t query_count = queries ? read_queries(file, queries) : 0;
	fclose(file);
	double *times = calloc(query_count * passes + 1, sizeof(double));
	lantern_engine *engine = NULL;
	int exit_code = 0;
	if (!queries || !times || !query_count) {
		fprintf(stderr, "lantern-bench-scaling-latency: no queries in %s\n", queries_path);
		exit_code = 2;
		goto done;
	}
	if (lantern_engine_open_with(&engine, index, labels, label_count, &options) != LANTERN_OK) {
		fprintf(stderr, "lantern-bench-scaling-latency: %s\n", lantern_error_detail());
		exit_code = 3;
		goto done;
	}

	size_t searches = 0, failed = 0;
	for (size_t pass = 0; pass <= passes; pass++) {   /* pass 0 warms up */
		for (size_t q = 0; q < query_count; q++) {
			lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
			request.query = queries[q];
			request.limit = limit;
			request.facets = facets ? LANTERN_FACETS_ALL : 0;
			json_t *response = NULL;
			double started = now_ms();
			lantern_status status = lantern_engine_search(engine, &request, &response);
			double elapsed = now_ms() - started;
			json_decref(response);
			if (status != LANTERN_OK) {
				if (pass > 0)
					failed++;
				if (failed <= 3 && pass > 0)
					fprintf(stderr, "lantern-bench-scaling-latency: '%s': %s\n", queries[q],
					        lantern_error_detail());
				continue;
			}
			if (pass > 0)
				times[searches++] = elapsed;
		}
	}
	qsort(times, searches, sizeof(double), compare_doubles);
	double total = 0;
	for (size_t i = 0; i < searches; i++)
		total += times[i];
	json_t *result = json_pack("{s:s, s:I, s:I, s:I, s:f, s:f, s:f, s:f, s:f}", "label", label,
	                           "queries", (json_int_t)query_count, "searches", (json_int_t)searches,
	                           "failed", (json_int_t)failed, "p50_ms", quantile(times, searches, 0.50),
	                           "p90_ms", quantile(times, searches, 0.90), "p99_ms",
	                           quantile(times, searches, 0.99), "mean_ms", searches ? total / (double)searches : 0.0,
	                           "max_ms", searches ? times[searches - 1] : 0.0);
	json_dumpf(result, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
	putchar('\n');
	json_decref(result);
	exit_code = failed ? 1 : 0;
done:
	lantern_engine_close(engine);
	for (size_t q = 0; queries && q < query_count; q++)
		free(queries[q]);
	free(queries);
	free(times);
	free(access);
	return exit_code;
}
