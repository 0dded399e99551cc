/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * JSON Lines encoding of telemetry events (schema: docs/events.md). Pure
 * functions, no I/O. Every string that can come from a task (comm, paths)
 * is escaped byte by byte: quotes, backslashes and control bytes become
 * escapes and invalid UTF-8 becomes U+FFFD, so any input yields valid JSON.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "abi/events.h"

/* hy_evt_lost.source values made in user space (bpf/abi/events.h has the kernel's). */
#define HY_LOST_SRC_CLIENT 2 /* a follower's queue was full (hybox events) */

struct hy_json_ctx {
	const char *container_id;
	int64_t mono_to_real_ns; /* add to hdr.ts_ns to get CLOCK_REALTIME */
};

/* Append s (len bytes) as a JSON string literal (with quotes) to out.
 * Returns bytes written, or -ENOSPC if it does not fit (out is left NUL-terminated). */
int hy_json_escape(char *out, size_t cap, const char *s, size_t len);

/* Encode one event as a single line ending in '\n'. Returns its length, 0 for
 * an unknown event type (skipped: forward compatible), -ENOSPC if cap is short. */
int hy_event_to_json(const struct hy_json_ctx *ctx, uint64_t seq, const struct hy_evt_hdr *ev,
		     char *out, size_t cap);
