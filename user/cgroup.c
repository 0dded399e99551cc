// SPDX-License-Identifier: GPL-2.0-only
/*
 * Container cgroups on the cgroup v2 hierarchy. Runs as root in the
 * supervisor. The leaf is created before the container starts (the init task
 * is born into it with CLONE_INTO_CGROUP) and removed after the last task is
 * gone; hy_cgroup_destroy() kills stragglers first, so a failure anywhere
 * leaves no leaf behind.
 */
#define LOG_PREFIX "cgroup: "
#include "cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "util.h"

/* mountinfo fields: id parent major:minor root mountpoint opts ... - fstype source superopts */
int hy_cgroup2_parse_mountinfo(const char *mountinfo, char *path, size_t len)
{
	const char *line = mountinfo;
	while (line && *line) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		char buf[4096];
		if (n < sizeof(buf)) {
			memcpy(buf, line, n);
			buf[n] = '\0';
			char mnt[4096], fstype[64];
			const char *sep = strstr(buf, " - ");
			if (sep && sscanf(sep, " - %63s", fstype) == 1 && strcmp(fstype, "cgroup2") == 0 &&
			    sscanf(buf, "%*s %*s %*s %*s %4095s", mnt) == 1) {
				if (strlen(mnt) >= len)
					return -ENAMETOOLONG;
				strscpy(path, mnt, len);
				return 0;
			}
		}
		line = eol ? eol + 1 : NULL;
	}
	return -ENOENT;
}

int hy_cgroup2_find_mount(char *path, size_t len)
{
	_cleanup_free_ char *mi = NULL;
	ssize_t r = read_file_at(AT_FDCWD, "/proc/self/mountinfo", &mi);
	if (r < 0)
		return r;
	return hy_cgroup2_parse_mountinfo(mi, path, len);
}

int hy_cgroup_has_file(const char *mount, const char *file)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", mount, file);
	return access(p, F_OK) == 0;
}

/* Make sure the controllers we may use are delegated to hybox's children. */
static void enable_controllers(const char *parent)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/cgroup.subtree_control", parent);
	static const char *const ctl[] = { "+memory", "+pids", "+cpu" };
	for (size_t i = 0; i < ARRAY_SIZE(ctl); i++)
		if (write_file_at(AT_FDCWD, p, ctl[i]) < 0)
			pr_debug("cannot enable %s in %s", ctl[i] + 1, parent);
}

int hy_cgroup_create(struct hy_cgroup *cg, const char *mount, const char *name,
		     struct hy_err *err)
{
	char parent[4096];
	cg->dirfd = -1;
	cg->path[0] = '\0';
	snprintf(parent, sizeof(parent), "%s/hybox", mount);
	if (mkdir(parent, 0755) < 0 && errno != EEXIST)
		return hy_err_setr(err, -errno, "create cgroup %s", parent);
	enable_controllers(mount);
	enable_controllers(parent);
	if ((size_t)snprintf(cg->path, sizeof(cg->path), "%s/%s", parent, name) >= sizeof(cg->path))
		return hy_err_set(err, -ENAMETOOLONG, "cgroup path too long");
	int r = mkdir(cg->path, 0755) < 0 ? -errno : 0;
	if (r == -EEXIST) {
		/* The caller holds the container's state lock, so a leaf of that name is
		 * left over from a supervisor that was killed: empty it and start afresh. */
		pr_info("removing stale cgroup %s", cg->path);
		cg->dirfd = open(cg->path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
		char stale[sizeof(cg->path)];
		memcpy(stale, cg->path, sizeof(stale));
		hy_cgroup_destroy(cg);
		memcpy(cg->path, stale, sizeof(stale));
		r = mkdir(cg->path, 0755) < 0 ? -errno : 0;
	}
	if (r < 0) {
		cg->path[0] = '\0';
		return hy_err_setr(err, r, "create cgroup %s/%s", parent, name);
	}
	cg->dirfd = open(cg->path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (cg->dirfd < 0 || fstat(cg->dirfd, &st) < 0) {
		int r = -errno;
		hy_cgroup_destroy(cg);
		return hy_err_setr(err, r, "open cgroup %s", cg->path);
	}
	cg->id = st.st_ino;
	return 0;
}

static void kill_all(struct hy_cgroup *cg)
{
	if (write_file_at(cg->dirfd, "cgroup.kill", "1") == 0)
		return;
	/* Kernels before 5.14: signal each pid (the container is ours to end). */
	_cleanup_free_ char *procs = NULL;
	if (read_file_at(cg->dirfd, "cgroup.procs", &procs) < 0)
		return;
	for (char *s = procs, *e; *s; s = e) {
		long pid = strtol(s, &e, 10);
		if (e == s)
			break;
		if (pid > 0)
			kill(pid, SIGKILL);
	}
}

int hy_cgroup_destroy(struct hy_cgroup *cg)
{
	int r = 0;
	if (!cg->path[0])
		goto out;
	if (cg->dirfd >= 0)
		kill_all(cg);
	/* Dying tasks leave the cgroup asynchronously: retry rmdir briefly. */
	for (int i = 0; i < 2000; i++) {
		if (rmdir(cg->path) == 0 || errno == ENOENT) {
			r = 0;
			break;
		}
		r = -errno;
		if (r != -EBUSY)
			break;
		nanosleep(&(struct timespec){ 0, 100000 }, NULL);
	}
	if (r < 0)
		pr_warn("cannot remove cgroup %s: %s", cg->path, strerror(-r));
	cg->path[0] = '\0';
out:
	closep(&cg->dirfd);
	cg->dirfd = -1;
	return r;
}

int hy_cgroup_open(struct hy_cgroup *cg, const char *mount, const char *name)
{
	cg->dirfd = -1;
	cg->path[0] = '\0';
	if ((size_t)snprintf(cg->path, sizeof(cg->path), "%s/hybox/%s", mount, name) >=
	    sizeof(cg->path)) {
		cg->path[0] = '\0';
		return -ENAMETOOLONG;
	}
	cg->dirfd = open(cg->path, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (cg->dirfd < 0) {
		cg->path[0] = '\0';
		return -errno;
	}
	return 0;
}
