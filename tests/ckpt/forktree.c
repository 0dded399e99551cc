// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint/restore test program: a tree of three processes.
 *
 * The parent forks a child, which forks a grandchild; each counts in a 1 ms
 * loop. Readiness goes up by SIGUSR1 (grandchild to child, child to parent;
 * no pipes), then the parent prints "ready". SIGUSR2 to the parent is passed
 * down the same way; each process checks that its counter moved on since it
 * was ready and that getpid() and getppid() are the pids recorded before,
 * then waits (10 s at most) for its own child. A process exits 0 only if its
 * check and its child passed. Only the parent prints "PASS forktree" or
 * "FAIL forktree: ..."; the others print only their FAIL lines.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ckpt_prog.h"

static volatile sig_atomic_t got_usr1;
static const char *const role[] = { "parent", "child", "grandchild" };
static const struct timespec ms = { 0, 1000000 };

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1 = 1;
	else
		got_usr2 = 1;
}

/* Process `level` of the tree: me and parent are the pids recorded at its start. */
static int run(int level, pid_t me, pid_t parent)
{
	volatile unsigned long counter = 0, at_ready;
	pid_t kid = 0, got;
	int status = 0, ok = 1, kid_ok = 1;

	if (level < 2 && (kid = fork()) < 0) {
		say("FAIL forktree: %s: fork: %s\n", role[level], strerror(errno));
		return 1;
	}
	if (kid == 0 && level < 2)
		return run(level + 1, getpid(), me);
	while (kid && !got_usr1 && counter < 10000) { /* until the subtree is ready */
		counter++;
		nanosleep(&ms, NULL);
	}
	if (kid && !got_usr1) {
		say("FAIL forktree: %s: the %s never said it was ready\n", role[level], role[level + 1]);
		kill(kid, SIGKILL);
		return 1;
	}
	at_ready = counter;
	if (level > 0)
		kill(parent, SIGUSR1);
	else
		say("ready\n");
	while (!got_usr2) {
		counter++;
		nanosleep(&ms, NULL);
	}
	if (kid)
		kill(kid, SIGUSR2);
	if (counter <= at_ready) {
		say("FAIL forktree: %s: counter %lu did not advance since ready\n", role[level], counter);
		ok = 0;
	}
	if (getpid() != me || getppid() != parent) {
		say("FAIL forktree: %s: pid %d ppid %d, were %d and %d\n", role[level], (int)getpid(),
		    (int)getppid(), (int)me, (int)parent);
		ok = 0;
	}
	if (kid) {
		for (int i = 0; (got = waitpid(kid, &status, WNOHANG)) == 0 && i < 10000; i++)
			nanosleep(&ms, NULL);
		if (got != kid) {
			kill(kid, SIGKILL);
			waitpid(kid, &status, 0);
			say("FAIL forktree: %s: the %s did not exit\n", role[level], role[level + 1]);
			kid_ok = 0;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			say("FAIL forktree: %s: the %s ended with status %#x\n", role[level],
			    role[level + 1], status);
			kid_ok = 0;
		}
	}
	if (level == 0 && ok && kid_ok)
		say("PASS forktree\n");
	return ok && kid_ok ? 0 : 1;
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	return run(0, getpid(), getppid());
}
