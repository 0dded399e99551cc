// SPDX-License-Identifier: GPL-2.0-only
#include "error.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

static int err_vset(struct hy_err *err, int r, int with_errno, const char *fmt, va_list ap)
{
	if (!err)
		return r;
	err->code = r;
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (with_errno && n >= 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(r < 0 ? -r : r));
	return r;
}

int hy_err_set(struct hy_err *err, int r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(err, r, 0, fmt, ap);
	va_end(ap);
	return r;
}

int hy_err_setr(struct hy_err *err, int r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	err_vset(err, r, 1, fmt, ap);
	va_end(ap);
	return r;
}

int hy_err_wrap(struct hy_err *err, const char *fmt, ...)
{
	if (!err)
		return 0;
	char old[sizeof(err->msg)];
	va_list ap;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(err->msg))
		strscpy(err->msg + n, ": ", sizeof(err->msg) - n);
	n = strlen(err->msg);
	strscpy(err->msg + n, old, sizeof(err->msg) - n);
	return err->code;
}
