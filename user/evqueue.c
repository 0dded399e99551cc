// SPDX-License-Identifier: GPL-2.0-only
/*
 * Byte-ring message queue (see evqueue.h). Each message is a 4-byte length
 * followed by its bytes, either of which may wrap around the end of buf.
 */
#include "evqueue.h"

#include <errno.h>
#include <string.h>

#include "util.h"

int hy_evqueue_init(struct hy_evqueue *q, size_t cap, size_t reserve)
{
	if (cap <= reserve || cap > UINT32_MAX)
		return -EINVAL;
	*q = (struct hy_evqueue){ .buf = xmalloc(cap), .cap = cap, .reserve = reserve };
	return 0;
}

void hy_evqueue_fini(struct hy_evqueue *q)
{
	free(q->buf);
	*q = (struct hy_evqueue){ 0 };
}

size_t hy_evqueue_room(const struct hy_evqueue *q)
{
	size_t limit = q->cap - q->reserve;
	return q->used >= limit ? 0 : limit - q->used;
}

/* Copy len bytes in at ring offset off (mod cap). */
static void ring_put(struct hy_evqueue *q, size_t off, const void *src, size_t len)
{
	size_t first;

	off %= q->cap;
	first = MIN(len, q->cap - off);
	memcpy(q->buf + off, src, first);
	memcpy(q->buf, (const char *)src + first, len - first);
}

static void ring_get(const struct hy_evqueue *q, size_t off, void *dst, size_t len)
{
	size_t first;

	off %= q->cap;
	first = MIN(len, q->cap - off);
	memcpy(dst, q->buf + off, first);
	memcpy((char *)dst + first, q->buf, len - first);
}

int hy_evqueue_push(struct hy_evqueue *q, const void *msg, size_t len, bool use_reserve)
{
	size_t need = hy_evqueue_need(len);
	size_t free_bytes = use_reserve ? q->cap - q->used : hy_evqueue_room(q);
	uint32_t len32 = (uint32_t)len;

	if (len == 0 || need > free_bytes)
		return -ENOSPC;
	ring_put(q, q->head + q->used, &len32, sizeof(len32));
	ring_put(q, q->head + q->used + sizeof(len32), msg, len);
	q->used += need;
	q->count++;
	return 0;
}

int hy_evqueue_pop(struct hy_evqueue *q, void *out, size_t cap)
{
	uint32_t len;

	if (q->count == 0)
		return 0;
	ring_get(q, q->head, &len, sizeof(len));
	if (len > cap)
		return -EMSGSIZE;
	ring_get(q, q->head + sizeof(len), out, len);
	q->head = (q->head + hy_evqueue_need(len)) % q->cap;
	q->used -= hy_evqueue_need(len);
	q->count--;
	if (q->count == 0)
		q->head = 0; /* keeps messages unwrapped while the follower keeps up */
	return (int)len;
}

size_t hy_evqueue_clear(struct hy_evqueue *q)
{
	size_t n = q->count;

	q->head = q->used = q->count = 0;
	return n;
}
