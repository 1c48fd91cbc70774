/*
 * test_crawl.c - lib/corpus/crawl.c and lib/corpus/resource.c: walking a
 * corpus, folder defaults, loading resources and building documents.
 *
 * A temporary corpus (mkdtemp) holds one of everything, and the crawl's
 * result is checked exactly: Markdown, text, a sidecar pair (x.pdf +
 * x.pdf.yaml is one SIDECAR source), a record with a transcript (the
 * transcript is not a source of its own), _defaults.yaml recorded on its
 * folder, schema.yaml and synonyms.yaml at the root skipped, hidden files and
 * editor backups skipped silently, .lanternignore patterns (folder, glob,
 * anchored path), an unsupported file without a sidecar, a FIFO (reported,
 * never opened: the test would time out), a directory symlink back to its
 * parent, a directory symlink to a sibling folder met before it (the real
 * folder keeps its place and paths), a symlink to itself, symlinks out of the root (including to a
 * sibling folder whose name starts with the root's), a followed symlink to a
 * file inside the root, a broken symlink, an unreadable folder (as root
 * chmod 000 does not stop reading: that part then runs the crawl in a child
 * that dropped to uid 65534, or is skipped with a message), and sources
 * sorted by path.
 *
 * lantern_crawl_load_defaults: nested chains (own value, then parent's, then
 * global), context hashes, the seed, invalid defaults marking the folder
 * and its children. lantern_resource_load for every kind: metadata merged,
 * id from the path, title from the first heading, access defaulting to
 * public, a symlinked file, invalid UTF-8 at line:col, broken front matter,
 * bad field values at their file line, missing required fields, a transcript
 * symlink out of the corpus refused; symlinked _defaults.yaml, .lanternignore
 * and record files inside the corpus honoured, and a transcript in a
 * subfolder not listed as a resource of its own. lantern_resource_build's terms,
 * including `all` expanded to every agency type plus XALLagency_type.
 * lantern_id_from_path and lantern_source_stat.
 */
#include "test_support.h"

#include <grp.h>
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "lantern/corpus.h"
#include "lantern/index_schema.h"

typedef struct corpus_fixture {
	char *base;      /* mkdtemp directory */
	char *root;      /* base/corpus */
	bool locked_readable; /* chmod 000 did not stop us (running as root) */
	lantern_schema *schema;
} corpus_fixture;

static corpus_fixture fixture;

static void on_alarm(int signal_number)
{
	(void)signal_number;
	static const char message[] = "test_crawl: timed out (did the crawl open a FIFO?)\n";
	ssize_t ignored = write(2, message, sizeof(message) - 1);
	(void)ignored;
	_exit(1);
}

static void make_symlink(const char *target, const char *relative)
{
	test_make_parents(fixture.root, relative);
	char *path = test_join(fixture.root, relative);
	if (symlink(target, path) != 0) {
		print_error("symlink(%s, %s): %s\n", target, path, strerror(errno));
		fail();
	}
	free(path);
}

static const char A_GUIDE[] =
	"---\n"
	"title: A guide\n"
	"type: policy\n"
	"agency_type: all\n"
	"published: 2019-05-03\n"
	"---\n"
	"# Heading in body\n"
	"\n"
	"Body text about **trafficking**.\n";

static int group_setup(void **state)
{
	(void)state;
	signal(SIGALRM, on_alarm);
	alarm(60);
	char *schema_path = test_join(test_source_dir(), "corpus/schema.yaml");
	lantern_status status = lantern_schema_load(&fixture.schema, schema_path, NULL);
	free(schema_path);
	if (status != LANTERN_OK)
		return -1;

	fixture.base = test_make_temp_dir("crawl");
	chmod(fixture.base, 0755); /* the privilege-drop test reads it as nobody */
	fixture.root = test_join(fixture.base, "corpus");
	const char *root = fixture.root;
	if (mkdir(root, 0755) != 0)
		return -1;
	test_write_file(fixture.base, "outside/secret.txt", "outside the corpus\n");
	test_write_file(fixture.base, "corpus-other/file.md", "# Not ours\n");

	test_write_file(root, "schema.yaml", "vocabularies: {}\n");
	test_write_file(root, "synonyms.yaml", "synonyms: []\n");
	test_write_file(root, ".lanternignore",
	                "# comment line\n\ndrafts/\n*.draft.md\n  /private/secret.md  \n");
	test_write_file(root, "_defaults.yaml", "agency_size: small\naudience: investigator\ncost: free\n");
	test_write_file(root, "a-guide.md", A_GUIDE);
	test_write_file(root, "bad-field.md", "---\ntitle: T\ntype: polcy\n---\nBody\n");
	test_write_file(root, "broken-fm.md", "---\ntitle: x\nno closing fence\n");
	test_write_file(root, "notes.txt",
	                "---\ntype: report\n---\n\n  Notes heading line  \n\nSome notes.\n");
	test_write_bytes(root, "report.pdf", "%PDF-1.4\0\xff\xfe", 11);
	test_write_file(root, "report.pdf.yaml", "title: Annual report\ntype: report\n");
	test_write_file(root, "orphan.pdf", "%PDF-1.4");
	/* Silently skipped. */
	test_write_file(root, "x.md~", "# backup\n");
	test_write_file(root, ".x.md.swp", "swap");
	test_write_file(root, "#x.md#", "# emacs autosave\n");
	test_write_file(root, ".hidden.md", "# hidden\n");
	test_write_file(root, "notes.bak", "old notes");
	test_write_file(root, "scratch.draft.md", "# draft\n");
	test_write_file(root, "drafts/wip.md", "# wip\n");
	test_write_file(root, "private/secret.md", "# secret\n");
	test_write_file(root, "private/open.md", "# Open\n\nNo front matter here.\n");
	static const char inner[] = "---\ntitle: Inner\ntype: policy\n---\nline one\nab\xFF" "cd\n";
	test_write_bytes(root, "sub/inner.md", inner, sizeof(inner) - 1);
	test_write_file(root, "videos/_defaults.yaml", "type: video\ndelivery: online\ncost: $10\n");
	test_write_file(root, "videos/talk.yaml",
	                "title: A talk\nsummary: Summary of the talk\ntranscript: talk.transcript.txt\n"
	                "description: Talk description.\n");
	test_write_file(root, "videos/talk.transcript.txt", "Transcript words here.\n");
	test_write_file(root, "videos/nested/_defaults.yaml", "delivery: hybrid\n");
	test_write_file(root, "videos/nested/deep.yaml", "title: Deep record\n");
	test_write_file(root, "locked/x.md", "---\ntitle: L\ntype: policy\n---\n");

	char *fifo = test_join(root, "pipe.md");
	if (mkfifo(fifo, 0644) != 0) {
		free(fifo);
		return -1;
	}
	free(fifo);
	make_symlink("..", "sub/loop");
	make_symlink("sub", "alias-sub"); /* sorts before sub/: met first */
	make_symlink("selfloop", "selfloop");
	make_symlink("../outside", "outside-link");
	make_symlink("../corpus-other/file.md", "sibling-link.md");
	make_symlink("a-guide.md", "link-inside.md");
	make_symlink("nowhere.md", "broken.md");

	char *locked = test_join(root, "locked");
	chmod(locked, 0);
	DIR *probe = opendir(locked);
	fixture.locked_readable = probe != NULL;
	if (probe)
		closedir(probe);
	free(locked);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	test_remove_tree(fixture.base);
	free(fixture.base);
	free(fixture.root);
	lantern_schema_free(fixture.schema);
	alarm(0);
	return 0;
}

static const lantern_source *find_source(const lantern_crawl *crawl, const char *path)
{
	for (size_t i = 0; i < crawl->source_count; i++)
		if (strcmp(crawl->sources[i].path, path) == 0)
			return &crawl->sources[i];
	return NULL;
}

static size_t find_folder(const lantern_crawl *crawl, const char *path)
{
	for (size_t i = 0; i < crawl->folder_count; i++)
		if (strcmp(crawl->folders[i].path, path) == 0)
			return i;
	print_error("no folder '%s'\n", path);
	fail();
	return SIZE_MAX;
}

static void run_crawl(lantern_crawl *crawl)
{
	assert_int_equal(lantern_crawl_run(crawl, fixture.root), LANTERN_OK);
}

/* ------------------------------------------------------------------ the crawl */

static void test_sources_exactly(void **state)
{
	(void)state;
	lantern_crawl crawl;
	run_crawl(&crawl);
	assert_string_equal(crawl.root, fixture.root);

	struct expected_source {
		const char *path;
		lantern_source_kind kind;
		const char *sidecar;
		const char *transcript;
		const char *folder;
	} expected[] = {
		{ "a-guide.md", LANTERN_SOURCE_MARKDOWN, NULL, NULL, "" },
		{ "bad-field.md", LANTERN_SOURCE_MARKDOWN, NULL, NULL, "" },
		{ "broken-fm.md", LANTERN_SOURCE_MARKDOWN, NULL, NULL, "" },
		{ "link-inside.md", LANTERN_SOURCE_MARKDOWN, NULL, NULL, "" },
		{ "locked/x.md", LANTERN_SOURCE_MARKDOWN, NULL, NULL, "locked" },
		{ "notes.txt", LANTERN_SOURCE_TEXT, NULL, NULL, "" },
		{ "private/open.md", LANTERN_SOURCE_MARKDOWN, NULL, NULL, "private" },
		{ "report.pdf", LANTERN_SOURCE_SIDECAR, "report.pdf.yaml", NULL, "" },
		{ "sub/inner.md", LANTERN_SOURCE_MARKDOWN, NULL, NULL, "sub" },
		{ "videos/nested/deep.yaml", LANTERN_SOURCE_RECORD, NULL, NULL, "videos/nested" },
		{ "videos/talk.yaml", LANTERN_SOURCE_RECORD, NULL, "videos/talk.transcript.txt", "videos" },
	};
	size_t expected_count = sizeof(expected) / sizeof(expected[0]);
	size_t got = 0;
	for (size_t i = 0; i < expected_count; i++) {
		if (!fixture.locked_readable && strcmp(expected[i].path, "locked/x.md") == 0)
			continue;
		if (got >= crawl.source_count) {
			print_error("missing source %s\n", expected[i].path);
			fail();
		}
		const lantern_source *source = &crawl.sources[got++];
		if (strcmp(source->path, expected[i].path) != 0)
			print_error("source %zu: got %s, expected %s\n", got - 1, source->path, expected[i].path);
		assert_string_equal(source->path, expected[i].path);
		assert_int_equal(source->kind, expected[i].kind);
		if (expected[i].sidecar)
			assert_string_equal(source->sidecar, expected[i].sidecar);
		else
			assert_null(source->sidecar);
		if (expected[i].transcript)
			assert_string_equal(source->transcript, expected[i].transcript);
		else
			assert_null(source->transcript);
		assert_true(source->folder < crawl.folder_count);
		assert_string_equal(crawl.folders[source->folder].path, expected[i].folder);
	}
	if (crawl.source_count != got) {
		for (size_t i = 0; i < crawl.source_count; i++)
			print_error("  source %s\n", crawl.sources[i].path);
	}
	assert_int_equal(crawl.source_count, got);

	/* Sorted by path (strcmp), whatever the directory order was. */
	for (size_t i = 1; i < crawl.source_count; i++)
		assert_true(strcmp(crawl.sources[i - 1].path, crawl.sources[i].path) < 0);
	lantern_crawl_clear(&crawl);
	assert_int_equal(crawl.source_count, 0);
	assert_null(crawl.sources);
	lantern_crawl_clear(NULL);
}

static void test_folders(void **state)
{
	(void)state;
	lantern_crawl crawl;
	run_crawl(&crawl);
	/* Parents before children, subfolders in name order; ignored folders
	 * (drafts/) and symlinked ones that loop are not folders. */
	static const char *const paths[] = { "", "locked", "private", "sub", "videos", "videos/nested" };
	assert_int_equal(crawl.folder_count, 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(crawl.folders[i].path, paths[i]);
	assert_true(crawl.folders[0].parent == SIZE_MAX);
	for (size_t i = 1; i < 5; i++)
		assert_int_equal(crawl.folders[i].parent, 0);
	assert_int_equal(crawl.folders[5].parent, 4);
	assert_string_equal(crawl.folders[0].defaults_file, "_defaults.yaml");
	assert_null(crawl.folders[1].defaults_file);
	assert_null(crawl.folders[2].defaults_file);
	assert_null(crawl.folders[3].defaults_file);
	assert_string_equal(crawl.folders[4].defaults_file, "videos/_defaults.yaml");
	assert_string_equal(crawl.folders[5].defaults_file, "videos/nested/_defaults.yaml");
	for (size_t i = 0; i < 6; i++) {
		assert_false(crawl.folders[i].defaults_invalid);
		assert_int_equal(crawl.folders[i].defaults.fields[LANTERN_FIELD_TYPE].count, 0);
	}
	lantern_crawl_clear(&crawl);
}

static void expect_skipped(const lantern_crawl *crawl, const char *path, const char *text)
{
	int index = test_find_diagnostic(&crawl->skipped, path, text);
	if (index < 0) {
		print_error("expected '%s' to be skipped with '%s'\n", path, text);
		test_print_diagnostics(&crawl->skipped);
		fail();
	}
	expect_diagnostic(&crawl->skipped, (size_t)index, LANTERN_SEVERITY_WARNING, path, 0, 0, text);
}

static void test_skipped_and_reported(void **state)
{
	(void)state;
	lantern_crawl crawl;
	run_crawl(&crawl);
	expect_skipped(&crawl, "orphan.pdf",
	               "skipped: no sidecar (orphan.pdf.yaml) and no extractor for this format");
	expect_skipped(&crawl, "pipe.md", "skipped: a FIFO");
	expect_skipped(&crawl, "sub/loop", "skipped folder: already visited (a symlink loop)");
	/* A link to a sibling folder never takes the real folder's place. */
	expect_skipped(&crawl, "alias-sub", "skipped folder: already visited (a symlink loop)");
	assert_int_equal(test_find_diagnostic(&crawl.skipped, "sub", ""), -1);
	expect_skipped(&crawl, "selfloop", "skipped symlink: symlink loop");
	expect_skipped(&crawl, "outside-link", "skipped symlink: it points outside the corpus");
	expect_skipped(&crawl, "sibling-link.md", "skipped symlink: it points outside the corpus");
	expect_skipped(&crawl, "broken.md", "skipped symlink: target does not exist");
	size_t expected = 8;
	if (!fixture.locked_readable) {
		expect_skipped(&crawl, "locked", "skipped folder: ");
		expected++;
	}
	expect_diagnostic_count(&crawl.skipped, expected, 0);
	assert_int_equal(crawl.skipped.warning_count, expected);

	/* Nothing silent leaks into the report. */
	static const char *const silent[] = { "x.md~", ".x.md.swp", "#x.md#", ".hidden.md", "notes.bak",
	                                      "scratch.draft.md", "drafts", "drafts/wip.md",
	                                      "private/secret.md", "schema.yaml", "synonyms.yaml",
	                                      ".lanternignore", "_defaults.yaml", "report.pdf.yaml",
	                                      "videos/talk.transcript.txt", "link-inside.md" };
	for (size_t i = 0; i < sizeof(silent) / sizeof(silent[0]); i++)
		assert_int_equal(test_find_diagnostic(&crawl.skipped, silent[i], ""), -1);
	lantern_crawl_clear(&crawl);
}

static void test_unreadable_folder(void **state)
{
	(void)state;
	if (!fixture.locked_readable) {
		lantern_crawl crawl;
		run_crawl(&crawl);
		assert_int_equal(crawl.unreadable_count, 1);
		assert_string_equal(crawl.unreadable[0], "locked");
		assert_true(lantern_crawl_is_unreadable(&crawl, "locked"));
		assert_true(lantern_crawl_is_unreadable(&crawl, "locked/x.md"));
		assert_false(lantern_crawl_is_unreadable(&crawl, "lockedx.md"));
		assert_false(lantern_crawl_is_unreadable(&crawl, "a-guide.md"));
		assert_null(find_source(&crawl, "locked/x.md"));
		lantern_crawl_clear(&crawl);
		return;
	}
	/* Running as root: chmod 000 does not stop root from reading, so crawl
	 * in a child that has dropped to nobody (uid/gid 65534). */
	fflush(NULL);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
			_exit(77);
		char *locked = test_join(fixture.root, "locked");
		DIR *probe = opendir(locked);
		if (probe)
			_exit(77);
		lantern_crawl crawl;
		if (lantern_crawl_run(&crawl, fixture.root) != LANTERN_OK)
			_exit(2);
		int code = 0;
		if (crawl.unreadable_count != 1 || strcmp(crawl.unreadable[0], "locked") != 0)
			code = 3;
		else if (!lantern_crawl_is_unreadable(&crawl, "locked/x.md") ||
		         lantern_crawl_is_unreadable(&crawl, "lockedx.md"))
			code = 4;
		else if (test_find_diagnostic(&crawl.skipped, "locked", "skipped folder: Permission denied") < 0)
			code = 5;
		else if (find_source(&crawl, "locked/x.md") || !find_source(&crawl, "a-guide.md"))
			code = 6;
		_exit(code);
	}
	int status = 0;
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77) {
		print_message("running as root and cannot drop privileges: the unreadable-folder "
		              "assertions are skipped (chmod 000 does not stop root)\n");
		skip();
	}
	if (WEXITSTATUS(status) != 0)
		print_error("unreadable-folder check failed in the unprivileged child (code %d)\n",
		            WEXITSTATUS(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_crawl_root_errors(void **state)
{
	(void)state;
	lantern_crawl crawl;
	char *missing = test_join(fixture.base, "no-such-corpus");
	assert_int_equal(lantern_crawl_run(&crawl, missing), LANTERN_ERROR_NOT_FOUND);
	assert_int_equal(crawl.source_count, 0);
	assert_null(crawl.root);
	free(missing);
	char *file = test_join(fixture.base, "outside/secret.txt");
	assert_int_equal(lantern_crawl_run(&crawl, file), LANTERN_ERROR_NOT_FOUND);
	assert_non_null(strstr(lantern_error_detail(), "not a directory"));
	free(file);

	/* An empty corpus is fine. */
	char *empty = test_make_temp_dir("crawl-empty");
	assert_int_equal(lantern_crawl_run(&crawl, empty), LANTERN_OK);
	assert_int_equal(crawl.source_count, 0);
	assert_int_equal(crawl.folder_count, 1);
	assert_int_equal(crawl.skipped.count, 0);
	assert_int_equal(crawl.unreadable_count, 0);
	lantern_crawl_clear(&crawl);
	test_remove_tree(empty);
	free(empty);
}

/* ------------------------------------------------------------------ defaults */

static lantern_metadata global_defaults(void)
{
	lantern_metadata global = LANTERN_METADATA_INIT;
	const char *yaml = "publisher: Global Pub\naudience: analyst\nlanguage: en\ncost: global\n";
	assert_int_equal(lantern_metadata_parse(&global, yaml, strlen(yaml), "--defaults", 0,
	                                        fixture.schema, LANTERN_METADATA_DEFAULTS, NULL),
	                 LANTERN_OK);
	return global;
}

static void load_defaults(lantern_crawl *crawl, uint64_t seed)
{
	lantern_metadata global = global_defaults();
	lantern_diagnostics diagnostics = LANTERN_DIAGNOSTICS_INIT;
	lantern_status status = lantern_crawl_load_defaults(crawl, fixture.schema, &global, seed,
	                                                    &diagnostics);
	if (status != LANTERN_OK || diagnostics.count)
		test_print_diagnostics(&diagnostics);
	assert_int_equal(status, LANTERN_OK);
	assert_int_equal(diagnostics.count, 0);
	lantern_metadata_clear(&global);
	lantern_diagnostics_clear(&diagnostics);
}

static void expect_field(const lantern_metadata *metadata, lantern_field field, const char *value)
{
	const char *got = lantern_metadata_get(metadata, field);
	if (!value) {
		assert_null(got);
		return;
	}
	if (!got)
		print_error("field '%s' unset, expected '%s'\n", lantern_field_info_get(field)->name, value);
	assert_non_null(got);
	assert_string_equal(got, value);
}

static void test_defaults_chain(void **state)
{
	(void)state;
	lantern_crawl crawl;
	run_crawl(&crawl);
	load_defaults(&crawl, 42);
	const lantern_metadata *root = &crawl.folders[find_folder(&crawl, "")].defaults;
	expect_field(root, LANTERN_FIELD_AGENCY_SIZE, "small");
	expect_field(root, LANTERN_FIELD_AUDIENCE, "investigator"); /* over global's analyst */
	expect_field(root, LANTERN_FIELD_COST, "free");              /* over global's */
	expect_field(root, LANTERN_FIELD_PUBLISHER, "Global Pub");   /* from global */
	expect_field(root, LANTERN_FIELD_LANGUAGE, "en");
	expect_field(root, LANTERN_FIELD_TYPE, NULL);

	const lantern_metadata *nested = &crawl.folders[find_folder(&crawl, "videos/nested")].defaults;
	expect_field(nested, LANTERN_FIELD_DELIVERY, "hybrid");      /* its own */
	expect_field(nested, LANTERN_FIELD_TYPE, "video");           /* videos/ */
	expect_field(nested, LANTERN_FIELD_COST, "$10");             /* videos/ over the root */
	expect_field(nested, LANTERN_FIELD_AGENCY_SIZE, "small");    /* root */
	expect_field(nested, LANTERN_FIELD_AUDIENCE, "investigator");
	expect_field(nested, LANTERN_FIELD_PUBLISHER, "Global Pub"); /* global, lowest */
	assert_string_equal(nested->fields[LANTERN_FIELD_DELIVERY].origin, "videos/nested/_defaults.yaml");
	assert_string_equal(nested->fields[LANTERN_FIELD_TYPE].origin, "videos/_defaults.yaml");
	assert_string_equal(nested->fields[LANTERN_FIELD_AGENCY_SIZE].origin, "_defaults.yaml");
	assert_string_equal(nested->fields[LANTERN_FIELD_PUBLISHER].origin, "--defaults");

	const lantern_metadata *videos = &crawl.folders[find_folder(&crawl, "videos")].defaults;
	expect_field(videos, LANTERN_FIELD_DELIVERY, "online");
	const lantern_metadata *sub = &crawl.folders[find_folder(&crawl, "sub")].defaults;
	expect_field(sub, LANTERN_FIELD_COST, "free");
	expect_field(sub, LANTERN_FIELD_DELIVERY, NULL);

	/* Context hashes: a folder without its own defaults shares its parent's. */
	uint64_t root_hash = crawl.folders[find_folder(&crawl, "")].context_hash;
	uint64_t sub_hash = crawl.folders[find_folder(&crawl, "sub")].context_hash;
	uint64_t videos_hash = crawl.folders[find_folder(&crawl, "videos")].context_hash;
	uint64_t nested_hash = crawl.folders[find_folder(&crawl, "videos/nested")].context_hash;
	assert_true(root_hash != 42);
	assert_true(sub_hash == root_hash);
	assert_true(crawl.folders[find_folder(&crawl, "private")].context_hash == root_hash);
	assert_true(videos_hash != root_hash);
	assert_true(nested_hash != videos_hash);
	assert_true(nested_hash != root_hash);
	for (size_t i = 0; i < crawl.folder_count; i++)
		assert_false(crawl.folders[i].defaults_invalid);

	/* The seed reaches every hash. */
	lantern_crawl other;
	run_crawl(&other);
	load_defaults(&other, 43);
	for (size_t i = 0; i < crawl.folder_count; i++)
		assert_true(other.folders[i].context_hash != crawl.folders[i].context_hash);
	lantern_crawl_clear(&other);
	/* And the same seed gives the same hashes. */
	run_crawl(&other);
	load_defaults(&other, 42);
	for (size_t i = 0; i < crawl.folder_count; i++)
		assert_true(other.folders[i].context_hash == crawl.folders[i].context_hash);
	lantern_crawl_clear(&other);
	lantern_crawl_clear(&crawl);
}

static void test_invalid_defaults(void **state)
{
	(void)state;
	char *root = test_make_temp_dir("crawl-defaults");
	test_write_file(root, "ok.md", "---\ntitle: Ok\ntype: policy\n---\n");
	test_write_file(root, "bad/_defaults.yaml", "type: nonsense\nid: nope\n");
	test_write_file(root, "bad/x.md", "---\ntitle: X\n---\n");
	test_write_file(root, "bad/child/y.md", "---\ntitle: Y\ntype: policy\n---\n");
	test_write_file(root, "good/z.md", "---\ntitle: Z\ntype: policy\n---\n");
	lantern_crawl crawl;
	assert_int_equal(lantern_crawl_run(&crawl, root), LANTERN_OK);
	lantern_diagnostics diagnostics = LANTERN_DIAGNOSTICS_INIT;
	assert_int_equal(lantern_crawl_load_defaults(&crawl, fixture.schema, NULL, 1, &diagnostics),
	                 LANTERN_OK);
	expect_diagnostic_count(&diagnostics, 2, 2);
	expect_diagnostic(&diagnostics, 0, LANTERN_SEVERITY_ERROR, "bad/_defaults.yaml", 1, 7,
	                  "'nonsense' is not a known type");
	expect_diagnostic(&diagnostics, 1, LANTERN_SEVERITY_ERROR, "bad/_defaults.yaml", 2, 1,
	                  "'id' cannot be a folder default");
	assert_false(crawl.folders[find_folder(&crawl, "")].defaults_invalid);
	assert_true(crawl.folders[find_folder(&crawl, "bad")].defaults_invalid);
	assert_true(crawl.folders[find_folder(&crawl, "bad/child")].defaults_invalid);
	assert_false(crawl.folders[find_folder(&crawl, "good")].defaults_invalid);

	/* Resources under it fail to load, naming the defaults file at fault. */
	const char *paths[] = { "bad/x.md", "bad/child/y.md" };
	for (size_t i = 0; i < 2; i++) {
		lantern_resource resource;
		assert_int_equal(lantern_resource_load(&resource, &crawl, find_source(&crawl, paths[i]),
		                                       fixture.schema),
		                 LANTERN_ERROR_PARSE);
		expect_diagnostic_count(&resource.diagnostics, 1, 1);
		expect_diagnostic(&resource.diagnostics, 0, LANTERN_SEVERITY_ERROR, paths[i], 1, 1,
		                  "not indexed: the folder defaults that apply to it "
		                  "(bad/_defaults.yaml) have errors");
		lantern_resource_clear(&resource);
	}
	lantern_resource resource;
	assert_int_equal(lantern_resource_load(&resource, &crawl, find_source(&crawl, "good/z.md"),
	                                       fixture.schema),
	                 LANTERN_OK);
	lantern_resource_clear(&resource);
	lantern_diagnostics_clear(&diagnostics);
	lantern_crawl_clear(&crawl);
	test_remove_tree(root);
	free(root);
}

/* ------------------------------------------------------------------ loading resources */

static lantern_status load(lantern_crawl *crawl, const char *path, lantern_resource *resource)
{
	const lantern_source *source = find_source(crawl, path);
	if (!source)
		print_error("no source '%s'\n", path);
	assert_non_null(source);
	return lantern_resource_load(resource, crawl, source, fixture.schema);
}

static void expect_loaded(lantern_crawl *crawl, const char *path, lantern_resource *resource)
{
	lantern_status status = load(crawl, path, resource);
	if (status != LANTERN_OK) {
		print_error("%s: %s (%s)\n", path, lantern_status_to_string(status), lantern_error_detail());
		test_print_diagnostics(&resource->diagnostics);
	}
	assert_int_equal(status, LANTERN_OK);
}

static size_t file_size(const char *relative)
{
	char *path = test_join(fixture.root, relative);
	struct stat info;
	assert_int_equal(stat(path, &info), 0);
	free(path);
	return (size_t)info.st_size;
}

static void test_load_markdown(void **state)
{
	(void)state;
	lantern_crawl crawl;
	run_crawl(&crawl);
	load_defaults(&crawl, 7);
	lantern_resource resource;
	expect_loaded(&crawl, "a-guide.md", &resource);
	assert_int_equal(resource.diagnostics.count, 0);
	const lantern_metadata *m = &resource.metadata;
	expect_field(m, LANTERN_FIELD_ID, "a-guide");                  /* from the path */
	expect_field(m, LANTERN_FIELD_TITLE, "A guide");               /* front matter beats heading */
	expect_field(m, LANTERN_FIELD_TYPE, "policy");
	expect_field(m, LANTERN_FIELD_AGENCY_TYPE, "all");
	expect_field(m, LANTERN_FIELD_AGENCY_SIZE, "small");           /* folder default */
	expect_field(m, LANTERN_FIELD_PUBLISHER, "Global Pub");        /* global default */
	expect_field(m, LANTERN_FIELD_ACCESS, "public");               /* the default access */
	assert_int_equal(m->fields[LANTERN_FIELD_TYPE].line, 3);       /* file lines, not YAML lines */
	assert_int_equal(m->fields[LANTERN_FIELD_TYPE].column, 7);
	assert_string_equal(resource.format, "markdown");
	assert_false(resource.metadata_only);
	assert_string_equal(resource.body, "Heading in body\n\nBody text about trafficking.");
	assert_int_equal(resource.body_length, strlen(resource.body));
	assert_int_equal(resource.input_count, 1);
	assert_string_equal(resource.inputs[0].path, "a-guide.md");
	assert_int_equal(resource.inputs[0].size, sizeof(A_GUIDE) - 1);
	assert_true(resource.inputs[0].mtime_ns > 0);
	assert_true(resource.loaded_at_ns > 0);
	uint64_t hash = resource.content_hash;
	assert_true(hash != 0);
	assert_true(hash != crawl.folders[0].context_hash);
	lantern_resource_clear(&resource);
	assert_null(resource.body);
	assert_int_equal(resource.input_count, 0);

	/* Loading again gives the same content hash. */
	expect_loaded(&crawl, "a-guide.md", &resource);
	assert_true(resource.content_hash == hash);
	lantern_resource_clear(&resource);

	/* A symlink to a file inside the corpus is followed and loads as its own
	 * resource (its own id), with the target's content. */
	expect_loaded(&crawl, "link-inside.md", &resource);
	expect_field(&resource.metadata, LANTERN_FIELD_ID, "link-inside");
	expect_field(&resource.metadata, LANTERN_FIELD_TITLE, "A guide");
	assert_string_equal(resource.body, "Heading in body\n\nBody text about trafficking.");
	assert_int_equal(resource.inputs[0].size, sizeof(A_GUIDE) - 1);
	assert_true(resource.content_hash == hash); /* same bytes, same folder */
	lantern_resource_clear(&resource);
	lantern_crawl_clear(&crawl);
}

static void test_load_text_title_from_first_line(void **state)
{
	(void)state;
	lantern_crawl crawl;
	run_crawl(&crawl);
	load_defaults(&crawl, 7);
	lantern_resource resource;
	expect_loaded(&crawl, "notes.txt", &resource);
	expect_field(&resource.metadata, LANTERN_FIELD_TITLE, "Notes heading line");
	assert_string_equal(resource.metadata.fields[LANTERN_FIELD_TITLE].origin, "notes.txt");
	assert_int_equal(resource.metadata.fields[LANTERN_FIELD_TITLE].line, 0);
	expect_field(&resource.metadata, LANTERN_FIELD_TYPE, "report");
	expect_field(&resource.metadata, LANTERN_FIELD_ID, "notes");
	assert_string_equal(resource.format, "text");
	assert_string_equal(resource.body, "\n  Notes heading line  \n\nSome notes.");
	lantern_resource_clear(&resource);

	/* A Markdown file without front matter: title from its heading, and
	 * the missing type reported at 1:1. */
	assert_int_equal(load(&crawl, "private/open.md", &resource), LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&resource.diagnostics, 1, 1);
	expect_diagnostic(&resource.diagnostics, 0, LANTERN_SEVERITY_ERROR, "private/open.md", 1, 1,
	                  "missing required field 'type'");
	expect_field(&resource.metadata, LANTERN_FIELD_TITLE, "Open");
	expect_field(&resource.metadata, LANTERN_FIELD_ID, "private/open");
	lantern_resource_clear(&resource);
	lantern_crawl_clear(&crawl);
}

static void test_load_sidecar(void **state)
{
	(void)state;
	lantern_crawl crawl;
	run_crawl(&crawl);
	load_defaults(&crawl, 7);
	lantern_resource resource;
	expect_loaded(&crawl, "report.pdf", &resource);
	assert_true(resource.metadata_only);
	assert_string_equal(resource.format, "pdf");
	assert_string_equal(resource.body, "");
	assert_int_equal(resource.body_length, 0);
	expect_field(&resource.metadata, LANTERN_FIELD_TITLE, "Annual report");
	expect_field(&resource.metadata, LANTERN_FIELD_TYPE, "report");
	expect_field(&resource.metadata, LANTERN_FIELD_ID, "report");
	expect_field(&resource.metadata, LANTERN_FIELD_ACCESS, "public");
	expect_diagnostic_count(&resource.diagnostics, 1, 0);
	expect_diagnostic(&resource.diagnostics, 0, LANTERN_SEVERITY_WARNING, "report.pdf", 0, 0,
	                  "no text extractor for .pdf files: indexed on its metadata alone");
	assert_int_equal(resource.input_count, 2);
	assert_string_equal(resource.inputs[0].path, "report.pdf");
	assert_int_equal(resource.inputs[0].size, 11);
	assert_string_equal(resource.inputs[1].path, "report.pdf.yaml");
	assert_int_equal(resource.inputs[1].size, file_size("report.pdf.yaml"));
	lantern_resource_clear(&resource);
	lantern_crawl_clear(&crawl);
}

static void test_load_record_with_transcript(void **state)
{
	(void)state;
	lantern_crawl crawl;
	run_crawl(&crawl);
	load_defaults(&crawl, 7);
	lantern_resource resource;
	expect_loaded(&crawl, "videos/talk.yaml", &resource);
	assert_int_equal(resource.diagnostics.count, 0);
	assert_string_equal(resource.format, "yaml");
	expect_field(&resource.metadata, LANTERN_FIELD_ID, "videos/talk");
	expect_field(&resource.metadata, LANTERN_FIELD_TITLE, "A talk");
	expect_field(&resource.metadata, LANTERN_FIELD_TYPE, "video");      /* videos/_defaults */
	expect_field(&resource.metadata, LANTERN_FIELD_DELIVERY, "online");
	expect_field(&resource.metadata, LANTERN_FIELD_COST, "$10");
	expect_field(&resource.metadata, LANTERN_FIELD_AGENCY_SIZE, "small"); /* root _defaults */
	expect_field(&resource.metadata, LANTERN_FIELD_TRANSCRIPT, "talk.transcript.txt");
	assert_string_equal(resource.body, "Talk description.\n\nTranscript words here.");
	assert_int_equal(resource.body_length, strlen(resource.body));
	assert_int_equal(resource.input_count, 2);
	assert_string_equal(resource.inputs[0].path, "videos/talk.yaml");
	assert_string_equal(resource.inputs[1].path, "videos/talk.transcript.txt");
	assert_int_equal(resource.inputs[1].size, 23);
	lantern_resource_clear(&resource);

	/* A record without description or transcript: metadata only. */
	expect_loaded(&crawl, "videos/nested/deep.yaml", &resource);
	expect_field(&resource.metadata, LANTERN_FIELD_TITLE, "Deep record");
	expect_field(&resource.metadata, LANTERN_FIELD_DELIVERY, "hybrid");
	expect_field(&resource.metadata, LANTERN_FIELD_TYPE, "video");
	assert_string_equal(resource.body, "");
	assert_int_equal(resource.input_count, 1);
	lantern_resource_clear(&resource);
	lantern_crawl_clear(&crawl);
}

static void test_load_errors(void **state)
{
	(void)state;
	lantern_crawl crawl;
	run_crawl(&crawl);
	load_defaults(&crawl, 7);
	lantern_resource resource;

	assert_int_equal(load(&crawl, "sub/inner.md", &resource), LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&resource.diagnostics, 1, 1);
	expect_diagnostic(&resource.diagnostics, 0, LANTERN_SEVERITY_ERROR, "sub/inner.md", 6, 3,
	                  "invalid UTF-8 (byte 0xff); save the file as UTF-8");
	lantern_resource_clear(&resource);

	assert_int_equal(load(&crawl, "broken-fm.md", &resource), LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&resource.diagnostics, 1, 1);
	expect_diagnostic(&resource.diagnostics, 0, LANTERN_SEVERITY_ERROR, "broken-fm.md", 1, 1,
	                  "unterminated front matter");
	lantern_resource_clear(&resource);

	/* A bad value is reported at its line in the file; the missing type is
	 * not reported again. */
	assert_int_equal(load(&crawl, "bad-field.md", &resource), LANTERN_ERROR_PARSE);
	expect_diagnostic_count(&resource.diagnostics, 1, 1);
	expect_diagnostic(&resource.diagnostics, 0, LANTERN_SEVERITY_ERROR, "bad-field.md", 3, 7,
	                  "'polcy' is not a known type; did you mean 'policy'?");
	lantern_resource_clear(&resource);
	lantern_crawl_clear(&crawl);
}

static void test_transcript_outside_the_corpus_is_not_read(void **state)
{
	(void)state;
	char *root = test_make_temp_dir("crawl-transcript");
	char *outside = test_make_temp_dir("crawl-secret");
	test_write_file(outside, "secret.txt", "TOPSECRET words\n");
	test_write_file(root, "leak.yaml", "title: Leak\ntype: video\ntranscript: leak.txt\n");
	char *target = test_join(outside, "secret.txt");
	char *link_path = test_join(root, "leak.txt");
	assert_int_equal(symlink(target, link_path), 0);

	lantern_crawl crawl;
	assert_int_equal(lantern_crawl_run(&crawl, root), LANTERN_OK);
	assert_int_equal(crawl.source_count, 1);
	expect_diagnostic_count(&crawl.skipped, 1, 0);
	expect_diagnostic(&crawl.skipped, 0, LANTERN_SEVERITY_WARNING, "leak.txt", 0, 0,
	                  "it points outside the corpus");
	assert_int_equal(lantern_crawl_load_defaults(&crawl, fixture.schema, NULL, 0, NULL), LANTERN_OK);
	lantern_resource resource;
	lantern_status status = lantern_resource_load(&resource, &crawl, &crawl.sources[0],
	                                              fixture.schema);
	assert_true(status != LANTERN_OK);
	assert_true(resource.diagnostics.error_count >= 1);
	assert_true(test_find_diagnostic(&resource.diagnostics, "leak.txt", "outside the corpus") >= 0);
	assert_true(resource.body == NULL || strstr(resource.body, "TOPSECRET") == NULL);
	lantern_resource_clear(&resource);
	lantern_crawl_clear(&crawl);
	test_remove_tree(root);
	test_remove_tree(outside);
	free(root);
	free(outside);
	free(target);
	free(link_path);
}

static void test_symlinked_config_and_nested_transcript(void **state)
{
	(void)state;
	char *root = test_make_temp_dir("crawl-links");
	/* Hidden targets: never resources themselves, reached only through links. */
	test_write_file(root, ".defaults-source.yaml", "type: video\n");
	test_write_file(root, ".ignore-source", "skipme.md\n");
	test_write_file(root, ".record-source.yaml",
	                "title: Linked record\ntype: report\ntranscript: rec.transcript.txt\n");
	test_write_file(root, "rec.transcript.txt", "Linked transcript words.\n");
	test_write_file(root, "skipme.md", "# ignored\n");
	test_write_file(root, "d/x.md", "# From defaults\n");
	test_write_file(root, "videos/r.yaml",
	                "title: R\ntype: video\ntranscript: sub/t.txt\ndescription: Record.\n");
	test_write_file(root, "videos/sub/t.txt", "Nested transcript.\n");
	char *links[][2] = {
		{ "../.defaults-source.yaml", "d/_defaults.yaml" },
		{ ".ignore-source", ".lanternignore" },
		{ ".record-source.yaml", "rec-link.yaml" },
	};
	for (size_t i = 0; i < 3; i++) {
		char *path = test_join(root, links[i][1]);
		assert_int_equal(symlink(links[i][0], path), 0);
		free(path);
	}

	lantern_crawl crawl;
	assert_int_equal(lantern_crawl_run(&crawl, root), LANTERN_OK);
	expect_diagnostic_count(&crawl.skipped, 0, 0);
	static const char *const paths[] = { "d/x.md", "rec-link.yaml", "videos/r.yaml" };
	if (crawl.source_count != 3)
		for (size_t i = 0; i < crawl.source_count; i++)
			print_error("  source %s\n", crawl.sources[i].path);
	assert_int_equal(crawl.source_count, 3);
	for (size_t i = 0; i < 3; i++)
		assert_string_equal(crawl.sources[i].path, paths[i]);
	/* The linked record's transcript was found through the link, and the
	 * transcript in a subfolder is not a resource of its own. */
	assert_string_equal(crawl.sources[1].transcript, "rec.transcript.txt");
	assert_string_equal(crawl.sources[2].transcript, "videos/sub/t.txt");
	assert_string_equal(crawl.folders[find_folder(&crawl, "d")].defaults_file, "d/_defaults.yaml");

	lantern_diagnostics diagnostics = LANTERN_DIAGNOSTICS_INIT;
	assert_int_equal(lantern_crawl_load_defaults(&crawl, fixture.schema, NULL, 0, &diagnostics),
	                 LANTERN_OK);
	expect_diagnostic_count(&diagnostics, 0, 0);
	assert_false(crawl.folders[find_folder(&crawl, "d")].defaults_invalid);

	lantern_resource resource;
	expect_loaded(&crawl, "d/x.md", &resource);
	expect_field(&resource.metadata, LANTERN_FIELD_TYPE, "video");
	expect_field(&resource.metadata, LANTERN_FIELD_TITLE, "From defaults");
	lantern_resource_clear(&resource);
	expect_loaded(&crawl, "rec-link.yaml", &resource);
	expect_field(&resource.metadata, LANTERN_FIELD_ID, "rec-link");
	assert_string_equal(resource.body, "Linked transcript words.");
	lantern_resource_clear(&resource);
	expect_loaded(&crawl, "videos/r.yaml", &resource);
	assert_string_equal(resource.body, "Record.\n\nNested transcript.");
	lantern_resource_clear(&resource);

	lantern_diagnostics_clear(&diagnostics);
	lantern_crawl_clear(&crawl);
	test_remove_tree(root);
	free(root);
}

/* ------------------------------------------------------------------ building documents */

static void expect_terms(const lantern_document *doc, const char *const *terms, size_t count,
                         bool present)
{
	for (size_t i = 0; i < count; i++) {
		if (lantern_document_has_term(doc, terms[i]) != present)
			print_error("term '%s' should be %s\n", terms[i], present ? "present" : "absent");
		assert_int_equal(lantern_document_has_term(doc, terms[i]), present);
	}
}

static void test_build_document(void **state)
{
	(void)state;
	lantern_crawl crawl;
	run_crawl(&crawl);
	load_defaults(&crawl, 7);
	lantern_term_generator *generator = NULL;
	assert_int_equal(lantern_term_generator_new(&generator), LANTERN_OK);

	lantern_resource resource;
	expect_loaded(&crawl, "a-guide.md", &resource);
	lantern_document *doc = NULL;
	assert_int_equal(lantern_resource_build(&resource, fixture.schema, generator,
	                                        "a-guide\tmarkdown\tpublic\t1", &doc),
	                 LANTERN_OK);
	assert_non_null(doc);
	static const char *const present[] = {
		"Qa-guide", "XTYPEpolicy",
		"XAGENCYTYPErural", "XAGENCYTYPEsuburban", "XAGENCYTYPEurban", "XAGENCYTYPEtribal",
		"XALLagency_type", "XAGENCYSIZEsmall", "XAUDIENCEinvestigator", "XACCESSpublic",
		"XLANGen", "XFORMATmarkdown", "XPUBLISHERglobal pub", "XYEAR2019",
		"guide", "Zguid", "Sguide", "ZSguid", "trafficking", "Ztraffick", "heading",
		"XPglobal", "XPpub",
	};
	expect_terms(doc, present, sizeof(present) / sizeof(present[0]), true);
	static const char *const absent[] = {
		"XAGENCYTYPEall", "XALLagency_size", "XALLtopics", "XACCESSles", "XTYPE",
		"Strafficking", "Q", "Qa-guide.md",
	};
	expect_terms(doc, absent, sizeof(absent) / sizeof(absent[0]), false);
	lantern_document_free(doc);
	lantern_resource_clear(&resource);

	/* A record: its summary under XD, its folder's defaults as terms. */
	expect_loaded(&crawl, "videos/talk.yaml", &resource);
	assert_int_equal(lantern_resource_build(&resource, fixture.schema, generator, "s", &doc),
	                 LANTERN_OK);
	static const char *const record_terms[] = {
		"Qvideos/talk", "XTYPEvideo", "XDELIVERYonline", "XFORMATyaml", "XDtalk", "ZXDtalk",
		"transcript", "description", "Zdescript", "XAGENCYSIZEsmall",
	};
	expect_terms(doc, record_terms, sizeof(record_terms) / sizeof(record_terms[0]), true);
	static const char *const record_absent[] = { "XALLagency_type", "XAGENCYTYPErural", "XYEAR2019" };
	expect_terms(doc, record_absent, sizeof(record_absent) / sizeof(record_absent[0]), false);
	lantern_document_free(doc);
	lantern_resource_clear(&resource);

	lantern_term_generator_free(generator);
	lantern_crawl_clear(&crawl);
}

static void test_build_single_agency_type(void **state)
{
	(void)state;
	char *root = test_make_temp_dir("crawl-build");
	test_write_file(root, "es/doc.md",
	                "---\ntitle: Trata de menores\ntype: report\nagency_type: [tribal, Rural]\n"
	                "language: es\naccess: les\ntopics: [gangs, drugs]\n---\nNi\xC3\xB1os.\n");
	lantern_crawl crawl;
	assert_int_equal(lantern_crawl_run(&crawl, root), LANTERN_OK);
	assert_int_equal(lantern_crawl_load_defaults(&crawl, fixture.schema, NULL, 0, NULL), LANTERN_OK);
	lantern_resource resource;
	assert_int_equal(lantern_resource_load(&resource, &crawl, &crawl.sources[0], fixture.schema),
	                 LANTERN_OK);
	lantern_term_generator *generator = NULL;
	assert_int_equal(lantern_term_generator_new(&generator), LANTERN_OK);
	lantern_document *doc = NULL;
	assert_int_equal(lantern_resource_build(&resource, fixture.schema, generator, "x", &doc),
	                 LANTERN_OK);
	static const char *const present[] = {
		"Qes/doc", "XAGENCYTYPEtribal", "XAGENCYTYPErural", "XACCESSles", "XLANGes",
		"XTOPICgangs", "XTOPICdrugs", "XTYPEreport", "Ztrat", "ZSmenor", "Zni\xC3\xB1",
	};
	expect_terms(doc, present, sizeof(present) / sizeof(present[0]), true);
	static const char *const absent[] = {
		"XAGENCYTYPEurban", "XAGENCYTYPEsuburban", "XALLagency_type", "XACCESSpublic", "XLANGen",
	};
	expect_terms(doc, absent, sizeof(absent) / sizeof(absent[0]), false);
	lantern_document_free(doc);
	lantern_term_generator_free(generator);
	lantern_resource_clear(&resource);
	lantern_crawl_clear(&crawl);
	test_remove_tree(root);
	free(root);
}

/* ------------------------------------------------------------------ ids and stat */

static void expect_id(const char *path, const char *id)
{
	char *got = lantern_id_from_path(path);
	assert_non_null(got);
	assert_string_equal(got, id);
	free(got);
}

static void test_id_from_path(void **state)
{
	(void)state;
	expect_id("policies/rural.md", "policies/rural");
	expect_id("a-guide.md", "a-guide");
	expect_id("report.pdf", "report");
	expect_id("archive.tar.gz", "archive.tar");
	expect_id("noext", "noext");
	expect_id("dir.v2/file", "dir.v2/file");        /* a dot in a folder is no extension */
	expect_id("dir/.profile", "dir/.profile");      /* nor is a leading dot */
	expect_id(".profile", ".profile");
	expect_id("my file (1).md", "my-file--1-");
	expect_id("caf\xC3\xA9.md", "caf--");
	expect_id("videos/nested/deep.yaml", "videos/nested/deep");
}

static void test_source_stat(void **state)
{
	(void)state;
	lantern_crawl crawl;
	run_crawl(&crawl);
	lantern_input_file files[3];
	lantern_status status = LANTERN_ERROR_INTERNAL;
	size_t count = lantern_source_stat(&crawl, find_source(&crawl, "videos/talk.yaml"), files, &status);
	assert_int_equal(status, LANTERN_OK);
	assert_int_equal(count, 2);
	assert_string_equal(files[0].path, "videos/talk.yaml");
	assert_int_equal(files[0].size, file_size("videos/talk.yaml"));
	assert_string_equal(files[1].path, "videos/talk.transcript.txt");
	assert_int_equal(files[1].size, 23);
	assert_true(files[1].mtime_ns > 0);
	for (size_t i = 0; i < count; i++)
		free(files[i].path);

	count = lantern_source_stat(&crawl, find_source(&crawl, "report.pdf"), files, &status);
	assert_int_equal(count, 2);
	assert_string_equal(files[1].path, "report.pdf.yaml");
	for (size_t i = 0; i < count; i++)
		free(files[i].path);

	/* A source whose file has gone. */
	lantern_source gone = { (char *)"gone.md", NULL, NULL, LANTERN_SOURCE_MARKDOWN, 0 };
	count = lantern_source_stat(&crawl, &gone, files, &status);
	assert_int_equal(count, 0);
	assert_int_equal(status, LANTERN_ERROR_NOT_FOUND);
	lantern_resource resource;
	assert_int_equal(lantern_resource_load(&resource, &crawl, &gone, fixture.schema),
	                 LANTERN_ERROR_NOT_FOUND);
	expect_diagnostic_count(&resource.diagnostics, 1, 1);
	expect_diagnostic(&resource.diagnostics, 0, LANTERN_SEVERITY_ERROR, "gone.md", 0, 0,
	                  "cannot read");
	lantern_resource_clear(&resource);
	lantern_crawl_clear(&crawl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sources_exactly),
		cmocka_unit_test(test_folders),
		cmocka_unit_test(test_skipped_and_reported),
		cmocka_unit_test(test_unreadable_folder),
		cmocka_unit_test(test_crawl_root_errors),
		cmocka_unit_test(test_defaults_chain),
		cmocka_unit_test(test_invalid_defaults),
		cmocka_unit_test(test_load_markdown),
		cmocka_unit_test(test_load_text_title_from_first_line),
		cmocka_unit_test(test_load_sidecar),
		cmocka_unit_test(test_load_record_with_transcript),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_transcript_outside_the_corpus_is_not_read),
		cmocka_unit_test(test_symlinked_config_and_nested_transcript),
		cmocka_unit_test(test_build_document),
		cmocka_unit_test(test_build_single_agency_type),
		cmocka_unit_test(test_id_from_path),
		cmocka_unit_test(test_source_stat),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
