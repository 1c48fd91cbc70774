/*
 * markdown.c - Markdown and plain text to indexable text, using md4c's
 * streaming (SAX-like) parser so no HTML is ever produced or re-parsed.
 */
#include "text/extract.h"
#include "common/buffer.h"
#include "common/error.h"
#include "common/utf8.h"

#include <md4c.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct markdown_walk {
	lantern_buffer text;
	lantern_buffer heading;  /* text of the heading being read */
	int heading_depth;       /* > 0 inside a heading */
	bool have_heading;
	char *first_heading;
	int image_depth;         /* alt text of images is kept, their URLs never are */
	lantern_status status;
} markdown_walk;

static void append(markdown_walk *walk, const char *bytes, size_t count)
{
	if (walk->status != LANTERN_OK)
		return;
	walk->status = lantern_buffer_append(&walk->text, bytes, count);
	if (walk->status == LANTERN_OK && walk->heading_depth > 0 && !walk->have_heading &&
	    walk->heading.length + count < walk->heading.limit)
		walk->status = lantern_buffer_append(&walk->heading, bytes, count);
}

/* Ends the current block with a blank line, without piling up blank lines. */
static void block_break(markdown_walk *walk)
{
	size_t length = walk->text.length;
	if (length == 0)
		return;
	if (length >= 2 && walk->text.data[length - 1] == '\n' && walk->text.data[length - 2] == '\n')
		return;
	append(walk, walk->text.data[length - 1] == '\n' ? "\n" : "\n\n",
	       walk->text.data[length - 1] == '\n' ? 1 : 2);
}

static void append_codepoint(markdown_walk *walk, unsigned long codepoint)
{
	char bytes[4];
	size_t count;
	if (codepoint == 0 || codepoint > 0x10FFFF || (codepoint >= 0xD800 && codepoint <= 0xDFFF))
		codepoint = 0xFFFD;
	if (codepoint < 0x80) {
		bytes[0] = (char)codepoint;
		count = 1;
	} else if (codepoint < 0x800) {
		bytes[0] = (char)(0xC0 | (codepoint >> 6));
		bytes[1] = (char)(0x80 | (codepoint & 0x3F));
		count = 2;
	} else if (codepoint < 0x10000) {
		bytes[0] = (char)(0xE0 | (codepoint >> 12));
		bytes[1] = (char)(0x80 | ((codepoint >> 6) & 0x3F));
		bytes[2] = (char)(0x80 | (codepoint & 0x3F));
		count = 3;
	} else {
		bytes[0] = (char)(0xF0 | (codepoint >> 18));
		bytes[1] = (char)(0x80 | ((codepoint >> 12) & 0x3F));
		bytes[2] = (char)(0x80 | ((codepoint >> 6) & 0x3F));
		bytes[3] = (char)(0x80 | (codepoint & 0x3F));
		count = 4;
	}
	append(walk, bytes, count);
}

static const struct { const char *name; unsigned long codepoint; } named_entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
	{ "nbsp", 0xA0 }, { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "hellip", 0x2026 },
	{ "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "ldquo", 0x201C }, { "rdquo", 0x201D },
	{ "copy", 0xA9 }, { "reg", 0xAE }, { "trade", 0x2122 }, { "bull", 0x2022 },
	{ "middot", 0xB7 }, { "sect", 0xA7 }, { "eacute", 0xE9 }, { "ntilde", 0xF1 },
};

static void append_entity(markdown_walk *walk, const char *entity, size_t size)
{
	/* md4c hands over the entity with its & and ; */
	if (size >= 4 && entity[1] == '#') {
		bool hex = entity[2] == 'x' || entity[2] == 'X';
		unsigned long codepoint = strtoul(entity + (hex ? 3 : 2), NULL, hex ? 16 : 10);
		append_codepoint(walk, codepoint);
		return;
	}
	for (size_t i = 0; i < sizeof(named_entities) / sizeof(named_entities[0]); i++) {
		size_t length = strlen(named_entities[i].name);
		if (size == length + 2 && memcmp(entity + 1, named_entities[i].name, length) == 0) {
			append_codepoint(walk, named_entities[i].codepoint);
			return;
		}
	}
	append(walk, entity, size);
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	markdown_walk *walk = userdata;
	(void)detail;
	if (type == MD_BLOCK_H) {
		block_break(walk);
		walk->heading_depth++;
	} else if (type == MD_BLOCK_TD || type == MD_BLOCK_TH) {
		append(walk, " ", 1);
	}
	return walk->status == LANTERN_OK ? 0 : 1;
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *userdata)
{
	markdown_walk *walk = userdata;
	(void)detail;
	switch (type) {
	case MD_BLOCK_H:
		walk->heading_depth--;
		if (!walk->have_heading && walk->heading.length > 0) {
			walk->have_heading = true;
			walk->status = lantern_buffer_detach(&walk->heading, &walk->first_heading);
		}
		block_break(walk);
		break;
	case MD_BLOCK_P: case MD_BLOCK_CODE: case MD_BLOCK_QUOTE: case MD_BLOCK_TABLE:
	case MD_BLOCK_UL: case MD_BLOCK_OL: case MD_BLOCK_HR: case MD_BLOCK_HTML:
		block_break(walk);
		break;
	case MD_BLOCK_LI: case MD_BLOCK_TR:
		append(walk, "\n", 1);
		break;
	default:
		break;
	}
	return walk->status == LANTERN_OK ? 0 : 1;
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	markdown_walk *walk = userdata;
	(void)detail;
	if (type == MD_SPAN_IMG)
		walk->image_depth++;
	return 0;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *userdata)
{
	markdown_walk *walk = userdata;
	(void)detail;
	if (type == MD_SPAN_IMG)
		walk->image_depth--;
	return 0;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *userdata)
{
	markdown_walk *walk = userdata;
	switch (type) {
	case MD_TEXT_NULLCHAR:
		append_codepoint(walk, 0xFFFD);
		break;
	case MD_TEXT_BR:
	case MD_TEXT_SOFTBR:
		append(walk, walk->heading_depth > 0 ? " " : "\n", 1);
		break;
	case MD_TEXT_ENTITY:
		append_entity(walk, text, size);
		break;
	case MD_TEXT_HTML:
		break; /* raw tags carry no searchable words */
	default:
		append(walk, text, size);
		break;
	}
	return walk->status == LANTERN_OK ? 0 : 1;
}

/* Blanks out Hugo shortcodes ({{< name args >}} and {{% ... %}}) in place,
 * keeping newlines so md4c's block structure and positions survive. */
static void blank_shortcodes(char *text, size_t length)
{
	for (size_t i = 0; i + 3 < length; i++) {
		if (text[i] != '{' || text[i + 1] != '{' || (text[i + 2] != '<' && text[i + 2] != '%'))
			continue;
		char close = text[i + 2] == '<' ? '>' : '%';
		size_t j = i + 3;
		while (j + 2 < length && !(text[j] == close && text[j + 1] == '}' && text[j + 2] == '}'))
			j++;
		if (j + 2 >= length)
			return;
		for (size_t k = i; k < j + 3; k++)
			if (text[k] != '\n')
				text[k] = ' ';
		i = j + 2;
	}
}

static void trim_trailing_newlines(lantern_buffer *buffer)
{
	while (buffer->length && buffer->data[buffer->length - 1] == '\n')
		buffer->data[--buffer->length] = '\0';
}

lantern_status lantern_markdown_extract(const char *markdown, size_t length, lantern_extracted *out)
{
	memset(out, 0, sizeof(*out));
	if (length > LANTERN_TEXT_MAX)
		return lantern_error_set(LANTERN_ERROR_TOO_LARGE, "Markdown over %u bytes", LANTERN_TEXT_MAX);
	char *source = malloc(length + 1);
	if (!source)
		return lantern_error_set(LANTERN_ERROR_NO_MEMORY, "Markdown copy");
	memcpy(source, markdown, length);
	source[length] = '\0';
	blank_shortcodes(source, length);

	markdown_walk walk;
	memset(&walk, 0, sizeof(walk));
	walk.text.limit = LANTERN_TEXT_MAX;
	walk.heading.limit = 4096;
	MD_PARSER parser;
	memset(&parser, 0, sizeof(parser));
	parser.abi_version = 0;
	parser.flags = MD_DIALECT_GITHUB;
	parser.enter_block = on_enter_block;
	parser.leave_block = on_leave_block;
	parser.enter_span = on_enter_span;
	parser.leave_span = on_leave_span;
	parser.text = on_text;
	int result = md_parse(source, (MD_SIZE)length, &parser, &walk);
	free(source);
	lantern_status status = walk.status;
	if (status == LANTERN_OK && result != 0)
		status = lantern_error_set(LANTERN_ERROR_PARSE, "Markdown parser failed (%d)", result);
	if (status == LANTERN_OK) {
		trim_trailing_newlines(&walk.text);
		out->length = walk.text.length;
		status = lantern_buffer_detach(&walk.text, &out->text);
	}
	lantern_buffer_dispose(&walk.text);
	lantern_buffer_dispose(&walk.heading);
	if (status != LANTERN_OK) {
		free(walk.first_heading);
		memset(out, 0, sizeof(*out));
		return status;
	}
	out->first_heading = walk.first_heading;
	return LANTERN_OK;
}

lantern_status lantern_plain_text_extract(const char *text, size_t length, lantern_extracted *out)
{
	memset(out, 0, sizeof(*out));
	lantern_buffer buffer = LANTERN_BUFFER_INIT(LANTERN_TEXT_MAX);
	lantern_status status = LANTERN_OK;
	const char *heading = NULL;
	size_t heading_length = 0;
	for (size_t i = 0; i < length && status == LANTERN_OK; i++) {
		if (text[i] == '\r') {
			if (i + 1 < length && text[i + 1] == '\n')
				continue;
			status = lantern_buffer_append_char(&buffer, '\n');
		} else {
			status = lantern_buffer_append_char(&buffer, text[i] ? text[i] : ' ');
		}
	}
	/* The first non-blank line, trimmed, as the heading. */
	for (size_t i = 0; status == LANTERN_OK && i < buffer.length;) {
		const char *line = buffer.data + i;
		const char *newline = memchr(line, '\n', buffer.length - i);
		size_t line_length = newline ? (size_t)(newline - line) : buffer.length - i;
		size_t lead = 0;
		while (lead < line_length && (line[lead] == ' ' || line[lead] == '\t'))
			lead++;
		size_t tail = line_length;
		while (tail > lead && (line[tail - 1] == ' ' || line[tail - 1] == '\t'))
			tail--;
		if (tail > lead) {
			heading = line + lead;
			/* At most 200 bytes, never cutting a character in two. */
			heading_length = lantern_utf8_truncate(heading, tail - lead, 200);
			break;
		}
		i += line_length + 1;
	}
	if (status == LANTERN_OK && heading) {
		out->first_heading = strndup(heading, heading_length);
		if (!out->first_heading)
			status = lantern_error_set(LANTERN_ERROR_NO_MEMORY, "heading");
	}
	if (status == LANTERN_OK) {
		trim_trailing_newlines(&buffer);
		out->length = buffer.length;
		status = lantern_buffer_detach(&buffer, &out->text);
	}
	lantern_buffer_dispose(&buffer);
	if (status != LANTERN_OK)
		lantern_extracted_clear(out);
	return status;
}

void lantern_extracted_clear(lantern_extracted *extracted)
{
	if (!extracted)
		return;
	free(extracted->text);
	free(extracted->first_heading);
	memset(extracted, 0, sizeof(*extracted));
}
