/*
 * lantern-extract.c - the isolated side of extraction.
 *
 * lantern-index runs one of these per document of an untrusted format:
 *   lantern-extract --plugin-dir DIR --plugin NAME --cpu S --memory BYTES --output BYTES -- FILE
 * It limits itself (CPU time, address space, no core files, no file writes,
 * and where the kernel lets it, no network), runs the plugin, and writes
 * frames to standard output (lib/extract/extract.c). Whatever happens in
 * here - a crash, a hang, a bomb - the parent sees one failed document.
 */
#define _GNU_SOURCE
#include "lantern/extract.h"

#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void limit(int resource, rlim_t value)
{
	struct rlimit bounds = { value, value };
	setrlimit(resource, &bounds);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "plugin-dir", required_argument, NULL, 'd' },
		{ "plugin", required_argument, NULL, 'p' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "memory", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *directory = NULL, *name = NULL;
	unsigned long cpu = 60;
	unsigned long long memory = 1ULL << 30, output = 64ULL << 20;
	int option;
	while ((option = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (option) {
		case 'd': directory = optarg; break;
		case 'p': name = optarg; break;
		case 'c': cpu = strtoul(optarg, NULL, 10); break;
		case 'm': memory = strtoull(optarg, NULL, 10); break;
		case 'o': output = strtoull(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: lantern-extract --plugin-dir DIR --plugin NAME [--cpu S] "
			                "[--memory BYTES] [--output BYTES] -- FILE\n");
			return 2;
		}
	}
	if (!name || optind + 1 != argc) {
		fprintf(stderr, "lantern-extract: a plugin name and one file are required\n");
		return 2;
	}
	/* Network isolation where allowed (root, or user namespaces): the
	 * parsers never need it, and libxml2 is told NONET as well. */
	if (unshare(CLONE_NEWNET) != 0 && unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) {
		/* not permitted here (no privileges, user namespaces off): NONET
		 * parsing still applies, and systemd's PrivateNetwork= can add it */
	}
	lantern_plugin_set *set = NULL;
	lantern_diagnostics ignored = LANTERN_DIAGNOSTICS_INIT;
	lantern_status status = lantern_plugins_load_one(&set, directory, name, &ignored);
	lantern_diagnostics_clear(&ignored);
	const lantern_plugin *plugin = status == LANTERN_OK ? lantern_plugins_by_name(set, name) : NULL;
	if (!plugin) {
		fprintf(stderr, "lantern-extract: no plugin '%s' in %s\n", name, directory ? directory : "(built-ins)");
		lantern_plugins_free(set);
		return 2;
	}
	/* Limits after loading (dlopen needs memory and files), before parsing. */
	limit(RLIMIT_CPU, (rlim_t)cpu);
#if !defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer reserves terabytes of address space up front; a
	 * sanitizer build relies on the CPU, output and wall limits instead. */
	limit(RLIMIT_AS, (rlim_t)memory);
#else
	(void)memory;
#endif
	limit(RLIMIT_CORE, 0);
#if !defined(__SANITIZE_ADDRESS__)
	/* (A sanitizer report on a crash writes; it would die of SIGXFSZ.) */
	limit(RLIMIT_FSIZE, 0);
#endif
	int result = lantern_extract_to_fd(plugin, argv[optind], (size_t)output, STDOUT_FILENO);
	lantern_plugins_free(set);
	return result;
}
