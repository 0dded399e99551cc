/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-container kernel log ring, the state behind the emulated syslog(2) and
 * /dev/kmsg (as gVisor's Sentry keeps its own). Records are
 * "<pri>[seconds.micros] text\n" like the host's syslog(2) READ output, pri
 * being facility << 3 | level; each has a sequence number (kmsg.h reads them
 * one by one). Not locked: the caller holds the kernel lock.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define EMU_SYSLOG_SIZE (64 * 1024) /* what SYSLOG_ACTION_SIZE_BUFFER reports */

struct emu_syslog {
	char buf[EMU_SYSLOG_SIZE];
	size_t start;      /* oldest byte still in the ring (absolute offset) */
	size_t end;        /* one past the newest byte (absolute offset) */
	size_t read_pos;   /* next byte for destructive READ (absolute) */
	size_t clear_pos;  /* READ_ALL starts here after CLEAR (absolute) */
	uint64_t boot_ns;  /* timestamps are relative to this (CLOCK_MONOTONIC) */
	uint64_t first_seq; /* sequence number of the record at start */
	uint64_t next_seq;  /* of the next record appended (first_seq + records held) */
	uint64_t clear_seq; /* of the record at clear_pos */
	int wake_fd;        /* eventfd written after each append (viewfs), -1: none */
};

void emu_syslog_init(struct emu_syslog *log, uint64_t boot_ns);
/*
 * Append one record; oldest records fall out when full. now_ns: CLOCK_MONOTONIC;
 * pri: facility << 3 | level (0..7 for kernel messages). Control characters in
 * text become spaces, texts over 1024 bytes are cut.
 */
void emu_syslog_append(struct emu_syslog *log, uint64_t now_ns, int pri, const char *text);
/*
 * Copy the record starting at absolute offset pos (a record boundary in
 * [start, end)) with its '\n' into out (cap >= EMU_SYSLOG_REC_MAX); returns
 * its length.
 */
size_t emu_syslog_record(const struct emu_syslog *log, size_t pos, char *out, size_t cap);
#define EMU_SYSLOG_REC_MAX (1024 + 64) /* longest record, '\n' included */

/*
 * Perform syslog(2) action `type` (SYSLOG_ACTION_*). For the read actions
 * (2, 3, 4) up to len bytes are copied to out (caller-provided, >= len
 * bytes) and the count is returned. Other actions return what the kernel
 * returns (0, or a size). -EINVAL for bad type/len, as syslog(2) documents.
 */
long emu_syslog_action(struct emu_syslog *log, int type, char *out, size_t len);
