// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint test: children that ended and were not waited for (zombies).
 * One exits with 3, one is killed by SIGTERM; the parent waits for neither
 * until after the restore (SIGUSR2): then waitpid() must find each with
 * its status. Prints PASS zombie or FAIL zombie: why.
 */
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "ckpt_prog.h"

int main(void)
{
	signal(SIGUSR2, on_usr2);
	pid_t a = fork();
	if (a == 0)
		_exit(3);
	pid_t b = fork();
	if (b == 0)
		for (;;)
			pause();
	kill(b, SIGTERM);
	siginfo_t si;
	/* both ended (WNOWAIT: still zombies) before "ready" */
	if (waitid(P_PID, (id_t)a, &si, WEXITED | WNOWAIT) < 0 ||
	    waitid(P_PID, (id_t)b, &si, WEXITED | WNOWAIT) < 0) {
		say("FAIL zombie: setup\n");
		return 1;
	}
	say("ready\n");
	while (!got_usr2)
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	int sa, sb;
	if (waitpid(a, &sa, WNOHANG) != a || !WIFEXITED(sa) || WEXITSTATUS(sa) != 3) {
		say("FAIL zombie: the child that exited with 3\n");
		return 1;
	}
	if (waitpid(b, &sb, WNOHANG) != b || !WIFSIGNALED(sb) || WTERMSIG(sb) != SIGTERM) {
		say("FAIL zombie: the child killed by SIGTERM\n");
		return 1;
	}
	say("PASS zombie\n");
	return 0;
}
