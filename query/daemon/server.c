/*
 * server.c - routing, request parsing and responses for lanternd.
 *
 * Every request runs on one of libmicrohttpd's pool threads. Each thread
 * lazily opens its own query engine (Xapian handles are per thread) and
 * keeps it until the server stops; the engine follows index updates by
 * itself. The configuration is an immutable snapshot published through an
 * atomic pointer; old snapshots live until the server stops, so a request
 * never sees one freed under it.
 *
 * Everything a caller sends is bounded (URI length, header memory, number
 * and size of parameters, the engine's query limits) and everything echoed
 * back is JSON-escaped or HTML/XML-escaped.
 */
#include "server.h"
#include "metrics.h"

#include "engine.h"
#include "common/buffer.h"
#include "common/error.h"
#include "common/utf8.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <jansson.h>
#include <microhttpd.h>
#include <nettle/sha2.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef LANTERN_VERSION
#define LANTERN_VERSION "0"
#endif

#define MAX_PARAMETERS 64
#define MAX_PARAMETER_BYTES 4096
#define MAX_ASSETS 32
#define MAX_ASSET_BYTES (2 * 1024 * 1024)
#define SUGGEST_MAX_LIMIT 10

/* ------------------------------------------------------------------ sites */

typedef struct asset {
	char name[64];
	char *data;
	size_t size;
	const char *content_type;
} asset;

/* A configuration and the assets loaded with it. */
typedef struct site {
	lanternd_config *config;
	asset assets[MAX_ASSETS];
	size_t asset_count;
	unsigned generation;
	struct site *older;       /* previous snapshots, freed at stop */
} site;

static const char *content_type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (!dot) return NULL;
	if (strcmp(dot, ".html") == 0) return "text/html; charset=utf-8";
	if (strcmp(dot, ".js") == 0) return "text/javascript; charset=utf-8";
	if (strcmp(dot, ".css") == 0) return "text/css; charset=utf-8";
	if (strcmp(dot, ".svg") == 0) return "image/svg+xml";
	if (strcmp(dot, ".png") == 0) return "image/png";
	if (strcmp(dot, ".ico") == 0) return "image/x-icon";
	if (strcmp(dot, ".txt") == 0) return "text/plain; charset=utf-8";
	return NULL;
}

/* Loads the files of the assets folder (flat, known types only). A missing
 * folder is not fatal: the API still works, `/` answers 404. */
static void site_load_assets(site *target)
{
	DIR *directory = opendir(target->config->assets);
	if (!directory)
		return;
	struct dirent *entry;
	while ((entry = readdir(directory)) != NULL && target->asset_count < MAX_ASSETS) {
		const char *type = content_type_of(entry->d_name);
		if (entry->d_name[0] == '.' || !type || strlen(entry->d_name) >= sizeof(target->assets[0].name))
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", target->config->assets, entry->d_name);
		asset *item = &target->assets[target->asset_count];
		size_t size = 0;
		if (lantern_file_read(path, MAX_ASSET_BYTES, &item->data, &size) != LANTERN_OK)
			continue;
		snprintf(item->name, sizeof(item->name), "%s", entry->d_name);
		item->size = size;
		item->content_type = type;
		target->asset_count++;
	}
	closedir(directory);
}

static const asset *site_asset(const site *current, const char *name)
{
	for (size_t i = 0; i < current->asset_count; i++)
		if (strcmp(current->assets[i].name, name) == 0)
			return &current->assets[i];
	return NULL;
}

static void site_free(site *target)
{
	while (target) {
		site *older = target->older;
		for (size_t i = 0; i < target->asset_count; i++)
			free(target->assets[i].data);
		lanternd_config_free(target->config);
		free(target);
		target = older;
	}
}

/* ------------------------------------------------------------------ per-thread engines */

/* Engines of one thread, one per set of access labels seen on it. */
#define ENGINES_PER_THREAD 8

typedef struct cached_engine {
	char key[512];             /* the label set, comma-joined; "" = unused */
	lantern_engine *engine;
	unsigned generation;       /* site generation it was opened for */
	unsigned long last_used;
} cached_engine;

typedef struct thread_engine {
	cached_engine entries[ENGINES_PER_THREAD];
	unsigned long clock;
	struct thread_engine *next; /* registry, for closing at stop */
} thread_engine;

struct lanternd_server {
	struct MHD_Daemon *daemon;
	_Atomic(site *) current;
	pthread_mutex_t lock;          /* guards engines and site history */
	thread_engine *engines;
	unsigned port;
	atomic_int in_flight;          /* requests between their URI and their completion */
};

static _Thread_local thread_engine *local_engine;

/* Who is asking, and what they may search. */
typedef struct identity {
	const char *name;              /* "anonymous", a token's name, or "proxy" */
	const char *labels[LANTERND_MAX_PARTITIONS];
	size_t label_count;
	bool admin;
	char header_copy[512];         /* storage for labels from the trusted header */
} identity;

/* This thread's engine over `labels`, opened on first use and reopened when
 * the configuration changed. NULL (with the error detail set) when the
 * index cannot be opened. */
static lantern_engine *engine_over(lanternd_server *server, const site *current,
                                   const char *const *labels, size_t label_count,
                                   lantern_status *status)
{
	thread_engine *mine = local_engine;
	if (!mine) {
		mine = calloc(1, sizeof(*mine));
		if (!mine) {
			*status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "engine");
			return NULL;
		}
		pthread_mutex_lock(&server->lock);
		mine->next = server->engines;
		server->engines = mine;
		pthread_mutex_unlock(&server->lock);
		local_engine = mine;
	}
	char key[512] = "";
	size_t used = 0;
	for (size_t i = 0; i < label_count && used < sizeof(key); i++)
		used += (size_t)snprintf(key + used, sizeof(key) - used, "%s%s", i ? "," : "", labels ? labels[i] : "");
	if (!labels)
		snprintf(key, sizeof(key), "*");
	cached_engine *slot = NULL, *oldest = &mine->entries[0];
	for (size_t i = 0; i < ENGINES_PER_THREAD; i++) {
		cached_engine *entry = &mine->entries[i];
		if (entry->key[0] && strcmp(entry->key, key) == 0)
			slot = entry;
		if (entry->last_used < oldest->last_used)
			oldest = entry;
	}
	if (!slot) {
		slot = oldest;
		lantern_engine_close(slot->engine);
		slot->engine = NULL;
		snprintf(slot->key, sizeof(slot->key), "%s", key);
	}
	slot->last_used = ++mine->clock;
	if (slot->engine && slot->generation != current->generation) {
		lantern_engine_close(slot->engine);
		slot->engine = NULL;
	}
	if (!slot->engine) {
		lantern_engine_options options = { current->config->shard_timeout_ms,
		                                   current->config->shard_connect_timeout_ms,
		                                   current->config->shard_partial };
		*status = lantern_engine_open_with(&slot->engine, current->config->index, labels, label_count, &options);
		if (*status != LANTERN_OK) {
			/* Whatever the cause (no index yet, a swap, ...): 503, and no
			 * server path in the answer. */
			if (*status != LANTERN_ERROR_NETWORK)
				*status = LANTERN_ERROR_DATABASE_OPENING;
			slot->engine = NULL;
			slot->key[0] = '\0';
			return NULL;
		}
		slot->generation = current->generation;
	}
	*status = LANTERN_OK;
	return slot->engine;
}

static lantern_engine *engine_for(lanternd_server *server, const site *current, const identity *who,
                                  lantern_status *status)
{
	return engine_over(server, current, who->labels, who->label_count, status);
}

/* ------------------------------------------------------------------ requests */

typedef struct parameter {
	char *key;
	char *value;
} parameter;

typedef struct request_context {
	double started;
	size_t uri_length;
	lanternd_endpoint endpoint;
	unsigned status;
	parameter parameters[MAX_PARAMETERS];
	size_t parameter_count;
	bool parameters_bad;
	char bad_reason[160];
	identity who;
	bool seen;                     /* on_request was called once: the request is complete on the next call */
} request_context;

static double now_seconds(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *connection)
{
	lanternd_server *server = cls;
	(void)connection;
	atomic_fetch_add(&server->in_flight, 1);
	request_context *context = calloc(1, sizeof(*context));
	if (context) {
		context->started = now_seconds();
		context->uri_length = strlen(uri);
		context->endpoint = ENDPOINT_OTHER;
	}
	return context;
}

static void on_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
	lanternd_server *server = cls;
	(void)connection;
	(void)code;
	request_context *context = *con_cls;
	atomic_fetch_sub(&server->in_flight, 1);
	if (!context)
		return;
	double seconds = now_seconds() - context->started;
	if (context->status)
		lanternd_metrics_record(context->endpoint, context->status, seconds);
	site *current = atomic_load(&server->current);
	if (current->config->access_log && context->status)
		fprintf(stderr, "lanternd: %s %u %.1fms\n", lanternd_endpoint_name(context->endpoint),
		        context->status, seconds * 1000);
	for (size_t i = 0; i < context->parameter_count; i++) {
		free(context->parameters[i].key);
		free(context->parameters[i].value);
	}
	free(context);
	*con_cls = NULL;
}

static enum MHD_Result collect_parameter(void *cls, enum MHD_ValueKind kind, const char *key,
                                         size_t key_size, const char *value, size_t value_size)
{
	request_context *context = cls;
	(void)kind;
	size_t bad;
	if (!value) {
		value = "";
		value_size = 0;
	}
	if (context->parameter_count == MAX_PARAMETERS) {
		context->parameters_bad = true;
		snprintf(context->bad_reason, sizeof(context->bad_reason), "more than %d parameters", MAX_PARAMETERS);
		return MHD_NO;
	}
	if (key_size > 64 || value_size > MAX_PARAMETER_BYTES) {
		context->parameters_bad = true;
		snprintf(context->bad_reason, sizeof(context->bad_reason),
		         "a parameter is longer than %d bytes", MAX_PARAMETER_BYTES);
		return MHD_NO;
	}
	if (memchr(key, '\0', key_size) || memchr(value, '\0', value_size) ||
	    !lantern_utf8_validate(key, key_size, &bad) || !lantern_utf8_validate(value, value_size, &bad)) {
		context->parameters_bad = true;
		snprintf(context->bad_reason, sizeof(context->bad_reason),
		         "parameters must be UTF-8 text without NUL bytes");
		return MHD_NO;
	}
	parameter *item = &context->parameters[context->parameter_count];
	item->key = strndup(key, key_size);
	item->value = strndup(value, value_size);
	if (!item->key || !item->value) {
		free(item->key);
		free(item->value);
		context->parameters_bad = true;
		snprintf(context->bad_reason, sizeof(context->bad_reason), "out of memory");
		return MHD_NO;
	}
	context->parameter_count++;
	return MHD_YES;
}

/* The one value of `key`; *repeated is set when it was given twice. */
static const char *single_parameter(const request_context *context, const char *key, bool *repeated)
{
	const char *found = NULL;
	for (size_t i = 0; i < context->parameter_count; i++) {
		if (strcmp(context->parameters[i].key, key) != 0)
			continue;
		if (found)
			*repeated = true;
		found = context->parameters[i].value;
	}
	return found;
}

/* ------------------------------------------------------------------ responses */

static void add_common_headers(struct MHD_Response *response, const site *current,
                               struct MHD_Connection *connection)
{
	MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(response, "Referrer-Policy", "same-origin");
	const char *origin = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Origin");
	if (!origin)
		return;
	for (size_t i = 0; i < current->config->cors_origin_count; i++) {
		const char *allowed = current->config->cors_origins[i];
		if (strcmp(allowed, "*") == 0 || strcmp(allowed, origin) == 0) {
			MHD_add_response_header(response, "Access-Control-Allow-Origin",
			                        strcmp(allowed, "*") == 0 ? "*" : origin);
			MHD_add_response_header(response, "Vary", "Origin");
			return;
		}
	}
}

static enum MHD_Result send_buffer(struct MHD_Connection *connection, request_context *context,
                                   const site *current, unsigned status, const char *content_type,
                                   const char *body, size_t length, const char *cache)
{
	struct MHD_Response *response =
		MHD_create_response_from_buffer(length, (void *)body, MHD_RESPMEM_MUST_COPY);
	if (!response)
		return MHD_NO;
	MHD_add_response_header(response, "Content-Type", content_type);
	MHD_add_response_header(response, "Cache-Control", cache ? cache : "no-store");
	add_common_headers(response, current, connection);
	if (status == 405)
		MHD_add_response_header(response, "Allow", "GET, HEAD, OPTIONS");
	if (status == 401)
		MHD_add_response_header(response, "WWW-Authenticate", "Bearer realm=\"lantern\"");
	if (strncmp(content_type, "text/html", 9) == 0)
		MHD_add_response_header(response, "Content-Security-Policy",
		                        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
		                        "script-src 'self'; connect-src 'self'; base-uri 'none'; "
		                        "form-action 'self'; frame-ancestors 'self'");
	context->status = status;
	enum MHD_Result result = MHD_queue_response(connection, status, response);
	MHD_destroy_response(response);
	return result;
}

static enum MHD_Result send_json(struct MHD_Connection *connection, request_context *context,
                                 const site *current, unsigned status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(6));
	json_decref(body);
	if (!text)
		return MHD_NO;
	enum MHD_Result result = send_buffer(connection, context, current, status,
	                                     "application/json; charset=utf-8", text, strlen(text), NULL);
	free(text);
	return result;
}

static const char *status_title(unsigned status)
{
	switch (status) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

/* An RFC 9457 problem document. */
static enum MHD_Result send_problem(struct MHD_Connection *connection, request_context *context,
                                    const site *current, unsigned status, const char *detail)
{
	json_t *body = json_pack("{s:s, s:s, s:i, s:s}", "type", "about:blank", "title", status_title(status),
	                         "status", (int)status, "detail", detail ? detail : "");
	if (!body)
		body = json_pack("{s:i}", "status", (int)status);
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return MHD_NO;
	enum MHD_Result result = send_buffer(connection, context, current, status,
	                                     "application/problem+json", text, strlen(text), NULL);
	free(text);
	return result;
}

/* Maps an engine failure to the HTTP answer. */
static enum MHD_Result send_engine_error(struct MHD_Connection *connection, request_context *context,
                                         const site *current, lantern_status status)
{
	switch (status) {
	case LANTERN_ERROR_INVALID_ARGUMENT:
	case LANTERN_ERROR_TOO_LARGE:
	case LANTERN_ERROR_QUERY_PARSER:
	case LANTERN_ERROR_ENGINE_RANGE:
		return send_problem(connection, context, current, 400, lantern_error_detail());
	case LANTERN_ERROR_NOT_FOUND:
		return send_problem(connection, context, current, 404, lantern_error_detail());
	case LANTERN_ERROR_NO_MEMORY:
	case LANTERN_ERROR_IO:
	case LANTERN_ERROR_DATABASE_LOCKED:
	case LANTERN_ERROR_DATABASE_MODIFIED:
	case LANTERN_ERROR_DATABASE_CORRUPT:
	case LANTERN_ERROR_DATABASE_NOT_FOUND:
	case LANTERN_ERROR_DATABASE_OPENING:
	case LANTERN_ERROR_DATABASE:
		return send_problem(connection, context, current, 503, "the index is not available right now");
	case LANTERN_ERROR_NETWORK:
		return send_problem(connection, context, current, 503, "an index shard is not responding");
	default:
		return send_problem(connection, context, current, 500, "internal error");
	}
}

/* ------------------------------------------------------------------ request parsing */

static bool parse_count(const char *text, size_t maximum, size_t *out)
{
	if (!text[0] || strlen(text) > 9)
		return false;
	for (const char *p = text; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	size_t value = (size_t)strtoul(text, NULL, 10);
	if (value > maximum)
		return false;
	*out = value;
	return true;
}

typedef struct parsed_request {
	lantern_search_request request;
	const char *filters[LANTERN_FACET_COUNT][LANTERN_FILTER_MAX_VALUES];
} parsed_request;

/* Fills a search request from query parameters; `allowed` says which
 * non-filter parameters this endpoint takes. Returns false with `reason`. */
static bool parse_search_parameters(const request_context *context, parsed_request *parsed,
                                    bool allow_query, char *reason, size_t reason_size)
{
	lantern_search_request initial = LANTERN_SEARCH_REQUEST_INIT;
	parsed->request = initial;
	lantern_search_request *request = &parsed->request;
	for (size_t i = 0; i < context->parameter_count; i++) {
		const char *key = context->parameters[i].key;
		const char *value = context->parameters[i].value;
		int facet = lantern_facet_lookup(key);
		if (facet >= 0) {
			if (!value[0])
				continue; /* an empty filter field in a form means "any" */
			if (request->filter_counts[facet] == LANTERN_FILTER_MAX_VALUES) {
				snprintf(reason, reason_size, "more than %d values for %s", LANTERN_FILTER_MAX_VALUES, key);
				return false;
			}
			parsed->filters[facet][request->filter_counts[facet]++] = value;
			continue;
		}
		bool repeated = false;
		single_parameter(context, key, &repeated);
		if (repeated && strcmp(key, "facets") != 0) {
			snprintf(reason, reason_size, "parameter '%s' given more than once", key);
			return false;
		}
		if (strcmp(key, "q") == 0 && allow_query) {
			request->query = value;
		} else if (strcmp(key, "published") == 0) {
			request->published = value[0] ? value : NULL;
		} else if (strcmp(key, "sort") == 0) {
			if (strcmp(value, "relevance") == 0 || !value[0]) request->order = LANTERN_ORDER_RELEVANCE;
			else if (strcmp(value, "date") == 0) request->order = LANTERN_ORDER_DATE;
			else if (strcmp(value, "title") == 0) request->order = LANTERN_ORDER_TITLE;
			else {
				snprintf(reason, reason_size, "sort must be relevance, date or title");
				return false;
			}
		} else if (strcmp(key, "limit") == 0) {
			if (!parse_count(value, LANTERN_RESULT_MAX_LIMIT, &request->limit)) {
				snprintf(reason, reason_size, "limit must be a whole number from 0 to %d",
				         LANTERN_RESULT_MAX_LIMIT);
				return false;
			}
		} else if (strcmp(key, "offset") == 0) {
			if (!parse_count(value, LANTERN_RESULT_WINDOW, &request->offset)) {
				snprintf(reason, reason_size, "offset must be a whole number from 0 to %d",
				         LANTERN_RESULT_WINDOW);
				return false;
			}
		} else if (strcmp(key, "all") == 0) {
			if (strcmp(value, "true") == 0 || strcmp(value, "1") == 0) request->all_words = true;
			else if (strcmp(value, "false") == 0 || strcmp(value, "0") == 0 || !value[0]) request->all_words = false;
			else {
				snprintf(reason, reason_size, "all must be true or false");
				return false;
			}
		} else if (strcmp(key, "facets") == 0) {
			char names[MAX_PARAMETER_BYTES + 1];
			snprintf(names, sizeof(names), "%s", value);
			char *save = NULL;
			for (char *name = strtok_r(names, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
				if (strcmp(name, "*") == 0) {
					request->facets = LANTERN_FACETS_ALL;
					continue;
				}
				int field = lantern_facet_lookup(name);
				if (field < 0) {
					snprintf(reason, reason_size, "unknown facet field '%.40s'", name);
					return false;
				}
				request->facets |= 1u << field;
			}
		} else {
			snprintf(reason, reason_size, "unknown parameter '%.40s'", key);
			return false;
		}
	}
	for (int f = 0; f < LANTERN_FACET_COUNT; f++)
		request->filters[f] = parsed->filters[f];
	return true;
}

/* ------------------------------------------------------------------ identities */

static bool digest_equal(const unsigned char *a, const unsigned char *b)
{
	unsigned char difference = 0;
	for (int i = 0; i < 32; i++)
		difference |= (unsigned char)(a[i] ^ b[i]);
	return difference == 0;
}

static bool token_character(char c)
{
	return isalnum((unsigned char)c) || strchr("-._~+/=", c);
}

static void set_labels(identity *who, char *const *labels, size_t count)
{
	who->label_count = 0;
	for (size_t i = 0; i < count && i < LANTERND_MAX_PARTITIONS; i++)
		who->labels[who->label_count++] = labels[i];
}

static bool peer_is_proxy(struct MHD_Connection *connection, const lanternd_config *config)
{
	const union MHD_ConnectionInfo *info =
		MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!info || !info->client_addr)
		return false;
	char address[INET6_ADDRSTRLEN] = "";
	const struct sockaddr *peer = info->client_addr;
	if (peer->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)peer)->sin_addr, address, sizeof(address));
	else if (peer->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)peer)->sin6_addr, address, sizeof(address));
	for (size_t i = 0; i < config->proxy_count; i++)
		if (strcmp(config->proxies[i], address) == 0)
			return true;
	return false;
}

/* Decides who is asking. Returns 0 when the request may go on, or the HTTP
 * status to refuse it with (the reason in `reason`). No credentials means
 * the anonymous partitions (config `partitions`). */
static unsigned resolve_identity(struct MHD_Connection *connection, const site *current,
                                 identity *who, char *reason, size_t reason_size)
{
	const lanternd_config *config = current->config;
	who->name = "anonymous";
	who->admin = false;
	set_labels(who, config->partitions, config->partition_count);
	const char *authorization = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Authorization");
	if (authorization) {
		const char *token = strncasecmp(authorization, "Bearer ", 7) == 0 ? authorization + 7 : NULL;
		size_t length = token ? strlen(token) : 0;
		bool well_formed = token && length >= 16 && length <= 256;
		for (size_t i = 0; well_formed && i < length; i++)
			well_formed = token_character(token[i]);
		if (!well_formed) {
			snprintf(reason, reason_size, "malformed credentials: expected 'Authorization: Bearer TOKEN'");
			return 401;
		}
		unsigned char digest[SHA256_DIGEST_SIZE];
		struct sha256_ctx hash;
		sha256_init(&hash);
		sha256_update(&hash, length, (const uint8_t *)token);
		sha256_digest(&hash, SHA256_DIGEST_SIZE, digest);
		const lanternd_token *match = NULL;
		for (size_t i = 0; i < config->token_count; i++)
			if (digest_equal(digest, config->tokens[i].digest) && !match)
				match = &config->tokens[i];
		if (!match) {
			snprintf(reason, reason_size, "unknown token");
			return 401;
		}
		if (match->expires && (long long)time(NULL) >= match->expires) {
			snprintf(reason, reason_size, "the token has expired");
			return 401;
		}
		who->name = match->name;
		who->admin = match->admin;
		set_labels(who, match->labels, match->label_count);
		return 0;
	}
	if (config->trusted_header) {
		const char *header = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, config->trusted_header);
		if (header && peer_is_proxy(connection, config)) {
			if (strlen(header) >= sizeof(who->header_copy)) {
				snprintf(reason, reason_size, "the %s header is too long", config->trusted_header);
				return 400;
			}
			snprintf(who->header_copy, sizeof(who->header_copy), "%s", header);
			who->label_count = 0;
			char *save = NULL;
			for (char *label = strtok_r(who->header_copy, ", ", &save); label;
			     label = strtok_r(NULL, ", ", &save)) {
				bool valid = label[0] != '\0';
				for (const char *p = label; *p; p++)
					valid = valid && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-');
				if (!valid || who->label_count == LANTERND_MAX_PARTITIONS) {
					snprintf(reason, reason_size, "the %s header holds a bad access label", config->trusted_header);
					return 400;
				}
				who->labels[who->label_count++] = label;
			}
			if (who->label_count == 0)
				set_labels(who, config->partitions, config->partition_count);
			who->name = "proxy";
		}
		/* From anyone else the header is ignored: anonymous access. */
	}
	return 0;
}

static json_t *access_json(const identity *who)
{
	json_t *labels = json_array();
	for (size_t i = 0; i < who->label_count; i++)
		json_array_append_new(labels, json_string(who->labels[i]));
	return json_pack("{s:s, s:o}", "identity", who->name, "labels", labels);
}

/* ------------------------------------------------------------------ endpoints */

static enum MHD_Result handle_search(lanternd_server *server, struct MHD_Connection *connection,
                                     request_context *context, const site *current, const char *related)
{
	parsed_request parsed;
	char reason[200];
	if (!parse_search_parameters(context, &parsed, related == NULL, reason, sizeof(reason)))
		return send_problem(connection, context, current, 400, reason);
	parsed.request.related_id = related;
	parsed.request.highlight = LANTERN_HIGHLIGHT_HTML;
	lantern_status status;
	lantern_engine *engine = engine_for(server, current, &context->who, &status);
	if (!engine)
		return send_engine_error(connection, context, current, status);
	json_t *response = NULL;
	status = lantern_engine_search(engine, &parsed.request, &response);
	if (status != LANTERN_OK)
		return send_engine_error(connection, context, current, status);
	json_object_set_new(response, "access", access_json(&context->who));
	return send_json(connection, context, current, 200, response);
}

static enum MHD_Result handle_suggest(lanternd_server *server, struct MHD_Connection *connection,
                                      request_context *context, const site *current)
{
	const char *query = "", *format = "json";
	size_t limit = 8;
	for (size_t i = 0; i < context->parameter_count; i++) {
		const char *key = context->parameters[i].key, *value = context->parameters[i].value;
		bool repeated = false;
		single_parameter(context, key, &repeated);
		if (repeated)
			return send_problem(connection, context, current, 400, "a parameter is given more than once");
		if (strcmp(key, "q") == 0)
			query = value;
		else if (strcmp(key, "format") == 0 && (strcmp(value, "json") == 0 || strcmp(value, "opensearch") == 0))
			format = value;
		else if (strcmp(key, "limit") == 0 && parse_count(value, SUGGEST_MAX_LIMIT, &limit))
			;
		else {
			char reason[120];
			snprintf(reason, sizeof(reason), "bad parameter '%.40s' (suggest takes q, limit up to %d, format)",
			         key, SUGGEST_MAX_LIMIT);
			return send_problem(connection, context, current, 400, reason);
		}
	}
	json_t *titles = json_array();
	json_t *suggestions = json_array();
	bool blank = true;
	for (const char *p = query; *p; p++)
		blank = blank && (*p == ' ' || *p == '\t');
	if (!blank && limit > 0) {
		lantern_status status;
		lantern_engine *engine = engine_for(server, current, &context->who, &status);
		if (!engine) {
			json_decref(titles);
			json_decref(suggestions);
			return send_engine_error(connection, context, current, status);
		}
		lantern_search_request request = LANTERN_SEARCH_REQUEST_INIT;
		request.query = query;
		request.partial = true;
		request.titles_only = true;
		request.spelling = false;
		request.limit = limit;
		request.all_words = true;
		json_t *response = NULL;
		status = lantern_engine_search(engine, &request, &response);
		if (status != LANTERN_OK) {
			json_decref(titles);
			json_decref(suggestions);
			/* Half-typed queries are often unparsable; that is "no suggestions". */
			if (status == LANTERN_ERROR_QUERY_PARSER)
				return send_json(connection, context, current, 200,
				                 strcmp(format, "opensearch") == 0 ? json_pack("[s,[]]", query)
				                                                   : json_pack("{s:s,s:[]}", "query", query, "suggestions"));
			return send_engine_error(connection, context, current, status);
		}
		size_t index;
		json_t *hit;
		json_array_foreach(json_object_get(response, "hits"), index, hit) {
			json_array_append(titles, json_object_get(hit, "title"));
			json_array_append_new(suggestions, json_pack("{s:O, s:O, s:O, s:O}", "id", json_object_get(hit, "id"),
			                                             "title", json_object_get(hit, "title"),
			                                             "type", json_object_get(hit, "type"),
			                                             "url", json_object_get(hit, "url")));
		}
		json_decref(response);
	}
	if (strcmp(format, "opensearch") == 0) {
		json_decref(suggestions);
		return send_json(connection, context, current, 200, json_pack("[s,o]", query, titles));
	}
	json_decref(titles);
	return send_json(connection, context, current, 200,
	                 json_pack("{s:s, s:o}", "query", query, "suggestions", suggestions));
}

static enum MHD_Result handle_document(lanternd_server *server, struct MHD_Connection *connection,
                                       request_context *context, const site *current, const char *id)
{
	if (context->parameter_count)
		return send_problem(connection, context, current, 400, "/api/doc takes no parameters");
	lantern_status status;
	lantern_engine *engine = engine_for(server, current, &context->who, &status);
	if (!engine)
		return send_engine_error(connection, context, current, status);
	json_t *document = NULL;
	status = lantern_engine_document(engine, id, &document);
	if (status == LANTERN_ERROR_NOT_FOUND)
		return send_problem(connection, context, current, 404, "no such resource");
	if (status != LANTERN_OK)
		return send_engine_error(connection, context, current, status);
	return send_json(connection, context, current, 200, document);
}

static enum MHD_Result handle_facets(lanternd_server *server, struct MHD_Connection *connection,
                                     request_context *context, const site *current)
{
	if (context->parameter_count)
		return send_problem(connection, context, current, 400, "/api/facets takes no parameters");
	lantern_status status;
	lantern_engine *engine = engine_for(server, current, &context->who, &status);
	if (!engine)
		return send_engine_error(connection, context, current, status);
	json_t *facets = NULL;
	status = lantern_engine_facets(engine, &facets);
	if (status != LANTERN_OK)
		return send_engine_error(connection, context, current, status);
	return send_json(connection, context, current, 200, facets);
}

/* Admins see every partition's figures; everyone else only the total of
 * what they may search (per-partition figures would tell an anonymous
 * caller how much it cannot see). */
static json_t *caller_stats(lanternd_server *server, const site *current, const identity *who,
                            json_t **all_partitions, lantern_status *status)
{
	*all_partitions = NULL;
	lantern_engine *engine = engine_for(server, current, who, status);
	json_t *stats = NULL;
	if (engine)
		*status = lantern_engine_stats(engine, &stats);
	if (*status != LANTERN_OK)
		return NULL;
	if (who->admin) {
		lantern_status every_status;
		lantern_engine *every = engine_over(server, current, NULL, 0, &every_status);
		json_t *every_stats = NULL;
		if (every && lantern_engine_stats(every, &every_stats) == LANTERN_OK) {
			*all_partitions = json_incref(json_object_get(every_stats, "partitions"));
			json_decref(every_stats);
		}
	}
	return stats;
}

static enum MHD_Result handle_health(lanternd_server *server, struct MHD_Connection *connection,
                                     request_context *context, const site *current)
{
	lantern_status status;
	json_t *partitions = NULL;
	json_t *stats = caller_stats(server, current, &context->who, &partitions, &status);
	if (!stats)
		return send_json(connection, context, current, 503,
		                 json_pack("{s:s, s:s}", "status", "unavailable", "detail", "the index cannot be opened"));
	json_t *body = json_pack("{s:s, s:O, s:O, s:s}", "status", "ok", "documents",
	                         json_object_get(stats, "documents"), "generation",
	                         json_object_get(stats, "generation"), "version", LANTERN_VERSION);
	if (partitions)
		json_object_set_new(body, "partitions", partitions);
	json_t *shards = json_object_get(stats, "shards");
	if (shards) {
		json_object_set(body, "shards", shards);
		if (json_array_size(json_object_get(shards, "unavailable")))
			json_object_set_new(body, "status", json_string("degraded"));
	}
	json_decref(stats);
	return send_json(connection, context, current, 200, body);
}

static enum MHD_Result handle_metrics(lanternd_server *server, struct MHD_Connection *connection,
                                      request_context *context, const site *current)
{
	lantern_status status;
	json_t *partitions = NULL;
	json_t *stats = caller_stats(server, current, &context->who, &partitions, &status);
	long long documents = stats ? (long long)json_integer_value(json_object_get(stats, "documents")) : -1;
	lantern_buffer out = LANTERN_BUFFER_INIT(0);
	lanternd_metrics_render(&out, documents, LANTERN_VERSION);
	json_t *shards = json_object_get(stats, "shards");
	if (shards) {
		lantern_buffer_printf(&out,
			"# HELP lantern_shards Remote shards by state.\n"
			"# TYPE lantern_shards gauge\n"
			"lantern_shards{state=\"available\"} %zu\n"
			"lantern_shards{state=\"unavailable\"} %zu\n",
			json_array_size(json_object_get(shards, "available")),
			json_array_size(json_object_get(shards, "unavailable")));
	}
	json_decref(stats);
	if (partitions) {
		lantern_buffer_append_string(&out,
			"# HELP lantern_partition_documents Documents per index partition (admin only).\n"
			"# TYPE lantern_partition_documents gauge\n");
		const char *label;
		json_t *figures;
		json_object_foreach(partitions, label, figures)
			lantern_buffer_printf(&out, "lantern_partition_documents{partition=\"%s\"} %lld\n", label,
			                      (long long)json_integer_value(json_object_get(figures, "documents")));
		json_decref(partitions);
	}
	enum MHD_Result result = send_buffer(connection, context, current, 200,
	                                     "text/plain; version=0.0.4; charset=utf-8",
	                                     out.data ? out.data : "", out.length, NULL);
	lantern_buffer_dispose(&out);
	return result;
}

static void xml_escape(lantern_buffer *out, const char *text)
{
	for (const char *p = text; *p; p++) {
		switch (*p) {
		case '<': lantern_buffer_append_string(out, "&lt;"); break;
		case '>': lantern_buffer_append_string(out, "&gt;"); break;
		case '&': lantern_buffer_append_string(out, "&amp;"); break;
		case '"': lantern_buffer_append_string(out, "&quot;"); break;
		case '\'': lantern_buffer_append_string(out, "&apos;"); break;
		default:
			if ((unsigned char)*p >= 0x20)
				lantern_buffer_append_char(out, *p);
		}
	}
}

static enum MHD_Result handle_opensearch(struct MHD_Connection *connection, request_context *context,
                                         const site *current)
{
	char base[512];
	if (current->config->base_url) {
		snprintf(base, sizeof(base), "%s", current->config->base_url);
	} else {
		const char *host = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Host");
		bool host_ok = host && strlen(host) < 256;
		for (const char *p = host_ok ? host : ""; *p; p++)
			host_ok = host_ok && (isalnum((unsigned char)*p) || strchr(".-:[]", *p));
		snprintf(base, sizeof(base), "http://%s", host_ok ? host : "127.0.0.1");
	}
	size_t length = strlen(base);
	while (length && base[length - 1] == '/')
		base[--length] = '\0';
	lantern_buffer out = LANTERN_BUFFER_INIT(0);
	lantern_buffer_append_string(&out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<OpenSearchDescription xmlns=\"http://a9.com/-/spec/opensearch/1.1/\">\n"
		"  <ShortName>Lantern</ShortName>\n"
		"  <Description>Resource library on child sex trafficking</Description>\n"
		"  <InputEncoding>UTF-8</InputEncoding>\n"
		"  <Url type=\"text/html\" method=\"get\" template=\"");
	xml_escape(&out, base);
	lantern_buffer_append_string(&out, "/?q={searchTerms}\"/>\n"
		"  <Url type=\"application/x-suggestions+json\" method=\"get\" template=\"");
	xml_escape(&out, base);
	lantern_buffer_append_string(&out, "/api/suggest?format=opensearch&amp;q={searchTerms}\"/>\n"
		"  <Url type=\"application/opensearchdescription+xml\" rel=\"self\" template=\"");
	xml_escape(&out, base);
	lantern_buffer_append_string(&out, "/opensearch.xml\"/>\n</OpenSearchDescription>\n");
	enum MHD_Result result = send_buffer(connection, context, current, 200,
	                                     "application/opensearchdescription+xml; charset=utf-8",
	                                     out.data, out.length, "public, max-age=3600");
	lantern_buffer_dispose(&out);
	return result;
}

static enum MHD_Result handle_asset(struct MHD_Connection *connection, request_context *context,
                                    const site *current, const char *name)
{
	const asset *item = site_asset(current, name);
	if (!item)
		return send_problem(connection, context, current, 404, "no such page");
	return send_buffer(connection, context, current, 200, item->content_type, item->data, item->size,
	                   "no-cache");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	lanternd_server *server = cls;
	(void)version;
	(void)upload_data;
	request_context *context = *con_cls;
	if (!context)
		return MHD_NO; /* out of memory in on_uri: drop the connection */
	if (*upload_data_size) {
		/* Lantern takes no request bodies; discard without buffering. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (context->status)
		return MHD_YES; /* already answered */
	/* Lantern takes no request bodies: a declared one over 64 KiB is refused
	 * at once, before anything waits for it. */
	const char *declared = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Content-Length");
	bool readable = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 || strcmp(method, "OPTIONS") == 0;
	if (!context->seen && readable && declared && strtoull(declared, NULL, 10) > 64 * 1024)
		return send_problem(connection, context, atomic_load(&server->current), 413,
		                    "request bodies are not accepted");
	if (!context->seen && (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ||
	                       strcmp(method, "OPTIONS") == 0)) {
		/* Answer on the next call, once the whole request is in: a response
		 * queued from the first call makes libmicrohttpd close the
		 * connection (no keep-alive). Other methods get 405 at once. */
		context->seen = true;
		return MHD_YES;
	}
	site *current = atomic_load(&server->current);

	if (context->uri_length > current->config->max_uri_bytes) {
		char detail[96];
		snprintf(detail, sizeof(detail), "the request URI is over %zu bytes", current->config->max_uri_bytes);
		return send_problem(connection, context, current, 414, detail);
	}
	if (strcmp(method, "OPTIONS") == 0) {
		struct MHD_Response *response = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		if (!response)
			return MHD_NO;
		add_common_headers(response, current, connection);
		MHD_add_response_header(response, "Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
		MHD_add_response_header(response, "Access-Control-Allow-Headers", "Authorization, Content-Type");
		MHD_add_response_header(response, "Access-Control-Max-Age", "600");
		MHD_add_response_header(response, "Allow", "GET, HEAD, OPTIONS");
		context->status = 204;
		enum MHD_Result result = MHD_queue_response(connection, 204, response);
		MHD_destroy_response(response);
		return result;
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return send_problem(connection, context, current, 405, "only GET, HEAD and OPTIONS are supported");

	MHD_get_connection_values_n(connection, MHD_GET_ARGUMENT_KIND, collect_parameter, context);
	if (context->parameters_bad)
		return send_problem(connection, context, current, 400, context->bad_reason);
	size_t bad;
	if (!lantern_utf8_validate(url, strlen(url), &bad))
		return send_problem(connection, context, current, 400, "the path is not valid UTF-8");
	char reason[160];
	unsigned refused = resolve_identity(connection, current, &context->who, reason, sizeof(reason));
	if (refused)
		return send_problem(connection, context, current, refused, reason);

	if (strcmp(url, "/api/search") == 0) {
		context->endpoint = ENDPOINT_SEARCH;
		return handle_search(server, connection, context, current, NULL);
	}
	if (strcmp(url, "/api/suggest") == 0) {
		context->endpoint = ENDPOINT_SUGGEST;
		return handle_suggest(server, connection, context, current);
	}
	if (strncmp(url, "/api/doc/", 9) == 0 && url[9]) {
		context->endpoint = ENDPOINT_DOC;
		return handle_document(server, connection, context, current, url + 9);
	}
	if (strncmp(url, "/api/related/", 13) == 0 && url[13]) {
		context->endpoint = ENDPOINT_RELATED;
		return handle_search(server, connection, context, current, url + 13);
	}
	if (strcmp(url, "/api/facets") == 0) {
		context->endpoint = ENDPOINT_FACETS;
		return handle_facets(server, connection, context, current);
	}
	if (strcmp(url, "/healthz") == 0) {
		context->endpoint = ENDPOINT_HEALTHZ;
		return handle_health(server, connection, context, current);
	}
	if (strcmp(url, "/metrics") == 0) {
		context->endpoint = ENDPOINT_METRICS;
		return handle_metrics(server, connection, context, current);
	}
	if (strcmp(url, "/opensearch.xml") == 0) {
		context->endpoint = ENDPOINT_OPENSEARCH;
		return handle_opensearch(connection, context, current);
	}
	if (strcmp(url, "/") == 0 || strcmp(url, "/index.html") == 0) {
		context->endpoint = ENDPOINT_PAGE;
		return handle_asset(connection, context, current, "index.html");
	}
	if (strncmp(url, "/assets/", 8) == 0 && !strchr(url + 8, '/')) {
		context->endpoint = ENDPOINT_ASSET;
		return handle_asset(connection, context, current, url + 8);
	}
	return send_problem(connection, context, current, 404, "no such endpoint");
}

/* ------------------------------------------------------------------ lifecycle */

static site *site_new(lanternd_config *config, unsigned generation)
{
	site *created = calloc(1, sizeof(*created));
	if (!created)
		return NULL;
	created->config = config;
	created->generation = generation;
	site_load_assets(created);
	return created;
}

unsigned lanternd_server_port(const lanternd_server *server)
{
	return server->port;
}

lantern_status lanternd_server_start(lanternd_server **out, lanternd_config *config)
{
	*out = NULL;
	lanternd_server *server = calloc(1, sizeof(*server));
	site *initial = server ? site_new(config, 1) : NULL;
	if (!initial) {
		free(server);
		lanternd_config_free(config);
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "server");
	}
	pthread_mutex_init(&server->lock, NULL);
	atomic_store(&server->current, initial);

	struct addrinfo hints, *address = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	char port[16];
	snprintf(port, sizeof(port), "%u", config->listen_port);
	int resolved = getaddrinfo(config->listen_address, port, &hints, &address);
	if (resolved != 0) {
		lantern_status status = lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT,
		                                          "cannot listen on %s: %s (give a numeric address)",
		                                          config->listen_address, gai_strerror(resolved));
		site_free(initial);
		free(server);
		return status;
	}
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned threads = config->threads ? config->threads : (unsigned)(cores > 0 ? cores : 1);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (address->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	server->daemon = MHD_start_daemon(
		flags, (uint16_t)config->listen_port, NULL, NULL, on_request, server,
		MHD_OPTION_SOCK_ADDR, address->ai_addr,
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_TIMEOUT, config->connection_timeout,
		MHD_OPTION_CONNECTION_LIMIT, config->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, config->max_connections_per_ip,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, config->max_header_bytes,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, server,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, server,
		MHD_OPTION_END);
	freeaddrinfo(address);
	if (!server->daemon) {
		lantern_status status = lantern_error_set(LANTERN_ERROR_IO, "cannot listen on %s:%u (in use, or not allowed)",
		                                          config->listen_address, config->listen_port);
		site_free(initial);
		pthread_mutex_destroy(&server->lock);
		free(server);
		return status;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(server->daemon, MHD_DAEMON_INFO_BIND_PORT);
	server->port = info ? info->port : config->listen_port;
	*out = server;
	return LANTERN_OK;
}

static bool same_string(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool lanternd_server_reconfigure(lanternd_server *server, lanternd_config *config)
{
	pthread_mutex_lock(&server->lock);
	site *previous = atomic_load(&server->current);
	site *next = site_new(config, previous->generation + 1);
	if (!next) {
		pthread_mutex_unlock(&server->lock);
		lanternd_config_free(config);
		return false;
	}
	next->older = previous;
	atomic_store(&server->current, next);
	pthread_mutex_unlock(&server->lock);
	const lanternd_config *old = previous->config;
	return !same_string(old->listen_address, config->listen_address) ||
	       old->listen_port != config->listen_port || old->threads != config->threads ||
	       old->connection_timeout != config->connection_timeout ||
	       old->max_connections != config->max_connections ||
	       old->max_connections_per_ip != config->max_connections_per_ip ||
	       old->max_header_bytes != config->max_header_bytes;
}

void lanternd_server_stop(lanternd_server *server, unsigned grace_seconds)
{
	if (!server)
		return;
	MHD_socket listener = MHD_quiesce_daemon(server->daemon);
	double deadline = now_seconds() + grace_seconds;
	/* Wait for requests in progress, not for idle keep-alive connections
	 * (a proxy keeps some open forever). */
	while (now_seconds() < deadline) {
		if (atomic_load(&server->in_flight) <= 0)
			break;
		struct timespec pause = { 0, 20 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	}
	MHD_stop_daemon(server->daemon);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	thread_engine *engine = server->engines;
	while (engine) {
		thread_engine *next = engine->next;
		for (size_t i = 0; i < ENGINES_PER_THREAD; i++)
			lantern_engine_close(engine->entries[i].engine);
		free(engine);
		engine = next;
	}
	site_free(atomic_load(&server->current));
	pthread_mutex_destroy(&server->lock);
	free(server);
}
