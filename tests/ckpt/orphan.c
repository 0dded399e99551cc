// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint test: a daemon. The parent forks a child that forks a
 * grandchild and exits; the grandchild starts a session of its own and is
 * adopted by init (an orphan). After restore (SIGUSR2 to the parent): the
 * daemon still runs, its parent is init (1) and it still leads its own
 * session and group; the parent stops it with SIGTERM. Prints PASS orphan
 * or FAIL orphan: why.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ckpt_prog.h"

static void nap(void)
{
	nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
}

static int fail(const char *what)
{
	say("FAIL orphan: %s\n", what);
	return 1;
}

/* ppid, pgrp and session of pid from /proc/PID/stat. */
static int ids(pid_t pid, int *ppid, int *pgrp, int *sid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	char *p = f && fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	if (f)
		fclose(f);
	return p && sscanf(p + 2, "%*c %d %d %d", ppid, pgrp, sid) == 3 ? 0 : -1;
}

int main(void)
{
	int p[2];
	pid_t daemon_pid = 0;
	signal(SIGUSR2, on_usr2);
	if (pipe(p) < 0)
		return fail("pipe");
	pid_t child = fork();
	if (child == 0) {
		if (fork() == 0) {
			setsid();
			pid_t me = getpid();
			if (write(p[1], &me, sizeof(me)) != sizeof(me))
				_exit(1);
			for (;;)
				pause();
		}
		_exit(0);
	}
	if (waitpid(child, NULL, 0) != child || read(p[0], &daemon_pid, sizeof(daemon_pid)) !=
							sizeof(daemon_pid))
		return fail("setup");
	int ppid = 0, pgrp = 0, sid = 0;
	while (ids(daemon_pid, &ppid, &pgrp, &sid) == 0 && ppid != 1)
		nap(); /* until init has adopted it */
	say("ready\n");
	while (!got_usr2)
		nap();
	if (kill(daemon_pid, 0) < 0 || ids(daemon_pid, &ppid, &pgrp, &sid) < 0)
		return fail("the daemon is gone");
	if (ppid != 1 || sid != daemon_pid || pgrp != daemon_pid)
		return fail("the daemon's parent, session or group changed");
	kill(daemon_pid, SIGTERM);
	for (int i = 0; i < 5000 && kill(daemon_pid, 0) == 0; i++)
		nap();
	if (kill(daemon_pid, 0) == 0)
		return fail("the daemon does not end on SIGTERM");
	say("PASS orphan\n");
	return 0;
}
