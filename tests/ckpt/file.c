// SPDX-License-Identifier: GPL-2.0-only
/*
 * Checkpoint/restore test program: an open file keeps its offset.
 *
 * argv[1] is an existing file holding "0123456789" (the container's root is
 * read-only, so the file is only read). It is opened O_RDONLY and 4 bytes
 * are read ("0123") before "ready"; then a sleeping loop. On SIGUSR2 the same
 * descriptor must still be open read-only on the same file (device, inode),
 * a plain read(2) must return the next 4 bytes ("4567": the offset carried
 * over) and the offset must then be 8. Prints "PASS file" (exit 0) or
 * "FAIL file: ..." (exit 1).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ckpt_prog.h"


int main(int argc, char **argv)
{
	struct sigaction sa;
	struct timespec tick = { 0, 10000000 };
	struct stat before, after;
	char buf[8];
	ssize_t n;
	off_t off;
	int fd, fl;

	if (argc != 2) {
		say("FAIL file: usage: file PATH (a file holding 0123456789)\n");
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr2;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &before) < 0) {
		say("FAIL file: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	n = read(fd, buf, 4);
	if (n != 4 || memcmp(buf, "0123", 4) != 0) {
		say("FAIL file: %s: first read gave %zd bytes, want \"0123\"\n", argv[1], n);
		return 1;
	}
	say("ready\n");
	while (!got_usr2)
		nanosleep(&tick, NULL);
	if (fstat(fd, &after) < 0 || (fl = fcntl(fd, F_GETFL)) < 0) {
		say("FAIL file: fd %d is no longer open: %s\n", fd, strerror(errno));
		return 1;
	}
	if (after.st_dev != before.st_dev || after.st_ino != before.st_ino) {
		say("FAIL file: fd %d is another file (dev %#lx ino %lu, was %#lx ino %lu)\n", fd,
		    (unsigned long)after.st_dev, (unsigned long)after.st_ino,
		    (unsigned long)before.st_dev, (unsigned long)before.st_ino);
		return 1;
	}
	if ((fl & O_ACCMODE) != O_RDONLY || !(fcntl(fd, F_GETFD) & FD_CLOEXEC)) {
		say("FAIL file: fd %d flags changed (status %#x, fd flags %#x)\n", fd, fl,
		    fcntl(fd, F_GETFD));
		return 1;
	}
	memset(buf, 0, sizeof(buf));
	n = read(fd, buf, 4);
	if (n != 4 || memcmp(buf, "4567", 4) != 0) {
		say("FAIL file: second read gave %zd bytes \"%.*s\", want \"4567\"\n", n,
		    n > 0 ? (int)n : 0, buf);
		return 1;
	}
	if ((off = lseek(fd, 0, SEEK_CUR)) != 8) {
		say("FAIL file: offset %lld after the second read, want 8\n", (long long)off);
		return 1;
	}
	say("PASS file\n");
	return 0;
}
