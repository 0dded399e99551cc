/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A page file written by a thread of its own: the dumper fills a buffer
 * from the frozen process while the previous ones are checksummed (and
 * deflated) and written, so that both CPUs of a small machine work (make
 * bench: the dump loop done serially left one idle). Buffers go out in the
 * order they were submitted.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "ckpt_pages.h"

#define CK_ASYNC_CHUNK (4UL << 20)

struct ck_pages_async;

/* Start the thread writing into w (opened; still the caller's to finish). */
int ck_pages_async_start(struct ck_pages_async **ret, struct ck_pages_writer *w);
/* An empty buffer of CK_ASYNC_CHUNK bytes (waits for one); NULL after an error. */
uint8_t *ck_pages_async_buffer(struct ck_pages_async *a);
/* Queue the first n bytes of the buffer ck_pages_async_buffer() gave. */
void ck_pages_async_submit(struct ck_pages_async *a, size_t n);
/* Wait until everything is written, stop the thread, free; the first
 * write error, or 0. */
int ck_pages_async_finish(struct ck_pages_async *a);
