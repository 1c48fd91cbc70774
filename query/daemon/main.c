/*
 * main.c - lanternd: flags, configuration, signals.
 *
 * The main thread blocks SIGHUP, SIGTERM and SIGINT before the server
 * starts (so every pool thread inherits the mask) and then waits for them
 * with sigwait(): SIGHUP reloads the configuration (an invalid one is
 * rejected and the running one kept), SIGTERM/SIGINT drain and exit.
 */
#include "config.h"
#include "server.h"

#include "lantern/diagnostics.h"
#include "lantern/status.h"

#include <getopt.h>
#include <nettle/sha2.h>
#include <sys/random.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef LANTERN_VERSION
#define LANTERN_VERSION "0"
#endif

enum { EXIT_OK = 0, EXIT_FAILURE_RUNTIME = 1, EXIT_USAGE = 2, EXIT_CONFIGURATION = 3 };

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: lanternd [--config FILE] [--index DIR] [--listen ADDR:PORT] [--check-config]\n"
	        "\n"
	        "Serve a Lantern index over HTTP: the JSON API under /api/, the search page at /,\n"
	        "/opensearch.xml, /healthz and /metrics. Listens on 127.0.0.1:8080 by default.\n"
	        "\n"
	        "  --config FILE     YAML settings (docs/operations.md); flags override the file\n"
	        "  --index DIR       the index (default: $LANTERN_INDEX, else the build tree's index)\n"
	        "  --listen ADDR:PORT  address to listen on (numeric; [::1]:8080 for IPv6)\n"
	        "  --check-config    validate the configuration and exit (0 valid, 3 invalid)\n"
	        "  --new-token       print a new random API token and the sha256 line for the config\n"
	        "  --hash-token      read a token on standard input, print its sha256 for the config\n"
	        "  --help, --version\n"
	        "\n"
	        "Signals: SIGHUP reloads the configuration; SIGTERM finishes the requests in\n"
	        "flight and exits. Exit status: 0 clean stop, 1 cannot serve, 2 usage, 3 bad configuration.\n");
}

typedef struct overrides {
	const char *index;
	const char *listen;
} overrides;

static void print_diagnostics(const lantern_diagnostics *diagnostics)
{
	for (size_t i = 0; i < diagnostics->count; i++) {
		char *line = lantern_diagnostic_format(&diagnostics->items[i]);
		if (line)
			fprintf(stderr, "%s\n", line);
		free(line);
	}
}

/* Loads the file and applies the flags; prints problems. */
static lanternd_config *load(const char *path, const overrides *flags)
{
	lantern_diagnostics diagnostics = LANTERN_DIAGNOSTICS_INIT;
	lanternd_config *config = NULL;
	lantern_status status = lanternd_config_load(&config, path, &diagnostics);
	print_diagnostics(&diagnostics);
	lantern_diagnostics_clear(&diagnostics);
	if (status != LANTERN_OK) {
		if (status != LANTERN_ERROR_PARSE)
			fprintf(stderr, "lanternd: %s\n", lantern_error_detail());
		return NULL;
	}
	if (flags->index && lanternd_config_set_string(&config->index, flags->index) != LANTERN_OK) {
		lanternd_config_free(config);
		return NULL;
	}
	if (flags->listen && lanternd_config_set_listen(config, flags->listen) != LANTERN_OK) {
		fprintf(stderr, "lanternd: %s\n", lantern_error_detail());
		lanternd_config_free(config);
		return NULL;
	}
	return config;
}

static void print_digest(const char *token)
{
	unsigned char digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx hash;
	sha256_init(&hash);
	sha256_update(&hash, strlen(token), (const uint8_t *)token);
	sha256_digest(&hash, SHA256_DIGEST_SIZE, digest);
	printf("sha256: ");
	for (int i = 0; i < SHA256_DIGEST_SIZE; i++)
		printf("%02x", digest[i]);
	printf("\n");
}

/* 32 random bytes, base64url without padding (43 characters). */
static int new_token(void)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char bytes[33];
	if (getrandom(bytes, 32, 0) != 32) {
		fprintf(stderr, "lanternd: no randomness available\n");
		return EXIT_FAILURE_RUNTIME;
	}
	bytes[32] = 0;
	char token[45];
	size_t used = 0;
	for (size_t i = 0; i < 32; i += 3) {
		unsigned value = (unsigned)bytes[i] << 16 | (unsigned)bytes[i + 1] << 8 | (i + 2 < 32 ? bytes[i + 2] : 0);
		token[used++] = alphabet[(value >> 18) & 63];
		token[used++] = alphabet[(value >> 12) & 63];
		token[used++] = alphabet[(value >> 6) & 63];
		if (i + 2 < 32)
			token[used++] = alphabet[value & 63];
	}
	token[used] = '\0';
	printf("token:  %s\n", token);
	print_digest(token);
	return EXIT_OK;
}

static int hash_token(void)
{
	char line[512];
	if (!fgets(line, sizeof(line), stdin)) {
		fprintf(stderr, "lanternd: no token on standard input\n");
		return EXIT_USAGE;
	}
	line[strcspn(line, "\r\n")] = '\0';
	print_digest(line);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	enum { OPT_CONFIG = 256, OPT_INDEX, OPT_LISTEN, OPT_CHECK, OPT_HELP, OPT_VERSION, OPT_NEW_TOKEN,
	       OPT_HASH_TOKEN };
	static const struct option long_options[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "check-config", no_argument, NULL, OPT_CHECK },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "new-token", no_argument, NULL, OPT_NEW_TOKEN },
		{ "hash-token", no_argument, NULL, OPT_HASH_TOKEN },
		{ NULL, 0, NULL, 0 },
	};
	const char *config_path = NULL;
	overrides flags = { NULL, NULL };
	bool check_only = false;
	int option;
	opterr = 0;
	while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (option) {
		case OPT_CONFIG: config_path = optarg; break;
		case OPT_INDEX: flags.index = optarg; break;
		case OPT_LISTEN: flags.listen = optarg; break;
		case OPT_CHECK: check_only = true; break;
		case OPT_HELP: usage(stdout); return EXIT_OK;
		case OPT_VERSION: printf("lanternd %s\n", LANTERN_VERSION); return EXIT_OK;
		case OPT_NEW_TOKEN: return new_token();
		case OPT_HASH_TOKEN: return hash_token();
		default:
			fprintf(stderr, "lanternd: unknown or incomplete option '%s'\nTry 'lanternd --help'.\n",
			        argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lanternd: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	lanternd_config *config = load(config_path, &flags);
	if (!config)
		return EXIT_CONFIGURATION;
	if (check_only) {
		printf("lanternd: configuration is valid (listen %s:%u, index %s)\n", config->listen_address,
		       config->listen_port, config->index);
		lanternd_config_free(config);
		return EXIT_OK;
	}

	sigset_t signals;
	sigemptyset(&signals);
	sigaddset(&signals, SIGHUP);
	sigaddset(&signals, SIGTERM);
	sigaddset(&signals, SIGINT);
	pthread_sigmask(SIG_BLOCK, &signals, NULL);
	signal(SIGPIPE, SIG_IGN);

	char listen_text[300];
	snprintf(listen_text, sizeof(listen_text), "%s%s%s:%u", strchr(config->listen_address, ':') ? "[" : "",
	         config->listen_address, strchr(config->listen_address, ':') ? "]" : "", config->listen_port);
	lanternd_server *server = NULL;
	lantern_status status = lanternd_server_start(&server, config);
	if (status != LANTERN_OK) {
		fprintf(stderr, "lanternd: %s\n", lantern_error_detail());
		return EXIT_FAILURE_RUNTIME;
	}
	printf("lanternd: serving http://%s/\n", listen_text);
	fflush(stdout);

	for (;;) {
		int received = 0;
		if (sigwait(&signals, &received) != 0)
			continue;
		if (received == SIGHUP) {
			lanternd_config *fresh = load(config_path, &flags);
			if (!fresh) {
				fprintf(stderr, "lanternd: configuration rejected; still running with the previous one\n");
				continue;
			}
			if (lanternd_server_reconfigure(server, fresh))
				fprintf(stderr, "lanternd: configuration reloaded; listen address, threads and "
				                "connection limits change only at restart\n");
			else
				fprintf(stderr, "lanternd: configuration reloaded\n");
			continue;
		}
		fprintf(stderr, "lanternd: stopping (finishing requests in flight)\n");
		lanternd_server_stop(server, 10);
		return EXIT_OK;
	}
}
