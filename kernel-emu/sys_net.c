// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated road of the policy's "network" section: socket(2) families,
 * and the addresses of connect(2), bind(2), sendto(2), sendmsg(2) and
 * sendmmsg(2) (bpf/abi/policy.h decides; docs/policy.md says what; net.c
 * reads the copied addresses).
 *
 * socket(): every argument is a register, so the decision cannot be raced;
 * an allowed call continues natively (EMU_RET_CONTINUE).
 *
 * The others name a socket by fd number and pass the address (and data) in
 * memory, which other threads can change at any time: the call is never
 * continued once a decision depended on either. Instead the handler takes
 * the socket itself (pidfd_getfd: the fd number is read once), copies the
 * address, data and control once, decides on the copies and performs the
 * call on the duplicate with them. The one exception is sendto() with a NULL
 * address (a register): nothing to decide, so the seccomp filter lets it run
 * natively (road.c) and the handler continues it if it arrives anyway.
 *
 * Performed as the task. A call made by the supervisor would use the
 * supervisor's credentials: bind() below 1024 without CAP_NET_BIND_SERVICE,
 * privileged control messages, SO_PEERCRED at unix connect() and the
 * implicit SCM credentials of unix sends would all see root. So the call runs
 * in a short-lived thread that first takes the task's fsuid, fsgid,
 * supplementary groups and effective capabilities (per-thread raw syscalls;
 * glibc's wrappers would change every thread). A unix pathname is resolved in
 * the task's root and cwd, and bind() creates the inode with its umask (the
 * thread unshares its fs_struct first). What still differs from the task:
 * the pid (SO_PEERCRED and SCM credentials carry the supervisor's, which the
 * container sees as 0), LSM labels, and capabilities are those of the initial
 * user namespace (exact for hybox's containers, which have no user namespace).
 * When the task's credentials equal the serving thread's and no path is
 * involved, a call that cannot block runs inline.
 *
 * Blocking. connect() of a blocking stream socket and send on a blocking
 * socket can wait for a long time; the notify loop must not. Such a call runs
 * in a detached worker (at most NET_ASYNC_MAX at once; beyond that the loop
 * waits, which stalls only this container) that answers the notification
 * itself (EMU_RET_ASYNC). Every second a timer signal interrupts the worker's
 * wait so it can check that the task is still waiting (NOTIF_ID_VALID): once
 * the task is gone or was interrupted, the worker gives up, as the kernel
 * would; while it waits, the worker retries, so the task sees one blocking
 * call. A stream send interrupted that way continues with the rest.
 *
 * Control data: SCM_RIGHTS carries task fd numbers; each is replaced by a
 * duplicate of the task's file (pidfd_getfd), the cmsg headers being walked
 * exactly as the kernel walks them (a malformed header fails the call with
 * EINVAL before anything is sent, so no number escapes translation).
 * SCM_CREDENTIALS (its pid would be read in the supervisor's pid namespace)
 * and SCTP-level messages (they can carry destinations) are refused with
 * EPERM and a line in the container's kernel log. Other messages pass as
 * they are and the kernel checks them against the task's capabilities.
 *
 * Bounds: addresses 128 bytes (sockaddr_storage), data 64 KiB per message
 * (a stream send of more is cut there and returns the short count, other
 * sockets get EMSGSIZE), control 4 KiB (ENOBUFS), 1024 iovecs (EMSGSIZE),
 * 253 passed fds (EINVAL), 64 messages per sendmmsg (a short count).
 *
 * SCTP (setsockopt connectx/bindx and address cmsgs bypass connect/bind) is
 * refused at socket() while the policy's address rules are routed here.
 */
#define LOG_PREFIX "net: "
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "kernel.h"
#include "log.h"
#include "net.h"
#include "seccomp_compat.h"
#include "sys.h"
#include "task.h"
#include "util.h"

#define NET_DATA_MAX    (64 * 1024)
#define NET_CTL_MAX     4096
#define NET_IOV_MAX     1024 /* UIO_MAXIOV */
#define NET_FDS_MAX     253  /* SCM_MAX_FD */
#define NET_MMSG_MAX    64
#define NET_ASYNC_MAX   16
#define NET_STACK_SIZE  (256 * 1024)

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

/* Interrupts a worker's blocking call once a second (see the top comment). */
#define NET_WAKE_SIGNAL (SIGRTMAX - 3)

/* ---- policy and events ---------------------------------------------------- */

static const struct hy_net_policy *net_policy(const struct emu_kernel *k)
{
	return emu_net_policy(k->obj);
}

static bool addr_routed(const struct emu_kernel *k)
{
	return k->policy && (k->policy->areas & EMU_AREA_NET_ADDR);
}

/* true: refuse the call with -EPERM (the event says why); false: go on. */
static bool net_deny(struct emu_kernel *k, struct emu_call *c, uint32_t op,
		     const struct emu_net_addr *a)
{
	struct hy_evt_policy ev = {
		.area = HY_AREA_NET,
		.op = op,
		.family = a->family,
		.port = a->port,
		.ret = -EPERM,
	};

	memcpy(ev.addr, a->addr, sizeof(ev.addr));
	memcpy(ev.path, a->path, sizeof(ev.path));
	return emu_policy_deny(k, c, &ev);
}

long emu_sys_socket(struct emu_kernel *k, struct emu_call *c)
{
	int domain = (int)c->args[0], type = (int)c->args[1], protocol = (int)c->args[2];
	struct emu_net_addr a = { .family = emu_net_family(domain, type) };
	bool allow = hy_net_socket_decide(net_policy(k), a.family) == HY_NET_ALLOW;

	if (allow && addr_routed(k) && emu_net_is_sctp(domain, type, protocol)) {
		emu_kernel_log(k, 4, "hybox: net: SCTP socket refused by pid %d: its connectx/bindx "
				     "bypass the address rules", c->pid);
		allow = false;
	}
	if (!allow && net_deny(k, c, HY_OP_SOCKET, &a))
		return -EPERM;
	return EMU_RET_CONTINUE; /* register arguments only: nothing can change them */
}

/* ---- one operation on the task's socket ----------------------------------- */

struct net_msg {
	struct sockaddr_storage name;
	int namelen;      /* 0: no address */
	bool via_sendto;  /* sendto(): a non-NULL address pointer even when namelen is 0 */
	void *buf;
	size_t len;
	bool mapped;      /* buf is an mmap (MSG_ZEROCOPY: the kernel may hold the pages) */
	void *ctl;
	size_t ctllen;
	int fds[NET_FDS_MAX]; /* SCM_RIGHTS duplicates, closed after the call */
	unsigned nfds;
	uint64_t len_addr; /* sendmmsg: where msg_len goes */
	size_t sent;
};

struct net_op {
	enum emu_net_use kind;
	int sock; /* the task's socket (duplicate) */
	int domain, type;
	bool nonblock;
	int flags; /* send flags as the task gave them */
	bool blocking;
	bool mmsg;
	struct net_msg *msg;
	unsigned nalloc; /* entries of msg[] (freed) */
	unsigned nmsg;   /* entries to send */
	unsigned nsent;

	/* acting as the task */
	struct emu_task_cred cred;
	bool unix_path;
	int rootfd, cwdfd;

	/* answering */
	uint64_t id;
	pid_t tid;
	int listener; /* for NOTIF_ID_VALID / NOTIF_SEND, -1: none (tests) */
	bool own_listener;
	bool async;
	int memfd; /* async sendmmsg: the task's memory, for msg_len */

	long result;
	bool epipe;
};

static atomic_int async_live;

static void *buf_alloc(size_t len, bool mapped)
{
	void *p;

	if (!mapped)
		return malloc(len ? len : 1);
	p = mmap(NULL, len ? len : 1, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void op_free(struct net_op *op)
{
	unsigned i, j;

	if (!op)
		return;
	for (i = 0; op->msg && i < op->nalloc; i++) {
		struct net_msg *m = &op->msg[i];

		if (m->mapped && m->buf)
			munmap(m->buf, m->len ? m->len : 1);
		else
			free(m->buf);
		free(m->ctl);
		for (j = 0; j < m->nfds; j++)
			close(m->fds[j]);
	}
	free(op->msg);
	closep(&op->sock);
	closep(&op->rootfd);
	closep(&op->cwdfd);
	closep(&op->memfd);
	if (op->own_listener)
		closep(&op->listener);
	free(op);
}

static void op_freep(struct net_op **op)
{
	op_free(*op);
}

static struct net_op *op_new(unsigned nmsg)
{
	struct net_op *op = xcalloc(1, sizeof(*op));

	op->msg = xcalloc(nmsg, sizeof(*op->msg));
	op->nalloc = op->nmsg = nmsg;
	op->sock = op->rootfd = op->cwdfd = op->memfd = op->listener = -1;
	return op;
}

/* Take the task's socket fd and read what the kernel knows about it. */
static long op_socket(struct emu_kernel *k, struct emu_call *c, int fd, struct net_op *op)
{
	socklen_t len = sizeof(int);
	int r = emu_task_getfd(k, c, fd), fl;

	/* pidfd_getfd() is a ptrace-grade access: a non-root task's socket needs
	 * CAP_SYS_PTRACE, which an earlier handler's adopted credentials dropped. */
	if (r == -EPERM && c->cred->adopted) {
		emu_cred_restore(c->cred);
		r = emu_task_getfd(k, c, fd);
	}
	if (r < 0)
		return r;
	op->sock = r;
	if (getsockopt(op->sock, SOL_SOCKET, SO_DOMAIN, &op->domain, &len) < 0)
		return -errno; /* ENOTSOCK */
	len = sizeof(int);
	if (getsockopt(op->sock, SOL_SOCKET, SO_TYPE, &op->type, &len) < 0)
		return -errno;
	fl = fcntl(op->sock, F_GETFL);
	if (fl < 0)
		return -errno;
	op->nonblock = fl & O_NONBLOCK;
	return 0;
}

/* Parse and decide m's address; 0 to go on, or the task's -errno. */
static long op_check_addr(struct emu_kernel *k, struct emu_call *c, struct net_op *op,
			  const struct net_msg *m, enum emu_net_use use)
{
	struct emu_net_addr a;
	int r = emu_net_addr_parse(&m->name, m->namelen, op->domain, op->type, use, &a);

	if (r < 0)
		return r;
	if (a.is_unix_path)
		op->unix_path = true;
	if (emu_net_addr_decide(net_policy(k), &a, use) == HY_NET_ALLOW)
		return 0;
	return net_deny(k, c, use == EMU_NET_BIND ? HY_OP_BIND : HY_OP_CONNECT, &a) ? -EPERM : 0;
}

/* Copy n data segments (addr, len) into one buffer: the copy the call sends. */
static long msg_copy_data(struct emu_call *c, struct net_op *op, struct net_msg *m,
			  const struct iovec *iov, size_t n)
{
	size_t total = 0, want, off = 0, i, part;

	for (i = 0; i < n; i++) {
		if ((ssize_t)iov[i].iov_len < 0)
			return -EINVAL;
		total += MIN(iov[i].iov_len, (size_t)NET_DATA_MAX + 1); /* no overflow */
	}
	want = total;
	if (total > NET_DATA_MAX) {
		if (op->type != SOCK_STREAM)
			return -EMSGSIZE;
		want = NET_DATA_MAX; /* a stream send may be short */
	}
	m->mapped = op->flags & MSG_ZEROCOPY;
	m->buf = buf_alloc(want, m->mapped);
	if (!m->buf)
		return -ENOMEM;
	m->len = want;
	for (i = 0; i < n && off < want; i++) {
		part = MIN(iov[i].iov_len, want - off);
		if (part && emu_call_read(c, (uint64_t)(uintptr_t)iov[i].iov_base,
					  (char *)m->buf + off, part) < 0)
			return -EFAULT;
		off += part;
	}
	return 0;
}

static long ctl_refuse(struct emu_kernel *k, struct emu_call *c, const char *what)
{
	emu_kernel_log(k, 4, "hybox: net: %s control message refused (pid %d): not supported "
			     "on the emulated road", what, c->pid);
	pr_debug("%s control message from %d refused", what, c->pid);
	return -EPERM;
}

/*
 * Copy the control data once and translate it. The walk is the kernel's
 * (for_each_cmsghdr + CMSG_OK): a header that does not fit fails the whole
 * call, so every SCM_RIGHTS the kernel will read is one translated here.
 */
static long msg_copy_control(struct emu_kernel *k, struct emu_call *c, struct net_msg *m,
			     uint64_t uctl, uint64_t ctllen)
{
	size_t off = 0, i, n;
	int fd, dup;

	if (ctllen == 0)
		return 0;
	if (ctllen > NET_CTL_MAX)
		return -ENOBUFS; /* the kernel's answer when optmem cannot hold it */
	m->ctl = xmalloc(ctllen);
	m->ctllen = ctllen;
	if (emu_call_read(c, uctl, m->ctl, ctllen) < 0)
		return -EFAULT;
	while (m->ctllen - off >= sizeof(struct cmsghdr)) {
		struct cmsghdr *cm = (struct cmsghdr *)((char *)m->ctl + off);
		unsigned char *data = CMSG_DATA(cm);

		if (cm->cmsg_len < sizeof(*cm) || cm->cmsg_len > m->ctllen - off)
			return -EINVAL;
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			n = (cm->cmsg_len - sizeof(*cm)) / sizeof(int);
			if (m->nfds + n > NET_FDS_MAX)
				return -EINVAL;
			for (i = 0; i < n; i++) {
				memcpy(&fd, data + i * sizeof(int), sizeof(int));
				dup = emu_task_getfd(k, c, fd);
				if (dup < 0)
					return dup == -ENOMEM ? dup : -EBADF;
				m->fds[m->nfds++] = dup;
				memcpy(data + i * sizeof(int), &dup, sizeof(int));
			}
		} else if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS) {
			return ctl_refuse(k, c, "SCM_CREDENTIALS");
		} else if (cm->cmsg_level == IPPROTO_SCTP) {
			return ctl_refuse(k, c, "SCTP");
		}
		off += CMSG_ALIGN(cm->cmsg_len);
	}
	return 0;
}

/* A struct msghdr (already copied) into m: name, decision, data, control. */
static long msg_prepare(struct emu_kernel *k, struct emu_call *c, struct net_op *op,
			struct net_msg *m, const struct msghdr *mh)
{
	struct iovec *iov = NULL;
	long r;

	if (mh->msg_name) {
		r = emu_net_addr_copy(c, (uint64_t)(uintptr_t)mh->msg_name, mh->msg_namelen, true,
				      &m->name);
		if (r < 0)
			return r;
		m->namelen = (int)r;
	}
	if (m->namelen && (r = op_check_addr(k, c, op, m, EMU_NET_SEND)) < 0)
		return r;
	if (mh->msg_iovlen > NET_IOV_MAX)
		return -EMSGSIZE;
	if (mh->msg_iovlen) {
		iov = xmalloc(mh->msg_iovlen * sizeof(*iov));
		if (emu_call_read(c, (uint64_t)(uintptr_t)mh->msg_iov, iov,
				  mh->msg_iovlen * sizeof(*iov)) < 0)
			r = -EFAULT;
		else
			r = msg_copy_data(c, op, m, iov, mh->msg_iovlen);
		free(iov);
	} else {
		r = msg_copy_data(c, op, m, NULL, 0);
	}
	if (r < 0)
		return r;
	return msg_copy_control(k, c, m, (uint64_t)(uintptr_t)mh->msg_control, mh->msg_controllen);
}

/* ---- acting as the task ----------------------------------------------------- */

static __thread volatile sig_atomic_t net_woken;

static void on_wake(int sig)
{
	(void)sig;
	net_woken = 1;
}

static void wake_install(void)
{
	struct sigaction sa = { .sa_handler = on_wake }; /* no SA_RESTART: interrupt */

	sigemptyset(&sa.sa_mask);
	sigaction(NET_WAKE_SIGNAL, &sa, NULL);
}

static pthread_once_t wake_once = PTHREAD_ONCE_INIT;

/* A periodic NET_WAKE_SIGNAL to the calling thread. */
static int wake_timer_start(timer_t *t)
{
	struct sigevent sev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = NET_WAKE_SIGNAL };
	struct itimerspec its = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };
	sigset_t set;

	pthread_once(&wake_once, wake_install);
	sigemptyset(&set);
	sigaddset(&set, NET_WAKE_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	sev.sigev_notify_thread_id = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, t) < 0)
		return -errno;
	if (timer_settime(*t, 0, &its, NULL) < 0) {
		int r = -errno;

		timer_delete(*t);
		return r;
	}
	return 0;
}

static bool op_valid(const struct net_op *op)
{
	uint64_t id = op->id;

	if (op->listener < 0)
		return true;
	return ioctl(op->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

static uint64_t cap_word(const struct __user_cap_data_struct d[2], bool permitted)
{
	return permitted ? d[0].permitted | (uint64_t)d[1].permitted << 32 :
			   d[0].effective | (uint64_t)d[1].effective << 32;
}

/* Does this thread already hold exactly the task's credentials? */
static bool cred_matches(const struct emu_task_cred *t)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	gid_t groups[EMU_TASK_GROUPS];
	int n;

	if (geteuid() != t->fsuid || getegid() != t->fsgid || t->ngroups < 0 ||
	    (uid_t)syscall(SYS_setfsuid, -1) != t->fsuid ||
	    (gid_t)syscall(SYS_setfsgid, -1) != t->fsgid)
		return false;
	n = getgroups(EMU_TASK_GROUPS, groups);
	if (n != t->ngroups || memcmp(groups, t->groups, (size_t)n * sizeof(gid_t)) != 0)
		return false;
	if (syscall(SYS_capget, &h, d) < 0)
		return false;
	return cap_word(d, false) == t->cap_eff;
}

/*
 * Take the task's credentials in this thread only (raw syscalls: glibc's
 * wrappers would change every thread of the supervisor). The thread exits
 * after the call, so nothing needs restoring.
 */
static long become_task(const struct emu_task_cred *t)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	uint64_t caps;

	if (cred_matches(t))
		return 0;
	if (t->ngroups < 0 || t->ngroups > EMU_TASK_GROUPS)
		return -EPERM; /* more groups than we can mirror: fail closed */
	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	caps = t->cap_eff & cap_word(d, true);
	if (syscall(SYS_setgroups, t->ngroups, t->groups) < 0 ||
	    syscall(SYS_setresgid, t->fsgid, t->fsgid, t->fsgid) < 0 ||
	    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_setresuid, t->fsuid, t->fsuid, t->fsuid) < 0)
		return -errno;
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)caps;
	d[1].effective = d[1].permitted = (uint32_t)(caps >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		return -errno;
	return 0;
}

static bool same_root(int rootfd)
{
	struct stat a, b;

	return fstat(rootfd, &a) == 0 && stat("/", &b) == 0 && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

/* The notify thread may hold adopted (reduced) effective capabilities, which
 * this thread inherited; the permitted set is intact. */
static long caps_raise(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return -errno;
	if (d[0].effective == d[0].permitted && d[1].effective == d[1].permitted)
		return 0;
	d[0].effective = d[0].permitted;
	d[1].effective = d[1].permitted;
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

/* The task's root, cwd and umask for a unix path, then its credentials. */
static long op_enter(struct net_op *op)
{
	if (cred_matches(&op->cred) && op->rootfd < 0)
		return 0;
	if (caps_raise() < 0)
		return -EPERM;
	if (op->rootfd >= 0) {
		if (unshare(CLONE_FS) < 0)
			return -errno;
		if (!same_root(op->rootfd) && (fchdir(op->rootfd) < 0 || chroot(".") < 0))
			return -errno;
		if (fchdir(op->cwdfd) < 0)
			return -errno;
		umask(op->cred.umask);
	}
	return become_task(&op->cred);
}

/* ---- performing ---------------------------------------------------------------- */

/* Retry after our own wake-up while the task still waits: it sees one call. */
static bool op_retry(const struct net_op *op)
{
	return op->blocking && net_woken && op_valid(op);
}

static long do_connect(struct net_op *op)
{
	const struct net_msg *m = &op->msg[0];
	bool retried = false;

	int e;

	for (;;) {
		net_woken = 0;
		if (connect(op->sock, (const struct sockaddr *)&m->name, (socklen_t)m->namelen) == 0)
			return 0;
		e = errno;
		if (e != EINTR || !op_retry(op))
			/* connected while we were interrupted: the task's one call succeeded */
			return e == EISCONN && retried ? 0 : -e;
		retried = true;
	}
}

static ssize_t send_part(struct net_op *op, struct net_msg *m, size_t off, bool with_ctl)
{
	int flags = op->flags | MSG_NOSIGNAL; /* SIGPIPE goes to the task, not to us */
	struct iovec iov = { (char *)m->buf + off, m->len - off };
	struct msghdr mh = {
		.msg_name = m->namelen ? &m->name : NULL,
		.msg_namelen = (socklen_t)m->namelen,
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = with_ctl ? m->ctl : NULL,
		.msg_controllen = with_ctl ? m->ctllen : 0,
	};

	if (m->via_sendto)
		return sendto(op->sock, iov.iov_base, iov.iov_len, flags,
			      (const struct sockaddr *)&m->name, (socklen_t)m->namelen);
	return sendmsg(op->sock, &mh, flags);
}

static long send_one(struct net_op *op, struct net_msg *m)
{
	size_t off = 0;
	ssize_t r;
	int e;

	for (;;) {
		net_woken = 0;
		r = send_part(op, m, off, off == 0); /* control data goes with the first part */
		if (r < 0) {
			e = errno;
			if (e == EINTR && op_retry(op))
				continue;
			if (off)
				return (long)off;
			if (e == EPIPE)
				op->epipe = true;
			return -e;
		}
		off += (size_t)r;
		/* A blocking stream send cut short by our wake-up goes on with the rest. */
		if (off >= m->len || op->type != SOCK_STREAM || !op_retry(op))
			return (long)off;
	}
}

static long do_send(struct net_op *op)
{
	unsigned i;
	long r;

	for (i = 0; i < op->nmsg; i++) {
		r = send_one(op, &op->msg[i]);
		if (r < 0) {
			if (i == 0)
				return r;
			break;
		}
		op->msg[i].sent = (size_t)r;
		op->nsent++;
	}
	return op->mmsg ? (long)op->nsent : (long)op->msg[0].sent;
}

static void op_perform(struct net_op *op)
{
	const struct net_msg *m = &op->msg[0];

	switch (op->kind) {
	case EMU_NET_CONNECT:
		op->result = do_connect(op);
		break;
	case EMU_NET_BIND:
		op->result = bind(op->sock, (const struct sockaddr *)&m->name,
				  (socklen_t)m->namelen) < 0 ? -errno : 0;
		break;
	case EMU_NET_SEND:
		op->result = do_send(op);
		break;
	}
}

/* The kernel sends SIGPIPE to the sending thread on EPIPE without MSG_NOSIGNAL. */
static void op_sigpipe(const struct net_op *op)
{
	if (!op->epipe || (op->flags & MSG_NOSIGNAL) || op->cred.tgid <= 0)
		return;
	/* Still waiting in this notification: the tid is still that thread. */
	if (op->listener >= 0 && op_valid(op))
		syscall(SYS_tgkill, op->cred.tgid, op->tid, SIGPIPE);
}

/* Detached worker: answers the notification itself. */
static void op_answer(struct net_op *op)
{
	struct seccomp_notif_resp resp = { .id = op->id };
	uint32_t len;
	unsigned i;

	for (i = 0; op->mmsg && op->memfd >= 0 && i < op->nsent; i++) {
		len = (uint32_t)op->msg[i].sent;
		if (pwrite(op->memfd, &len, sizeof(len), (off_t)op->msg[i].len_addr) != sizeof(len))
			break;
	}
	op_sigpipe(op);
	if (op->result < 0)
		resp.error = (int32_t)op->result;
	else
		resp.val = op->result;
	/* ENOENT: the task was interrupted or died meanwhile; nothing to tell. */
	if (ioctl(op->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
		pr_debug("NOTIF_SEND: %s", strerror(errno));
}

static void *op_thread(void *arg)
{
	struct net_op *op = arg;
	timer_t timer;
	bool timed = op->blocking && wake_timer_start(&timer) == 0;
	long r = op_enter(op);

	if (r < 0)
		op->result = r;
	else
		op_perform(op);
	if (timed)
		timer_delete(timer);
	if (op->async) {
		op_answer(op);
		op_free(op);
		atomic_fetch_sub(&async_live, 1);
	}
	return NULL;
}

static int spawn(struct net_op *op, pthread_t *t)
{
	pthread_attr_t attr;
	int r;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, NET_STACK_SIZE);
	if (op->async)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	r = pthread_create(t, &attr, op_thread, op);
	pthread_attr_destroy(&attr);
	return -r; /* pthread: positive codes */
}

/* Hand a blocking op to a detached worker; false: run it here instead. */
static bool op_go_async(struct emu_kernel *k, struct emu_call *c, struct net_op *op)
{
	pthread_t t;

	if (!op->blocking || emu_listener(k, c) < 0)
		return false;
	if (atomic_fetch_add(&async_live, 1) >= NET_ASYNC_MAX)
		goto out;
	op->listener = fcntl(emu_listener(k, c), F_DUPFD_CLOEXEC, 3);
	if (op->listener < 0)
		goto out;
	op->own_listener = true;
	if (op->mmsg && (op->memfd = emu_task_open(k, c, "mem", O_RDWR | O_CLOEXEC)) < 0)
		goto out;
	op->async = true;
	if (spawn(op, &t) == 0)
		return true;
	op->async = false;
out:
	atomic_fetch_sub(&async_live, 1);
	if (op->own_listener)
		closep(&op->listener);
	op->own_listener = false;
	op->listener = emu_listener(k, c);
	return false;
}

/*
 * Can this call run on the notify thread? Yes when the thread already holds
 * the task's credentials, or can take them with c->cred (cred.h): that
 * changes fsuid, fsgid, groups and capabilities but not the uid and gid that
 * SO_PEERCRED and SCM credentials carry, so only for a task whose ids are 0
 * anyway (container root, the common case). Others run in a worker.
 */
static bool op_inline(struct emu_kernel *k, struct emu_call *c, const struct net_op *op)
{
	if (cred_matches(&op->cred))
		return true;
	if (op->cred.fsuid != 0 || op->cred.fsgid != 0 || geteuid() != 0 || getegid() != 0)
		return false;
	return emu_cred_adopt(c->cred, k, c) == 0 && cred_matches(&op->cred);
}

static long op_run(struct emu_kernel *k, struct emu_call *c, struct net_op **opp)
{
	struct net_op *op = *opp;
	pthread_t t;
	long r;
	unsigned i;
	uint32_t len;

	op->id = c->id;
	op->tid = c->pid;
	op->listener = emu_listener(k, c); /* borrowed while the loop waits for us */
	r = emu_task_cred(k, c, &op->cred);
	if (r < 0)
		return r;
	if (op->unix_path) {
		op->rootfd = emu_task_open(k, c, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (op->rootfd < 0)
			return op->rootfd;
		op->cwdfd = emu_task_open(k, c, "cwd", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (op->cwdfd < 0)
			return op->cwdfd;
	}
	if (op_go_async(k, c, op)) {
		*opp = NULL; /* the worker owns it now */
		return EMU_RET_ASYNC;
	}
	if (!op->blocking && !op->unix_path && op_inline(k, c, op)) {
		op_perform(op);
	} else {
		if ((r = spawn(op, &t)) < 0)
			return r == -EAGAIN ? -EAGAIN : -ENOMEM;
		pthread_join(t, NULL);
	}
	for (i = 0; op->mmsg && i < op->nsent; i++) {
		len = (uint32_t)op->msg[i].sent;
		if (emu_call_write(c, op->msg[i].len_addr, &len, sizeof(len)) < 0)
			break;
	}
	op_sigpipe(op);
	return op->result;
}

/* ---- handlers ------------------------------------------------------------------ */

static long addr_call(struct emu_kernel *k, struct emu_call *c, enum emu_net_use use)
{
	_cleanup_(op_freep) struct net_op *op = op_new(1);
	long r = op_socket(k, c, (int)c->args[0], op);

	if (r < 0)
		return r;
	r = emu_net_addr_copy(c, c->args[1], c->args[2], false, &op->msg[0].name);
	if (r < 0)
		return r;
	op->msg[0].namelen = (int)r;
	if ((r = op_check_addr(k, c, op, &op->msg[0], use)) < 0)
		return r;
	op->kind = use;
	op->blocking = use == EMU_NET_CONNECT && !op->nonblock &&
		       (op->type == SOCK_STREAM || op->type == SOCK_SEQPACKET);
	return op_run(k, c, &op);
}

long emu_sys_connect(struct emu_kernel *k, struct emu_call *c)
{
	return addr_call(k, c, EMU_NET_CONNECT);
}

/* Note: a unix bind creates its inode as the task (credentials, umask, root
 * and cwd; see the top comment). */
long emu_sys_bind(struct emu_kernel *k, struct emu_call *c)
{
	return addr_call(k, c, EMU_NET_BIND);
}

long emu_sys_sendto(struct emu_kernel *k, struct emu_call *c)
{
	_cleanup_(op_freep) struct net_op *op = NULL;
	struct net_msg *m;
	struct iovec iov;
	long r;

	/* No address (the pointer is a register): nothing to decide. */
	if (c->args[4] == 0)
		return EMU_RET_CONTINUE;
	op = op_new(1);
	m = &op->msg[0];
	m->via_sendto = true;
	op->flags = (int)c->args[3];
	if ((r = op_socket(k, c, (int)c->args[0], op)) < 0)
		return r;
	r = emu_net_addr_copy(c, c->args[4], c->args[5], false, &m->name);
	if (r < 0)
		return r;
	m->namelen = (int)r;
	if (m->namelen && (r = op_check_addr(k, c, op, m, EMU_NET_SEND)) < 0)
		return r;
	iov.iov_base = (void *)(uintptr_t)c->args[1];
	iov.iov_len = MIN(c->args[2], (uint64_t)INT_MAX); /* the kernel's cap on len */
	if ((r = msg_copy_data(c, op, m, &iov, 1)) < 0)
		return r;
	op->kind = EMU_NET_SEND;
	op->blocking = !op->nonblock && !(op->flags & MSG_DONTWAIT);
	return op_run(k, c, &op);
}

long emu_sys_sendmsg(struct emu_kernel *k, struct emu_call *c)
{
	_cleanup_(op_freep) struct net_op *op = op_new(1);
	struct msghdr mh;
	long r;

	op->flags = (int)c->args[2];
	if ((r = op_socket(k, c, (int)c->args[0], op)) < 0)
		return r;
	/* Even with msg_name NULL the call cannot continue natively: another
	 * thread could set it after this copy. */
	if (emu_call_read(c, c->args[1], &mh, sizeof(mh)) < 0)
		return -EFAULT;
	if ((r = msg_prepare(k, c, op, &op->msg[0], &mh)) < 0)
		return r;
	op->kind = EMU_NET_SEND;
	op->blocking = !op->nonblock && !(op->flags & MSG_DONTWAIT);
	return op_run(k, c, &op);
}

long emu_sys_sendmmsg(struct emu_kernel *k, struct emu_call *c)
{
	unsigned vlen = (unsigned)c->args[2], i;
	_cleanup_(op_freep) struct net_op *op = NULL;
	struct mmsghdr mm;
	uint64_t at;
	long r;

	vlen = MIN(vlen, (unsigned)NET_MMSG_MAX); /* a short count: the caller goes on */
	op = op_new(vlen ? vlen : 1);
	op->flags = (int)c->args[3];
	op->mmsg = true;
	if ((r = op_socket(k, c, (int)c->args[0], op)) < 0)
		return r;
	if (vlen == 0)
		return 0;
	for (i = 0; i < vlen; i++) {
		at = c->args[1] + (uint64_t)i * sizeof(mm);
		r = emu_call_read(c, at, &mm, sizeof(mm)) < 0 ? -EFAULT :
								 msg_prepare(k, c, op, &op->msg[i], &mm.msg_hdr);
		if (r < 0)
			break;
		op->msg[i].len_addr = at + offsetof(struct mmsghdr, msg_len);
	}
	if (i == 0)
		return r;
	op->nmsg = i; /* as the kernel: send what came before a bad entry */
	op->kind = EMU_NET_SEND;
	op->blocking = !op->nonblock && !(op->flags & MSG_DONTWAIT);
	return op_run(k, c, &op);
}
