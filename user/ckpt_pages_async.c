// SPDX-License-Identifier: GPL-2.0-only
/* Page files written by a thread (ckpt_pages_async.h): a ring of buffers. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "ckpt_pages_async.h"
#include "util.h"

#define SLOTS 3

struct ck_pages_async {
	struct ck_pages_writer *w;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint8_t *buf[SLOTS];
	size_t len[SLOTS];
	bool full[SLOTS];
	size_t head, tail; /* next to fill, next to write */
	bool is_done;
	int err;
};

static void *writer(void *arg)
{
	struct ck_pages_async *a = arg;
	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (!a->full[a->tail] && !a->is_done)
			pthread_cond_wait(&a->cv, &a->mu);
		if (!a->full[a->tail])
			break; /* done and drained */
		size_t slot = a->tail;
		pthread_mutex_unlock(&a->mu);
		int r = a->err ? 0 : ck_pages_write(a->w, a->buf[slot], a->len[slot]);
		pthread_mutex_lock(&a->mu);
		if (r < 0 && !a->err)
			a->err = r;
		a->full[slot] = false;
		a->tail = (slot + 1) % SLOTS;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

int ck_pages_async_start(struct ck_pages_async **ret, struct ck_pages_writer *w)
{
	struct ck_pages_async *a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->w = w;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	for (int i = 0; i < SLOTS; i++)
		if (!(a->buf[i] = malloc(CK_ASYNC_CHUNK)))
			a->err = -ENOMEM;
	int r = a->err ? a->err : -pthread_create(&a->thread, NULL, writer, a);
	if (r < 0) {
		for (int i = 0; i < SLOTS; i++)
			free(a->buf[i]);
		free(a);
		return r;
	}
	*ret = a;
	return 0;
}

uint8_t *ck_pages_async_buffer(struct ck_pages_async *a)
{
	pthread_mutex_lock(&a->mu);
	while (a->full[a->head] && !a->err)
		pthread_cond_wait(&a->cv, &a->mu);
	uint8_t *b = a->err ? NULL : a->buf[a->head];
	pthread_mutex_unlock(&a->mu);
	return b;
}

void ck_pages_async_submit(struct ck_pages_async *a, size_t n)
{
	pthread_mutex_lock(&a->mu);
	a->len[a->head] = n;
	a->full[a->head] = true;
	a->head = (a->head + 1) % SLOTS;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

int ck_pages_async_finish(struct ck_pages_async *a)
{
	pthread_mutex_lock(&a->mu);
	a->is_done = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	int r = a->err;
	for (int i = 0; i < SLOTS; i++)
		free(a->buf[i]);
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	free(a);
	return r;
}
