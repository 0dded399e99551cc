// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint/restore test program: a task asleep in one long nanosleep.
 *
 * After "ready" the main flow makes one nanosleep(3600 s) call; the SIGUSR2
 * handler is installed without SA_RESTART. A checkpoint and restore must
 * leave the call sleeping (no early return, no EINTR of its own); SIGUSR2
 * must then interrupt it: -1 with EINTR, the flag set, and a remaining time
 * that is sane (more than 0, less than 3600 s). Prints "PASS sleeper" (exit
 * 0) or "FAIL sleeper: ..." (exit 1).
 *
 * A SIGUSR2 arriving between "ready" and the call itself would leave it
 * asleep for the hour: the test sends the signal long after "ready".
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ckpt_prog.h"


int main(void)
{
	struct sigaction sa;
	struct timespec hour = { 3600, 0 }, rem = { -1, -1 };
	int r, e;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2; /* sa_flags 0: no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	say("ready\n");
	r = nanosleep(&hour, &rem);
	e = errno;
	if (r != -1 || e != EINTR) {
		say("FAIL sleeper: nanosleep returned %d (%s), want -1 EINTR\n", r,
		    r ? strerror(e) : "slept the whole hour?");
		return 1;
	}
	if (!got_usr2) {
		say("FAIL sleeper: nanosleep was interrupted (EINTR) without SIGUSR2\n");
		return 1;
	}
	if (rem.tv_nsec < 0 || rem.tv_nsec >= 1000000000L || rem.tv_sec < 0 ||
	    rem.tv_sec >= 3600 || (rem.tv_sec == 0 && rem.tv_nsec == 0)) {
		say("FAIL sleeper: remaining time %lld.%09ld s, want within (0, 3600)\n",
		    (long long)rem.tv_sec, rem.tv_nsec);
		return 1;
	}
	say("PASS sleeper\n");
	return 0;
}
