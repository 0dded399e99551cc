// SPDX-License-Identifier: GPL-2.0-only
/*
 * File sink with rotation (see evfile.h). The path is the user's and is
 * opened as given (as --events always was); rotation renames within the
 * same directory, so it stays on one file system and each rename is atomic:
 * a reader sees every line exactly once, in FILE or in one FILE.i.
 *
 * Lines are buffered (HY_EVFILE_BUF) and written by hy_evfile_flush(), which
 * the exporter calls after each event it delivers alone and after each
 * batch from the BPF ring: one write(2) per line cost the consumer about as
 * much as encoding it. A line never straddles two writes' worth of files.
 *
 * Every later operation is relative to the directory opened at start: lines
 * are often written from kernel-emu's notify thread, which has joined the
 * container's mount namespace and root, where FILE's path means something
 * else (or nothing).
 */
#define LOG_PREFIX "evfile: "
#include "evfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "util.h"

struct hy_evfile {
	int fd;
	int dirfd; /* FILE's directory (O_PATH), -1 for stdout */
	bool is_stdout;
	uint64_t max_size;
	unsigned keep;
	struct hy_evfile_stats st;
	char buf[HY_EVFILE_BUF]; /* whole lines not written yet */
	size_t pending;
	int write_err; /* of a flush no caller saw yet */
	char path[PATH_MAX]; /* as given, for messages */
	char name[NAME_MAX + 1]; /* FILE's last component, in dirfd */
};

int hy_evfile_rotated_name(char *buf, size_t cap, const char *path, unsigned i)
{
	char suffix[16];
	size_t n = strlen(path), m = (size_t)snprintf(suffix, sizeof(suffix), ".%u", i);

	if (n + m >= cap)
		return -ENAMETOOLONG;
	memcpy(buf, path, n);
	memcpy(buf + n, suffix, m + 1);
	return 0;
}

static int open_sink(int dirfd, const char *name)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	return fd < 0 ? -errno : fd;
}

/* dirfd and last component of path ("a/b/f" -> "a/b", "f"; "f" -> ".", "f"). */
static int open_dir(struct hy_evfile *f, const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash) {
		strscpy(dir, ".", sizeof(dir));
		strscpy(f->name, path, sizeof(f->name));
	} else {
		size_t n = slash == path ? 1 : (size_t)(slash - path);
		memcpy(dir, path, n);
		dir[n] = '\0';
		if (strlen(slash + 1) >= sizeof(f->name))
			return -ENAMETOOLONG;
		strscpy(f->name, slash + 1, sizeof(f->name));
	}
	if (!f->name[0])
		return -EISDIR;
	f->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return f->dirfd < 0 ? -errno : 0;
}

int hy_evfile_open(struct hy_evfile **ret, const char *path, uint64_t max_size, unsigned keep,
		   struct hy_err *err)
{
	struct hy_evfile *f;
	struct stat st;
	char probe[PATH_MAX];
	int fd, r;

	if (strcmp(path, "-") == 0) {
		if (max_size)
			return hy_err_set(err, -EINVAL, "--events-max-size needs --events FILE, "
							"not stdout");
		f = xcalloc(1, sizeof(*f));
		f->fd = STDOUT_FILENO;
		f->dirfd = -1;
		f->is_stdout = true;
		*ret = f;
		return 0;
	}
	if (strlen(path) >= sizeof(f->path) ||
	    (max_size && hy_evfile_rotated_name(probe, sizeof(probe), path, keep ? keep : 1) < 0))
		return hy_err_set(err, -ENAMETOOLONG, "--events %s: path too long", path);
	f = xcalloc(1, sizeof(*f));
	f->fd = -1;
	r = open_dir(f, path);
	fd = r < 0 ? r : open_sink(f->dirfd, f->name);
	if (fd < 0) {
		closep(&f->dirfd);
		free(f);
		return hy_err_setr(err, fd, "--events %s", path);
	}
	f->fd = fd;
	f->max_size = max_size;
	f->keep = keep;
	strscpy(f->path, path, sizeof(f->path));
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		f->st.size = (uint64_t)st.st_size;
	else
		f->max_size = 0; /* a fifo or a device has no size to bound */
	*ret = f;
	return 0;
}

/* FILE.(keep-1) -> FILE.keep, ..., FILE -> FILE.1 (keep 0: FILE is dropped), new FILE. */
static int rotate(struct hy_evfile *f)
{
	char src[NAME_MAX + 16], dst[NAME_MAX + 16];
	int r = 0, fd;

	for (unsigned i = f->keep; i >= 1; i--) {
		hy_evfile_rotated_name(dst, sizeof(dst), f->name, i);
		if (i == 1)
			strscpy(src, f->name, sizeof(src));
		else
			hy_evfile_rotated_name(src, sizeof(src), f->name, i - 1);
		/* Older files may not exist yet; FILE itself must. */
		if (renameat(f->dirfd, src, f->dirfd, dst) < 0 && (errno != ENOENT || i == 1)) {
			r = -errno;
			pr_debug("rename %s -> %s: %s", src, dst, strerror(errno));
			return r;
		}
	}
	if (f->keep == 0 && unlinkat(f->dirfd, f->name, 0) < 0 && errno != ENOENT)
		return -errno;
	fd = open_sink(f->dirfd, f->name);
	if (fd < 0)
		return fd; /* keep appending to the renamed file rather than lose lines */
	close(f->fd);
	f->fd = fd;
	f->st.size = 0;
	f->st.rotations++;
	return 0;
}

int hy_evfile_flush(struct hy_evfile *f)
{
	int r = f->pending ? write_all(f->fd, f->buf, f->pending) : 0;

	f->pending = 0;
	if (r < 0 && !f->write_err)
		f->write_err = r;
	r = f->write_err;
	f->write_err = 0;
	return r;
}

int hy_evfile_write(struct hy_evfile *f, const char *line, size_t len)
{
	int rot = 0, r = 0;

	if (f->max_size && f->st.size > 0 && f->st.size + len > f->max_size) {
		r = hy_evfile_flush(f); /* the pending lines belong to this FILE */
		rot = rotate(f);
		/* Do not retry on every line: report once (at close) and keep appending. */
		if (rot < 0)
			f->max_size = 0;
	}
	if (f->pending + len > sizeof(f->buf)) {
		int w = hy_evfile_flush(f);
		r = r ? r : w;
	}
	if (len > sizeof(f->buf)) { /* longer than the buffer: straight out */
		int w = write_all(f->fd, line, len);
		r = r ? r : w;
	} else {
		memcpy(f->buf + f->pending, line, len);
		f->pending += len;
	}
	f->st.lines++;
	f->st.bytes += len;
	f->st.size += len;
	return rot < 0 ? rot : r;
}

void hy_evfile_stats(const struct hy_evfile *f, struct hy_evfile_stats *ret)
{
	*ret = f->st;
}

int hy_evfile_close(struct hy_evfile *f)
{
	int r = 0;

	if (!f)
		return 0;
	r = hy_evfile_flush(f);
	if (!f->is_stdout && close(f->fd) < 0)
		r = -errno;
	closep(&f->dirfd);
	free(f);
	return r;
}
