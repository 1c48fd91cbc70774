/*
 * engine.c - requests to Xapian queries, matches to JSON responses.
 *
 * A search is:
 *   1. validate the request against the limits in engine.h;
 *   2. rewrite the query text for synonyms (an acronym also finds its
 *      spelled-out phrase, and the reverse) and parse it;
 *   3. filter: OR of the values within a field, AND across fields (a
 *      resource tagged `all` carries every value's term, so it matches any);
 *   4. match once for hits and the facets nobody filters on, then once per
 *      filtered facet field with that field's own filter left out
 *      (disjunctive facets), counting only;
 *   5. split the facet value combinations into per-value counts, make
 *      snippets, and look for a spelling correction that has results.
 */
#include "engine.h"

#include "lantern/index_schema.h"
#include "lantern/schema.h"
#include "lantern/search.h"
#include "common/buffer.h"
#include "common/error.h"
#include "common/utf8.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ------------------------------------------------------------------ fields */

typedef struct facet_info {
	const char *name;        /* request and response name */
	const char *vocabulary;  /* key in lantern.vocabulary, or NULL */
	const char *prefix;      /* boolean term prefix */
	unsigned slot;           /* value slot with the value combination */
	bool combination;        /* the slot holds '|'-joined values */
} facet_info;

static const facet_info facets[LANTERN_FACET_COUNT] = {
	{ "agency_type", "agency_type", LANTERN_PREFIX_AGENCY_TYPE, LANTERN_SLOT_FACET_AGENCY_TYPE, true },
	{ "agency_size", "agency_size", LANTERN_PREFIX_AGENCY_SIZE, LANTERN_SLOT_FACET_AGENCY_SIZE, true },
	{ "resource_level", "resource_level", LANTERN_PREFIX_RESOURCE_LEVEL, LANTERN_SLOT_FACET_RESOURCE_LEVEL, true },
	{ "type", "type", LANTERN_PREFIX_TYPE, LANTERN_SLOT_FACET_TYPE, false },
	{ "topic", "topics", LANTERN_PREFIX_TOPIC, LANTERN_SLOT_FACET_TOPICS, true },
	{ "audience", "audience", LANTERN_PREFIX_AUDIENCE, LANTERN_SLOT_FACET_AUDIENCE, true },
	{ "delivery", "delivery", LANTERN_PREFIX_DELIVERY, LANTERN_SLOT_FACET_DELIVERY, false },
	{ "language", NULL, LANTERN_PREFIX_LANGUAGE, LANTERN_SLOT_FACET_LANGUAGE, false },
	{ "publisher", NULL, LANTERN_PREFIX_PUBLISHER, LANTERN_SLOT_FACET_PUBLISHER, false },
};

const char *lantern_facet_name(lantern_facet facet)
{
	return (int)facet >= 0 && facet < LANTERN_FACET_COUNT ? facets[facet].name : NULL;
}

int lantern_facet_lookup(const char *name)
{
	for (int i = 0; i < LANTERN_FACET_COUNT; i++)
		if (strcmp(facets[i].name, name) == 0)
			return i;
	if (strcmp(name, "topics") == 0)
		return LANTERN_FACET_TOPIC;
	if (strcmp(name, "level") == 0)
		return LANTERN_FACET_RESOURCE_LEVEL;
	return -1;
}

/* Field prefixes a user may type in the query text. */
static const lantern_parse_prefix query_prefixes[] = {
	{ "title", LANTERN_PREFIX_TITLE, false },
	{ "summary", LANTERN_PREFIX_SUMMARY, false },
	{ "publisher", LANTERN_PREFIX_PUBLISHER_TEXT, false },
	{ "type", LANTERN_PREFIX_TYPE, true },
	{ "topic", LANTERN_PREFIX_TOPIC, true },
	{ "topics", LANTERN_PREFIX_TOPIC, true },
	{ "agency_type", LANTERN_PREFIX_AGENCY_TYPE, true },
	{ "agency_size", LANTERN_PREFIX_AGENCY_SIZE, true },
	{ "resource_level", LANTERN_PREFIX_RESOURCE_LEVEL, true },
	{ "audience", LANTERN_PREFIX_AUDIENCE, true },
	{ "delivery", LANTERN_PREFIX_DELIVERY, true },
	{ "language", LANTERN_PREFIX_LANGUAGE, true },
	{ "format", LANTERN_PREFIX_FORMAT, true },
	{ "year", LANTERN_PREFIX_YEAR, true },
	{ "id", LANTERN_PREFIX_ID, true },
};

static const lantern_parse_range query_ranges[] = {
	{ "published", LANTERN_SLOT_PUBLISHED },
	{ "updated", LANTERN_SLOT_UPDATED },
};

/* Okapi BM25 parameters, chosen on SciFact and Cranfield (bench/relevance):
 * with title words at wdf 3, k1 1.2 / b 0.75 beat 0.9 / 0.4 on both. */
#define RANKING_K1 1.2
#define RANKING_B 0.75
/* Snippet size in bytes of text (markers and escapes not counted). */
#define SNIPPET_LENGTH 240
#define RETRIES 3

/* ------------------------------------------------------------------ the engine */

typedef struct synonym_pair {
	char *key;
	char *synonym;
} synonym_pair;

struct lantern_engine {
	char *index_path;
	char *generation;          /* directory holding the partitions */
	char *generation_target;   /* what `current` pointed to when opened */
	char **wanted;             /* requested labels, or NULL for all */
	size_t wanted_count;
	char **labels;             /* partitions open */
	size_t label_count;
	lantern_searcher *searcher;
	synonym_pair *synonyms;    /* sorted by key */
	size_t synonym_count;
	json_t *vocabulary;        /* {"field": {"value": "label"}} */
	lantern_engine_options options;
	char **stubs;              /* stub files behind partitions, to notice replica switches */
	struct stat *stub_states;
	size_t stub_count;
};

static void free_strings(char **strings, size_t count)
{
	for (size_t i = 0; strings && i < count; i++)
		free(strings[i]);
	free(strings);
}

static char *current_target(const char *index_path)
{
	char link_path[PATH_MAX], target[PATH_MAX];
	snprintf(link_path, sizeof(link_path), "%s/current", index_path);
	ssize_t length = readlink(link_path, target, sizeof(target) - 1);
	if (length < 0)
		return NULL;
	target[length] = '\0';
	return strdup(target);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int compare_pairs(const void *a, const void *b)
{
	const synonym_pair *x = a, *y = b;
	int order = strcmp(x->key, y->key);
	return order ? order : strcmp(x->synonym, y->synonym);
}

static int collect_synonym(void *context, const char *key, const char *synonym)
{
	lantern_engine *engine = context;
	if (engine->synonym_count % 64 == 0) {
		synonym_pair *grown = realloc(engine->synonyms, (engine->synonym_count + 64) * sizeof(*grown));
		if (!grown)
			return 1;
		engine->synonyms = grown;
	}
	synonym_pair *pair = &engine->synonyms[engine->synonym_count];
	pair->key = strdup(key);
	pair->synonym = strdup(synonym);
	if (!pair->key || !pair->synonym) {
		free(pair->key);
		free(pair->synonym);
		return 1;
	}
	engine->synonym_count++;
	return 0;
}

static void engine_unload(lantern_engine *engine)
{
	lantern_searcher_close(engine->searcher);
	engine->searcher = NULL;
	free_strings(engine->labels, engine->label_count);
	engine->labels = NULL;
	engine->label_count = 0;
	for (size_t i = 0; i < engine->synonym_count; i++) {
		free(engine->synonyms[i].key);
		free(engine->synonyms[i].synonym);
	}
	free(engine->synonyms);
	engine->synonyms = NULL;
	engine->synonym_count = 0;
	json_decref(engine->vocabulary);
	engine->vocabulary = NULL;
	free_strings(engine->stubs, engine->stub_count);
	free(engine->stub_states);
	engine->stubs = NULL;
	engine->stub_states = NULL;
	engine->stub_count = 0;
	free(engine->generation);
	engine->generation = NULL;
	free(engine->generation_target);
	engine->generation_target = NULL;
}

static bool label_wanted(const lantern_engine *engine, const char *label)
{
	if (!engine->wanted)
		return true;
	for (size_t i = 0; i < engine->wanted_count; i++)
		if (strcmp(engine->wanted[i], label) == 0)
			return true;
	return false;
}

/* Opens the current generation's partitions, synonyms and vocabulary. */
static lantern_status engine_load(lantern_engine *engine)
{
	engine->generation_target = current_target(engine->index_path);
	size_t length = strlen(engine->index_path) + (engine->generation_target ? strlen(engine->generation_target) : 0) + 2;
	engine->generation = malloc(length);
	if (!engine->generation)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "engine");
	if (engine->generation_target)
		snprintf(engine->generation, length, "%s/%s", engine->index_path, engine->generation_target);
	else
		snprintf(engine->generation, length, "%s", engine->index_path);

	DIR *directory = opendir(engine->generation);
	if (!directory)
		return lantern_error_set(errno == ENOENT ? LANTERN_ERROR_NOT_FOUND : LANTERN_ERROR_IO,
		                         "no index at %s (run lantern-index first): %s",
		                         engine->index_path, strerror(errno));
	struct dirent *entry;
	lantern_status status = LANTERN_OK;
	while ((entry = readdir(directory)) != NULL && status == LANTERN_OK) {
		if (entry->d_name[0] == '.' || strcmp(entry->d_name, "current") == 0 ||
		    strncmp(entry->d_name, "gen-", 4) == 0 || !label_wanted(engine, entry->d_name))
			continue;
		char path[PATH_MAX];
		struct stat info;
		snprintf(path, sizeof(path), "%s/%s", engine->generation, entry->d_name);
		if (stat(path, &info) != 0 || !(S_ISDIR(info.st_mode) || S_ISREG(info.st_mode)))
			continue;
		/* Only what this process may read: a partition the operating system
		 * keeps from this user is simply not searched. */
		if (access(path, S_ISDIR(info.st_mode) ? R_OK | X_OK : R_OK) != 0)
			continue;
		char marker[PATH_MAX + 16];
		snprintf(marker, sizeof(marker), "%s/iamglass", path);
		if (S_ISDIR(info.st_mode) && access(marker, F_OK) == 0 && access(marker, R_OK) != 0)
			continue;
		char **grown = realloc(engine->labels, (engine->label_count + 1) * sizeof(char *));
		if (!grown || !(grown[engine->label_count] = strdup(entry->d_name))) {
			if (grown)
				engine->labels = grown;
			status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "engine");
			break;
		}
		engine->labels = grown;
		engine->label_count++;
	}
	closedir(directory);
	if (status != LANTERN_OK)
		return status;
	if (engine->label_count == 0)
		return lantern_error_set(LANTERN_ERROR_NOT_FOUND, "no index partitions in %s%s",
		                         engine->generation,
		                         engine->wanted ? " for the requested access labels" : "");
	qsort(engine->labels, engine->label_count, sizeof(char *), compare_strings);
	/* `public` first, so index-wide metadata is read from the partition every
	 * reader has. */
	for (size_t i = 0; i < engine->label_count; i++)
		if (strcmp(engine->labels[i], "public") == 0 && i > 0) {
			char *public_label = engine->labels[i];
			memmove(engine->labels + 1, engine->labels, i * sizeof(char *));
			engine->labels[0] = public_label;
		}

	char **paths = calloc(engine->label_count, sizeof(char *));
	if (!paths)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "engine");
	for (size_t i = 0; i < engine->label_count && status == LANTERN_OK; i++) {
		size_t size = strlen(engine->generation) + strlen(engine->labels[i]) + 2;
		paths[i] = malloc(size);
		if (!paths[i])
			status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "engine");
		else
			snprintf(paths[i], size, "%s/%s", engine->generation, engine->labels[i]);
	}
	lantern_searcher_options searcher_options = {
		engine->options.remote_timeout_ms, engine->options.remote_connect_timeout_ms,
		engine->options.partial_results, 5000,
	};
	if (status == LANTERN_OK)
		status = lantern_searcher_open_with(&engine->searcher, (const char *const *)paths,
		                                    engine->label_count, NULL, &searcher_options);
	/* Replicas switch copies by rewriting their stub: remember each stub's
	 * state so a switch is noticed and the databases opened afresh. */
	engine->stubs = calloc(engine->label_count, sizeof(char *));
	engine->stub_states = calloc(engine->label_count, sizeof(struct stat));
	for (size_t i = 0; status == LANTERN_OK && engine->stubs && engine->stub_states && i < engine->label_count; i++) {
		char stub[PATH_MAX];
		snprintf(stub, sizeof(stub), "%s/XAPIANDB", paths[i]);
		if (stat(stub, &engine->stub_states[engine->stub_count]) == 0 &&
		    (engine->stubs[engine->stub_count] = strdup(stub)))
			engine->stub_count++;
	}
	free_strings(paths, engine->label_count);
	if (status != LANTERN_OK)
		return status;

	status = lantern_searcher_each_synonym(engine->searcher, collect_synonym, engine);
	if (status != LANTERN_OK)
		return status;
	if (engine->synonym_count)
		qsort(engine->synonyms, engine->synonym_count, sizeof(synonym_pair), compare_pairs);
	char *vocabulary = NULL;
	status = lantern_searcher_get_metadata(engine->searcher, "lantern.vocabulary", &vocabulary);
	if (status != LANTERN_OK)
		return status;
	engine->vocabulary = json_loads(vocabulary, 0, NULL);
	free(vocabulary);
	if (!engine->vocabulary)
		engine->vocabulary = json_object();
	return engine->vocabulary ? LANTERN_OK : lantern_error_set(LANTERN_ERROR_NO_MEMORY, "engine");
}

lantern_status lantern_engine_open(lantern_engine **out, const char *index_path,
                                   const char *const *labels, size_t label_count)
{
	return lantern_engine_open_with(out, index_path, labels, label_count, NULL);
}

lantern_status lantern_engine_open_with(lantern_engine **out, const char *index_path,
                                        const char *const *labels, size_t label_count,
                                        const lantern_engine_options *options)
{
	*out = NULL;
	lantern_engine *engine = calloc(1, sizeof(*engine));
	if (!engine || !(engine->index_path = strdup(index_path))) {
		free(engine);
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "engine");
	}
	if (options)
		engine->options = *options;
	if (labels) {
		engine->wanted = calloc(label_count ? label_count : 1, sizeof(char *));
		for (size_t i = 0; engine->wanted && i < label_count; i++)
			if ((engine->wanted[i] = strdup(labels[i])))
				engine->wanted_count++;
		if (!engine->wanted || engine->wanted_count != label_count) {
			lantern_engine_close(engine);
			return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "engine");
		}
	}
	lantern_status status = engine_load(engine);
	if (status != LANTERN_OK) {
		lantern_engine_close(engine);
		return status;
	}
	*out = engine;
	return LANTERN_OK;
}

void lantern_engine_close(lantern_engine *engine)
{
	if (!engine)
		return;
	engine_unload(engine);
	free_strings(engine->wanted, engine->wanted_count);
	free(engine->index_path);
	free(engine);
}

size_t lantern_engine_partitions(const lantern_engine *engine, const char *const **labels)
{
	*labels = (const char *const *)engine->labels;
	return engine->label_count;
}

/* Follows the index to its latest state: a new generation (a --full swap)
 * means opening afresh; otherwise Xapian moves to the latest revision. */
static lantern_status engine_refresh(lantern_engine *engine, bool force)
{
	char *target = current_target(engine->index_path);
	bool swapped = (target == NULL) != (engine->generation_target == NULL) ||
	               (target && strcmp(target, engine->generation_target) != 0);
	free(target);
	for (size_t i = 0; !swapped && i < engine->stub_count; i++) {
		struct stat now;
		swapped = stat(engine->stubs[i], &now) != 0 || now.st_ino != engine->stub_states[i].st_ino ||
		          now.st_mtim.tv_sec != engine->stub_states[i].st_mtim.tv_sec ||
		          now.st_mtim.tv_nsec != engine->stub_states[i].st_mtim.tv_nsec ||
		          now.st_size != engine->stub_states[i].st_size;
	}
	if (!swapped && engine->searcher && lantern_searcher_stale(engine->searcher))
		swapped = true;
	/* Shards left out earlier are tried again once their retry time passes. */
	const char *const *missing = NULL;
	if (!swapped && engine->searcher && lantern_searcher_unavailable(engine->searcher, &missing) > 0)
		swapped = true;
	if (swapped || force) {
		engine_unload(engine);
		return engine_load(engine);
	}
	bool changed = false;
	lantern_status status = lantern_searcher_reopen(engine->searcher, &changed);
	if (status == LANTERN_OK && changed) {
		/* Synonyms and vocabulary may have changed with the revision. */
		engine_unload(engine);
		return engine_load(engine);
	}
	return status;
}

/* ------------------------------------------------------------------ query text */

static bool is_operator_word(const char *word, size_t length)
{
	static const char *const operators[] = { "AND", "OR", "NOT", "XOR", "NEAR", "ADJ" };
	for (size_t i = 0; i < sizeof(operators) / sizeof(operators[0]); i++)
		if (length == strlen(operators[i]) && memcmp(word, operators[i], length) == 0)
			return true;
	return false;
}

/* A word the synonym rewrite may touch: letters, digits, - and ', nothing
 * that the query parser gives a meaning to (field:, +, -, *). */
static bool is_plain_word(const char *word, size_t length)
{
	if (length == 0 || word[0] == '-' || word[0] == '+' || is_operator_word(word, length))
		return false;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)word[i];
		if (!(isalnum(c) || c >= 0x80 || c == '-' || c == '\''))
			return false;
	}
	return true;
}

typedef struct word_span {
	size_t start, length;
	bool plain;
} word_span;

static const synonym_pair *synonyms_of(const lantern_engine *engine, const char *key, size_t *count)
{
	*count = 0;
	size_t low = 0, high = engine->synonym_count;
	while (low < high) {
		size_t middle = (low + high) / 2;
		if (strcmp(engine->synonyms[middle].key, key) < 0)
			low = middle + 1;
		else
			high = middle;
	}
	size_t first = low;
	while (low < engine->synonym_count && strcmp(engine->synonyms[low].key, key) == 0)
		low++;
	*count = low - first;
	return *count ? &engine->synonyms[first] : NULL;
}

/* Appends " OR synonym" for each pair; multi-word synonyms as phrases. */
static lantern_status append_synonyms(lantern_buffer *result, const synonym_pair *pairs, size_t count)
{
	lantern_status status = LANTERN_OK;
	for (size_t p = 0; p < count && status == LANTERN_OK; p++) {
		const char *synonym = pairs[p].synonym;
		bool phrase = strchr(synonym, ' ') != NULL;
		status = lantern_buffer_append_string(result, phrase ? " OR \"" : " OR ");
		for (const char *c = synonym; *c && status == LANTERN_OK; c++)
			if (*c != '"')
				status = lantern_buffer_append_char(result, *c);
		if (status == LANTERN_OK && phrase)
			status = lantern_buffer_append_char(result, '"');
	}
	return status;
}

/* Rewrites `text` so that each run of plain words matching a synonym key
 * becomes "((words) OR synonym OR "multi word synonym")". Quoted phrases,
 * field searches and operators are left alone, and so is a last word still
 * being typed. */
static lantern_status rewrite_synonyms(const lantern_engine *engine, const char *text, bool partial,
                                       char **out)
{
	*out = NULL;
	lantern_buffer result = LANTERN_BUFFER_INIT(16 * LANTERN_QUERY_MAX_BYTES);
	word_span words[LANTERN_QUERY_MAX_BYTES + 1]; /* each word takes at least one byte */
	size_t word_count = 0, length = strlen(text);
	for (size_t i = 0; i < length;) {
		if (isspace((unsigned char)text[i]) || text[i] == '(' || text[i] == ')') {
			i++;
			continue;
		}
		size_t start = i;
		if (text[i] == '"') {
			const char *close = strchr(text + i + 1, '"');
			i = close ? (size_t)(close - text) + 1 : length;
			words[word_count++] = (word_span){ start, i - start, false };
			continue;
		}
		while (i < length && !isspace((unsigned char)text[i]) && text[i] != '(' && text[i] != ')' &&
		       text[i] != '"')
			i++;
		/* Trailing punctuation is not part of the word ("What is DMST?"); it
		 * stays in the text, after the rewritten word. */
		size_t end = i;
		while (end > start + 1 && strchr(".,;:!?", text[end - 1]))
			end--;
		words[word_count++] = (word_span){ start, end - start, is_plain_word(text + start, end - start) };
	}
	lantern_status status = LANTERN_OK;
	size_t copied = 0; /* bytes of text already in result */
	for (size_t w = 0; w < word_count && status == LANTERN_OK; w++) {
		if (!words[w].plain && text[words[w].start] == '"' && words[w].length > 2 &&
		    text[words[w].start + words[w].length - 1] == '"') {
			/* A quoted phrase that is a synonym key: "x y z" -> ("x y z" OR xyz). */
			char key[LANTERN_QUERY_MAX_BYTES + 1];
			size_t used = 0;
			bool space = false;
			for (size_t c = words[w].start + 1; c + 1 < words[w].start + words[w].length; c++) {
				unsigned char ch = (unsigned char)text[c];
				if (isspace(ch)) {
					space = used > 0;
					continue;
				}
				if (space)
					key[used++] = ' ';
				space = false;
				key[used++] = (char)tolower(ch);
			}
			key[used] = '\0';
			size_t count;
			const synonym_pair *found = synonyms_of(engine, key, &count);
			if (!found)
				continue;
			size_t span_start = words[w].start, span_end = span_start + words[w].length;
			status = lantern_buffer_append(&result, text + copied, span_start - copied);
			if (status == LANTERN_OK)
				status = lantern_buffer_append_string(&result, "(");
			if (status == LANTERN_OK)
				status = lantern_buffer_append(&result, text + span_start, span_end - span_start);
			if (status == LANTERN_OK)
				status = append_synonyms(&result, found, count);
			if (status == LANTERN_OK)
				status = lantern_buffer_append_char(&result, ')');
			copied = span_end;
			continue;
		}
		if (!words[w].plain)
			continue;
		size_t best = 0;
		size_t pair_count = 0;
		const synonym_pair *pairs = NULL;
		char key[LANTERN_QUERY_MAX_BYTES + 1];
		for (size_t span = 1; span <= 12 && w + span <= word_count; span++) {
			const word_span *last = &words[w + span - 1];
			if (!last->plain)
				break;
			if (partial && w + span == word_count && text[length - 1] != ' ')
				break;
			/* Only spaces between the words: "a (b" is not a phrase. */
			bool adjacent = true;
			for (size_t k = w + 1; k < w + span; k++)
				for (size_t c = words[k - 1].start + words[k - 1].length; c < words[k].start; c++)
					adjacent = adjacent && text[c] == ' ';
			if (!adjacent)
				break;
			size_t used = 0;
			for (size_t k = w; k < w + span; k++) {
				if (k > w)
					key[used++] = ' ';
				for (size_t c = 0; c < words[k].length; c++)
					key[used++] = (char)tolower((unsigned char)text[words[k].start + c]);
			}
			key[used] = '\0';
			size_t count;
			const synonym_pair *found = synonyms_of(engine, key, &count);
			if (found) {
				best = span;
				pairs = found;
				pair_count = count;
			}
		}
		if (!best)
			continue;
		size_t span_start = words[w].start;
		size_t span_end = words[w + best - 1].start + words[w + best - 1].length;
		status = lantern_buffer_append(&result, text + copied, span_start - copied);
		if (status == LANTERN_OK)
			status = lantern_buffer_append_string(&result, "((");
		if (status == LANTERN_OK)
			status = lantern_buffer_append(&result, text + span_start, span_end - span_start);
		if (status == LANTERN_OK)
			status = lantern_buffer_append_string(&result, ")");
		if (status == LANTERN_OK)
			status = append_synonyms(&result, pairs, pair_count);
		if (status == LANTERN_OK)
			status = lantern_buffer_append_char(&result, ')');
		copied = span_end;
		w += best - 1;
	}
	if (status == LANTERN_OK)
		status = lantern_buffer_append(&result, text + copied, length - copied);
	if (status == LANTERN_OK)
		status = lantern_buffer_detach(&result, out);
	lantern_buffer_dispose(&result);
	return status;
}

static lantern_status check_query_text(const char *text)
{
	size_t length = strlen(text), bad;
	if (length > LANTERN_QUERY_MAX_BYTES)
		return lantern_error_set(LANTERN_ERROR_TOO_LARGE,
		                         "the query is %zu bytes; the limit is %d", length,
		                         LANTERN_QUERY_MAX_BYTES);
	if (!lantern_utf8_validate(text, length, &bad))
		return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT,
		                         "the query is not valid UTF-8 (byte %zu)", bad + 1);
	int depth = 0;
	bool quoted = false;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT,
			                         "the query contains a control character (byte %zu)", i + 1);
		if (c == '"')
			quoted = !quoted;
		else if (!quoted && c == '(' && ++depth > LANTERN_QUERY_MAX_DEPTH)
			return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT,
			                         "the query nests parentheses more than %d deep",
			                         LANTERN_QUERY_MAX_DEPTH);
		else if (!quoted && c == ')' && depth > 0)
			depth--;
	}
	return LANTERN_OK;
}

/* ------------------------------------------------------------------ request checks */

static lantern_status check_request(const lantern_engine *engine, const lantern_search_request *request)
{
	if (request->limit > LANTERN_RESULT_MAX_LIMIT)
		return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT, "limit %zu is over the maximum of %d",
		                         request->limit, LANTERN_RESULT_MAX_LIMIT);
	if (request->offset > LANTERN_RESULT_WINDOW || request->offset + request->limit > LANTERN_RESULT_WINDOW)
		return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT,
		                         "offset + limit is over the result window of %d; narrow the search instead",
		                         LANTERN_RESULT_WINDOW);
	if (request->query) {
		lantern_status status = check_query_text(request->query);
		if (status != LANTERN_OK)
			return status;
	}
	for (int f = 0; f < LANTERN_FACET_COUNT; f++) {
		if (request->filter_counts[f] > LANTERN_FILTER_MAX_VALUES)
			return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT,
			                         "more than %d values for %s", LANTERN_FILTER_MAX_VALUES, facets[f].name);
		json_t *known = facets[f].vocabulary ? json_object_get(engine->vocabulary, facets[f].vocabulary) : NULL;
		for (size_t v = 0; v < request->filter_counts[f]; v++) {
			const char *value = request->filters[f][v];
			size_t length = strlen(value), bad;
			if (length == 0 || length > LANTERN_FILTER_MAX_BYTES || !lantern_utf8_validate(value, length, &bad))
				return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT,
				                         "bad %s value (empty, over %d bytes, or not UTF-8)",
				                         facets[f].name, LANTERN_FILTER_MAX_BYTES);
			char lowered[LANTERN_FILTER_MAX_BYTES + 1];
			for (size_t i = 0; i <= length; i++)
				lowered[i] = (char)tolower((unsigned char)value[i]);
			if (known && json_object_size(known) && !json_object_get(known, lowered)) {
				char expected[512] = "";
				size_t used = 0;
				const char *key, *closest = NULL;
				unsigned best = 3;
				json_t *label;
				json_object_foreach(known, key, label) {
					(void)label;
					if (used < sizeof(expected))
						used += (size_t)snprintf(expected + used, sizeof(expected) - used, "%s%s",
						                         used ? ", " : "", key);
					unsigned distance = lantern_edit_distance(value, key, 2);
					if (distance < best) {
						best = distance;
						closest = key;
					}
				}
				if (closest)
					return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT,
					                         "unknown %s '%.64s'; did you mean '%s'?", facets[f].name,
					                         value, closest);
				return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT,
				                         "unknown %s '%.64s' (expected one of: %s)", facets[f].name,
				                         value, expected);
			}
		}
	}
	if (request->related_id && (strlen(request->related_id) == 0 || strlen(request->related_id) > 200))
		return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT, "bad related id");
	return LANTERN_OK;
}

/* "2015..2024", "2019", "2019-05..", "..2020" into a value range query. */
static lantern_status published_query(const char *text, lantern_query **out)
{
	*out = NULL;
	char low[9] = "", high[9] = "";
	const char *dots = strstr(text, "..");
	char first[32] = "", second[32] = "";
	if (strlen(text) > 24)
		goto bad;
	if (dots) {
		snprintf(first, sizeof(first), "%.*s", (int)(dots - text), text);
		snprintf(second, sizeof(second), "%s", dots + 2);
	} else {
		snprintf(first, sizeof(first), "%s", text);
		snprintf(second, sizeof(second), "%s", text);
	}
	const char *parts[2] = { first, second };
	char *targets[2] = { low, high };
	for (int k = 0; k < 2; k++) {
		const char *part = parts[k];
		size_t length = strlen(part);
		if (length == 0)
			continue;
		if (length != 4 && length != 7 && length != 10)
			goto bad;
		size_t used = 0;
		for (size_t i = 0; i < length; i++) {
			bool dash = i == 4 || i == 7;
			if (dash ? part[i] != '-' : !isdigit((unsigned char)part[i]))
				goto bad;
			if (!dash)
				targets[k][used++] = part[i];
		}
		while (used < 8)
			targets[k][used++] = k == 0 ? '0' : '9';
		targets[k][8] = '\0';
	}
	if (!low[0] && !high[0])
		goto bad;
	/* A reversed range matches nothing (as published:2020..2019 in the query
	 * text does); Xapian's empty range would be dropped as "no filter". */
	if (low[0] && high[0] && strcmp(low, high) > 0)
		return lantern_query_term("\x01nothing", out);
	return lantern_query_value_range(LANTERN_SLOT_PUBLISHED, low[0] ? low : NULL,
	                                 high[0] ? high : NULL, out);
bad:
	return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT,
	                         "bad published range '%.32s': use YYYY, YYYY..YYYY or YYYY-MM-DD..YYYY-MM-DD",
	                         text);
}

/* OR of the field's values (lowercased terms). NULL when the field has none. */
static lantern_status field_filter(const lantern_search_request *request, int f, lantern_query **out)
{
	*out = NULL;
	size_t count = request->filter_counts[f];
	if (!count)
		return LANTERN_OK;
	lantern_query **terms = calloc(count, sizeof(*terms));
	if (!terms)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "filters");
	lantern_status status = LANTERN_OK;
	for (size_t v = 0; v < count && status == LANTERN_OK; v++) {
		char term[LANTERN_FILTER_MAX_BYTES + 32];
		size_t prefix = strlen(facets[f].prefix);
		memcpy(term, facets[f].prefix, prefix);
		size_t length = lantern_utf8_truncate(request->filters[f][v], strlen(request->filters[f][v]), 200);
		for (size_t i = 0; i < length; i++)
			term[prefix + i] = (char)tolower((unsigned char)request->filters[f][v][i]);
		term[prefix + length] = '\0';
		status = lantern_query_term(term, &terms[v]);
	}
	if (status == LANTERN_OK)
		status = lantern_query_combine(LANTERN_QUERY_OR, (const lantern_query *const *)terms, count, out);
	for (size_t v = 0; v < count; v++)
		lantern_query_free(terms[v]);
	free(terms);
	return status;
}

/* ------------------------------------------------------------------ facets and hits */

typedef struct facet_counts {
	json_t *counts;      /* {"value": n} being built */
	bool combination;
} facet_counts;

static int add_count(void *context, const char *value, size_t length, uint32_t count)
{
	facet_counts *facet = context;
	size_t start = 0;
	for (size_t i = 0; i <= length; i++) {
		if (i < length && !(facet->combination && value[i] == LANTERN_FACET_SEPARATOR))
			continue;
		if (i > start) {
			char part[256];
			size_t part_length = i - start < sizeof(part) - 1 ? i - start : sizeof(part) - 1;
			memcpy(part, value + start, part_length);
			part[part_length] = '\0';
			json_t *existing = json_object_get(facet->counts, part);
			json_int_t total = (existing ? json_integer_value(existing) : 0) + count;
			json_object_set_new(facet->counts, part, json_integer(total));
		}
		start = i + 1;
	}
	return 0;
}

typedef struct sorted_count {
	const char *value;
	json_int_t count;
} sorted_count;

static int compare_counts(const void *a, const void *b)
{
	const sorted_count *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(x->value, y->value);
}

/* Re-inserts counts by descending count, then value: the order a facet list shows. */
static json_t *sorted_facet(json_t *counts)
{
	size_t size = json_object_size(counts);
	sorted_count *items = calloc(size ? size : 1, sizeof(*items));
	json_t *sorted = json_object();
	if (!items || !sorted) {
		free(items);
		json_decref(sorted);
		return NULL;
	}
	size_t n = 0;
	const char *key;
	json_t *value;
	json_object_foreach(counts, key, value) {
		items[n].value = key;
		items[n].count = json_integer_value(value);
		n++;
	}
	qsort(items, n, sizeof(*items), compare_counts);
	for (size_t i = 0; i < n; i++)
		json_object_set_new(sorted, items[i].value, json_integer(items[i].count));
	free(items);
	return sorted;
}

static lantern_status count_facets(const lantern_match *match, const int *fields, size_t field_count,
                                   json_t *distribution)
{
	for (size_t i = 0; i < field_count; i++) {
		facet_counts facet = { json_object(), facets[fields[i]].combination };
		if (!facet.counts)
			return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "facets");
		lantern_status status = lantern_match_each_count(match, i, add_count, &facet);
		json_t *sorted = status == LANTERN_OK ? sorted_facet(facet.counts) : NULL;
		json_decref(facet.counts);
		if (status != LANTERN_OK)
			return status;
		if (!sorted)
			return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "facets");
		json_object_set_new(distribution, facets[fields[i]].name, sorted);
	}
	return LANTERN_OK;
}

static void html_escape(lantern_buffer *out, const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++) {
		switch (text[i]) {
		case '<': lantern_buffer_append_string(out, "&lt;"); break;
		case '>': lantern_buffer_append_string(out, "&gt;"); break;
		case '&': lantern_buffer_append_string(out, "&amp;"); break;
		case '"': lantern_buffer_append_string(out, "&quot;"); break;
		case '\'': lantern_buffer_append_string(out, "&#39;"); break;
		default: lantern_buffer_append_char(out, text[i]); break;
		}
	}
}

/* Undoes Xapian's HTML escaping (plain-text snippets for terminals). */
static char *html_unescape(const char *text)
{
	static const struct { const char *entity; char character; } entities[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' },
		{ "&#39;", '\'' }, { "&apos;", '\'' }, { "&#x27;", '\'' },
	};
	char *out = malloc(strlen(text) + 1);
	if (!out)
		return NULL;
	size_t used = 0;
	for (const char *p = text; *p;) {
		bool replaced = false;
		if (*p == '&') {
			for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
				size_t length = strlen(entities[i].entity);
				if (strncmp(p, entities[i].entity, length) == 0) {
					out[used++] = entities[i].character;
					p += length;
					replaced = true;
					break;
				}
			}
		}
		if (!replaced)
			out[used++] = *p++;
	}
	out[used] = '\0';
	return out;
}

char *lantern_highlight_text(const char *snippet, const char *start, const char *end)
{
	lantern_buffer out = LANTERN_BUFFER_INIT(0);
	for (const char *p = snippet; *p; p++) {
		if (*p == '\x01')
			lantern_buffer_append_string(&out, start);
		else if (*p == '\x02')
			lantern_buffer_append_string(&out, end);
		else
			lantern_buffer_append_char(&out, *p);
	}
	char *result = NULL;
	if (lantern_buffer_detach(&out, &result) != LANTERN_OK)
		result = NULL;
	lantern_buffer_dispose(&out);
	return result;
}

/* The snippet of one hit: the best passage of its body, or its summary. */
static json_t *hit_snippet(const lantern_match *match, const lantern_search_request *request,
                           const char *body, const char *summary)
{
	bool html = request->highlight == LANTERN_HIGHLIGHT_HTML;
	char *snippet = NULL;
	if (body && body[0]) {
		/* Our markers must not occur in the text itself. */
		char *clean = strdup(body);
		if (!clean)
			return NULL;
		for (char *p = clean; *p; p++)
			if (*p == '\x01' || *p == '\x02')
				*p = ' ';
		lantern_status status = lantern_match_snippet(match, clean, strlen(clean), SNIPPET_LENGTH,
		                                              html ? "<mark>" : "\x01", html ? "</mark>" : "\x02",
		                                              &snippet);
		free(clean);
		if (status != LANTERN_OK)
			return NULL;
		if (!html) {
			char *plain = html_unescape(snippet);
			free(snippet);
			snippet = plain;
		} else if (snippet) {
			/* Xapian escapes < > &; quotes too, so a snippet is as safe in an
			 * attribute as a summary is. */
			lantern_buffer quoted = LANTERN_BUFFER_INIT(0);
			for (const char *p = snippet; *p; p++) {
				if (*p == '"')
					lantern_buffer_append_string(&quoted, "&quot;");
				else if (*p == '\'')
					lantern_buffer_append_string(&quoted, "&#39;");
				else
					lantern_buffer_append_char(&quoted, *p);
			}
			free(snippet);
			snippet = NULL;
			if (lantern_buffer_detach(&quoted, &snippet) != LANTERN_OK)
				snippet = NULL;
			lantern_buffer_dispose(&quoted);
		}
	} else if (summary) {
		lantern_buffer out = LANTERN_BUFFER_INIT(0);
		if (html)
			html_escape(&out, summary, strlen(summary));
		else
			lantern_buffer_append_string(&out, summary);
		if (lantern_buffer_detach(&out, &snippet) != LANTERN_OK)
			snippet = NULL;
		lantern_buffer_dispose(&out);
	}
	json_t *result = snippet ? json_string(snippet) : json_null();
	free(snippet);
	return result;
}

/* The page a snippet comes from: the page of its first highlighted term.
 * The snippet is turned back into body text (tags dropped before entities
 * are decoded, so a "<" in the text stays), a stretch of it around the
 * first mark is located in the body, and the mark's offset is looked up in
 * the page starts stored with the document. 0 when the document has no
 * pages or the passage cannot be placed. */
static json_int_t snippet_page(const char *snippet, const char *body, json_t *pages)
{
	static const struct { const char *entity; char character; } entities[] = {
		{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' }, { "&quot;", '"' },
		{ "&#39;", '\'' }, { "&apos;", '\'' }, { "&#x27;", '\'' },
	};
	if (!snippet || !body || !json_is_array(pages) || json_array_size(pages) == 0)
		return 0;
	char *plain = malloc(strlen(snippet) + 1);
	if (!plain)
		return 0;
	size_t used = 0, mark = SIZE_MAX;
	for (const char *p = snippet; *p;) {
		if (*p == '<' && strchr(p, '>')) {
			if (mark == SIZE_MAX && strncmp(p, "<mark", 5) == 0)
				mark = used;
			p = strchr(p, '>') + 1;
			continue;
		}
		if (*p == '\x01' || *p == '\x02') {
			if (*p == '\x01' && mark == SIZE_MAX)
				mark = used;
			p++;
			continue;
		}
		bool replaced = false;
		for (size_t i = 0; *p == '&' && i < sizeof(entities) / sizeof(entities[0]); i++) {
			size_t length = strlen(entities[i].entity);
			if (strncmp(p, entities[i].entity, length) == 0) {
				plain[used++] = entities[i].character;
				p += length;
				replaced = true;
				break;
			}
		}
		if (!replaced)
			plain[used++] = *p++;
	}
	plain[used] = '\0';
	if (mark == SIZE_MAX)
		mark = 0;
	/* The run between ellipses that holds the mark is verbatim body text. */
	size_t run_start = 0, run_end = used;
	for (const char *e = plain; (e = strstr(e, "\xe2\x80\xa6")) != NULL; e += 3) {
		size_t at = (size_t)(e - plain);
		if (at + 3 <= mark)
			run_start = at + 3;
		else if (at >= mark) {
			run_end = at;
			break;
		}
	}
	json_int_t page = 0;
	size_t from = mark >= run_start + 80 ? mark - 80 : run_start;
	while (from > run_start && (plain[from] & 0xc0) == 0x80)
		from--; /* not inside a UTF-8 sequence */
	if (run_end > from && run_end - from >= 8) {
		char needle[161];
		size_t take = lantern_utf8_truncate(plain + from, run_end - from, 160);
		memcpy(needle, plain + from, take);
		needle[take] = '\0';
		const char *found = strstr(body, needle);
		if (found) {
			size_t offset = (size_t)(found - body) + (mark > from ? mark - from : 0);
			size_t count = json_array_size(pages);
			for (size_t i = 0; i < count; i++)
				if ((size_t)json_integer_value(json_array_get(pages, i)) <= offset)
					page = (json_int_t)i + 1;
		}
	}
	free(plain);
	return page;
}

static lantern_status collect_hits(const lantern_match *match, const lantern_search_request *request,
                                   json_t *hits)
{
	size_t size = lantern_match_size(match);
	for (size_t i = 0; i < size; i++) {
		char *data = NULL;
		lantern_status status = lantern_match_data(match, i, &data, NULL);
		if (status != LANTERN_OK)
			return status;
		json_t *stored = json_loads(data, 0, NULL);
		free(data);
		if (!stored)
			continue; /* not a Lantern document: nothing to show */
		json_t *hit = json_object();
		static const char *const copied[] = { "id", "title", "url", "path", "type", "summary", "metadata" };
		for (size_t k = 0; k < sizeof(copied) / sizeof(copied[0]); k++) {
			json_t *value = json_object_get(stored, copied[k]);
			json_object_set(hit, copied[k], value ? value : json_null());
		}
		const char *body = json_string_value(json_object_get(stored, "body"));
		const char *summary = json_string_value(json_object_get(stored, "summary"));
		json_t *snippet = request->titles_only ? json_null() : hit_snippet(match, request, body, summary);
		json_object_set_new(hit, "snippet", snippet);
		json_t *pages = json_object_get(stored, "pages");
		if (json_is_array(pages)) {
			json_object_set_new(hit, "pages", json_integer((json_int_t)json_array_size(pages)));
			json_int_t page = snippet_page(json_string_value(snippet), body, pages);
			json_object_set_new(hit, "page", page ? json_integer(page) : json_null());
		}
		json_object_set_new(hit, "score", json_real(lantern_match_weight(match, i)));
		json_decref(stored);
		json_array_append_new(hits, hit);
	}
	return LANTERN_OK;
}

/* ------------------------------------------------------------------ the search */

static double now_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec * 1000.0 + (double)now.tv_nsec / 1e6;
}

static json_t *request_echo(const lantern_search_request *request)
{
	static const char *const orders[] = { "relevance", "date", "title" };
	json_t *echo = json_object();
	json_t *filters = json_object();
	json_t *facet_names = json_array();
	for (int f = 0; f < LANTERN_FACET_COUNT; f++) {
		if (request->filter_counts[f]) {
			json_t *values = json_array();
			for (size_t v = 0; v < request->filter_counts[f]; v++)
				json_array_append_new(values, json_string(request->filters[f][v]));
			json_object_set_new(filters, facets[f].name, values);
		}
		if (request->facets & (1u << f))
			json_array_append_new(facet_names, json_string(facets[f].name));
	}
	json_object_set_new(echo, "q", json_string(request->query ? request->query : ""));
	json_object_set_new(echo, "allWords", json_boolean(request->all_words));
	json_object_set_new(echo, "partial", json_boolean(request->partial));
	json_object_set_new(echo, "filters", filters);
	json_object_set_new(echo, "published", request->published ? json_string(request->published) : json_null());
	json_object_set_new(echo, "sort", json_string(orders[request->order]));
	json_object_set_new(echo, "offset", json_integer((json_int_t)request->offset));
	json_object_set_new(echo, "limit", json_integer((json_int_t)request->limit));
	json_object_set_new(echo, "facets", facet_names);
	json_object_set_new(echo, "related", request->related_id ? json_string(request->related_id) : json_null());
	return echo;
}

typedef struct search_plan {
	lantern_query *text;          /* the parsed query text (NULL: everything) */
	lantern_query *field_filters[LANTERN_FACET_COUNT];
	lantern_query *published;
	lantern_query *exclude;       /* related: the resource itself */
	char *corrected;              /* spelling correction of the query text */
} search_plan;

static void plan_dispose(search_plan *plan)
{
	lantern_query_free(plan->text);
	for (int f = 0; f < LANTERN_FACET_COUNT; f++)
		lantern_query_free(plan->field_filters[f]);
	lantern_query_free(plan->published);
	lantern_query_free(plan->exclude);
	free(plan->corrected);
	memset(plan, 0, sizeof(*plan));
}

/* The final query with every filter except field `skip` (-1: keep all). */
static lantern_status plan_query(const search_plan *plan, const lantern_query *text, int skip,
                                 lantern_query **out)
{
	*out = NULL;
	const lantern_query *parts[LANTERN_FACET_COUNT + 1];
	size_t count = 0;
	for (int f = 0; f < LANTERN_FACET_COUNT; f++)
		if (f != skip && plan->field_filters[f])
			parts[count++] = plan->field_filters[f];
	if (plan->published)
		parts[count++] = plan->published;
	lantern_query *filter = NULL, *base = NULL, *all = NULL;
	lantern_status status = lantern_query_combine(LANTERN_QUERY_AND, parts, count, &filter);
	if (status == LANTERN_OK && !text)
		status = lantern_query_match_all(&all);
	const lantern_query *main_query = text ? text : all;
	if (status == LANTERN_OK) {
		const lantern_query *pair[2] = { main_query, filter };
		status = lantern_query_combine(LANTERN_QUERY_FILTER, pair, filter ? 2 : 1, &base);
	}
	if (status == LANTERN_OK && plan->exclude) {
		const lantern_query *pair[2] = { base, plan->exclude };
		status = lantern_query_combine(LANTERN_QUERY_AND_NOT, pair, 2, out);
		lantern_query_free(base);
	} else if (status == LANTERN_OK) {
		*out = base;
	}
	lantern_query_free(filter);
	lantern_query_free(all);
	return status;
}

static lantern_status build_plan(lantern_engine *engine, const lantern_search_request *request,
                                 search_plan *plan)
{
	lantern_status status = LANTERN_OK;
	const char *text = request->query ? request->query : "";
	bool has_text = false;
	for (const char *p = text; *p; p++)
		has_text = has_text || !isspace((unsigned char)*p);
	if (has_text) {
		char *rewritten = NULL;
		status = rewrite_synonyms(engine, text, request->partial, &rewritten);
		lantern_parse_options options = {
			(request->all_words ? LANTERN_PARSE_DEFAULT_AND : 0u) |
				(request->partial ? LANTERN_PARSE_PARTIAL : 0u),
			query_prefixes, sizeof(query_prefixes) / sizeof(query_prefixes[0]),
			query_ranges, sizeof(query_ranges) / sizeof(query_ranges[0]),
			LANTERN_QUERY_MAX_EXPANSION,
			request->titles_only ? LANTERN_PREFIX_TITLE : NULL,
		};
		if (status == LANTERN_OK)
			status = lantern_query_parse(engine->searcher, rewritten, &options, &plan->text, NULL);
		free(rewritten);
		/* Xapian's remote backend serves no spelling data (docs/scaling.md). */
		if (status == LANTERN_OK && request->spelling && !request->partial &&
		    lantern_searcher_spelling_available(engine->searcher)) {
			lantern_query *unused = NULL;
			options.flags |= LANTERN_PARSE_SPELLING;
			status = lantern_query_parse(engine->searcher, text, &options, &unused, &plan->corrected);
			lantern_query_free(unused);
		}
		if (status == LANTERN_OK && lantern_query_term_count(plan->text) > LANTERN_QUERY_MAX_TERMS)
			status = lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT,
			                           "the query has more than %d terms (after expanding synonyms and wildcards)",
			                           LANTERN_QUERY_MAX_TERMS);
		if (status == LANTERN_OK && lantern_query_wildcard_count(plan->text) > LANTERN_QUERY_MAX_WILDCARDS)
			status = lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT,
			                           "the query has more than %d wildcards", LANTERN_QUERY_MAX_WILDCARDS);
		if (status == LANTERN_OK && lantern_query_is_empty(plan->text)) {
			/* Only stop characters: nothing can match. */
			lantern_query_free(plan->text);
			plan->text = NULL;
			status = lantern_query_term("\x01nothing", &plan->text);
		}
	}
	if (status == LANTERN_OK && request->related_id) {
		char term[256];
		snprintf(term, sizeof(term), "%s%s", LANTERN_PREFIX_ID, request->related_id);
		if (lantern_searcher_term_frequency(engine->searcher, term) == 0)
			return lantern_error_set(LANTERN_ERROR_NOT_FOUND, "no resource with id '%.200s'",
			                         request->related_id);
		const char *terms[1] = { term };
		lantern_query *related = NULL;
		status = lantern_query_related(engine->searcher, terms, 1, 24, &related);
		if (status == LANTERN_OK)
			status = lantern_query_term(term, &plan->exclude);
		if (status == LANTERN_OK && !related)
			status = lantern_query_term("\x01nothing", &related);
		if (status == LANTERN_OK && plan->text) {
			const lantern_query *pair[2] = { related, plan->text };
			lantern_query *both = NULL;
			status = lantern_query_combine(LANTERN_QUERY_FILTER, pair, 2, &both);
			lantern_query_free(related);
			related = both;
		}
		if (status == LANTERN_OK) {
			lantern_query_free(plan->text);
			plan->text = related;
		} else {
			lantern_query_free(related);
		}
	}
	for (int f = 0; status == LANTERN_OK && f < LANTERN_FACET_COUNT; f++)
		status = field_filter(request, f, &plan->field_filters[f]);
	if (status == LANTERN_OK && request->published)
		status = published_query(request->published, &plan->published);
	return status;
}

/* Xapian may "correct" a word the index knows towards a more frequent
 * neighbour (script -> scripts). A suggestion is only worth showing when
 * every word it replaces is unknown to the index. */
static bool corrects_only_unknown_words(lantern_engine *engine, const char *original,
                                        const char *corrected)
{
	const char *a = original, *b = corrected;
	for (;;) {
		while (*a && isspace((unsigned char)*a)) a++;
		while (*b && isspace((unsigned char)*b)) b++;
		if (!*a || !*b)
			return true;
		size_t a_length = strcspn(a, " \t\r\n"), b_length = strcspn(b, " \t\r\n");
		if (a_length != b_length || strncmp(a, b, a_length) != 0) {
			char word[LANTERN_QUERY_MAX_BYTES + 1];
			size_t used = 0;
			for (size_t i = 0; i < a_length && used < sizeof(word) - 1; i++)
				if (isalnum((unsigned char)a[i]) || (unsigned char)a[i] >= 0x80)
					word[used++] = (char)tolower((unsigned char)a[i]);
			word[used] = '\0';
			size_t synonym_count;
			/* An acronym from synonyms.yaml is a known word too (RHY is not
			 * "why"), even when no resource spells it. */
			if (used && (lantern_searcher_term_frequency(engine->searcher, word) > 0 ||
			             synonyms_of(engine, word, &synonym_count)))
				return false;
		}
		a += a_length;
		b += b_length;
	}
}

static lantern_status run_search(lantern_engine *engine, const lantern_search_request *request,
                                 json_t *response)
{
	search_plan plan;
	memset(&plan, 0, sizeof(plan));
	lantern_query *query = NULL;
	lantern_match *match = NULL;
	uint32_t document_count = lantern_searcher_document_count(engine->searcher);
	lantern_status status = build_plan(engine, request, &plan);
	if (status == LANTERN_OK)
		status = plan_query(&plan, plan.text, -1, &query);

	/* Facets nobody filters on are counted in the main match; each filtered
	 * one needs a pass without its own filter. */
	int counted[LANTERN_FACET_COUNT], separate[LANTERN_FACET_COUNT];
	size_t counted_count = 0, separate_count = 0;
	unsigned counted_slots[LANTERN_FACET_COUNT];
	for (int f = 0; f < LANTERN_FACET_COUNT; f++) {
		if (!(request->facets & (1u << f)))
			continue;
		if (plan.field_filters[f]) {
			separate[separate_count++] = f;
		} else {
			counted_slots[counted_count] = facets[f].slot;
			counted[counted_count++] = f;
		}
	}
	lantern_match_options options;
	memset(&options, 0, sizeof(options));
	options.offset = request->offset;
	options.limit = request->limit;
	options.sort = request->order == LANTERN_ORDER_DATE ? LANTERN_SORT_VALUE_DESCENDING
	             : request->order == LANTERN_ORDER_TITLE ? LANTERN_SORT_VALUE_ASCENDING
	             : LANTERN_SORT_RELEVANCE;
	options.sort_slot = request->order == LANTERN_ORDER_DATE ? LANTERN_SLOT_DATE_SORT : LANTERN_SLOT_TITLE_SORT;
	options.break_ties = true;
	options.tie_slot = LANTERN_SLOT_ID;
	uint32_t window = (uint32_t)(request->offset + request->limit);
	options.check_at_least = request->facets ? document_count : (window > 1000 ? window : 1000);
	/* Xapian 1.4 miscounts match spies on remote shards when the same match
	 * also returns documents; there, facets get a counting pass of their own. */
	bool count_apart = counted_count && request->limit && lantern_searcher_has_remote(engine->searcher);
	options.count_slots = count_apart ? NULL : counted_slots;
	options.count_slot_count = count_apart ? 0 : counted_count;
	options.bm25_k1 = RANKING_K1;
	options.bm25_b = RANKING_B;
	if (status == LANTERN_OK)
		status = lantern_searcher_match(engine->searcher, query, &options, &match);

	json_t *hits = json_array();
	json_t *distribution = json_object();
	if (status == LANTERN_OK)
		status = collect_hits(match, request, hits);
	if (status == LANTERN_OK && !count_apart)
		status = count_facets(match, counted, counted_count, distribution);
	lantern_match_totals totals = { 0, 0, 0 };
	if (match)
		totals = lantern_match_get_totals(match);
	lantern_match_free(match);
	match = NULL;
	if (status == LANTERN_OK && count_apart) {
		lantern_match_options pass;
		memset(&pass, 0, sizeof(pass));
		pass.check_at_least = document_count;
		pass.count_slots = counted_slots;
		pass.count_slot_count = counted_count;
		pass.unweighted = true;
		status = lantern_searcher_match(engine->searcher, query, &pass, &match);
		if (status == LANTERN_OK)
			status = count_facets(match, counted, counted_count, distribution);
		lantern_match_free(match);
		match = NULL;
	}

	for (size_t i = 0; status == LANTERN_OK && i < separate_count; i++) {
		int f = separate[i];
		lantern_query *without = NULL;
		lantern_match_options pass;
		memset(&pass, 0, sizeof(pass));
		pass.check_at_least = document_count;
		pass.count_slots = &facets[f].slot;
		pass.count_slot_count = 1;
		pass.unweighted = true;
		status = plan_query(&plan, plan.text, f, &without);
		if (status == LANTERN_OK)
			status = lantern_searcher_match(engine->searcher, without, &pass, &match);
		if (status == LANTERN_OK)
			status = count_facets(match, &f, 1, distribution);
		lantern_match_free(match);
		match = NULL;
		lantern_query_free(without);
	}

	/* "Did you mean": only a correction that finds something. */
	json_t *suggestion = json_null();
	/* A correction can be longer than the query; one over the query limit
	 * would overflow the synonym rewrite's buffers (and could not be searched). */
	if (status == LANTERN_OK && plan.corrected && plan.corrected[0] && request->query &&
	    strlen(plan.corrected) <= LANTERN_QUERY_MAX_BYTES && strcmp(plan.corrected, request->query) != 0 &&
	    corrects_only_unknown_words(engine, request->query, plan.corrected)) {
		lantern_search_request corrected_request = *request;
		corrected_request.query = plan.corrected;
		corrected_request.spelling = false;
		search_plan corrected_plan;
		memset(&corrected_plan, 0, sizeof(corrected_plan));
		lantern_query *corrected_query = NULL;
		lantern_status check = build_plan(engine, &corrected_request, &corrected_plan);
		if (check == LANTERN_OK)
			check = plan_query(&corrected_plan, corrected_plan.text, -1, &corrected_query);
		lantern_match_options probe;
		memset(&probe, 0, sizeof(probe));
		probe.check_at_least = 1;
		probe.unweighted = true;
		if (check == LANTERN_OK)
			check = lantern_searcher_match(engine->searcher, corrected_query, &probe, &match);
		if (check == LANTERN_OK && lantern_match_get_totals(match).lower > 0)
			suggestion = json_string(plan.corrected);
		lantern_match_free(match);
		match = NULL;
		lantern_query_free(corrected_query);
		plan_dispose(&corrected_plan);
		if (check == LANTERN_ERROR_DATABASE_MODIFIED)
			status = check;
	}

	if (status == LANTERN_OK) {
		json_object_set_new(response, "hits", hits);
		json_object_set_new(response, "totalHits", json_integer(totals.lower == totals.upper
		                                                          ? totals.lower : totals.estimated));
		json_object_set_new(response, "totalHitsExact", json_boolean(totals.lower == totals.upper));
		/* Fields in a fixed order, whichever pass counted them. */
		json_t *ordered = json_object();
		for (int f = 0; ordered && f < LANTERN_FACET_COUNT; f++) {
			json_t *counts = json_object_get(distribution, facets[f].name);
			if (counts)
				json_object_set(ordered, facets[f].name, counts);
		}
		json_decref(distribution);
		json_object_set_new(response, "facetDistribution", ordered ? ordered : json_object());
		json_object_set_new(response, "suggestion", suggestion);
	} else {
		json_decref(hits);
		json_decref(distribution);
		json_decref(suggestion);
	}
	lantern_query_free(query);
	plan_dispose(&plan);
	return status;
}

lantern_status lantern_engine_search(lantern_engine *engine, const lantern_search_request *request,
                                     json_t **out)
{
	*out = NULL;
	double started = now_ms();
	lantern_status status = check_request(engine, request);
	if (status != LANTERN_OK)
		return status;
	json_t *response = NULL;
	for (int attempt = 0; attempt < RETRIES; attempt++) {
		status = engine->searcher ? engine_refresh(engine, false) : engine_load(engine);
		/* NETWORK: a remote shard closed the connection (xapian-tcpsrv drops
		 * idle ones after 60 s, or the host restarted); DATABASE_NOT_FOUND:
		 * the shard's server lost the database under it (its replica was
		 * replaced by a fresh copy): connect afresh either way. */
		if (status == LANTERN_ERROR_DATABASE_MODIFIED || status == LANTERN_ERROR_DATABASE_OPENING ||
		    status == LANTERN_ERROR_NETWORK || status == LANTERN_ERROR_DATABASE_NOT_FOUND)
			status = engine_refresh(engine, true);
		if (status != LANTERN_OK)
			break;
		json_decref(response);
		response = json_object();
		if (!response)
			return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "response");
		status = run_search(engine, request, response);
		if (status == LANTERN_ERROR_NETWORK && engine->options.partial_results && attempt + 1 < RETRIES) {
			/* Find the shards that fail, leave them out, answer from the rest. */
			lantern_searcher_options probe = { engine->options.remote_timeout_ms,
			                                   engine->options.remote_connect_timeout_ms, true, 5000 };
			lantern_searcher_probe(engine->searcher, &probe);
			engine_unload(engine);
			continue;
		}
		if (status != LANTERN_ERROR_DATABASE_MODIFIED)
			break;
	}
	if (status != LANTERN_OK) {
		json_decref(response);
		return status;
	}
	const char *const *missing = NULL;
	size_t missing_count = lantern_searcher_unavailable(engine->searcher, &missing);
	if (missing_count) {
		json_t *list = json_array();
		for (size_t i = 0; i < missing_count; i++)
			json_array_append_new(list, json_string(missing[i]));
		json_object_set_new(response, "partial", json_true());
		json_object_set_new(response, "unavailableShards", list);
	}
	if (!lantern_searcher_spelling_available(engine->searcher))
		json_object_set_new(response, "spellingAvailable", json_false());
	json_object_set_new(response, "query", json_string(request->query ? request->query : ""));
	json_object_set_new(response, "request", request_echo(request));
	json_object_set_new(response, "offset", json_integer((json_int_t)request->offset));
	json_object_set_new(response, "limit", json_integer((json_int_t)request->limit));
	json_object_set_new(response, "processingTimeMs", json_real(now_ms() - started));
	*out = response;
	return LANTERN_OK;
}

/* ------------------------------------------------------------------ beyond search */

/* Brings the engine up to date before a read that is not a search. */
static lantern_status engine_prepare(lantern_engine *engine)
{
	lantern_status status = engine->searcher ? engine_refresh(engine, false) : engine_load(engine);
	if (status == LANTERN_ERROR_DATABASE_MODIFIED || status == LANTERN_ERROR_DATABASE_OPENING ||
	    status == LANTERN_ERROR_NETWORK || status == LANTERN_ERROR_DATABASE_NOT_FOUND)
		status = engine_refresh(engine, true);
	return status;
}

lantern_status lantern_engine_document(lantern_engine *engine, const char *id, json_t **out)
{
	*out = NULL;
	size_t length = strlen(id), bad;
	if (length == 0 || length > 200 || !lantern_utf8_validate(id, length, &bad))
		return lantern_error_set(LANTERN_ERROR_NOT_FOUND, "no such resource");
	lantern_status status = LANTERN_OK;
	char *data = NULL;
	for (int attempt = 0; attempt < RETRIES; attempt++) {
		status = engine_prepare(engine);
		if (status != LANTERN_OK)
			return status;
		char term[256];
		snprintf(term, sizeof(term), "%s%s", LANTERN_PREFIX_ID, id);
		status = lantern_searcher_document_data(engine->searcher, term, &data);
		if (status != LANTERN_ERROR_DATABASE_MODIFIED)
			break;
	}
	if (status != LANTERN_OK)
		return status == LANTERN_ERROR_NOT_FOUND
		               ? lantern_error_set(LANTERN_ERROR_NOT_FOUND, "no such resource")
		               : status;
	json_t *stored = json_loads(data, 0, NULL);
	free(data);
	if (!stored)
		return lantern_error_set(LANTERN_ERROR_NOT_FOUND, "no such resource");
	json_object_del(stored, "body");
	*out = stored;
	return LANTERN_OK;
}

lantern_status lantern_engine_facets(lantern_engine *engine, json_t **out)
{
	*out = NULL;
	lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
	request.limit = 0;
	request.facets = LANTERN_FACETS_ALL;
	request.spelling = false;
	json_t *counts = NULL;
	lantern_status status = lantern_engine_search(engine, &request, &counts);
	if (status != LANTERN_OK)
		return status;
	json_t *distribution = json_object_get(counts, "facetDistribution");
	json_t *result = json_object();
	for (int f = 0; result && f < LANTERN_FACET_COUNT; f++) {
		json_t *seen = json_object_get(distribution, facets[f].name);
		json_t *known = facets[f].vocabulary ? json_object_get(engine->vocabulary, facets[f].vocabulary) : NULL;
		json_t *values = json_array();
		const char *value;
		json_t *item;
		if (known && json_object_size(known)) {
			json_object_foreach(known, value, item) {
				json_t *count = json_object_get(seen, value);
				json_array_append_new(values, json_pack("{s:s, s:O, s:I}", "value", value, "label", item,
				                                        "count", (json_int_t)(count ? json_integer_value(count) : 0)));
			}
		} else {
			json_object_foreach(seen, value, item)
				json_array_append_new(values, json_pack("{s:s, s:s, s:O}", "value", value, "label", value,
				                                        "count", item));
		}
		json_object_set_new(result, facets[f].name, values);
	}
	json_decref(counts);
	if (!result)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "facets");
	*out = result;
	return LANTERN_OK;
}

lantern_status lantern_engine_stats(lantern_engine *engine, json_t **out)
{
	*out = NULL;
	lantern_status status = engine_prepare(engine);
	if (status != LANTERN_OK)
		return status;
	json_t *result = json_object();
	json_t *partitions = json_object();
	json_int_t total = 0;
	for (size_t i = 0; status == LANTERN_OK && i < engine->label_count; i++) {
		uint32_t documents = 0;
		uint64_t revision = 0;
		status = lantern_searcher_database_stats(engine->searcher, i, &documents, &revision);
		total += documents;
		json_object_set_new(partitions, engine->labels[i],
		                    json_pack("{s:I, s:I}", "documents", (json_int_t)documents,
		                              "revision", (json_int_t)revision));
	}
	json_object_set_new(result, "documents", json_integer(total));
	json_object_set_new(result, "generation", json_string(engine->generation_target ? engine->generation_target : ""));
	json_object_set_new(result, "partitions", partitions);
	const char *const *endpoints = NULL, *const *missing = NULL;
	size_t endpoint_count = lantern_searcher_endpoints(engine->searcher, &endpoints);
	size_t missing_count = lantern_searcher_unavailable(engine->searcher, &missing);
	if (endpoint_count || missing_count) {
		json_t *up = json_array(), *down = json_array();
		for (size_t i = 0; i < endpoint_count; i++)
			json_array_append_new(up, json_string(endpoints[i]));
		for (size_t i = 0; i < missing_count; i++)
			json_array_append_new(down, json_string(missing[i]));
		json_object_set_new(result, "shards", json_pack("{s:o, s:o}", "available", up, "unavailable", down));
	}
	if (status != LANTERN_OK) {
		json_decref(result);
		return status;
	}
	*out = result;
	return LANTERN_OK;
}
