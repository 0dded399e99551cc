// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for user/evqueue.c: FIFO order, messages wrapping around the
 * end of the ring, the bound (a full queue refuses and changes nothing), the
 * reserve only use_reserve pushes may take, and clear.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "evqueue.h"

START_TEST(test_evqueue_fifo)
{
	struct hy_evqueue q;
	char out[64];

	ck_assert_int_eq(hy_evqueue_init(&q, 256, 16), 0);
	ck_assert_int_eq(hy_evqueue_pop(&q, out, sizeof(out)), 0);
	ck_assert_int_eq(hy_evqueue_push(&q, "one", 3, false), 0);
	ck_assert_int_eq(hy_evqueue_push(&q, "two!", 4, false), 0);
	ck_assert_uint_eq(q.count, 2);
	ck_assert_int_eq(hy_evqueue_pop(&q, out, sizeof(out)), 3);
	ck_assert(memcmp(out, "one", 3) == 0);
	ck_assert_int_eq(hy_evqueue_pop(&q, out, sizeof(out)), 4);
	ck_assert(memcmp(out, "two!", 4) == 0);
	ck_assert_int_eq(hy_evqueue_pop(&q, out, sizeof(out)), 0);
	ck_assert_int_eq(hy_evqueue_push(&q, "", 0, false), -ENOSPC);
	hy_evqueue_fini(&q);
}
END_TEST

/* Messages of 10 bytes in a 64-byte ring: header and body land across the end. */
START_TEST(test_evqueue_wraps)
{
	struct hy_evqueue q;
	char msg[16], out[16];
	int next_in = 0, next_out = 0;

	ck_assert_int_eq(hy_evqueue_init(&q, 64, 0), 0);
	for (int round = 0; round < 200; round++) {
		while (1) {
			snprintf(msg, sizeof(msg), "msg-%05d", next_in);
			if (hy_evqueue_push(&q, msg, 10, false) < 0)
				break;
			next_in++;
		}
		ck_assert_uint_le(q.used, 64);
		/* Take a varying number so the head moves around the ring. */
		for (int i = 0; i < 1 + round % 4 && q.count; i++) {
			ck_assert_int_eq(hy_evqueue_pop(&q, out, sizeof(out)), 10);
			snprintf(msg, sizeof(msg), "msg-%05d", next_out++);
			ck_assert_str_eq(out, msg);
		}
	}
	ck_assert_int_gt(next_out, 200);
	hy_evqueue_fini(&q);
}
END_TEST

START_TEST(test_evqueue_bound_and_reserve)
{
	struct hy_evqueue q;
	char big[100] = { 0 }, out[128];

	ck_assert_int_eq(hy_evqueue_init(&q, 256, 64), 0);
	/* 192 bytes for ordinary pushes: one 100-byte message (104 with header) fits. */
	ck_assert_uint_eq(hy_evqueue_room(&q), 192);
	ck_assert_int_eq(hy_evqueue_push(&q, big, 100, false), 0);
	ck_assert_int_eq(hy_evqueue_push(&q, big, 100, false), -ENOSPC);
	ck_assert_uint_eq(q.count, 1);
	ck_assert_uint_eq(q.used, 104);
	/* The reserve is there for use_reserve pushes. */
	ck_assert_int_eq(hy_evqueue_push(&q, big, 100, true), 0);
	ck_assert_uint_eq(hy_evqueue_room(&q), 0);
	ck_assert_int_eq(hy_evqueue_push(&q, big, 60, true), -ENOSPC);
	ck_assert_int_eq(hy_evqueue_push(&q, big, 44, true), 0); /* exactly full */
	ck_assert_uint_eq(q.used, 256);
	/* Too small an output buffer leaves the message queued. */
	ck_assert_int_eq(hy_evqueue_pop(&q, out, 50), -EMSGSIZE);
	ck_assert_uint_eq(q.count, 3);
	ck_assert_uint_eq(hy_evqueue_clear(&q), 3);
	ck_assert_uint_eq(q.used, 0);
	ck_assert_uint_eq(hy_evqueue_room(&q), 192);
	ck_assert_int_eq(hy_evqueue_init(&q, 16, 16), -EINVAL);
	hy_evqueue_fini(&q);
}
END_TEST

static Suite *evqueue_suite(void)
{
	Suite *s = suite_create("evqueue");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_evqueue_fifo);
	tcase_add_test(tc, test_evqueue_wraps);
	tcase_add_test(tc, test_evqueue_bound_and_reserve);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(evqueue_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
