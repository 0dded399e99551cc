/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /dev/kmsg on the container's kernel log ring (syslog.h), as Linux's
 * Documentation/ABI/testing/dev-kmsg describes it: every open has a cursor,
 * every read returns one record "PRI,SEQ,TIMESTAMP_US,-;MESSAGE\n", every
 * write of "<N>text" appends one. Pure logic like syslog.c: the caller holds
 * the kernel lock and moves the bytes to and from the task (viewfs.c).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "syslog.h"

#define EMU_KMSG_WRITE_MAX 1024  /* longer writes fail with EINVAL, as Linux's */
#define EMU_KMSG_LINE_MAX 8192   /* longest record read returns (escapes included) */
#define EMU_KMSG_USER_FACILITY 1 /* LOG_USER: what writes get unless they name one */

struct emu_kmsg_cursor {
	uint64_t seq; /* the next record to read */
	size_t pos;   /* its offset in the ring; meaningful while seq >= first_seq */
};

/* The oldest record still held (open, lseek SEEK_SET 0). */
void emu_kmsg_seek_oldest(const struct emu_syslog *log, struct emu_kmsg_cursor *c);
/* After the newest record (lseek SEEK_END). */
void emu_kmsg_seek_end(const struct emu_syslog *log, struct emu_kmsg_cursor *c);
/* The first record after the last SYSLOG_ACTION_CLEAR (lseek SEEK_DATA). */
void emu_kmsg_seek_clear(const struct emu_syslog *log, struct emu_kmsg_cursor *c);
/* True when a read would not return -EAGAIN. */
bool emu_kmsg_readable(const struct emu_syslog *log, const struct emu_kmsg_cursor *c);

/*
 * One record into out (cap bytes) and the cursor past it; returns its length.
 * -EPIPE once when the cursor's record was overwritten (the cursor moves to
 * the oldest), -EAGAIN at the end, -EINVAL when cap is too small for the
 * record (the cursor stays).
 */
ssize_t emu_kmsg_read(const struct emu_syslog *log, struct emu_kmsg_cursor *c, char *out,
		      size_t cap);

/*
 * A write(2) of len bytes of buf: "<N>" in front sets level N & 7 and
 * facility N >> 3 (facility 0, the kernel's, becomes LOG_USER, so that the
 * container cannot pass for kernel-emu), default level 4 of LOG_USER; the
 * text ends at a NUL, one trailing '\n' is dropped. Returns len, or -EINVAL
 * above EMU_KMSG_WRITE_MAX bytes.
 */
ssize_t emu_kmsg_write(struct emu_syslog *log, uint64_t now_ns, const char *buf, size_t len);
