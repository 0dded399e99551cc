/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The --log file (runc's --log and --log-format): every diagnostic line
 * hybox writes to stderr is also appended there, as it is (text) or as one
 * JSON object per line in runc's (logrus's) shape (json):
 *   {"level":"error","msg":"...","time":"2024-05-01T12:00:00.123456789Z"}
 * which containerd reads the last error from. Runs with the caller's
 * privileges.
 */
#pragma once
#include <stddef.h>
#include <time.h>

#include "error.h"

enum hy_log_format { HY_LOG_FORMAT_TEXT, HY_LOG_FORMAT_JSON };

/* "text" or "json"; -EINVAL otherwise. */
int hy_log_format_parse(const char *s, enum hy_log_format *ret);

/*
 * The record of one stderr line (without its newline) in out, newline
 * included (pure): diagnostics start with "hybox" ("hybox: msg", "hybox:
 * warning: msg", "hybox VERB: msg"); anything else (usage text) is not
 * logged. json: the level is the line's tag (error, warning, info, debug;
 * an untagged line is an error), msg what follows "hybox: " and the tag.
 * Returns the record's length, 0 for a line not logged, -ENOSPC if out is
 * too small.
 */
int hy_logfile_record(enum hy_log_format fmt, const char *line, const struct timespec *now,
		      char *out, size_t len);

/*
 * Open path (appended; created 0600) and replace stderr with a stream that
 * writes through to fd 2 and copies each diagnostic line to the file. A
 * detached supervisor points fd 2 at /dev/null and keeps logging. 0 or
 * -errno with err naming --log.
 */
int hy_logfile_open(const char *path, enum hy_log_format fmt, struct hy_err *err);

/*
 * From now on diagnostics go to the --log file only, not to fd 2, when one
 * is open (else nothing changes). A detached supervisor's fd 2 is, until the
 * container runs, create's stderr, which the container's command inherits:
 * containerd's shim and conmon give create the container's own stdio, so a
 * warning there would land in the container's log. runc, too, writes to its
 * --log only.
 */
void hy_logfile_log_only(void);
