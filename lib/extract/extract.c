/*
 * extract.c - plugin loading, the extraction sink, and isolation.
 *
 * One lantern_extract_output type serves both sides of the isolation
 * boundary: in "collect" mode it builds a lantern_document_text; in
 * "frames" mode (inside lantern-extract) it writes each callback as a frame
 * to a pipe, and the parent replays the frames into a collecting output.
 *
 * Frame: 1 byte kind, 4 bytes little-endian payload length, payload.
 *   'T' text    'H' heading (1 byte level + text)    'P' page break
 *   'M' metadata (key NUL value)    'E' error (reason)
 */
#define _GNU_SOURCE
#include "lantern/extract.h"
#include "common/buffer.h"
#include "common/error.h"
#include "common/utf8.h"
#include "text/extract.h"
#include "lantern/metadata.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_PLUGINS 64
#define MAX_PAGES (1u << 20)

/* ------------------------------------------------------------------ the sink */

struct lantern_extract_output {
	bool frames;              /* write frames to fd instead of collecting */
	int fd;
	size_t limit;             /* text bytes allowed */
	size_t written;           /* text bytes so far */
	bool over;                /* the limit was hit */
	bool failed;              /* a write or allocation failed */
	lantern_buffer pending;   /* frames mode: bytes not yet written to fd */
	/* collect mode */
	lantern_buffer text;
	lantern_buffer heading;
	bool have_heading;
	size_t *page_starts;
	size_t page_count;
	char *metadata[4];        /* title, author, created, modified */
};

static const char *const metadata_keys[4] = { "title", "author", "created", "modified" };

static bool write_all(int fd, const void *data, size_t length)
{
	const char *p = data;
	while (length) {
		ssize_t done = write(fd, p, length);
		if (done < 0 && errno == EINTR)
			continue;
		if (done <= 0)
			return false;
		p += done;
		length -= (size_t)done;
	}
	return true;
}

static int flush_frames(lantern_extract_output *out)
{
	if (out->pending.length && !write_all(out->fd, out->pending.data, out->pending.length)) {
		out->failed = true;
		return 1;
	}
	lantern_buffer_reset(&out->pending);
	return 0;
}

/* Frames are gathered and written 64 KiB at a time: one system call per
 * frame made floods of small frames (page breaks) slow. */
static int write_frame(lantern_extract_output *out, char kind, const void *a, size_t a_length,
                       const void *b, size_t b_length)
{
	unsigned char header[5];
	size_t total = a_length + b_length;
	header[0] = (unsigned char)kind;
	header[1] = (unsigned char)(total & 0xff);
	header[2] = (unsigned char)((total >> 8) & 0xff);
	header[3] = (unsigned char)((total >> 16) & 0xff);
	header[4] = (unsigned char)((total >> 24) & 0xff);
	if (lantern_buffer_append(&out->pending, header, 5) != LANTERN_OK ||
	    (a_length && lantern_buffer_append(&out->pending, a, a_length) != LANTERN_OK) ||
	    (b_length && lantern_buffer_append(&out->pending, b, b_length) != LANTERN_OK)) {
		out->failed = true;
		return 1;
	}
	return out->pending.length >= 65536 ? flush_frames(out) : 0;
}

/* Counts text against the limit; true when it may be accepted. */
static bool within_limit(lantern_extract_output *out, size_t length)
{
	if (out->over || out->failed)
		return false;
	if (out->written + length > out->limit) {
		out->over = true;
		return false;
	}
	out->written += length;
	return true;
}

/* Appends text, replacing invalid UTF-8 and NUL bytes with U+FFFD so one bad
 * byte from an extractor cannot make the document unindexable. */
static void collect_text(lantern_extract_output *out, lantern_buffer *buffer, const char *text, size_t length)
{
	size_t start = 0;
	while (start < length && !out->failed) {
		size_t bad = 0;
		if (lantern_utf8_validate(text + start, length - start, &bad) &&
		    !memchr(text + start, '\0', length - start)) {
			if (lantern_buffer_append(buffer, text + start, length - start) != LANTERN_OK)
				out->failed = true;
			return;
		}
		const char *nul = memchr(text + start, '\0', length - start);
		size_t good = lantern_utf8_validate(text + start, length - start, &bad) ? length - start : bad;
		if (nul && (size_t)(nul - (text + start)) < good)
			good = (size_t)(nul - (text + start));
		if (lantern_buffer_append(buffer, text + start, good) != LANTERN_OK ||
		    lantern_buffer_append(buffer, "\xEF\xBF\xBD", 3) != LANTERN_OK)
			out->failed = true;
		start += good + 1;
	}
}

static int sink_text(lantern_extract_output *out, const char *text, size_t length)
{
	if (!within_limit(out, length))
		return 1;
	if (out->frames)
		return write_frame(out, 'T', text, length, NULL, 0);
	collect_text(out, &out->text, text, length);
	return out->failed ? 1 : 0;
}

static int sink_heading(lantern_extract_output *out, int level, const char *text, size_t length)
{
	if (level < 1) level = 1;
	if (level > 6) level = 6;
	if (!within_limit(out, length + 2))
		return 1;
	if (out->frames) {
		unsigned char byte = (unsigned char)level;
		return write_frame(out, 'H', &byte, 1, text, length);
	}
	/* A heading is a block of its own: one blank line before and after,
	 * however many headings follow each other. */
	size_t have = out->text.length;
	const char *tail = out->text.data;
	if (have && !(have >= 2 && tail[have - 1] == '\n' && tail[have - 2] == '\n'))
		if (lantern_buffer_append_string(&out->text, tail[have - 1] == '\n' ? "\n" : "\n\n") != LANTERN_OK)
			out->failed = true;
	collect_text(out, &out->text, text, length);
	if (lantern_buffer_append_string(&out->text, "\n\n") != LANTERN_OK)
		out->failed = true;
	if (!out->have_heading && length) {
		out->have_heading = true;
		collect_text(out, &out->heading, text, lantern_utf8_truncate(text, length, 400));
	}
	return out->failed ? 1 : 0;
}

static int sink_page_break(lantern_extract_output *out)
{
	if (out->frames)
		return write_frame(out, 'P', NULL, 0, NULL, 0);
	if (out->page_count >= MAX_PAGES) {
		out->over = true;
		return 1;
	}
	if (out->page_count == 0) {
		/* The first break means the document has pages: page 1 starts at 0. */
		out->page_starts = malloc(sizeof(size_t) * 64);
		if (!out->page_starts) {
			out->failed = true;
			return 1;
		}
		out->page_starts[0] = 0;
		out->page_count = 1;
	}
	if ((out->page_count & (out->page_count - 1)) == 0 && out->page_count >= 64) {
		size_t *grown = realloc(out->page_starts, sizeof(size_t) * out->page_count * 2);
		if (!grown) {
			out->failed = true;
			return 1;
		}
		out->page_starts = grown;
	}
	out->page_starts[out->page_count++] = out->text.length;
	return 0;
}

static int sink_metadata(lantern_extract_output *out, const char *key, const char *value)
{
	if (!key || !value || strlen(value) > 2000)
		return 0;
	if (out->frames)
		return write_frame(out, 'M', key, strlen(key) + 1, value, strlen(value));
	for (int i = 0; i < 4; i++) {
		if (strcmp(key, metadata_keys[i]) != 0 || out->metadata[i])
			continue;
		lantern_buffer clean = LANTERN_BUFFER_INIT(4096);
		collect_text(out, &clean, value, strlen(value));
		lantern_buffer_detach(&clean, &out->metadata[i]);
		lantern_buffer_dispose(&clean);
	}
	return 0;
}

static const lantern_extract_sink extract_sink = { sink_text, sink_heading, sink_page_break, sink_metadata };

static void output_init(lantern_extract_output *out, size_t limit)
{
	memset(out, 0, sizeof(*out));
	out->limit = limit;
	out->text.limit = limit + 64;
	out->heading.limit = 4096;
	out->pending.limit = 0;
}

static void output_dispose(lantern_extract_output *out)
{
	lantern_buffer_dispose(&out->text);
	lantern_buffer_dispose(&out->heading);
	free(out->page_starts);
	for (int i = 0; i < 4; i++)
		free(out->metadata[i]);
}

/* Moves the collected result into `text`. */
static lantern_status output_take(lantern_extract_output *out, lantern_document_text *text)
{
	memset(text, 0, sizeof(*text));
	while (out->text.length && (out->text.data[out->text.length - 1] == '\n' ||
	                            out->text.data[out->text.length - 1] == ' '))
		out->text.data[--out->text.length] = '\0';
	text->length = out->text.length;
	lantern_status status = lantern_buffer_detach(&out->text, &text->text);
	if (status != LANTERN_OK)
		return status;
	if (out->have_heading)
		lantern_buffer_detach(&out->heading, &text->first_heading);
	text->title = out->metadata[0];
	text->author = out->metadata[1];
	text->created = out->metadata[2];
	text->modified = out->metadata[3];
	memset(out->metadata, 0, sizeof(out->metadata));
	text->page_starts = out->page_starts;
	text->page_count = out->page_count;
	out->page_starts = NULL;
	out->page_count = 0;
	return LANTERN_OK;
}

void lantern_document_text_clear(lantern_document_text *text)
{
	if (!text)
		return;
	free(text->text);
	free(text->first_heading);
	free(text->title);
	free(text->author);
	free(text->created);
	free(text->modified);
	free(text->page_starts);
	memset(text, 0, sizeof(*text));
}

size_t lantern_document_page_of(const size_t *page_starts, size_t page_count, size_t offset)
{
	if (!page_count)
		return 0;
	size_t low = 0, high = page_count;
	while (high - low > 1) {
		size_t middle = (low + high) / 2;
		if (page_starts[middle] <= offset)
			low = middle;
		else
			high = middle;
	}
	return low + 1;
}

/* ------------------------------------------------------------------ built-in plugins */

static int extract_builtin(const char *path, bool markdown, const lantern_extract_sink *sink,
                           lantern_extract_output *out, char *error, size_t error_size)
{
	char *content = NULL;
	size_t length = 0;
	if (lantern_file_read(path, LANTERN_TEXT_MAX, &content, &length) != LANTERN_OK) {
		snprintf(error, error_size, "%s", lantern_error_detail());
		return 1;
	}
	/* Front matter is metadata, not text. */
	lantern_front_matter front;
	lantern_diagnostics ignored = LANTERN_DIAGNOSTICS_INIT;
	size_t body = 0;
	if (lantern_front_matter_split(content, length, path, &front, &ignored) == LANTERN_OK)
		body = front.body_offset;
	lantern_diagnostics_clear(&ignored);
	lantern_extracted extracted;
	lantern_status status = markdown ? lantern_markdown_extract(content + body, length - body, &extracted)
	                                 : lantern_plain_text_extract(content + body, length - body, &extracted);
	free(content);
	if (status != LANTERN_OK) {
		snprintf(error, error_size, "%s", lantern_error_detail());
		return 1;
	}
	int result = sink->text(out, extracted.text, extracted.length);
	if (extracted.first_heading && !out->frames && !out->have_heading) {
		out->have_heading = true;
		collect_text(out, &out->heading, extracted.first_heading, strlen(extracted.first_heading));
	}
	lantern_extracted_clear(&extracted);
	if (result) {
		snprintf(error, error_size, "text over the output limit");
		return 1;
	}
	return 0;
}

static int extract_markdown(const char *path, const lantern_extract_sink *sink, lantern_extract_output *out,
                            char *error, size_t error_size)
{
	return extract_builtin(path, true, sink, out, error, error_size);
}

static int extract_text(const char *path, const lantern_extract_sink *sink, lantern_extract_output *out,
                        char *error, size_t error_size)
{
	return extract_builtin(path, false, sink, out, error, error_size);
}

static const char *const markdown_types[] = { "text/markdown", NULL };
static const char *const markdown_extensions[] = { "md", "markdown", NULL };
static const char *const text_types[] = { "text/plain", NULL };
static const char *const text_extensions[] = { "txt", "text", NULL };

static const lantern_plugin builtin_plugins[] = {
	{ LANTERN_PLUGIN_ABI_VERSION, "markdown", "Markdown (CommonMark + tables), built in",
	  markdown_types, markdown_extensions, false, extract_markdown },
	{ LANTERN_PLUGIN_ABI_VERSION, "text", "Plain UTF-8 text, built in",
	  text_types, text_extensions, false, extract_text },
};

/* ------------------------------------------------------------------ plugin sets */

struct lantern_plugin_set {
	const lantern_plugin *plugins[MAX_PLUGINS];
	size_t count;
	void *handles[MAX_PLUGINS];
	size_t handle_count;
	char *directory;
};

static bool plugin_valid(const lantern_plugin *plugin, char *why, size_t why_size)
{
	if (!plugin) {
		snprintf(why, why_size, "its entry point returned NULL");
		return false;
	}
	if (plugin->abi_version != LANTERN_PLUGIN_ABI_VERSION) {
		snprintf(why, why_size, "plugin ABI version %u, this Lantern speaks %u", plugin->abi_version,
		         LANTERN_PLUGIN_ABI_VERSION);
		return false;
	}
	if (!plugin->name || !plugin->extract || !plugin->extensions || !plugin->extensions[0]) {
		snprintf(why, why_size, "the descriptor lacks a name, extensions or an extract function");
		return false;
	}
	return true;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static lantern_status plugins_load(lantern_plugin_set **out, const char *directory, const char *only,
                                   lantern_diagnostics *diagnostics);

lantern_status lantern_plugins_load(lantern_plugin_set **out, const char *directory,
                                    lantern_diagnostics *diagnostics)
{
	return plugins_load(out, directory, NULL, diagnostics);
}

lantern_status lantern_plugins_load_one(lantern_plugin_set **out, const char *directory, const char *name,
                                        lantern_diagnostics *diagnostics)
{
	return plugins_load(out, directory, name, diagnostics);
}

static lantern_status plugins_load(lantern_plugin_set **out, const char *directory, const char *only,
                                   lantern_diagnostics *diagnostics)
{
	*out = NULL;
	lantern_plugin_set *set = calloc(1, sizeof(*set));
	if (!set || !(set->directory = strdup(directory ? directory : ""))) {
		free(set);
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "plugins");
	}
	for (size_t i = 0; i < sizeof(builtin_plugins) / sizeof(builtin_plugins[0]); i++)
		set->plugins[set->count++] = &builtin_plugins[i];
	char *names[MAX_PLUGINS];
	size_t name_count = 0;
	if (only && directory && directory[0] && !lantern_plugins_by_name(set, only)) {
		/* One plugin wanted (lantern-extract): load just NAME.so. */
		size_t length = strlen(only) + 4;
		names[0] = malloc(length);
		if (names[0]) {
			snprintf(names[0], length, "%s.so", only);
			name_count = 1;
		}
	} else if (!only) {
		DIR *folder = directory && directory[0] ? opendir(directory) : NULL;
		if (!folder) {
			*out = set;
			return LANTERN_OK;
		}
		struct dirent *entry;
		while ((entry = readdir(folder)) != NULL && name_count < MAX_PLUGINS) {
			size_t length = strlen(entry->d_name);
			if (entry->d_name[0] == '.' || length < 4 || strcmp(entry->d_name + length - 3, ".so") != 0)
				continue;
			names[name_count] = strdup(entry->d_name);
			if (names[name_count])
				name_count++;
		}
		closedir(folder);
	}
	qsort(names, name_count, sizeof(char *), compare_names);
	for (size_t n = 0; n < name_count; n++) {
		char path[4096], why[256] = "";
		snprintf(path, sizeof(path), "%s/%s", directory, names[n]);
		void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		const lantern_plugin *plugin = NULL;
		if (!handle) {
			snprintf(why, sizeof(why), "%s", dlerror());
		} else {
			lantern_plugin_entry_function entry_point =
				(lantern_plugin_entry_function)dlsym(handle, LANTERN_PLUGIN_ENTRY_SYMBOL);
			if (!entry_point)
				snprintf(why, sizeof(why), "no %s() function", LANTERN_PLUGIN_ENTRY_SYMBOL);
			else
				plugin = entry_point();
		}
		bool valid = handle && why[0] == '\0' && plugin_valid(plugin, why, sizeof(why));
		for (size_t k = 0; valid && k < set->count; k++)
			if (strcmp(set->plugins[k]->name, plugin->name) == 0) {
				snprintf(why, sizeof(why), "a plugin named '%s' is already loaded", plugin->name);
				valid = false;
			}
		if (!valid) {
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_WARNING, path, 0, 0,
			                        "plugin not loaded: %s", why);
			if (handle)
				dlclose(handle);
		} else if (set->count < MAX_PLUGINS) {
			set->plugins[set->count++] = plugin;
			set->handles[set->handle_count++] = handle;
		}
		free(names[n]);
	}
	*out = set;
	return LANTERN_OK;
}

void lantern_plugins_free(lantern_plugin_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->handle_count; i++)
		dlclose(set->handles[i]);
	free(set->directory);
	free(set);
}

size_t lantern_plugins_count(const lantern_plugin_set *set)
{
	return set ? set->count : 0;
}

const lantern_plugin *lantern_plugins_get(const lantern_plugin_set *set, size_t index)
{
	return set && index < set->count ? set->plugins[index] : NULL;
}

const char *lantern_plugins_directory(const lantern_plugin_set *set)
{
	return set ? set->directory : "";
}

const lantern_plugin *lantern_plugins_for_path(const lantern_plugin_set *set, const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');
	if (!set || !dot || (slash && dot < slash))
		return NULL;
	for (size_t i = 0; i < set->count; i++)
		for (const char *const *extension = set->plugins[i]->extensions; *extension; extension++)
			if (strcasecmp(dot + 1, *extension) == 0)
				return set->plugins[i];
	return NULL;
}

const lantern_plugin *lantern_plugins_by_name(const lantern_plugin_set *set, const char *name)
{
	for (size_t i = 0; set && i < set->count; i++)
		if (strcmp(set->plugins[i]->name, name) == 0)
			return set->plugins[i];
	return NULL;
}

/* ------------------------------------------------------------------ running */

int lantern_extract_to_fd(const lantern_plugin *plugin, const char *path, size_t output_bytes, int fd)
{
	lantern_extract_output out;
	output_init(&out, output_bytes);
	out.frames = true;
	out.fd = fd;
	char error[512] = "";
	int result = plugin->extract(path, &extract_sink, &out, error, sizeof(error));
	if (out.over)
		snprintf(error, sizeof(error), "extracted text is over the %zu-byte limit", output_bytes);
	if ((result != 0 || out.over) && !out.failed) {
		if (!error[0])
			snprintf(error, sizeof(error), "the %s extractor failed", plugin->name);
		write_frame(&out, 'E', error, strlen(error), NULL, 0);
	}
	flush_frames(&out);
	lantern_buffer_dispose(&out.pending);
	return (result != 0 || out.over || out.failed) ? 1 : 0;
}

static double monotonic_seconds(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* Replays frames from the child into a collecting output. Returns false on
 * a malformed stream (which is itself a failure of the extractor). */
static bool replay_frames(lantern_extract_output *out, const char *data, size_t length, char *reason,
                          size_t reason_size, bool *child_error)
{
	size_t at = 0;
	*child_error = false;
	while (at + 5 <= length) {
		char kind = data[at];
		size_t size = (size_t)(unsigned char)data[at + 1] | (size_t)(unsigned char)data[at + 2] << 8 |
		              (size_t)(unsigned char)data[at + 3] << 16 | (size_t)(unsigned char)data[at + 4] << 24;
		at += 5;
		if (size > length - at) {
			snprintf(reason, reason_size, "the extractor's output was cut off");
			return false;
		}
		const char *payload = data + at;
		at += size;
		switch (kind) {
		case 'T':
			sink_text(out, payload, size);
			break;
		case 'H':
			if (size >= 1)
				sink_heading(out, (unsigned char)payload[0], payload + 1, size - 1);
			break;
		case 'P':
			sink_page_break(out);
			break;
		case 'M': {
			const char *nul = memchr(payload, '\0', size);
			if (nul) {
				char *value = strndup(nul + 1, size - (size_t)(nul - payload) - 1);
				if (value)
					sink_metadata(out, payload, value);
				free(value);
			}
			break;
		}
		case 'E':
			snprintf(reason, reason_size, "%.*s", (int)(size < 300 ? size : 300), payload);
			*child_error = true;
			break;
		default:
			snprintf(reason, reason_size, "the extractor wrote a malformed stream");
			return false;
		}
	}
	if (at != length) {
		snprintf(reason, reason_size, "the extractor's output was cut off");
		return false;
	}
	return true;
}

static lantern_status run_isolated(const lantern_plugin_set *set, const lantern_plugin *plugin,
                                   const char *path, const lantern_extract_limits *limits,
                                   lantern_extract_output *out, char *reason, size_t reason_size)
{
	if (!limits->helper || access(limits->helper, X_OK) != 0) {
		snprintf(reason, reason_size, "cannot run the extractor helper %s", limits->helper ? limits->helper : "(none)");
		return LANTERN_ERROR_IO;
	}
	int pipe_fds[2];
	if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
		snprintf(reason, reason_size, "pipe: %s", strerror(errno));
		return LANTERN_ERROR_IO;
	}
	char cpu[32], memory[32], output[32];
	snprintf(cpu, sizeof(cpu), "%u", limits->cpu_seconds);
	snprintf(memory, sizeof(memory), "%zu", limits->memory_bytes);
	snprintf(output, sizeof(output), "%zu", limits->output_bytes);
	char *const arguments[] = {
		(char *)limits->helper, "--plugin-dir", (char *)lantern_plugins_directory(set),
		"--plugin", (char *)plugin->name, "--cpu", cpu, "--memory", memory, "--output", output,
		"--", (char *)path, NULL,
	};
	posix_spawn_file_actions_t actions;
	posix_spawnattr_t attributes;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawnattr_init(&attributes);
	/* Its own process group, so a timeout kills its children (pdftotext) too. */
	posix_spawnattr_setpgroup(&attributes, 0);
	sigset_t defaults;
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGPIPE);
	posix_spawnattr_setsigdefault(&attributes, &defaults);
	posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF);
	pid_t child;
	int spawned = posix_spawn(&child, limits->helper, &actions, &attributes, arguments, environ);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attributes);
	close(pipe_fds[1]);
	if (spawned != 0) {
		close(pipe_fds[0]);
		snprintf(reason, reason_size, "cannot start the extractor: %s", strerror(spawned));
		return LANTERN_ERROR_IO;
	}

	lantern_buffer stream = LANTERN_BUFFER_INIT(limits->output_bytes + (limits->output_bytes / 4) + (1u << 20));
	double deadline = monotonic_seconds() + limits->wall_seconds;
	bool timed_out = false, too_much = false;
	char chunk[65536];
	for (;;) {
		double left = deadline - monotonic_seconds();
		if (left <= 0) {
			timed_out = true;
			break;
		}
		struct pollfd wait_for = { pipe_fds[0], POLLIN, 0 };
		int ready = poll(&wait_for, 1, (int)(left * 1000) + 1);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0)
			continue;
		ssize_t got = read(pipe_fds[0], chunk, sizeof(chunk));
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		if (lantern_buffer_append(&stream, chunk, (size_t)got) != LANTERN_OK) {
			too_much = true;
			break;
		}
	}
	close(pipe_fds[0]);
	if (timed_out || too_much)
		kill(-child, SIGKILL);
	int child_status = 0;
	while (waitpid(child, &child_status, 0) < 0 && errno == EINTR)
		;
	/* Anything the helper left running in its group goes too. */
	kill(-child, SIGKILL);

	lantern_status status = LANTERN_OK;
	bool child_error = false;
	if (timed_out) {
		snprintf(reason, reason_size, "the %s extractor timed out after %u s", plugin->name, limits->wall_seconds);
		status = LANTERN_ERROR_PARSE;
	} else if (too_much) {
		snprintf(reason, reason_size, "the %s extractor produced more than %zu bytes", plugin->name,
		         limits->output_bytes);
		status = LANTERN_ERROR_TOO_LARGE;
	} else if (WIFSIGNALED(child_status)) {
		int signal_number = WTERMSIG(child_status);
		snprintf(reason, reason_size, "the %s extractor %s (signal %d)", plugin->name,
		         signal_number == SIGXCPU || signal_number == SIGKILL ? "ran out of CPU time or memory" : "crashed",
		         signal_number);
		status = LANTERN_ERROR_PARSE;
	} else if (!replay_frames(out, stream.data ? stream.data : "", stream.length, reason, reason_size,
	                          &child_error) || child_error) {
		status = LANTERN_ERROR_PARSE;
	} else if (!WIFEXITED(child_status) || WEXITSTATUS(child_status) != 0) {
		snprintf(reason, reason_size, "the %s extractor failed (exit status %d)", plugin->name,
		         WIFEXITED(child_status) ? WEXITSTATUS(child_status) : -1);
		status = LANTERN_ERROR_PARSE;
	} else if (out->over) {
		snprintf(reason, reason_size, "extracted text is over the %zu-byte limit", limits->output_bytes);
		status = LANTERN_ERROR_TOO_LARGE;
	}
	lantern_buffer_dispose(&stream);
	return status;
}

lantern_status lantern_extract_file(const lantern_plugin_set *set, const lantern_plugin *plugin,
                                    const char *path, const lantern_extract_limits *limits,
                                    lantern_document_text *result, char *reason, size_t reason_size)
{
	memset(result, 0, sizeof(*result));
	reason[0] = '\0';
	lantern_extract_output out;
	output_init(&out, limits->output_bytes);
	lantern_status status = LANTERN_OK;
	if (plugin->untrusted) {
		status = run_isolated(set, plugin, path, limits, &out, reason, reason_size);
	} else {
		char error[512] = "";
		int failed = plugin->extract(path, &extract_sink, &out, error, sizeof(error));
		if (failed || out.failed) {
			snprintf(reason, reason_size, "%s", error[0] ? error : "extraction failed");
			status = LANTERN_ERROR_PARSE;
		} else if (out.over) {
			snprintf(reason, reason_size, "extracted text is over the %zu-byte limit", limits->output_bytes);
			status = LANTERN_ERROR_TOO_LARGE;
		}
	}
	if (status == LANTERN_OK && out.failed) {
		snprintf(reason, reason_size, "out of memory while extracting");
		status = LANTERN_ERROR_NO_MEMORY;
	}
	if (status == LANTERN_OK)
		status = output_take(&out, result);
	output_dispose(&out);
	if (status != LANTERN_OK) {
		lantern_document_text_clear(result);
		if (!reason[0])
			snprintf(reason, reason_size, "%s", lantern_error_detail());
		return lantern_error_set(status, "%s", reason);
	}
	return LANTERN_OK;
}
