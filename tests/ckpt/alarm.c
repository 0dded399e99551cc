// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint test: an interval timer (setitimer ITIMER_REAL, 20 ms) whose
 * SIGALRM handler counts. After restore (SIGUSR2): the timer still fires,
 * into the same handler, at its period (at least 5 more ticks in 300 ms).
 * Prints PASS alarm or FAIL alarm: why.
 */
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include "ckpt_prog.h"

static volatile sig_atomic_t ticks;

static void on_alarm(int sig)
{
	(void)sig;
	ticks++;
}

/* Sleep ms milliseconds, across the SIGALRMs that break the sleep. */
static void sleep_ms(long ms)
{
	struct timespec left = { ms / 1000, (ms % 1000) * 1000000 };
	while (nanosleep(&left, &left) < 0)
		;
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { { 0, 20000 }, { 0, 20000 } };
	signal(SIGUSR2, on_usr2);
	if (sigaction(SIGALRM, &sa, NULL) < 0 || setitimer(ITIMER_REAL, &it, NULL) < 0) {
		say("FAIL alarm: setup\n");
		return 1;
	}
	say("ready\n");
	while (!got_usr2)
		sleep_ms(1);
	sig_atomic_t before = ticks;
	sleep_ms(300);
	if (ticks - before < 5) {
		say("FAIL alarm: %d ticks in 300 ms after the restore\n", (int)(ticks - before));
		return 1;
	}
	say("PASS alarm\n");
	return 0;
}
