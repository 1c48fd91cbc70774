/*
 * config.c - parsing lanternd's YAML configuration (docs/operations.md).
 */
#include "config.h"

#include "common/buffer.h"
#include "common/error.h"
#include "corpus/yaml_tree.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LANTERN_DEFAULT_INDEX
#define LANTERN_DEFAULT_INDEX "build/index"
#endif
#ifndef LANTERN_DEFAULT_ASSETS
#define LANTERN_DEFAULT_ASSETS "query/web"
#endif

#define CONFIG_MAX_BYTES (256 * 1024)

lantern_status lanternd_config_set_string(char **field, const char *value)
{
	char *copy = strdup(value);
	if (!copy)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "config");
	free(*field);
	*field = copy;
	return LANTERN_OK;
}

lantern_status lanternd_config_set_listen(lanternd_config *config, const char *text)
{
	const char *colon = strrchr(text, ':');
	if (!colon || colon == text)
		return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT,
		                         "listen address '%s' is not ADDR:PORT", text);
	char *end = NULL;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT, "bad port in '%s'", text);
	const char *host = text;
	size_t host_length = (size_t)(colon - text);
	if (host[0] == '[' && host_length >= 2 && host[host_length - 1] == ']') {
		host++;
		host_length -= 2;
	}
	char *address = strndup(host, host_length);
	if (!address)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "config");
	free(config->listen_address);
	config->listen_address = address;
	config->listen_port = (unsigned)port;
	return LANTERN_OK;
}

void lanternd_config_free(lanternd_config *config)
{
	if (!config)
		return;
	free(config->path);
	free(config->listen_address);
	free(config->index);
	free(config->assets);
	free(config->base_url);
	for (size_t i = 0; i < config->partition_count; i++)
		free(config->partitions[i]);
	for (size_t i = 0; i < config->cors_origin_count; i++)
		free(config->cors_origins[i]);
	for (size_t t = 0; t < config->token_count; t++) {
		free(config->tokens[t].name);
		for (size_t i = 0; i < config->tokens[t].label_count; i++)
			free(config->tokens[t].labels[i]);
	}
	free(config->trusted_header);
	for (size_t i = 0; i < config->proxy_count; i++)
		free(config->proxies[i]);
	free(config);
}

static lanternd_config *config_defaults(void)
{
	lanternd_config *config = calloc(1, sizeof(*config));
	if (!config)
		return NULL;
	const char *index = getenv("LANTERN_INDEX");
	config->listen_port = 8080;
	config->connection_timeout = 15;
	config->max_connections = 512;
	config->max_connections_per_ip = 64;
	config->max_uri_bytes = 8192;
	config->max_header_bytes = 32 * 1024;
	config->access_log = false;
	config->shard_timeout_ms = 2000;
	config->shard_connect_timeout_ms = 1000;
	config->shard_partial = false;
	config->partition_count = 1;
	config->partitions[0] = strdup("public");
	config->listen_address = strdup("127.0.0.1");
	config->index = strdup(index && index[0] ? index : LANTERN_DEFAULT_INDEX);
	config->assets = strdup(LANTERN_DEFAULT_ASSETS);
	if (!config->partitions[0] || !config->listen_address || !config->index || !config->assets) {
		lanternd_config_free(config);
		return NULL;
	}
	return config;
}

typedef struct config_reader {
	const char *path;
	lantern_diagnostics *diagnostics;
	size_t errors;
} config_reader;

static void problem(config_reader *reader, const lantern_yaml_node *node, const char *message,
                    const char *key)
{
	reader->errors++;
	lantern_diagnostics_add(reader->diagnostics, LANTERN_SEVERITY_ERROR, reader->path, node->line,
	                        node->column, "%s: %s", key, message);
}

static const char *scalar(config_reader *reader, const lantern_yaml_node *node, const char *key)
{
	if (node->kind != LANTERN_YAML_SCALAR) {
		problem(reader, node, "expected a single value", key);
		return NULL;
	}
	return node->text;
}

static bool read_unsigned(config_reader *reader, const lantern_yaml_node *node, const char *key,
                          unsigned long low, unsigned long high, unsigned long *out)
{
	const char *text = scalar(reader, node, key);
	if (!text)
		return false;
	char *end = NULL;
	unsigned long value = strtoul(text, &end, 10);
	if (!text[0] || *end || text[0] == '-' || value < low || value > high) {
		char message[96];
		snprintf(message, sizeof(message), "expected a whole number from %lu to %lu", low, high);
		problem(reader, node, message, key);
		return false;
	}
	*out = value;
	return true;
}

/* Reads a list of words (or a single word) into `items`. */
static void read_list(config_reader *reader, const lantern_yaml_node *node, const char *key,
                      char **items, size_t *count, size_t capacity)
{
	size_t n = node->kind == LANTERN_YAML_SEQUENCE ? node->count : 1;
	if (node->kind == LANTERN_YAML_MAPPING || n > capacity) {
		problem(reader, node, node->kind == LANTERN_YAML_MAPPING ? "expected a list" : "too many values", key);
		return;
	}
	for (size_t i = 0; i < *count; i++)
		free(items[i]);
	*count = 0;
	for (size_t i = 0; i < n; i++) {
		const lantern_yaml_node *item = node->kind == LANTERN_YAML_SEQUENCE ? node->children[i] : node;
		const char *text = scalar(reader, item, key);
		if (!text || !text[0])
			continue;
		items[*count] = strdup(text);
		if (items[*count])
			(*count)++;
	}
}

static bool valid_label(const char *label)
{
	if (!label[0])
		return false;
	for (const char *p = label; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}


static int hex_value(char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

/* "YYYY-MM-DD": the token works until the end of that day (UTC). */
static bool parse_expiry(const char *text, long long *out)
{
	int year, month, day;
	char tail;
	if (sscanf(text, "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3 || month < 1 || month > 12 ||
	    day < 1 || day > 31)
		return false;
	/* Days since 1970-01-01 (civil calendar, proleptic Gregorian). */
	int y = year - (month <= 2);
	int era = (y >= 0 ? y : y - 399) / 400;
	int year_of_era = y - era * 400;
	int day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	long long days = (long long)era * 146097 + day_of_era - 719468;
	*out = (days + 1) * 86400;
	return true;
}

static void read_tokens(config_reader *reader, lanternd_config *config, const lantern_yaml_node *node)
{
	if (node->kind != LANTERN_YAML_SEQUENCE) {
		problem(reader, node, "expected a list of {name, sha256, labels}", "tokens");
		return;
	}
	for (size_t i = 0; i < node->count; i++) {
		const lantern_yaml_node *item = node->children[i];
		if (item->kind != LANTERN_YAML_MAPPING) {
			problem(reader, item, "each token is a mapping with name, sha256 and labels", "tokens");
			continue;
		}
		if (config->token_count == LANTERND_MAX_TOKENS) {
			problem(reader, item, "too many tokens", "tokens");
			return;
		}
		lanternd_token *token = &config->tokens[config->token_count];
		memset(token, 0, sizeof(*token));
		bool have_digest = false, ok = true;
		for (size_t k = 0; k + 1 < item->count; k += 2) {
			const char *key = item->children[k]->text;
			const lantern_yaml_node *value = item->children[k + 1];
			const char *word;
			if (strcmp(key, "name") == 0) {
				if ((word = scalar(reader, value, "tokens.name")))
					lanternd_config_set_string(&token->name, word);
			} else if (strcmp(key, "sha256") == 0) {
				word = scalar(reader, value, "tokens.sha256");
				if (!word || strlen(word) != 64) {
					if (word)
						problem(reader, value, "expected 64 hex digits (lanternd --hash-token prints them)", "tokens.sha256");
					ok = false;
					continue;
				}
				for (int b = 0; b < 32 && ok; b++) {
					int high = hex_value(word[2 * b]), low = hex_value(word[2 * b + 1]);
					if (high < 0 || low < 0) {
						problem(reader, value, "expected 64 hex digits", "tokens.sha256");
						ok = false;
					}
					token->digest[b] = (unsigned char)(high * 16 + low);
				}
				have_digest = ok;
			} else if (strcmp(key, "labels") == 0) {
				read_list(reader, value, "tokens.labels", token->labels, &token->label_count,
				          LANTERND_MAX_PARTITIONS);
				for (size_t l = 0; l < token->label_count; l++)
					if (!valid_label(token->labels[l])) {
						problem(reader, value, "labels are lowercase letters, digits and hyphens", "tokens.labels");
						ok = false;
					}
			} else if (strcmp(key, "admin") == 0) {
				if ((word = scalar(reader, value, "tokens.admin")))
					token->admin = strcmp(word, "true") == 0 || strcmp(word, "yes") == 0;
			} else if (strcmp(key, "expires") == 0) {
				if ((word = scalar(reader, value, "tokens.expires")) && !parse_expiry(word, &token->expires)) {
					problem(reader, value, "expected a date YYYY-MM-DD", "tokens.expires");
					ok = false;
				}
			} else {
				problem(reader, item->children[k], "unknown token setting", key);
				ok = false;
			}
		}
		if (!have_digest && ok)
			problem(reader, item, "a token needs sha256", "tokens");
		if (!token->name)
			lanternd_config_set_string(&token->name, "token");
		config->token_count++;
	}
}

static void read_trusted_header(config_reader *reader, lanternd_config *config,
                                const lantern_yaml_node *node)
{
	if (node->kind != LANTERN_YAML_MAPPING) {
		problem(reader, node, "expected {name: HEADER, proxies: [ADDRESS, ...]}", "trusted_header");
		return;
	}
	for (size_t k = 0; k + 1 < node->count; k += 2) {
		const char *key = node->children[k]->text;
		const lantern_yaml_node *value = node->children[k + 1];
		const char *word;
		if (strcmp(key, "name") == 0) {
			if ((word = scalar(reader, value, "trusted_header.name"))) {
				bool valid = word[0] != '\0';
				for (const char *p = word; *p; p++)
					valid = valid && (isalnum((unsigned char)*p) || *p == '-');
				if (!valid)
					problem(reader, value, "a header name is letters, digits and hyphens", "trusted_header.name");
				else
					lanternd_config_set_string(&config->trusted_header, word);
			}
		} else if (strcmp(key, "proxies") == 0) {
			read_list(reader, value, "trusted_header.proxies", config->proxies, &config->proxy_count,
			          LANTERND_MAX_PROXIES);
		} else {
			problem(reader, node->children[k], "unknown setting", "trusted_header");
		}
	}
	if (config->trusted_header && config->proxy_count == 0)
		problem(reader, node, "list the proxy addresses allowed to set the header", "trusted_header.proxies");
}

lantern_status lanternd_config_load(lanternd_config **out, const char *path,
                                    lantern_diagnostics *diagnostics)
{
	*out = NULL;
	lanternd_config *config = config_defaults();
	if (!config)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "config");
	if (!path) {
		*out = config;
		return LANTERN_OK;
	}
	char *text = NULL;
	size_t length = 0;
	lantern_status status = lantern_file_read(path, CONFIG_MAX_BYTES, &text, &length);
	if (status != LANTERN_OK) {
		lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, path, 0, 0, "cannot read: %s",
		                        lantern_error_detail());
		lanternd_config_free(config);
		return status;
	}
	lantern_yaml_node *root = NULL;
	status = lantern_yaml_parse(&root, text, length, path, 0, diagnostics);
	free(text);
	if (status != LANTERN_OK) {
		lanternd_config_free(config);
		return status;
	}
	config_reader reader = { path, diagnostics, 0 };
	lanternd_config_set_string(&config->path, path);
	if (root->kind != LANTERN_YAML_MAPPING)
		problem(&reader, root, "expected a mapping of setting: value", "config");
	for (size_t i = 0; root->kind == LANTERN_YAML_MAPPING && i + 1 < root->count; i += 2) {
		const char *key = root->children[i]->text;
		const lantern_yaml_node *value = root->children[i + 1];
		unsigned long number;
		const char *word;
		if (strcmp(key, "listen") == 0) {
			if ((word = scalar(&reader, value, key)) && lanternd_config_set_listen(config, word) != LANTERN_OK)
				problem(&reader, value, lantern_error_detail(), key);
		} else if (strcmp(key, "index") == 0) {
			if ((word = scalar(&reader, value, key)))
				lanternd_config_set_string(&config->index, word);
		} else if (strcmp(key, "assets") == 0) {
			if ((word = scalar(&reader, value, key)))
				lanternd_config_set_string(&config->assets, word);
		} else if (strcmp(key, "base_url") == 0) {
			if ((word = scalar(&reader, value, key))) {
				if (strncmp(word, "http://", 7) != 0 && strncmp(word, "https://", 8) != 0)
					problem(&reader, value, "expected an http:// or https:// URL", key);
				else
					lanternd_config_set_string(&config->base_url, word);
			}
		} else if (strcmp(key, "partitions") == 0) {
			read_list(&reader, value, key, config->partitions, &config->partition_count,
			          LANTERND_MAX_PARTITIONS);
			for (size_t p = 0; p < config->partition_count; p++)
				if (!valid_label(config->partitions[p]))
					problem(&reader, value, "labels are lowercase letters, digits and hyphens", key);
			if (config->partition_count == 0)
				problem(&reader, value, "at least one partition", key);
		} else if (strcmp(key, "cors_origins") == 0) {
			read_list(&reader, value, key, config->cors_origins, &config->cors_origin_count,
			          LANTERND_MAX_ORIGINS);
		} else if (strcmp(key, "threads") == 0) {
			if (read_unsigned(&reader, value, key, 0, 256, &number))
				config->threads = (unsigned)number;
		} else if (strcmp(key, "connection_timeout") == 0) {
			if (read_unsigned(&reader, value, key, 1, 3600, &number))
				config->connection_timeout = (unsigned)number;
		} else if (strcmp(key, "max_connections") == 0) {
			if (read_unsigned(&reader, value, key, 1, 100000, &number))
				config->max_connections = (unsigned)number;
		} else if (strcmp(key, "max_connections_per_ip") == 0) {
			if (read_unsigned(&reader, value, key, 1, 100000, &number))
				config->max_connections_per_ip = (unsigned)number;
		} else if (strcmp(key, "max_uri_bytes") == 0) {
			if (read_unsigned(&reader, value, key, 256, 1024 * 1024, &number))
				config->max_uri_bytes = number;
		} else if (strcmp(key, "max_header_bytes") == 0) {
			if (read_unsigned(&reader, value, key, 4096, 1024 * 1024, &number))
				config->max_header_bytes = number;
		} else if (strcmp(key, "access_log") == 0) {
			if ((word = scalar(&reader, value, key))) {
				if (strcmp(word, "true") == 0 || strcmp(word, "yes") == 0 || strcmp(word, "on") == 0)
					config->access_log = true;
				else if (strcmp(word, "false") == 0 || strcmp(word, "no") == 0 || strcmp(word, "off") == 0)
					config->access_log = false;
				else
					problem(&reader, value, "expected true or false", key);
			}
		} else if (strcmp(key, "shards") == 0) {
			if (value->kind != LANTERN_YAML_MAPPING) {
				problem(&reader, value, "expected {timeout_ms, connect_timeout_ms, on_failure}", key);
				continue;
			}
			for (size_t k = 0; k + 1 < value->count; k += 2) {
				const char *setting = value->children[k]->text;
				const lantern_yaml_node *item = value->children[k + 1];
				if (strcmp(setting, "timeout_ms") == 0) {
					if (read_unsigned(&reader, item, "shards.timeout_ms", 10, 600000, &number))
						config->shard_timeout_ms = (unsigned)number;
				} else if (strcmp(setting, "connect_timeout_ms") == 0) {
					if (read_unsigned(&reader, item, "shards.connect_timeout_ms", 10, 600000, &number))
						config->shard_connect_timeout_ms = (unsigned)number;
				} else if (strcmp(setting, "on_failure") == 0) {
					if ((word = scalar(&reader, item, "shards.on_failure"))) {
						if (strcmp(word, "partial") == 0)
							config->shard_partial = true;
						else if (strcmp(word, "fail") == 0)
							config->shard_partial = false;
						else
							problem(&reader, item, "expected fail (503) or partial", "shards.on_failure");
					}
				} else {
					problem(&reader, value->children[k], "unknown setting", "shards");
				}
			}
		} else if (strcmp(key, "tokens") == 0) {
			read_tokens(&reader, config, value);
		} else if (strcmp(key, "trusted_header") == 0) {
			read_trusted_header(&reader, config, value);
		} else {
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_WARNING, path, root->children[i]->line,
			                        root->children[i]->column, "unknown setting '%s' (ignored)", key);
		}
	}
	lantern_yaml_free(root);
	if (reader.errors) {
		lanternd_config_free(config);
		return lantern_error_set(LANTERN_ERROR_PARSE, "%s: invalid configuration", path);
	}
	*out = config;
	return LANTERN_OK;
}
