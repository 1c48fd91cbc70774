/*
 * chaos_plugin.c - misbehaving extractor plugins for test_extract_host.
 *
 * One source, several MODULE targets (tests/extract/CMakeLists.txt), each
 * compiled with CHAOS_NAME (plugin name = the one extension it reads) and
 * CHAOS_UNTRUSTED; CHAOS_ABI overrides the ABI version (the "wrong ABI"
 * plugin) and CHAOS_NO_ENTRY leaves the entry point out. What a plugin does
 * is chosen by the first word of the file it is given:
 *
 *   ok TEXT...      emits TEXT (the rest of the file) and succeeds
 *   crash           raise(SIGSEGV)
 *   abort           abort()
 *   loop            spins forever on the CPU
 *   sleep           sleeps forever (no CPU: only the wall clock stops it)
 *   spawn-loop TAG  starts `sleep 86399.TAG` (a grandchild), then spins
 *   hog             allocates and touches 1 MiB blocks; uses a NULL block
 *                   like careless C when the allocation fails; gives up
 *                   (and says the limit is missing) after 512 MiB
 *   flood           writes text until the sink says stop, then reports it
 *   flood-deaf      writes 256 MiB of text ignoring what the sink says
 *   page-bomb       calls page_break() forever (page breaks are not text)
 *   metadata-bomb   calls metadata() forever
 *   garbage         prints to stdout (corrupting the frame stream)
 *   exit N          exit(N)
 *   fail REASON     returns 1 with REASON
 *   fail-silent     returns 1 with no reason
 *   invalid-utf8    emits text with invalid UTF-8 and a NUL byte
 *   pages N         N pages, "page K" on each
 *   breaks N        "start", N page breaks, "end"
 *   heading-only    a heading and no text
 */
#define _GNU_SOURCE
#include "lantern/plugin.h"

#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CHAOS_NAME
#error "CHAOS_NAME must be defined"
#endif
#ifndef CHAOS_ABI
#define CHAOS_ABI LANTERN_PLUGIN_ABI_VERSION
#endif
#ifndef CHAOS_UNTRUSTED
#define CHAOS_UNTRUSTED 1
#endif

extern char **environ;

static volatile unsigned long chaos_sink_counter;

_Noreturn static void spin(void)
{
	for (;;)
		chaos_sink_counter++;
}

static int extract_chaos(const char *path, const lantern_extract_sink *sink, lantern_extract_output *out,
                         char *error, size_t error_size)
{
	char content[8192];
	FILE *file = fopen(path, "r");
	if (!file) {
		snprintf(error, error_size, "cannot open %s", path);
		return 1;
	}
	size_t length = fread(content, 1, sizeof(content) - 1, file);
	fclose(file);
	content[length] = '\0';
	while (length && (content[length - 1] == '\n' || content[length - 1] == '\r'))
		content[--length] = '\0';
	char *argument = strchr(content, ' ');
	if (argument)
		*argument++ = '\0';
	else
		argument = content + strlen(content);
	const char *mode = content;

	if (strcmp(mode, "ok") == 0) {
		if (sink->text(out, argument, strlen(argument))) {
			snprintf(error, error_size, "output limit reached");
			return 1;
		}
		return 0;
	}
	if (strcmp(mode, "crash") == 0) {
		raise(SIGSEGV);
		return 0;
	}
	if (strcmp(mode, "abort") == 0)
		abort();
	if (strcmp(mode, "loop") == 0)
		spin();
	if (strcmp(mode, "sleep") == 0) {
		for (;;)
			sleep(1000);
	}
	if (strcmp(mode, "spawn-loop") == 0) {
		char seconds[64];
		snprintf(seconds, sizeof(seconds), "86399.%s", argument);
		char *argv[] = { "sleep", seconds, NULL };
		pid_t child;
		if (posix_spawnp(&child, "sleep", NULL, NULL, argv, environ) != 0) {
			snprintf(error, error_size, "cannot start sleep");
			return 1;
		}
		spin();
	}
	if (strcmp(mode, "hog") == 0) {
		size_t total = 0;
		while (total < ((size_t)512 << 20)) {
			/* Careless C: no NULL check, so a failed allocation is
			 * written through (SIGSEGV). Volatile: the writes stay. */
			volatile char *block = malloc((size_t)1 << 20);
			for (size_t i = 0; i < ((size_t)1 << 20); i += 4096)
				block[i] = 0x5a;
			total += (size_t)1 << 20;
		}
		snprintf(error, error_size, "memory limit not enforced: 512 MiB allocated");
		return 1;
	}
	if (strcmp(mode, "flood") == 0 || strcmp(mode, "flood-deaf") == 0) {
		static char block[65536];
		memset(block, 'w', sizeof(block));
		for (size_t i = 0; i < sizeof(block); i += 8)
			block[i] = ' ';
		bool deaf = strcmp(mode, "flood-deaf") == 0;
		for (size_t written = 0; !deaf || written < ((size_t)256 << 20); written += sizeof(block))
			if (sink->text(out, block, sizeof(block)) && !deaf) {
				snprintf(error, error_size, "output limit reached");
				return 1;
			}
		return 0;
	}
	if (strcmp(mode, "page-bomb") == 0) {
		for (;;)
			if (sink->page_break(out)) {
				snprintf(error, error_size, "output limit reached (page breaks)");
				return 1;
			}
	}
	if (strcmp(mode, "metadata-bomb") == 0) {
		char value[1500];
		memset(value, 'm', sizeof(value) - 1);
		value[sizeof(value) - 1] = '\0';
		for (;;)
			if (sink->metadata(out, "title", value)) {
				snprintf(error, error_size, "output limit reached (metadata)");
				return 1;
			}
	}
	if (strcmp(mode, "garbage") == 0) {
		/* A plugin must never print: here it does, into the frame stream. */
		printf("Zebra garbage that is not a frame\n");
		fflush(stdout);
		return sink->text(out, "after the garbage", 17);
	}
	if (strcmp(mode, "exit") == 0)
		exit(atoi(argument));
	if (strcmp(mode, "fail") == 0) {
		snprintf(error, error_size, "%s", argument);
		return 1;
	}
	if (strcmp(mode, "fail-silent") == 0)
		return 1;
	if (strcmp(mode, "invalid-utf8") == 0) {
		static const char bad[] = "caf\xc3\xa9 \xff\xfe bytes\0nul end";
		if (sink->metadata(out, "author", "Au\xffthor"))
			return 1;
		return sink->text(out, bad, sizeof(bad) - 1);
	}
	if (strcmp(mode, "pages") == 0) {
		int count = atoi(argument);
		for (int page = 1; page <= count; page++) {
			char line[64];
			int n = snprintf(line, sizeof(line), "%spage %d", page > 1 ? "\n" : "", page);
			if ((page > 1 && sink->page_break(out)) || sink->text(out, line, (size_t)n)) {
				snprintf(error, error_size, "output limit reached");
				return 1;
			}
		}
		return 0;
	}
	if (strcmp(mode, "breaks") == 0) {
		long count = atol(argument);
		if (sink->text(out, "start", 5))
			return 1;
		for (long i = 0; i < count; i++)
			if (sink->page_break(out)) {
				snprintf(error, error_size, "output limit reached (page break %ld)", i + 1);
				return 1;
			}
		return sink->text(out, "end", 3);
	}
	if (strcmp(mode, "heading-only") == 0)
		return sink->heading(out, 2, "Only a heading", 14);
	snprintf(error, error_size, "unknown chaos mode '%s'", mode);
	return 1;
}

static const char *const chaos_types[] = { "application/x-lantern-" CHAOS_NAME, NULL };
static const char *const chaos_extensions[] = { CHAOS_NAME, NULL };

static const lantern_plugin chaos_plugin = {
	CHAOS_ABI,
	CHAOS_NAME,
	"Test plugin " CHAOS_NAME " (tests/extract/chaos_plugin.c)",
	chaos_types,
	chaos_extensions,
	CHAOS_UNTRUSTED,
	extract_chaos,
};

#ifndef CHAOS_NO_ENTRY
__attribute__((visibility("default"))) const lantern_plugin *lantern_plugin_entry(void)
{
	return &chaos_plugin;
}
#else
/* Keeps the descriptor referenced without exporting an entry point. */
__attribute__((visibility("default"))) const lantern_plugin *not_the_entry_point(void)
{
	return &chaos_plugin;
}
#endif
