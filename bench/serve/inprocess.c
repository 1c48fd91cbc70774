/*
 * inprocess.c - lantern-bench-inprocess: the searches of bench/serve timed
 * inside one process, with no HTTP, to show what lanternd adds.
 *
 *   lantern-bench-inprocess --index DIR --requests FILE [--seconds S]
 *                           [--min-queries N] [--partition LABEL]...
 *
 * FILE holds one request a line, as the URL path and query string that
 * bench/serve/run.sh sends with wrk ("/api/search?q=gang&agency_type=rural&
 * facets=*"). Each is parsed the way lanternd parses it (q, the facet
 * fields as filters, facets=, sort, limit, offset, all) into a
 * lantern_search_request with lanternd's defaults (10 hits, HTML
 * highlighting, a spelling suggestion) and run with lantern_engine_search on
 * one engine, single-threaded: one untimed pass over the list to warm up,
 * then passes until S seconds (default 5) and N queries (default 200) are
 * both reached. The engine is opened over the partitions lanternd searches
 * for an anonymous caller (default: public).
 *
 * Prints one JSON object on stdout:
 *   {"queries", "seconds", "qps", "p50_ms", "p99_ms", "mean_ms",
 *    "json_p50_ms", "json_p99_ms", "qps_with_json", "cpu_seconds",
 *    "qps_per_cpu_second", "failed"}
 * `p50_ms`/`p99_ms` time lantern_engine_search alone; the `json_` figures add
 * the json_dumps of the response that lanternd also does. `qps` is queries
 * per second of search time, `qps_with_json` per second of the whole loop,
 * `qps_per_cpu_second` per second of the process's CPU time in the loop (the
 * figure to compare with lanternd's requests per CPU second: a busy machine
 * slows the wall clock of both, not their CPU cost).
 *
 * Exit status: 0 every request ran, 1 some failed, 2 usage error, 3 the
 * index could not be opened.
 */
#include "engine.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lantern/status.h"

#define MAX_REQUESTS 4096
#define MAX_PARTITIONS 16

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: lantern-bench-inprocess --index DIR --requests FILE [OPTIONS]\n"
	        "\n"
	        "Times lanternd's searches in process (no HTTP), single-threaded. FILE holds\n"
	        "one request a line: /api/search?q=...&FIELD=VALUE&facets=...\n"
	        "\n"
	        "Options:\n"
	        "  --index DIR          the Lantern index\n"
	        "  --requests FILE      the requests\n"
	        "  --seconds S          run for at least S seconds (default 5)\n"
	        "  --min-queries N      and at least N queries (default 200)\n"
	        "  --partition LABEL    a partition to search (repeatable; default: public)\n"
	        "  --per-request        also print each request's mean search time on stderr\n"
	        "  --help\n");
}

static double now_seconds(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ requests */

typedef struct parsed {
	lantern_search_request request;
	char *storage;                        /* the decoded line, cut into strings */
	char *line;                           /* as given */
	double seconds;                       /* timed search time, summed */
	size_t runs;
	const char *filters[LANTERN_FACET_COUNT][LANTERN_FILTER_MAX_VALUES];
} parsed;

static int hex_value(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* Percent-decodes `text` in place ('+' is a space, as in a form). */
static void url_decode(char *text)
{
	char *out = text;
	for (char *p = text; *p; p++) {
		if (*p == '+') {
			*out++ = ' ';
		} else if (*p == '%' && hex_value(p[1]) >= 0 && hex_value(p[2]) >= 0) {
			*out++ = (char)(hex_value(p[1]) * 16 + hex_value(p[2]));
			p += 2;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
}

static bool parse_count(const char *text, size_t maximum, size_t *out)
{
	char *end = NULL;
	errno = 0;
	unsigned long value = strtoul(text, &end, 10);
	if (!text[0] || *end || errno || value > maximum)
		return false;
	*out = (size_t)value;
	return true;
}

/* Fills `into` from one line of FILE; false with a message on stderr. */
static bool parse_request(const char *line, size_t line_number, parsed *into)
{
	lantern_search_request initial = LANTERN_SEARCH_REQUEST_INIT;
	into->request = initial;
	lantern_search_request *request = &into->request;
	const char *question = strchr(line, '?');
	if (strncmp(line, "/api/search", 11) != 0 || (line[11] != '?' && line[11] != '\0')) {
		fprintf(stderr, "lantern-bench-inprocess: line %zu: not an /api/search request\n", line_number);
		return false;
	}
	into->storage = strdup(question ? question + 1 : "");
	into->line = strdup(line);
	if (!into->storage || !into->line)
		return false;
	char *save = NULL;
	for (char *pair = strtok_r(into->storage, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
		char *value = strchr(pair, '=');
		if (value)
			*value++ = '\0';
		else
			value = pair + strlen(pair);
		url_decode(pair);
		url_decode(value);
		int facet = lantern_facet_lookup(pair);
		if (facet >= 0) {
			if (!value[0])
				continue;
			if (request->filter_counts[facet] == LANTERN_FILTER_MAX_VALUES)
				goto bad;
			into->filters[facet][request->filter_counts[facet]++] = value;
		} else if (strcmp(pair, "q") == 0) {
			request->query = value;
		} else if (strcmp(pair, "sort") == 0) {
			if (strcmp(value, "date") == 0) request->order = LANTERN_ORDER_DATE;
			else if (strcmp(value, "title") == 0) request->order = LANTERN_ORDER_TITLE;
			else if (strcmp(value, "relevance") != 0 && value[0]) goto bad;
		} else if (strcmp(pair, "limit") == 0) {
			if (!parse_count(value, LANTERN_RESULT_MAX_LIMIT, &request->limit)) goto bad;
		} else if (strcmp(pair, "offset") == 0) {
			if (!parse_count(value, LANTERN_RESULT_WINDOW, &request->offset)) goto bad;
		} else if (strcmp(pair, "all") == 0) {
			request->all_words = strcmp(value, "true") == 0 || strcmp(value, "1") == 0;
		} else if (strcmp(pair, "facets") == 0) {
			char *inner = NULL;
			for (char *name = strtok_r(value, ",", &inner); name; name = strtok_r(NULL, ",", &inner)) {
				int field = strcmp(name, "*") == 0 ? -2 : lantern_facet_lookup(name);
				if (field == -1) goto bad;
				request->facets |= field == -2 ? LANTERN_FACETS_ALL : 1u << field;
			}
		} else {
			goto bad;
		}
		continue;
	bad:
		fprintf(stderr, "lantern-bench-inprocess: line %zu: bad parameter '%s=%s'\n", line_number, pair, value);
		return false;
	}
	for (int f = 0; f < LANTERN_FACET_COUNT; f++)
		request->filters[f] = into->filters[f];
	request->highlight = LANTERN_HIGHLIGHT_HTML;
	return true;
}

/* ------------------------------------------------------------------ timing */

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The nearest-rank percentile of sorted `values`. */
static double percentile(const double *values, size_t count, double p)
{
	if (!count)
		return 0;
	size_t rank = (size_t)(p / 100.0 * (double)count + 0.999999);
	if (rank < 1) rank = 1;
	if (rank > count) rank = count;
	return values[rank - 1];
}

int main(int argc, char **argv)
{
	enum { OPT_INDEX = 256, OPT_REQUESTS, OPT_SECONDS, OPT_MIN, OPT_PARTITION, OPT_PER_REQUEST, OPT_HELP };
	static const struct option options[] = {
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "requests", required_argument, NULL, OPT_REQUESTS },
		{ "seconds", required_argument, NULL, OPT_SECONDS },
		{ "min-queries", required_argument, NULL, OPT_MIN },
		{ "partition", required_argument, NULL, OPT_PARTITION },
		{ "per-request", no_argument, NULL, OPT_PER_REQUEST },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *index_path = NULL, *requests_path = NULL;
	double seconds = 5;
	size_t min_queries = 200;
	const char *partitions[MAX_PARTITIONS];
	size_t partition_count = 0;
	bool per_request = false;
	int option;
	while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (option) {
		case OPT_INDEX: index_path = optarg; break;
		case OPT_REQUESTS: requests_path = optarg; break;
		case OPT_SECONDS: seconds = strtod(optarg, NULL); break;
		case OPT_MIN: min_queries = (size_t)strtoul(optarg, NULL, 10); break;
		case OPT_PARTITION:
			if (partition_count == MAX_PARTITIONS) {
				fprintf(stderr, "lantern-bench-inprocess: at most %d partitions\n", MAX_PARTITIONS);
				return 2;
			}
			partitions[partition_count++] = optarg;
			break;
		case OPT_PER_REQUEST: per_request = true; break;
		case OPT_HELP: usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !index_path || !requests_path || seconds < 0) {
		usage(stderr);
		return 2;
	}
	if (!partition_count)
		partitions[partition_count++] = "public";

	FILE *file = fopen(requests_path, "r");
	if (!file) {
		fprintf(stderr, "lantern-bench-inprocess: %s: %s\n", requests_path, strerror(errno));
		return 2;
	}
	static parsed requests[MAX_REQUESTS];
	size_t request_count = 0, line_number = 0;
	char *line = NULL;
	size_t capacity = 0;
	ssize_t length;
	bool bad = false;
	while ((length = getline(&line, &capacity, file)) != -1) {
		line_number++;
		while (length && (line[length - 1] == '\n' || line[length - 1] == '\r'))
			line[--length] = '\0';
		if (!length || line[0] == '#')
			continue;
		if (request_count == MAX_REQUESTS) {
			fprintf(stderr, "lantern-bench-inprocess: more than %d requests\n", MAX_REQUESTS);
			bad = true;
			break;
		}
		if (!parse_request(line, line_number, &requests[request_count]))
			bad = true;
		else
			request_count++;
	}
	free(line);
	fclose(file);
	if (bad || !request_count) {
		if (!request_count)
			fprintf(stderr, "lantern-bench-inprocess: no requests in %s\n", requests_path);
		return 2;
	}

	lantern_engine *engine = NULL;
	lantern_status status = lantern_engine_open(&engine, index_path, partitions, partition_count);
	if (status != LANTERN_OK) {
		fprintf(stderr, "lantern-bench-inprocess: %s: %s: %s\n", index_path, lantern_status_to_string(status),
		        lantern_error_detail());
		return 3;
	}

	/* Warm-up: every request once, untimed (opens the tables, fills caches). */
	size_t failed = 0;
	for (size_t i = 0; i < request_count; i++) {
		json_t *response = NULL;
		status = lantern_engine_search(engine, &requests[i].request, &response);
		if (status != LANTERN_OK) {
			fprintf(stderr, "lantern-bench-inprocess: request %zu: %s: %s\n", i + 1,
			        lantern_status_to_string(status), lantern_error_detail());
			failed++;
		}
		json_decref(response);
	}

	size_t limit = min_queries + request_count * 2;
	double *search_times = malloc(limit * sizeof(double));
	double *total_times = malloc(limit * sizeof(double));
	if (!search_times || !total_times) {
		fprintf(stderr, "lantern-bench-inprocess: out of memory\n");
		return 1;
	}
	size_t count = 0;
	double search_sum = 0;
	struct timespec cpu_start, cpu_end;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_start);
	double started = now_seconds();
	for (size_t i = 0;; i = (i + 1) % request_count) {
		if (i == 0 && count >= min_queries && now_seconds() - started >= seconds)
			break;
		if (count == limit) {
			limit *= 2;
			double *grown_search = realloc(search_times, limit * sizeof(double));
			double *grown_total = grown_search ? realloc(total_times, limit * sizeof(double)) : NULL;
			if (grown_search)
				search_times = grown_search;
			if (!grown_search || !grown_total) {
				fprintf(stderr, "lantern-bench-inprocess: out of memory\n");
				return 1;
			}
			total_times = grown_total;
		}
		json_t *response = NULL;
		double before = now_seconds();
		status = lantern_engine_search(engine, &requests[i].request, &response);
		double searched = now_seconds();
		char *text = status == LANTERN_OK ? json_dumps(response, JSON_COMPACT | JSON_REAL_PRECISION(6)) : NULL;
		double dumped = now_seconds();
		free(text);
		json_decref(response);
		if (status != LANTERN_OK)
			failed++;
		requests[i].seconds += searched - before;
		requests[i].runs++;
		search_times[count] = searched - before;
		total_times[count] = dumped - before;
		search_sum += searched - before;
		count++;
	}
	double wall = now_seconds() - started;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_end);
	double cpu = (double)(cpu_end.tv_sec - cpu_start.tv_sec) + (double)(cpu_end.tv_nsec - cpu_start.tv_nsec) / 1e9;
	lantern_engine_close(engine);

	qsort(search_times, count, sizeof(double), compare_doubles);
	qsort(total_times, count, sizeof(double), compare_doubles);
	printf("{\"queries\": %zu, \"requests\": %zu, \"seconds\": %.3f, \"qps\": %.1f, \"p50_ms\": %.4f, "
	       "\"p99_ms\": %.4f, \"mean_ms\": %.4f, \"json_p50_ms\": %.4f, \"json_p99_ms\": %.4f, "
	       "\"qps_with_json\": %.1f, \"cpu_seconds\": %.3f, \"qps_per_cpu_second\": %.1f, \"failed\": %zu}\n",
	       count, request_count, wall, search_sum > 0 ? (double)count / search_sum : 0,
	       percentile(search_times, count, 50) * 1000, percentile(search_times, count, 99) * 1000,
	       count ? search_sum / (double)count * 1000 : 0, percentile(total_times, count, 50) * 1000,
	       percentile(total_times, count, 99) * 1000, wall > 0 ? (double)count / wall : 0, cpu,
	       cpu > 0 ? (double)count / cpu : 0, failed);
	free(search_times);
	free(total_times);
	for (size_t i = 0; i < request_count; i++) {
		if (per_request && requests[i].runs)
			fprintf(stderr, "%9.3f ms  %s\n", requests[i].seconds / (double)requests[i].runs * 1000,
			        requests[i].line);
		free(requests[i].storage);
		free(requests[i].line);
	}
	return failed ? 1 : 0;
}
