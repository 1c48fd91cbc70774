/*
 * office.c - the word-processing extractor plugin (*.docx, *.odt).
 *
 * Both formats are zip packages of XML parts. libzip opens the package
 * (with its consistency checks) and each part is read only after its
 * declared size and compression ratio pass the zip-bomb checks below, into a
 * buffer that can never grow past the cap whatever the data really inflates
 * to. libxml2's streaming reader parses each part without network access,
 * DTD loading or entity substitution (an external entity to /etc/passwd is
 * never read, and libxml2 refuses a billion-laughs expansion on its own).
 *
 *   DOCX: word/document.xml (or the main part named in _rels/.rels):
 *         w:p paragraphs, w:t text, w:tab, w:br; headings from the paragraph
 *         style (Heading1..6 / Title, or word/styles.xml "heading N" names
 *         and outline levels); docProps/core.xml: title, creator, dates.
 *   ODT:  content.xml: text:p, text:h (text:outline-level), text:s, text:tab,
 *         text:line-break; meta.xml: title, initial creator, dates.
 * A password-protected DOCX is an OLE container, not a zip; an encrypted ODT
 * says so in META-INF/manifest.xml. Both fail with a reason saying so.
 */
#define _GNU_SOURCE
#include "lantern/plugin.h"
#include "plugin_support.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>
#include <zip.h>

#define PART_MAX ((zip_uint64_t)64 << 20)     /* inflated size of a part we read */
#define META_PART_MAX ((zip_uint64_t)4 << 20) /* core.xml, meta.xml, rels, manifest */
#define RATIO_MIN_SIZE ((zip_uint64_t)8 << 20) /* the ratio check applies above this */
#define RATIO_MAX 100                          /* inflated:compressed */
#define METADATA_MAX 1000
#define HEADING_MAX 4096
#define MAX_STYLES 4096
#define MAX_NESTING 64 /* paragraphs inside paragraphs (text boxes, notes) */

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_W_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define NS_MC "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_DCTERMS "http://purl.org/dc/terms/"
#define NS_RELS "http://schemas.openxmlformats.org/package/2006/relationships"
#define NS_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_META "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
#define NS_MANIFEST "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"

/* ------------------------------------------------------------------ small helpers */



/* ------------------------------------------------------------------ the package */

typedef struct package {
	zip_t *zip;
	char *error;
	size_t error_size;
} package;

static bool part_exists(package *pkg, const char *name)
{
	return zip_name_locate(pkg->zip, name, ZIP_FL_NOCASE) >= 0;
}

/* Reads part `name` into a malloc'd, NUL-terminated buffer. A missing part
 * gives *data = NULL and success unless `required`. The declared sizes are
 * checked before anything is inflated, and reading stops at the declared
 * size (plus one byte, to notice a lie) whatever the data inflates to. */
static int read_part(package *pkg, const char *name, zip_uint64_t cap, bool required, char **data,
                     size_t *length)
{
	*data = NULL;
	*length = 0;
	zip_int64_t index = zip_name_locate(pkg->zip, name, ZIP_FL_NOCASE);
	if (index < 0)
		return required ? fail(pkg->error, pkg->error_size, "%s is missing from the package", name) : 0;
	zip_stat_t info;
	zip_stat_init(&info);
	if (zip_stat_index(pkg->zip, (zip_uint64_t)index, 0, &info) != 0 ||
	    (info.valid & (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE)) != (ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE))
		return fail(pkg->error, pkg->error_size, "damaged zip archive: no sizes for %s", name);
	if ((info.valid & ZIP_STAT_ENCRYPTION_METHOD) && info.encryption_method != ZIP_EM_NONE)
		return fail(pkg->error, pkg->error_size, "encrypted (password-protected) zip entry %s", name);
	if (info.size > cap)
		return fail(pkg->error, pkg->error_size,
		            "zip bomb refused: %s would inflate to %llu MB (limit %llu MB)", name,
		            (unsigned long long)(info.size >> 20), (unsigned long long)(cap >> 20));
	if (info.size > RATIO_MIN_SIZE && info.size / (info.comp_size ? info.comp_size : 1) > RATIO_MAX)
		return fail(pkg->error, pkg->error_size,
		            "zip bomb refused: %s compresses %llu:1 (limit %d:1)", name,
		            (unsigned long long)(info.size / (info.comp_size ? info.comp_size : 1)), RATIO_MAX);
	zip_file_t *file = zip_fopen_index(pkg->zip, (zip_uint64_t)index, 0);
	if (!file)
		return fail(pkg->error, pkg->error_size, "cannot open %s in the zip archive: %s", name,
		            zip_strerror(pkg->zip));
	size_t capacity = (size_t)info.size + 1; /* one byte more than declared */
	char *buffer = malloc(capacity + 1);
	if (!buffer) {
		zip_fclose(file);
		return fail(pkg->error, pkg->error_size, "out of memory reading %s", name);
	}
	size_t total = 0;
	while (total < capacity) {
		zip_int64_t got = zip_fread(file, buffer + total, capacity - total);
		if (got < 0) {
			fail(pkg->error, pkg->error_size, "damaged zip archive: %s: %s", name, zip_file_strerror(file));
			free(buffer);
			zip_fclose(file);
			return 1;
		}
		if (got == 0)
			break;
		total += (size_t)got;
	}
	zip_fclose(file);
	if (total != info.size) {
		free(buffer);
		return fail(pkg->error, pkg->error_size, "damaged zip archive: %s holds %s than its %llu declared bytes",
		            name, total > info.size ? "more" : "fewer", (unsigned long long)info.size);
	}
	buffer[total] = '\0';
	*data = buffer;
	*length = total;
	return 0;
}

/* ------------------------------------------------------------------ XML */

typedef enum { XML_START, XML_END, XML_TEXT } xml_event;

/* Called for each element start / end and text; returns 0 to go on, 1 (on
 * a start) to skip the element's content, -1 to stop. */
typedef int (*xml_handler)(void *state, xmlTextReaderPtr reader, xml_event event, const char *ns,
                           const char *local);

typedef struct xml_failure {
	int code, line, level;
	char message[200];
} xml_failure;

static void record_error(void *argument, xmlErrorPtr error)
{
	xml_failure *failure = argument;
	if (!error || error->level < XML_ERR_ERROR)
		return;
	/* Keep the first fatal error (or the first error until one comes). */
	if (failure->code && (failure->level == XML_ERR_FATAL || error->level != XML_ERR_FATAL))
		return;
	failure->code = error->code;
	failure->line = error->line;
	failure->level = error->level;
	snprintf(failure->message, sizeof(failure->message), "%s", error->message ? error->message : "");
	size_t length = strlen(failure->message);
	while (length && (failure->message[length - 1] == '\n' || failure->message[length - 1] == ' '))
		failure->message[--length] = '\0';
}

static bool is_entity_failure(const xml_failure *failure)
{
	return failure->code == XML_ERR_ENTITY_LOOP || strstr(failure->message, "amplification") ||
	       (strstr(failure->message, "ntity") && strstr(failure->message, "loop"));
}

/* Parses one part with the streaming reader. Returns 0, 1 with a reason, or
 * -1 when the handler asked to stop. */
static int parse_part(package *pkg, const char *name, const char *data, size_t length, xml_handler handler,
                      void *state)
{
	if (length > (size_t)INT32_MAX)
		return fail(pkg->error, pkg->error_size, "%s is too large", name);
	/* NONET and nothing else: no DTD loading, no entity substitution, no
	 * XInclude, libxml2's default size and depth limits (no HUGE). */
	xmlTextReaderPtr reader = xmlReaderForMemory(data, (int)length, name, NULL,
	                                             XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!reader)
		return fail(pkg->error, pkg->error_size, "out of memory parsing %s", name);
	xml_failure failure = { 0 };
	xmlTextReaderSetStructuredErrorHandler(reader, record_error, &failure);
	int stopped = 0;
	int status = xmlTextReaderRead(reader);
	while (status == 1) {
		int type = xmlTextReaderNodeType(reader);
		int action = 0;
		if (type == XML_READER_TYPE_ELEMENT || type == XML_READER_TYPE_END_ELEMENT) {
			const char *ns = (const char *)xmlTextReaderConstNamespaceUri(reader);
			const char *local = (const char *)xmlTextReaderConstLocalName(reader);
			if (!ns)
				ns = "";
			if (!local)
				local = "";
			if (type == XML_READER_TYPE_ELEMENT) {
				bool empty = xmlTextReaderIsEmptyElement(reader) == 1;
				action = handler(state, reader, XML_START, ns, local);
				if (action == 0 && empty)
					action = handler(state, reader, XML_END, ns, local);
				else if (action == 1 && empty)
					action = 0; /* nothing to skip */
			} else {
				action = handler(state, reader, XML_END, ns, local);
			}
		} else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
		           type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
			action = handler(state, reader, XML_TEXT, "", "");
		}
		/* Entity references (XML_READER_TYPE_ENTITY_REFERENCE) are never
		 * followed: without XML_PARSE_NOENT their content is not ours. */
		if (action < 0) {
			stopped = -1;
			break;
		}
		status = action == 1 ? xmlTextReaderNext(reader) : xmlTextReaderRead(reader);
	}
	xmlFreeTextReader(reader);
	if (stopped)
		return stopped;
	if (status < 0) {
		if (failure.code == XML_ERR_NO_MEMORY)
			return fail(pkg->error, pkg->error_size, "out of memory parsing %s", name);
		if (is_entity_failure(&failure))
			return fail(pkg->error, pkg->error_size,
			            "entity expansion refused in %s (line %d: %s)", name, failure.line,
			            failure.message);
		if (failure.code)
			return fail(pkg->error, pkg->error_size, "malformed XML in %s (line %d: %s)", name,
			            failure.line, failure.message);
		return fail(pkg->error, pkg->error_size, "malformed XML in %s", name);
	}
	return 0;
}

static bool is(const char *ns, const char *local, const char *want_ns, const char *want_local)
{
	return strcmp(local, want_local) == 0 && strcmp(ns, want_ns) == 0;
}

static bool is_w(const char *ns, const char *local, const char *want_local)
{
	return strcmp(local, want_local) == 0 && (strcmp(ns, NS_W) == 0 || strcmp(ns, NS_W_STRICT) == 0);
}

/* An attribute by local name and namespace ("" for none); malloc'd. */
static char *attribute(xmlTextReaderPtr reader, const char *local, const char *ns)
{
	xmlChar *value = ns[0] ? xmlTextReaderGetAttributeNs(reader, (const xmlChar *)local, (const xmlChar *)ns)
	                       : xmlTextReaderGetAttribute(reader, (const xmlChar *)local);
	if (!value)
		return NULL;
	char *copy = strdup((const char *)value);
	xmlFree(value);
	return copy;
}

static char *w_attribute(xmlTextReaderPtr reader, const char *local)
{
	char *value = attribute(reader, local, NS_W);
	return value ? value : attribute(reader, local, NS_W_STRICT);
}

/* ------------------------------------------------------------------ output */

/* Paragraphs and headings on their way to the sink. */
typedef struct writer {
	const lantern_extract_sink *sink;
	lantern_extract_output *out;
	int stop;
	bool emitted;       /* something went out */
	bool after_heading; /* the last thing out was a heading */
	int no_memory;      /* a buffer could not grow (stop is set too) */
	bool metadata_sent[4];
} writer;

static const char *const metadata_keys[4] = { "title", "author", "created", "modified" };

static void send_metadata(writer *w, int key, const char *value, bool date)
{
	char day[11];
	char *clean = NULL;
	if (w->stop || w->metadata_sent[key] || !value)
		return;
	if (date) {
		if (!normalize_date(value, day))
			return;
		value = day;
	} else {
		clean = collapse(value, METADATA_MAX);
		if (!clean)
			return;
		value = clean;
	}
	w->metadata_sent[key] = true;
	w->stop = w->sink->metadata(w->out, metadata_keys[key], value);
	free(clean);
}

/* Sends a finished paragraph (level 0) or heading (1..6), trimmed. */
static void send_block(writer *w, int level, text_buffer *text)
{
	if (text->failed)
		w->stop = w->no_memory = 1;
	size_t start = 0, end = text->length;
	while (start < end && is_space((unsigned char)text->data[start]))
		start++;
	while (end > start && is_space((unsigned char)text->data[end - 1]))
		end--;
	if (end > start && !w->stop) {
		char *block = text->data + start;
		size_t length = end - start;
		if (level > 0) {
			for (size_t i = 0; i < length; i++)
				if (block[i] == '\t' || block[i] == '\n')
					block[i] = ' ';
			w->stop = w->sink->heading(w->out, level > 6 ? 6 : level, block, utf8_cut(block, length, HEADING_MAX));
			w->after_heading = true;
		} else {
			if (w->emitted && !w->after_heading)
				w->stop = w->sink->text(w->out, "\n\n", 2);
			if (!w->stop)
				w->stop = w->sink->text(w->out, block, length);
			w->after_heading = false;
		}
		w->emitted = true;
	}
	text->length = 0;
	if (text->data)
		text->data[0] = '\0';
}

/* Paragraph nesting shared by both formats: a paragraph inside another
 * (a text box, a note) ends the outer one's text so far. */
typedef struct paragraphs {
	writer *w;
	text_buffer text;
	int levels[MAX_NESTING]; /* heading level (0: body text) per open paragraph */
	int depth;               /* open paragraphs; beyond MAX_NESTING only counted */
	bool space;              /* ODT: a collapsed space is due */
} paragraphs;

static int current_level(const paragraphs *p)
{
	return p->depth > 0 && p->depth <= MAX_NESTING ? p->levels[p->depth - 1] : 0;
}

static void paragraph_open(paragraphs *p, int level)
{
	if (p->depth > 0)
		send_block(p->w, current_level(p), &p->text);
	if (p->depth < MAX_NESTING)
		p->levels[p->depth] = level;
	p->depth++;
	p->space = false;
}

static void paragraph_close(paragraphs *p)
{
	if (p->depth == 0)
		return;
	send_block(p->w, current_level(p), &p->text);
	p->depth--;
	p->space = false;
}

static void set_level(paragraphs *p, int level)
{
	if (p->depth > 0 && p->depth <= MAX_NESTING)
		p->levels[p->depth - 1] = level;
}

/* ------------------------------------------------------------------ DOCX */

typedef struct style_level {
	char *id;
	int level;
} style_level;

typedef struct docx_styles {
	style_level items[MAX_STYLES];
	size_t count;
	/* while parsing styles.xml */
	char *id;
	int level;
	bool in_paragraph_style;
} docx_styles;

static int heading_from_name(const char *name)
{
	if (!name)
		return 0;
	if (strcasecmp(name, "title") == 0)
		return 1;
	const char *rest = NULL;
	if (strncasecmp(name, "heading", 7) == 0)
		rest = name + 7;
	if (!rest)
		return 0;
	if (*rest == ' ')
		rest++;
	if (rest[0] >= '1' && rest[0] <= '9' && rest[1] == '\0')
		return rest[0] - '0';
	return 0;
}

static int styles_handler(void *state, xmlTextReaderPtr reader, xml_event event, const char *ns, const char *local)
{
	docx_styles *styles = state;
	if (is_w(ns, local, "style")) {
		if (event == XML_START) {
			char *type = w_attribute(reader, "type");
			free(styles->id);
			styles->id = NULL;
			styles->in_paragraph_style = type && strcmp(type, "paragraph") == 0;
			if (styles->in_paragraph_style)
				styles->id = w_attribute(reader, "styleId");
			styles->level = 0;
			free(type);
		} else if (event == XML_END) {
			if (styles->in_paragraph_style && styles->id && styles->level > 0 && styles->count < MAX_STYLES) {
				styles->items[styles->count].id = styles->id;
				styles->items[styles->count++].level = styles->level;
				styles->id = NULL;
			}
			free(styles->id);
			styles->id = NULL;
			styles->in_paragraph_style = false;
		}
	} else if (event == XML_START && styles->in_paragraph_style && is_w(ns, local, "name")) {
		char *name = w_attribute(reader, "val");
		int level = heading_from_name(name);
		if (level)
			styles->level = level;
		free(name);
	} else if (event == XML_START && styles->in_paragraph_style && is_w(ns, local, "outlineLvl") &&
	           styles->level == 0) {
		char *value = w_attribute(reader, "val");
		if (value && value[0] >= '0' && value[0] <= '5' && value[1] == '\0')
			styles->level = value[0] - '0' + 1;
		free(value);
	}
	return 0;
}

static void styles_free(docx_styles *styles)
{
	for (size_t i = 0; i < styles->count; i++)
		free(styles->items[i].id);
	free(styles->id);
	styles->count = 0;
	styles->id = NULL;
}

typedef struct docx_state {
	paragraphs paragraphs;
	docx_styles *styles;
	int run_depth;      /* inside w:r */
	int properties;     /* inside w:pPr (its tabs are tab stops, not text) */
	bool in_text;       /* inside w:t */
} docx_state;

static int level_of_style(const docx_styles *styles, const char *id)
{
	for (size_t i = 0; i < styles->count; i++)
		if (strcmp(styles->items[i].id, id) == 0)
			return styles->items[i].level;
	return heading_from_name(id); /* "Heading1", "Title" without styles.xml */
}

static int docx_handler(void *state, xmlTextReaderPtr reader, xml_event event, const char *ns, const char *local)
{
	docx_state *s = state;
	paragraphs *p = &s->paragraphs;
	if (event == XML_TEXT) {
		if (s->in_text && p->depth > 0) {
			const char *value = (const char *)xmlTextReaderConstValue(reader);
			if (value)
				buffer_add(&p->text, value, strlen(value));
		}
		return p->w->stop ? -1 : 0;
	}
	bool start = event == XML_START;
	if (strcmp(ns, NS_MC) == 0 && strcmp(local, "Fallback") == 0)
		return start ? 1 : 0; /* the same content again, for older readers */
	if (strcmp(ns, NS_W) != 0 && strcmp(ns, NS_W_STRICT) != 0)
		return 0;
	if (strcmp(local, "p") == 0) {
		if (start)
			paragraph_open(p, 0);
		else
			paragraph_close(p);
	} else if (strcmp(local, "pPr") == 0) {
		s->properties += start ? 1 : -1;
	} else if (strcmp(local, "pStyle") == 0 && start && s->properties > 0) {
		char *id = w_attribute(reader, "val");
		if (id)
			set_level(p, level_of_style(s->styles, id));
		free(id);
	} else if (strcmp(local, "outlineLvl") == 0 && start && s->properties > 0 && current_level(p) == 0) {
		char *value = w_attribute(reader, "val");
		if (value && value[0] >= '0' && value[0] <= '5' && value[1] == '\0')
			set_level(p, value[0] - '0' + 1);
		free(value);
	} else if (strcmp(local, "r") == 0) {
		s->run_depth += start ? 1 : -1;
	} else if (strcmp(local, "t") == 0) {
		s->in_text = start;
	} else if (start && s->run_depth > 0 && s->properties == 0 && p->depth > 0) {
		if (strcmp(local, "tab") == 0)
			buffer_add(&p->text, "\t", 1);
		else if (strcmp(local, "br") == 0 || strcmp(local, "cr") == 0)
			buffer_add(&p->text, "\n", 1);
		else if (strcmp(local, "noBreakHyphen") == 0)
			buffer_add(&p->text, "-", 1);
		else if (strcmp(local, "delText") == 0 || strcmp(local, "instrText") == 0)
			return 1; /* deleted text, field codes */
	}
	if (s->properties < 0)
		s->properties = 0;
	if (s->run_depth < 0)
		s->run_depth = 0;
	return p->w->stop ? -1 : 0;
}

/* Relationship targets from _rels/.rels: the main document and core properties. */
typedef struct docx_rels {
	char *main_part, *core_part;
} docx_rels;

static char *rel_target(const char *target)
{
	if (!target || strstr(target, "://") || strstr(target, "..") || strlen(target) > 512)
		return NULL;
	while (*target == '/')
		target++;
	return *target ? strdup(target) : NULL;
}

static int rels_handler(void *state, xmlTextReaderPtr reader, xml_event event, const char *ns, const char *local)
{
	docx_rels *rels = state;
	if (event != XML_START || strcmp(local, "Relationship") != 0 || strcmp(ns, NS_RELS) != 0)
		return 0;
	char *type = attribute(reader, "Type", ""), *target = attribute(reader, "Target", "");
	size_t length = type ? strlen(type) : 0;
	if (length > 15 && strcmp(type + length - 15, "/officeDocument") == 0 && !rels->main_part)
		rels->main_part = rel_target(target);
	else if (length > 16 && strcmp(type + length - 16, "/core-properties") == 0 && !rels->core_part)
		rels->core_part = rel_target(target);
	free(type);
	free(target);
	return 0;
}

/* Dublin Core properties: docProps/core.xml (DOCX) and meta.xml (ODT). */
typedef struct properties_state {
	writer *w;
	bool odt;
	char *values[5]; /* title, creator, created, modified, initial creator */
} properties_state;

static int properties_handler(void *state, xmlTextReaderPtr reader, xml_event event, const char *ns,
                              const char *local)
{
	properties_state *s = state;
	if (event != XML_START)
		return 0;
	int slot = -1;
	if (is(ns, local, NS_DC, "title"))
		slot = 0;
	else if (is(ns, local, NS_DC, "creator"))
		slot = 1;
	else if (is(ns, local, NS_DCTERMS, "created") || is(ns, local, NS_META, "creation-date"))
		slot = 2;
	else if (is(ns, local, NS_DCTERMS, "modified") || (s->odt && is(ns, local, NS_DC, "date")))
		slot = 3;
	else if (is(ns, local, NS_META, "initial-creator"))
		slot = 4;
	if (slot < 0 || s->values[slot])
		return 0;
	xmlChar *value = xmlTextReaderReadString(reader);
	if (value) {
		s->values[slot] = strdup((const char *)value);
		xmlFree(value);
	}
	return 0;
}

static int read_properties(package *pkg, writer *w, const char *name, bool odt)
{
	char *data = NULL;
	size_t length = 0;
	if (read_part(pkg, name, META_PART_MAX, false, &data, &length))
		return 1;
	if (!data)
		return 0;
	properties_state state = { w, odt, { NULL } };
	int result = parse_part(pkg, name, data, length, properties_handler, &state);
	free(data);
	if (result == 0) {
		send_metadata(w, 0, state.values[0], false);
		send_metadata(w, 1, state.values[4] ? state.values[4] : state.values[1], false);
		send_metadata(w, 2, state.values[2], true);
		send_metadata(w, 3, state.values[3], true);
	}
	for (int i = 0; i < 5; i++)
		free(state.values[i]);
	return result;
}

static int extract_docx(package *pkg, writer *w)
{
	docx_rels rels = { NULL, NULL };
	char *data = NULL;
	size_t length = 0;
	int result = read_part(pkg, "_rels/.rels", META_PART_MAX, false, &data, &length);
	if (result == 0 && data)
		result = parse_part(pkg, "_rels/.rels", data, length, rels_handler, &rels);
	free(data);
	data = NULL;
	const char *main_part = rels.main_part && part_exists(pkg, rels.main_part) ? rels.main_part
	                                                                         : "word/document.xml";
	const char *core_part = rels.core_part ? rels.core_part : "docProps/core.xml";
	if (result == 0)
		result = read_properties(pkg, w, core_part, false);

	/* Styles live beside the main part: word/styles.xml. */
	docx_styles *styles = calloc(1, sizeof(*styles));
	if (!styles)
		result = result ? result : fail(pkg->error, pkg->error_size, "out of memory");
	if (result == 0) {
		char styles_name[600];
		const char *slash = strrchr(main_part, '/');
		snprintf(styles_name, sizeof(styles_name), "%.*sstyles.xml", slash ? (int)(slash - main_part + 1) : 0,
		         main_part);
		result = read_part(pkg, styles_name, PART_MAX, false, &data, &length);
		if (result == 0 && data)
			result = parse_part(pkg, styles_name, data, length, styles_handler, styles);
		free(data);
		data = NULL;
	}
	if (result == 0)
		result = read_part(pkg, main_part, PART_MAX, true, &data, &length);
	if (result == 0) {
		docx_state state = { 0 };
		state.paragraphs.w = w;
		state.styles = styles;
		result = parse_part(pkg, main_part, data, length, docx_handler, &state);
		while (result == 0 && state.paragraphs.depth > 0)
			paragraph_close(&state.paragraphs);
		buffer_free(&state.paragraphs.text);
	}
	free(data);
	if (styles)
		styles_free(styles);
	free(styles);
	free(rels.main_part);
	free(rels.core_part);
	return result;
}

/* ------------------------------------------------------------------ ODT */

typedef struct odt_state {
	paragraphs paragraphs;
} odt_state;

static void odt_add(paragraphs *p, const char *text, size_t length)
{
	if (p->depth == 0)
		return;
	buffer_add(&p->text, text, length);
	p->space = false;
}

static int odt_handler(void *state, xmlTextReaderPtr reader, xml_event event, const char *ns, const char *local)
{
	odt_state *s = state;
	paragraphs *p = &s->paragraphs;
	if (event == XML_TEXT) {
		/* ODF collapses whitespace in paragraph text; text:s, text:tab
		 * and text:line-break carry the deliberate ones. */
		const char *value = (const char *)xmlTextReaderConstValue(reader);
		if (!value || p->depth == 0)
			return 0;
		for (const char *c = value; *c; c++) {
			if (is_space((unsigned char)*c)) {
				char last = p->text.length ? p->text.data[p->text.length - 1] : '\n';
				p->space = p->space || (last != '\n' && last != '\t');
				continue;
			}
			if (p->space)
				buffer_add(&p->text, " ", 1);
			p->space = false;
			buffer_add(&p->text, c, 1);
		}
		return p->w->stop ? -1 : 0;
	}
	bool start = event == XML_START;
	if (strcmp(ns, NS_OFFICE) == 0) {
		if (start && (strcmp(local, "annotation") == 0 || strcmp(local, "forms") == 0))
			return 1; /* comments are not the document's text */
		return 0;
	}
	if (strcmp(ns, NS_TEXT) != 0)
		return 0;
	if (strcmp(local, "p") == 0) {
		if (start)
			paragraph_open(p, 0);
		else
			paragraph_close(p);
	} else if (strcmp(local, "h") == 0) {
		if (start) {
			char *value = attribute(reader, "outline-level", NS_TEXT);
			int level = value ? atoi(value) : 1;
			free(value);
			paragraph_open(p, level < 1 ? 1 : level > 6 ? 6 : level);
		} else {
			paragraph_close(p);
		}
	} else if (start && strcmp(local, "s") == 0) {
		char *value = attribute(reader, "c", NS_TEXT);
		int count = value ? atoi(value) : 1;
		free(value);
		if (count < 1)
			count = 1;
		if (count > 1000)
			count = 1000;
		if (p->space)
			odt_add(p, " ", 1);
		for (int i = 0; i < count; i++)
			odt_add(p, " ", 1);
	} else if (start && strcmp(local, "tab") == 0) {
		odt_add(p, "\t", 1);
	} else if (start && strcmp(local, "line-break") == 0) {
		odt_add(p, "\n", 1);
	} else if (start && (strcmp(local, "note-citation") == 0 || strcmp(local, "tracked-changes") == 0)) {
		return 1; /* footnote numbers; deleted text kept for change tracking */
	}
	return p->w->stop ? -1 : 0;
}

typedef struct manifest_state {
	bool encrypted;
	char *media_type; /* of the package ("/") */
} manifest_state;

static int manifest_handler(void *state, xmlTextReaderPtr reader, xml_event event, const char *ns,
                            const char *local)
{
	manifest_state *s = state;
	if (event != XML_START || strcmp(ns, NS_MANIFEST) != 0)
		return 0;
	if (strcmp(local, "encryption-data") == 0) {
		s->encrypted = true;
	} else if (strcmp(local, "file-entry") == 0 && !s->media_type) {
		char *path = attribute(reader, "full-path", NS_MANIFEST);
		if (path && strcmp(path, "/") == 0)
			s->media_type = attribute(reader, "media-type", NS_MANIFEST);
		free(path);
	}
	return 0;
}

static int extract_odt(package *pkg, writer *w)
{
	char *data = NULL;
	size_t length = 0;
	manifest_state manifest = { false, NULL };
	int result = read_part(pkg, "META-INF/manifest.xml", META_PART_MAX, false, &data, &length);
	if (result == 0 && data)
		result = parse_part(pkg, "META-INF/manifest.xml", data, length, manifest_handler, &manifest);
	free(data);
	data = NULL;
	if (result == 0 && manifest.encrypted)
		result = fail(pkg->error, pkg->error_size, "encrypted (password-protected) ODT");
	/* The package's type: the mimetype entry, else the manifest's. */
	char *type = NULL;
	if (result == 0)
		result = read_part(pkg, "mimetype", 1024, false, &type, &length);
	if (result == 0) {
		const char *media_type = type ? type : manifest.media_type;
		if (media_type && strncmp(media_type, "application/vnd.oasis.opendocument.text", 39) != 0)
			result = fail(pkg->error, pkg->error_size, "OpenDocument type %.80s is not a text document",
			              media_type);
	}
	free(type);
	free(manifest.media_type);
	if (result == 0)
		result = read_properties(pkg, w, "meta.xml", true);
	if (result == 0)
		result = read_part(pkg, "content.xml", PART_MAX, true, &data, &length);
	if (result == 0) {
		odt_state state = { 0 };
		state.paragraphs.w = w;
		result = parse_part(pkg, "content.xml", data, length, odt_handler, &state);
		while (result == 0 && state.paragraphs.depth > 0)
			paragraph_close(&state.paragraphs);
		buffer_free(&state.paragraphs.text);
	}
	free(data);
	return result;
}

/* ------------------------------------------------------------------ extract */

static void ignore_error(void *context, const char *message, ...)
{
	(void)context;
	(void)message;
}

static void ignore_structured_error(void *context, xmlErrorPtr error)
{
	(void)context;
	(void)error;
}

static xmlParserInputPtr refuse_entity(const char *url, const char *id, xmlParserCtxtPtr context)
{
	(void)url;
	(void)id;
	(void)context;
	return NULL;
}

/* A file that is not a zip: say what it is when we can tell. */
static int not_a_zip(const char *path, int zip_error, char *error, size_t error_size)
{
	static const unsigned char ole[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(error, error_size, "cannot open the file: %s", strerror(errno));
	unsigned char head[8] = { 0 };
	ssize_t got = read(fd, head, sizeof(head));
	if (got == (ssize_t)sizeof(head) && memcmp(head, ole, sizeof(ole)) == 0) {
		/* An encrypted OOXML package is an OLE file with an
		 * "EncryptedPackage" stream (names are UTF-16LE). */
		static const char name[] = "EncryptedPackage";
		char pattern[2 * (sizeof(name) - 1)];
		for (size_t i = 0; i + 1 < sizeof(name); i++) {
			pattern[2 * i] = name[i];
			pattern[2 * i + 1] = '\0';
		}
		bool encrypted = false;
		static char chunk[1 << 16];
		size_t keep = 0, scanned = 0;
		lseek(fd, 0, SEEK_SET);
		while (!encrypted && scanned < ((size_t)16 << 20)) {
			ssize_t n = read(fd, chunk + keep, sizeof(chunk) - keep);
			if (n <= 0)
				break;
			size_t have = keep + (size_t)n;
			encrypted = memmem(chunk, have, pattern, sizeof(pattern)) != NULL;
			keep = have < sizeof(pattern) ? have : sizeof(pattern);
			memmove(chunk, chunk + have - keep, keep);
			scanned += (size_t)n;
		}
		close(fd);
		if (encrypted)
			return fail(error, error_size, "password-protected (encrypted) document: an OLE container, not a zip");
		return fail(error, error_size, "an OLE compound file (legacy Word 97-2003 .doc?), not a DOCX/ODT zip");
	}
	close(fd);
	if (got >= 4 && memcmp(head, "PK\x03\x04", 4) == 0)
		return fail(error, error_size, "damaged or truncated zip archive (no central directory)");
	if (zip_error == ZIP_ER_NOZIP)
		return fail(error, error_size, "not a zip archive, so not a DOCX/ODT file");
	zip_error_t details;
	zip_error_init_with_code(&details, zip_error);
	fail(error, error_size, "cannot open the zip archive: %s", zip_error_strerror(&details));
	zip_error_fini(&details);
	return 1;
}

static int extract_office(const char *path, const lantern_extract_sink *sink, lantern_extract_output *out,
                          char *error, size_t error_size)
{
	struct stat info;
	if (stat(path, &info) != 0)
		return fail(error, error_size, "cannot open the file: %s", strerror(errno));
	if (info.st_size == 0)
		return fail(error, error_size, "empty file");
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, ignore_error);
	xmlSetStructuredErrorFunc(NULL, ignore_structured_error);
	xmlSetExternalEntityLoader(refuse_entity);

	int zip_error = 0;
	zip_t *zip = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zip_error);
	if (!zip) {
		if (zip_error == ZIP_ER_INCONS) {
			zip_error_t details;
			zip_error_init_with_code(&details, zip_error);
			fail(error, error_size, "damaged zip archive: %s", zip_error_strerror(&details));
			zip_error_fini(&details);
			return 1;
		}
		return not_a_zip(path, zip_error, error, error_size);
	}
	package pkg = { zip, error, error_size };
	writer w = { 0 };
	w.sink = sink;
	w.out = out;
	int result;
	if (part_exists(&pkg, "word/document.xml") || part_exists(&pkg, "_rels/.rels"))
		result = extract_docx(&pkg, &w);
	else if (part_exists(&pkg, "content.xml") || part_exists(&pkg, "META-INF/manifest.xml"))
		result = extract_odt(&pkg, &w);
	else
		result = fail(error, error_size, "a zip archive without word/document.xml or content.xml: not a DOCX/ODT");
	zip_discard(zip);
	if (w.no_memory)
		return fail(error, error_size, "out of memory");
	if (result < 0 || w.stop)
		return fail(error, error_size, "output limit reached");
	return result;
}

static const char *const office_types[] = {
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"application/vnd.oasis.opendocument.text",
	NULL,
};
static const char *const office_extensions[] = { "docx", "odt", NULL };

static const lantern_plugin office_plugin = {
	LANTERN_PLUGIN_ABI_VERSION,
	"office",
	"Word (.docx) and OpenDocument (.odt) text: headings, paragraphs, title, author, dates",
	office_types,
	office_extensions,
	true,
	extract_office,
};

__attribute__((visibility("default"))) const lantern_plugin *lantern_plugin_entry(void)
{
	return &office_plugin;
}
