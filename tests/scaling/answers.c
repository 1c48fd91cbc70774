/*
 * answers.c - lantern-scaling-answers: the query engine's full-precision
 * answers to a list of requests, for comparing one index with its shards.
 *
 *   lantern-scaling-answers --index DIR [--access LABEL,...] [--timeout MS]
 *                           [--partial] REQUESTS.jsonl
 *
 * lantern-search --json prints scores with 6 significant digits; the scale-out
 * tests compare scores to 1e-9, so this helper runs the same requests
 * through lantern_engine_search (the engine behind lantern-search and
 * lanternd) on one engine and prints every response as one JSON line with
 * 17 significant digits. Each request line is an object:
 *
 *   {"q": "...", "all": true, "filters": {"type": ["policy"], ...},
 *    "published": "2019..2023", "sort": "relevance|date|title",
 *    "offset": 0, "limit": 10, "facets": "*", "related": "ID"}
 *
 * (every member optional; "facets" is "*" or a list of field names). A
 * request the engine refuses prints {"error": "STATUS", "detail": "..."}.
 * Exit status: 0 every line answered (errors included), 2 usage or a bad
 * line, 3 the index could not be opened.
 */
#include "engine.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lantern/status.h"

#define MAX_LABELS 16
#define MAX_LINE (64 * 1024)

static void usage(FILE *out)
{
	fprintf(out, "Usage: lantern-scaling-answers --index DIR [--access LABEL,...] [--timeout MS]\n"
	             "                               [--partial] REQUESTS.jsonl\n");
}

/* Fills `request` from one parsed line; the strings stay owned by `line`. */
static bool read_request(json_t *line, lantern_search_request *request,
                         const char *values[LANTERN_FACET_COUNT][LANTERN_FILTER_MAX_VALUES])
{
	lantern_search_request fresh = LANTERN_SEARCH_REQUEST_INIT;
	*request = fresh;
	if (!json_is_object(line))
		return false;
	request->query = json_string_value(json_object_get(line, "q"));
	request->all_words = json_is_true(json_object_get(line, "all"));
	request->published = json_string_value(json_object_get(line, "published"));
	request->related_id = json_string_value(json_object_get(line, "related"));
	const char *sort = json_string_value(json_object_get(line, "sort"));
	if (sort && strcmp(sort, "date") == 0)
		request->order = LANTERN_ORDER_DATE;
	else if (sort && strcmp(sort, "title") == 0)
		request->order = LANTERN_ORDER_TITLE;
	else if (sort && strcmp(sort, "relevance") != 0)
		return false;
	json_t *number = json_object_get(line, "offset");
	if (number)
		request->offset = (size_t)json_integer_value(number);
	number = json_object_get(line, "limit");
	if (number)
		request->limit = (size_t)json_integer_value(number);
	json_t *facet_list = json_object_get(line, "facets");
	if (json_is_string(facet_list) && strcmp(json_string_value(facet_list), "*") == 0) {
		request->facets = LANTERN_FACETS_ALL;
	} else if (json_is_array(facet_list)) {
		size_t i;
		json_t *name;
		json_array_foreach(facet_list, i, name) {
			int facet = json_is_string(name) ? lantern_facet_lookup(json_string_value(name)) : -1;
			if (facet < 0)
				return false;
			request->facets |= 1u << facet;
		}
	}
	const char *field;
	json_t *list;
	json_object_foreach(json_object_get(line, "filters"), field, list) {
		int facet = lantern_facet_lookup(field);
		if (facet < 0 || !json_is_array(list) || json_array_size(list) > LANTERN_FILTER_MAX_VALUES)
			return false;
		size_t i;
		json_t *value;
		json_array_foreach(list, i, value) {
			if (!json_is_string(value))
				return false;
			values[facet][i] = json_string_value(value);
		}
		request->filters[facet] = values[facet];
		request->filter_counts[facet] = json_array_size(list);
	}
	return true;
}

int main(int argc, char **argv)
{
	enum { OPT_INDEX = 256, OPT_ACCESS, OPT_TIMEOUT, OPT_PARTIAL, OPT_HELP };
	static const struct option long_options[] = {
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "access", required_argument, NULL, OPT_ACCESS },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *index = NULL;
	char *access = NULL;
	const char *labels[MAX_LABELS];
	size_t label_count = 0;
	lantern_engine_options options = { 2000, 2000, false };
	int option;
	while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (option) {
		case OPT_INDEX: index = optarg; break;
		case OPT_ACCESS: {
			free(access);
			access = strdup(optarg);
			label_count = 0;
			char *save = NULL;
			for (char *label = strtok_r(access, ",", &save); label && label_count < MAX_LABELS;
			     label = strtok_r(NULL, ",", &save))
				labels[label_count++] = label;
			break;
		}
		case OPT_TIMEOUT:
			options.remote_timeout_ms = options.remote_connect_timeout_ms = (unsigned)atoi(optarg);
			break;
		case OPT_PARTIAL: options.partial_results = true; break;
		case OPT_HELP: usage(stdout); free(access); return 0;
		default: usage(stderr); free(access); return 2;
		}
	}
	if (!index || optind + 1 != argc) {
		usage(stderr);
		free(access);
		return 2;
	}
	FILE *requests = fopen(argv[optind], "r");
	if (!requests) {
		perror(argv[optind]);
		free(access);
		return 2;
	}
	lantern_engine *engine = NULL;
	lantern_status status = lantern_engine_open_with(&engine, index, label_count ? labels : NULL,
	                                                 label_count, &options);
	if (status != LANTERN_OK) {
		fprintf(stderr, "lantern-scaling-answers: %s\n", lantern_error_detail());
		fclose(requests);
		free(access);
		return 3;
	}
	int exit_code = 0;
	char *text = malloc(MAX_LINE);
	size_t line_number = 0;
	while (text && fgets(text, MAX_LINE, requests)) {
		line_number++;
		json_error_t error;
		json_t *line = json_loads(text, 0, &error);
		lantern_search_request request;
		const char *values[LANTERN_FACET_COUNT][LANTERN_FILTER_MAX_VALUES];
		if (!line || !read_request(line, &request, values)) {
			fprintf(stderr, "lantern-scaling-answers: %s:%zu: not a request\n", argv[optind], line_number);
			json_decref(line);
			exit_code = 2;
			break;
		}
		json_t *response = NULL;
		status = lantern_engine_search(engine, &request, &response);
		if (status != LANTERN_OK)
			response = json_pack("{s:s, s:s}", "error", lantern_status_to_string(status), "detail",
			                     lantern_error_detail());
		else
			json_object_del(response, "processingTimeMs");
		json_dumpf(response, stdout, JSON_COMPACT | JSON_REAL_PRECISION(17));
		putchar('\n');
		fflush(stdout);
		json_decref(response);
		json_decref(line);
	}
	free(text);
	fclose(requests);
	lantern_engine_close(engine);
	free(access);
	return exit_code;
}
