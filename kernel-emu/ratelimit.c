// SPDX-License-Identifier: GPL-2.0-only
/*
 * Token bucket for event streams. Pure logic on caller-supplied timestamps
 * (CLOCK_MONOTONIC ns); no locking here (the caller holds k->lock).
 */
#include "ratelimit.h"

void emu_ratelimit_init(struct emu_ratelimit *rl, double rate, double burst, uint64_t now_ns)
{
	rl->rate = rate;
	rl->burst = burst;
	rl->tokens = burst; /* start full: a quiet stream may burst at once */
	rl->last_ns = now_ns;
	rl->suppressed = 0;
}

static void refill(struct emu_ratelimit *rl, uint64_t now_ns)
{
	/* A clock that goes backwards (restored checkpoint) refills nothing. */
	if (now_ns <= rl->last_ns)
		return;
	rl->tokens += rl->rate * ((double)(now_ns - rl->last_ns) / 1e9);
	if (rl->tokens > rl->burst)
		rl->tokens = rl->burst;
	rl->last_ns = now_ns;
}

bool emu_ratelimit_allow(struct emu_ratelimit *rl, uint64_t now_ns)
{
	refill(rl, now_ns);
	if (rl->tokens >= 1.0) {
		rl->tokens -= 1.0;
		return true;
	}
	rl->suppressed++;
	return false;
}

uint64_t emu_ratelimit_take_suppressed(struct emu_ratelimit *rl)
{
	uint64_t n = rl->suppressed;
	rl->suppressed = 0;
	return n;
}
