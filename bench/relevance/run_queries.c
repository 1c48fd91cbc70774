/*
 * run_queries.c - lantern-bench-relevance: runs a test collection's queries
 * through the query engine and writes a TREC run file.
 *
 *   lantern-bench-relevance --index DIR --queries FILE [--depth N] [--output FILE]
 *                           [--strip-punctuation] [--lowercase] [--show-altered]
 *
 * FILE holds one query per line, "qid<TAB>text". Each query goes through
 * lantern_engine_search exactly as a front end would send it (free text,
 * any word, best first, no spelling suggestion) after being made safe for
 * Lantern's query syntax (see sanitise()), and every hit becomes a line
 *   qid Q0 docid rank score lantern
 * (docid is the hit's `id`). Per-query latency (wall clock around
 * lantern_engine_search; the first query is run once untimed before, to open
 * the index) goes to stderr as p50/p99, with how many queries sanitising
 * altered; `--stats FILE` also writes those figures as JSON.
 *
 * Exit status: 0 every query ran, 1 some queries failed (the rest are in the
 * run), 2 usage error, 3 the index could not be opened.
 */
#include "engine.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lantern/status.h"

#define DEFAULT_DEPTH 100

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: lantern-bench-relevance --index DIR --queries FILE [OPTIONS]\n"
	        "\n"
	        "Runs each query of FILE (qid<TAB>text per line) through Lantern's query\n"
	        "engine and writes a TREC run file: qid Q0 docid rank score lantern.\n"
	        "\n"
	        "Options:\n"
	        "  --index DIR            the Lantern index to search\n"
	        "  --queries FILE         the queries (qid<TAB>text)\n"
	        "  --depth N              hits per query (default %d, at most %d)\n"
	        "  --output FILE          the run file (default: stdout)\n"
	        "  --stats FILE           also write the query and latency figures as JSON\n"
	        "  --strip-punctuation    replace every ASCII punctuation character with a\n"
	        "                         space (an experiment; the default keeps what the\n"
	        "                         query syntax leaves harmless, e.g. hyphens)\n"
	        "  --lowercase            lowercase ASCII letters (an experiment: a\n"
	        "                         capitalised word is not stemmed by the parser)\n"
	        "  --show-altered         print each altered query (as searched) on stderr\n"
	        "  --help\n"
	        "\n"
	        "Latency (p50/p99 ms per query) and the number of queries altered to make\n"
	        "them safe for the query syntax are printed on stderr.\n",
	        DEFAULT_DEPTH, LANTERN_RESULT_MAX_LIMIT);
}

/* ------------------------------------------------------------------ sanitising
 * Lantern's query syntax (Xapian's QueryParser with FLAG_BOOLEAN, PHRASE,
 * LOVEHATE, PURE_NOT and WILDCARD, plus field: prefixes and ranges) gives
 * meaning to characters that occur in ordinary text: quotes, parentheses,
 * `field:`, a leading + or -, `*`, and the uppercase words AND OR NOT XOR
 * NEAR ADJ. Test-collection queries are plain text, so those characters
 * are removed (replaced by a space) and the operator words lowercased;
 * everything else is left to the parser, as a user's typing would be. */

static bool is_operator_word(const char *word, size_t length)
{
	static const char *const operators[] = { "AND", "OR", "NOT", "XOR", "NEAR", "ADJ" };
	for (size_t k = 0; k < sizeof(operators) / sizeof(operators[0]); k++)
		if (strlen(operators[k]) == length && memcmp(word, operators[k], length) == 0)
			return true;
	return false;
}

static bool is_word_byte(char c)
{
	return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

/* Rewrites `text` in place; returns whether anything changed. */
static bool sanitise(char *text, bool strip_punctuation, bool lowercase)
{
	bool changed = false;
	size_t length = strlen(text);
	/* Characters the syntax reads as operators, and control characters. */
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		bool drop = c < 0x20 || c == 0x7f || c == '"' || c == '(' || c == ')' || c == ':' || c == '*';
		/* "a..b" is a range to the parser (an error without a known prefix). */
		if (c == '.' && i + 1 < length && text[i + 1] == '.')
			drop = true;
		if (strip_punctuation && c < 0x80 && ispunct(c))
			drop = true;
		if (drop && c != ' ') {
			text[i] = ' ';
			changed = true;
		}
		if (lowercase && c < 0x80 && isupper(c)) {
			text[i] = (char)tolower(c);
			changed = true;
		}
	}
	/* Leading + and - (must / must not), word by word. */
	for (size_t i = 0; i < length;) {
		if (text[i] == ' ' || text[i] == '\t') {
			i++;
			continue;
		}
		while (i < length && (text[i] == '+' || text[i] == '-')) {
			text[i++] = ' ';
			changed = true;
		}
		while (i < length && text[i] != ' ' && text[i] != '\t')
			i++;
	}
	/* Operator words: a word (a run of letters, digits, '_' and non-ASCII)
	 * that spells one, wherever it stands ("NEAR/3", "(AND", "OR,"). */
	for (size_t i = 0; i < length;) {
		if (!is_word_byte(text[i])) {
			i++;
			continue;
		}
		size_t start = i;
		while (i < length && is_word_byte(text[i]))
			i++;
		if (is_operator_word(text + start, i - start)) {
			for (size_t k = start; k < i; k++)
				text[k] = (char)tolower((unsigned char)text[k]);
			changed = true;
		}
	}
	/* The engine's size limit: cut at a word boundary (else a UTF-8 one). */
	if (length > LANTERN_QUERY_MAX_BYTES) {
		size_t cut = LANTERN_QUERY_MAX_BYTES;
		while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
			cut--;
		size_t space = cut;
		while (space > 0 && text[space] != ' ' && text[space] != '\t')
			space--;
		text[space > 0 ? space : cut] = '\0';
		changed = true;
	}
	return changed;
}

/* ------------------------------------------------------------------ latency */

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

/* Nearest-rank percentile of sorted values. */
static double percentile(const double *sorted, size_t count, double p)
{
	if (count == 0)
		return 0.0;
	size_t rank = (size_t)(p / 100.0 * (double)count + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > count)
		rank = count;
	return sorted[rank - 1];
}

/* ------------------------------------------------------------------ main */

static bool parse_depth(const char *text, size_t *out)
{
	char *end = NULL;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (!text[0] || *end || errno || value < 1 || value > LANTERN_RESULT_MAX_LIMIT)
		return false;
	*out = (size_t)value;
	return true;
}

int main(int argc, char **argv)
{
	enum { OPT_INDEX = 256, OPT_QUERIES, OPT_DEPTH, OPT_OUTPUT, OPT_STATS, OPT_STRIP, OPT_LOWER, OPT_SHOW,
	       OPT_HELP };
	static const struct option long_options[] = {
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "queries", required_argument, NULL, OPT_QUERIES },
		{ "depth", required_argument, NULL, OPT_DEPTH },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "stats", required_argument, NULL, OPT_STATS },
		{ "strip-punctuation", no_argument, NULL, OPT_STRIP },
		{ "lowercase", no_argument, NULL, OPT_LOWER },
		{ "show-altered", no_argument, NULL, OPT_SHOW },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	const char *index_path = NULL, *queries_path = NULL, *output_path = NULL, *stats_path = NULL;
	size_t depth = DEFAULT_DEPTH;
	bool strip_punctuation = false, lowercase = false, show_altered = false;
	int option;
	while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (option) {
		case OPT_INDEX: index_path = optarg; break;
		case OPT_QUERIES: queries_path = optarg; break;
		case OPT_OUTPUT: output_path = optarg; break;
		case OPT_STATS: stats_path = optarg; break;
		case OPT_STRIP: strip_punctuation = true; break;
		case OPT_LOWER: lowercase = true; break;
		case OPT_SHOW: show_altered = true; break;
		case OPT_DEPTH:
			if (!parse_depth(optarg, &depth)) {
				fprintf(stderr, "lantern-bench-relevance: --depth must be 1..%d\n",
				        LANTERN_RESULT_MAX_LIMIT);
				return 2;
			}
			break;
		case OPT_HELP: usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !index_path || !queries_path) {
		usage(stderr);
		return 2;
	}

	FILE *queries = fopen(queries_path, "r");
	if (!queries) {
		fprintf(stderr, "lantern-bench-relevance: %s: %s\n", queries_path, strerror(errno));
		return 2;
	}
	lantern_engine *engine = NULL;
	lantern_status status = lantern_engine_open(&engine, index_path, NULL, 0);
	if (status != LANTERN_OK) {
		fprintf(stderr, "lantern-bench-relevance: %s: %s: %s\n", index_path,
		        lantern_status_to_string(status), lantern_error_detail());
		fclose(queries);
		return 3;
	}
	FILE *out = output_path ? fopen(output_path, "w") : stdout;
	if (!out) {
		fprintf(stderr, "lantern-bench-relevance: %s: %s\n", output_path, strerror(errno));
		lantern_engine_close(engine);
		fclose(queries);
		return 2;
	}

	size_t query_count = 0, altered = 0, failed = 0, empty = 0, hit_lines = 0;
	double *latencies = NULL;
	size_t latency_capacity = 0;
	char *line = NULL;
	size_t line_capacity = 0;
	ssize_t line_length;
	size_t line_number = 0;
	bool warmed = false;
	while ((line_length = getline(&line, &line_capacity, queries)) != -1) {
		line_number++;
		while (line_length > 0 && (line[line_length - 1] == '\n' || line[line_length - 1] == '\r'))
			line[--line_length] = '\0';
		if (line_length == 0)
			continue;
		char *tab = strchr(line, '\t');
		if (!tab) {
			fprintf(stderr, "lantern-bench-relevance: %s:%zu: no TAB after the query id (skipped)\n",
			        queries_path, line_number);
			continue;
		}
		*tab = '\0';
		const char *qid = line;
		char *text = tab + 1;
		query_count++;
		if (sanitise(text, strip_punctuation, lowercase)) {
			altered++;
			if (show_altered)
				fprintf(stderr, "altered %s\t%s\n", qid, text);
		}

		bool blank = true;
		for (const char *p = text; *p && blank; p++)
			blank = *p == ' ' || *p == '\t';
		if (blank) {
			/* The engine would list every document, unranked. */
			fprintf(stderr, "lantern-bench-relevance: query %s is empty (after sanitising): no hits\n", qid);
			failed++;
			continue;
		}
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.query = text;
		request.limit = depth;
		request.spelling = false;
		json_t *response = NULL;
		if (!warmed) {
			/* Untimed: the first search opens the index and fills caches. */
			warmed = true;
			if (lantern_engine_search(engine, &request, &response) == LANTERN_OK)
				json_decref(response);
			response = NULL;
		}
		double started = now_ms();
		status = lantern_engine_search(engine, &request, &response);
		double elapsed = now_ms() - started;
		if (status != LANTERN_OK) {
			fprintf(stderr, "lantern-bench-relevance: query %s failed: %s: %s\n", qid,
			        lantern_status_to_string(status), lantern_error_detail());
			failed++;
			continue;
		}
		if (query_count > latency_capacity) {
			latency_capacity = latency_capacity ? 2 * latency_capacity : 512;
			double *grown = realloc(latencies, latency_capacity * sizeof(double));
			if (!grown) {
				fprintf(stderr, "lantern-bench-relevance: out of memory\n");
				return 2;
			}
			latencies = grown;
		}
		size_t latency_count = query_count - failed - 1;
		latencies[latency_count] = elapsed;

		json_t *hits = json_object_get(response, "hits");
		size_t index;
		json_t *hit;
		size_t rank = 0;
		json_array_foreach(hits, index, hit) {
			const char *docid = json_string_value(json_object_get(hit, "id"));
			json_t *score = json_object_get(hit, "score");
			if (!docid || !json_is_number(score))
				continue;
			fprintf(out, "%s Q0 %s %zu %.9f lantern\n", qid, docid, ++rank, json_number_value(score));
		}
		hit_lines += rank;
		if (rank == 0)
			empty++;
		json_decref(response);
	}
	free(line);
	fclose(queries);
	lantern_engine_close(engine);
	bool write_failed = ferror(out) != 0;
	if (out != stdout)
		write_failed = fclose(out) != 0 || write_failed;
	else
		write_failed = fflush(out) != 0 || write_failed;
	if (write_failed) {
		fprintf(stderr, "lantern-bench-relevance: writing the run failed\n");
		free(latencies);
		return 2;
	}

	size_t timed = query_count - failed;
	if (timed)
		qsort(latencies, timed, sizeof(double), compare_doubles);
	double p50 = percentile(latencies, timed, 50.0), p99 = percentile(latencies, timed, 99.0);
	double total = 0.0;
	for (size_t i = 0; i < timed; i++)
		total += latencies[i];
	fprintf(stderr,
	        "lantern-bench-relevance: %zu queries (%zu altered to suit the query syntax%s%s), "
	        "%zu failed, %zu without hits, %zu run lines\n",
	        query_count, altered, strip_punctuation ? ", punctuation stripped" : "",
	        lowercase ? ", lowercased" : "", failed, empty, hit_lines);
	fprintf(stderr, "lantern-bench-relevance: latency per query at depth %zu: p50 %.3f ms, p99 %.3f ms, "
	        "mean %.3f ms\n", depth, p50, p99, timed ? total / (double)timed : 0.0);
	if (stats_path) {
		FILE *stats = fopen(stats_path, "w");
		if (!stats) {
			fprintf(stderr, "lantern-bench-relevance: %s: %s\n", stats_path, strerror(errno));
			free(latencies);
			return 2;
		}
		fprintf(stats,
		        "{\"queries\":%zu,\"altered\":%zu,\"failed\":%zu,\"without_hits\":%zu,\"depth\":%zu,"
		        "\"p50_ms\":%.4f,\"p99_ms\":%.4f,\"mean_ms\":%.4f}\n",
		        query_count, altered, failed, empty, depth, p50, p99,
		        timed ? total / (double)timed : 0.0);
		fclose(stats);
	}
	free(latencies);
	return failed ? 1 : 0;
}
