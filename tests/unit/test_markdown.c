/*
 * test_markdown.c - lib/text/markdown.c: Markdown and plain text to
 * indexable text.
 *
 * lantern_markdown_extract: emphasis and code spans lose their markup;
 * links keep their text and drop the URL (inline, reference and image
 * links); raw HTML (inline and blocks) and Hugo shortcodes ({{< x >}},
 * {{% y %}}) are dropped; entities are decoded (&amp; &#233; &#x2014; &nbsp;
 * and unknown ones kept as written); the first heading is captured (ATX and
 * setext, markup stripped, the first non-empty one); tables keep their cell
 * text; code blocks keep their text; blocks are separated by one blank line.
 *
 * lantern_plain_text_extract: CRLF and lone CR become LF, NULs become
 * spaces, trailing newlines are trimmed, and the first non-blank line
 * (trimmed, at most 200 bytes, never cut inside a character) is the heading.
 */
#include "test_support.h"

#include "common/utf8.h"
#include "text/extract.h"

typedef struct extracted_text {
	lantern_extracted out;
	char squashed[4096]; /* text with every run of blanks folded to one space */
} extracted_text;

static void squash(const char *text, char *out, size_t size)
{
	size_t used = 0;
	bool blank = true; /* drop leading blanks */
	for (const char *p = text; *p && used + 1 < size; p++) {
		bool is_blank = *p == ' ' || *p == '\n' || *p == '\t';
		if (is_blank) {
			blank = true;
			continue;
		}
		if (blank && used)
			out[used++] = ' ';
		blank = false;
		out[used++] = *p;
	}
	out[used] = '\0';
}

static extracted_text *markdown(const char *text)
{
	static extracted_text result;
	lantern_extracted_clear(&result.out);
	assert_int_equal(lantern_markdown_extract(text, strlen(text), &result.out), LANTERN_OK);
	assert_non_null(result.out.text);
	assert_int_equal(strlen(result.out.text), result.out.length);
	assert_true(lantern_utf8_validate(result.out.text, result.out.length, NULL));
	squash(result.out.text, result.squashed, sizeof(result.squashed));
	return &result;
}

static int teardown(void **state)
{
	(void)state;
	extracted_text *last = markdown("");
	lantern_extracted_clear(&last->out);
	return 0;
}

static void test_emphasis_and_code_spans(void **state)
{
	(void)state;
	extracted_text *r = markdown("Some **bold**, *italic*, __strong__, ~~gone~~ and `a_code()` here.\n");
	assert_string_equal(r->out.text, "Some bold, italic, strong, gone and a_code() here.");
	assert_null(r->out.first_heading);
}

static void test_links_keep_text_drop_url(void **state)
{
	(void)state;
	extracted_text *r = markdown(
		"See [the field guide](https://example.org/guide \"Guide title\") now.\n\n"
		"A [reference link][ref] and ![alt words](https://img.example/x.png).\n\n"
		"[ref]: https://ref.example/page\n");
	assert_string_equal(r->out.text,
	                    "See the field guide now.\n\nA reference link and alt words.");
	assert_null(strstr(r->out.text, "example"));
	assert_null(strstr(r->out.text, "Guide title"));
}

static void test_raw_html_dropped(void **state)
{
	(void)state;
	extracted_text *r = markdown("Before <span class=\"x\">inside</span> after<br/>.\n");
	assert_string_equal(r->out.text, "Before inside after.");

	r = markdown("<div class=\"box\">\nhidden block text\n</div>\n\nParagraph.\n");
	assert_string_equal(r->out.text, "Paragraph.");

	r = markdown("Text <!-- a comment --> more.\n\n<script>alert(1)</script>\n\nEnd.\n");
	assert_string_equal(r->squashed, "Text more. End.");
}

static void test_hugo_shortcodes_dropped(void **state)
{
	(void)state;
	extracted_text *r = markdown("A {{< figure src=\"x.png\" caption=\"Fig\" >}} B\n\n"
	                             "{{% note %}}\nKept note text.\n{{% /note %}}\n\nC\n");
	assert_string_equal(r->squashed, "A B Kept note text. C");
	assert_null(strstr(r->out.text, "figure"));
	assert_null(strstr(r->out.text, "note %"));
	assert_null(strstr(r->out.text, "{{"));

	/* A shortcode spanning lines keeps the line structure around it. */
	r = markdown("# Title\n\n{{< youtube\n  id=\"abc\" >}}\n\nAfter.\n");
	assert_string_equal(r->squashed, "Title After.");
	assert_string_equal(r->out.first_heading, "Title");

	/* An unclosed one is left alone (it is text). */
	r = markdown("Odd {{< never closed\n");
	assert_string_equal(r->out.text, "Odd {{< never closed");
}

static void test_entities_decoded(void **state)
{
	(void)state;
	extracted_text *r = markdown("Fish &amp; chips &#233;t&#xE9; &#x2014; a&nbsp;b &copy; &lt;x&gt;\n");
	assert_string_equal(r->out.text,
	                    "Fish & chips \xC3\xA9t\xC3\xA9 \xE2\x80\x94 a\xC2\xA0" "b \xC2\xA9 <x>");

	/* Out-of-range and NUL references become U+FFFD. */
	r = markdown("x&#0;y&#x110000;z\n");
	assert_string_equal(r->out.text, "x\xEF\xBF\xBDy\xEF\xBF\xBDz");

	/* A named entity the table does not know is kept as written. */
	r = markdown("&hearts; &frac12;\n");
	assert_string_equal(r->out.text, "&hearts; &frac12;");

	/* Entities inside code are literal. */
	r = markdown("`&amp;`\n");
	assert_string_equal(r->out.text, "&amp;");
}

static void test_first_heading(void **state)
{
	(void)state;
	extracted_text *r = markdown("# Title One\n\nText.\n\n## Second\n");
	assert_string_equal(r->out.first_heading, "Title One");
	assert_string_equal(r->out.text, "Title One\n\nText.\n\nSecond");

	r = markdown("Setext Title\n============\n\nBody.\n");
	assert_string_equal(r->out.first_heading, "Setext Title");
	assert_string_equal(r->out.text, "Setext Title\n\nBody.");

	r = markdown("Line one\nline two\n---\n\nBody.\n");
	assert_string_equal(r->out.first_heading, "Line one line two");

	r = markdown("Intro paragraph.\n\n### The *quick* [fox](https://x.example) &amp; `dog` ###\n");
	assert_string_equal(r->out.first_heading, "The quick fox & dog");

	/* An empty heading does not count. */
	r = markdown("#\n\n## Real one\n");
	assert_string_equal(r->out.first_heading, "Real one");

	r = markdown("No heading here.\n\n- just\n- a list\n");
	assert_null(r->out.first_heading);
}

static void test_tables_keep_cell_text(void **state)
{
	(void)state;
	extracted_text *r = markdown("| Indicator | Weight |\n|---|---:|\n| Truancy | *high* |\n"
	                             "| New phone | [low](https://x.example) |\n\nAfter.\n");
	assert_string_equal(r->squashed, "Indicator Weight Truancy high New phone low After.");
	/* Rows stay on separate lines. */
	const char *truancy = strstr(r->out.text, "Truancy");
	const char *phone = strstr(r->out.text, "New phone");
	assert_non_null(truancy);
	assert_non_null(phone);
	assert_non_null(memchr(truancy, '\n', (size_t)(phone - truancy)));
	assert_null(strchr(r->out.text, '|'));
}

static void test_code_blocks_keep_text(void **state)
{
	(void)state;
	extracted_text *r = markdown("```c\nint x = 1; /* *not* emphasis */\n```\n\n    indented code\n");
	assert_string_equal(r->out.text, "int x = 1; /* *not* emphasis */\n\nindented code");
}

static void test_blocks_separated(void **state)
{
	(void)state;
	extracted_text *r = markdown("Para one\nline two\n\n\n\nPara two\n\n> Quoted\n\n- a\n- b\n\n1. c\n\n---\n\nEnd");
	assert_string_equal(r->out.text, "Para one\nline two\n\nPara two\n\nQuoted\n\na\nb\n\nc\n\nEnd");
}

static void test_empty_and_odd_inputs(void **state)
{
	(void)state;
	extracted_text *r = markdown("");
	assert_string_equal(r->out.text, "");
	assert_int_equal(r->out.length, 0);
	assert_null(r->out.first_heading);

	r = markdown("\n\n   \n");
	assert_string_equal(r->out.text, "");

	/* A NUL byte becomes U+FFFD. */
	lantern_extracted out;
	assert_int_equal(lantern_markdown_extract("a\0b", 3, &out), LANTERN_OK);
	assert_string_equal(out.text, "a\xEF\xBF\xBD" "b");
	assert_int_equal(out.length, 5);
	lantern_extracted_clear(&out);
	lantern_extracted_clear(NULL);

	/* Only `length` bytes are read. */
	assert_int_equal(lantern_markdown_extract("# Head\nnot this", 6, &out), LANTERN_OK);
	assert_string_equal(out.text, "Head");
	assert_string_equal(out.first_heading, "Head");
	lantern_extracted_clear(&out);
	assert_null(out.text);
	assert_null(out.first_heading);
}

/* ------------------------------------------------------------------ plain text */

static void test_plain_text_line_endings(void **state)
{
	(void)state;
	const char *text = "\r\n\r\n  First line  \r\nSecond\rThird\r\n\r\n";
	lantern_extracted out;
	assert_int_equal(lantern_plain_text_extract(text, strlen(text), &out), LANTERN_OK);
	assert_string_equal(out.text, "\n\n  First line  \nSecond\nThird");
	assert_int_equal(out.length, strlen(out.text));
	assert_string_equal(out.first_heading, "First line");
	lantern_extracted_clear(&out);

	assert_int_equal(lantern_plain_text_extract("a\0b\n", 4, &out), LANTERN_OK);
	assert_int_equal(out.length, 3);
	assert_string_equal(out.text, "a b");
	assert_string_equal(out.first_heading, "a b");
	lantern_extracted_clear(&out);

	/* Markup is not interpreted. */
	assert_int_equal(lantern_plain_text_extract("\t# *Not* markdown\t\n", 19, &out), LANTERN_OK);
	assert_string_equal(out.first_heading, "# *Not* markdown");
	assert_string_equal(out.text, "\t# *Not* markdown\t");
	lantern_extracted_clear(&out);
}

static void test_plain_text_blank(void **state)
{
	(void)state;
	lantern_extracted out;
	assert_int_equal(lantern_plain_text_extract("", 0, &out), LANTERN_OK);
	assert_string_equal(out.text, "");
	assert_null(out.first_heading);
	lantern_extracted_clear(&out);

	assert_int_equal(lantern_plain_text_extract(" \t\r\n \n\n", 7, &out), LANTERN_OK);
	assert_null(out.first_heading);
	assert_string_equal(out.text, " \t\n ");
	lantern_extracted_clear(&out);
}

static void test_plain_text_long_heading(void **state)
{
	(void)state;
	char text[400];
	memset(text, 'a', 300);
	text[300] = '\0';
	lantern_extracted out;
	assert_int_equal(lantern_plain_text_extract(text, 300, &out), LANTERN_OK);
	assert_int_equal(strlen(out.first_heading), 200);
	assert_int_equal(out.length, 300);
	lantern_extracted_clear(&out);

	/* 199 ASCII bytes, then "é": a 200-byte cut would split it. */
	memset(text, 'a', 199);
	memcpy(text + 199, "\xC3\xA9" "bcd\n", 7);
	size_t length = 199 + 6;
	assert_int_equal(lantern_plain_text_extract(text, length, &out), LANTERN_OK);
	assert_non_null(out.first_heading);
	assert_true(lantern_utf8_validate(out.first_heading, strlen(out.first_heading), NULL));
	assert_int_equal(strlen(out.first_heading), 199);
	lantern_extracted_clear(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_emphasis_and_code_spans),
		cmocka_unit_test(test_links_keep_text_drop_url),
		cmocka_unit_test(test_raw_html_dropped),
		cmocka_unit_test(test_hugo_shortcodes_dropped),
		cmocka_unit_test(test_entities_decoded),
		cmocka_unit_test(test_first_heading),
		cmocka_unit_test(test_tables_keep_cell_text),
		cmocka_unit_test(test_code_blocks_keep_text),
		cmocka_unit_test(test_blocks_separated),
		cmocka_unit_test(test_empty_and_odd_inputs),
		cmocka_unit_test(test_plain_text_line_endings),
		cmocka_unit_test(test_plain_text_blank),
		cmocka_unit_test(test_plain_text_long_heading),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
