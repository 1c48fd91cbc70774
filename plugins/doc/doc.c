/*
 * doc.c - the legacy Word extractor plugin (*.doc, Word 97-2003).
 *
 * The binary format is read by Debian's `antiword` (or `catdoc` when
 * antiword is missing), run as a child process: posix_spawnp with an
 * argument vector (no shell), its output through a pipe as UTF-8, one
 * paragraph per line (-w 0). Lines become paragraphs. The tool inherits the
 * limits of lantern-extract (CPU, memory, no file writes) and its process
 * group, so a timeout kills it with us. Text only: no headings or metadata.
 */
#define _GNU_SOURCE
#include "lantern/plugin.h"
#include "plugin_support.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define LINE_MAX_BYTES (1u << 20) /* a longer "line" goes out in pieces */
#define STDERR_KEEP 400           /* bytes of the tool's complaint we keep */


/* The full path of `program` on $PATH, or false. */
static bool find_program(const char *program, char *found, size_t found_size)
{
	const char *path = getenv("PATH");
	if (!path || !path[0])
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t length = strcspn(path, ":");
		if (length > 0 && length + strlen(program) + 2 <= found_size) {
			snprintf(found, found_size, "%.*s/%s", (int)length, path, program);
			if (access(found, X_OK) == 0)
				return true;
		}
		path += length;
		if (*path == ':')
			path++;
	}
	return false;
}

/* Paragraphs on their way to the sink: each non-empty line is one. */
typedef struct lines {
	const lantern_extract_sink *sink;
	lantern_extract_output *out;
	int stop;
	char *line;
	size_t length;
	bool emitted;      /* a paragraph went out */
	bool continuing;   /* part of the current line already went out */
} lines;

static bool blank(const char *text, size_t length)
{
	for (size_t i = 0; i < length; i++)
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\f')
			return false;
	return true;
}

/* Sends the line gathered so far; `end` when the line is complete. */
static void send_line(lines *l, bool end)
{
	size_t length = l->length;
	/* Never split a UTF-8 sequence when a long line goes out in pieces. */
	if (!end)
		while (length > 0 && ((unsigned char)l->line[length - 1] & 0xC0) == 0x80)
			length--;
	if (!end && length > 0 && ((unsigned char)l->line[length - 1] & 0xC0) == 0xC0)
		length--;
	if (!end && length == 0)
		length = l->length; /* not UTF-8 anyway: the receiver replaces it */
	if (end)
		while (length > 0 && (l->line[length - 1] == ' ' || l->line[length - 1] == '\r' ||
		                      l->line[length - 1] == '\f'))
			length--;
	if (!l->stop && length > 0 && !(end && !l->continuing && blank(l->line, length))) {
		if (l->emitted && !l->continuing)
			l->stop = l->sink->text(l->out, "\n\n", 2);
		if (!l->stop)
			l->stop = l->sink->text(l->out, l->line, length);
		l->emitted = true;
		l->continuing = !end;
	}
	if (end) {
		l->continuing = false;
		l->length = 0;
	} else {
		memmove(l->line, l->line + length, l->length - length);
		l->length -= length;
	}
}

static void add_output(lines *l, const char *data, size_t size)
{
	for (size_t i = 0; i < size && !l->stop; i++) {
		char c = data[i];
		if (c == '\n') {
			send_line(l, true);
		} else if (c == '\f') {
			/* antiword marks page breaks with form feeds: a paragraph break */
			send_line(l, true);
		} else {
			l->line[l->length++] = c;
			if (l->length >= LINE_MAX_BYTES)
				send_line(l, false);
		}
	}
}

static int extract_doc(const char *path, const lantern_extract_sink *sink, lantern_extract_output *out,
                       char *error, size_t error_size)
{
	char program[4096];
	const char *tool;
	bool antiword = find_program("antiword", program, sizeof(program));
	if (antiword)
		tool = "antiword";
	else if (find_program("catdoc", program, sizeof(program)))
		tool = "catdoc";
	else
		return fail(error, error_size, "legacy .doc needs antiword (Debian package antiword)");

	struct stat info;
	if (stat(path, &info) != 0)
		return fail(error, error_size, "cannot open the file: %s", strerror(errno));
	if (!S_ISREG(info.st_mode))
		return fail(error, error_size, "not a regular file");
	if (info.st_size == 0)
		return fail(error, error_size, "empty file");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(error, error_size, "cannot open the file: %s", strerror(errno));
	close(fd);

	/* "--" is not understood by antiword; a path starting with '-' is made
	 * relative instead, so it cannot read as an option. */
	char *safe_path = NULL;
	if (path[0] == '-') {
		size_t length = strlen(path) + 3;
		safe_path = malloc(length);
		if (!safe_path)
			return fail(error, error_size, "out of memory");
		snprintf(safe_path, length, "./%s", path);
	}
	const char *file = safe_path ? safe_path : path;
	char *antiword_arguments[] = { "antiword", "-m", "UTF-8.txt", "-w", "0", (char *)file, NULL };
	char *catdoc_arguments[] = { "catdoc", "-d", "utf-8", "-w", (char *)file, NULL };
	char **arguments = antiword ? antiword_arguments : catdoc_arguments;

	int output_pipe[2], error_pipe[2];
	if (pipe2(output_pipe, O_CLOEXEC) != 0) {
		free(safe_path);
		return fail(error, error_size, "pipe: %s", strerror(errno));
	}
	if (pipe2(error_pipe, O_CLOEXEC) != 0) {
		close(output_pipe[0]);
		close(output_pipe[1]);
		free(safe_path);
		return fail(error, error_size, "pipe: %s", strerror(errno));
	}
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&actions, output_pipe[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&actions, error_pipe[1], STDERR_FILENO);
	posix_spawnattr_t attributes;
	posix_spawnattr_init(&attributes);
	sigset_t defaults;
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	posix_spawnattr_setsigdefault(&attributes, &defaults);
	posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
	pid_t child;
	int spawned = posix_spawn(&child, program, &actions, &attributes, arguments, environ);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attributes);
	close(output_pipe[1]);
	close(error_pipe[1]);
	free(safe_path);
	if (spawned != 0) {
		close(output_pipe[0]);
		close(error_pipe[0]);
		return fail(error, error_size, "cannot run %s: %s", tool, strerror(spawned));
	}

	lines l = { 0 };
	l.sink = sink;
	l.out = out;
	l.line = malloc(LINE_MAX_BYTES);
	char complaint[STDERR_KEEP + 1];
	size_t complaint_length = 0;
	bool no_memory = l.line == NULL;
	struct pollfd fds[2] = { { output_pipe[0], POLLIN, 0 }, { error_pipe[0], POLLIN, 0 } };
	int open_count = 2;
	char chunk[65536];
	while (open_count > 0 && !l.stop && !no_memory) {
		int ready = poll(fds, 2, -1);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t got = read(fds[i].fd, chunk, sizeof(chunk));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				close(fds[i].fd);
				fds[i].fd = -1;
				open_count--;
				continue;
			}
			if (i == 0) {
				add_output(&l, chunk, (size_t)got);
			} else {
				size_t keep = (size_t)got < STDERR_KEEP - complaint_length ? (size_t)got
				                                                           : STDERR_KEEP - complaint_length;
				memcpy(complaint + complaint_length, chunk, keep);
				complaint_length += keep;
			}
		}
	}
	bool stopped_early = open_count > 0;
	for (int i = 0; i < 2; i++)
		if (fds[i].fd >= 0)
			close(fds[i].fd);
	if (stopped_early)
		kill(child, SIGKILL);
	int status = 0;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (!stopped_early && l.line)
		send_line(&l, true);
	free(l.line);
	complaint[complaint_length] = '\0';

	if (no_memory)
		return fail(error, error_size, "out of memory");
	if (l.stop)
		return fail(error, error_size, "output limit reached");
	if (stopped_early)
		return fail(error, error_size, "reading %s's output failed", tool);
	if (WIFSIGNALED(status))
		return fail(error, error_size, "%s was killed by signal %d", tool, WTERMSIG(status));
	bool failed = !WIFEXITED(status) || WEXITSTATUS(status) != 0;
	if (failed || (!l.emitted && complaint_length > 0)) {
		/* antiword: "I'm afraid the text stream of this file is too
		 * small to handle.", "FILE is not a Word Document." (some
		 * failures exit 0 with a complaint and no text). */
		const char *reason = complaint;
		while (*reason == ' ' || *reason == '\n')
			reason++;
		int length = (int)strcspn(reason, "\n");
		if (length == 0)
			return fail(error, error_size, "%s failed (exit status %d)", tool,
			            WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		/* "the file" reads better than the path we were given. */
		size_t path_length = strlen(path);
		if ((size_t)length > path_length && strncmp(reason, path, path_length) == 0)
			return fail(error, error_size, "%s: the file%.*s", tool, length - (int)path_length,
			            reason + path_length);
		return fail(error, error_size, "%s: %.*s", tool, length, reason);
	}
	return 0;
}

static const char *const doc_types[] = { "application/msword", NULL };
static const char *const doc_extensions[] = { "doc", NULL };

static const lantern_plugin doc_plugin = {
	LANTERN_PLUGIN_ABI_VERSION,
	"doc",
	"Legacy Word 97-2003 (.doc) text, through antiword (or catdoc)",
	doc_types,
	doc_extensions,
	true,
	extract_doc,
};

__attribute__((visibility("default"))) const lantern_plugin *lantern_plugin_entry(void)
{
	return &doc_plugin;
}
