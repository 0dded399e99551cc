// SPDX-License-Identifier: GPL-2.0-only
/*
 * The --log file (logfile.h). stderr becomes a fopencookie() stream, so the
 * single print of each failure (STYLE E4: main.c and cmd_*.c print) reaches
 * both the terminal and the log without a second print site. stdio calls the
 * cookie with the stream locked, so the line buffer needs no lock of its own.
 */
#include "logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define LINE_MAX_BYTES 2048 /* longer lines are logged cut short */

struct tee {
	int logfd;
	enum hy_log_format fmt;
	bool is_log_only; /* not to fd 2 (hy_logfile_log_only) */
	size_t n;
	char line[LINE_MAX_BYTES];
};

static struct tee *the_tee; /* the open --log, or NULL */

int hy_log_format_parse(const char *s, enum hy_log_format *ret)
{
	if (strcmp(s, "text") == 0)
		*ret = HY_LOG_FORMAT_TEXT;
	else if (strcmp(s, "json") == 0)
		*ret = HY_LOG_FORMAT_JSON;
	else
		return -EINVAL;
	return 0;
}

/* "hybox: warning: x" -> "warning", "x"; "hybox: x" -> "error", "x". */
static const char *split_level(const char *line, const char **ret_msg)
{
	static const char *const tags[] = { "error", "warning", "info", "debug" };
	const char *msg = strncmp(line, "hybox: ", 7) == 0 ? line + 7 : line;
	for (size_t i = 0; i < ARRAY_SIZE(tags); i++) {
		size_t n = strlen(tags[i]);
		if (strncmp(msg, tags[i], n) == 0 && strncmp(msg + n, ": ", 2) == 0) {
			*ret_msg = msg + n + 2;
			return tags[i];
		}
	}
	*ret_msg = msg;
	return "error";
}

int hy_logfile_record(enum hy_log_format fmt, const char *line, const struct timespec *now,
		      char *out, size_t len)
{
	if (strncmp(line, "hybox", 5) != 0)
		return 0;
	if (fmt == HY_LOG_FORMAT_TEXT) {
		int n = snprintf(out, len, "%s\n", line);
		return n < 0 || (size_t)n >= len ? -ENOSPC : n;
	}
	char time[64];
	struct tm tm;
	size_t t = strftime(time, sizeof(time), "%Y-%m-%dT%H:%M:%S", gmtime_r(&now->tv_sec, &tm));
	snprintf(time + t, sizeof(time) - t, ".%09ldZ", now->tv_nsec);
	const char *msg, *level = split_level(line, &msg);
	json_t *j = json_pack("{s:s,s:s,s:s}", "level", level, "msg", msg, "time", time);
	size_t n = j ? json_dumpb(j, out, len, JSON_COMPACT | JSON_PRESERVE_ORDER) : 0;
	json_decref(j);
	if (n == 0 || n >= len)
		return -ENOSPC;
	out[n] = '\n';
	return (int)n + 1;
}

static void log_line(struct tee *t)
{
	char rec[LINE_MAX_BYTES * 6 + 128]; /* json may escape each byte as \uXXXX */
	struct timespec now;
	t->line[t->n] = '\0';
	clock_gettime(CLOCK_REALTIME, &now);
	int n = hy_logfile_record(t->fmt, t->line, &now, rec, sizeof(rec));
	if (n > 0)
		(void)!write_all(t->logfd, rec, (size_t)n);
}

static ssize_t tee_write(void *cookie, const char *buf, size_t size)
{
	struct tee *t = cookie;
	if (!t->is_log_only) /* a closed stderr must not stop the log */
		(void)!write_all(STDERR_FILENO, buf, size);
	for (size_t i = 0; i < size; i++) {
		if (buf[i] == '\n') {
			log_line(t);
			t->n = 0;
		} else if (t->n < sizeof(t->line) - 1) {
			t->line[t->n++] = buf[i];
		}
	}
	return (ssize_t)size;
}

int hy_logfile_open(const char *path, enum hy_log_format fmt, struct hy_err *err)
{
	struct tee *t = xcalloc(1, sizeof(*t));
	t->fmt = fmt;
	t->logfd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (t->logfd < 0) {
		int r = -errno;
		free(t);
		return hy_err_setr(err, r, "--log %s", path);
	}
	FILE *f = fopencookie(t, "w", (cookie_io_functions_t){ .write = tee_write });
	if (!f) {
		int r = -errno;
		close(t->logfd);
		free(t);
		return hy_err_setr(err, r, "--log %s", path);
	}
	setvbuf(f, NULL, _IONBF, 0); /* as stderr: nothing waits in a buffer */
	stderr = f; /* lives until exit */
	the_tee = t;
	return 0;
}

void hy_logfile_log_only(void)
{
	if (the_tee)
		the_tee->is_log_only = true;
}
