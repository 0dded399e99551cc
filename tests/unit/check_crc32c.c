// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for common/crc32c.c: the standard check values (RFC 3720's
 * iSCSI vectors), chaining over pieces, and every length and alignment of
 * the tail against a bitwise reference.
 */
#include <check.h>
#include <string.h>

#include "crc32c.h"

/* Bit by bit, straight from the definition. */
static uint32_t reference(const uint8_t *p, size_t len)
{
	uint32_t c = ~0u;
	while (len--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
	}
	return ~c;
}

START_TEST(test_crc32c_check_values)
{
	uint8_t zeros[32] = { 0 }, ones[32], inc[32];
	memset(ones, 0xff, sizeof(ones));
	for (int i = 0; i < 32; i++)
		inc[i] = (uint8_t)i;
	ck_assert_uint_eq(hy_crc32c(0, "123456789", 9), 0xe3069283);
	ck_assert_uint_eq(hy_crc32c(0, zeros, 32), 0x8a9136aa);
	ck_assert_uint_eq(hy_crc32c(0, ones, 32), 0x62a8ab43);
	ck_assert_uint_eq(hy_crc32c(0, inc, 32), 0x46dd794e);
	ck_assert_uint_eq(hy_crc32c(0, "", 0), 0);
}
END_TEST

START_TEST(test_crc32c_chains)
{
	static uint8_t buf[4099];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	uint32_t whole = hy_crc32c(0, buf, sizeof(buf));
	for (size_t cut = 0; cut <= sizeof(buf); cut += 513)
		ck_assert_uint_eq(hy_crc32c(hy_crc32c(0, buf, cut), buf + cut, sizeof(buf) - cut),
				  whole);
	ck_assert_uint_eq(whole, reference(buf, sizeof(buf)));
}
END_TEST

START_TEST(test_crc32c_lengths_and_alignments)
{
	static uint8_t buf[80];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(0xa5 ^ (i * 31));
	for (size_t off = 0; off < 8; off++)
		for (size_t len = 0; len + off <= sizeof(buf); len++)
			ck_assert_uint_eq(hy_crc32c(0, buf + off, len), reference(buf + off, len));
}
END_TEST

static Suite *crc32c_suite(void)
{
	Suite *s = suite_create("crc32c");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_crc32c_check_values);
	tcase_add_test(tc, test_crc32c_chains);
	tcase_add_test(tc, test_crc32c_lengths_and_alignments);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(crc32c_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
