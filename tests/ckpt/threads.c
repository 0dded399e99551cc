// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint/restore test program: threads, a mutex, and their counters.
 *
 * Four threads each increment their own counter and a shared one under one
 * pthread mutex, with a 100 us sleep between rounds. On SIGUSR2 (handled by
 * the main thread: the workers block it) main checks that every thread is
 * still running (its counter grows over 100 ms), stops and joins them (5 s
 * at most each), then checks that shared == the sum of the own counters and
 * that each own counter grew since "ready". Prints "PASS threads" (exit 0) or
 * "FAIL threads: ..." (exit 1).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ckpt_prog.h"

#define NT 4

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long own[NT], shared;
static volatile int stop;

static void *worker(void *arg)
{
	int k = (int)(long)arg;
	struct timespec t = { 0, 100000 };

	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		pthread_mutex_lock(&lock);
		own[k]++;
		shared++;
		pthread_mutex_unlock(&lock);
		nanosleep(&t, NULL);
	}
	return NULL;
}

static void snapshot(unsigned long *out)
{
	pthread_mutex_lock(&lock);
	memcpy(out, own, sizeof(own));
	pthread_mutex_unlock(&lock);
}

int main(void)
{
	struct sigaction sa;
	struct timespec tick = { 0, 10000000 }, window = { 0, 100000000 }, dl;
	unsigned long at_ready[NT], at_usr2[NT], later[NT], sum = 0;
	pthread_t th[NT];
	sigset_t usr2;
	int err;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &usr2, NULL); /* inherited by the workers */
	for (long k = 0; k < NT; k++) {
		if ((err = pthread_create(&th[k], NULL, worker, (void *)k))) {
			say("FAIL threads: pthread_create: %s\n", strerror(err));
			return 1;
		}
	}
	pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
	nanosleep(&tick, NULL);
	snapshot(at_ready);
	say("ready\n");
	while (!got_usr2)
		nanosleep(&tick, NULL);
	snapshot(at_usr2);
	nanosleep(&window, NULL);
	snapshot(later);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (int k = 0; k < NT; k++) {
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_sec += 5;
		if ((err = pthread_timedjoin_np(th[k], NULL, &dl))) {
			say("FAIL threads: thread %d did not end: %s\n", k, strerror(err));
			return 1;
		}
	}
	for (int k = 0; k < NT; k++) {
		if (own[k] == 0 || own[k] <= at_ready[k]) {
			say("FAIL threads: thread %d counter %lu did not grow since ready (%lu)\n", k,
			    own[k], at_ready[k]);
			return 1;
		}
		if (later[k] <= at_usr2[k]) {
			say("FAIL threads: thread %d stopped counting (%lu 100 ms after SIGUSR2)\n", k,
			    later[k]);
			return 1;
		}
		sum += own[k];
	}
	if (sum != shared) {
		say("FAIL threads: shared counter %lu, sum of own counters %lu\n", shared, sum);
		return 1;
	}
	say("PASS threads\n");
	return 0;
}
