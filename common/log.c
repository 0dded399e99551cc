// SPDX-License-Identifier: GPL-2.0-only
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hy_log_level = HY_LOG_WARN;

void hy_log_init(void)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	const char *e = getenv("HYBOX_LOG");
	if (!e)
		return;
	for (int i = 0; i < 4; i++)
		if (strcmp(e, names[i]) == 0)
			hy_log_level = i;
}

void hy_log_write(int level, const char *prefix, const char *fmt, ...)
{
	static const char *const tags[] = { "error", "warning", "info", "debug" };
	if (level > hy_log_level)
		return;
	char line[1024];
	va_list ap;
	va_start(ap, fmt);
	int n = snprintf(line, sizeof(line), "hybox: %s: %s", tags[level], prefix);
	if (n > 0 && (size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
}
