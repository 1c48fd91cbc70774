/*
 * transcript.c - WebVTT and SRT subtitles to plain text.
 *
 * Training videos come with caption files; what a search needs is what was
 * said. Cue numbers, timings, the WEBVTT header, NOTE/STYLE/REGION blocks
 * and markup (<v Speaker>, <i>, <00:01.000>) are dropped; a voice tag's
 * speaker becomes "Speaker: " so who said it stays searchable. Consecutive
 * cues become running text, a blank line between cue blocks.
 */
#include "lantern/plugin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRANSCRIPT_MAX_BYTES (64u * 1024 * 1024)

static bool is_timing_line(const char *line)
{
	return strstr(line, "-->") != NULL;
}

static bool is_number_line(const char *line)
{
	if (!*line)
		return false;
	for (const char *p = line; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/* Copies a cue line without markup into `out`; returns its length. */
static size_t clean_cue_line(const char *line, char *out, size_t out_size)
{
	size_t used = 0;
	for (const char *p = line; *p && used + 8 < out_size;) {
		if (*p == '<') {
			const char *close = strchr(p, '>');
			if (!close)
				break;
			if (p[1] == 'v' && (p[2] == ' ' || p[2] == '.')) {
				/* <v Speaker Name> or <v.class Speaker> */
				const char *name = strchr(p, ' ');
				if (name && name < close) {
					name++;
					size_t length = (size_t)(close - name);
					if (length > 0 && used + length + 3 < out_size) {
						memcpy(out + used, name, length);
						used += length;
						out[used++] = ':';
						out[used++] = ' ';
					}
				}
			}
			p = close + 1;
			continue;
		}
		if (*p == '&') {
			static const struct { const char *entity; char character; } entities[] = {
				{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&nbsp;", ' ' },
				{ "&quot;", '"' }, { "&apos;", '\'' }, { "&lrm;", 0 }, { "&rlm;", 0 },
			};
			bool matched = false;
			for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]); i++) {
				size_t length = strlen(entities[i].entity);
				if (strncmp(p, entities[i].entity, length) == 0) {
					if (entities[i].character)
						out[used++] = entities[i].character;
					p += length;
					matched = true;
					break;
				}
			}
			if (matched)
				continue;
		}
		out[used++] = *p++;
	}
	out[used] = '\0';
	return used;
}

static int extract_transcript(const char *path, const lantern_extract_sink *sink, lantern_extract_output *out,
                              char *error, size_t error_size)
{
	FILE *file = fopen(path, "r");
	if (!file) {
		snprintf(error, error_size, "cannot open the file");
		return 1;
	}
	char *line = NULL;
	size_t capacity = 0, total = 0;
	ssize_t length;
	bool first = true, in_cue = false, skipping_block = false, wrote_in_block = false;
	bool is_vtt = false;
	int stop = 0;
	char *clean = NULL;
	size_t clean_size = 0;
	while (!stop && (length = getline(&line, &capacity, file)) >= 0) {
		total += (size_t)length;
		if (total > TRANSCRIPT_MAX_BYTES) {
			snprintf(error, error_size, "transcript over %u bytes", TRANSCRIPT_MAX_BYTES);
			stop = 2;
			break;
		}
		/* Trailing blanks too: "1 " is still a cue number, "  " a blank line. */
		while (length && (line[length - 1] == '\n' || line[length - 1] == '\r' ||
		                  line[length - 1] == ' ' || line[length - 1] == '\t'))
			line[--length] = '\0';
		char *text = line;
		if (first && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
			text += 3;
		if (first) {
			first = false;
			if (strncmp(text, "WEBVTT", 6) == 0) {
				is_vtt = true;
				skipping_block = true; /* the header block */
				continue;
			}
		}
		if (!*text) {
			/* A blank line ends a block. */
			if (wrote_in_block)
				stop = sink->text(out, "\n\n", 2);
			in_cue = skipping_block = wrote_in_block = false;
			continue;
		}
		if (skipping_block)
			continue;
		if (!in_cue) {
			if (is_vtt && (strncmp(text, "NOTE", 4) == 0 || strncmp(text, "STYLE", 5) == 0 ||
			               strncmp(text, "REGION", 6) == 0)) {
				skipping_block = true;
				continue;
			}
			if (is_timing_line(text)) {
				in_cue = true;
				continue;
			}
			if (is_number_line(text) || is_vtt)
				continue; /* a cue number (SRT) or cue identifier (VTT) */
			in_cue = true; /* text without timing: keep it */
		} else if (is_timing_line(text)) {
			continue;
		}
		if ((size_t)length * 2 + 16 > clean_size) {
			clean_size = (size_t)length * 2 + 16;
			char *grown = realloc(clean, clean_size);
			if (!grown) {
				snprintf(error, error_size, "out of memory");
				stop = 2;
				break;
			}
			clean = grown;
		}
		size_t clean_length = clean_cue_line(text, clean, clean_size);
		if (clean_length) {
			stop = (wrote_in_block && sink->text(out, " ", 1)) || sink->text(out, clean, clean_length);
			wrote_in_block = true;
		}
	}
	free(line);
	free(clean);
	fclose(file);
	if (stop == 1)
		snprintf(error, error_size, "transcript text over the output limit");
	return stop ? 1 : 0;
}

static const char *const transcript_types[] = { "text/vtt", "application/x-subrip", NULL };
static const char *const transcript_extensions[] = { "vtt", "srt", NULL };

static const lantern_plugin transcript_plugin = {
	LANTERN_PLUGIN_ABI_VERSION, "transcript", "WebVTT and SRT captions (text without cue timings)",
	transcript_types, transcript_extensions, true, extract_transcript,
};

__attribute__((visibility("default"))) const lantern_plugin *lantern_plugin_entry(void)
{
	return &transcript_plugin;
}
