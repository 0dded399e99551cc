// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container's /proc views and its /dev/kmsg, served over FUSE (as LXCFS
 * serves views). Why
 * FUSE and not the emulated road: seccomp cannot look at a path, so serving
 * /proc/meminfo from open(2) would trap every open of every file, ~20x the
 * cost of a native open. Instead the container's init mounts this file
 * system once and binds its files over /proc/meminfo and friends; only reads
 * of those files come here.
 *
 * The supervisor creates the mount detached; init attaches it in the
 * container's mount namespace. One thread speaks the FUSE protocol on /dev/fuse (linux/fuse.h; no
 * libfuse: a dozen operations on seven files). Each open of a view takes a
 * snapshot of the file, as procfs's seq_file does, so a reader sees one
 * consistent text however it splits its reads; reads bypass the page cache
 * (FOPEN_DIRECT_IO), so sizes need not be known. Requests come from the
 * kernel, but their lengths are checked all the same. /dev/kmsg is the one
 * file the container may write and the one whose reads may wait: see the
 * kmsg section below.
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
#include "kmsg.h"
#include "log.h"
#include "procview.h"
#include "sysinfo.h"
#include "task.h"
#include "util.h"

enum view { V_MEMINFO, V_CPUINFO, V_STAT, V_SWAPS, V_LOADAVG, V_CPU_ONLINE, V_KMSG, V__COUNT };

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
	[V_KMSG] = { "kmsg", "/dev/kmsg", "bind kernel-emu's kmsg over /dev/kmsg", .is_dev = true },
};
const size_t emu_view_nfiles = ARRAY_SIZE(emu_view_files);
_Static_assert(ARRAY_SIZE(emu_view_files) == V__COUNT, "one file per view");

#define ROOT_ID FUSE_ROOT_ID /* node ids: 1 the root, 2 + enum view the files */
#define KMSG_ID (ROOT_ID + 1 + V_KMSG)
#define MAX_OPEN 256	     /* files open at once; more opens fail with EMFILE */
#define REQ_BUF (FUSE_MIN_READ_BUFFER + 64 * 1024)
#define MAX_READ (64 * 1024)

struct snapshot {
	char *text;
	size_t len;
};

/* An open /dev/kmsg (see "kmsg" below). */
struct kmsg_open {
	struct emu_kmsg_cursor cur;
	uint64_t next_off;	  /* file position of the task's next read at cur */
	struct emu_kmsg_cursor end; /* the end when the task last asked for the size */
	bool has_end;		  /* ... and it has not been used yet */
	struct emu_ratelimit rl;  /* writes: 10 per 5 s, as Linux's per-open limit */
	bool is_waiting;	  /* a blocking read waits for a record: */
	uint64_t wait_unique;	  /*   its request, */
	uint32_t wait_size;	  /*   buffer size */
	uint64_t wait_off;	  /*   and file position */
	bool is_polled;		  /* poll(2) waits for a record: notify kh */
	uint64_t poll_kh;
};

struct handle {
	struct snapshot snap;	/* a view's text, or */
	struct kmsg_open *kmsg; /* /dev/kmsg's cursor; both NULL: free slot */
};

struct emu_viewfs {
	struct emu_kernel *k;
	int fuse_fd, stop_fd;
	int kmsg_fd; /* eventfd: the log ring got a record (k->syslog.wake_fd) */
	pthread_t thread;
	struct handle open[MAX_OPEN]; /* fh = index + 1 */
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

/* The state letter of /proc/TID/stat, 0 if unreadable. */
static char task_state(int proc_fd, const char *tid)
{
	struct emu_task_stat st;
	return emu_task_stat_read(proc_fd, tid, &st) == 0 ? st.state : 0;
}

/* The last NSpid of /proc/TID/status (the tid in its innermost namespace),
 * and how many namespaces deep that is (0: unreadable). */
static int ns_pid(int proc_fd, const char *tid, int *ret_depth)
{
	_cleanup_free_ char *status = task_file(proc_fd, tid, "status");
	unsigned long long v[8];
	int n = status ? emu_status_field(status, "\nNSpid:", 10, v, 8) : 0;
	*ret_depth = n > 0 ? n : 0;
	return n > 0 ? (int)v[n - 1] : 0;
}

/*
 * The highest pid of the container's namespace: the deepest one in its
 * cgroup. A container that joined a pid namespace has its init one level
 * up (a host pid, which the container must not learn).
 */
static void note_pid(struct task_counts *n, int *depth, int pid, int d)
{
	if (d > *depth)
		*depth = d, n->last_pid = pid;
	else if (d == *depth)
		n->last_pid = MAX(n->last_pid, pid);
}

static void count_tasks(struct emu_kernel *k, struct task_counts *n, bool with_pids)
{
	_cleanup_free_ char *tids = NULL;
	int depth = 0, d;
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
		if (with_pids) {
			int pid = ns_pid(k->proc_fd, tid, &d);
			note_pid(n, &depth, pid, d);
		}
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

/* A free slot's index, or -EMFILE. */
static int handle_slot(struct emu_viewfs *fs)
{
	for (int i = 0; i < MAX_OPEN; i++)
		if (!fs->open[i].snap.text && !fs->open[i].kmsg)
			return i;
	return -EMFILE;
}

static int snapshot_take(struct emu_viewfs *fs, enum view v, uint64_t *fh)
{
	int i = handle_slot(fs);
	if (i < 0)
		return i;
	struct snapshot *s = &fs->open[i].snap;
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
	*fh = (uint64_t)i + 1;
	return 0;
}

static struct handle *handle_get(struct emu_viewfs *fs, uint64_t fh)
{
	return fh >= 1 && fh <= MAX_OPEN ? &fs->open[fh - 1] : NULL;
}

static struct snapshot *snapshot_get(struct emu_viewfs *fs, uint64_t fh)
{
	struct handle *h = handle_get(fs, fh);
	return h && h->snap.text ? &h->snap : NULL;
}

static struct kmsg_open *kmsg_get(struct emu_viewfs *fs, uint64_t fh)
{
	struct handle *h = handle_get(fs, fh);
	return h ? h->kmsg : NULL;
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

/* /dev/kmsg's size: the file position lseek(SEEK_END) gives (see "kmsg"). */
#define KMSG_SIZE (1ULL << 62)

static void fill_attr(uint64_t node, struct fuse_attr *a)
{
	uint64_t now = (uint64_t)time(NULL);

	memset(a, 0, sizeof(*a));
	a->ino = node;
	a->mode = node == ROOT_ID ? S_IFDIR | 0555 : node == KMSG_ID ? S_IFREG | 0644 : S_IFREG | 0444;
	a->nlink = node == ROOT_ID ? 2 : 1;
	a->size = node == KMSG_ID ? KMSG_SIZE : 0;
	a->atime = a->mtime = a->ctime = now;
	a->blksize = 4096;
}

/* ----------------------------------------------------------------- kmsg */

/*
 * /dev/kmsg. Each open has a cursor (kmsg.h) here. Reads bypass the page
 * cache (FOPEN_DIRECT_IO), so the kernel passes the file position with each
 * read and moves it on by what the read returned; lseek(2) itself reaches us
 * only for SEEK_DATA (FUSE_LSEEK). So the position a read comes with says
 * what the task did since its last read or write:
 *   next_off    nothing: read on at the cursor;
 *   0           lseek(SEEK_SET, 0): the oldest record;
 *   KMSG_SIZE   lseek(SEEK_END): the file's size. The kernel asks for it
 *               with a GETATTR naming the open (attr_valid 0: every time),
 *               and that is when we take the end, so records appended
 *               between the lseek and the read are not skipped;
 *   other       lseek elsewhere or pread: ESPIPE (Linux refuses such seeks).
 * FOPEN_NONSEEKABLE or FOPEN_STREAM would make every lseek fail instead.
 * A blocking read at the end is not answered until a record comes: the
 * ring's append writes kmsg_fd, and serve() retries the waiting reads.
 */

#define KMSG_DATA_OFF (1ULL << 61) /* the position lseek(SEEK_DATA) gives */

static int kmsg_open(struct emu_viewfs *fs, uint64_t *fh)
{
	int i = handle_slot(fs);
	if (i < 0)
		return i;
	struct kmsg_open *ko = xcalloc(1, sizeof(*ko));
	emu_ratelimit_init(&ko->rl, 2, 10, now_mono_ns());
	pthread_mutex_lock(&fs->k->lock);
	emu_kmsg_seek_oldest(&fs->k->syslog, &ko->cur);
	emu_kmsg_seek_end(&fs->k->syslog, &ko->end);
	pthread_mutex_unlock(&fs->k->lock);
	fs->open[i].kmsg = ko;
	*fh = (uint64_t)i + 1;
	return 0;
}

/* A GETATTR naming an open /dev/kmsg comes from lseek(SEEK_END): move the
 * cursor now (poll(2) sees it too), and tell the next read at KMSG_SIZE. */
static void kmsg_getattr(struct emu_viewfs *fs, const struct fuse_getattr_in *in, size_t n)
{
	struct kmsg_open *ko;

	if (n < sizeof(*in) || !(in->getattr_flags & FUSE_GETATTR_FH) || !(ko = kmsg_get(fs, in->fh)))
		return;
	pthread_mutex_lock(&fs->k->lock);
	emu_kmsg_seek_end(&fs->k->syslog, &ko->end);
	pthread_mutex_unlock(&fs->k->lock);
	ko->cur = ko->end;
	ko->has_end = true;
}

/* Move the cursor to where the read's file position says (see above). */
static int kmsg_position(struct emu_viewfs *fs, struct kmsg_open *ko, uint64_t off)
{
	if (off == KMSG_SIZE && ko->has_end) { /* a new lseek(SEEK_END), maybe from the end */
		ko->cur = ko->end;
		ko->has_end = false;
	} else if (off == ko->next_off) {
		return 0;
	} else if (off == KMSG_SIZE) {
		ko->cur = ko->end;
	} else if (off == 0) {
		pthread_mutex_lock(&fs->k->lock);
		emu_kmsg_seek_oldest(&fs->k->syslog, &ko->cur);
		pthread_mutex_unlock(&fs->k->lock);
	} else {
		return -ESPIPE;
	}
	ko->next_off = off;
	return 0;
}

/* Answer a read at the cursor. False, with nothing sent, when there is no
 * record yet and the read may wait for one. */
static bool kmsg_answer(struct emu_viewfs *fs, struct kmsg_open *ko, uint64_t unique,
			uint32_t size, uint64_t off, bool may_wait)
{
	char buf[EMU_KMSG_LINE_MAX];

	pthread_mutex_lock(&fs->k->lock);
	ssize_t n = emu_kmsg_read(&fs->k->syslog, &ko->cur, buf, MIN((size_t)size, sizeof(buf)));
	pthread_mutex_unlock(&fs->k->lock);
	if (n == -EAGAIN && may_wait)
		return false;
	if (n >= 0)
		ko->next_off = off + (uint64_t)n;
	reply(fs, unique, n < 0 ? (int)n : 0, buf, n < 0 ? 0 : (size_t)n);
	return true;
}

static void kmsg_read(struct emu_viewfs *fs, const struct fuse_in_header *h, struct kmsg_open *ko,
		      const struct fuse_read_in *in)
{
	bool may_wait = !(in->flags & O_NONBLOCK);
	int r;

	/* One waiting read per open: the kernel serialises the reads of one
	 * open file (its position's lock), so another one can only be a pread. */
	if (ko->is_waiting)
		return reply(fs, h->unique, -EBUSY, NULL, 0);
	if ((r = kmsg_position(fs, ko, in->offset)) < 0)
		return reply(fs, h->unique, r, NULL, 0);
	if (kmsg_answer(fs, ko, h->unique, in->size, in->offset, may_wait))
		return;
	ko->is_waiting = true;
	ko->wait_unique = h->unique;
	ko->wait_size = in->size;
	ko->wait_off = in->offset;
}

static void op_write(struct emu_viewfs *fs, const struct fuse_in_header *h, const void *arg,
		     size_t n)
{
	const struct fuse_write_in *in = arg;
	struct kmsg_open *ko = n >= sizeof(*in) ? kmsg_get(fs, in->fh) : NULL;
	struct fuse_write_out out = { 0 };
	ssize_t r;

	if (!ko || in->size > n - sizeof(*in))
		return reply(fs, h->unique, -EBADF, NULL, 0);
	r = (ssize_t)in->size;
	/* Over the limit, a write succeeds and logs nothing, as in Linux. */
	pthread_mutex_lock(&fs->k->lock);
	if (in->size > EMU_KMSG_WRITE_MAX || emu_ratelimit_allow(&ko->rl, now_mono_ns()))
		r = emu_kmsg_write(&fs->k->syslog, now_mono_ns(), (const char *)(in + 1), in->size);
	pthread_mutex_unlock(&fs->k->lock);
	if (r < 0)
		return reply(fs, h->unique, (int)r, NULL, 0);
	if (in->offset == ko->next_off)
		ko->next_off += in->size; /* where the kernel moves the position */
	out.size = in->size;
	reply(fs, h->unique, 0, &out, sizeof(out));
}

/* open(O_TRUNC) truncates first: a no-op, as on a character device. */
static void op_setattr(struct emu_viewfs *fs, const struct fuse_in_header *h, const void *arg,
		       size_t n)
{
	const struct fuse_setattr_in *in = arg;
	const uint32_t harmless = FATTR_SIZE | FATTR_FH | FATTR_LOCKOWNER | FATTR_ATIME |
				  FATTR_MTIME | FATTR_ATIME_NOW | FATTR_MTIME_NOW | FATTR_CTIME;
	struct fuse_attr_out out = { 0 };

	if (h->nodeid != KMSG_ID)
		return reply(fs, h->unique, -ENOSYS, NULL, 0);
	if (n < sizeof(*in) || (in->valid & ~harmless) || ((in->valid & FATTR_SIZE) && in->size))
		return reply(fs, h->unique, -EPERM, NULL, 0);
	fill_attr(h->nodeid, &out.attr);
	reply(fs, h->unique, 0, &out, sizeof(out));
}

/* lseek(SEEK_DATA): after the last SYSLOG_ACTION_CLEAR, as Linux's kmsg. */
static void op_lseek(struct emu_viewfs *fs, const struct fuse_in_header *h, const void *arg,
		     size_t n)
{
	const struct fuse_lseek_in *in = arg;
	struct kmsg_open *ko = n >= sizeof(*in) ? kmsg_get(fs, in->fh) : NULL;
	struct fuse_lseek_out out = { .offset = KMSG_DATA_OFF };

	/* Never ENOSYS: the kernel would stop asking for every file. The views
	 * are empty as far as the kernel knows (size 0): no data. */
	if (!ko)
		return reply(fs, h->unique, -ENXIO, NULL, 0);
	if (in->whence != SEEK_DATA || in->offset != 0)
		return reply(fs, h->unique, -EINVAL, NULL, 0);
	pthread_mutex_lock(&fs->k->lock);
	emu_kmsg_seek_clear(&fs->k->syslog, &ko->cur);
	pthread_mutex_unlock(&fs->k->lock);
	ko->next_off = KMSG_DATA_OFF;
	reply(fs, h->unique, 0, &out, sizeof(out));
}

/* Readable when the cursor has a record (or lost it: the read says EPIPE). */
static bool kmsg_readable(struct emu_viewfs *fs, const struct kmsg_open *ko)
{
	pthread_mutex_lock(&fs->k->lock);
	bool r = emu_kmsg_readable(&fs->k->syslog, &ko->cur);
	pthread_mutex_unlock(&fs->k->lock);
	return r;
}

static void op_poll(struct emu_viewfs *fs, const struct fuse_in_header *h, const void *arg,
		    size_t n)
{
	const struct fuse_poll_in *in = arg;
	struct kmsg_open *ko = n >= sizeof(*in) ? kmsg_get(fs, in->fh) : NULL;
	struct fuse_poll_out out = { .revents = POLLOUT | POLLWRNORM };

	/* The views are always readable. Never ENOSYS: the kernel would stop
	 * asking for every file, /dev/kmsg too. */
	if (!ko || kmsg_readable(fs, ko))
		out.revents |= POLLIN | POLLRDNORM;
	else if (in->flags & FUSE_POLL_SCHEDULE_NOTIFY) {
		ko->is_polled = true;
		ko->poll_kh = in->kh;
	}
	reply(fs, h->unique, 0, &out, sizeof(out));
}

static void notify_poll(struct emu_viewfs *fs, uint64_t kh)
{
	struct fuse_notify_poll_wakeup_out w = { .kh = kh };
	struct fuse_out_header h = { .len = sizeof(h) + sizeof(w), .error = FUSE_NOTIFY_POLL };
	struct iovec iov[2] = { { &h, sizeof(h) }, { &w, sizeof(w) } };

	if (writev(fs->fuse_fd, iov, 2) < 0)
		pr_debug("poll notification: %s", strerror(errno));
}

/* A record came: answer the waiting reads, wake the pollers. */
static void kmsg_wake(struct emu_viewfs *fs)
{
	uint64_t count;

	(void)!read(fs->kmsg_fd, &count, sizeof(count));
	for (size_t i = 0; i < MAX_OPEN; i++) {
		struct kmsg_open *ko = fs->open[i].kmsg;
		if (!ko)
			continue;
		if (ko->is_waiting &&
		    kmsg_answer(fs, ko, ko->wait_unique, ko->wait_size, ko->wait_off, true))
			ko->is_waiting = false;
		if (ko->is_polled && kmsg_readable(fs, ko)) {
			ko->is_polled = false;
			notify_poll(fs, ko->poll_kh);
		}
	}
}

/* A signal for a task in a waiting read: it returns EINTR (a fatal signal
 * would otherwise leave it unkillable until a record came). */
static void op_interrupt(struct emu_viewfs *fs, const void *arg, size_t n)
{
	const struct fuse_interrupt_in *in = arg;

	for (size_t i = 0; i < MAX_OPEN && n >= sizeof(*in); i++) {
		struct kmsg_open *ko = fs->open[i].kmsg;
		if (ko && ko->is_waiting && ko->wait_unique == in->unique) {
			ko->is_waiting = false;
			reply(fs, ko->wait_unique, -EINTR, NULL, 0);
		}
	}
}

/* Shutting down: no read waits for a record that will never come. */
static void kmsg_fail_waiting(struct emu_viewfs *fs)
{
	for (size_t i = 0; i < MAX_OPEN; i++) {
		struct kmsg_open *ko = fs->open[i].kmsg;
		if (ko && ko->is_waiting) {
			ko->is_waiting = false;
			reply(fs, ko->wait_unique, -EIO, NULL, 0);
		}
	}
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
		out.attr_valid = out.nodeid == KMSG_ID ? 0 : out.attr_valid;
		fill_attr(out.nodeid, &out.attr);
		return reply(fs, h->unique, 0, &out, sizeof(out));
	}
	reply(fs, h->unique, -ENOENT, NULL, 0);
}

static bool is_file_node(uint64_t node)
{
	return node > ROOT_ID && node <= ROOT_ID + V__COUNT;
}

static void op_getattr(struct emu_viewfs *fs, const struct fuse_in_header *h, const void *arg,
		       size_t n)
{
	struct fuse_attr_out out = { .attr_valid = h->nodeid == KMSG_ID ? 0 : 3600 };

	if (h->nodeid != ROOT_ID && !is_file_node(h->nodeid))
		return reply(fs, h->unique, -ENOENT, NULL, 0);
	if (h->nodeid == KMSG_ID)
		kmsg_getattr(fs, arg, n);
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
	if (h->nodeid == KMSG_ID)
		r = kmsg_open(fs, &out.fh);
	else if ((in->flags & O_ACCMODE) != O_RDONLY)
		r = -EACCES;
	else
		r = snapshot_take(fs, (enum view)(h->nodeid - ROOT_ID - 1), &out.fh);
	reply(fs, h->unique, r, &out, sizeof(out));
}

static void op_read(struct emu_viewfs *fs, const struct fuse_in_header *h, const void *arg,
		    size_t n)
{
	const struct fuse_read_in *in = arg;
	struct snapshot *s = n >= sizeof(*in) ? snapshot_get(fs, in->fh) : NULL;
	struct kmsg_open *ko = n >= sizeof(*in) ? kmsg_get(fs, in->fh) : NULL;

	if (ko)
		return kmsg_read(fs, h, ko, in);
	if (!s)
		return reply(fs, h->unique, -EBADF, NULL, 0);
	size_t off = in->offset < s->len ? (size_t)in->offset : s->len;
	reply(fs, h->unique, 0, s->text + off, MIN(s->len - off, (size_t)MIN(in->size, MAX_READ)));
}

static void op_release(struct emu_viewfs *fs, const struct fuse_in_header *h, const void *arg,
		       size_t n)
{
	const struct fuse_release_in *in = arg;
	struct handle *o = n >= sizeof(*in) ? handle_get(fs, in->fh) : NULL;

	/* No read can wait here: a waiting read holds the file open. */
	if (o) {
		free(o->snap.text);
		o->snap.text = NULL;
		free(o->kmsg);
		o->kmsg = NULL;
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
	case FUSE_GETATTR: op_getattr(fs, h, arg, n); break;
	case FUSE_SETATTR: op_setattr(fs, h, arg, n); break;
	case FUSE_OPEN: op_open(fs, h, arg, n); break;
	case FUSE_READ: op_read(fs, h, arg, n); break;
	case FUSE_WRITE: op_write(fs, h, arg, n); break;
	case FUSE_LSEEK: op_lseek(fs, h, arg, n); break;
	case FUSE_POLL: op_poll(fs, h, arg, n); break;
	case FUSE_RELEASE: op_release(fs, h, arg, n); break;
	case FUSE_STATFS: reply(fs, h->unique, 0, &st, sizeof(st)); break;
	case FUSE_INTERRUPT: op_interrupt(fs, arg, n); break;
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
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
	struct pollfd p[3] = { { .fd = fs->fuse_fd, .events = POLLIN },
			       { .fd = fs->stop_fd, .events = POLLIN },
			       { .fd = fs->kmsg_fd, .events = POLLIN } };

	for (;;) {
		int ready = poll(p, 3, sample_load(fs));
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready < 0 || p[1].revents)
			break;
		if (p[0].revents & (POLLERR | POLLHUP | POLLNVAL))
			break; /* the connection is gone: every mount of it went with the container */
		if (p[2].revents & POLLIN)
			kmsg_wake(fs);
		if (!(p[0].revents & POLLIN))
			continue; /* the load's timer, or a record */
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
	kmsg_fail_waiting(fs);
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
	/* Read-only but for /dev/kmsg, whose bind init makes writable. */
	r = (int)syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC,
			 MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	return r < 0 ? -errno : r;
}

static void viewfs_free(struct emu_viewfs *fs)
{
	closep(&fs->kmsg_fd);
	closep(&fs->stop_fd);
	/* Closing the last /dev/fuse fd aborts the connection: a reader still
	 * in the container gets ENOTCONN instead of waiting for us. */
	closep(&fs->fuse_fd);
	for (size_t i = 0; i < MAX_OPEN; i++) {
		free(fs->open[i].snap.text);
		free(fs->open[i].kmsg);
	}
	free(fs);
}

int emu_viewfs_start(struct emu_kernel *k)
{
	struct emu_viewfs *fs = xcalloc(1, sizeof(*fs));
	int r, mnt = -1;

	fs->k = k;
	fs->stop_fd = fs->kmsg_fd = -1;
	fs->fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fs->fuse_fd < 0) {
		r = -errno;
		goto fail;
	}
	mnt = r = mount_detached(fs->fuse_fd);
	if (r < 0)
		goto fail;
	fs->stop_fd = eventfd(0, EFD_CLOEXEC);
	fs->kmsg_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fs->stop_fd < 0 || fs->kmsg_fd < 0) {
		r = -errno;
		goto fail;
	}
	r = hy_thread_start(&fs->thread, serve, fs);
	if (r < 0)
		goto fail;
	pthread_mutex_lock(&k->lock);
	k->syslog.wake_fd = fs->kmsg_fd;
	pthread_mutex_unlock(&k->lock);
	k->views = fs;
	return mnt;
fail:
	if (mnt >= 0)
		close(mnt);
	viewfs_free(fs);
	return r;
}

void emu_viewfs_stop(struct emu_kernel *k)
{
	struct emu_viewfs *fs = k->views;

	if (!fs)
		return;
	pthread_mutex_lock(&k->lock);
	k->syslog.wake_fd = -1;
	pthread_mutex_unlock(&k->lock);
	(void)!write(fs->stop_fd, &(uint64_t){ 1 }, sizeof(uint64_t));
	pthread_join(fs->thread, NULL);
	viewfs_free(fs);
	k->views = NULL;
}
