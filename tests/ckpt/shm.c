// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint test: shared memory between two processes. The parent maps
 * 1 MiB of MAP_SHARED|MAP_ANONYMOUS memory with a pattern and a memfd
 * (written, mapped shared, its fd kept at offset 3), then forks a child that
 * waits for a word in the shared memory. After restore (SIGUSR2 to the
 * parent): the pattern, the memfd's bytes, offset and mapping are checked,
 * and the parent and child still share the memory (the parent writes a
 * word, the child answers in another). Prints PASS shm or FAIL shm: why.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ckpt_prog.h"

#define WORDS (1 << 18) /* 1 MiB of uint32_t */
#define ASK 0x55aa55aau
#define ANSWER 0x12345678u


static void nap(void) { nanosleep(&(struct timespec){ 0, 1000000 }, NULL); }

static int fail(const char *what)
{
	printf("FAIL shm: %s\n", what);
	return 1;
}

/* The child: answer the parent's question through the shared memory. */
static int child(volatile uint32_t *w)
{
	while (w[0] != ASK)
		nap();
	w[1] = ANSWER;
	return 0;
}

int main(void)
{
	signal(SIGUSR2, on_usr2);
	volatile uint32_t *w = mmap(NULL, WORDS * 4, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int mfd = memfd_create("ckpt-test", 0);
	if (w == MAP_FAILED || mfd < 0 || ftruncate(mfd, 4096) < 0 ||
	    write(mfd, "memfd-bytes", 11) != 11 ||
	    lseek(mfd, 3, SEEK_SET) != 3)
		return fail("setup");
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	if (m == MAP_FAILED)
		return fail("map the memfd");
	m[100] = 'Z';
	for (uint32_t i = 2; i < WORDS; i++)
		w[i] = i * 2654435761u;
	pid_t pid = fork();
	if (pid == 0)
		_exit(child(w));
	printf("ready\n");
	fflush(stdout);
	while (!got_usr2)
		nap();
	for (uint32_t i = 2; i < WORDS; i++)
		if (w[i] != i * 2654435761u)
			return fail("the shared pattern changed");
	char rest[16] = { 0 };
	if (lseek(mfd, 0, SEEK_CUR) != 3 || read(mfd, rest, 8) != 8 || strcmp(rest, "fd-bytes") != 0)
		return fail("the memfd's offset or bytes");
	if (m[100] != 'Z' || memcmp(m, "memfd-bytes", 11) != 0)
		return fail("the memfd's mapping");
	w[0] = ASK;
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return fail("the child did not end well");
	if (w[1] != ANSWER)
		return fail("the child's answer did not reach the parent (not shared)");
	printf("PASS shm\n");
	return 0;
}
