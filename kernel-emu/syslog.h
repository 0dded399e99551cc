/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-container kernel log ring, the state behind the emulated syslog(2) (as
 * gVisor's Sentry keeps its own). Records are "<level>[seconds.micros] text\n"
 * like the host's syslog(2) READ output. Not locked: the caller holds the
 * kernel lock.
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
};

void emu_syslog_init(struct emu_syslog *log, uint64_t boot_ns);
/* Append one record; oldest records fall out when full. now_ns: CLOCK_MONOTONIC. */
void emu_syslog_append(struct emu_syslog *log, uint64_t now_ns, int level, const char *text);

/*
 * Perform syslog(2) action `type` (SYSLOG_ACTION_*). For the read actions
 * (2, 3, 4) up to len bytes are copied to out (caller-provided, >= len
 * bytes) and the count is returned. Other actions return what the kernel
 * returns (0, or a size). -EINVAL for bad type/len, as syslog(2) documents.
 */
long emu_syslog_action(struct emu_syslog *log, int type, char *out, size_t len);
