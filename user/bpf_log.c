// SPDX-License-Identifier: GPL-2.0-only
/* libbpf print callback that forwards to the debug log only. */
#define LOG_PREFIX ""
#include "bpf_log.h"

#include <stdio.h>

#include "log.h"

static int print_debug(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[512];
	int n;

	if (hy_log_level < HY_LOG_DEBUG)
		return 0;
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n > 0 && (size_t)n < sizeof(buf) && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	pr_debug("%s", buf); /* libbpf prefixes its own "libbpf: " */
	return 0;
}

libbpf_print_fn_t hy_bpf_log_quiet(void)
{
	return libbpf_set_print(print_debug);
}
