/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Levelled logging to stderr. Each .c file defines LOG_PREFIX before including
 * this header. Level comes from HYBOX_LOG (error, warn, info, debug) or --debug.
 * Errors meant for the user are printed once by main.c/cmd_*.c, not here.
 */
#pragma once

enum hy_log_level { HY_LOG_ERROR = 0, HY_LOG_WARN, HY_LOG_INFO, HY_LOG_DEBUG };

#ifndef LOG_PREFIX
#define LOG_PREFIX ""
#endif

extern int hy_log_level;
void hy_log_init(void);
void hy_log_write(int level, const char *prefix, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define pr_err(fmt, ...) hy_log_write(HY_LOG_ERROR, LOG_PREFIX, fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...) hy_log_write(HY_LOG_WARN, LOG_PREFIX, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) hy_log_write(HY_LOG_INFO, LOG_PREFIX, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)                                                                         \
	do {                                                                                       \
		if (hy_log_level >= HY_LOG_DEBUG)                                                  \
			hy_log_write(HY_LOG_DEBUG, LOG_PREFIX, fmt, ##__VA_ARGS__);                \
	} while (0)
