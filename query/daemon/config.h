/*
 * config.h - lanternd's configuration: a YAML file, then command-line flags.
 *
 * A config is immutable once loaded. SIGHUP loads a new one and, only if it
 * is valid, publishes it; requests in flight keep the one they started with.
 */
#ifndef LANTERND_CONFIG_H
#define LANTERND_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include "lantern/diagnostics.h"
#include "lantern/status.h"

#define LANTERND_MAX_ORIGINS 32
#define LANTERND_MAX_PARTITIONS 16
#define LANTERND_MAX_TOKENS 256
#define LANTERND_MAX_PROXIES 16

/* An API token: only its SHA-256 is stored (docs/security.md). */
typedef struct lanternd_token {
	char *name;                   /* for logs and the page ("analysts") */
	unsigned char digest[32];
	char *labels[LANTERND_MAX_PARTITIONS];
	size_t label_count;
	bool admin;                   /* may see per-partition figures */
	long long expires;            /* Unix time it stops working; 0: never */
} lanternd_token;

typedef struct lanternd_config {
	char *path;                  /* the file it came from, or NULL */
	char *listen_address;        /* "127.0.0.1" */
	unsigned listen_port;        /* 8080 */
	char *index;                 /* index directory */
	char *assets;                /* search page assets directory */
	char *base_url;              /* public URL for OpenSearch, or NULL: from Host */
	char *partitions[LANTERND_MAX_PARTITIONS]; /* what every caller may search */
	size_t partition_count;
	char *cors_origins[LANTERND_MAX_ORIGINS];  /* "*" allows any */
	size_t cors_origin_count;
	unsigned threads;            /* 0: one per core */
	unsigned connection_timeout; /* seconds */
	unsigned max_connections;
	unsigned max_connections_per_ip;
	size_t max_uri_bytes;        /* longer request targets get 414 */
	size_t max_header_bytes;     /* per-connection memory for headers */
	bool access_log;
	lanternd_token tokens[LANTERND_MAX_TOKENS];
	size_t token_count;
	/* A header set by the intranet's reverse proxy with the user's access
	 * labels ("public,les"); NULL: off. Honoured only from `proxies`. */
	char *trusted_header;
	char *proxies[LANTERND_MAX_PROXIES];   /* numeric addresses */
	size_t proxy_count;
	/* Remote shards (docs/scaling.md). */
	unsigned shard_timeout_ms;
	unsigned shard_connect_timeout_ms;
	bool shard_partial;            /* answer from the shards that respond (flagged) instead of 503 */
} lanternd_config;

/* Defaults, then the file (if `path` is non-NULL). Problems are reported in
 * `diagnostics` as file:line:col; LANTERN_ERROR_PARSE when any is an error. */
lantern_status lanternd_config_load(lanternd_config **out, const char *path,
                                    lantern_diagnostics *diagnostics);

/* "ADDR:PORT" (or "[v6]:PORT") into the config. */
lantern_status lanternd_config_set_listen(lanternd_config *config, const char *text);
lantern_status lanternd_config_set_string(char **field, const char *value);

void lanternd_config_free(lanternd_config *config);

#endif
