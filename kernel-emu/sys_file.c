// SPDX-License-Identifier: GPL-2.0-only
/*
 * open, openat, openat2, creat on the emulated road (files area): resolve in
 * the container (fsres.h), check the files rules on what was resolved, open
 * it with the task's credentials and install the fd in the task with
 * NOTIF_ADDFD, so the task gets exactly the object that was checked.
 *
 * An existing object is resolved to an O_PATH fd first and reopened through
 * /proc/thread-self/fd with the task's flags: its O_TRUNC and access mode
 * apply only after the check. A new file is created by O_CREAT|O_EXCL|
 * O_NOFOLLOW in the resolved parent, so a racing symlink or file makes the
 * create fail (and the whole open is retried) instead of redirecting it; a
 * dangling symlink found there is followed by starting over on its text.
 */
#include <errno.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "abi/policy.h"
#include "cred.h"
#include "fsres.h"
#include "sys.h"
#include "task.h"
#include "util.h"

#ifndef OPEN_HOW_SIZE_VER0
#define OPEN_HOW_SIZE_VER0 24
#endif
/* glibc's O_TMPFILE includes O_DIRECTORY: test for the whole value. */
#define IS_TMPFILE(f) (((f) & O_TMPFILE) == O_TMPFILE)

struct open_req {
	int dirfd;
	char path[PATH_MAX];
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve; /* openat2 only */
	bool from_register; /* flags came in a register, not from task memory */
};

/* r/w bits an open of an existing object needs. */
static uint32_t open_need(uint64_t flags)
{
	uint32_t need = 0;
	switch (flags & O_ACCMODE) {
	case O_RDONLY: need = HY_ACC_R; break;
	case O_WRONLY: need = HY_ACC_W; break;
	default: need = HY_ACC_R | HY_ACC_W; break;
	}
	if (flags & O_TRUNC)
		need |= HY_ACC_W;
	return need;
}

/* Flags for reopening a checked O_PATH fd: the task's, minus what resolution did. */
static int reopen_flags(uint64_t flags)
{
	return (int)(flags & ~(uint64_t)(O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC)) | O_CLOEXEC;
}

static int reopen_at(int proc_fd, int opath, uint64_t flags)
{
	char link[48];
	snprintf(link, sizeof(link), "thread-self/fd/%d", opath);
	int fd = openat(proc_fd, link, reopen_flags(flags));
	return fd < 0 ? -errno : fd;
}

/* A FIFO open blocks until the other end opens: it runs in a thread of its
 * own (with this thread's credentials and fs, inherited at creation), which
 * answers the notification itself. It owns dups of what it needs, so it may
 * outlive the notify loop. */
struct fifo_open {
	int proc_fd, listener, opath;
	uint64_t flags, id;
};

static void *fifo_open_thread(void *arg)
{
	struct fifo_open *f = arg;
	struct emu_kernel kk = { .listener = f->listener };
	struct emu_call cc = { .id = f->id };
	int fd = reopen_at(f->proc_fd, f->opath, f->flags);
	long r = fd < 0 ? fd : emu_fs_install(&kk, &cc, fd, f->flags & O_CLOEXEC);
	if (r != EMU_RET_ADDFD) {
		struct seccomp_notif_resp resp = { .id = f->id, .error = (int32_t)r };
		ioctl(f->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
	close(f->proc_fd);
	close(f->listener);
	close(f->opath);
	free(f);
	return NULL;
}

static long open_fifo_async(struct emu_kernel *k, struct emu_call *c, int opath, uint64_t flags)
{
	struct fifo_open *f = xcalloc(1, sizeof(*f));
	pthread_attr_t attr;
	pthread_t t;
	*f = (struct fifo_open){ .proc_fd = fcntl(k->proc_fd, F_DUPFD_CLOEXEC, 0),
				 .listener = fcntl(emu_listener(k, c), F_DUPFD_CLOEXEC, 0),
				 .opath = fcntl(opath, F_DUPFD_CLOEXEC, 0),
				 .flags = flags, .id = c->id };
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	int r = f->proc_fd < 0 || f->listener < 0 || f->opath < 0 ? -EMFILE :
		-pthread_create(&t, &attr, fifo_open_thread, f);
	pthread_attr_destroy(&attr);
	if (r == 0)
		return EMU_RET_ASYNC;
	close(f->proc_fd);
	close(f->listener);
	close(f->opath);
	free(f);
	return r == -EAGAIN ? -EAGAIN : r;
}

/* Check and open an object that exists: fd, or EMU_RET_ASYNC, or -errno. */
static long open_existing(struct emu_kernel *k, struct emu_call *c, int opath, uint64_t flags)
{
	char path[PATH_MAX];
	struct stat st;
	int r = emu_fs_fd_path(k, opath, path);
	if (r < 0)
		return r;
	r = emu_fs_check(k, c, HY_OP_OPEN, open_need(flags), path, NULL);
	if (r < 0)
		return r;
	if (!(flags & O_NONBLOCK) && fstat(opath, &st) == 0 && S_ISFIFO(st.st_mode))
		return open_fifo_async(k, c, opath, flags);
	return reopen_at(k->proc_fd, opath, flags);
}

/* Access mode the task's fd was opened with (HY_ACC_R/W), from fdinfo. */
static uint32_t stream_access(struct emu_kernel *k, struct emu_call *c, int fd)
{
	char rel[32], buf[256];
	snprintf(rel, sizeof(rel), "fdinfo/%d", fd);
	_cleanup_close_ int info = emu_task_open(k, c, rel, O_RDONLY);
	ssize_t n = info < 0 ? -1 : read(info, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	const char *f = strstr(buf, "flags:");
	unsigned long flags = f ? strtoul(f + 6, NULL, 8) : O_PATH;
	return flags & O_PATH ? 0 : open_need(flags & O_ACCMODE); /* O_PATH: no data access */
}

/*
 * "/dev/stdout", "/proc/self/fd/N"...: the task reopens one of its own fds,
 * as the kernel's magic link would let it. Asking for no more than the fd
 * already allows gains nothing and needs no rule (the fd may be a pipe, a
 * socket or the caller's terminal, which have no path in the container);
 * more access is checked on the path like any open.
 */
static long open_stream(struct emu_kernel *k, struct emu_call *c, int stream, uint64_t flags)
{
	char rel[32];
	snprintf(rel, sizeof(rel), "fd/%d", stream);
	_cleanup_close_ int opath = emu_task_open(k, c, rel, O_PATH);
	if (opath < 0)
		return opath == -ENOENT ? -ENOENT : opath;
	struct stat st;
	if (fstat(opath, &st) < 0)
		return -errno;
	/* O_TRUNC of a regular file the task holds for writing is no more than
	 * the ftruncate it could do (a shell's "> /dev/stdout" sets O_TRUNC). */
	uint32_t need = open_need(flags & ~(uint64_t)O_TRUNC);
	if ((flags & O_TRUNC) && S_ISREG(st.st_mode))
		need |= HY_ACC_W;
	if (need & ~stream_access(k, c, stream))
		return open_existing(k, c, opath, flags);
	return reopen_at(k->proc_fd, opath, flags);
}

/*
 * The entry O_CREAT lost to is a symlink: a dangling one, since the lookup
 * found nothing. open(2) creates its target, so the open starts over on the
 * link's text, taken as the container sees it (relative to the link's
 * directory). fs.protected_symlinks is honoured as the kernel would: in a
 * sticky world-writable directory only links owned by the caller or by the
 * directory's owner are followed. 0 with next set, or -errno.
 */
static int dangling_target(struct emu_kernel *k, uid_t fsuid, int pfd, const char *last,
			   const char *entry, char next[PATH_MAX])
{
	struct stat dir, lnk;
	char target[PATH_MAX];
	if (fstatat(pfd, last, &lnk, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(lnk.st_mode))
		return -EEXIST;
	if (fstat(pfd, &dir) < 0)
		return -errno;
	if ((dir.st_mode & (S_ISVTX | S_IWOTH)) == (S_ISVTX | S_IWOTH) &&
	    lnk.st_uid != fsuid && lnk.st_uid != dir.st_uid)
		return -EACCES;
	ssize_t n = readlinkat(pfd, last, target, sizeof(target));
	if (n < 0)
		return -errno;
	if (n == 0 || (size_t)n >= sizeof(target))
		return n ? -ENAMETOOLONG : -ENOENT;
	target[n] = 0;
	if (target[0] == '/')
		return snprintf(next, PATH_MAX, "%s", target) < PATH_MAX ? 0 : -ENAMETOOLONG;
	size_t dirlen = (size_t)(strrchr(entry, '/') - entry);
	return snprintf(next, PATH_MAX, "%.*s/%s", (int)dirlen, entry, target) < PATH_MAX ?
		       0 :
		       -ENAMETOOLONG;
}

/*
 * O_CREAT of an entry that did not exist: c on it, plus what the open needs.
 * New fd or -errno; -EEXIST with next set: follow a dangling symlink there.
 */
static long open_create(struct emu_kernel *k, struct emu_call *c, const struct open_req *o,
			char next[PATH_MAX])
{
	char entry[PATH_MAX];
	const char *last;
	_cleanup_close_ int pfd = emu_fs_parent(k, c, o->dirfd, o->path, o->resolve, entry, &last);
	if (pfd < 0)
		return pfd;
	if (!last || o->path[strlen(o->path) - 1] == '/')
		return -EISDIR;
	int r = emu_fs_check(k, c, HY_OP_CREATE, HY_ACC_C | open_need(o->flags), entry, NULL);
	if (r < 0)
		return r;
	int flags = reopen_flags(o->flags) | O_CREAT | O_EXCL | O_NOFOLLOW;
	int fd = openat(pfd, last, flags, (mode_t)o->mode);
	if (fd >= 0)
		return fd;
	if (errno != EEXIST || (o->flags & (O_EXCL | O_NOFOLLOW)) || o->resolve)
		return -errno;
	r = dangling_target(k, c->cred->cur.fsuid, pfd, last, entry, next);
	return r < 0 ? r : -EEXIST;
}

/* Symlinks followed by one open, as the kernel's MAXSYMLINKS. */
#define OPEN_MAX_LINKS 40

/* The open itself: the new fd in kernel-emu, EMU_RET_ASYNC or -errno. */
static long do_open(struct emu_kernel *k, struct emu_call *c, struct open_req *o)
{
	bool scoped = o->resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT);
	bool follow = !(o->flags & O_NOFOLLOW) && !((o->flags & O_CREAT) && (o->flags & O_EXCL));
	int stream = emu_fs_task_stream(o->path);
	if (stream >= 0 && (o->resolve & (RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS)))
		return -ELOOP; /* what the kernel answers: these are magic links */
	if (stream >= 0 && !(o->resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT)))
		return open_stream(k, c, stream, o->flags);
	if (IS_TMPFILE(o->flags))
		return -EOPNOTSUPP; /* an unnamed file in a directory: not emulated yet */
	/* A create that lost a race with a new entry starts over (three times);
	 * one that met a dangling symlink starts over on its target. */
	for (int round = 0, links = 0; round < 3;) {
		_cleanup_close_ int base = emu_fs_base(k, c, o->dirfd, o->path, scoped);
		if (base < 0)
			return base;
		_cleanup_close_ int opath = emu_fs_resolve(base, o->path, follow, o->resolve);
		if (opath >= 0) {
			if ((o->flags & O_CREAT) && (o->flags & O_EXCL))
				return -EEXIST;
			return open_existing(k, c, opath, o->flags);
		}
		if (opath != -ENOENT || !(o->flags & O_CREAT))
			return opath;
		char next[PATH_MAX] = "";
		long fd = open_create(k, c, o, next);
		if (fd == -EEXIST && next[0]) {
			if (++links > OPEN_MAX_LINKS)
				return -ELOOP;
			memcpy(o->path, next, sizeof(next));
			o->dirfd = AT_FDCWD; /* next is absolute */
			continue;
		}
		if (fd != -EEXIST || (o->flags & O_EXCL))
			return fd;
		round++;
	}
	return -EEXIST;
}

/*
 * O_PATH opens no data (the LSM hooks do not see them either) and ADDFD
 * cannot install an O_PATH file: the task's own call goes on. Only where the
 * flags are a register (open, openat); openat2's are in memory, where the
 * task could drop O_PATH after the check.
 */
static long open_common(struct emu_kernel *k, struct emu_call *c, struct open_req *o,
			uint64_t path_addr)
{
	if (o->flags & O_PATH)
		return o->from_register ? EMU_RET_CONTINUE : -EOPNOTSUPP;
	int r = emu_fs_copy_path(c, path_addr, o->path);
	if (r < 0)
		return r;
	if (!o->path[0])
		return -ENOENT;
	r = emu_cred_adopt(c->cred, k, c);
	if (r < 0)
		return r;
	/* After the stream check in do_open: /proc/self/fd/N stays a stream. */
	if (emu_fs_task_stream(o->path) < 0 &&
	    (r = emu_fs_rewrite_self(o->path, c->cred->cur.nstgid, c->cred->cur.nspid)) < 0)
		return r;
	long fd = do_open(k, c, o);
	if (fd < 0 || fd == EMU_RET_ASYNC)
		return fd;
	return emu_fs_install(k, c, (int)fd, o->flags & O_CLOEXEC);
}

long emu_sys_open(struct emu_kernel *k, struct emu_call *c)
{
	struct open_req o = { .dirfd = AT_FDCWD, .flags = (uint32_t)c->args[1],
			      .mode = (uint32_t)c->args[2], .from_register = true };
	return open_common(k, c, &o, c->args[0]);
}

long emu_sys_openat(struct emu_kernel *k, struct emu_call *c)
{
	struct open_req o = { .dirfd = (int)c->args[0], .flags = (uint32_t)c->args[2],
			      .mode = (uint32_t)c->args[3], .from_register = true };
	return open_common(k, c, &o, c->args[1]);
}

long emu_sys_creat(struct emu_kernel *k, struct emu_call *c)
{
	struct open_req o = { .dirfd = AT_FDCWD, .flags = O_CREAT | O_WRONLY | O_TRUNC,
			      .mode = (uint32_t)c->args[1] };
	return open_common(k, c, &o, c->args[0]);
}

/* openat2(dirfd, path, how, size): struct open_how is copied once, with the
 * kernel's extensible-struct rules (bigger: the rest must be zero). */
long emu_sys_openat2(struct emu_kernel *k, struct emu_call *c)
{
	struct open_how how = { 0 };
	unsigned char tail[64];
	uint64_t size = c->args[3];
	if (size < OPEN_HOW_SIZE_VER0)
		return -EINVAL;
	if (size > sizeof(how) + sizeof(tail))
		return -E2BIG;
	if (emu_call_read(c, c->args[2], &how, MIN(size, sizeof(how))) < 0)
		return -EFAULT;
	if (size > sizeof(how)) {
		size_t extra = size - sizeof(how);
		if (emu_call_read(c, c->args[2] + sizeof(how), tail, extra) < 0)
			return -EFAULT;
		for (size_t i = 0; i < extra; i++)
			if (tail[i])
				return -E2BIG;
	}
	if ((how.flags >> 32) || (how.mode && !(how.flags & O_CREAT) && !IS_TMPFILE(how.flags)))
		return -EINVAL;
	struct open_req o = { .dirfd = (int)c->args[0], .flags = how.flags, .mode = how.mode,
			      .resolve = how.resolve };
	return open_common(k, c, &o, c->args[1]);
}
