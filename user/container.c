// SPDX-License-Identifier: GPL-2.0-only
/*
 * Container ids and the state directory. Runs as root in the supervisor;
 * the directory is mode 0700 so only root reaches the control files.
 */
#define LOG_PREFIX "state: "
#include "container.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "cgroup.h"
#include "log.h"
#include "util.h"

int hy_id_validate(const char *id, struct hy_err *err)
{
	size_t n = strlen(id);
	if (n == 0 || n >= HY_ID_MAX)
		return hy_err_set(err, -EINVAL, "container id '%s': must be 1 to %d characters", id,
				  HY_ID_MAX - 1);
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
			return hy_err_set(err, -EINVAL,
					  "container id '%s': expected letters, digits, '_', '.', '-' "
					  "(starting with a letter or digit)",
					  id);
	}
	return 0;
}

void hy_id_generate(char *buf, size_t len)
{
	unsigned char rnd[6] = { 0 };
	if (getrandom(rnd, sizeof(rnd), 0) != sizeof(rnd)) {
		unsigned long long t = now_real_ns() ^ getpid();
		memcpy(rnd, &t, sizeof(rnd));
	}
	snprintf(buf, len, "%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
		 rnd[5]);
}

/* Remove a stale state directory's files (one level; we create no subdirs). */
static void remove_tree(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		closep(&fd);
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			if (unlinkat(dirfd, de->d_name, 0) < 0 && errno == EISDIR)
				unlinkat(dirfd, de->d_name, AT_REMOVEDIR);
	closedir(d);
}

/* EEXIST path: refuse if live (lock held or still being created), else clean up. */
static int reclaim_stale(struct hy_state *st, const char *id, struct hy_err *err)
{
	_cleanup_close_ int dfd = open(st->dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (dfd < 0)
		return hy_err_setr(err, -errno, "open state directory %s", st->dir);
	_cleanup_close_ int lfd = openat(dfd, "lock", O_RDWR | O_CLOEXEC);
	if (lfd < 0 || flock(lfd, LOCK_EX | LOCK_NB) < 0)
		return hy_err_set(err, -EEXIST, "container '%s' already exists and is running (%s)", id,
				  st->dir);
	if (faccessat(dfd, HY_STATE_OCI_FILE, F_OK, 0) == 0)
		return hy_err_set(err, -EEXIST, "container '%s' already exists (stopped; remove it "
						"with 'hybox delete %s')", id, id);
	pr_info("removing stale state directory %s", st->dir);
	remove_tree(dfd);
	if (rmdir(st->dir) < 0)
		return hy_err_setr(err, -errno, "remove stale state directory %s", st->dir);
	return 0;
}

int hy_state_create(struct hy_state *st, const char *root, const char *id, struct hy_err *err)
{
	st->dirfd = st->lockfd = -1;
	st->dir[0] = '\0';
	/* runc makes a missing --root with its parents: containerd's shim
	 * passes <state>/runc/<namespace> and creates neither. */
	int r = mkdir_all(root, 0711);
	if (r < 0)
		return hy_err_setr(err, r, "create state root %s", root);
	if ((size_t)snprintf(st->dir, sizeof(st->dir), "%s/%s", root, id) >= sizeof(st->dir))
		return hy_err_set(err, -ENAMETOOLONG, "state directory path too long");
	if (mkdir(st->dir, 0700) < 0) {
		r = errno == EEXIST ? reclaim_stale(st, id, err) : hy_err_setr(err, -errno,
							"create state directory %s", st->dir);
		if (r < 0 || mkdir(st->dir, 0700) < 0) {
			st->dir[0] = '\0';
			return r < 0 ? r : hy_err_setr(err, -errno, "create %s", st->dir);
		}
	}
	st->dirfd = open(st->dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (st->dirfd >= 0)
		st->lockfd = openat(st->dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (st->lockfd < 0 || flock(st->lockfd, LOCK_EX | LOCK_NB) < 0) {
		int r = -errno;
		hy_state_remove(st);
		return hy_err_setr(err, r, "lock state directory");
	}
	return 0;
}

void hy_state_remove(struct hy_state *st)
{
	if (st->dir[0]) {
		if (st->dirfd >= 0)
			remove_tree(st->dirfd);
		if (rmdir(st->dir) < 0 && errno != ENOENT)
			pr_warn("cannot remove %s: %s", st->dir, strerror(errno));
		st->dir[0] = '\0';
	}
	closep(&st->dirfd);
	closep(&st->lockfd);
	st->dirfd = st->lockfd = -1;
}

void hy_state_release(struct hy_state *st)
{
	st->dir[0] = '\0';
	closep(&st->dirfd);
	closep(&st->lockfd);
	st->dirfd = st->lockfd = -1;
}

int hy_state_open(struct hy_state *st, const char *root, const char *id, struct hy_err *err)
{
	st->dirfd = st->lockfd = -1;
	st->dir[0] = '\0';
	if ((size_t)snprintf(st->dir, sizeof(st->dir), "%s/%s", root, id) >= sizeof(st->dir))
		return hy_err_set(err, -ENAMETOOLONG, "state directory path too long");
	st->dirfd = open(st->dir, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
	if (st->dirfd < 0) {
		int r = -errno;
		st->dir[0] = '\0';
		if (r == -ENOENT)
			return hy_err_set(err, r, "container '%s' does not exist (no %s/%s)", id, root,
					  id);
		return hy_err_setr(err, r, "container '%s': open %s/%s", id, root, id);
	}
	st->lockfd = openat(st->dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (st->lockfd < 0 || flock(st->lockfd, LOCK_EX | LOCK_NB) < 0) {
		int r = errno == EWOULDBLOCK ? -EBUSY : -errno;
		hy_state_release(st);
		if (r == -EBUSY)
			return hy_err_set(err, r, "container '%s' is live (its supervisor holds %s/%s/lock)",
					  id, root, id);
		return hy_err_setr(err, r, "container '%s': lock %s/%s", id, root, id);
	}
	return 0;
}

int hy_state_is_live(const char *root, const char *id)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/lock", root, id) >= sizeof(path))
		return -ENAMETOOLONG;
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (flock(fd, LOCK_SH | LOCK_NB) == 0)
		return 0; /* released when fd closes */
	return errno == EWOULDBLOCK ? 1 : -errno;
}

json_t *hy_state_run_settings(const char *root, const char *id)
{
	char path[4096];
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", root, id, HY_STATE_RUN_FILE) >=
	    sizeof(path))
		return NULL;
	return json_load_file(path, 0, NULL);
}

int hy_state_open_cgroup(const char *root, const char *id, struct hy_cgroup *cg)
{
	char mount[4096];
	int r = hy_cgroup2_find_mount(mount, sizeof(mount));
	if (r < 0)
		return r;
	json_t *run = hy_state_run_settings(root, id);
	r = hy_cgroup_open_record(cg, mount, json_object_get(run, "cgroup"), id);
	json_decref(run);
	return r;
}

/* Written to a temporary name, then renamed over path. */
int hy_pid_file_write(const char *path, pid_t pid, struct hy_err *err)
{
	char tmp[PATH_MAX + 16], text[24];
	int n = snprintf(text, sizeof(text), "%d", (int)pid);
	snprintf(tmp, sizeof(tmp), "%s.hybox-tmp", path);
	_cleanup_close_ int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return hy_err_setr(err, -errno, "--pid-file %s", path);
	int r = write_all(fd, text, (size_t)n);
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	if (r < 0) {
		unlink(tmp);
		return hy_err_setr(err, r, "--pid-file %s", path);
	}
	return 0;
}
