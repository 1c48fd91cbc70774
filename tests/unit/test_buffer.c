/*
 * test_buffer.c - lib/common/buffer.c: the capped growable buffer and
 * lantern_file_read.
 *
 * Covers appending (bytes, strings, chars, printf), the size cap (each
 * append path refuses with LANTERN_ERROR_TOO_LARGE and leaves the contents
 * untouched; exactly at the cap is fine), reset/detach/dispose, and whole
 * file reads: contents with embedded NULs, empty files, a missing file
 * (LANTERN_ERROR_NOT_FOUND), a directory and a FIFO (both refused as not
 * regular files, the FIFO without blocking), a file over the limit, and a
 * symlink (followed; one to a FIFO is still refused without blocking).
 */
#include "test_support.h"

#include <signal.h>

#include "common/buffer.h"

static void test_append_grows_and_terminates(void **state)
{
	(void)state;
	lantern_buffer buffer = LANTERN_BUFFER_INIT(0);
	assert_null(buffer.data);
	assert_int_equal(lantern_buffer_append(&buffer, "abc", 3), LANTERN_OK);
	assert_int_equal(lantern_buffer_append_string(&buffer, "def"), LANTERN_OK);
	assert_int_equal(lantern_buffer_append_char(&buffer, 'g'), LANTERN_OK);
	assert_int_equal(buffer.length, 7);
	assert_string_equal(buffer.data, "abcdefg");
	assert_true(buffer.capacity >= 8);

	/* Growth past the first allocation keeps every byte. */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(lantern_buffer_append_char(&buffer, (char)('0' + i % 10)), LANTERN_OK);
	assert_int_equal(buffer.length, 1007);
	assert_int_equal(strlen(buffer.data), 1007);
	assert_memory_equal(buffer.data, "abcdefg0123456789", 17);
	assert_int_equal(buffer.data[1006], '9');

	/* Zero bytes is a no-op that still leaves a terminated string. */
	assert_int_equal(lantern_buffer_append(&buffer, NULL, 0), LANTERN_OK);
	assert_int_equal(buffer.length, 1007);
	lantern_buffer_dispose(&buffer);
	assert_null(buffer.data);
	assert_int_equal(buffer.length, 0);
}

static void test_binary_bytes_are_kept(void **state)
{
	(void)state;
	lantern_buffer buffer = LANTERN_BUFFER_INIT(0);
	assert_int_equal(lantern_buffer_append(&buffer, "a\0b", 3), LANTERN_OK);
	assert_int_equal(buffer.length, 3);
	assert_memory_equal(buffer.data, "a\0b\0", 4);
	lantern_buffer_dispose(&buffer);
}

static void test_printf_formats(void **state)
{
	(void)state;
	lantern_buffer buffer = LANTERN_BUFFER_INIT(0);
	assert_int_equal(lantern_buffer_append_string(&buffer, "<"), LANTERN_OK);
	assert_int_equal(lantern_buffer_printf(&buffer, "%s:%d:%u", "file.md", -3, 7u), LANTERN_OK);
	assert_int_equal(lantern_buffer_printf(&buffer, "%05.1f|%c", 2.25, 'x'), LANTERN_OK);
	assert_int_equal(lantern_buffer_printf(&buffer, "%s", ""), LANTERN_OK);
	assert_string_equal(buffer.data, "<file.md:-3:7002.2|x");
	assert_int_equal(buffer.length, strlen("<file.md:-3:7002.2|x"));

	/* A long formatted string (larger than the first allocation). */
	char big[500];
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	lantern_buffer_reset(&buffer);
	assert_int_equal(lantern_buffer_printf(&buffer, "[%s]", big), LANTERN_OK);
	assert_int_equal(buffer.length, 501);
	assert_int_equal(buffer.data[0], '[');
	assert_int_equal(buffer.data[500], ']');
	assert_int_equal(buffer.data[501], '\0');
	lantern_buffer_dispose(&buffer);
}

static void test_limit_exceeded(void **state)
{
	(void)state;
	lantern_buffer buffer = LANTERN_BUFFER_INIT(5);
	assert_int_equal(lantern_buffer_append(&buffer, "abc", 3), LANTERN_OK);

	lantern_error_clear();
	assert_int_equal(lantern_buffer_append(&buffer, "def", 3), LANTERN_ERROR_TOO_LARGE);
	assert_non_null(strstr(lantern_error_detail(), "more than 5 bytes"));
	assert_int_equal(buffer.length, 3);
	assert_string_equal(buffer.data, "abc");

	assert_int_equal(lantern_buffer_printf(&buffer, "%d", 123), LANTERN_ERROR_TOO_LARGE);
	assert_string_equal(buffer.data, "abc");
	assert_int_equal(lantern_buffer_append_string(&buffer, "xyz"), LANTERN_ERROR_TOO_LARGE);
	assert_int_equal(buffer.length, 3);

	/* Exactly at the limit is allowed; one more byte is not. */
	assert_int_equal(lantern_buffer_printf(&buffer, "%d", 45), LANTERN_OK);
	assert_string_equal(buffer.data, "abc45");
	assert_int_equal(lantern_buffer_append_char(&buffer, '!'), LANTERN_ERROR_TOO_LARGE);
	assert_int_equal(lantern_buffer_append(&buffer, "", 0), LANTERN_OK);
	assert_int_equal(buffer.length, 5);
	assert_string_equal(buffer.data, "abc45");

	/* A huge count is refused without overflowing. */
	assert_int_equal(lantern_buffer_append(&buffer, "x", SIZE_MAX), LANTERN_ERROR_TOO_LARGE);
	assert_string_equal(buffer.data, "abc45");
	lantern_buffer_dispose(&buffer);

	/* Unlimited buffers refuse SIZE_MAX too. */
	lantern_buffer unlimited = LANTERN_BUFFER_INIT(0);
	assert_int_equal(lantern_buffer_append_char(&unlimited, 'a'), LANTERN_OK);
	assert_int_equal(lantern_buffer_append(&unlimited, "x", SIZE_MAX), LANTERN_ERROR_TOO_LARGE);
	assert_string_equal(unlimited.data, "a");
	lantern_buffer_dispose(&unlimited);
}

static void test_reset_detach_dispose(void **state)
{
	(void)state;
	lantern_buffer buffer = LANTERN_BUFFER_INIT(0);
	assert_int_equal(lantern_buffer_append_string(&buffer, "hello"), LANTERN_OK);
	size_t capacity = buffer.capacity;
	char *data = buffer.data;
	lantern_buffer_reset(&buffer);
	assert_int_equal(buffer.length, 0);
	assert_int_equal(buffer.capacity, capacity);
	assert_ptr_equal(buffer.data, data);
	assert_string_equal(buffer.data, "");

	assert_int_equal(lantern_buffer_append_string(&buffer, "again"), LANTERN_OK);
	char *detached = NULL;
	assert_int_equal(lantern_buffer_detach(&buffer, &detached), LANTERN_OK);
	assert_string_equal(detached, "again");
	assert_null(buffer.data);
	assert_int_equal(buffer.length, 0);
	assert_int_equal(buffer.capacity, 0);
	free(detached);

	/* Detaching a never-used buffer gives "" rather than NULL. */
	lantern_buffer empty = LANTERN_BUFFER_INIT(10);
	char *nothing = NULL;
	assert_int_equal(lantern_buffer_detach(&empty, &nothing), LANTERN_OK);
	assert_non_null(nothing);
	assert_string_equal(nothing, "");
	free(nothing);

	/* Reset of an unused buffer and dispose of NULL are harmless. */
	lantern_buffer unused = LANTERN_BUFFER_INIT(0);
	lantern_buffer_reset(&unused);
	assert_null(unused.data);
	lantern_buffer_dispose(&unused);
	lantern_buffer_dispose(NULL);
}

/* ------------------------------------------------------------------ file reads */

typedef struct file_fixture {
	char *dir;
} file_fixture;

static int file_setup(void **state)
{
	file_fixture *fixture = calloc(1, sizeof(*fixture));
	if (!fixture)
		return -1;
	fixture->dir = test_make_temp_dir("buffer");
	*state = fixture;
	return 0;
}

static int file_teardown(void **state)
{
	file_fixture *fixture = *state;
	test_remove_tree(fixture->dir);
	free(fixture->dir);
	free(fixture);
	return 0;
}

static void test_file_read_regular(void **state)
{
	file_fixture *fixture = *state;
	test_write_bytes(fixture->dir, "bytes.bin", "one\0two\nthree", 13);
	char *path = test_join(fixture->dir, "bytes.bin");
	char *data = NULL;
	size_t length = 99;
	assert_int_equal(lantern_file_read(path, 1024, &data, &length), LANTERN_OK);
	assert_int_equal(length, 13);
	assert_memory_equal(data, "one\0two\nthree\0", 14);
	free(data);

	/* out_length may be NULL. */
	assert_int_equal(lantern_file_read(path, 1024, &data, NULL), LANTERN_OK);
	assert_string_equal(data, "one");
	free(data);
	free(path);

	test_write_file(fixture->dir, "empty.txt", "");
	path = test_join(fixture->dir, "empty.txt");
	length = 99;
	assert_int_equal(lantern_file_read(path, 1024, &data, &length), LANTERN_OK);
	assert_non_null(data);
	assert_string_equal(data, "");
	assert_int_equal(length, 0);
	free(data);
	free(path);
}

static void test_file_read_larger_than_a_chunk(void **state)
{
	file_fixture *fixture = *state;
	size_t size = 200000; /* several read() chunks */
	char *content = malloc(size);
	assert_non_null(content);
	for (size_t i = 0; i < size; i++)
		content[i] = (char)('a' + i % 26);
	test_write_bytes(fixture->dir, "large.txt", content, size);
	char *path = test_join(fixture->dir, "large.txt");
	char *data = NULL;
	size_t length = 0;
	assert_int_equal(lantern_file_read(path, size, &data, &length), LANTERN_OK);
	assert_int_equal(length, size);
	assert_memory_equal(data, content, size);
	assert_int_equal(data[size], '\0');
	free(data);
	free(path);
	free(content);
}

static void test_file_read_missing(void **state)
{
	file_fixture *fixture = *state;
	char *path = test_join(fixture->dir, "no-such-file.md");
	char *data = (char *)"sentinel";
	size_t length = 5;
	assert_int_equal(lantern_file_read(path, 1024, &data, &length), LANTERN_ERROR_NOT_FOUND);
	assert_null(data);
	assert_int_equal(length, 0);
	assert_non_null(strstr(lantern_error_detail(), "no-such-file.md"));
	free(path);
}

static void test_file_read_directory(void **state)
{
	file_fixture *fixture = *state;
	char *data = (char *)"sentinel";
	lantern_error_clear();
	assert_int_equal(lantern_file_read(fixture->dir, 1024, &data, NULL), LANTERN_ERROR_IO);
	assert_null(data);
	assert_non_null(strstr(lantern_error_detail(), "not a regular file"));
}

static void test_file_read_over_limit(void **state)
{
	file_fixture *fixture = *state;
	char content[100];
	memset(content, 'x', sizeof(content));
	test_write_bytes(fixture->dir, "hundred.txt", content, sizeof(content));
	char *path = test_join(fixture->dir, "hundred.txt");
	char *data = (char *)"sentinel";
	size_t length = 7;
	assert_int_equal(lantern_file_read(path, 99, &data, &length), LANTERN_ERROR_TOO_LARGE);
	assert_null(data);
	assert_int_equal(length, 0);
	assert_non_null(strstr(lantern_error_detail(), "100 bytes, over the 99 byte limit"));

	/* Exactly the limit is fine. */
	assert_int_equal(lantern_file_read(path, 100, &data, &length), LANTERN_OK);
	assert_int_equal(length, 100);
	free(data);
	free(path);
}

static void on_alarm(int signal_number)
{
	(void)signal_number;
	static const char message[] = "lantern_file_read blocked on a FIFO\n";
	ssize_t ignored = write(2, message, sizeof(message) - 1);
	(void)ignored;
	_exit(1);
}

static void test_file_read_fifo_does_not_block(void **state)
{
	file_fixture *fixture = *state;
	char *path = test_join(fixture->dir, "pipe.md");
	assert_int_equal(mkfifo(path, 0600), 0);
	/* No writer ever opens the FIFO: a blocking open would hang here. */
	signal(SIGALRM, on_alarm);
	alarm(10);
	char *data = (char *)"sentinel";
	lantern_error_clear();
	lantern_status status = lantern_file_read(path, 1024, &data, NULL);
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	assert_int_equal(status, LANTERN_ERROR_IO);
	assert_null(data);
	assert_non_null(strstr(lantern_error_detail(), "not a regular file"));
	free(path);
}

static void test_file_read_follows_symlink(void **state)
{
	file_fixture *fixture = *state;
	test_write_file(fixture->dir, "target.md", "linked content");
	char *link_path = test_join(fixture->dir, "link.md");
	assert_int_equal(symlink("target.md", link_path), 0);
	/* The crawl decides which links are acceptable; a read of one follows it. */
	char *data = NULL;
	size_t length = 0;
	assert_int_equal(lantern_file_read(link_path, 1024, &data, &length), LANTERN_OK);
	assert_string_equal(data, "linked content");
	assert_int_equal(length, 14);
	free(data);

	/* A link to a FIFO is still refused without blocking. */
	char *fifo = test_join(fixture->dir, "fifo");
	assert_int_equal(mkfifo(fifo, 0600), 0);
	char *fifo_link = test_join(fixture->dir, "fifo-link.md");
	assert_int_equal(symlink("fifo", fifo_link), 0);
	signal(SIGALRM, on_alarm);
	alarm(10);
	lantern_status status = lantern_file_read(fifo_link, 1024, &data, NULL);
	alarm(0);
	signal(SIGALRM, SIG_DFL);
	assert_int_equal(status, LANTERN_ERROR_IO);
	assert_null(data);

	/* A dangling link is simply not found. */
	char *dangling = test_join(fixture->dir, "dangling.md");
	assert_int_equal(symlink("nowhere.md", dangling), 0);
	assert_int_equal(lantern_file_read(dangling, 1024, &data, NULL), LANTERN_ERROR_NOT_FOUND);
	free(dangling);
	free(fifo_link);
	free(fifo);
	free(link_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_grows_and_terminates),
		cmocka_unit_test(test_binary_bytes_are_kept),
		cmocka_unit_test(test_printf_formats),
		cmocka_unit_test(test_limit_exceeded),
		cmocka_unit_test(test_reset_detach_dispose),
		cmocka_unit_test_setup_teardown(test_file_read_regular, file_setup, file_teardown),
		cmocka_unit_test_setup_teardown(test_file_read_larger_than_a_chunk, file_setup,
		                                file_teardown),
		cmocka_unit_test_setup_teardown(test_file_read_missing, file_setup, file_teardown),
		cmocka_unit_test_setup_teardown(test_file_read_directory, file_setup, file_teardown),
		cmocka_unit_test_setup_teardown(test_file_read_over_limit, file_setup, file_teardown),
		cmocka_unit_test_setup_teardown(test_file_read_fifo_does_not_block, file_setup,
		                                file_teardown),
		cmocka_unit_test_setup_teardown(test_file_read_follows_symlink, file_setup,
		                                file_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
