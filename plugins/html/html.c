/*
 * html.c - the HTML extractor plugin (*.html, *.htm, *.xhtml).
 *
 * libxml2's HTML parser builds the tree (recovering from broken markup,
 * never touching the network, decoding entities, honouring the page's
 * declared charset); an iterative walk turns it into text:
 *   - <title> becomes the "title" metadata, <meta name="author"> the author,
 *     published / modified meta dates "created" / "modified" (YYYY-MM-DD);
 *   - h1..h6 become headings, block elements (p, div, li, tr, br, ...)
 *     paragraph breaks, whitespace collapses except inside <pre>;
 *   - script, style, noscript, template, nav, header, footer, aside, form,
 *     svg, iframe (and anything role="navigation", aria-hidden="true" or
 *     hidden) are dropped, as are comments and attributes (href="javascript:").
 * libxml2 stops at 256 levels of nesting (we never pass HTML_PARSE_HUGE); a
 * page that hits that limit fails with a reason instead of being cut short
 * silently. The walk itself uses no recursion.
 */
#define _GNU_SOURCE
#include "lantern/plugin.h"
#include "plugin_support.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <libxml/HTMLparser.h>
#include <libxml/encoding.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#define HTML_MAX_BYTES ((size_t)64 << 20) /* bigger files are refused */
#define PARAGRAPH_FLUSH (1u << 20)         /* long paragraphs go out in pieces */
#define HEADING_MAX 4096                   /* bytes kept of one heading */
#define METADATA_MAX 1000                  /* bytes kept of one metadata value */

/* ------------------------------------------------------------------ strings */

/* U+00A0 NO-BREAK SPACE (&nbsp;) counts as a space for searching. */
static bool is_nbsp(const char *p)
{
	return (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0;
}

/* ------------------------------------------------------------------ the walk */

enum { META_TITLE, META_AUTHOR, META_CREATED, META_MODIFIED, META_COUNT };
static const char *const meta_keys[META_COUNT] = { "title", "author", "created", "modified" };

typedef struct walker {
	const lantern_extract_sink *sink;
	lantern_extract_output *out;
	int stop;                  /* a sink call asked to stop */
	text_buffer paragraph;     /* the paragraph being gathered */
	bool paragraph_space;      /* a space is due before the next word */
	bool paragraph_started;    /* part of this paragraph was already sent */
	bool emitted;              /* some text or heading went out */
	bool after_heading;        /* the last thing sent was a heading */
	xmlNodePtr heading_node;   /* the h1..h6 being gathered, or NULL */
	int heading_level;
	text_buffer heading;
	bool heading_space;
	int pre_depth;
	bool sent[META_COUNT];     /* metadata already reported */
	char *fallback_title;      /* og:title / dc.title, used without <title> */
} walker;

static void send_metadata(walker *w, int key, const char *value)
{
	if (w->stop || w->sent[key] || !value || !value[0])
		return;
	w->sent[key] = true;
	w->stop = w->sink->metadata(w->out, meta_keys[key], value);
}

static void send_text(walker *w, const char *text, size_t length)
{
	if (!w->stop && length)
		w->stop = w->sink->text(w->out, text, length);
}

/* Ends the current paragraph (a block boundary). */
static void flush_paragraph(walker *w)
{
	while (w->paragraph.length && is_space((unsigned char)w->paragraph.data[w->paragraph.length - 1]))
		w->paragraph.length--; /* the end of a <pre> */
	if (w->paragraph.length) {
		if (w->emitted && !w->after_heading && !w->paragraph_started)
			send_text(w, "\n\n", 2);
		send_text(w, w->paragraph.data, w->paragraph.length);
		w->emitted = true;
		w->after_heading = false;
	}
	w->paragraph.length = 0;
	w->paragraph_space = false;
	w->paragraph_started = false;
}

/* Appends character data to the heading or paragraph being gathered. */
static void add_text(walker *w, const char *text)
{
	if (w->heading_node) {
		for (const char *p = text; *p && w->heading.length < HEADING_MAX; p++) {
			bool nbsp = is_nbsp(p);
			p += nbsp; /* to its second byte; then a space like any other */
			if (nbsp || is_space((unsigned char)*p)) {
				w->heading_space = w->heading.length > 0;
				continue;
			}
			if (w->heading_space)
				buffer_add(&w->heading, " ", 1);
			w->heading_space = false;
			buffer_add(&w->heading, p, 1);
		}
		return;
	}
	if (w->pre_depth > 0) {
		/* Preformatted: kept as is, but for line ends ("\r\n" -> "\n")
		 * and blank lines at the start. */
		for (const char *p = text; *p; p++) {
			if (*p == '\r' && p[1] == '\n')
				continue;
			if ((*p == '\n' || *p == '\r') && w->paragraph.length == 0 && !w->paragraph_started)
				continue;
			buffer_add(&w->paragraph, *p == '\r' ? "\n" : p, 1);
		}
		w->paragraph_space = false;
	} else {
		for (const char *p = text; *p; p++) {
			bool nbsp = is_nbsp(p);
			p += nbsp;
			if (nbsp || is_space((unsigned char)*p)) {
				w->paragraph_space = w->paragraph.length > 0 || w->paragraph_started;
				continue;
			}
			if (w->paragraph_space)
				buffer_add(&w->paragraph, " ", 1);
			w->paragraph_space = false;
			buffer_add(&w->paragraph, p, 1);
		}
	}
	/* A very long paragraph goes out in pieces (text nodes end on whole
	 * UTF-8 characters, so a piece never splits one). */
	if (w->paragraph.length >= PARAGRAPH_FLUSH) {
		if (w->emitted && !w->after_heading && !w->paragraph_started)
			send_text(w, "\n\n", 2);
		send_text(w, w->paragraph.data, w->paragraph.length);
		w->emitted = true;
		w->after_heading = false;
		w->paragraph_started = true;
		w->paragraph.length = 0;
	}
}

static void end_heading(walker *w)
{
	size_t length = w->heading.length;
	if (length >= HEADING_MAX) /* cut on a character boundary */
		length = utf8_cut(w->heading.data, length, HEADING_MAX - 4);
	if (length && !w->stop) {
		w->stop = w->sink->heading(w->out, w->heading_level, w->heading.data, length);
		w->emitted = true;
		w->after_heading = true;
	}
	w->heading_node = NULL;
	w->heading.length = 0;
	w->heading_space = false;
}

static bool name_in(const xmlChar *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp((const char *)name, *list) == 0)
			return true;
	return false;
}

static const char *const dropped_elements[] = {
	"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
	"svg", "iframe", "object", "embed", "select", "button", "textarea", "canvas", NULL,
};

static const char *const block_elements[] = {
	"p", "div", "li", "tr", "br", "section", "article", "blockquote", "pre", "ul", "ol", "dl",
	"dt", "dd", "table", "thead", "tbody", "tfoot", "caption", "hr", "main", "figure",
	"figcaption", "address", "fieldset", "details", "summary", "center", "body", "html",
	"h1", "h2", "h3", "h4", "h5", "h6", "hgroup", "dialog", "legend", "menu", "option", NULL,
};

static bool attribute_is(xmlNodePtr node, const char *name, const char *value)
{
	xmlChar *actual = xmlGetProp(node, (const xmlChar *)name);
	bool match = actual && (!value || strcasecmp((const char *)actual, value) == 0);
	xmlFree(actual);
	return match;
}

static void read_meta(walker *w, xmlNodePtr node)
{
	xmlChar *name = xmlGetProp(node, (const xmlChar *)"name");
	if (!name)
		name = xmlGetProp(node, (const xmlChar *)"property");
	if (!name)
		name = xmlGetProp(node, (const xmlChar *)"itemprop");
	if (!name)
		name = xmlGetProp(node, (const xmlChar *)"http-equiv");
	xmlChar *content = xmlGetProp(node, (const xmlChar *)"content");
	if (name && content) {
		static const char *const author_names[] = { "author", "dc.creator", "dcterms.creator", NULL };
		static const char *const created_names[] = {
			"article:published_time", "dc.date", "dcterms.date", "dc.date.created", "dcterms.created",
			"dc.date.issued", "dcterms.issued", "date", "datepublished", "citation_publication_date", NULL,
		};
		static const char *const modified_names[] = {
			"article:modified_time", "og:updated_time", "dc.date.modified", "dcterms.modified",
			"last-modified", "datemodified", NULL,
		};
		static const char *const title_names[] = { "og:title", "dc.title", "dcterms.title", NULL };
		char lower[64];
		size_t i = 0;
		for (; name[i] && i + 1 < sizeof(lower); i++)
			lower[i] = (char)((name[i] >= 'A' && name[i] <= 'Z') ? name[i] + 32 : name[i]);
		lower[i] = '\0';
		char date[11];
		if (name_in((const xmlChar *)lower, author_names)) {
			char *value = collapse((const char *)content, METADATA_MAX);
			send_metadata(w, META_AUTHOR, value);
			free(value);
		} else if (name_in((const xmlChar *)lower, created_names)) {
			if (normalize_date((const char *)content, date))
				send_metadata(w, META_CREATED, date);
		} else if (name_in((const xmlChar *)lower, modified_names)) {
			if (normalize_date((const char *)content, date))
				send_metadata(w, META_MODIFIED, date);
		} else if (name_in((const xmlChar *)lower, title_names) && !w->fallback_title) {
			w->fallback_title = collapse((const char *)content, METADATA_MAX);
		}
	}
	xmlFree(name);
	xmlFree(content);
}

/* Visits an element or text on the way down; true to walk its children. */
static bool enter(walker *w, xmlNodePtr node)
{
	if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
		if (node->content)
			add_text(w, (const char *)node->content);
		return false;
	}
	if (node->type != XML_ELEMENT_NODE || !node->name)
		return false;
	const xmlChar *name = node->name;
	if (name_in(name, dropped_elements) || attribute_is(node, "role", "navigation") ||
	    attribute_is(node, "aria-hidden", "true") || attribute_is(node, "hidden", NULL))
		return false;
	if (strcmp((const char *)name, "title") == 0) {
		if (!w->sent[META_TITLE]) {
			xmlChar *content = xmlNodeGetContent(node);
			char *title = collapse((const char *)content, METADATA_MAX);
			send_metadata(w, META_TITLE, title);
			free(title);
			xmlFree(content);
		}
		return false;
	}
	if (strcmp((const char *)name, "meta") == 0) {
		read_meta(w, node);
		return false;
	}
	if (w->heading_node) {
		/* Inside a heading everything is inline text. */
		if (strcmp((const char *)name, "br") == 0)
			w->heading_space = w->heading.length > 0;
		return true;
	}
	if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && name[2] == '\0') {
		flush_paragraph(w);
		w->heading_node = node;
		w->heading_level = name[1] - '0';
		return true;
	}
	if (name_in(name, block_elements)) {
		flush_paragraph(w);
		if (strcmp((const char *)name, "pre") == 0)
			w->pre_depth++;
	} else if (strcmp((const char *)name, "td") == 0 || strcmp((const char *)name, "th") == 0) {
		w->paragraph_space = w->paragraph.length > 0;
	}
	return true;
}

/* Visits an element on the way up (only those whose children were walked). */
static void leave(walker *w, xmlNodePtr node)
{
	if (node->type != XML_ELEMENT_NODE)
		return;
	if (node == w->heading_node) {
		end_heading(w);
		return;
	}
	if (w->heading_node)
		return;
	if (name_in(node->name, block_elements)) {
		flush_paragraph(w);
		if (strcmp((const char *)node->name, "pre") == 0 && w->pre_depth > 0)
			w->pre_depth--;
	} else if (strcmp((const char *)node->name, "td") == 0 || strcmp((const char *)node->name, "th") == 0) {
		w->paragraph_space = w->paragraph.length > 0;
	}
}

/* Depth-first over everything under `top`, with parent pointers instead of
 * recursion. */
static void walk(walker *w, xmlNodePtr top)
{
	xmlNodePtr node = top->children;
	while (node && !w->stop) {
		if (enter(w, node)) {
			if (node->children) {
				node = node->children;
				continue;
			}
			leave(w, node);
		}
		while (!node->next) {
			node = node->parent;
			if (!node || node == top)
				return;
			leave(w, node);
			if (w->stop)
				return;
		}
		node = node->next;
	}
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

/* Nothing is ever fetched: no DTDs, no external entities, no network. */
static xmlParserInputPtr refuse_entity(const char *url, const char *id, xmlParserCtxtPtr context)
{
	(void)url;
	(void)id;
	(void)context;
	return NULL;
}


/* Reads the whole file (at most HTML_MAX_BYTES). */
static int read_file(const char *path, char **data, size_t *length, char *error, size_t error_size)
{
	FILE *file = fopen(path, "rb");
	if (!file)
		return fail(error, error_size, "cannot open the file: %s", strerror(errno));
	struct stat info;
	if (fstat(fileno(file), &info) == 0 && (size_t)info.st_size > HTML_MAX_BYTES) {
		fclose(file);
		return fail(error, error_size, "HTML file of %lld bytes is over the %zu MB limit",
		            (long long)info.st_size, HTML_MAX_BYTES >> 20);
	}
	text_buffer content = { 0 };
	char chunk[65536];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), file)) > 0) {
		if (content.length + got > HTML_MAX_BYTES) {
			fclose(file);
			buffer_free(&content);
			return fail(error, error_size, "HTML file is over the %zu MB limit", HTML_MAX_BYTES >> 20);
		}
		buffer_add(&content, chunk, got);
	}
	bool read_error = ferror(file) != 0;
	fclose(file);
	if (read_error || content.failed) {
		buffer_free(&content);
		return fail(error, error_size, read_error ? "cannot read the file" : "out of memory");
	}
	*data = content.data;
	*length = content.length;
	return 0;
}

/* An HTML DOCTYPE never has an internal subset, but an XHTML file may (and
 * that is where entity declarations, external ones included, live). The
 * HTML parser would show it as text, so it is blanked out: its entities are
 * then never defined, and a reference like &xxe; stays literal text. */
static void blank_internal_subset(char *data, size_t length)
{
	size_t at = 0;
	if (length >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
		at = 3;
	for (;;) {
		while (at < length && is_space((unsigned char)data[at]))
			at++;
		if (at + 2 <= length && memcmp(data + at, "<?", 2) == 0) {
			char *end = memmem(data + at, length - at, "?>", 2);
			if (!end)
				return;
			at = (size_t)(end - data) + 2;
		} else if (at + 4 <= length && memcmp(data + at, "<!--", 4) == 0) {
			char *end = memmem(data + at + 4, length - at - 4, "-->", 3);
			if (!end)
				return;
			at = (size_t)(end - data) + 3;
		} else {
			break;
		}
	}
	if (at + 9 > length || strncasecmp(data + at, "<!DOCTYPE", 9) != 0)
		return;
	char quote = 0;
	for (at += 9; at < length; at++) {
		char c = data[at];
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == '>') {
			return; /* no internal subset */
		} else if (c == '[') {
			break;
		}
	}
	size_t start = at;
	quote = 0;
	for (; at < length; at++) {
		char c = data[at];
		if (quote) {
			if (c == quote)
				quote = 0;
		} else if (at + 4 <= length && memcmp(data + at, "<!--", 4) == 0) {
			char *end = memmem(data + at + 4, length - at - 4, "-->", 3);
			at = end ? (size_t)(end - data) + 2 : length;
		} else if (c == '"' || c == '\'') {
			quote = c;
		} else if (c == ']') {
			break;
		}
	}
	size_t end = at < length ? at + 1 : length;
	for (size_t i = start; i < end; i++)
		if (data[i] != '\n')
			data[i] = ' ';
}

/* True when `data` has non-ASCII bytes and all of it is well-formed UTF-8. */
static bool is_utf8_text(const char *data, size_t length)
{
	const unsigned char *p = (const unsigned char *)data, *end = p + length;
	bool non_ascii = false;
	while (p < end) {
		unsigned char c = *p;
		if (c < 0x80) {
			p++;
			continue;
		}
		non_ascii = true;
		size_t need;
		unsigned min;
		unsigned code;
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1, min = 0x80, code = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2, min = 0x800, code = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3, min = 0x10000, code = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(end - p) <= need)
			return false;
		for (size_t i = 1; i <= need; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return false;
			code = (code << 6) | (p[i] & 0x3F);
		}
		if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
			return false;
		p += need + 1;
	}
	return non_ascii;
}

/* The encoding an XHTML file's XML declaration names (<?xml version="1.0"
 * encoding="windows-1252"?>), which the HTML parser would not look at; NULL
 * when there is none, or it is unknown or cannot be right for a file we
 * could read as ASCII. */
static const char *declared_xml_encoding(const char *data, size_t length, char *name, size_t name_size)
{
	if (length < 6 || memcmp(data, "<?xml", 5) != 0 || !is_space((unsigned char)data[5]))
		return NULL;
	const char *end = memmem(data, length < 512 ? length : 512, "?>", 2);
	const char *at = end ? memmem(data, (size_t)(end - data), "encoding", 8) : NULL;
	if (!at)
		return NULL;
	at += 8;
	while (at < end && (is_space((unsigned char)*at) || *at == '='))
		at++;
	if (at >= end || (*at != '"' && *at != '\''))
		return NULL;
	char quote = *at++;
	size_t used = 0;
	while (at < end && *at != quote && used + 1 < name_size) {
		char c = *at++;
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.' || c == ':'))
			return NULL;
		name[used++] = c;
	}
	name[used] = '\0';
	if (at >= end || *at != quote || used == 0 || strncasecmp(name, "utf-16", 6) == 0 ||
	    strncasecmp(name, "ucs", 3) == 0 || strncasecmp(name, "utf-32", 6) == 0)
		return NULL;
	xmlCharEncodingHandlerPtr handler = xmlFindCharEncodingHandler(name);
	if (!handler)
		return NULL;
	xmlCharEncCloseFunc(handler);
	return name;
}

static int extract_html(const char *path, const lantern_extract_sink *sink, lantern_extract_output *out,
                        char *error, size_t error_size)
{
	char *data = NULL;
	size_t length = 0;
	if (read_file(path, &data, &length, error, error_size))
		return 1;
	if (length == 0) {
		free(data);
		return fail(error, error_size, "empty file");
	}
	/* Binary data is not a web page (UTF-16 pages start with a byte order mark). */
	bool utf16 = length >= 2 && (((unsigned char)data[0] == 0xFF && (unsigned char)data[1] == 0xFE) ||
	                             ((unsigned char)data[0] == 0xFE && (unsigned char)data[1] == 0xFF));
	if (!utf16 && memchr(data, '\0', length < 4096 ? length : 4096)) {
		free(data);
		return fail(error, error_size, "binary data, not an HTML page");
	}
	if (length > (size_t)INT32_MAX) {
		free(data);
		return fail(error, error_size, "HTML file too large");
	}

	if (!utf16)
		blank_internal_subset(data, length);

	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, ignore_error);
	xmlSetStructuredErrorFunc(NULL, ignore_structured_error);
	xmlSetExternalEntityLoader(refuse_entity);
	htmlParserCtxtPtr context = htmlNewParserCtxt();
	if (!context) {
		free(data);
		return fail(error, error_size, "out of memory");
	}
	/* The encoding: an XHTML file's XML declaration; else well-formed UTF-8
	 * is taken as UTF-8 whatever a <meta> says (libxml2 would read an
	 * undeclared page as Latin-1, and mislabelled UTF-8 pages are common,
	 * while text in another encoding is almost never valid UTF-8); else
	 * libxml2 follows the BOM or <meta charset>, with a Latin-1 fallback. */
	char encoding_name[48];
	const char *encoding = utf16 ? NULL : declared_xml_encoding(data, length, encoding_name, sizeof(encoding_name));
	bool has_bom = length >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
	if (!encoding && !utf16 && !has_bom && is_utf8_text(data, length))
		encoding = "UTF-8";
	htmlDocPtr document = htmlCtxtReadMemory(context, data, (int)length, NULL, encoding,
	                                         HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
	                                         HTML_PARSE_NOWARNING | HTML_PARSE_NOBLANKS);
	free(data);
	/* A halted parser (depth or size limits) leaves a partial tree. */
	xmlErrorPtr last = xmlCtxtGetLastError(context);
	bool halted = context->disableSAX != 0 ||
	              (last && last->message && strstr(last->message, "Excessive depth"));
	int result = 0;
	if ((last && last->code == XML_ERR_NO_MEMORY) || context->errNo == XML_ERR_NO_MEMORY) {
		result = fail(error, error_size, "out of memory parsing the HTML (%zu bytes)", length);
	} else if (halted) {
		if (last && last->message && strstr(last->message, "Excessive depth"))
			result = fail(error, error_size, "HTML nested deeper than %u elements (libxml2's limit)",
			              xmlParserMaxDepth);
		else
			result = fail(error, error_size, "HTML parsing stopped: %s",
			              last && last->message ? last->message : "unknown error");
	} else if (!document) {
		result = fail(error, error_size, "not an HTML document%s%s", last && last->message ? ": " : "",
		              last && last->message ? last->message : "");
	}
	if (result) {
		xmlFreeDoc(document);
		htmlFreeParserCtxt(context);
		return result;
	}

	walker w = { 0 };
	w.sink = sink;
	w.out = out;
	walk(&w, (xmlNodePtr)document);
	if (w.heading_node)
		end_heading(&w);
	flush_paragraph(&w);
	if (!w.sent[META_TITLE] && w.fallback_title)
		send_metadata(&w, META_TITLE, w.fallback_title);
	bool no_memory = w.paragraph.failed || w.heading.failed;
	buffer_free(&w.paragraph);
	buffer_free(&w.heading);
	free(w.fallback_title);
	xmlFreeDoc(document);
	htmlFreeParserCtxt(context);
	if (w.stop)
		return fail(error, error_size, "output limit reached");
	if (no_memory)
		return fail(error, error_size, "out of memory");
	return 0;
}

static const char *const html_types[] = { "text/html", "application/xhtml+xml", NULL };
static const char *const html_extensions[] = { "html", "htm", "xhtml", NULL };

static const lantern_plugin html_plugin = {
	LANTERN_PLUGIN_ABI_VERSION,
	"html",
	"HTML and XHTML pages (libxml2): title, headings, text without navigation or scripts",
	html_types,
	html_extensions,
	true,
	extract_html,
};

__attribute__((visibility("default"))) const lantern_plugin *lantern_plugin_entry(void)
{
	return &html_plugin;
}
