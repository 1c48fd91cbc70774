/*
 * test_plugin_office.c - the DOCX / ODT extractor plugin (plugins/office),
 * run through the host API exactly as the indexer runs it (isolated in
 * lantern-extract).
 *
 * Inputs: tests/data/plugins/office/ (made by make_fixtures.py there: normal
 * documents with headings, metadata, non-ASCII text and entities; external
 * entities, a billion-laughs document, malformed XML, 300 levels of nesting,
 * a truncated zip, a text file, a zip entry with a password, a
 * password-protected OLE container, an encrypted ODT, a spreadsheet), plus inputs made here in a temporary directory: an empty
 * file and zip bombs (1 GB of zeros in word/document.xml compressed to about
 * 1 MB; a 32 MB part at 1000:1; a part whose headers understate its size).
 */
#include "plugin_support.h"

#ifdef LANTERN_TEST_HAVE_ZLIB
#include <zlib.h>
#endif

static int setup(void **state)
{
	*state = plugin_fixture_new("office");
	return 0;
}

static int teardown(void **state)
{
	plugin_fixture_free(*state);
	return 0;
}

/* The host separates blocks with blank lines and adds its own around
 * headings, so two headings in a row may be apart by more than one blank
 * line; compare blocks, not the exact count of newlines. */
static char *blocks(const char *text)
{
	assert_non_null(text);
	char *copy = strdup(text);
	assert_non_null(copy);
	size_t out = 0;
	for (size_t i = 0; copy[i]; i++) {
		if (copy[i] == '\n' && out >= 2 && copy[out - 1] == '\n' && copy[out - 2] == '\n')
			continue;
		copy[out++] = copy[i];
	}
	while (out > 0 && copy[out - 1] == '\n')
		out--;
	copy[out] = '\0';
	return copy;
}

static void check_blocks(const char *file, int line, const char *text, const char *expected)
{
	char *actual = blocks(text);
	plugin_check_equal(file, line, actual, expected);
	free(actual);
}
#define expect_blocks(text, expected) check_blocks(__FILE__, __LINE__, (text), (expected))

static void test_descriptor(void **state)
{
	plugin_fixture *fixture = *state;
	assert_ptr_equal(lantern_plugins_for_path(fixture->set, "a/report.docx"), fixture->plugin);
	assert_ptr_equal(lantern_plugins_for_path(fixture->set, "a/REPORT.ODT"), fixture->plugin);
}

static void test_docx(void **state)
{
	plugin_fixture *fixture = *state;
	char *path = plugin_test_data("office/report.docx");
	lantern_document_text text;
	plugin_extract_ok(fixture, path, &text);
	expect_text_equal(text.title, "Annual Report & Review");
	expect_text_equal(text.author, "Mere Tūhoe");
	expect_text_equal(text.created, "2023-04-05");
	expect_text_equal(text.modified, "2024-02-29");
	expect_text_equal(text.first_heading, "Annual Report");
	assert_int_equal(text.page_count, 0);
	/* Title / Heading1 / Heading2 styles, a localized style named
	 * "heading 3" and one with an outline level in styles.xml; runs,
	 * tabs, breaks, entities; deleted text, field codes and the text box's
	 * fallback copy are left out. */
	expect_blocks(text.text, "Annual Report\n\n"
	                         "Introduction\n\n"
	                         "Kia ora koutou, Tāmaki Makaurau & Ōtautahi <2023>.\n\n"
	                         "Name\tValue\nSecond line\n\n"
	                         "Findings\n\n"
	                         "Kept text and more.\n\n"
	                         "Localized heading\n\n"
	                         "Outline heading\n\n"
	                         "日本語のテキスト と Ελληνικά\n\n"
	                         "Cell one\n\n"
	                         "Cell two\n\n"
	                         "Before box\n\n"
	                         "Text box content\n\n"
	                         "after box\n\n"
	                         "The end.");
	expect_lacks(text.text, "DELETED-TEXT");
	expect_lacks(text.text, "FIELD-CODE");
	expect_lacks(text.text, "FALLBACK-DUPLICATE");
	/* Headings are blocks of their own: "Findings" is followed by a
	 * paragraph, and the heading text is not merged with it. */
	expect_contains(text.text, "Findings\n\nKept text");
	lantern_document_text_clear(&text);
	free(path);

	/* Without styles.xml and docProps/core.xml: style ids still name
	 * headings, there is just no metadata. */
	path = plugin_test_data("office/no-styles.docx");
	plugin_extract_ok(fixture, path, &text);
	assert_null(text.title);
	assert_null(text.author);
	assert_null(text.created);
	expect_text_equal(text.first_heading, "Annual Report");
	expect_contains(text.text, "Localized heading\n\nOutline heading\n\n日本語");
	lantern_document_text_clear(&text);
	free(path);
}

static void test_odt(void **state)
{
	plugin_fixture *fixture = *state;
	char *path = plugin_test_data("office/report.odt");
	lantern_document_text text;
	plugin_extract_ok(fixture, path, &text);
	expect_text_equal(text.title, "Rapport annuel");
	expect_text_equal(text.author, "Zoë Ångström"); /* the initial creator */
	expect_text_equal(text.created, "2022-11-30");
	expect_text_equal(text.modified, "2023-01-15");
	expect_text_equal(text.first_heading, "Rapport annuel");
	assert_int_equal(text.page_count, 0);
	/* text:s, text:tab, text:line-break; whitespace collapsed; list items,
	 * footnote bodies (not their numbers), no annotations. */
	expect_blocks(text.text, "Rapport annuel\n\n"
	                         "Première ligne continuée & fin.\n\n"
	                         "Détails\n\n"
	                         "A   B\tC\nD span E\n\n"
	                         "Élément un\n\n"
	                         "Élément deux\n\n"
	                         "Note here\n\n"
	                         "Footnote body\n\n"
	                         "after note.\n\n"
	                         "Commented text\n\n"
	                         "Deep heading\n\n"
	                         "Ελληνικά 中文");
	expect_lacks(text.text, "ANNOTATION-TEXT");
	expect_lacks(text.text, "Reviewer");
	lantern_document_text_clear(&text);
	free(path);
}

static void test_external_entities(void **state)
{
	plugin_fixture *fixture = *state;
	char *path = plugin_test_data("office/xxe.docx");
	lantern_document_text text;
	plugin_extract_ok(fixture, path, &text);
	/* The references stay unresolved: nothing of /etc/passwd comes in. */
	expect_text_equal(text.text, "Before  after");
	expect_text_equal(text.title, "Title end");
	expect_lacks(text.text, "root:");
	expect_lacks(text.title, "root:");
	lantern_document_text_clear(&text);
	free(path);
}

static void test_bad_documents(void **state)
{
	plugin_fixture *fixture = *state;
	static const struct {
		const char *file, *reason;
	} cases[] = {
		{ "office/billion-laughs.docx", "entity expansion refused in word/document.xml" },
		{ "office/malformed.docx", "malformed XML in word/document.xml (line 2: Opening and ending tag mismatch" },
		{ "office/not-a-zip.docx", "not a zip archive, so not a DOCX/ODT file" },
		{ "office/truncated.docx", "damaged or truncated zip archive" },
		{ "office/not-office.docx", "a zip archive without word/document.xml or content.xml" },
		{ "office/password.docx", "password-protected (encrypted) document: an OLE container, not a zip" },
		{ "office/encrypted.odt", "encrypted (password-protected) ODT" },
		{ "office/spreadsheet.odt", "OpenDocument type application/vnd.oasis.opendocument.spreadsheet is not a text document" },
		{ "office/deep.docx", "malformed XML in word/document.xml (line 2: Excessive depth in document: 256" },
		{ "office/zip-encrypted.docx", "encrypted (password-protected) zip entry word/document.xml" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *path = plugin_test_data(cases[i].file);
		expect_extract_failure(fixture, path, cases[i].reason);
		free(path);
	}
	test_write_bytes(fixture->temp, "empty.docx", "", 0);
	char *path = test_join(fixture->temp, "empty.docx");
	expect_extract_failure(fixture, path, "empty file");
	free(path);
	path = test_join(fixture->temp, "missing.odt");
	expect_extract_failure(fixture, path, "cannot open the file");
	free(path);
}

#ifdef LANTERN_TEST_HAVE_ZLIB
static void put16(unsigned char *p, unsigned value)
{
	p[0] = (unsigned char)(value & 0xff);
	p[1] = (unsigned char)((value >> 8) & 0xff);
}

static void put32(unsigned char *p, unsigned long value)
{
	put16(p, (unsigned)(value & 0xffff));
	put16(p + 2, (unsigned)((value >> 16) & 0xffff));
}

/* Writes a zip holding one deflated entry word/document.xml of `megabytes`
 * MB of zeros. Deflating 1 MB once with a full flush (which resets the
 * compressor) gives a block that repeats for every further megabyte, so
 * even 1 GB takes a moment. The headers declare `declared` bytes (0: the
 * truth). Returns the path. */
static char *write_zero_bomb(plugin_fixture *fixture, const char *name, unsigned megabytes, unsigned long declared)
{
	const size_t chunk = (size_t)1 << 20;
	unsigned char *zeros = calloc(1, chunk);
	size_t room = chunk / 8;
	unsigned char *block = malloc(room), *tail = malloc(64);
	assert_non_null(zeros);
	assert_non_null(block);
	assert_non_null(tail);
	z_stream stream;
	memset(&stream, 0, sizeof(stream));
	assert_int_equal(deflateInit2(&stream, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	stream.next_in = zeros;
	stream.avail_in = (uInt)chunk;
	stream.next_out = block;
	stream.avail_out = (uInt)room;
	assert_int_equal(deflate(&stream, Z_FULL_FLUSH), Z_OK);
	assert_int_equal(stream.avail_in, 0);
	size_t block_size = room - stream.avail_out;
	/* The next megabyte compresses to the very same bytes. */
	unsigned char *again = malloc(room);
	assert_non_null(again);
	stream.next_in = zeros;
	stream.avail_in = (uInt)chunk;
	stream.next_out = again;
	stream.avail_out = (uInt)room;
	assert_int_equal(deflate(&stream, Z_FULL_FLUSH), Z_OK);
	assert_int_equal(room - stream.avail_out, block_size);
	assert_memory_equal(again, block, block_size);
	free(again);
	stream.next_in = zeros;
	stream.avail_in = 0;
	stream.next_out = tail;
	stream.avail_out = 64;
	assert_int_equal(deflate(&stream, Z_FINISH), Z_STREAM_END);
	size_t tail_size = 64 - stream.avail_out;
	deflateEnd(&stream);

	unsigned long crc_block = crc32(0L, zeros, (uInt)chunk), crc = crc_block;
	for (unsigned i = 1; i < megabytes; i++)
		crc = crc32_combine(crc, crc_block, (z_off_t)chunk);
	unsigned long size = (unsigned long)megabytes << 20;
	unsigned long compressed = (unsigned long)block_size * megabytes + (unsigned long)tail_size;
	unsigned long claimed = declared ? declared : size;

	static const char entry[] = "word/document.xml";
	const unsigned name_length = (unsigned)(sizeof(entry) - 1);
	char *path = test_join(fixture->temp, name);
	FILE *file = fopen(path, "wb");
	assert_non_null(file);
	unsigned char local[30] = { 0 };
	put32(local, 0x04034b50);
	put16(local + 4, 20);
	put16(local + 8, 8); /* deflate */
	put32(local + 14, crc);
	put32(local + 18, compressed);
	put32(local + 22, claimed);
	put16(local + 26, name_length);
	assert_int_equal(fwrite(local, 1, 30, file), 30);
	assert_int_equal(fwrite(entry, 1, name_length, file), name_length);
	for (unsigned i = 0; i < megabytes; i++)
		assert_int_equal(fwrite(block, 1, block_size, file), block_size);
	assert_int_equal(fwrite(tail, 1, tail_size, file), tail_size);
	unsigned long directory_at = 30 + name_length + compressed;
	unsigned char central[46] = { 0 };
	put32(central, 0x02014b50);
	put16(central + 4, 20);
	put16(central + 6, 20);
	put16(central + 10, 8);
	put32(central + 16, crc);
	put32(central + 20, compressed);
	put32(central + 24, claimed);
	put16(central + 28, name_length);
	assert_int_equal(fwrite(central, 1, 46, file), 46);
	assert_int_equal(fwrite(entry, 1, name_length, file), name_length);
	unsigned char end[22] = { 0 };
	put32(end, 0x06054b50);
	put16(end + 8, 1);
	put16(end + 10, 1);
	put32(end + 12, 46 + name_length);
	put32(end + 16, directory_at);
	assert_int_equal(fwrite(end, 1, 22, file), 22);
	assert_int_equal(fclose(file), 0);
	free(zeros);
	free(block);
	free(tail);
	return path;
}

static void test_zip_bombs(void **state)
{
	plugin_fixture *fixture = *state;
	/* 1 GB of zeros, about 1 MB on disk: refused from the declared size. */
	char *path = write_zero_bomb(fixture, "bomb.docx", 1024, 0);
	struct stat info;
	assert_int_equal(stat(path, &info), 0);
	assert_true(info.st_size < (off_t)2 << 20);
	expect_extract_failure(fixture, path, "zip bomb refused: word/document.xml would inflate to 1024 MB (limit 64 MB)");
	free(path);

	/* Under the size cap but compressed 1000:1. */
	path = write_zero_bomb(fixture, "ratio.docx", 32, 0);
	expect_extract_failure(fixture, path, "zip bomb refused: word/document.xml compresses");
	free(path);

	/* Headers that claim 1000 bytes for 1 GB: reading stops right after the
	 * claimed size, whatever the data would inflate to. */
	path = write_zero_bomb(fixture, "liar.docx", 1024, 1000);
	expect_extract_failure(fixture, path, "damaged zip archive: word/document.xml");
	free(path);

	/* The honest small version of the same file is read (and is not XML). */
	path = write_zero_bomb(fixture, "zeros.docx", 1, 0);
	expect_extract_failure(fixture, path, "word/document.xml");
	free(path);
}
#else
static void test_zip_bombs(void **state)
{
	(void)state;
	print_message("zip bombs skipped: built without zlib\n");
	skip();
}
#endif

static void test_output_limit(void **state)
{
	plugin_fixture *fixture = *state;
	char *path = plugin_test_data("office/report.odt");
	lantern_extract_limits saved = fixture->limits;
	fixture->limits.output_bytes = 40;
	expect_extract_failure(fixture, path, "over the 40-byte limit");
	fixture->limits = saved;
	free(path);
}

/* The one real DOCX of the shared corpus, when it is there. */
static void test_shared_corpus(void **state)
{
	plugin_fixture *fixture = *state;
	const char *shared = getenv("LANTERN_SHARED_DIR");
	char *path = NULL;
	if (shared && shared[0]) {
		char base[4096];
		snprintf(base, sizeof(base), "%.4000s/corpora/nz-police/files/off-duty-interventions/2020-07-14", shared);
		path = test_join(base, "Off duty policy.docx");
	}
	if (!path || access(path, R_OK) != 0) {
		print_message("shared corpus absent (LANTERN_SHARED_DIR/corpora/nz-police): skipped\n");
		free(path);
		skip();
		return;
	}
	lantern_document_text text;
	plugin_extract_ok(fixture, path, &text);
	expect_text_equal(text.first_heading, "Off-duty interventions");
	assert_non_null(text.created);
	assert_int_equal(strlen(text.created), 10);
	assert_true(text.length > 1000);
	lantern_document_text_clear(&text);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptor),
		cmocka_unit_test(test_docx),
		cmocka_unit_test(test_odt),
		cmocka_unit_test(test_external_entities),
		cmocka_unit_test(test_bad_documents),
		cmocka_unit_test(test_zip_bombs),
		cmocka_unit_test(test_output_limit),
		cmocka_unit_test(test_shared_corpus),
	};
	return cmocka_run_group_tests_name("plugin_office", tests, setup, teardown);
}
