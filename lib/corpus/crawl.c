/*
 * crawl.c - walking a corpus folder into a sorted list of resources.
 *
 * The rules, in the order they apply to each directory entry:
 *   - hidden names, editor backups and names with control characters are
 *     skipped silently (they are never resources);
 *   - patterns in the root's .lanternignore are skipped silently;
 *   - a symlink is followed only when its target stays inside the root;
 *     broken links, loops and links out of the root are reported;
 *   - FIFOs, sockets and devices are reported and never opened;
 *   - at the root, schema.yaml and synonyms.yaml are configuration;
 *   - _defaults.yaml gives its folder's defaults;
 *   - NAME.EXT.yaml beside NAME.EXT is that file's sidecar;
 *   - other *.yaml / *.yml files are records (a record's `transcript:` file
 *     belongs to it and is not a resource of its own);
 *   - .md/.markdown/.txt/.text files are resources; any other file without
 *     a sidecar is reported as unsupported.
 * Directory entries are sorted, so the resource list (and the order the
 * indexer adds documents in) is the same on every run.
 */
#include "lantern/corpus.h"
#include "common/buffer.h"
#include "common/error.h"
#include "common/hash.h"
#include "corpus/yaml_tree.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct visited_directory {
	dev_t device;
	ino_t inode;
} visited_directory;

/* A symlinked folder inside the root, walked only after every real folder
 * (so a link cannot take the place of the folder it points to). */
typedef struct deferred_directory {
	char *relative;
	size_t parent;
	unsigned depth;
	struct stat info;
} deferred_directory;

typedef struct crawl_walk {
	lantern_crawl *crawl;
	char *root_real;          /* realpath of the root */
	size_t root_real_length;
	visited_directory *visited;
	size_t visited_count;
	deferred_directory *deferred;
	size_t deferred_count;
	char **ignore_patterns;
	size_t ignore_count;
	lantern_status status;    /* first hard failure (memory) */
} crawl_walk;

/* ------------------------------------------------------------------ small helpers */

static char *path_join(const char *directory, const char *name)
{
	size_t length = strlen(directory) + strlen(name) + 2;
	char *path = malloc(length);
	if (!path)
		return NULL;
	if (directory[0])
		snprintf(path, length, "%s/%s", directory, name);
	else
		snprintf(path, length, "%s", name);
	return path;
}

static bool ends_with(const char *text, const char *suffix)
{
	size_t length = strlen(text), suffix_length = strlen(suffix);
	return length >= suffix_length && strcasecmp(text + length - suffix_length, suffix) == 0;
}

static bool is_backup_or_hidden(const char *name)
{
	size_t length = strlen(name);
	if (name[0] == '.' || name[0] == '#' || name[length - 1] == '~')
		return true;
	static const char *const suffixes[] = { ".swp", ".swo", ".bak", ".orig", ".tmp", ".rej" };
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (ends_with(name, suffixes[i]))
			return true;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return true;
	return false;
}

/* Captions (.vtt, .srt) and NAME.transcript.* files are transcripts: they
 * belong to a record and are never resources of their own, even when the
 * record is broken or ignored - a transcript indexed alone would carry the
 * folder's defaults (public) instead of its record's `access`. */
static bool is_transcript_name(const char *name)
{
	return ends_with(name, ".vtt") || ends_with(name, ".srt") || strstr(name, ".transcript.") != NULL;
}

static bool is_yaml_name(const char *name)
{
	return ends_with(name, ".yaml") || ends_with(name, ".yml");
}

static size_t yaml_suffix_length(const char *name)
{
	return ends_with(name, ".yaml") ? 5 : ends_with(name, ".yml") ? 4 : 0;
}

static void skipped(crawl_walk *walk, const char *path, const char *format, const char *detail)
{
	lantern_diagnostics_add(&walk->crawl->skipped, LANTERN_SEVERITY_WARNING, path, 0, 0, format,
	                        detail ? detail : "");
}

static bool ignored(const crawl_walk *walk, const char *relative, const char *name, bool directory)
{
	for (size_t i = 0; i < walk->ignore_count; i++) {
		char pattern[PATH_MAX];
		snprintf(pattern, sizeof(pattern), "%s", walk->ignore_patterns[i]);
		size_t length = strlen(pattern);
		bool directory_only = length > 1 && pattern[length - 1] == '/';
		if (directory_only) {
			if (!directory)
				continue;
			pattern[length - 1] = '\0';
		}
		const char *anchored = pattern[0] == '/' ? pattern + 1 : pattern;
		if (strchr(anchored, '/') || pattern[0] == '/') {
			if (fnmatch(anchored, relative, FNM_PATHNAME) == 0)
				return true;
		} else if (fnmatch(pattern, name, 0) == 0) {
			return true;
		}
	}
	return false;
}

static void load_ignore_file(crawl_walk *walk)
{
	char *path = path_join(walk->crawl->root, LANTERN_IGNORE_FILE);
	char *text = NULL;
	size_t length = 0;
	if (!path || lantern_file_read(path, 256 * 1024, &text, &length) != LANTERN_OK) {
		free(path);
		return;
	}
	free(path);
	char *save = NULL;
	for (char *line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
		while (*line == ' ' || *line == '\t')
			line++;
		size_t line_length = strlen(line);
		while (line_length && (line[line_length - 1] == ' ' || line[line_length - 1] == '\t'))
			line[--line_length] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		char **grown = realloc(walk->ignore_patterns, (walk->ignore_count + 1) * sizeof(char *));
		if (!grown)
			break;
		walk->ignore_patterns = grown;
		walk->ignore_patterns[walk->ignore_count] = strdup(line);
		if (walk->ignore_patterns[walk->ignore_count])
			walk->ignore_count++;
	}
	free(text);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int compare_sources(const void *a, const void *b)
{
	return strcmp(((const lantern_source *)a)->path, ((const lantern_source *)b)->path);
}

static bool name_in(char **names, size_t count, const char *name)
{
	return bsearch(&name, names, count, sizeof(char *), compare_names) != NULL;
}

/* ------------------------------------------------------------------ growing lists */

static bool add_source(crawl_walk *walk, const char *directory, const char *name,
                       const char *sidecar_name, lantern_source_kind kind, size_t folder)
{
	lantern_crawl *crawl = walk->crawl;
	if (crawl->source_count % 64 == 0) {
		lantern_source *grown = realloc(crawl->sources, (crawl->source_count + 64) * sizeof(*grown));
		if (!grown)
			return false;
		crawl->sources = grown;
	}
	lantern_source *source = &crawl->sources[crawl->source_count];
	memset(source, 0, sizeof(*source));
	source->path = path_join(directory, name);
	source->sidecar = sidecar_name ? path_join(directory, sidecar_name) : NULL;
	source->kind = kind;
	source->folder = folder;
	if (!source->path || (sidecar_name && !source->sidecar)) {
		free(source->path);
		free(source->sidecar);
		return false;
	}
	crawl->source_count++;
	return true;
}

static size_t add_folder(crawl_walk *walk, const char *relative, size_t parent)
{
	lantern_crawl *crawl = walk->crawl;
	if (crawl->folder_count % 16 == 0) {
		lantern_folder *grown = realloc(crawl->folders, (crawl->folder_count + 16) * sizeof(*grown));
		if (!grown)
			return SIZE_MAX;
		crawl->folders = grown;
	}
	lantern_folder *folder = &crawl->folders[crawl->folder_count];
	memset(folder, 0, sizeof(*folder));
	folder->path = strdup(relative);
	folder->parent = parent;
	if (!folder->path)
		return SIZE_MAX;
	return crawl->folder_count++;
}

static void add_unreadable(crawl_walk *walk, const char *relative)
{
	lantern_crawl *crawl = walk->crawl;
	char **grown = realloc(crawl->unreadable, (crawl->unreadable_count + 1) * sizeof(char *));
	if (!grown)
		return;
	crawl->unreadable = grown;
	crawl->unreadable[crawl->unreadable_count] = strdup(relative);
	if (crawl->unreadable[crawl->unreadable_count])
		crawl->unreadable_count++;
}

/* Reads a record's `transcript:` (NULL when none or unreadable: the worker
 * reports problems with the record itself when it loads it). */
static char *record_transcript(const char *full_path)
{
	char *text = NULL;
	size_t length = 0;
	if (lantern_file_read(full_path, LANTERN_RECORD_MAX, &text, &length) != LANTERN_OK)
		return NULL;
	lantern_yaml_node *root = NULL;
	char *transcript = NULL;
	if (lantern_yaml_parse(&root, text, length, full_path, 0, NULL) == LANTERN_OK) {
		const lantern_yaml_node *value = lantern_yaml_get(root, "transcript");
		if (value && value->kind == LANTERN_YAML_SCALAR && !lantern_yaml_is_null(value))
			transcript = strdup(value->text);
	}
	lantern_yaml_free(root);
	free(text);
	return transcript;
}

/* ------------------------------------------------------------------ the walk */

static bool inside_root(const crawl_walk *walk, const char *real)
{
	return strncmp(real, walk->root_real, walk->root_real_length) == 0 &&
	       (real[walk->root_real_length] == '/' || real[walk->root_real_length] == '\0');
}

static bool visit_directory(crawl_walk *walk, const struct stat *info)
{
	for (size_t i = 0; i < walk->visited_count; i++)
		if (walk->visited[i].device == info->st_dev && walk->visited[i].inode == info->st_ino)
			return false;
	visited_directory *grown = realloc(walk->visited, (walk->visited_count + 1) * sizeof(*grown));
	if (!grown)
		return false;
	walk->visited = grown;
	walk->visited[walk->visited_count++] = (visited_directory){ info->st_dev, info->st_ino };
	return true;
}

static const char *file_kind_name(mode_t mode)
{
	if (S_ISFIFO(mode)) return "a FIFO";
	if (S_ISSOCK(mode)) return "a socket";
	if (S_ISCHR(mode)) return "a character device";
	if (S_ISBLK(mode)) return "a block device";
	return "not a regular file";
}

static void walk_directory(crawl_walk *walk, const char *relative, size_t parent, unsigned depth);

/* Sorts the regular files of one directory into resources. */
static void classify_files(crawl_walk *walk, const char *relative, size_t folder,
                           char **files, size_t count)
{
	lantern_crawl *crawl = walk->crawl;
	bool at_root = relative[0] == '\0';
	size_t first_source = crawl->source_count;
	char **transcripts = NULL;
	size_t transcript_count = 0;
	char **orphans = NULL;     /* transcript-named files, borrowed from `files` */
	size_t orphan_count = 0;

	for (size_t i = 0; i < count && walk->status == LANTERN_OK; i++) {
		const char *name = files[i];
		bool ok = true;
		if (at_root && (strcmp(name, LANTERN_SCHEMA_FILE) == 0 || strcmp(name, LANTERN_SYNONYMS_FILE) == 0))
			continue;
		/* _defaults.yml is accepted too: read as a record it would silently
		 * drop its folder's defaults (an `access: les` among them). */
		if (strcmp(name, LANTERN_DEFAULTS_FILE) == 0 || strcmp(name, "_defaults.yml") == 0) {
			if (crawl->folders[folder].defaults_file) {
				/* Two defaults files: which one a curator meant is unknowable,
				 * and guessing could drop an `access: les`. */
				crawl->folders[folder].defaults_conflict = true;
				continue;
			}
			crawl->folders[folder].defaults_file = path_join(relative, name);
			ok = crawl->folders[folder].defaults_file != NULL;
		} else if (is_yaml_name(name)) {
			char *base = strndup(name, strlen(name) - yaml_suffix_length(name));
			if (!base) {
				ok = false;
			} else if (!name_in(files, count, base)) {
				ok = add_source(walk, relative, name, NULL, LANTERN_SOURCE_RECORD, folder);
				if (ok) {
					lantern_source *record = &crawl->sources[crawl->source_count - 1];
					char *full = path_join(crawl->root, record->path);
					char *transcript = full ? record_transcript(full) : NULL;
					free(full);
					/* Only a plain relative name is followed; anything else
					 * is left for the record's validation to report with
					 * its line and column. */
					if (transcript && (transcript[0] == '/' || strstr(transcript, "..") ||
					                   !transcript[0])) {
						free(transcript);
						transcript = NULL;
					}
					if (transcript) {
						record->transcript = path_join(relative, transcript);
						char **grown = realloc(transcripts, (transcript_count + 1) * sizeof(char *));
						if (grown) {
							transcripts = grown;
							transcripts[transcript_count++] = transcript;
						} else {
							free(transcript);
						}
					}
				}
			}
			free(base);
		} else {
			char sidecar[NAME_MAX + 8];
			const char *sidecar_name = NULL;
			snprintf(sidecar, sizeof(sidecar), "%s.yaml", name);
			if (name_in(files, count, sidecar)) {
				sidecar_name = sidecar;
			} else {
				snprintf(sidecar, sizeof(sidecar), "%s.yml", name);
				if (name_in(files, count, sidecar))
					sidecar_name = sidecar;
			}
			if (sidecar_name)
				ok = add_source(walk, relative, name, sidecar_name, LANTERN_SOURCE_SIDECAR, folder);
			else if (is_transcript_name(name)) {
				char **grown = realloc(orphans, (orphan_count + 1) * sizeof(char *));
				if (grown) {
					orphans = grown;
					orphans[orphan_count++] = (char *)name;
				}
			} else if (ends_with(name, ".md") || ends_with(name, ".markdown"))
				ok = add_source(walk, relative, name, NULL, LANTERN_SOURCE_MARKDOWN, folder);
			else if (ends_with(name, ".txt") || ends_with(name, ".text"))
				ok = add_source(walk, relative, name, NULL, LANTERN_SOURCE_TEXT, folder);
			else if (lantern_plugins_for_path(crawl->plugins, name))
				ok = add_source(walk, relative, name, NULL, LANTERN_SOURCE_DOCUMENT, folder);
			else
				ok = add_source(walk, relative, name, NULL, LANTERN_SOURCE_SIDECAR, folder);
		}
		if (!ok)
			walk->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "crawl");
	}

	/* A transcript no record here names is reported, never indexed alone. */
	for (size_t o = 0; o < orphan_count; o++) {
		bool claimed = false;
		for (size_t t = 0; t < transcript_count && !claimed; t++)
			claimed = strcmp(transcripts[t], orphans[o]) == 0;
		if (!claimed) {
			char *orphan_path = path_join(relative, orphans[o]);
			if (orphan_path)
				skipped(walk, orphan_path, "skipped: %s",
				        "a transcript is indexed only through the record that names it (or with a sidecar)");
			free(orphan_path);
		}
	}
	free(orphans);
	/* Transcripts belong to their records; files with neither a sidecar nor
	 * an extractor are reported. */
	size_t kept = first_source;
	for (size_t i = first_source; i < crawl->source_count; i++) {
		lantern_source *source = &crawl->sources[i];
		const char *name = strrchr(source->path, '/');
		name = name ? name + 1 : source->path;
		bool is_transcript = false;
		for (size_t t = 0; t < transcript_count; t++)
			is_transcript = is_transcript || strcmp(transcripts[t], name) == 0;
		bool unsupported = source->kind == LANTERN_SOURCE_SIDECAR && !source->sidecar;
		if (is_transcript || unsupported) {
			if (unsupported && !is_transcript)
				skipped(walk, source->path,
				        "skipped: no sidecar (%s.yaml) and no extractor for this format", name);
			free(source->path);
			free(source->sidecar);
			free(source->transcript);
			continue;
		}
		crawl->sources[kept++] = *source;
	}
	crawl->source_count = kept;
	for (size_t t = 0; t < transcript_count; t++)
		free(transcripts[t]);
	free(transcripts);
}

static void walk_directory(crawl_walk *walk, const char *relative, size_t parent, unsigned depth)
{
	lantern_crawl *crawl = walk->crawl;
	char *full = relative[0] ? path_join(crawl->root, relative) : strdup(crawl->root);
	if (!full) {
		walk->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "crawl");
		return;
	}
	size_t folder = add_folder(walk, relative, parent);
	if (folder == SIZE_MAX) {
		free(full);
		walk->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "crawl");
		return;
	}
	DIR *directory = opendir(full);
	if (!directory) {
		skipped(walk, relative[0] ? relative : ".", "skipped folder: %s", strerror(errno));
		add_unreadable(walk, relative);
		free(full);
		return;
	}
	char **names = NULL;
	size_t name_count = 0;
	struct dirent *entry;
	while ((entry = readdir(directory)) != NULL) {
		if (is_backup_or_hidden(entry->d_name))
			continue;
		char **grown = realloc(names, (name_count + 1) * sizeof(char *));
		if (!grown || !(grown[name_count] = strdup(entry->d_name))) {
			names = grown ? grown : names;
			walk->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "crawl");
			break;
		}
		names = grown;
		name_count++;
	}
	closedir(directory);
	if (name_count)
		qsort(names, name_count, sizeof(char *), compare_names);

	char **files = NULL;
	size_t file_count = 0;
	char **subdirectories = NULL;
	size_t subdirectory_count = 0;
	for (size_t i = 0; i < name_count && walk->status == LANTERN_OK; i++) {
		char *child_relative = path_join(relative, names[i]);
		char *child_full = path_join(crawl->root, child_relative);
		struct stat info;
		if (!child_relative || !child_full) {
			walk->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "crawl");
		} else if (lstat(child_full, &info) != 0) {
			skipped(walk, child_relative, "skipped: %s", strerror(errno));
		} else {
			bool usable = true;
			bool is_link = S_ISLNK(info.st_mode);
			if (is_link) {
				char *real = realpath(child_full, NULL);
				if (!real) {
					skipped(walk, child_relative, "skipped symlink: %s",
					        errno == ELOOP ? "symlink loop" :
					        errno == ENOENT ? "target does not exist" : strerror(errno));
					usable = false;
				} else if (!inside_root(walk, real)) {
					skipped(walk, child_relative, "skipped symlink: %s", "it points outside the corpus");
					usable = false;
				} else if (stat(child_full, &info) != 0) {
					skipped(walk, child_relative, "skipped symlink: %s", strerror(errno));
					usable = false;
				}
				free(real);
			}
			bool is_directory = usable && S_ISDIR(info.st_mode);
			if (usable && ignored(walk, child_relative, names[i], is_directory)) {
				usable = false;
			} else if (usable && !is_directory && !S_ISREG(info.st_mode)) {
				skipped(walk, child_relative, "skipped: %s", file_kind_name(info.st_mode));
				usable = false;
			}
			if (usable && is_directory) {
				if (depth + 1 > LANTERN_CRAWL_MAX_DEPTH) {
					skipped(walk, child_relative, "skipped folder: %s", "nested too deeply");
				} else if (is_link) {
					deferred_directory *grown = realloc(walk->deferred,
					                                    (walk->deferred_count + 1) * sizeof(*grown));
					if (!grown) {
						walk->status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "crawl");
					} else {
						walk->deferred = grown;
						walk->deferred[walk->deferred_count++] =
							(deferred_directory){ child_relative, folder, depth + 1, info };
						child_relative = NULL;
					}
				} else if (!visit_directory(walk, &info)) {
					skipped(walk, child_relative, "skipped folder: %s",
					        "already visited (a symlink loop)");
				} else {
					char **grown = realloc(subdirectories, (subdirectory_count + 1) * sizeof(char *));
					if (grown) {
						subdirectories = grown;
						subdirectories[subdirectory_count++] = child_relative;
						child_relative = NULL;
					}
				}
			} else if (usable) {
				char **grown = realloc(files, (file_count + 1) * sizeof(char *));
				if (grown) {
					files = grown;
					files[file_count++] = names[i];
				}
			}
		}
		free(child_relative);
		free(child_full);
	}
	/* `files` borrows from `names`, already sorted. */
	classify_files(walk, relative, folder, files, file_count);
	free(files);
	for (size_t i = 0; i < name_count; i++)
		free(names[i]);
	free(names);
	free(full);
	for (size_t i = 0; i < subdirectory_count; i++) {
		if (walk->status == LANTERN_OK)
			walk_directory(walk, subdirectories[i], folder, depth + 1);
		free(subdirectories[i]);
	}
	free(subdirectories);
}

/* A record's transcript may sit in a subfolder ("transcript: sub/t.txt"),
 * where classify_files, which sees one folder at a time, listed it as a
 * resource of its own. Drops those; `sources` must be sorted by path. */
static lantern_status drop_transcripts(lantern_crawl *crawl)
{
	size_t count = crawl->source_count;
	bool *drop = NULL;
	for (size_t i = 0; i < count; i++) {
		if (!crawl->sources[i].transcript)
			continue;
		lantern_source key;
		memset(&key, 0, sizeof(key));
		key.path = crawl->sources[i].transcript;
		const lantern_source *found = bsearch(&key, crawl->sources, count, sizeof(key),
		                                      compare_sources);
		if (!found || found == &crawl->sources[i])
			continue;
		if (!drop && !(drop = calloc(count, sizeof(bool))))
			return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "crawl");
		drop[found - crawl->sources] = true;
	}
	if (!drop)
		return LANTERN_OK;
	size_t kept = 0;
	for (size_t i = 0; i < count; i++) {
		if (drop[i]) {
			free(crawl->sources[i].path);
			free(crawl->sources[i].sidecar);
			free(crawl->sources[i].transcript);
			continue;
		}
		crawl->sources[kept++] = crawl->sources[i];
	}
	crawl->source_count = kept;
	free(drop);
	return LANTERN_OK;
}

lantern_status lantern_crawl_run(lantern_crawl *out, const char *root)
{
	return lantern_crawl_run_with(out, root, NULL, NULL);
}

lantern_status lantern_crawl_run_with(lantern_crawl *out, const char *root,
                                      const lantern_plugin_set *plugins,
                                      const lantern_extract_limits *limits)
{
	memset(out, 0, sizeof(*out));
	lantern_extract_limits defaults = LANTERN_EXTRACT_LIMITS_INIT;
	out->plugins = plugins;
	out->limits = limits ? *limits : defaults;
	crawl_walk walk;
	memset(&walk, 0, sizeof(walk));
	walk.crawl = out;
	out->root = strdup(root);
	walk.root_real = realpath(root, NULL);
	if (!out->root || !walk.root_real) {
		lantern_status status = out->root ? lantern_error_set_errno(root)
		                                  : lantern_error_set(LANTERN_ERROR_NO_MEMORY, "crawl");
		free(walk.root_real);
		lantern_crawl_clear(out);
		return status;
	}
	walk.root_real_length = strlen(walk.root_real);
	struct stat info;
	if (stat(walk.root_real, &info) != 0 || !S_ISDIR(info.st_mode)) {
		lantern_status status = lantern_error_set(LANTERN_ERROR_NOT_FOUND,
		                                          "%s: not a directory", root);
		free(walk.root_real);
		lantern_crawl_clear(out);
		return status;
	}
	visit_directory(&walk, &info);
	load_ignore_file(&walk);
	walk_directory(&walk, "", SIZE_MAX, 0);
	/* Then the symlinked folders, in the order met (the list grows as they
	 * are walked); one whose target was walked already is an alias or a loop. */
	for (size_t i = 0; i < walk.deferred_count; i++) {
		deferred_directory link = walk.deferred[i];
		if (walk.status == LANTERN_OK && !visit_directory(&walk, &link.info))
			skipped(&walk, link.relative, "skipped folder: %s", "already visited (a symlink loop)");
		else if (walk.status == LANTERN_OK)
			walk_directory(&walk, link.relative, link.parent, link.depth);
		free(link.relative);
	}
	free(walk.deferred);
	if (walk.status == LANTERN_OK && out->folder_count && out->unreadable_count &&
	    out->unreadable_count == 1 && out->unreadable[0][0] == '\0')
		walk.status = lantern_error_set(LANTERN_ERROR_IO, "%s: cannot read the corpus folder", root);
	free(walk.root_real);
	free(walk.visited);
	for (size_t i = 0; i < walk.ignore_count; i++)
		free(walk.ignore_patterns[i]);
	free(walk.ignore_patterns);
	if (walk.status != LANTERN_OK) {
		lantern_crawl_clear(out);
		return walk.status;
	}
	if (out->source_count)
		qsort(out->sources, out->source_count, sizeof(*out->sources), compare_sources);
	lantern_status status = drop_transcripts(out);
	if (status != LANTERN_OK)
		lantern_crawl_clear(out);
	return status;
}

bool lantern_crawl_is_unreadable(const lantern_crawl *crawl, const char *path)
{
	for (size_t i = 0; i < crawl->unreadable_count; i++) {
		const char *prefix = crawl->unreadable[i];
		size_t length = strlen(prefix);
		if (length == 0 || (strncmp(path, prefix, length) == 0 && (path[length] == '/' || path[length] == '\0')))
			return true;
	}
	return false;
}

lantern_status lantern_crawl_load_defaults(lantern_crawl *crawl, const lantern_schema *schema,
                                           const lantern_metadata *global, uint64_t seed,
                                           lantern_diagnostics *diagnostics)
{
	/* Folders are listed parents first, so each chain is resolved in one pass. */
	for (size_t i = 0; i < crawl->folder_count; i++) {
		lantern_folder *folder = &crawl->folders[i];
		const lantern_folder *parent = folder->parent == SIZE_MAX ? NULL : &crawl->folders[folder->parent];
		uint64_t hash = parent ? parent->context_hash : seed;
		folder->defaults_invalid = parent ? parent->defaults_invalid : false;
		if (folder->defaults_conflict) {
			lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, folder->defaults_file, 0, 0,
			                        "this folder has both _defaults.yaml and _defaults.yml; keep one");
			folder->defaults_invalid = true;
		}
		if (folder->defaults_file) {
			char *full = path_join(crawl->root, folder->defaults_file);
			char *text = NULL;
			size_t length = 0;
			lantern_status status = full ? lantern_file_read(full, LANTERN_RECORD_MAX, &text, &length)
			                             : lantern_error_set(LANTERN_ERROR_NO_MEMORY, "path");
			free(full);
			if (status == LANTERN_ERROR_NO_MEMORY)
				return status;
			if (status != LANTERN_OK) {
				lantern_diagnostics_add(diagnostics, LANTERN_SEVERITY_ERROR, folder->defaults_file,
				                        0, 0, "cannot read: %s", lantern_error_detail());
				folder->defaults_invalid = true;
			} else {
				hash = lantern_hash64(text, length, hash);
				status = lantern_metadata_parse(&folder->defaults, text, length, folder->defaults_file,
				                                0, schema, LANTERN_METADATA_DEFAULTS, diagnostics);
				if (status == LANTERN_ERROR_PARSE)
					folder->defaults_invalid = true;
				else if (status != LANTERN_OK) {
					free(text);
					return status;
				}
			}
			free(text);
		}
		const lantern_metadata *inherited = parent ? &parent->defaults : global;
		if (inherited) {
			lantern_status status = lantern_metadata_inherit(&folder->defaults, inherited);
			if (status != LANTERN_OK)
				return status;
		}
		folder->context_hash = hash;
	}
	return LANTERN_OK;
}

void lantern_crawl_clear(lantern_crawl *crawl)
{
	if (!crawl)
		return;
	for (size_t i = 0; i < crawl->source_count; i++) {
		free(crawl->sources[i].path);
		free(crawl->sources[i].sidecar);
		free(crawl->sources[i].transcript);
	}
	free(crawl->sources);
	for (size_t i = 0; i < crawl->folder_count; i++) {
		free(crawl->folders[i].path);
		free(crawl->folders[i].defaults_file);
		lantern_metadata_clear(&crawl->folders[i].defaults);
	}
	free(crawl->folders);
	for (size_t i = 0; i < crawl->unreadable_count; i++)
		free(crawl->unreadable[i]);
	free(crawl->unreadable);
	lantern_diagnostics_clear(&crawl->skipped);
	free(crawl->root);
	memset(crawl, 0, sizeof(*crawl));
}
