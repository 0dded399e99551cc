// SPDX-License-Identifier: GPL-2.0-only
/* Path resolution and files-policy checks for emulated path syscalls (see fsres.h). */
#include "fsres.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "abi/policy.h"
#include "task.h"
#include "util.h"

int emu_fs_copy_path(struct emu_call *c, uint64_t addr, char buf[PATH_MAX])
{
	size_t off = 0;
	/* Page by page: a path may end right before an unmapped page. */
	while (off < PATH_MAX) {
		size_t chunk = 4096 - ((addr + off) & 4095);
		if (chunk > PATH_MAX - off)
			chunk = PATH_MAX - off;
		if (emu_call_read(c, addr + off, buf + off, chunk) < 0)
			return -EFAULT;
		char *nul = memchr(buf + off, '\0', chunk);
		if (nul)
			return 0;
		off += chunk;
	}
	return -ENAMETOOLONG;
}

int emu_fs_base(struct emu_kernel *k, struct emu_call *c, int dirfd, const char *path, bool scoped)
{
	char rel[32];
	if (path[0] == '/' && !scoped) {
		int fd = fcntl(k->root_fd, F_DUPFD_CLOEXEC, 0);
		return fd < 0 ? -errno : fd;
	}
	if (dirfd == AT_FDCWD)
		return emu_task_open(k, c, "cwd", O_PATH | O_DIRECTORY);
	if (dirfd < 0)
		return -EBADF;
	snprintf(rel, sizeof(rel), "fd/%d", dirfd);
	int fd = emu_task_open(k, c, rel, O_PATH);
	return fd == -ENOENT ? -EBADF : fd;
}

int emu_fs_resolve(int base, const char *path, bool follow, uint64_t extra)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW),
		.resolve = (extra & EMU_FS_MAGICLINKS) ? extra & ~EMU_FS_MAGICLINKS :
							 RESOLVE_NO_MAGICLINKS | extra,
	};
	/* An absolute path from the root fd: RESOLVE_IN_ROOT keeps ".." and
	 * absolute symlinks inside; from a cwd/dirfd the thread's root (the
	 * container's) does the same. Scoped lookups refuse every magic-link
	 * jump (EXDEV), so where those are followed the thread's root alone
	 * keeps the lookup inside. */
	if (path[0] == '/' && !(extra & (RESOLVE_BENEATH | EMU_FS_MAGICLINKS)))
		how.resolve |= RESOLVE_IN_ROOT;
	long fd = syscall(SYS_openat2, base, path, &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

int emu_fs_fd_path(struct emu_kernel *k, int fd, char out[PATH_MAX])
{
	char link[48];
	snprintf(link, sizeof(link), "thread-self/fd/%d", fd);
	ssize_t n = readlinkat(k->proc_fd, link, out, PATH_MAX - 1);
	if (n < 0)
		return -errno;
	if (n >= PATH_MAX - 1)
		return -ENAMETOOLONG;
	out[n] = '\0';
	/* Outside our root (cannot happen from the container's root) or not a path. */
	return out[0] == '/' ? 0 : -EACCES;
}

int emu_fs_split(const char *path, char dir[PATH_MAX], const char **last, bool *trailing_slash)
{
	size_t n = strlen(path);
	*last = NULL;
	*trailing_slash = false;
	if (n == 0)
		return -ENOENT;
	while (n > 1 && path[n - 1] == '/') {
		n--;
		*trailing_slash = true;
	}
	size_t start = n;
	while (start > 0 && path[start - 1] != '/')
		start--;
	if (start == 0)
		strcpy(dir, ".");
	else {
		/* keep "/" for a root-level entry; drop the separator otherwise */
		size_t dlen = start > 1 ? start - 1 : 1;
		memcpy(dir, path, dlen);
		dir[dlen] = '\0';
	}
	size_t len = n - start;
	if (len == 0 || (len == 1 && path[start] == '.') ||
	    (len == 2 && path[start] == '.' && path[start + 1] == '.'))
		return 0; /* "/", "." or "..": no entry to act on */
	*last = path + start;
	return 0;
}

int emu_fs_parent(struct emu_kernel *k, struct emu_call *c, int dirfd, const char *path,
		  uint64_t resolve, char entry[PATH_MAX], const char **last)
{
	char dir[PATH_MAX];
	bool slash;
	int r = emu_fs_split(path, dir, last, &slash);
	if (r < 0)
		return r;
	bool scoped = resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT);
	_cleanup_close_ int base = emu_fs_base(k, c, dirfd, dir, scoped);
	if (base < 0)
		return base;
	int pfd = emu_fs_resolve(base, dir, true, resolve);
	if (pfd < 0)
		return pfd;
	r = emu_fs_fd_path(k, pfd, entry);
	if (r == 0 && *last) {
		size_t elen = strlen(entry), llen = strcspn(*last, "/");
		if (elen + 1 + llen >= PATH_MAX)
			r = -ENAMETOOLONG;
		else
			snprintf(entry + elen, PATH_MAX - elen, "%s%.*s", elen > 1 ? "/" : "",
				 (int)llen, *last);
	}
	if (r < 0) {
		close(pfd);
		return r;
	}
	return pfd;
}

uint32_t emu_fs_granted(const struct emu_kernel *k, const char *path)
{
	char buf[HY_PATH_LEN];
	__u32 access = 0;
	if (!k->obj)
		return HY_ACC_ALL;
	/* The first HY_PATH_LEN bytes decide: rules are shorter (policy.h). */
	hy_path_buf(buf, path);
	hy_path_lookup(k->obj->files.rule, k->obj->files.nrules, buf, &access);
	return access;
}

int emu_fs_check2(struct emu_kernel *k, struct emu_call *c, uint32_t op, uint32_t need,
		  const char *checked, const char *path, const char *path2)
{
	if ((emu_fs_granted(k, checked) & need) == need)
		return 0;
	struct hy_evt_policy ev = { .area = op == HY_OP_EXEC ? HY_AREA_EXEC : HY_AREA_FILES,
				    .op = op, .access = need, .ret = -EACCES };
	strscpy(ev.path, path, sizeof(ev.path));
	if (path2)
		strscpy(ev.path2, path2, sizeof(ev.path2));
	return emu_policy_deny(k, c, &ev) ? -EACCES : 0;
}

int emu_fs_check(struct emu_kernel *k, struct emu_call *c, uint32_t op, uint32_t need,
		 const char *path, const char *path2)
{
	return emu_fs_check2(k, c, op, need, path, path, path2);
}

int emu_fs_task_stream(const char *path)
{
	static const char *const names[] = { "/dev/stdin", "/dev/stdout", "/dev/stderr" };
	static const char *const dirs[] = { "/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/" };
	for (int i = 0; i < 3; i++)
		if (!strcmp(path, names[i]))
			return i;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		size_t n = strlen(dirs[i]);
		if (strncmp(path, dirs[i], n) || path[n] < '0' || path[n] > '9')
			continue;
		char *end;
		long fd = strtol(path + n, &end, 10);
		return *end == '\0' && fd >= 0 && fd < INT_MAX ? (int)fd : -1;
	}
	return -1;
}

int emu_fs_rewrite_self(char path[PATH_MAX], pid_t nstgid, pid_t nstid)
{
	static const struct { const char *prefix; bool thread; } self[] = {
		{ "/proc/self", false }, { "/proc/thread-self", true },
	};
	for (size_t i = 0; i < ARRAY_SIZE(self); i++) {
		size_t n = strlen(self[i].prefix);
		if (strncmp(path, self[i].prefix, n) || (path[n] != '/' && path[n] != '\0'))
			continue;
		char out[PATH_MAX];
		int len = self[i].thread ?
			snprintf(out, sizeof(out), "/proc/%d/task/%d%s", nstgid, nstid, path + n) :
			snprintf(out, sizeof(out), "/proc/%d%s", nstgid, path + n);
		if (len < 0 || len >= PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(path, out, (size_t)len + 1);
		return 0;
	}
	return 0;
}

long emu_fs_install(struct emu_kernel *k, struct emu_call *c, int fd, bool cloexec)
{
	struct seccomp_notif_addfd addfd = {
		.id = c->id,
		.flags = SECCOMP_ADDFD_FLAG_SEND,
		.srcfd = (uint32_t)fd,
		.newfd_flags = cloexec ? O_CLOEXEC : 0,
	};
	int r = ioctl(emu_listener(k, c), SECCOMP_IOCTL_NOTIF_ADDFD, &addfd);
	int e = errno;
	close(fd);
	return r >= 0 ? EMU_RET_ADDFD : -e;
}
