/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * struct hy_err: caller-owned error context that travels across module
 * boundaries (no allocation on the error path). Functions return -errno and,
 * on failure, fill *err with a message that names the object that failed.
 * Only main.c and cmd_*.c print it.
 */
#pragma once
#include <stdarg.h>

struct hy_err {
	int code;      /* -errno, or 0 */
	int exit_code; /* process exit status to use (125 if unset) */
	char msg[512];
};

/* Set err (if non-NULL) and return r, so failure is one line. r is -errno. */
int hy_err_set(struct hy_err *err, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like hy_err_set, and appends ": strerror(-r)". */
int hy_err_setr(struct hy_err *err, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prepend context ("ctx: old message") while unwinding. Returns err->code. */
int hy_err_wrap(struct hy_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
