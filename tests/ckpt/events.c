// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint test: an event loop's fds. An eventfd (semaphore, count 5), a
 * signalfd for SIGUSR1 (blocked, one pending), a periodic timerfd (50 ms),
 * and an epoll set watching a pipe (with a byte in it) and the eventfd; fd
 * 9 is a dup of the epoll fd. After restore (SIGUSR2): the eventfd still
 * counts 5 in semaphore steps, the signalfd yields the pending SIGUSR1,
 * the timer ticks again, epoll reports both targets through either number.
 * Prints PASS events or FAIL events: why.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "ckpt_prog.h"


static int fail(const char *what)
{
	printf("FAIL events: %s\n", what);
	return 1;
}

int main(void)
{
	int p[2];
	sigset_t usr1;
	signal(SIGUSR2, on_usr2);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	int efd = eventfd(5, EFD_SEMAPHORE | EFD_NONBLOCK);
	int sfd = signalfd(-1, &usr1, SFD_NONBLOCK);
	int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	int ep = epoll_create1(0);
	struct itimerspec its = { { 0, 50000000 }, { 0, 50000000 } };
	struct epoll_event e1 = { .events = EPOLLIN, .data.u64 = 0x1111 };
	struct epoll_event e2 = { .events = EPOLLIN, .data.u64 = 0x2222 };
	if (efd < 0 || sfd < 0 || tfd < 0 || ep < 0 || pipe(p) < 0 || write(p[1], "x", 1) != 1 ||
	    timerfd_settime(tfd, 0, &its, NULL) < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &e1) < 0 ||
	    epoll_ctl(ep, EPOLL_CTL_ADD, efd, &e2) < 0 || dup2(ep, 9) != 9 || raise(SIGUSR1) < 0)
		return fail("setup");
	printf("ready\n");
	fflush(stdout);
	while (!got_usr2)
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	struct epoll_event out[4];
	int n = epoll_wait(9, out, 4, 1000);
	uint64_t seen = 0;
	for (int i = 0; i < n; i++)
		seen |= out[i].data.u64;
	if (n != 2 || seen != (0x1111 | 0x2222))
		return fail("epoll does not report the pipe and the eventfd");
	uint64_t v;
	for (int i = 0; i < 5; i++)
		if (read(efd, &v, 8) != 8 || v != 1)
			return fail("the eventfd lost its count or its semaphore mode");
	if (read(efd, &v, 8) != -1)
		return fail("the eventfd counts more than 5");
	struct signalfd_siginfo si;
	if (read(sfd, &si, sizeof(si)) != sizeof(si) || si.ssi_signo != SIGUSR1)
		return fail("the signalfd has no pending SIGUSR1");
	if (read(tfd, &v, 8) != 8 || v < 1)
		return fail("the timerfd does not tick");
	printf("PASS events\n");
	return 0;
}
