/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Token bucket for event streams (gVisor rate-limits unimplemented-syscall
 * events at 100/s with a burst of 1000). Suppressed events are counted so
 * the loss can be reported as its own event.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct emu_ratelimit {
	double tokens;
	double rate;  /* tokens per second */
	double burst; /* bucket size */
	uint64_t last_ns;
	uint64_t suppressed; /* since the last take of the count */
};

void emu_ratelimit_init(struct emu_ratelimit *rl, double rate, double burst, uint64_t now_ns);
/* True if an event may be emitted now; false counts it as suppressed. */
bool emu_ratelimit_allow(struct emu_ratelimit *rl, uint64_t now_ns);
/* Return and reset the suppressed count. */
uint64_t emu_ratelimit_take_suppressed(struct emu_ratelimit *rl);
