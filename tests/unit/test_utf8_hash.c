/*
 * test_utf8_hash.c - lib/common/utf8.c and lib/common/hash.c.
 *
 * UTF-8: lantern_utf8_validate accepts well-formed text (1- to 4-byte
 * characters, the edges of RFC 3629's table) and rejects overlongs,
 * surrogates, sequences truncated at the end of the input, code points
 * above U+10FFFF, invalid lead bytes and stray continuation bytes, each with
 * the offset of the first byte of the bad sequence. lantern_text_position
 * counts lines and characters (not bytes). lantern_utf8_truncate never cuts
 * inside a character.
 *
 * Hash: lantern_hash64 against XXH64 vectors. The empty and "abc" values are
 * the published ones; the longer ones (which exercise the 32-byte stripe
 * loop and every tail path) were computed with an independent reference
 * implementation of the XXH64 specification written for this purpose (the
 * 43-byte "quick brown fox" value also matches the published one).
 */
#include "test_support.h"

#include "common/hash.h"
#include "common/utf8.h"

static void expect_valid(const char *text, size_t length)
{
	size_t bad = 12345;
	if (!lantern_utf8_validate(text, length, &bad)) {
		print_error("rejected valid UTF-8 at offset %zu\n", bad);
		fail();
	}
	assert_int_equal(bad, 12345); /* untouched on success */
}

static void expect_invalid(const char *text, size_t length, size_t offset)
{
	size_t bad = 12345;
	assert_false(lantern_utf8_validate(text, length, &bad));
	assert_int_equal(bad, offset);
	/* bad_offset is optional. */
	assert_false(lantern_utf8_validate(text, length, NULL));
}

static void test_validate_accepts_well_formed(void **state)
{
	(void)state;
	expect_valid("", 0);
	expect_valid("plain ASCII text\n", 17);
	expect_valid("a\0b", 3);                         /* NUL is a character */
	expect_valid("\xC3\xA9", 2);                      /* U+00E9 é */
	expect_valid("\xC2\x80", 2);                      /* U+0080, smallest 2-byte */
	expect_valid("\xDF\xBF", 2);                      /* U+07FF */
	expect_valid("\xE0\xA0\x80", 3);                  /* U+0800, smallest 3-byte */
	expect_valid("\xE2\x82\xAC", 3);                  /* U+20AC € */
	expect_valid("\xED\x9F\xBF", 3);                  /* U+D7FF, just below surrogates */
	expect_valid("\xEE\x80\x80", 3);                  /* U+E000, just above them */
	expect_valid("\xEF\xBF\xBF", 3);                  /* U+FFFF */
	expect_valid("\xF0\x90\x80\x80", 4);              /* U+10000, smallest 4-byte */
	expect_valid("\xF0\x9F\x98\x80", 4);              /* U+1F600 😀 */
	expect_valid("\xF4\x8F\xBF\xBF", 4);              /* U+10FFFF, the last code point */
	const char mixed[] = "ni\xC3\xB1os \xE2\x80\x94 \xF0\x9F\x98\x80!";
	expect_valid(mixed, sizeof(mixed) - 1);
	/* Validation stops at `length`: a bad byte after it is not looked at. */
	expect_valid("ok\xFF", 2);
}

static void test_validate_rejects_ill_formed(void **state)
{
	(void)state;
	expect_invalid("ab\xC0\x80", 4, 2);               /* overlong NUL */
	expect_invalid("\xC1\xBF", 2, 0);                 /* overlong '\x7f' */
	expect_invalid("x\xE0\x80\x80", 4, 1);            /* overlong 3-byte */
	expect_invalid("x\xE0\x9F\xBF", 4, 1);            /* overlong U+07FF */
	expect_invalid("xy\xF0\x80\x80\x80", 6, 2);       /* overlong 4-byte */
	expect_invalid("\xF0\x8F\xBF\xBF", 4, 0);         /* overlong U+FFFF */
	expect_invalid("abc\xED\xA0\x80", 6, 3);          /* U+D800, a surrogate */
	expect_invalid("\xED\xBF\xBF", 3, 0);             /* U+DFFF */
	expect_invalid("\xF4\x90\x80\x80", 4, 0);         /* U+110000 */
	expect_invalid("a\xF5\x80\x80\x80", 5, 1);        /* lead byte past F4 */
	expect_invalid("a\xFF", 2, 1);
	expect_invalid("a\xFE", 2, 1);
	expect_invalid("ok\x80", 3, 2);                   /* stray continuation */
	expect_invalid("\xC3\xA9\xA9", 3, 2);             /* one continuation too many */
	expect_invalid("\xC3(", 2, 0);                    /* continuation missing */
	expect_invalid("\xE2\x82(", 3, 0);
	expect_invalid("\xF0\x9F\x98(", 4, 0);
	/* Truncated at the end of the input. */
	expect_invalid("abc\xE2\x82", 5, 3);
	expect_invalid("abc\xE2", 4, 3);
	expect_invalid("\xC3", 1, 0);
	expect_invalid("\xF0\x9F\x98", 3, 0);
	/* A complete character cut off by `length`. */
	expect_invalid("\xC3\xA9", 1, 0);
	/* The first bad sequence is reported, not a later one. */
	expect_invalid("\xC3\xA9 \xC0\x80 \xFF", 7, 3);
}

static void test_text_position(void **state)
{
	(void)state;
	const char *text = "ab\ncd\xC3\xA9" "e\n\nf\xF0\x9F\x98\x80g";
	/* bytes: a0 b1 \n2 c3 d4 é5-6 e7 \n8 \n9 f10 😀11-14 g15 */
	unsigned line = 0, column = 0;
	lantern_text_position(text, 0, &line, &column);
	assert_int_equal(line, 1);
	assert_int_equal(column, 1);
	lantern_text_position(text, 2, &line, &column); /* the newline itself */
	assert_int_equal(line, 1);
	assert_int_equal(column, 3);
	lantern_text_position(text, 3, &line, &column);
	assert_int_equal(line, 2);
	assert_int_equal(column, 1);
	lantern_text_position(text, 5, &line, &column); /* é */
	assert_int_equal(line, 2);
	assert_int_equal(column, 3);
	lantern_text_position(text, 7, &line, &column); /* e: é counts as one column */
	assert_int_equal(line, 2);
	assert_int_equal(column, 4);
	lantern_text_position(text, 9, &line, &column); /* the empty line */
	assert_int_equal(line, 3);
	assert_int_equal(column, 1);
	lantern_text_position(text, 11, &line, &column); /* 😀 */
	assert_int_equal(line, 4);
	assert_int_equal(column, 2);
	lantern_text_position(text, 15, &line, &column); /* g after a 4-byte character */
	assert_int_equal(line, 4);
	assert_int_equal(column, 3);

	/* The position of a validation failure, as the loaders report it. */
	const char *bad = "title: x\nsummary: caf\xE9!\n";
	size_t offset = 0;
	assert_false(lantern_utf8_validate(bad, strlen(bad), &offset));
	assert_int_equal(offset, 21);
	lantern_text_position(bad, offset, &line, &column);
	assert_int_equal(line, 2);
	assert_int_equal(column, 13);
}

static void test_truncate_never_splits_a_character(void **state)
{
	(void)state;
	assert_int_equal(lantern_utf8_truncate("hello", 5, 3), 3);
	assert_int_equal(lantern_utf8_truncate("hello", 5, 5), 5);
	assert_int_equal(lantern_utf8_truncate("hello", 5, 99), 5);
	assert_int_equal(lantern_utf8_truncate("hello", 5, 0), 0);
	/* "aé": cutting at 2 would keep half of é. */
	assert_int_equal(lantern_utf8_truncate("a\xC3\xA9", 3, 2), 1);
	assert_int_equal(lantern_utf8_truncate("a\xC3\xA9", 3, 3), 3);
	assert_int_equal(lantern_utf8_truncate("a\xC3\xA9" "b", 4, 3), 3);
	/* "€€" (3 bytes each). */
	const char *euros = "\xE2\x82\xAC\xE2\x82\xAC";
	assert_int_equal(lantern_utf8_truncate(euros, 6, 1), 0);
	assert_int_equal(lantern_utf8_truncate(euros, 6, 2), 0);
	assert_int_equal(lantern_utf8_truncate(euros, 6, 3), 3);
	assert_int_equal(lantern_utf8_truncate(euros, 6, 4), 3);
	assert_int_equal(lantern_utf8_truncate(euros, 6, 5), 3);
	assert_int_equal(lantern_utf8_truncate(euros, 6, 6), 6);
	/* A 4-byte character. */
	const char *emoji = "x\xF0\x9F\x98\x80y";
	for (size_t max = 1; max <= 4; max++)
		assert_int_equal(lantern_utf8_truncate(emoji, 6, max), 1);
	assert_int_equal(lantern_utf8_truncate(emoji, 6, 5), 5);
	/* Every cut of a mixed string is valid UTF-8 and as long as possible. */
	const char mixed[] = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80z";
	const size_t expected[] = { 0, 1, 1, 3, 3, 3, 6, 6, 6, 6, 10, 11 };
	for (size_t max = 0; max < sizeof(mixed); max++) {
		size_t cut = lantern_utf8_truncate(mixed, sizeof(mixed) - 1, max);
		assert_int_equal(cut, expected[max]);
		assert_true(lantern_utf8_validate(mixed, cut, NULL));
	}
}

static void test_hash64_known_vectors(void **state)
{
	(void)state;
	assert_true(lantern_hash64("", 0, 0) == 0xEF46DB3751D8E999ULL);
	assert_true(lantern_hash64("abc", 3, 0) == 0x44BC2CF5AD770999ULL);
	const char *fox = "The quick brown fox jumps over the lazy dog";
	assert_true(lantern_hash64(fox, strlen(fox), 0) == 0x0B242D361FDA71BCULL);
	/* 111 bytes: three 32-byte stripes, then 8-, 4- and 1-byte tails. */
	unsigned char bytes[111];
	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (unsigned char)((i * 7 + 3) & 0xFF);
	assert_true(lantern_hash64(bytes, sizeof(bytes), 0) == 0x6638CBBDD5D3E9ACULL);
	assert_true(lantern_hash64(bytes, sizeof(bytes), 1234) == 0x135350A1AE284354ULL);
	assert_true(lantern_hash64("abc", 3, 1) == 0xBEA9CA8199328908ULL);
	assert_true(lantern_hash64("", 0, UINT64_MAX) == 0x298F4C84B24F5380ULL);
}

static void test_hash64_seeds_and_inputs_differ(void **state)
{
	(void)state;
	const char *text = "Lantern";
	uint64_t seed0 = lantern_hash64(text, 7, 0);
	uint64_t seed1 = lantern_hash64(text, 7, 1);
	uint64_t seed2 = lantern_hash64(text, 7, 0x5c4e3a);
	assert_true(seed0 != seed1);
	assert_true(seed0 != seed2);
	assert_true(seed1 != seed2);
	/* Deterministic. */
	assert_true(lantern_hash64(text, 7, 1) == seed1);
	/* Length is part of the input: a trailing NUL changes the hash. */
	assert_true(lantern_hash64("a\0", 2, 0) != lantern_hash64("a", 1, 0));
	/* One flipped bit in a long input changes it. */
	char block[64];
	memset(block, 'z', sizeof(block));
	uint64_t before = lantern_hash64(block, sizeof(block), 0);
	block[40] ^= 1;
	assert_true(lantern_hash64(block, sizeof(block), 0) != before);
	/* Unaligned input gives the same value as aligned. */
	char buffer[41];
	memcpy(buffer + 1, "The quick brown fox jumps over the lazy", 39);
	assert_true(lantern_hash64(buffer + 1, 39, 7) ==
	            lantern_hash64("The quick brown fox jumps over the lazy", 39, 7));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate_accepts_well_formed),
		cmocka_unit_test(test_validate_rejects_ill_formed),
		cmocka_unit_test(test_text_position),
		cmocka_unit_test(test_truncate_never_splits_a_character),
		cmocka_unit_test(test_hash64_known_vectors),
		cmocka_unit_test(test_hash64_seeds_and_inputs_differ),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
