/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The event exporter of one container: counts every event its producers
 * (kernel-emu, the BPF trace consumer, the supervisor) hand in, applies the
 * policy's `events` setting, numbers the events some sink takes (one
 * sequence space), encodes each as one JSON line once, and fans it out to
 * the `--events` sink (stdout or a rotated file) and to the followers of
 * `hybox events` (one bounded queue each; a full queue drops and counts, and
 * the follower gets a `lost` line of source "client" before its next event).
 * Thread-safe; never blocks on a follower.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "abi/events.h"
#include "error.h"

/* Longest JSON line (an exec event with every field escaped stays far below). */
#define HY_TELEMETRY_LINE_MAX 8192
/* Per follower: queued lines it has not taken yet, and the part kept for `lost`. */
#define HY_TELEMETRY_QUEUE_BYTES (256u * 1024)
#define HY_TELEMETRY_QUEUE_RESERVE 1024u

struct hy_telemetry;
struct hy_follower;

struct hy_telemetry_config {
	const char *container_id;
	uint64_t cgid;        /* the container's cgroup id (for events made here) */
	const char *sink;     /* --events: NULL none, "-" stdout, else a file */
	uint64_t max_size;    /* --events-max-size (file only), 0: no rotation */
	unsigned keep;        /* --events-keep */
	uint32_t sink_kinds;  /* --events-filter (HY_EVMASK_*); 0 means all */
	uint32_t kinds;       /* container-wide: hy_evmask_of_policy(policy events) */
};

int hy_telemetry_open(struct hy_telemetry **ret, const struct hy_telemetry_config *cfg,
		      struct hy_err *err);
/* emu_emit_fn-compatible: ctx is the struct hy_telemetry. */
void hy_telemetry_emit(void *ctx, const struct hy_evt_hdr *ev);
/*
 * Around a batch of emits (the BPF ring's consumer, per wake-up): the file
 * sink is written once, at the end, instead of once per event. Nests; every
 * begin needs its end. Followers are fed per event as always.
 */
void hy_telemetry_batch(struct hy_telemetry *t, bool begin);
/*
 * For the hot path (kernel-emu's emulated calls): an event nobody takes in
 * full, handed in only to be counted. hy_telemetry_active() says which of
 * the two to use; it is one atomic load.
 */
void hy_telemetry_count(void *ctx, const struct hy_evt_hdr *ev);
/* Does any sink take syscall_emulated events now? */
bool hy_telemetry_active(void *ctx);
/* Kinds the container lets out (policy), and those the --events sink takes (0: no sink). */
uint32_t hy_telemetry_kinds(const struct hy_telemetry *t);
uint32_t hy_telemetry_sink_kinds(const struct hy_telemetry *t);

/*
 * Followers (events.sock). follow() registers a queue for the kinds asked
 * (narrowed to what the container lets out: *ret_kinds) and returns it;
 * wake_fd (an eventfd, set once with set_wake) is written when a queue goes
 * from empty to non-empty and no wake-up is pending; woken() re-arms it.
 */
void hy_telemetry_set_wake(struct hy_telemetry *t, int wake_fd);
void hy_telemetry_woken(struct hy_telemetry *t);
struct hy_follower *hy_telemetry_follow(struct hy_telemetry *t, uint32_t kinds, pid_t pid,
					uid_t uid, uint32_t *ret_kinds);
/* Move the follower's next line to buf (cap >= HY_TELEMETRY_LINE_MAX). Returns its
 * length, or 0 when there is none. */
int hy_telemetry_take(struct hy_telemetry *t, struct hy_follower *f, char *buf, size_t cap);
/*
 * The end of a follower's stream: with abandon, what is still queued (plus
 * `unsent` lines the caller took but could not deliver) is dropped and
 * counted; then any drop not yet reported becomes a final `lost` line (it
 * always fits: the queue keeps room for it).
 */
void hy_telemetry_finish(struct hy_telemetry *t, struct hy_follower *f, bool abandon,
			 unsigned unsent);
void hy_telemetry_unfollow(struct hy_telemetry *t, struct hy_follower *f);

/* Counters of the exporter and its sinks as a JSON object (docs/events.md, `hybox stats`). */
json_t *hy_telemetry_stats(struct hy_telemetry *t);

/* Flush and close; returns 0 or the first write error (-errno). NULL-safe. */
int hy_telemetry_close(struct hy_telemetry *t);
