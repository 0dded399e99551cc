/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What every checkpoint test program shares: SIGUSR2 (sent after the
 * restore) sets got_usr2, and say() writes one line with a single write(2),
 * so nothing waits in a stdio buffer across a checkpoint.
 */
#pragma once
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr2;

__attribute__((unused)) static void on_usr2(int sig)
{
	(void)sig;
	got_usr2 = 1;
}

__attribute__((format(printf, 1, 2), unused)) static void say(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && write(STDOUT_FILENO, buf, (size_t)n) < 0)
		_exit(2);
}
