/*
 * evaluate.c - lantern-bench-evaluate: nDCG@10 and MAP of a TREC run file
 * against relevance judgements, with trec_eval's semantics.
 *
 *   lantern-bench-evaluate [--grades MAP] [--per-query] QRELS RUN
 *   lantern-bench-evaluate --self-test
 *
 * QRELS: one judgement per line, whitespace-separated, either
 *   qid docid rel            (BEIR .tsv; a first line whose rel is not a
 *                             number, "query-id corpus-id score", is a header)
 *   qid iter docid rel       (TREC qrels)
 * RUN: TREC run lines, "qid Q0 docid rank score tag".
 *
 * Semantics (those of trec_eval -c -m ndcg_cut.10 -m map):
 *   - a run's hits for a query are ordered by score, highest first, ties by
 *     docid in reverse strcmp order (trec_eval ignores the rank column); a
 *     docid repeated within a query counts once (its first line);
 *   - queries evaluated: those of QRELS with at least one relevant document
 *     (rel > 0); one the run lacks scores 0; run queries absent from QRELS
 *     are ignored;
 *   - nDCG@10: DCG = sum over ranks i = 1..10 of gain_i / log2(i + 1), gain =
 *     the graded relevance (linear; unjudged and rel <= 0 give 0); ideal DCG
 *     from the query's judgements sorted by relevance;
 *   - AP: mean over the query's relevant documents (rel > 0, retrieved or
 *     not) of the precision at the rank each was retrieved (0 if never),
 *     over the whole run depth; MAP is its mean over the queries;
 *   - Recall@100 (extra): relevant documents in the top 100 / relevant ones.
 * --grades maps raw judgement codes to grades before all of this, e.g.
 * Cranfield's "1:4,2:3,3:2,4:1,-1:0" (see bench/relevance/README.md); codes
 * it does not list keep their value.
 *
 * Prints "queries N", "ndcg_cut_10 X", "map X", "recall_100 X" (and with
 * --per-query one "qid ndcg_cut_10 ap" line per query before them).
 * Exit status: 0 done, 1 bad input, 2 usage error (self-test: 1 on failure).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NDCG_CUTOFF 10
#define RECALL_CUTOFF 100
#define MAX_GRADES 32

/* ------------------------------------------------------------------ data */

typedef struct judgement {
	char *qid;
	char *docid;
	long rel;
} judgement;

typedef struct hit {
	char *qid;
	char *docid;
	double score;
	size_t line;     /* input order, to keep the first of duplicates */
} hit;

typedef struct grade_map {
	long from[MAX_GRADES], to[MAX_GRADES];
	size_t count;
} grade_map;

typedef struct totals {
	size_t queries;
	size_t missing;   /* evaluated queries the run has no hits for */
	double ndcg, map, recall;
} totals;

static char *copy_string(const char *text)
{
	size_t length = strlen(text) + 1;
	char *copy = malloc(length);
	if (!copy) {
		fprintf(stderr, "lantern-bench-evaluate: out of memory\n");
		exit(2);
	}
	return memcpy(copy, text, length);
}

static void *grow(void *items, size_t *capacity, size_t needed, size_t size)
{
	if (needed <= *capacity)
		return items;
	size_t wanted = *capacity ? *capacity * 2 : 1024;
	while (wanted < needed)
		wanted *= 2;
	void *grown = realloc(items, wanted * size);
	if (!grown) {
		fprintf(stderr, "lantern-bench-evaluate: out of memory\n");
		exit(2);
	}
	*capacity = wanted;
	return grown;
}

static bool parse_long(const char *text, long *out)
{
	char *end = NULL;
	errno = 0;
	long value = strtol(text, &end, 10);
	if (!text[0] || *end || errno)
		return false;
	*out = value;
	return true;
}

static bool parse_double(const char *text, double *out)
{
	char *end = NULL;
	errno = 0;
	double value = strtod(text, &end);
	if (!text[0] || *end || errno || isnan(value))
		return false;
	*out = value;
	return true;
}

/* "1:4,2:3,-1:0" */
static bool parse_grades(const char *text, grade_map *map)
{
	map->count = 0;
	char *copy = copy_string(text), *save = NULL;
	bool ok = true;
	for (char *item = strtok_r(copy, ",", &save); item && ok; item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item + 1, ':'); /* +1: a code may be negative */
		if (!colon || map->count == MAX_GRADES) {
			ok = false;
			break;
		}
		*colon = '\0';
		ok = parse_long(item, &map->from[map->count]) && parse_long(colon + 1, &map->to[map->count]);
		map->count++;
	}
	free(copy);
	return ok && map->count > 0;
}

static long map_grade(const grade_map *map, long rel)
{
	for (size_t i = 0; map && i < map->count; i++)
		if (map->from[i] == rel)
			return map->to[i];
	return rel;
}

/* Splits a line into at most `max` whitespace-separated fields. */
static size_t split_fields(char *line, char **fields, size_t max)
{
	size_t count = 0;
	char *save = NULL;
	for (char *field = strtok_r(line, " \t\r\n", &save); field; field = strtok_r(NULL, " \t\r\n", &save)) {
		if (count == max)
			return max + 1;
		fields[count++] = field;
	}
	return count;
}

/* ------------------------------------------------------------------ reading */

static bool read_qrels(FILE *in, const char *name, const grade_map *grades, judgement **out,
                       size_t *count)
{
	judgement *items = NULL;
	size_t capacity = 0, used = 0, line_number = 0;
	char *line = NULL;
	size_t line_capacity = 0;
	bool ok = true;
	while (getline(&line, &line_capacity, in) != -1) {
		line_number++;
		char *fields[5];
		size_t n = split_fields(line, fields, 4);
		if (n == 0)
			continue;
		const char *qid, *docid, *rel_text;
		if (n == 3) {
			qid = fields[0], docid = fields[1], rel_text = fields[2];
		} else if (n == 4) {
			qid = fields[0], docid = fields[2], rel_text = fields[3];
		} else {
			fprintf(stderr, "lantern-bench-evaluate: %s:%zu: expected 3 or 4 fields\n", name, line_number);
			ok = false;
			break;
		}
		long rel;
		if (!parse_long(rel_text, &rel)) {
			if (line_number == 1 && used == 0)
				continue; /* a header ("query-id corpus-id score") */
			fprintf(stderr, "lantern-bench-evaluate: %s:%zu: relevance '%s' is not an integer\n",
			        name, line_number, rel_text);
			ok = false;
			break;
		}
		items = grow(items, &capacity, used + 1, sizeof(*items));
		items[used].qid = copy_string(qid);
		items[used].docid = copy_string(docid);
		items[used].rel = map_grade(grades, rel);
		used++;
	}
	free(line);
	*out = items;
	*count = used;
	return ok;
}

static bool read_run(FILE *in, const char *name, hit **out, size_t *count)
{
	hit *items = NULL;
	size_t capacity = 0, used = 0, line_number = 0;
	char *line = NULL;
	size_t line_capacity = 0;
	bool ok = true;
	while (getline(&line, &line_capacity, in) != -1) {
		line_number++;
		char *fields[7];
		size_t n = split_fields(line, fields, 6);
		if (n == 0)
			continue;
		double score;
		if (n != 6 || !parse_double(fields[4], &score)) {
			fprintf(stderr, "lantern-bench-evaluate: %s:%zu: expected 'qid Q0 docid rank score tag'\n",
			        name, line_number);
			ok = false;
			break;
		}
		items = grow(items, &capacity, used + 1, sizeof(*items));
		items[used].qid = copy_string(fields[0]);
		items[used].docid = copy_string(fields[2]);
		items[used].score = score;
		items[used].line = line_number;
		used++;
	}
	free(line);
	*out = items;
	*count = used;
	return ok;
}

/* ------------------------------------------------------------------ evaluation */

static int compare_judgements(const void *a, const void *b)
{
	const judgement *x = a, *y = b;
	int c = strcmp(x->qid, y->qid);
	if (c)
		return c;
	c = strcmp(x->docid, y->docid);
	if (c)
		return c;
	return (x->rel < y->rel) - (x->rel > y->rel);
}

/* Grouped by query, then duplicates (first line first), then trec_eval's order. */
static int compare_hits_by_doc(const void *a, const void *b)
{
	const hit *x = a, *y = b;
	int c = strcmp(x->qid, y->qid);
	if (c)
		return c;
	c = strcmp(x->docid, y->docid);
	if (c)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

static int compare_hits_ranked(const void *a, const void *b)
{
	const hit *x = a, *y = b;
	int c = strcmp(x->qid, y->qid);
	if (c)
		return c;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	return -strcmp(x->docid, y->docid);
}

static int compare_rels_descending(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x < y) - (x > y);
}

/* The grade of docid among a query's judgements (sorted by docid), or 0. */
static long grade_of(const judgement *judged, size_t count, const char *docid)
{
	size_t low = 0, high = count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		int c = strcmp(judged[middle].docid, docid);
		if (c == 0)
			return judged[middle].rel;
		if (c < 0)
			low = middle + 1;
		else
			high = middle;
	}
	return 0;
}

static totals evaluate(judgement *qrels, size_t qrel_count, hit *run, size_t hit_count,
                       FILE *per_query)
{
	totals result = { 0, 0, 0.0, 0.0, 0.0 };
	/* Judgements: by query and docid; a repeated pair keeps its highest grade. */
	qsort(qrels, qrel_count, sizeof(*qrels), compare_judgements);
	size_t kept = 0;
	for (size_t i = 0; i < qrel_count; i++) {
		if (kept && strcmp(qrels[kept - 1].qid, qrels[i].qid) == 0 &&
		    strcmp(qrels[kept - 1].docid, qrels[i].docid) == 0) {
			free(qrels[i].qid);
			free(qrels[i].docid);
			continue;
		}
		qrels[kept++] = qrels[i];
	}
	qrel_count = kept;
	/* Run: drop repeated docids within a query (first line wins), then rank. */
	qsort(run, hit_count, sizeof(*run), compare_hits_by_doc);
	kept = 0;
	size_t duplicates = 0;
	for (size_t i = 0; i < hit_count; i++) {
		if (kept && strcmp(run[kept - 1].qid, run[i].qid) == 0 &&
		    strcmp(run[kept - 1].docid, run[i].docid) == 0) {
			free(run[i].qid);
			free(run[i].docid);
			duplicates++;
			continue;
		}
		run[kept++] = run[i];
	}
	hit_count = kept;
	if (duplicates)
		fprintf(stderr, "lantern-bench-evaluate: %zu repeated docids in the run ignored\n", duplicates);
	qsort(run, hit_count, sizeof(*run), compare_hits_ranked);

	long *ideal = malloc((qrel_count ? qrel_count : 1) * sizeof(long));
	if (!ideal) {
		fprintf(stderr, "lantern-bench-evaluate: out of memory\n");
		exit(2);
	}
	size_t h = 0;
	for (size_t q = 0; q < qrel_count;) {
		const char *qid = qrels[q].qid;
		size_t end = q;
		while (end < qrel_count && strcmp(qrels[end].qid, qid) == 0)
			end++;
		const judgement *judged = qrels + q;
		size_t judged_count = end - q;
		q = end;

		size_t relevant = 0;
		for (size_t i = 0; i < judged_count; i++)
			if (judged[i].rel > 0)
				ideal[relevant++] = judged[i].rel;
		if (relevant == 0)
			continue; /* no relevant document: trec_eval skips the query */
		qsort(ideal, relevant, sizeof(long), compare_rels_descending);
		double ideal_dcg = 0.0;
		for (size_t i = 0; i < relevant && i < NDCG_CUTOFF; i++)
			ideal_dcg += (double)ideal[i] / log2((double)i + 2.0);

		/* The run's hits for this query (both arrays are sorted by qid). */
		while (h < hit_count && strcmp(run[h].qid, qid) < 0)
			h++;
		size_t first = h;
		while (h < hit_count && strcmp(run[h].qid, qid) == 0)
			h++;
		double dcg = 0.0, precision_sum = 0.0;
		size_t found = 0, found_at_cutoff = 0;
		for (size_t i = first; i < h; i++) {
			size_t rank = i - first + 1;
			long rel = grade_of(judged, judged_count, run[i].docid);
			if (rel <= 0)
				continue;
			if (rank <= NDCG_CUTOFF)
				dcg += (double)rel / log2((double)rank + 1.0);
			found++;
			precision_sum += (double)found / (double)rank;
			if (rank <= RECALL_CUTOFF)
				found_at_cutoff++;
		}
		double ndcg = ideal_dcg > 0.0 ? dcg / ideal_dcg : 0.0;
		double ap = precision_sum / (double)relevant;
		double recall = (double)found_at_cutoff / (double)relevant;
		if (per_query)
			fprintf(per_query, "%s %.4f %.4f\n", qid, ndcg, ap);
		result.queries++;
		if (first == h)
			result.missing++;
		result.ndcg += ndcg;
		result.map += ap;
		result.recall += recall;
	}
	free(ideal);
	if (result.queries) {
		result.ndcg /= (double)result.queries;
		result.map /= (double)result.queries;
		result.recall /= (double)result.queries;
	}
	for (size_t i = 0; i < qrel_count; i++) {
		free(qrels[i].qid);
		free(qrels[i].docid);
	}
	for (size_t i = 0; i < hit_count; i++) {
		free(run[i].qid);
		free(run[i].docid);
	}
	return result;
}

static bool evaluate_files(const char *qrels_path, const char *run_path, const grade_map *grades,
                           bool per_query, totals *out)
{
	FILE *qrels_file = fopen(qrels_path, "r");
	if (!qrels_file) {
		fprintf(stderr, "lantern-bench-evaluate: %s: %s\n", qrels_path, strerror(errno));
		return false;
	}
	judgement *qrels = NULL;
	size_t qrel_count = 0;
	bool ok = read_qrels(qrels_file, qrels_path, grades, &qrels, &qrel_count);
	fclose(qrels_file);
	FILE *run_file = ok ? fopen(run_path, "r") : NULL;
	if (ok && !run_file) {
		fprintf(stderr, "lantern-bench-evaluate: %s: %s\n", run_path, strerror(errno));
		ok = false;
	}
	hit *run = NULL;
	size_t hit_count = 0;
	if (ok) {
		ok = read_run(run_file, run_path, &run, &hit_count);
		fclose(run_file);
	}
	if (ok) {
		*out = evaluate(qrels, qrel_count, run, hit_count, per_query ? stdout : NULL);
	} else {
		for (size_t i = 0; i < qrel_count; i++) {
			free(qrels[i].qid);
			free(qrels[i].docid);
		}
		for (size_t i = 0; i < hit_count; i++) {
			free(run[i].qid);
			free(run[i].docid);
		}
	}
	free(qrels);
	free(run);
	return ok;
}

/* ------------------------------------------------------------------ self-test
 * The hand-computed example of bench/relevance/README.md. */

static const char self_test_qrels[] =
	"query-id\tcorpus-id\tscore\n"
	"q1\td1\t2\n"
	"q1\td2\t1\n"
	"q1\td3\t0\n"
	"q1\td4\t1\n"
	"q2 0 d7 1\n"
	"q3\td9\t0\n"
	"q4\td8\t1\n";

static const char self_test_run[] =
	"q1 Q0 d3 1 5.0 test\n"
	"q1 Q0 d1 2 4.0 test\n"
	"q1 Q0 d5 3 3.0 test\n"
	"q1 Q0 d2 4 2.0 test\n"
	"q2 Q0 d6 1 1.0 test\n"
	"q2 Q0 d7 2 1.0 test\n"
	"q2 Q0 d7 3 0.5 test\n"
	"q3 Q0 d9 1 1.0 test\n"
	"q5 Q0 d1 1 1.0 test\n";

static bool close_to(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

static bool check(bool condition, const char *what, double got, double expected)
{
	printf("%-32s %.6f (expected %.6f) %s\n", what, got, expected, condition ? "ok" : "FAIL");
	return condition;
}

static int self_test(void)
{
	char qrels_path[] = "/tmp/lantern-bench-evaluate-qrels.XXXXXX";
	char run_path[] = "/tmp/lantern-bench-evaluate-run.XXXXXX";
	int qrels_fd = mkstemp(qrels_path), run_fd = mkstemp(run_path);
	FILE *qrels = qrels_fd >= 0 ? fdopen(qrels_fd, "w") : NULL;
	FILE *run = run_fd >= 0 ? fdopen(run_fd, "w") : NULL;
	if (!qrels || !run) {
		fprintf(stderr, "lantern-bench-evaluate: cannot create temporary files\n");
		return 1;
	}
	fputs(self_test_qrels, qrels);
	fputs(self_test_run, run);
	fclose(qrels);
	fclose(run);

	/* q1: ranking d3(0) d1(2) d5(-) d2(1); relevant d1(2) d2(1) d4(1). */
	double dcg1 = 2.0 / log2(3.0) + 1.0 / log2(5.0);
	double idcg1 = 2.0 / log2(2.0) + 1.0 / log2(3.0) + 1.0 / log2(4.0);
	double ndcg1 = dcg1 / idcg1;   /* 0.540586 */
	double ap1 = (1.0 / 2.0 + 2.0 / 4.0) / 3.0;
	/* q2: tie at 1.0, trec_eval puts d7 before d6 (reverse docid order). */
	double ndcg2 = 1.0, ap2 = 1.0;
	/* q3 has no relevant document: skipped. q4: not in the run: 0. q5: no qrels. */
	double expected_ndcg = (ndcg1 + ndcg2 + 0.0) / 3.0;
	double expected_map = (ap1 + ap2 + 0.0) / 3.0;
	double expected_recall = (2.0 / 3.0 + 1.0 + 0.0) / 3.0;

	totals got;
	bool ok = evaluate_files(qrels_path, run_path, NULL, true, &got);
	remove(qrels_path);
	remove(run_path);
	if (!ok)
		return 1;
	ok = check(got.queries == 3, "queries evaluated", (double)got.queries, 3.0) & ok;
	ok = check(got.missing == 1, "queries missing from the run", (double)got.missing, 1.0) & ok;
	ok = check(close_to(got.ndcg, expected_ndcg), "nDCG@10", got.ndcg, expected_ndcg) & ok;
	ok = check(close_to(got.map, expected_map), "MAP", got.map, expected_map) & ok;
	ok = check(close_to(got.recall, expected_recall), "Recall@100", got.recall, expected_recall) & ok;
	ok = check(fabs(ndcg1 - 0.540586) < 1e-6, "q1 nDCG@10 (by hand 0.540586)", ndcg1, 0.540586) & ok;

	/* Graded mapping: Cranfield codes, 1 best .. 4 least, -1 not relevant. */
	grade_map cranfield;
	ok = parse_grades("1:4,2:3,3:2,4:1,-1:0", &cranfield) && ok;
	ok = check(map_grade(&cranfield, 1) == 4 && map_grade(&cranfield, 4) == 1 &&
	           map_grade(&cranfield, -1) == 0 && map_grade(&cranfield, 7) == 7,
	           "grade map 1:4,...,-1:0", 1.0, 1.0) & ok;
	printf("self-test %s\n", ok ? "passed" : "FAILED");
	return ok ? 0 : 1;
}

/* ------------------------------------------------------------------ main */

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: lantern-bench-evaluate [--grades MAP] [--per-query] QRELS RUN\n"
	        "       lantern-bench-evaluate --self-test\n"
	        "\n"
	        "Prints nDCG@10, MAP and Recall@100 of the TREC run file RUN against the\n"
	        "judgements QRELS (qid docid rel, or qid iter docid rel), as trec_eval -c\n"
	        "computes them. --grades CODE:GRADE,... maps raw judgement codes first\n"
	        "(Cranfield: 1:4,2:3,3:2,4:1,-1:0). --per-query adds 'qid ndcg ap' lines.\n");
}

int main(int argc, char **argv)
{
	const char *paths[2];
	size_t path_count = 0;
	grade_map grades;
	bool have_grades = false, per_query = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--self-test") == 0 && argc == 2)
			return self_test();
		if (strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (strcmp(argv[i], "--per-query") == 0) {
			per_query = true;
		} else if (strcmp(argv[i], "--grades") == 0 && i + 1 < argc) {
			if (!parse_grades(argv[++i], &grades)) {
				fprintf(stderr, "lantern-bench-evaluate: bad --grades '%s' (want CODE:GRADE,...)\n", argv[i]);
				return 2;
			}
			have_grades = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			usage(stderr);
			return 2;
		} else if (path_count < 2) {
			paths[path_count++] = argv[i];
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (path_count != 2) {
		usage(stderr);
		return 2;
	}
	totals result;
	if (!evaluate_files(paths[0], paths[1], have_grades ? &grades : NULL, per_query, &result))
		return 1;
	printf("queries %zu\n", result.queries);
	printf("ndcg_cut_10 %.4f\n", result.ndcg);
	printf("map %.4f\n", result.map);
	printf("recall_100 %.4f\n", result.recall);
	if (result.missing)
		fprintf(stderr, "lantern-bench-evaluate: %zu evaluated queries have no hits in the run (scored 0)\n",
		        result.missing);
	return 0;
}
