/*
 * main.c - lantern-index's command line: parse options, run, summarise.
 *
 * The only place in the indexer that decides what goes to stdout (the
 * summary) and stderr (diagnostics, progress, errors).
 */
#include "indexer.h"
#include "lantern/extract.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef LANTERN_DEFAULT_INDEX
#define LANTERN_DEFAULT_INDEX "build/index"
#endif
#ifndef LANTERN_DEFAULT_PLUGIN_DIR
#define LANTERN_DEFAULT_PLUGIN_DIR "build/plugins"
#endif
#ifndef LANTERN_DEFAULT_EXTRACT_HELPER
#define LANTERN_DEFAULT_EXTRACT_HELPER "build/plugins/lantern-extract"
#endif
#ifndef LANTERN_VERSION
#define LANTERN_VERSION "0"
#endif

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: lantern-index [OPTIONS] [CORPUS_DIR]\n"
	        "\n"
	        "Index a Lantern corpus folder (default: corpus/) into a stemmed Xapian index,\n"
	        "incrementally: unchanged files are skipped, changed ones replaced, and\n"
	        "documents whose file is gone are deleted after a complete walk.\n"
	        "\n"
	        "Options:\n"
	        "  --index DIR      the index directory (default: $LANTERN_INDEX, else\n"
	        "                   %s)\n"
	        "  --full           rebuild from scratch beside the old index, then swap it in\n"
	        "                   atomically\n"
	        "  --check          validate every resource and report problems; touch no index\n"
	        "  --defaults FILE  YAML metadata applied to every resource (lowest priority)\n"
	        "  --schema FILE    vocabularies (default: CORPUS_DIR/schema.yaml)\n"
	        "  --plugins DIR    extractor plugins (default: $LANTERN_PLUGIN_DIR, else\n"
	        "                   %s)\n"
	        "  --list-plugins   list the extractors and the formats they read\n"
	        "  --no-wait        fail at once if another lantern-index holds the index\n"
	        "  --jobs N         worker threads (default: the number of cores)\n"
	        "  --shard I/N      index only shard I of N (resources whose id hashes to I);\n"
	        "                   serve the shards together (docs/scaling.md)\n"
	        "  --spelling-only  build only the spelling dictionary, synonyms and vocabularies of\n"
	        "                   the whole corpus (the local dictionary for remote shards)\n"
	        "  --quiet          no progress bar, no warnings (errors and summary only)\n"
	        "  --help           show this help\n"
	        "  --version        show the version\n"
	        "\n"
	        "Exit status:\n"
	        "  0  every resource indexed (with --check: no errors)\n"
	        "  1  some resources failed; the rest were indexed (errors on stderr)\n"
	        "  2  usage error\n"
	        "  3  configuration error: corpus folder, schema.yaml, synonyms.yaml or --defaults\n"
	        "  4  the index is locked by another lantern-index (--no-wait)\n"
	        "  5  the index could not be opened or written\n"
	        "\n"
	        "Problems are printed as FILE:LINE:COLUMN: error: MESSAGE.\n"
	        "See lantern-index(1) and docs/curator-guide.md.\n",
	        LANTERN_DEFAULT_INDEX, LANTERN_DEFAULT_PLUGIN_DIR);
}

static int print_plugins(const char *directory)
{
	lantern_plugin_set *set = NULL;
	lantern_diagnostics problems = LANTERN_DIAGNOSTICS_INIT;
	if (lantern_plugins_load(&set, directory, &problems) != LANTERN_OK) {
		fprintf(stderr, "lantern-index: %s\n", lantern_error_detail());
		return INDEXER_EXIT_CONFIGURATION;
	}
	for (size_t i = 0; i < problems.count; i++) {
		char *line = lantern_diagnostic_format(&problems.items[i]);
		if (line)
			fprintf(stderr, "%s\n", line);
		free(line);
	}
	lantern_diagnostics_clear(&problems);
	printf("plugins from %s:\n", directory);
	for (size_t i = 0; i < lantern_plugins_count(set); i++) {
		const lantern_plugin *plugin = lantern_plugins_get(set, i);
		printf("  %-11s %-9s", plugin->name, plugin->untrusted ? "isolated" : "built-in");
		for (const char *const *extension = plugin->extensions; *extension; extension++)
			printf(" .%s", *extension);
		printf("  %s\n", plugin->description ? plugin->description : "");
	}
	lantern_plugins_free(set);
	return INDEXER_EXIT_OK;
}

static bool parse_count(const char *text, unsigned *out)
{
	char *end = NULL;
	long value = strtol(text, &end, 10);
	if (!text[0] || *end || value < 1 || value > 256)
		return false;
	*out = (unsigned)value;
	return true;
}

int main(int argc, char **argv)
{
	enum { OPT_INDEX = 256, OPT_FULL, OPT_CHECK, OPT_DEFAULTS, OPT_SCHEMA, OPT_NO_WAIT,
	       OPT_JOBS, OPT_QUIET, OPT_HELP, OPT_VERSION, OPT_NO_SYNC, OPT_COMMIT_EVERY, OPT_PLUGINS,
	       OPT_LIST_PLUGINS, OPT_SHARD, OPT_SPELLING_ONLY };
	static const struct option long_options[] = {
		{ "index", required_argument, NULL, OPT_INDEX },
		{ "full", no_argument, NULL, OPT_FULL },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "defaults", required_argument, NULL, OPT_DEFAULTS },
		{ "schema", required_argument, NULL, OPT_SCHEMA },
		{ "plugins", required_argument, NULL, OPT_PLUGINS },
		{ "list-plugins", no_argument, NULL, OPT_LIST_PLUGINS },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "spelling-only", no_argument, NULL, OPT_SPELLING_ONLY },
		{ "no-wait", no_argument, NULL, OPT_NO_WAIT },
		{ "jobs", required_argument, NULL, OPT_JOBS },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		/* For tests: skip fsync, commit often. Not documented in --help. */
		{ "no-sync", no_argument, NULL, OPT_NO_SYNC },
		{ "commit-every", required_argument, NULL, OPT_COMMIT_EVERY },
		{ NULL, 0, NULL, 0 },
	};
	indexer_options options;
	memset(&options, 0, sizeof(options));
	options.wait = true;
	options.commit_every = 1000;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	options.jobs = cores > 0 ? (unsigned)cores : 1;
	bool list_plugins = false;
	options.plugin_dir = getenv("LANTERN_PLUGIN_DIR");
	if (!options.plugin_dir || !options.plugin_dir[0])
		options.plugin_dir = LANTERN_DEFAULT_PLUGIN_DIR;
	options.extract_helper = getenv("LANTERN_EXTRACT_HELPER");
	if (!options.extract_helper || !options.extract_helper[0])
		options.extract_helper = LANTERN_DEFAULT_EXTRACT_HELPER;
	options.index = getenv("LANTERN_INDEX");
	if (!options.index || !options.index[0])
		options.index = LANTERN_DEFAULT_INDEX;

	int option;
	opterr = 0;
	while ((option = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
		switch (option) {
		case OPT_INDEX: options.index = optarg; break;
		case OPT_FULL: options.full = true; break;
		case OPT_CHECK: options.check = true; break;
		case OPT_DEFAULTS: options.defaults_file = optarg; break;
		case OPT_SCHEMA: options.schema_file = optarg; break;
		case OPT_PLUGINS: options.plugin_dir = optarg; break;
		case OPT_LIST_PLUGINS: list_plugins = true; break;
		case OPT_SPELLING_ONLY: options.spelling_only = true; break;
		case OPT_SHARD: {
			unsigned index = 0, count = 0;
			char tail;
			if (sscanf(optarg, "%u/%u%c", &index, &count, &tail) != 2 || count < 1 || count > 1024 ||
			    index >= count) {
				fprintf(stderr, "lantern-index: --shard takes I/N with 0 <= I < N <= 1024, not '%s'\n", optarg);
				return INDEXER_EXIT_USAGE;
			}
			options.shard_index = index;
			options.shard_count = count;
			break;
		}
		case OPT_NO_WAIT: options.wait = false; break;
		case OPT_QUIET: options.quiet = true; break;
		case OPT_NO_SYNC: options.no_sync = true; break;
		case OPT_JOBS:
			if (!parse_count(optarg, &options.jobs)) {
				fprintf(stderr, "lantern-index: --jobs takes a number from 1 to 256, not '%s'\n", optarg);
				return INDEXER_EXIT_USAGE;
			}
			break;
		case OPT_COMMIT_EVERY: {
			unsigned every = 0;
			char *end = NULL;
			long value = strtol(optarg, &end, 10);
			if (*end || value < 1) {
				fprintf(stderr, "lantern-index: --commit-every takes a positive number\n");
				return INDEXER_EXIT_USAGE;
			}
			every = (unsigned)value;
			options.commit_every = every;
			break;
		}
		case OPT_HELP: usage(stdout); return INDEXER_EXIT_OK;
		case OPT_VERSION: printf("lantern-index %s\n", LANTERN_VERSION); return INDEXER_EXIT_OK;
		default:
			fprintf(stderr, "lantern-index: unknown or incomplete option '%s'\n", argv[optind - 1]);
			fprintf(stderr, "Try 'lantern-index --help'.\n");
			return INDEXER_EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		fprintf(stderr, "lantern-index: one corpus folder at a time ('%s' is extra)\n", argv[optind + 1]);
		return INDEXER_EXIT_USAGE;
	}
	options.corpus = optind < argc ? argv[optind] : "corpus";
	if (list_plugins)
		return print_plugins(options.plugin_dir);
	if (options.full && options.check) {
		fprintf(stderr, "lantern-index: --full and --check exclude each other\n");
		return INDEXER_EXIT_USAGE;
	}
	options.progress = isatty(STDERR_FILENO);

	indexer_report report;
	int status = indexer_run(&options, &report, stderr);
	if (status == INDEXER_EXIT_OK || status == INDEXER_EXIT_DOCUMENTS) {
		if (options.check) {
			printf("checked %zu resources: %zu valid, %zu with errors, %zu warnings, %zu skipped files\n",
			       report.added + report.failed, report.added, report.failed, report.warnings,
			       report.skipped);
		} else {
			printf("added %zu, updated %zu, unchanged %zu, deleted %zu, failed %zu, skipped %zu"
			       " in %.2f s\n",
			       report.added, report.updated, report.unchanged, report.deleted, report.failed,
			       report.skipped, report.seconds);
			if (options.shard_count > 1)
				printf("%zu resources belong to the other shards (this is shard %u of %u)\n",
				       report.other_shards, options.shard_index, options.shard_count);
			if (report.metadata_only && !options.quiet)
				printf("%zu resources indexed on their metadata alone (no text extractor)\n",
				       report.metadata_only);
		}
	}
	return status;
}
