// SPDX-License-Identifier: GPL-2.0-only
/*
 * The trapping task seen through the kernel: its /proc directory, credentials
 * and fds (see task.h for the proof-of-identity rule).
 */
#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL /* linux 6.9 */
#endif

bool emu_call_valid(struct emu_kernel *k, const struct emu_call *c)
{
	uint64_t id = c->id;
	return ioctl(emu_listener(k, c), SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

int emu_task_dir(struct emu_kernel *k, struct emu_call *c)
{
	(void)k;
	return c->mem && c->mem->dir ? c->mem->dir(c) : -ENOSYS;
}

int emu_task_open(struct emu_kernel *k, struct emu_call *c, const char *rel, int flags)
{
	int dir = emu_task_dir(k, c);
	if (dir < 0)
		return dir;
	bool was = emu_cred_suspend(c->cred);
	int fd = openat(dir, rel, flags | O_CLOEXEC);
	int e = errno;
	int r = emu_cred_resume(c->cred, was);
	if (fd >= 0 && r < 0) {
		close(fd);
		return r;
	}
	if (fd < 0)
		return -e;
	if (!emu_call_valid(k, c)) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

int emu_status_field(const char *buf, const char *key, int base, unsigned long long *v, int n)
{
	const char *p = strstr(buf, key);
	int i = 0;
	if (!p)
		return 0;
	p += strlen(key);
	while (i < n) {
		char *end;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || !*p)
			break;
		v[i] = strtoull(p, &end, base);
		if (end == p)
			break;
		i++;
		p = end;
	}
	return i;
}

static int read_status(struct emu_kernel *k, struct emu_call *c, char *buf, size_t size)
{
	int fd = emu_task_open(k, c, "status", O_RDONLY);
	if (fd < 0)
		return fd;
	ssize_t n = read_full(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	return 0;
}

int emu_task_cred(struct emu_kernel *k, struct emu_call *c, struct emu_task_cred *out)
{
	char buf[4096];
	unsigned long long v[EMU_TASK_GROUPS + 1];
	int r = read_status(k, c, buf, sizeof(buf));
	if (r < 0)
		return r;
	memset(out, 0, sizeof(*out));
	/* Uid/Gid lines: real, effective, saved, filesystem. */
	if (emu_status_field(buf, "\nUid:", 10, v, 4) != 4)
		return -EIO;
	out->fsuid = (uid_t)v[3];
	if (emu_status_field(buf, "\nGid:", 10, v, 4) != 4)
		return -EIO;
	out->fsgid = (gid_t)v[3];
	int ng = emu_status_field(buf, "\nGroups:", 10, v, EMU_TASK_GROUPS + 1);
	out->ngroups = ng > EMU_TASK_GROUPS ? -1 : ng;
	for (int i = 0; i < ng && i < EMU_TASK_GROUPS; i++)
		out->groups[i] = (gid_t)v[i];
	if (emu_status_field(buf, "\nCapEff:", 16, v, 1) != 1 || emu_status_field(buf, "\nUmask:", 8, v + 1, 1) != 1)
		return -EIO;
	/* A user-namespaced task's capabilities are its namespace's: kernel-emu
	 * acts in the initial one, where the task has none (cred.h). */
	out->cap_eff = k->is_userns ? 0 : v[0];
	out->umask = (mode_t)v[1];
	if (emu_status_field(buf, "\nTgid:", 10, v, 1) != 1)
		return -EIO;
	out->tgid = (pid_t)v[0];
	/* NSpid lists the tid from the outermost to the innermost pid namespace. */
	int nn = emu_status_field(buf, "\nNSpid:", 10, v, 8);
	out->nspid = nn > 0 ? (pid_t)v[nn - 1] : c->pid;
	nn = emu_status_field(buf, "\nNStgid:", 10, v, 8);
	out->nstgid = nn > 0 ? (pid_t)v[nn - 1] : out->tgid;
	return 0;
}

int emu_task_getfd(struct emu_kernel *k, struct emu_call *c, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, c->pid, PIDFD_THREAD);
	if (pidfd < 0 && errno == EINVAL) { /* before 6.9: a thread-group leader is needed */
		struct emu_task_cred cr;
		int r = emu_task_cred(k, c, &cr);
		if (r < 0)
			return r;
		pidfd = (int)syscall(SYS_pidfd_open, cr.tgid, 0);
	}
	if (pidfd < 0)
		return -errno;
	int r = -ESRCH;
	/* The pidfd names the live trapping task only if the id is still valid now. */
	if (emu_call_valid(k, c)) {
		r = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
		if (r < 0)
			r = -errno;
	}
	close(pidfd);
	return r;
}

int emu_task_stat_read(int proc_fd, const char *rel, struct emu_task_stat *st)
{
	char path[64];
	_cleanup_free_ char *text = NULL;
	snprintf(path, sizeof(path), "%s/stat", rel);
	ssize_t r = read_file_at(proc_fd, path, &text);
	if (r < 0)
		return (int)r;
	char *f = strrchr(text, ')'); /* comm may hold spaces and parentheses */
	if (!f || f[1] != ' ' || !f[2])
		return -EIO;
	st->state = f[2];
	st->ppid = (pid_t)strtol(f + 3, NULL, 10);
	for (int i = 2; f && i < 22; i++) /* f at the space before field i+1 */
		f = strchr(f + 1, ' ');
	if (!f)
		return -EIO;
	st->start_ticks = strtoull(f + 1, NULL, 10);
	return 0;
}
