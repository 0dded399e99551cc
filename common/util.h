/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by user/ and kernel-emu/: cleanup attributes, ownership
 * transfer, allocation that aborts only on OOM, and whole-file I/O.
 * Must not include any domain header (user/ or kernel-emu/).
 */
#pragma once
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

static inline void freep(void *p)
{
	free(*(void **)p);
}

/* Close *fd if open and mark it closed (-1), so a second call is harmless.
 * Never retried on EINTR: Linux releases the descriptor anyway. */
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
		*fd = -1;
	}
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)

/* Hand ownership out of a cleanup-managed variable. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p = (p);                                                            \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd = (fd);                                                                    \
		(fd) = -1;                                                                         \
		_fd;                                                                               \
	})

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t n);
char *xstrdup(const char *s);

/* Read a whole (small) file into a NUL-terminated buffer. Returns length or -errno. */
ssize_t read_file_at(int dirfd, const char *path, char **ret_buf);
/* Read a file holding one unsigned number (or "max" -> UINT64_MAX). */
int read_u64_at(int dirfd, const char *path, unsigned long long *ret);
/* Write a string to an existing file (sysfs/cgroupfs/procfs style). Returns 0 or -errno. */
int write_file_at(int dirfd, const char *path, const char *s);
/* mkdir -p: every missing directory of path, each created with mode; an
 * existing directory is fine, anything else there fails. Returns 0 or -errno. */
int mkdir_all(const char *path, mode_t mode);
/* write() all of buf, retrying on short writes and EINTR. Returns 0 or -errno. */
int write_all(int fd, const void *buf, size_t len);

/*
 * pthread_create() with every signal blocked in the new thread. The
 * supervisor takes SIGCHLD and forwarded signals through a signalfd, which
 * only works while no thread leaves them unblocked: a signal delivered to a
 * helper thread would be lost or kill the supervisor. 0 or -errno.
 */
int hy_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);
/* read() exactly len bytes; returns bytes read (< len only at EOF) or -errno. */
ssize_t read_full(int fd, void *buf, size_t len);
/* One message of len bytes with nfds (at most 8) fds attached (SCM_RIGHTS).
 * Returns sendmsg()'s result: bytes sent or -1 with errno. */
ssize_t send_fds(int sock, const void *buf, size_t len, const int *fds, size_t nfds, int flags);

/* Monotonic / realtime clocks in nanoseconds. */
unsigned long long now_mono_ns(void);
unsigned long long now_real_ns(void);

/* Copy with truncation; always NUL-terminates (dst_size > 0). Returns strlen(src). */
size_t strscpy(char *dst, const char *src, size_t dst_size);

/*
 * fork(2) for a process that is a raw clone of a multithreaded one (the
 * container's init, cloned from the supervisor): glibc's fork() first takes
 * its malloc and stdio locks, and a lock another supervisor thread held at
 * the moment of the clone stays locked in the copy for ever, so fork() would
 * wait for ever (seen: a create hung in init's fork). This one runs none of
 * glibc's fork handlers; the child keeps to raw syscalls, as init does.
 */
static inline pid_t hy_raw_fork(void)
{
	return (pid_t)syscall(SYS_clone, SIGCHLD, 0, NULL, NULL, 0);
}
