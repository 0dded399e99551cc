// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint test: a process blocked in read() on a pipe. The child reads
 * from an empty pipe (checkpointed inside the syscall); after restore
 * (SIGUSR2 to the parent) the parent writes, and the child's read, started
 * again, must return those bytes. Prints PASS piperead or FAIL piperead.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ckpt_prog.h"


int main(void)
{
	int p[2];
	signal(SIGUSR2, on_usr2);
	if (pipe(p) < 0)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		char buf[16] = { 0 };
		close(p[1]);
		ssize_t n = read(p[0], buf, sizeof(buf) - 1);
		_exit(n == 5 && strcmp(buf, "wake!") == 0 ? 0 : 1);
	}
	close(p[0]);
	printf("ready\n");
	fflush(stdout);
	while (!got_usr2)
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	int st;
	if (write(p[1], "wake!", 5) != 5 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0) {
		printf("FAIL piperead: the reader did not get the bytes\n");
		return 1;
	}
	printf("PASS piperead\n");
	return 0;
}
