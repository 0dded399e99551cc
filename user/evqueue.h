/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A bounded FIFO of messages (one event line each) in one byte ring: what a
 * follower of `hybox events` has not taken yet. Fixed memory, no allocation
 * after init, never blocks: a message that does not fit is refused and the
 * caller counts it. The last `reserve` bytes are kept for messages pushed
 * with use_reserve (a `lost` line must always find room). Not thread-safe:
 * the owner locks.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hy_evqueue {
	char *buf;
	size_t cap;     /* bytes in buf */
	size_t reserve; /* bytes only use_reserve pushes may take */
	size_t head;    /* offset of the oldest message */
	size_t used;    /* bytes in use (length prefixes included) */
	size_t count;   /* messages queued */
};

/* Overhead per message (its length prefix). */
#define HY_EVQUEUE_HDR sizeof(uint32_t)

/* cap > reserve; returns 0 or -EINVAL. */
int hy_evqueue_init(struct hy_evqueue *q, size_t cap, size_t reserve);
void hy_evqueue_fini(struct hy_evqueue *q);
/* Bytes a push of len would use. */
static inline size_t hy_evqueue_need(size_t len)
{
	return len + HY_EVQUEUE_HDR;
}
/* Free bytes for ordinary pushes (the reserve excluded). */
size_t hy_evqueue_room(const struct hy_evqueue *q);
/* Append one message (len > 0). Returns 0, or -ENOSPC (nothing changed). */
int hy_evqueue_push(struct hy_evqueue *q, const void *msg, size_t len, bool use_reserve);
/* Move the oldest message to out. Returns its length, 0 if empty, -EMSGSIZE if
 * cap is too small (it stays queued). */
int hy_evqueue_pop(struct hy_evqueue *q, void *out, size_t cap);
/* Drop everything; returns how many messages were dropped. */
size_t hy_evqueue_clear(struct hy_evqueue *q);
