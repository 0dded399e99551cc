// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container's /proc views, served over FUSE (as LXCFS serves them). Why
 * FUSE and not the emulated road: seccomp cannot look at a path, so serving
 * /proc/meminfo from open(2) would trap every open of every file, ~20x the
 * cost of a native open. Instead the container's init mounts this file
 * system once and binds its files over /proc/meminfo and friends; only reads
 * of those files come here.
 *
 * The supervisor creates the mount detached; init attaches it in the
 * container's mount namespace. One thread speaks the FUSE protocol on /dev/fuse (linux/fuse.h; no
 * libfuse: five operations on five read-only files). Each open takes a
 * snapshot of the file, as procfs's seq_file does, so a reader sees one
 * consistent text however it splits its reads; reads bypass the page cache
 * (FOPEN_DIRECT_IO), so sizes need not be known. Requests come from the
 * kernel, but their lengths are checked all the same.
 */
#define LOG_PREFIX "viewfs: "
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <linux/mount.h>
#include <poll.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "emu.h"
#include "kernel.h"
#include "log.h"
#include "procview.h"
#include "sysinfo.h"
#include "task.h"
#include "util.h"

enum view { V_MEMINFO, V_CPUINFO, V_STAT, V_SWAPS, V_LOADAVG, V_CPU_ONLINE, V__COUNT };

/*
 * /sys/devices/system/cpu/possible stays the host's: CPU numbers in the view
 * are the host's (getcpu(2) returns them), and programs size per-CPU arrays
 * from "possible" before indexing them by those numbers.
 */
const struct emu_view_file emu_view_files[] = {
	[V_MEMINFO] = { "meminfo", "/proc/meminfo", "bind the view over /proc/meminfo" },
	[V_CPUINFO] = { "cpuinfo", "/proc/cpuinfo", "bind the view over /proc/cpuinfo" },
	[V_STAT] = { "stat", "/proc/stat", "bind the view over /proc/stat" },
	[V_SWAPS] = { "swaps", "/proc/swaps", "bind the view over /proc/swaps" },
	[V_LOADAVG] = { "loadavg", "/proc/loadavg", "bind the view over /proc/loadavg" },
	[V_CPU_ONLINE] = { "cpu-online", "/sys/devices/system/cpu/online",
			   "bind the view over /sys/devices/system/cpu/online" },
};
const size_t emu_view_nfiles = ARRAY_SIZE(emu_view_files);
_Static_assert(ARRAY_SIZE(emu_view_files) == V__COUNT, "one file per view");

#define ROOT_ID FUSE_ROOT_ID /* node ids: 1 the root, 2 + enum view the files */
#define MAX_OPEN 256	     /* snapshots held at once; more opens fail with EMFILE */
#define REQ_BUF (FUSE_MIN_READ_BUFFER + 64 * 1024)
#define MAX_READ (64 * 1024)

struct snapshot {
	char *text;
	size_t len;
};

struct emu_viewfs {
	struct emu_kernel *k;
	int fuse_fd, stop_fd;
	pthread_t thread;
	struct snapshot open[MAX_OPEN]; /* fh = index + 1; text NULL: free slot */
	uint64_t next_sample_ns; /* CLOCK_MONOTONIC, of k->load's next sample */
};

/* What the container's tasks are doing now (its cgroup's threads). */
struct task_counts {
	unsigned running, active, total; /* R; R and D; all */
	int last_pid;                    /* the highest pid in the container's namespace */
};

/* ------------------------------------------------------------- contents */

static void host_text(const char *path, char **ret)
{
	if (read_file_at(AT_FDCWD, path, ret) < 0)
		*ret = xstrdup("");
}

/* The same memory numbers sysinfo(2) reports in the container. */
static void mem_view(struct emu_kernel *k, struct emu_mem_view *m)
{
	struct emu_sysinfo_input in;
	bool has = emu_kernel_sysinfo_input(k, &in) == 0 && in.has_cgroup_mem;

	m->limit = has && in.mem_max != UINT64_MAX ? in.mem_max : EMU_VIEW_UNLIMITED;
	m->used = has ? in.mem_current : 0;
	m->swap_limit = has && in.swap_max != UINT64_MAX ? in.swap_max : EMU_VIEW_UNLIMITED;
	m->swap_used = has ? in.swap_current : 0;
}

/* /proc/TID/NAME of a task of the container (host tid as text), or NULL. */
static char *task_file(int proc_fd, const char *tid, const char *name)
{
	char path[64], *text;
	snprintf(path, sizeof(path), "%s/%s", tid, name);
	return read_file_at(proc_fd, path, &text) < 0 ? NULL : text;
}

/* The state letter of /proc/TID/stat ("pid (comm) S ..."), 0 if unreadable. */
static char task_state(int proc_fd, const char *tid)
{
	_cleanup_free_ char *stat = task_file(proc_fd, tid, "stat");
	char *paren = stat ? strrchr(stat, ')') : NULL;
	return paren && paren[1] == ' ' ? paren[2] : 0;
}

/* The last NSpid of /proc/TID/status: the tid in the container's namespace. */
static int ns_pid(int proc_fd, const char *tid)
{
	_cleanup_free_ char *status = task_file(proc_fd, tid, "status");
	unsigned long long v[8];
	int n = status ? emu_status_field(status, "\nNSpid:", 10, v, 8) : 0;
	return n > 0 ? (int)v[n - 1] : 0;
}

static void count_tasks(struct emu_kernel *k, struct task_counts *n, bool with_pids)
{
	_cleanup_free_ char *tids = NULL;
	memset(n, 0, sizeof(*n));
	if (k->cgroup_fd < 0 || read_file_at(k->cgroup_fd, "cgroup.threads", &tids) < 0)
		return;
	for (char *tid = strtok(tids, "\n"); tid; tid = strtok(NULL, "\n")) {
		char st = task_state(k->proc_fd, tid);
		if (!st)
			continue; /* gone meanwhile */
		n->total++;
		n->running += st == 'R';
		n->active += st == 'R' || st == 'D';
		if (with_pids)
			n->last_pid = MAX(n->last_pid, ns_pid(k->proc_fd, tid));
	}
}

/* Sample the load when its period is due; returns ms until the next one. */
static int sample_load(struct emu_viewfs *fs)
{
	uint64_t now = now_mono_ns();
	struct task_counts n;
	if (now >= fs->next_sample_ns) {
		count_tasks(fs->k, &n, false);
		pthread_mutex_lock(&fs->k->lock);
		emu_loadavg_sample(&fs->k->load, n.active);
		pthread_mutex_unlock(&fs->k->lock);
		fs->next_sample_ns = now + EMU_LOADAVG_PERIOD_NS;
	}
	return (int)((fs->next_sample_ns - now) / 1000000) + 1;
}

static int render(struct emu_viewfs *fs, enum view v, FILE *out)
{
	struct emu_kernel *k = fs->k;
	struct task_counts n;
	_cleanup_free_ char *host = NULL;
	struct emu_mem_view m;

	switch (v) {
	case V_MEMINFO:
	case V_SWAPS:
		mem_view(k, &m);
		host_text(v == V_MEMINFO ? "/proc/meminfo" : "/proc/swaps", &host);
		return v == V_MEMINFO ? emu_view_meminfo(out, host, &m) :
					emu_view_swaps(out, host, &m);
	case V_CPUINFO:
		host_text("/proc/cpuinfo", &host);
		return emu_view_cpuinfo(out, host, &k->cpus);
	case V_STAT:
		host_text("/proc/stat", &host);
		return emu_view_stat(out, host, &k->cpus);
	case V_LOADAVG:
		count_tasks(k, &n, true);
		pthread_mutex_lock(&k->lock);
		struct emu_loadavg load = k->load;
		pthread_mutex_unlock(&k->lock);
		return emu_view_loadavg(out, &load, n.running, n.total, n.last_pid);
	default:
		return emu_view_cpulist(out, &k->cpus);
	}
}

static int snapshot_take(struct emu_viewfs *fs, enum view v, uint64_t *fh)
{
	size_t i;
	for (i = 0; i < MAX_OPEN && fs->open[i].text; i++)
		;
	if (i == MAX_OPEN)
		return -EMFILE;
	struct snapshot *s = &fs->open[i];
	FILE *out = open_memstream(&s->text, &s->len);
	if (!out)
		return -ENOMEM;
	int r = render(fs, v, out);
	if (fclose(out) != 0 && r == 0)
		r = -ENOMEM;
	if (r < 0) {
		free(s->text);
		s->text = NULL;
		return r;
	}
	*fh = i + 1;
	return 0;
}

static struct snapshot *snapshot_get(struct emu_viewfs *fs, uint64_t fh)
{
	return fh >= 1 && fh <= MAX_OPEN && fs->open[fh - 1].text ? &fs->open[fh - 1] : NULL;
}

/* ------------------------------------------------------------- protocol */

static void reply(struct emu_viewfs *fs, uint64_t unique, int error, const void *data, size_t n)
{
	struct fuse_out_header h = { .len = sizeof(h) + (error ? 0 : n), .error = error,
				     .unique = unique };
	struct iovec iov[2] = { { &h, sizeof(h) }, { (void *)data, error ? 0 : n } };

	/* ENOENT: the request was interrupted and is gone; nothing to do. */
	if (writev(fs->fuse_fd, iov, 2) < 0 && errno != ENOENT)
		pr_debug("reply to %llu: %s", (unsigned long long)unique, strerror(errno));
}

static void fill_attr(uint64_t node, struct fuse_attr *a)
{
	uint64_t now = (uint64_t)time(NULL);

	memset(a, 0, sizeof(*a));
	a->ino = node;
	a->mode = node == ROOT_ID ? S_IFDIR | 0555 : S_IFREG | 0444;
	a->nlink = node == ROOT_ID ? 2 : 1;
	a->atime = a->mtime = a->ctime = now;
	a->blksize = 4096;
}

static void op_init(struct emu_viewfs *fs, const struct fuse_in_header *h, const void *arg,
		    size_t n)
{
	const struct fuse_init_in *in = arg;
	struct fuse_init_out out = { .major = FUSE_KERNEL_VERSION };

	if (n < 8 || in->major != FUSE_KERNEL_VERSION)
		return reply(fs, h->unique, 0, &out, FUSE_COMPAT_INIT_OUT_SIZE); /* "speak 7" */
	out.minor = MIN(in->minor, (uint32_t)FUSE_KERNEL_MINOR_VERSION);
	out.max_readahead = n >= 12 ? in->max_readahead : 0;
	out.max_background = 1;
	out.congestion_threshold = 1;
	out.max_write = 4096;
	out.time_gran = 1;
	reply(fs, h->unique, 0, &out, out.minor < 23 ? FUSE_COMPAT_22_INIT_OUT_SIZE : sizeof(out));
}

static void op_lookup(struct emu_viewfs *fs, const struct fuse_in_header *h, const char *name,
		      size_t n)
{
	/* The names and attributes never change: let the kernel keep them. */
	struct fuse_entry_out out = { .entry_valid = 3600, .attr_valid = 3600 };

	if (h->nodeid != ROOT_ID || n == 0 || name[n - 1] != '\0')
		return reply(fs, h->unique, -ENOENT, NULL, 0);
	for (size_t v = 0; v < V__COUNT; v++) {
		if (strcmp(name, emu_view_files[v].name) != 0)
			continue;
		out.nodeid = ROOT_ID + 1 + v;
		out.generation = 1;
		fill_attr(out.nodeid, &out.attr);
		return reply(fs, h->unique, 0, &out, sizeof(out));
	}
	reply(fs, h->unique, -ENOENT, NULL, 0);
}

static bool is_file_node(uint64_t node)
{
	return node > ROOT_ID && node <= ROOT_ID + V__COUNT;
}

static void op_getattr(struct emu_viewfs *fs, const struct fuse_in_header *h)
{
	struct fuse_attr_out out = { .attr_valid = 3600 };

	if (h->nodeid != ROOT_ID && !is_file_node(h->nodeid))
		return reply(fs, h->unique, -ENOENT, NULL, 0);
	fill_attr(h->nodeid, &out.attr);
	reply(fs, h->unique, 0, &out, sizeof(out));
}

static void op_open(struct emu_viewfs *fs, const struct fuse_in_header *h, const void *arg,
		    size_t n)
{
	const struct fuse_open_in *in = arg;
	struct fuse_open_out out = { .open_flags = FOPEN_DIRECT_IO };
	int r;

	if (n < sizeof(*in) || !is_file_node(h->nodeid))
		return reply(fs, h->unique, -ENOENT, NULL, 0);
	if ((in->flags & O_ACCMODE) != O_RDONLY)
		return reply(fs, h->unique, -EACCES, NULL, 0);
	r = snapshot_take(fs, (enum view)(h->nodeid - ROOT_ID - 1), &out.fh);
	reply(fs, h->unique, r, &out, sizeof(out));
}

static void op_read(struct emu_viewfs *fs, const struct fuse_in_header *h, const void *arg,
		    size_t n)
{
	const struct fuse_read_in *in = arg;
	struct snapshot *s = n >= sizeof(*in) ? snapshot_get(fs, in->fh) : NULL;

	if (!s)
		return reply(fs, h->unique, -EBADF, NULL, 0);
	size_t off = in->offset < s->len ? (size_t)in->offset : s->len;
	reply(fs, h->unique, 0, s->text + off, MIN(s->len - off, (size_t)MIN(in->size, MAX_READ)));
}

static void op_release(struct emu_viewfs *fs, const struct fuse_in_header *h, const void *arg,
		       size_t n)
{
	const struct fuse_release_in *in = arg;
	struct snapshot *s = n >= sizeof(*in) ? snapshot_get(fs, in->fh) : NULL;

	if (s) {
		free(s->text);
		s->text = NULL;
	}
	reply(fs, h->unique, 0, NULL, 0);
}

/* One request; false once the connection is over. */
static bool dispatch(struct emu_viewfs *fs, const struct fuse_in_header *h, const char *arg,
		     size_t n)
{
	struct fuse_statfs_out st = { .st = { .bsize = 4096, .namelen = 255, .frsize = 4096 } };

	switch (h->opcode) {
	case FUSE_INIT: op_init(fs, h, arg, n); break;
	case FUSE_LOOKUP: op_lookup(fs, h, arg, n); break;
	case FUSE_GETATTR: op_getattr(fs, h); break;
	case FUSE_OPEN: op_open(fs, h, arg, n); break;
	case FUSE_READ: op_read(fs, h, arg, n); break;
	case FUSE_RELEASE: op_release(fs, h, arg, n); break;
	case FUSE_STATFS: reply(fs, h->unique, 0, &st, sizeof(st)); break;
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
	case FUSE_INTERRUPT: /* no reply: every operation here answers at once */
		break;
	case FUSE_DESTROY:
		reply(fs, h->unique, 0, NULL, 0);
		return false;
	default: /* FLUSH too: the kernel stops sending it, a round trip less per close */
		reply(fs, h->unique, -ENOSYS, NULL, 0);
	}
	return true;
}

static void *serve(void *arg)
{
	struct emu_viewfs *fs = arg;
	_cleanup_free_ char *buf = xmalloc(REQ_BUF);
	struct pollfd p[2] = { { .fd = fs->fuse_fd, .events = POLLIN },
			       { .fd = fs->stop_fd, .events = POLLIN } };

	for (;;) {
		int ready = poll(p, 2, sample_load(fs));
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0 || p[1].revents)
			break;
		if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			break; /* the connection is gone: every mount of it went with the container */
		if (!(p[0].revents & POLLIN))
			continue; /* the load's timer */
		ssize_t n = read(fs->fuse_fd, buf, REQ_BUF);
		if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == ENOENT))
			continue;
		if (n < 0) { /* ENODEV: unmounted, every mount of it is gone */
			pr_debug("read: %s", strerror(errno));
			break;
		}
		const struct fuse_in_header *h = (const void *)buf;
		if ((size_t)n < sizeof(*h) || h->len != (size_t)n)
			continue;
		if (!dispatch(fs, h, buf + sizeof(*h), (size_t)n - sizeof(*h)))
			break;
	}
	return NULL;
}

/*
 * A detached FUSE mount on fuse_fd (fsopen/fsmount): the kernel binds the
 * connection to the fd here, before anyone reads it (a read of an unmounted
 * /dev/fuse fails with EPERM), and init attaches the mount with move_mount.
 */
static int mount_detached(int fuse_fd)
{
	static const char *const flags[] = { "allow_other", "default_permissions" };
	char fd_str[16];
	int r = 0;

	snprintf(fd_str, sizeof(fd_str), "%d", fuse_fd);
	const char *const strings[][2] = {
		{ "fd", fd_str }, { "rootmode", "40555" }, { "user_id", "0" },
		{ "group_id", "0" }, { "subtype", "hybox" },
	};
	_cleanup_close_ int fsfd = (int)syscall(SYS_fsopen, "fuse", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return -errno;
	for (size_t i = 0; i < ARRAY_SIZE(strings) && r == 0; i++)
		r = (int)syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, strings[i][0],
				 strings[i][1], 0);
	for (size_t i = 0; i < ARRAY_SIZE(flags) && r == 0; i++)
		r = (int)syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_FLAG, flags[i], NULL, 0);
	if (r == 0)
		r = (int)syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	if (r < 0)
		return -errno;
	r = (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC,
			 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	return r < 0 ? -errno : r;
}

int emu_viewfs_start(struct emu_kernel *k)
{
	struct emu_viewfs *fs = xcalloc(1, sizeof(*fs));
	int r, mnt = -1;

	fs->k = k;
	fs->stop_fd = -1;
	fs->fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fs->fuse_fd < 0) {
		r = -errno;
		goto fail;
	}
	mnt = r = mount_detached(fs->fuse_fd);
	if (r < 0)
		goto fail;
	fs->stop_fd = eventfd(0, EFD_CLOEXEC);
	if (fs->stop_fd < 0) {
		r = -errno;
		goto fail;
	}
	r = hy_thread_start(&fs->thread, serve, fs);
	if (r < 0)
		goto fail;
	k->views = fs;
	return mnt;
fail:
	if (mnt >= 0)
		close(mnt);
	if (fs->stop_fd >= 0)
		close(fs->stop_fd);
	if (fs->fuse_fd >= 0)
		close(fs->fuse_fd);
	free(fs);
	return r;
}

void emu_viewfs_stop(struct emu_kernel *k)
{
	struct emu_viewfs *fs = k->views;

	if (!fs)
		return;
	(void)!write(fs->stop_fd, &(uint64_t){ 1 }, sizeof(uint64_t));
	pthread_join(fs->thread, NULL);
	/* Closing the last /dev/fuse fd aborts the connection: a reader still
	 * in the container gets ENOTCONN instead of waiting for us. */
	close(fs->fuse_fd);
	close(fs->stop_fd);
	for (size_t i = 0; i < MAX_OPEN; i++)
		free(fs->open[i].text);
	free(fs);
	k->views = NULL;
}
