/*
 * hello.c - the template for a Lantern extractor plugin.
 *
 * Copy this folder, rename, and fill in extract(). This one "extracts"
 * *.hello files: the first line is the title, the rest is text, and a line
 * holding only "---page---" starts a new page. See docs/plugins.md.
 */
#include "lantern/plugin.h"

#include <stdio.h>
#include <string.h>

static int extract_hello(const char *path, const lantern_extract_sink *sink, lantern_extract_output *out,
                         char *error, size_t error_size)
{
	FILE *file = fopen(path, "r");
	if (!file) {
		snprintf(error, error_size, "cannot open the file");
		return 1;
	}
	char line[4096];
	int number = 0, stop = 0;
	while (!stop && fgets(line, sizeof(line), file)) {
		size_t length = strcspn(line, "\r\n");
		line[length] = '\0';
		if (number++ == 0) {
			stop = sink->metadata(out, "title", line) || sink->heading(out, 1, line, length);
		} else if (strcmp(line, "---page---") == 0) {
			stop = sink->page_break(out);
		} else {
			stop = sink->text(out, line, length) || sink->text(out, "\n", 1);
		}
	}
	fclose(file);
	if (stop) {
		snprintf(error, error_size, "output limit reached");
		return 1;
	}
	return 0;
}

static const char *const hello_types[] = { "text/x-hello", NULL };
static const char *const hello_extensions[] = { "hello", NULL };

static const lantern_plugin hello_plugin = {
	LANTERN_PLUGIN_ABI_VERSION,
	"hello",
	"Template plugin: *.hello files (first line is the title)",
	hello_types,
	hello_extensions,
	true, /* run isolated, as any plugin that parses outside input should */
	extract_hello,
};

__attribute__((visibility("default"))) const lantern_plugin *lantern_plugin_entry(void)
{
	return &hello_plugin;
}
