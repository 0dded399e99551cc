// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint/restore test program: a counter that keeps counting.
 *
 * A loop increments `counter` (a global, in .data) and `iterations` (a local,
 * on the stack) once per 1 ms nanosleep; at "ready" it records the counter in
 * a third variable. On SIGUSR2 it checks that the counter moved on since
 * "ready" and that the two copies agree: a restore that lost or mixed up
 * either the data segment or the stack shows. Prints "PASS counter" (exit 0)
 * or "FAIL counter: ..." (exit 1).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ckpt_prog.h"

volatile unsigned long counter = 1000; /* in .data, not .bss */

int main(void)
{
	struct sigaction sa;
	struct timespec ms = { 0, 1000000 };
	volatile unsigned long iterations = 0, at_ready;
	unsigned long c, it;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR2, &sa, NULL) < 0) {
		perror("sigaction");
		return 1;
	}
	for (int i = 0; i < 10; i++) {
		counter++;
		iterations++;
		nanosleep(&ms, NULL);
	}
	at_ready = counter;
	say("ready\n");
	while (!got_usr2) {
		counter++;
		iterations++;
		nanosleep(&ms, NULL);
	}
	c = counter;
	it = iterations;
	if (c <= at_ready) {
		say("FAIL counter: counter %lu did not advance since ready (%lu)\n", c, at_ready);
		return 1;
	}
	if (c != it + 1000) {
		say("FAIL counter: counter %lu and iterations %lu+1000 disagree\n", c, it);
		return 1;
	}
	say("PASS counter\n");
	return 0;
}
