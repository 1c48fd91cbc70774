/*
 * cli.c - lantern-search, the analyst's command line.
 *
 * Parses options into a lantern_search_request, runs it through the query
 * engine (the daemon's engine too), and prints the JSON response as JSON,
 * JSON lines, TSV or readable text. The only place that talks to the terminal.
 */
#include "engine.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lantern/status.h"

#ifndef LANTERN_DEFAULT_INDEX
#define LANTERN_DEFAULT_INDEX "build/index"
#endif
#ifndef LANTERN_VERSION
#define LANTERN_VERSION "0"
#endif

/* Exit statuses, in --help and lantern-search(1). Never renumbered. */
enum {
	EXIT_RESULTS = 0,
	EXIT_NO_RESULTS = 1,
	EXIT_USAGE = 2,        /* bad option or bad query (reason on stderr) */
	EXIT_NO_INDEX = 3,     /* no index at the path */
	EXIT_INDEX_ERROR = 4   /* the index exists but cannot be read */
};

typedef enum output_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_JSONL, FORMAT_TSV } output_format;

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: lantern-search [OPTIONS] [QUERY...]\n"
	        "\n"
	        "Search a Lantern index. QUERY is free text with \"phrases\", +must, -mustnot,\n"
	        "AND/OR/NOT, field:value (title:, summary:, type:, topic:, agency_type:, ...),\n"
	        "published:2019..2023 and trailing * wildcards. Acronyms find their spelled-out\n"
	        "forms (CSEC, DMST, NCMEC, ...). No query with filters lists what matches them.\n"
	        "\n"
	        "Filters (repeat a filter for OR within it; different filters AND together):\n"
	        "  --agency-type rural|suburban|urban|tribal     --agency-size small|mid-sized|large\n"
	        "  --resource-level low|moderate|high             --type TYPE     --topic TOPIC\n"
	        "  --audience AUDIENCE   --delivery online|in-person|hybrid   --language CODE\n"
	        "  --publisher NAME      --published YYYY[..YYYY]\n"
	        "\n"
	        "Options:\n"
	        "  --index DIR          the index (default: $LANTERN_INDEX, else\n"
	        "                       %s)\n"
	        "  --access LABEL,...   search only these partitions (default: all readable)\n"
	        "  --all                every word must match (default: any, best first)\n"
	        "  --sort relevance|date|title\n"
	        "  --limit N            results to show (default 10; 0: totals and facets only)\n"
	        "  --offset N           results to skip\n"
	        "  --facets             count results per value of every facet field\n"
	        "  --related ID         resources like the resource ID (filters apply)\n"
	        "  --shard-timeout MS   remote shards: give up after MS milliseconds (default 2000)\n"
	        "  --partial            remote shards: answer from those that respond\n"
	        "  --format text|json|jsonl|tsv   (--json is --format json)\n"
	        "  --color auto|always|never      (NO_COLOR is honoured under auto)\n"
	        "  --help, --version\n"
	        "\n"
	        "Exit status: 0 results found, 1 no results, 2 usage error or bad query,\n"
	        "3 no index at the path, 4 the index cannot be read.\n",
	        LANTERN_DEFAULT_INDEX);
}

typedef struct string_list {
	const char **items;
	size_t count;
} string_list;

static bool list_add(string_list *list, const char *value)
{
	const char **grown = realloc(list->items, (list->count + 1) * sizeof(char *));
	if (!grown)
		return false;
	list->items = grown;
	list->items[list->count++] = value;
	return true;
}

static bool parse_size(const char *text, size_t *out)
{
	char *end = NULL;
	unsigned long long value = strtoull(text, &end, 10);
	if (!text[0] || *end || text[0] == '-' || value > 1000000000ULL)
		return false;
	*out = (size_t)value;
	return true;
}

/* ------------------------------------------------------------------ output */

typedef struct palette {
	const char *bold, *dim, *match, *reset;
} palette;

static const char *string_of(json_t *object, const char *key)
{
	const char *value = json_string_value(json_object_get(object, key));
	return value ? value : "";
}

static void print_metadata_line(json_t *hit, const palette *colors)
{
	static const char *const shown[] = { "agency_type", "agency_size", "resource_level", "topics",
	                                     "audience", "delivery", "published", "access" };
	json_t *metadata = json_object_get(hit, "metadata");
	bool first = true;
	printf("   %s", colors->dim);
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++) {
		json_t *value = json_object_get(metadata, shown[i]);
		if (!value)
			continue;
		printf("%s%s: ", first ? "" : " · ", shown[i]);
		if (json_is_array(value)) {
			size_t index;
			json_t *item;
			json_array_foreach(value, index, item)
				printf("%s%s", index ? ", " : "", json_string_value(item));
		} else {
			printf("%s", json_string_value(value) ? json_string_value(value) : "");
		}
		first = false;
	}
	printf("%s\n", colors->reset);
}

static void print_text(json_t *response, const palette *colors, bool show_facets)
{
	json_t *hits = json_object_get(response, "hits");
	size_t offset = (size_t)json_integer_value(json_object_get(response, "offset"));
	size_t index;
	json_t *hit;
	json_array_foreach(hits, index, hit) {
		printf("%zu. %s%s%s  [%s]\n", offset + index + 1, colors->bold, string_of(hit, "title"),
		       colors->reset, string_of(hit, "type"));
		print_metadata_line(hit, colors);
		const char *where = string_of(hit, "url");
		printf("   %s%s", colors->dim, where[0] ? where : string_of(hit, "path"));
		json_int_t page = json_integer_value(json_object_get(hit, "page"));
		if (page)
			printf(" (page %lld of %lld)", (long long)page,
			       (long long)json_integer_value(json_object_get(hit, "pages")));
		printf("%s\n", colors->reset);
		const char *snippet = json_string_value(json_object_get(hit, "snippet"));
		if (snippet && snippet[0]) {
			char *shown = lantern_highlight_text(snippet, colors->match, colors->reset);
			if (shown) {
				for (char *p = shown; *p; p++)
					if (*p == '\n')
						*p = ' ';
				printf("   %s\n", shown);
			}
			free(shown);
		}
		printf("\n");
	}
	json_int_t total = json_integer_value(json_object_get(response, "totalHits"));
	bool exact = json_is_true(json_object_get(response, "totalHitsExact"));
	printf("%s%s%lld result%s · %.1f ms%s\n", colors->dim, exact ? "" : "about ", (long long)total,
	       total == 1 ? "" : "s", json_real_value(json_object_get(response, "processingTimeMs")),
	       colors->reset);
	if (json_is_true(json_object_get(response, "partial"))) {
		printf("%spartial results: shards not answering:", colors->bold);
		size_t i;
		json_t *endpoint;
		json_array_foreach(json_object_get(response, "unavailableShards"), i, endpoint)
			printf(" %s", json_string_value(endpoint));
		printf("%s\n", colors->reset);
	}
	const char *suggestion = json_string_value(json_object_get(response, "suggestion"));
	if (suggestion)
		printf("Did you mean: %s%s%s\n", colors->bold, suggestion, colors->reset);
	if (show_facets) {
		json_t *distribution = json_object_get(response, "facetDistribution");
		const char *field;
		json_t *counts;
		json_object_foreach(distribution, field, counts) {
			printf("%s%s:%s", colors->bold, field, colors->reset);
			const char *value;
			json_t *count;
			json_object_foreach(counts, value, count)
				printf(" %s (%lld)", value, (long long)json_integer_value(count));
			printf("\n");
		}
	}
}

static void print_tsv_field(const char *text)
{
	for (const char *p = text; *p; p++)
		putchar(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
}

static void print_tsv(json_t *response)
{
	printf("rank\tscore\tid\ttype\ttitle\tlocation\n");
	json_t *hits = json_object_get(response, "hits");
	size_t offset = (size_t)json_integer_value(json_object_get(response, "offset"));
	size_t index;
	json_t *hit;
	json_array_foreach(hits, index, hit) {
		printf("%zu\t%.4f\t", offset + index + 1, json_real_value(json_object_get(hit, "score")));
		print_tsv_field(string_of(hit, "id"));
		putchar('\t');
		print_tsv_field(string_of(hit, "type"));
		putchar('\t');
		print_tsv_field(string_of(hit, "title"));
		putchar('\t');
		const char *url = string_of(hit, "url");
		print_tsv_field(url[0] ? url : string_of(hit, "path"));
		putchar('\n');
	}
}

/* ------------------------------------------------------------------ main */

int main(int argc, char **argv)
{
	enum { OPT_INDEX = 256, OPT_ACCESS, OPT_ALL, OPT_SORT, OPT_LIMIT, OPT_OFFSET, OPT_FACETS,
	       OPT_RELATED, OPT_FORMAT, OPT_JSON, OPT_COLOR, OPT_PUBLISHED, OPT_HELP, OPT_VERSION,
	       OPT_SHARD_TIMEOUT, OPT_PARTIAL,
	       OPT_FILTER_BASE = 512 };
	static const struct option long_options[] = {
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "access", required_argument, NULL, OPT_ACCESS },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "offset", required_argument, NULL, OPT_OFFSET },
		{ "facets", no_argument, NULL, OPT_FACETS },
		{ "related", required_argument, NULL, OPT_RELATED },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "published", required_argument, NULL, OPT_PUBLISHED },
		{ "shard-timeout", required_argument, NULL, OPT_SHARD_TIMEOUT },
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "agency-type", required_argument, NULL, OPT_FILTER_BASE + LANTERN_FACET_AGENCY_TYPE },
		{ "agency-size", required_argument, NULL, OPT_FILTER_BASE + LANTERN_FACET_AGENCY_SIZE },
		{ "resource-level", required_argument, NULL, OPT_FILTER_BASE + LANTERN_FACET_RESOURCE_LEVEL },
		{ "type", required_argument, NULL, OPT_FILTER_BASE + LANTERN_FACET_TYPE },
		{ "topic", required_argument, NULL, OPT_FILTER_BASE + LANTERN_FACET_TOPIC },
		{ "audience", required_argument, NULL, OPT_FILTER_BASE + LANTERN_FACET_AUDIENCE },
		{ "delivery", required_argument, NULL, OPT_FILTER_BASE + LANTERN_FACET_DELIVERY },
		{ "language", required_argument, NULL, OPT_FILTER_BASE + LANTERN_FACET_LANGUAGE },
		{ "publisher", required_argument, NULL, OPT_FILTER_BASE + LANTERN_FACET_PUBLISHER },
		{ NULL, 0, NULL, 0 },
	};
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	lantern_engine_options engine_options = { 2000, 2000, false };
	string_list filters[LANTERN_FACET_COUNT];
	memset(filters, 0, sizeof(filters));
	string_list access = { NULL, 0 };
	char *access_copy = NULL;
	output_format format = FORMAT_TEXT;
	const char *color = "auto";
	bool show_facets = false;
	const char *index = getenv("LANTERN_INDEX");
	if (!index || !index[0])
		index = LANTERN_DEFAULT_INDEX;
	int exit_code = EXIT_USAGE;

	int option;
	opterr = 0;
	while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		if (option >= OPT_FILTER_BASE && option < OPT_FILTER_BASE + LANTERN_FACET_COUNT) {
			if (!list_add(&filters[option - OPT_FILTER_BASE], optarg))
				goto done;
			continue;
		}
		switch (option) {
		case OPT_INDEX: index = optarg; break;
		case OPT_ACCESS: {
			free(access_copy);
			access_copy = strdup(optarg);
			access.count = 0;
			char *save = NULL;
			for (char *label = strtok_r(access_copy, ",", &save); label; label = strtok_r(NULL, ",", &save))
				if (label[0] && !list_add(&access, label))
					goto done;
			if (!access.count) {
				fprintf(stderr, "lantern-search: --access needs at least one label\n");
				goto done;
			}
			break;
		}
		case OPT_ALL: request.all_words = true; break;
		case OPT_SORT:
			if (strcmp(optarg, "relevance") == 0) request.order = LANTERN_ORDER_RELEVANCE;
			else if (strcmp(optarg, "date") == 0) request.order = LANTERN_ORDER_DATE;
			else if (strcmp(optarg, "title") == 0) request.order = LANTERN_ORDER_TITLE;
			else {
				fprintf(stderr, "lantern-search: --sort takes relevance, date or title, not '%s'\n", optarg);
				goto done;
			}
			break;
		case OPT_LIMIT:
			if (!parse_size(optarg, &request.limit)) {
				fprintf(stderr, "lantern-search: --limit takes a number, not '%s'\n", optarg);
				goto done;
			}
			break;
		case OPT_OFFSET:
			if (!parse_size(optarg, &request.offset)) {
				fprintf(stderr, "lantern-search: --offset takes a number, not '%s'\n", optarg);
				goto done;
			}
			break;
		case OPT_FACETS:
			show_facets = true;
			request.facets = LANTERN_FACETS_ALL;
			break;
		case OPT_RELATED: request.related_id = optarg; break;
		case OPT_PUBLISHED: request.published = optarg; break;
		case OPT_PARTIAL: engine_options.partial_results = true; break;
		case OPT_SHARD_TIMEOUT: {
			size_t milliseconds = 0;
			if (!parse_size(optarg, &milliseconds) || milliseconds < 10 || milliseconds > 600000) {
				fprintf(stderr, "lantern-search: --shard-timeout takes 10 to 600000 milliseconds\n");
				goto done;
			}
			engine_options.remote_timeout_ms = (unsigned)milliseconds;
			engine_options.remote_connect_timeout_ms = (unsigned)milliseconds;
			break;
		}
		case OPT_JSON: format = FORMAT_JSON; break;
		case OPT_FORMAT:
			if (strcmp(optarg, "text") == 0) format = FORMAT_TEXT;
			else if (strcmp(optarg, "json") == 0) format = FORMAT_JSON;
			else if (strcmp(optarg, "jsonl") == 0) format = FORMAT_JSONL;
			else if (strcmp(optarg, "tsv") == 0) format = FORMAT_TSV;
			else {
				fprintf(stderr, "lantern-search: --format takes text, json, jsonl or tsv, not '%s'\n", optarg);
				goto done;
			}
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
				fprintf(stderr, "lantern-search: --color takes auto, always or never\n");
				goto done;
			}
			color = optarg;
			break;
		case OPT_HELP:
			usage(stdout);
			exit_code = EXIT_RESULTS;
			goto done;
		case OPT_VERSION:
			printf("lantern-search %s\n", LANTERN_VERSION);
			exit_code = EXIT_RESULTS;
			goto done;
		default:
			fprintf(stderr, "lantern-search: unknown or incomplete option '%s'\nTry 'lantern-search --help'.\n",
			        argv[optind - 1]);
			goto done;
		}
	}

	/* The query is the remaining words, joined by spaces. */
	size_t query_length = 0;
	for (int i = optind; i < argc; i++)
		query_length += strlen(argv[i]) + 1;
	char *query = calloc(query_length + 1, 1);
	if (!query)
		goto done;
	for (int i = optind; i < argc; i++) {
		if (i > optind)
			strcat(query, " ");
		strcat(query, argv[i]);
	}
	request.query = query;
	for (int f = 0; f < LANTERN_FACET_COUNT; f++) {
		request.filters[f] = filters[f].items;
		request.filter_counts[f] = filters[f].count;
	}
	request.highlight = format == FORMAT_TEXT ? LANTERN_HIGHLIGHT_TEXT : LANTERN_HIGHLIGHT_HTML;

	lantern_engine *engine = NULL;
	lantern_status status = lantern_engine_open_with(&engine, index, access.count ? access.items : NULL,
	                                                 access.count, &engine_options);
	if (status != LANTERN_OK) {
		fprintf(stderr, "lantern-search: %s\n", lantern_error_detail());
		exit_code = status == LANTERN_ERROR_NOT_FOUND ? EXIT_NO_INDEX : EXIT_INDEX_ERROR;
		free(query);
		goto done;
	}
	json_t *response = NULL;
	status = lantern_engine_search(engine, &request, &response);
	if (status != LANTERN_OK) {
		fprintf(stderr, "lantern-search: %s\n", lantern_error_detail());
		bool bad_request = status == LANTERN_ERROR_INVALID_ARGUMENT || status == LANTERN_ERROR_TOO_LARGE ||
		                   status == LANTERN_ERROR_QUERY_PARSER || status == LANTERN_ERROR_ENGINE_RANGE ||
		                   status == LANTERN_ERROR_NOT_FOUND;
		exit_code = bad_request ? EXIT_USAGE : EXIT_INDEX_ERROR;
		lantern_engine_close(engine);
		free(query);
		goto done;
	}
	const char *const *labels;
	size_t label_count = lantern_engine_partitions(engine, &labels);
	json_t *searched = json_array();
	for (size_t i = 0; i < label_count; i++)
		json_array_append_new(searched, json_string(labels[i]));
	json_object_set_new(response, "partitions", searched);

	bool use_color = strcmp(color, "always") == 0 ||
	                 (strcmp(color, "auto") == 0 && isatty(STDOUT_FILENO) &&
	                  !(getenv("NO_COLOR") && getenv("NO_COLOR")[0]));
	palette colors = use_color ? (palette){ "\033[1m", "\033[2m", "\033[1;33m", "\033[0m" }
	                           : (palette){ "", "", "", "" };
	switch (format) {
	case FORMAT_JSON:
		json_dumpf(response, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
		putchar('\n');
		break;
	case FORMAT_JSONL: {
		size_t i;
		json_t *hit;
		json_array_foreach(json_object_get(response, "hits"), i, hit) {
			json_dumpf(hit, stdout, JSON_COMPACT | JSON_REAL_PRECISION(6));
			putchar('\n');
		}
		break;
	}
	case FORMAT_TSV:
		print_tsv(response);
		break;
	case FORMAT_TEXT:
		{
			printf("%ssearched: ", colors.dim);
			for (size_t i = 0; i < label_count; i++)
				printf("%s%s", i ? ", " : "", labels[i]);
			printf("%s\n\n", colors.reset);
		}
		print_text(response, &colors, show_facets);
		break;
	}
	exit_code = json_integer_value(json_object_get(response, "totalHits")) > 0 ? EXIT_RESULTS : EXIT_NO_RESULTS;
	json_decref(response);
	lantern_engine_close(engine);
	free(query);
done:
	for (int f = 0; f < LANTERN_FACET_COUNT; f++)
		free(filters[f].items);
	free(access.items);
	free(access_copy);
	return exit_code;
}
