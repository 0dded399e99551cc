// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint test: unix socket pairs with bytes in flight. Parent and child
 * share a SOCK_STREAM pair, each end with bytes queued that the other sent
 * and nobody has read yet; a second pair's far end is closed after sending
 * "bye". After restore (SIGUSR2 to the parent): each side reads what was
 * queued for it, they talk once more through the pair, and the lone end
 * reads "bye" then end-of-file. Prints PASS sockpair or FAIL sockpair: why.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ckpt_prog.h"


static int fail(const char *what)
{
	printf("FAIL sockpair: %s\n", what);
	return 1;
}

/* Read exactly want's length and compare. */
static int expect(int fd, const char *want)
{
	char buf[64] = { 0 };
	size_t n = strlen(want), got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0)
			return -1;
		got += (size_t)r;
	}
	return memcmp(buf, want, n) == 0 ? 0 : -1;
}

static int child(int s)
{
	if (expect(s, "to-child") < 0 || expect(s, "go") < 0)
		return 1;
	return write(s, "ok", 2) == 2 ? 0 : 1;
}

int main(void)
{
	int sv[2], lone[2];
	signal(SIGUSR2, on_usr2);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, lone) < 0 ||
	    write(sv[0], "to-child", 8) != 8 || write(sv[1], "to-parent", 9) != 9 ||
	    write(lone[1], "bye", 3) != 3 || close(lone[1]) < 0)
		return fail("setup");
	pid_t pid = fork();
	if (pid == 0) {
		close(sv[0]);
		_exit(child(sv[1]));
	}
	close(sv[1]);
	printf("ready\n");
	fflush(stdout);
	while (!got_usr2)
		nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
	if (expect(sv[0], "to-parent") < 0)
		return fail("the bytes queued for the parent");
	if (write(sv[0], "go", 2) != 2 || expect(sv[0], "ok") < 0)
		return fail("the pair does not carry a new exchange");
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return fail("the child did not get its bytes");
	char c;
	if (expect(lone[0], "bye") < 0 || read(lone[0], &c, 1) != 0)
		return fail("the lone end's bytes or its end-of-file");
	printf("PASS sockpair\n");
	return 0;
}
