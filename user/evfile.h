/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The `--events` sink: stdout ("-") or a file opened for appending, with
 * optional size-based rotation (`--events-max-size`, `--events-keep`):
 * before a line would take FILE past max_size, FILE.(keep-1) becomes
 * FILE.keep (the oldest is dropped), ..., FILE becomes FILE.1, and a new
 * FILE is started. Lines are never split across files, so a file exceeds
 * max_size only when one line is longer than max_size. Not thread-safe (the
 * exporter locks); runs as root in the supervisor.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define HY_EVFILE_KEEP_DEFAULT 5
#define HY_EVFILE_KEEP_MAX 1000
#define HY_EVFILE_MIN_SIZE 4096 /* smaller limits are almost certainly a unit mistake */
#define HY_EVFILE_BUF (64 * 1024) /* lines held before a write(2) */

struct hy_evfile;

struct hy_evfile_stats {
	uint64_t lines, bytes; /* written since open */
	uint64_t rotations;
	uint64_t size; /* of the current file */
};

/* path "-": stdout (max_size must be 0). max_size 0: never rotate. */
int hy_evfile_open(struct hy_evfile **ret, const char *path, uint64_t max_size, unsigned keep,
		   struct hy_err *err);
/* Queue one whole line, rotating first when needed; it reaches the file at
 * the next hy_evfile_flush() (or when the buffer is full). Returns 0 or
 * -errno; a failed rotation keeps writing to the current file (and returns
 * its error). */
int hy_evfile_write(struct hy_evfile *f, const char *line, size_t len);
/* Write what is queued. Returns 0, or -errno of this or an earlier write. */
int hy_evfile_flush(struct hy_evfile *f);
void hy_evfile_stats(const struct hy_evfile *f, struct hy_evfile_stats *ret);
/* Close (stdout stays open); returns 0 or -errno. NULL-safe. */
int hy_evfile_close(struct hy_evfile *f);

/* "PATH.i" into buf (i >= 1). Returns 0 or -ENAMETOOLONG. */
int hy_evfile_rotated_name(char *buf, size_t cap, const char *path, unsigned i);
