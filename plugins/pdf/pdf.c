/*
 * pdf.c - PDF text through poppler's pdftotext (Debian poppler-utils).
 *
 * pdftotext runs as a child process (no shell) writing UTF-8 to a pipe; a
 * form feed ends each page, which becomes a page break, so a hit can say
 * "page 12". pdfinfo supplies the embedded title, author and dates. A PDF
 * whose pages yield almost no text has no text layer (a scan): that is an
 * error for the curator, not an empty document in the index.
 */
#define _GNU_SOURCE
#include "lantern/plugin.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Fewer visible characters than this per page on average: a scan. */
#define MINIMUM_CHARACTERS_PER_PAGE 12

typedef int (*chunk_handler)(void *context, const char *data, size_t length);

/* Runs argv[0] with stdout into `handle` and stderr into `errors`.
 * Returns the exit status, or -1 when it could not run. A non-zero return
 * from `handle` stops reading (the child is then killed). */
static int run_tool(char *const argv[], chunk_handler handle, void *context, char *errors, size_t errors_size)
{
	int out_pipe[2], err_pipe[2];
	if (pipe2(out_pipe, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(err_pipe, O_CLOEXEC) != 0) {
		close(out_pipe[0]);
		close(out_pipe[1]);
		return -1;
	}
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	pid_t child;
	int spawned = posix_spawnp(&child, argv[0], &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	close(out_pipe[1]);
	close(err_pipe[1]);
	if (spawned != 0) {
		close(out_pipe[0]);
		close(err_pipe[0]);
		return -1;
	}
	/* Both pipes at once: a tool that fills the stderr pipe (pdfinfo prints
	 * a line per broken object) while stdout is still open would otherwise
	 * block for good, and the document would only fail at the wall clock. */
	char chunk[65536];
	bool stopped = false, out_open = true, err_open = true;
	size_t used = 0;
	while (!stopped && (out_open || err_open)) {
		struct pollfd fds[2] = { { out_open ? out_pipe[0] : -1, POLLIN, 0 },
		                         { err_open ? err_pipe[0] : -1, POLLIN, 0 } };
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[0].revents) {
			ssize_t got = read(out_pipe[0], chunk, sizeof(chunk));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				out_open = false;
			} else if (handle(context, chunk, (size_t)got) != 0) {
				stopped = true;
				kill(child, SIGKILL);
			}
		}
		if (fds[1].revents) {
			ssize_t got = read(err_pipe[0], chunk, sizeof(chunk));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) {
				err_open = false;
			} else {
				size_t keep = (size_t)got < errors_size - 1 - used ? (size_t)got : errors_size - 1 - used;
				memcpy(errors + used, chunk, keep);
				used += keep;
			}
		}
	}
	close(out_pipe[0]);
	errors[used] = '\0';
	close(err_pipe[0]);
	int status = 0;
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (stopped)
		return -2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

/* ------------------------------------------------------------------ pdfinfo */

typedef struct info_text {
	char data[16384];
	size_t length;
} info_text;

static int collect_info(void *context, const char *data, size_t length)
{
	info_text *info = context;
	size_t keep = length < sizeof(info->data) - 1 - info->length ? length : sizeof(info->data) - 1 - info->length;
	memcpy(info->data + info->length, data, keep);
	info->length += keep;
	info->data[info->length] = '\0';
	return 0;
}

/* The value of "Key:" in pdfinfo output, trimmed, or NULL. */
static const char *info_value(char *text, const char *key, char *value, size_t value_size)
{
	size_t key_length = strlen(key);
	for (char *line = text; line && *line;) {
		char *end = strchr(line, '\n');
		size_t line_length = end ? (size_t)(end - line) : strlen(line);
		if (line_length > key_length && strncmp(line, key, key_length) == 0 && line[key_length] == ':') {
			const char *start = line + key_length + 1;
			while (*start == ' ')
				start++;
			size_t length = line_length - (size_t)(start - line);
			while (length && (start[length - 1] == ' ' || start[length - 1] == '\r'))
				length--;
			if (!length)
				return NULL;
			snprintf(value, value_size, "%.*s", (int)length, start);
			return value;
		}
		line = end ? end + 1 : NULL;
	}
	return NULL;
}

/* ------------------------------------------------------------------ pdftotext */

typedef struct text_pass {
	const lantern_extract_sink *sink;
	lantern_extract_output *out;
	size_t visible;            /* non-blank characters seen */
	size_t pages;              /* form feeds seen */
	size_t pending_breaks;     /* form feeds waiting for more text (one per page
	                            * ended: empty pages in between count) */
	bool stopped;
} text_pass;

static int forward_text(void *context, const char *data, size_t length)
{
	text_pass *pass = context;
	size_t start = 0;
	for (size_t i = 0; i <= length; i++) {
		if (i < length && data[i] != '\f') {
			unsigned char c = (unsigned char)data[i];
			if (c > ' ')
				pass->visible++;
			continue;
		}
		if (i > start) {
			for (; pass->pending_breaks; pass->pending_breaks--)
				if (pass->sink->page_break(pass->out)) {
					pass->stopped = true;
					return 1;
				}
			if (pass->sink->text(pass->out, data + start, i - start)) {
				pass->stopped = true;
				return 1;
			}
		}
		if (i < length) {
			/* pdftotext ends every page with \f, the last one too: the break
			 * is only real if text follows. */
			pass->pages++;
			pass->pending_breaks++;
		}
		start = i + 1;
	}
	return 0;
}

static int extract_pdf(const char *path, const lantern_extract_sink *sink, lantern_extract_output *out,
                       char *error, size_t error_size)
{
	char errors[2048];
	info_text info = { "", 0 };
	char *info_argv[] = { "pdfinfo", "-isodates", "-enc", "UTF-8", (char *)path, NULL };
	int info_status = run_tool(info_argv, collect_info, &info, errors, sizeof(errors));
	if (info_status == -1) {
		snprintf(error, error_size, "pdfinfo is not installed (Debian package poppler-utils)");
		return 1;
	}
	if (info_status != 0) {
		if (strstr(errors, "Incorrect password") || strstr(errors, "ncrypt"))
			snprintf(error, error_size, "encrypted PDF: it needs a password");
		else
			snprintf(error, error_size, "not a readable PDF: %.200s", errors[0] ? strtok(errors, "\n") : "pdfinfo failed");
		return 1;
	}
	char value[1024];
	static const struct { const char *pdfinfo; const char *key; bool date; } fields[] = {
		{ "Title", "title", false }, { "Author", "author", false },
		{ "CreationDate", "created", true }, { "ModDate", "modified", true }, { "Pages", "pages", false },
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char copy[sizeof(info.data)];
		memcpy(copy, info.data, info.length + 1);
		if (!info_value(copy, fields[i].pdfinfo, value, sizeof(value)))
			continue;
		if (fields[i].date) {
			if (strlen(value) < 10 || value[4] != '-' || value[7] != '-')
				continue;
			value[10] = '\0';
		}
		sink->metadata(out, fields[i].key, value);
	}

	text_pass pass = { sink, out, 0, 0, 0, false };
	char *text_argv[] = { "pdftotext", "-enc", "UTF-8", "-eol", "unix", "-q", (char *)path, "-", NULL };
	int text_status = run_tool(text_argv, forward_text, &pass, errors, sizeof(errors));
	if (pass.stopped) {
		snprintf(error, error_size, "extracted text is over the output limit");
		return 1;
	}
	if (text_status != 0) {
		snprintf(error, error_size, "pdftotext failed (status %d)%s%.200s", text_status, errors[0] ? ": " : "",
		         errors[0] ? strtok(errors, "\n") : "");
		return 1;
	}
	size_t pages = pass.pages ? pass.pages : 1;
	if (pass.visible < MINIMUM_CHARACTERS_PER_PAGE * pages) {
		snprintf(error, error_size,
		         "no text layer (%zu visible characters on %zu pages): a scanned PDF? OCR it, or "
		         "index a transcript with a sidecar", pass.visible, pages);
		return 1;
	}
	return 0;
}

static const char *const pdf_types[] = { "application/pdf", NULL };
static const char *const pdf_extensions[] = { "pdf", NULL };

static const lantern_plugin pdf_plugin = {
	LANTERN_PLUGIN_ABI_VERSION, "pdf", "PDF through poppler's pdftotext, with page numbers",
	pdf_types, pdf_extensions, true, extract_pdf,
};

__attribute__((visibility("default"))) const lantern_plugin *lantern_plugin_entry(void)
{
	return &pdf_plugin;
}
