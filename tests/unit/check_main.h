/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The main() of a unit test binary with one suite: run it (CK_RUN_SUITE and
 * CK_RUN_CASE focus it, CK_TAP_LOG_FILE_NAME adds TAP) and exit non-zero if
 * a test failed. Use: HY_CHECK_MAIN(suite) after `static Suite *suite(void)`.
 */
#pragma once
#include <check.h>
#include <stdlib.h>

#define HY_CHECK_MAIN(make_suite)                                                                  \
	int main(void)                                                                             \
	{                                                                                          \
		SRunner *sr = srunner_create(make_suite());                                        \
		srunner_run_all(sr, CK_NORMAL);                                                    \
		int failed = srunner_ntests_failed(sr);                                            \
		srunner_free(sr);                                                                  \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;                                       \
	}
