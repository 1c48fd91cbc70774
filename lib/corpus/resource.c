/*
 * resource.c - loading one resource (files -> validated metadata + text) and
 * building its index document.
 *
 * Runs on the indexer's worker threads: it reads only its own files and the
 * crawl and schema, which are immutable while workers run.
 */
#include "lantern/corpus.h"
#include "lantern/index_schema.h"
#include "common/buffer.h"
#include "common/error.h"
#include "common/hash.h"
#include "common/utf8.h"
#include "text/extract.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static char *join_path(const char *root, const char *relative)
{
	size_t length = strlen(root) + strlen(relative) + 2;
	char *path = malloc(length);
	if (path)
		snprintf(path, length, "%s/%s", root, relative);
	return path;
}

char *lantern_id_from_path(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');
	const char *name = slash ? slash + 1 : path;
	/* A leading dot (".profile") starts a name, not an extension. */
	size_t length = (dot && dot > name) ? (size_t)(dot - path) : strlen(path);
	char *id = strndup(path, length);
	if (!id)
		return NULL;
	/* Keep ids within the identifier alphabet: anything else becomes '-'. */
	for (char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_./", *p))
			*p = '-';
	return id;
}

static int64_t now_ns(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static lantern_status stat_input(const char *root, const char *relative, lantern_input_file *file)
{
	char *full = join_path(root, relative);
	if (!full)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "path");
	struct stat info;
	int result = stat(full, &info);
	free(full);
	if (result != 0)
		return lantern_error_set_errno(relative);
	file->path = strdup(relative);
	if (!file->path)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "path");
	file->size = (uint64_t)info.st_size;
	file->mtime_ns = (int64_t)info.st_mtim.tv_sec * 1000000000 + info.st_mtim.tv_nsec;
	return LANTERN_OK;
}

size_t lantern_source_stat(const lantern_crawl *crawl, const lantern_source *source,
                           lantern_input_file files[3], lantern_status *status)
{
	const char *inputs[3] = { source->path, source->sidecar, source->transcript };
	size_t count = 0;
	*status = LANTERN_OK;
	for (size_t i = 0; i < 3; i++) {
		if (!inputs[i])
			continue;
		memset(&files[count], 0, sizeof(files[count]));
		*status = stat_input(crawl->root, inputs[i], &files[count]);
		if (*status != LANTERN_OK) {
			for (size_t k = 0; k < count; k++)
				free(files[k].path);
			return 0;
		}
		count++;
	}
	return count;
}

/* Reads one input of the resource, checks it is UTF-8 (when `text`), and
 * mixes its bytes into the content hash. Reports problems as diagnostics. */
static lantern_status read_input(lantern_resource *resource, const lantern_crawl *crawl,
                                 const char *relative, size_t limit, bool text,
                                 char **out, size_t *length)
{
	*out = NULL;
	char *full = join_path(crawl->root, relative);
	if (!full)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "path");
	/* Read through the resolved path, and only inside the corpus: the crawl
	 * vetted the primary file and the sidecar, but a transcript named in a
	 * record never was (a symlink or "../" could point anywhere). */
	lantern_status status = LANTERN_OK;
	char *real = realpath(full, NULL);
	char *root_real = real ? realpath(crawl->root, NULL) : NULL;
	if (!real || !root_real) {
		status = lantern_error_set_errno(relative);
	} else {
		size_t root_length = strlen(root_real);
		if (strncmp(real, root_real, root_length) != 0 ||
		    (real[root_length] != '/' && real[root_length] != '\0'))
			status = lantern_error_set(LANTERN_ERROR_IO, "%s: it points outside the corpus",
			                           relative);
		else
			status = lantern_file_read(real, limit, out, length);
	}
	free(root_real);
	free(real);
	free(full);
	if (status != LANTERN_OK) {
		lantern_diagnostics_add(&resource->diagnostics, LANTERN_SEVERITY_ERROR, relative, 0, 0,
		                        "cannot read: %s", lantern_error_detail());
		return status;
	}
	resource->content_hash = lantern_hash64(*out, *length, resource->content_hash);
	size_t bad = 0;
	if (text && !lantern_utf8_validate(*out, *length, &bad)) {
		unsigned line, column;
		lantern_text_position(*out, bad, &line, &column);
		lantern_diagnostics_add(&resource->diagnostics, LANTERN_SEVERITY_ERROR, relative, line,
		                        column, "invalid UTF-8 (byte 0x%02x); save the file as UTF-8",
		                        (unsigned char)(*out)[bad]);
		free(*out);
		*out = NULL;
		return lantern_error_set(LANTERN_ERROR_PARSE, "%s: invalid UTF-8", relative);
	}
	return LANTERN_OK;
}

/* Extracts `relative` with its plugin (in an isolated child for untrusted
 * formats). The file's bytes are hashed like any other input. */
static lantern_status extract_with_plugin(lantern_resource *resource, const lantern_crawl *crawl,
                                          const char *relative, const lantern_plugin *plugin,
                                          lantern_document_text *text)
{
	char *bytes = NULL;
	size_t length = 0;
	lantern_status status = read_input(resource, crawl, relative, LANTERN_FILE_MAX, false, &bytes, &length);
	free(bytes);
	if (status != LANTERN_OK)
		return status;
	char *full = join_path(crawl->root, relative);
	if (!full)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "path");
	char reason[512];
	status = lantern_extract_file(crawl->plugins, plugin, full, &crawl->limits, text, reason, sizeof(reason));
	free(full);
	if (status != LANTERN_OK)
		lantern_diagnostics_add(&resource->diagnostics, LANTERN_SEVERITY_ERROR, relative, 0, 0,
		                        "cannot extract text (%s): %s", plugin->name, reason);
	return status;
}

static bool has_extension(const char *path, const char *extension)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	return dot && (!slash || dot > slash) && strcasecmp(dot + 1, extension) == 0;
}

static const char *extension_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	const char *slash = strrchr(path, '/');
	return (dot && (!slash || dot > slash)) ? dot + 1 : "";
}

/* Extracts the body of a Markdown or text file (front matter skipped). When
 * `metadata_path` is non-NULL, front matter found is parsed into the
 * resource's metadata. */
static lantern_status extract_document(lantern_resource *resource, const char *path,
                                       const char *content, size_t length, bool markdown,
                                       bool parse_front_matter, const lantern_schema *schema,
                                       lantern_extracted *extracted)
{
	lantern_front_matter front;
	lantern_status status = lantern_front_matter_split(content, length, path, &front,
	                                                   &resource->diagnostics);
	if (status != LANTERN_OK)
		return status;
	if (front.present && parse_front_matter) {
		status = lantern_metadata_parse(&resource->metadata, content + front.yaml_offset,
		                                front.yaml_length, path, front.yaml_line - 1, schema, 0,
		                                &resource->diagnostics);
		if (status != LANTERN_OK && status != LANTERN_ERROR_PARSE)
			return status;
	}
	lantern_status parsed = status;
	const char *body = content + front.body_offset;
	size_t body_length = length - front.body_offset;
	status = markdown ? lantern_markdown_extract(body, body_length, extracted)
	                  : lantern_plain_text_extract(body, body_length, extracted);
	if (status != LANTERN_OK) {
		lantern_diagnostics_add(&resource->diagnostics, LANTERN_SEVERITY_ERROR, path, 0, 0,
		                        "cannot extract text: %s", lantern_error_detail());
		return status;
	}
	return parsed;
}

static lantern_status take_body(lantern_resource *resource, lantern_buffer *body)
{
	resource->body_length = body->length;
	return lantern_buffer_detach(body, &resource->body);
}

lantern_status lantern_resource_load(lantern_resource *out, const lantern_crawl *crawl,
                                     const lantern_source *source, const lantern_schema *schema)
{
	memset(out, 0, sizeof(*out));
	const lantern_folder *folder = &crawl->folders[source->folder];
	lantern_status status = LANTERN_OK;
	lantern_extracted extracted = { NULL, 0, NULL };
	lantern_document_text document;
	memset(&document, 0, sizeof(document));
	lantern_buffer body = LANTERN_BUFFER_INIT(LANTERN_TEXT_MAX);
	char *content = NULL, *metadata_text = NULL;
	size_t content_length = 0, metadata_length = 0;
	bool parse_failed = false;

	out->loaded_at_ns = now_ns();
	out->content_hash = folder->context_hash;
	out->input_count = lantern_source_stat(crawl, source, out->inputs, &status);
	if (status != LANTERN_OK) {
		lantern_diagnostics_add(&out->diagnostics, LANTERN_SEVERITY_ERROR, source->path, 0, 0,
		                        "cannot read: %s", lantern_error_detail());
		goto cleanup;
	}
	if (folder->defaults_invalid) {
		/* The invalid mark is inherited: name the topmost folder on the chain
		 * that has it, whose own _defaults.yaml has the errors. */
		const lantern_folder *culprit = folder;
		while (culprit->parent != SIZE_MAX && crawl->folders[culprit->parent].defaults_invalid)
			culprit = &crawl->folders[culprit->parent];
		lantern_diagnostics_add(&out->diagnostics, LANTERN_SEVERITY_ERROR, source->path, 1, 1,
		                        "not indexed: the folder defaults that apply to it (%s) have errors",
		                        culprit->defaults_file ? culprit->defaults_file : "--defaults");
		status = lantern_error_set(LANTERN_ERROR_PARSE, "%s: invalid defaults", source->path);
		goto cleanup;
	}

	switch (source->kind) {
	case LANTERN_SOURCE_MARKDOWN:
	case LANTERN_SOURCE_TEXT: {
		bool markdown = source->kind == LANTERN_SOURCE_MARKDOWN;
		out->format = markdown ? "markdown" : "text";
		status = read_input(out, crawl, source->path, LANTERN_FILE_MAX, true, &content,
		                    &content_length);
		if (status != LANTERN_OK)
			goto cleanup;
		status = extract_document(out, source->path, content, content_length, markdown, true,
		                          schema, &extracted);
		break;
	}
	case LANTERN_SOURCE_SIDECAR: {
		status = read_input(out, crawl, source->sidecar, LANTERN_RECORD_MAX, true,
		                    &metadata_text, &metadata_length);
		if (status != LANTERN_OK)
			goto cleanup;
		status = lantern_metadata_parse(&out->metadata, metadata_text, metadata_length,
		                                source->sidecar, 0, schema, 0, &out->diagnostics);
		parse_failed = status == LANTERN_ERROR_PARSE;
		if (status != LANTERN_OK && !parse_failed)
			goto cleanup;
		bool markdown = has_extension(source->path, "md") || has_extension(source->path, "markdown");
		bool text = has_extension(source->path, "txt") || has_extension(source->path, "text");
		const lantern_plugin *plugin = markdown || text ? NULL : lantern_plugins_for_path(crawl->plugins, source->path);
		out->format = markdown ? "markdown" : text ? "text" : plugin ? plugin->name : extension_of(source->path);
		if (plugin) {
			status = extract_with_plugin(out, crawl, source->path, plugin, &document);
			if (status != LANTERN_OK)
				goto cleanup;
			break;
		}
		status = read_input(out, crawl, source->path, LANTERN_FILE_MAX, markdown || text,
		                    &content, &content_length);
		if (status != LANTERN_OK)
			goto cleanup;
		if (markdown || text) {
			lantern_front_matter front;
			lantern_diagnostics ignored = LANTERN_DIAGNOSTICS_INIT;
			if (lantern_front_matter_split(content, content_length, source->path, &front, &ignored) == LANTERN_OK &&
			    front.present)
				lantern_diagnostics_add(&out->diagnostics, LANTERN_SEVERITY_WARNING, source->path, 1, 1,
				                        "front matter ignored: the sidecar %s holds this resource's metadata",
				                        source->sidecar);
			lantern_diagnostics_clear(&ignored);
			status = extract_document(out, source->path, content, content_length, markdown,
			                          false, schema, &extracted);
		} else {
			out->metadata_only = true;
			lantern_diagnostics_add(&out->diagnostics, LANTERN_SEVERITY_WARNING, source->path, 0,
			                        0, "no text extractor for .%s files: indexed on its metadata alone",
			                        out->format);
		}
		break;
	}
	case LANTERN_SOURCE_RECORD: {
		out->format = "yaml";
		status = read_input(out, crawl, source->path, LANTERN_RECORD_MAX, true, &metadata_text,
		                    &metadata_length);
		if (status != LANTERN_OK)
			goto cleanup;
		status = lantern_metadata_parse(&out->metadata, metadata_text, metadata_length,
		                                source->path, 0, schema, LANTERN_METADATA_RECORD,
		                                &out->diagnostics);
		parse_failed = status == LANTERN_ERROR_PARSE;
		if (status != LANTERN_OK && !parse_failed)
			goto cleanup;
		status = LANTERN_OK;
		const char *description = lantern_metadata_get(&out->metadata, LANTERN_FIELD_DESCRIPTION);
		if (description)
			status = lantern_buffer_append_string(&body, description);
		const lantern_plugin *transcript_plugin =
			source->transcript && !has_extension(source->transcript, "md") &&
			!has_extension(source->transcript, "txt") && !has_extension(source->transcript, "text")
				? lantern_plugins_for_path(crawl->plugins, source->transcript) : NULL;
		if (status == LANTERN_OK && transcript_plugin) {
			status = extract_with_plugin(out, crawl, source->transcript, transcript_plugin, &document);
		} else if (status == LANTERN_OK && source->transcript) {
			status = read_input(out, crawl, source->transcript, LANTERN_FILE_MAX, true,
			                    &content, &content_length);
			if (status == LANTERN_OK)
				status = extract_document(out, source->transcript, content, content_length,
				                          has_extension(source->transcript, "md"), false, schema,
				                          &extracted);
		}
		break;
	}
	case LANTERN_SOURCE_DOCUMENT: {
		const lantern_plugin *plugin = lantern_plugins_for_path(crawl->plugins, source->path);
		if (!plugin) {
			lantern_diagnostics_add(&out->diagnostics, LANTERN_SEVERITY_ERROR, source->path, 0, 0,
			                        "no extractor for this format");
			status = lantern_error_set(LANTERN_ERROR_UNSUPPORTED, "%s: no extractor", source->path);
			goto cleanup;
		}
		out->format = plugin->name;
		status = extract_with_plugin(out, crawl, source->path, plugin, &document);
		if (status != LANTERN_OK)
			goto cleanup;
		break;
	}
	}
	if (status == LANTERN_ERROR_PARSE) {
		parse_failed = true;
		status = LANTERN_OK;
	}
	if (status != LANTERN_OK)
		goto cleanup;

	if (document.text) {
		if (body.length && document.length)
			status = lantern_buffer_append_string(&body, "\n\n");
		size_t page_base = body.length;
		if (status == LANTERN_OK)
			status = lantern_buffer_append(&body, document.text, document.length);
		if (status == LANTERN_OK && document.page_count) {
			for (size_t i = 0; i < document.page_count; i++)
				document.page_starts[i] += page_base;
			out->page_starts = document.page_starts;
			out->page_count = document.page_count;
			document.page_starts = NULL;
			document.page_count = 0;
		}
		if (status != LANTERN_OK) {
			lantern_diagnostics_add(&out->diagnostics, LANTERN_SEVERITY_ERROR, source->path, 0, 0,
			                        "text too large: %s", lantern_error_detail());
			goto cleanup;
		}
	}
	if (extracted.text) {
		if (body.length)
			status = lantern_buffer_append_string(&body, "\n\n");
		if (status == LANTERN_OK)
			status = lantern_buffer_append(&body, extracted.text, extracted.length);
		if (status != LANTERN_OK) {
			lantern_diagnostics_add(&out->diagnostics, LANTERN_SEVERITY_ERROR, source->path, 0, 0,
			                        "text too large: %s", lantern_error_detail());
			goto cleanup;
		}
	}
	if (status == LANTERN_OK)
		status = take_body(out, &body);
	if (status != LANTERN_OK)
		goto cleanup;

	status = lantern_metadata_inherit(&out->metadata, &folder->defaults);
	if (status == LANTERN_OK && !lantern_metadata_get(&out->metadata, LANTERN_FIELD_ID)) {
		char *id = lantern_id_from_path(source->path);
		status = id ? lantern_metadata_set(&out->metadata, LANTERN_FIELD_ID, id, source->path)
		            : lantern_error_set(LANTERN_ERROR_NO_MEMORY, "id");
		free(id);
	}
	/* Precedence: sidecar or front matter, folder defaults (above), then what
	 * the file itself says (embedded title, first heading), then its name. */
	if (status == LANTERN_OK && !lantern_metadata_get(&out->metadata, LANTERN_FIELD_TITLE) &&
	    source->kind != LANTERN_SOURCE_RECORD) {
		const char *title = document.title && document.title[0] ? document.title
		                  : document.first_heading ? document.first_heading
		                  : extracted.first_heading;
		char *from_name = NULL;
		if (!title && (source->kind == LANTERN_SOURCE_DOCUMENT || source->kind == LANTERN_SOURCE_SIDECAR)) {
			const char *slash = strrchr(source->path, '/');
			from_name = lantern_id_from_path(slash ? slash + 1 : source->path);
			for (char *p = from_name; p && *p; p++)
				if (*p == '-' || *p == '_')
					*p = ' ';
			title = from_name;
		}
		if (title)
			status = lantern_metadata_set(&out->metadata, LANTERN_FIELD_TITLE, title, source->path);
		free(from_name);
	}
	char sortable[9];
	if (status == LANTERN_OK && !lantern_metadata_get(&out->metadata, LANTERN_FIELD_PUBLISHED) &&
	    document.created && lantern_date_parse(document.created, sortable))
		status = lantern_metadata_set(&out->metadata, LANTERN_FIELD_PUBLISHED, document.created, source->path);
	if (status == LANTERN_OK && !lantern_metadata_get(&out->metadata, LANTERN_FIELD_ACCESS))
		status = lantern_metadata_set(&out->metadata, LANTERN_FIELD_ACCESS, "public", "");
	if (status != LANTERN_OK)
		goto cleanup;
	/* Only report missing fields when parsing itself succeeded: a field
	 * rejected above is already reported where it was written. */
	if (!parse_failed)
		lantern_metadata_check_required(&out->metadata, source->sidecar ? source->sidecar
		                                                                 : source->path,
		                                &out->diagnostics);

cleanup:
	free(content);
	free(metadata_text);
	lantern_extracted_clear(&extracted);
	lantern_document_text_clear(&document);
	lantern_buffer_dispose(&body);
	if (status == LANTERN_OK && out->diagnostics.error_count)
		status = lantern_error_set(LANTERN_ERROR_PARSE, "%s: %zu error(s)", source->path,
		                           out->diagnostics.error_count);
	return status;
}

void lantern_resource_clear(lantern_resource *resource)
{
	if (!resource)
		return;
	lantern_metadata_clear(&resource->metadata);
	free(resource->body);
	free(resource->page_starts);
	for (size_t i = 0; i < resource->input_count; i++)
		free(resource->inputs[i].path);
	lantern_diagnostics_clear(&resource->diagnostics);
	memset(resource, 0, sizeof(*resource));
}

/* ------------------------------------------------------------------ building */

typedef struct facet_slot {
	lantern_field field;
	unsigned slot;
	const char *prefix;
} facet_slot;

static const facet_slot facet_slots[] = {
	{ LANTERN_FIELD_TYPE, LANTERN_SLOT_FACET_TYPE, LANTERN_PREFIX_TYPE },
	{ LANTERN_FIELD_AGENCY_TYPE, LANTERN_SLOT_FACET_AGENCY_TYPE, LANTERN_PREFIX_AGENCY_TYPE },
	{ LANTERN_FIELD_AGENCY_SIZE, LANTERN_SLOT_FACET_AGENCY_SIZE, LANTERN_PREFIX_AGENCY_SIZE },
	{ LANTERN_FIELD_RESOURCE_LEVEL, LANTERN_SLOT_FACET_RESOURCE_LEVEL, LANTERN_PREFIX_RESOURCE_LEVEL },
	{ LANTERN_FIELD_TOPICS, LANTERN_SLOT_FACET_TOPICS, LANTERN_PREFIX_TOPIC },
	{ LANTERN_FIELD_AUDIENCE, LANTERN_SLOT_FACET_AUDIENCE, LANTERN_PREFIX_AUDIENCE },
	{ LANTERN_FIELD_DELIVERY, LANTERN_SLOT_FACET_DELIVERY, LANTERN_PREFIX_DELIVERY },
	{ LANTERN_FIELD_ACCESS, 0, LANTERN_PREFIX_ACCESS },
};

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Xapian refuses terms over 245 bytes; long free-text values are cut at a
 * character boundary. */
static lantern_status add_term(lantern_document *doc, const char *prefix, const char *value)
{
	char term[240];
	size_t prefix_length = strlen(prefix);
	size_t room = sizeof(term) - 1 - prefix_length;
	size_t length = lantern_utf8_truncate(value, strlen(value), room);
	memcpy(term, prefix, prefix_length);
	memcpy(term + prefix_length, value, length);
	term[prefix_length + length] = '\0';
	return lantern_document_add_boolean_term(doc, term);
}

static lantern_status add_facet(lantern_document *doc, const lantern_resource *resource,
                                const lantern_schema *schema, const facet_slot *facet)
{
	const char **values = NULL;
	size_t count = 0;
	lantern_status status = lantern_metadata_expand(&resource->metadata, facet->field, schema,
	                                                &values, &count);
	if (status != LANTERN_OK || count == 0)
		return status;
	lantern_buffer combination = LANTERN_BUFFER_INIT(0);
	qsort(values, count, sizeof(*values), compare_strings);
	for (size_t i = 0; i < count && status == LANTERN_OK; i++) {
		status = add_term(doc, facet->prefix, values[i]);
		if (status == LANTERN_OK && i)
			status = lantern_buffer_append_char(&combination, LANTERN_FACET_SEPARATOR);
		if (status == LANTERN_OK)
			status = lantern_buffer_append_string(&combination, values[i]);
	}
	const lantern_field_value *raw = &resource->metadata.fields[facet->field];
	for (size_t i = 0; status == LANTERN_OK && i < raw->count; i++)
		if (strcmp(raw->values[i], "all") == 0)
			status = add_term(doc, LANTERN_PREFIX_ALL, lantern_field_info_get(facet->field)->name);
	if (status == LANTERN_OK && facet->slot)
		status = lantern_document_set_value(doc, facet->slot, combination.data, combination.length);
	lantern_buffer_dispose(&combination);
	free(values);
	return status;
}

static lantern_status index_field(lantern_term_generator *generator, const char *text,
                                  unsigned weight, const char *prefix)
{
	if (!text || !text[0])
		return LANTERN_OK;
	size_t length = strlen(text);
	lantern_status status = lantern_term_generator_index_text(generator, text, length, weight, "");
	if (status == LANTERN_OK && prefix)
		status = lantern_term_generator_index_text(generator, text, length, 1, prefix);
	if (status == LANTERN_OK)
		status = lantern_term_generator_increase_position(generator, LANTERN_FIELD_POSITION_GAP);
	return status;
}

static json_t *metadata_json(const lantern_metadata *metadata)
{
	json_t *object = json_object();
	for (int field = 0; object && field < LANTERN_FIELD_COUNT; field++) {
		const lantern_field_value *value = &metadata->fields[field];
		const lantern_field_info *info = lantern_field_info_get((lantern_field)field);
		if (!value->count || field == LANTERN_FIELD_DESCRIPTION || field == LANTERN_FIELD_TITLE ||
		    field == LANTERN_FIELD_SUMMARY || field == LANTERN_FIELD_ID)
			continue;
		json_t *item;
		if (info->multiple) {
			item = json_array();
			for (size_t i = 0; item && i < value->count; i++)
				json_array_append_new(item, json_string(value->values[i]));
		} else {
			item = json_string(value->values[0]);
		}
		json_object_set_new(object, info->name, item);
	}
	return object;
}

static char *document_data(const lantern_resource *resource, const char *path)
{
	const lantern_metadata *metadata = &resource->metadata;
	size_t body_length = lantern_utf8_truncate(resource->body, resource->body_length,
	                                           LANTERN_DATA_BODY_MAX);
	json_t *data = json_object();
	if (!data)
		return NULL;
	const char *summary = lantern_metadata_get(metadata, LANTERN_FIELD_SUMMARY);
	const char *url = lantern_metadata_get(metadata, LANTERN_FIELD_URL);
	json_object_set_new(data, "id", json_string(lantern_metadata_get(metadata, LANTERN_FIELD_ID)));
	json_object_set_new(data, "title", json_string(lantern_metadata_get(metadata, LANTERN_FIELD_TITLE)));
	json_object_set_new(data, "type", json_string(lantern_metadata_get(metadata, LANTERN_FIELD_TYPE)));
	json_object_set_new(data, "summary", summary ? json_string(summary) : json_null());
	json_object_set_new(data, "url", url ? json_string(url) : json_null());
	json_object_set_new(data, "path", json_string(path));
	json_object_set_new(data, "format", json_string(resource->format));
	json_object_set_new(data, "metadata", metadata_json(metadata));
	json_object_set_new(data, "body", json_stringn(resource->body ? resource->body : "", body_length));
	if (resource->page_count) {
		json_t *pages = json_array();
		for (size_t i = 0; pages && i < resource->page_count; i++)
			json_array_append_new(pages, json_integer((json_int_t)resource->page_starts[i]));
		json_object_set_new(data, "pages", pages);
	}
	char *text = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	return text;
}

lantern_status lantern_resource_build(const lantern_resource *resource,
                                      const lantern_schema *schema,
                                      lantern_term_generator *generator, const char *state,
                                      lantern_document **out)
{
	*out = NULL;
	const lantern_metadata *metadata = &resource->metadata;
	lantern_document *doc = NULL;
	char *data = NULL;
	lantern_status status = lantern_document_new(&doc);
	if (status != LANTERN_OK)
		return status;
	status = lantern_term_generator_set_language(generator,
	                                             lantern_metadata_get(metadata, LANTERN_FIELD_LANGUAGE));
	if (status == LANTERN_OK)
		status = lantern_term_generator_set_document(generator, doc);
	if (status == LANTERN_OK)
		status = index_field(generator, lantern_metadata_get(metadata, LANTERN_FIELD_TITLE),
		                     LANTERN_WEIGHT_TITLE, LANTERN_PREFIX_TITLE);
	if (status == LANTERN_OK)
		status = index_field(generator, lantern_metadata_get(metadata, LANTERN_FIELD_SUMMARY),
		                     LANTERN_WEIGHT_SUMMARY, LANTERN_PREFIX_SUMMARY);
	if (status == LANTERN_OK && resource->body_length)
		status = lantern_term_generator_index_text(generator, resource->body,
		                                           resource->body_length, LANTERN_WEIGHT_BODY, "");
	const char *publisher = lantern_metadata_get(metadata, LANTERN_FIELD_PUBLISHER);
	if (status == LANTERN_OK && publisher) {
		status = lantern_term_generator_increase_position(generator, LANTERN_FIELD_POSITION_GAP);
		if (status == LANTERN_OK)
			status = lantern_term_generator_index_text(generator, publisher, strlen(publisher), 1,
			                                           LANTERN_PREFIX_PUBLISHER_TEXT);
	}

	if (status == LANTERN_OK)
		status = add_term(doc, LANTERN_PREFIX_ID, lantern_metadata_get(metadata, LANTERN_FIELD_ID));
	for (size_t i = 0; status == LANTERN_OK && i < sizeof(facet_slots) / sizeof(facet_slots[0]); i++)
		status = add_facet(doc, resource, schema, &facet_slots[i]);
	const char *language = lantern_metadata_get(metadata, LANTERN_FIELD_LANGUAGE);
	if (!language)
		language = "en";
	if (status == LANTERN_OK)
		status = add_term(doc, LANTERN_PREFIX_LANGUAGE, language);
	if (status == LANTERN_OK)
		status = lantern_document_set_value(doc, LANTERN_SLOT_FACET_LANGUAGE, language, strlen(language));
	if (status == LANTERN_OK && publisher) {
		char lowered[201];
		size_t length = lantern_utf8_truncate(publisher, strlen(publisher), 200);
		for (size_t i = 0; i < length; i++)
			lowered[i] = (char)tolower((unsigned char)publisher[i]);
		lowered[length] = '\0';
		status = add_term(doc, LANTERN_PREFIX_PUBLISHER, lowered);
		if (status == LANTERN_OK)
			status = lantern_document_set_value(doc, LANTERN_SLOT_FACET_PUBLISHER, publisher,
			                                    strlen(publisher));
	}
	if (status == LANTERN_OK)
		status = add_term(doc, LANTERN_PREFIX_FORMAT, resource->format);

	const struct { lantern_field field; unsigned slot; } dates[] = {
		{ LANTERN_FIELD_PUBLISHED, LANTERN_SLOT_PUBLISHED },
		{ LANTERN_FIELD_UPDATED, LANTERN_SLOT_UPDATED },
	};
	for (size_t i = 0; status == LANTERN_OK && i < 2; i++) {
		const char *date = lantern_metadata_get(metadata, dates[i].field);
		char sortable[9];
		if (!date || !lantern_date_parse(date, sortable))
			continue;
		status = lantern_document_set_value(doc, dates[i].slot, sortable, 8);
		if (status == LANTERN_OK && dates[i].field == LANTERN_FIELD_PUBLISHED) {
			sortable[4] = '\0';
			status = add_term(doc, LANTERN_PREFIX_YEAR, sortable);
		}
	}
	if (status == LANTERN_OK) {
		const char *title = lantern_metadata_get(metadata, LANTERN_FIELD_TITLE);
		const char *id = lantern_metadata_get(metadata, LANTERN_FIELD_ID);
		size_t length = lantern_utf8_truncate(title, strlen(title), 200);
		char sort_key[512];
		for (size_t i = 0; i < length; i++)
			sort_key[i] = (char)tolower((unsigned char)title[i]);
		length += (size_t)snprintf(sort_key + length, sizeof(sort_key) - length, "\x1f%s", id);
		status = lantern_document_set_value(doc, LANTERN_SLOT_TITLE_SORT, sort_key,
		                                    length < sizeof(sort_key) ? length : sizeof(sort_key) - 1);
		char date_key[256];
		const char *published = lantern_metadata_get(metadata, LANTERN_FIELD_PUBLISHED);
		char sortable[9] = "00000000";
		if (published && !lantern_date_parse(published, sortable))
			memcpy(sortable, "00000000", 9);
		int date_length = snprintf(date_key, sizeof(date_key), "%s\x1f%s", sortable, id);
		if (status == LANTERN_OK)
			status = lantern_document_set_value(doc, LANTERN_SLOT_DATE_SORT, date_key,
			                                    (size_t)date_length < sizeof(date_key) ? (size_t)date_length
			                                                                           : sizeof(date_key) - 1);
	}
	if (status == LANTERN_OK) {
		const char *id = lantern_metadata_get(metadata, LANTERN_FIELD_ID);
		status = lantern_document_set_value(doc, LANTERN_SLOT_ID, id, strlen(id));
	}
	if (status == LANTERN_OK)
		status = lantern_document_set_value(doc, LANTERN_SLOT_STATE, state, strlen(state));
	if (status == LANTERN_OK) {
		data = document_data(resource, resource->input_count ? resource->inputs[0].path : "");
		status = data ? lantern_document_set_data(doc, data, strlen(data))
		              : lantern_error_set(LANTERN_ERROR_NO_MEMORY, "document data");
	}
	free(data);
	if (status != LANTERN_OK) {
		lantern_document_free(doc);
		return status;
	}
	*out = doc;
	return LANTERN_OK;
}
