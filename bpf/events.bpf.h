/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * BPF-only: the events ring buffer, the per-CPU produced/dropped counters and
 * the reserve/submit helpers every event producer uses. Including this header
 * adds the maps hy_events and hy_counters and the knob cfg_wakeup_bytes to the
 * skeleton; a second skeleton shares them with bpf_map__reuse_fd() (STYLE §3).
 *
 * Wakeups (measured in issue 5): a wakeup per event costs ~1.2-4.6 us, a
 * silent submit ~320 ns. So events are submitted with BPF_RB_NO_WAKEUP, and
 * only once the ring holds cfg_wakeup_bytes the producer forces a wakeup; the
 * consumer also polls on a timer, so a lone event waits at most one period.
 * BPF_RB_FORCE_WAKEUP rather than flags 0: with 0 the kernel wakes only when
 * the consumer has already caught up to this record, never on a filling ring.
 * A failed reserve is never silent: it bumps hy_counters.dropped, which user
 * space turns into a `lost` event.
 */
#pragma once

#include "abi/events.h"

/* Size set by user space with bpf_map__set_max_entries() before load. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} hy_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct hy_trace_counters);
} hy_counters SEC(".maps");

/* Force a wakeup once this many bytes wait in the ring (user space: ring / 4). */
const volatile __u64 cfg_wakeup_bytes = 64 * 1024;

static __always_inline struct hy_trace_counters *hy_evt_counters(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&hy_counters, &zero);
}

/* Reserve size bytes and fill the header; NULL (and one more drop) if the ring is full. */
static __always_inline void *hy_evt_reserve(__u32 type, __u32 size, __u64 cgid)
{
	struct hy_evt_hdr *h = bpf_ringbuf_reserve(&hy_events, size, 0);

	if (!h) {
		struct hy_trace_counters *c = hy_evt_counters();

		if (c)
			c->dropped++; /* per-CPU slot, no other writer while we run */
		return NULL;
	}
	h->type = type;
	h->size = size;
	h->ts_ns = bpf_ktime_get_ns();
	h->cgid = cgid;
	return h;
}

static __always_inline void hy_evt_submit(void *ev)
{
	struct hy_trace_counters *c = hy_evt_counters();
	__u64 flags = BPF_RB_NO_WAKEUP;

	if (c)
		c->produced++;
	if (bpf_ringbuf_query(&hy_events, BPF_RB_AVAIL_DATA) >= cfg_wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	bpf_ringbuf_submit(ev, flags);
}
