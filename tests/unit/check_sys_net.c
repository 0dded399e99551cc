// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests for kernel-emu/sys_net.c and kernel-emu/net.c: the family
 * mapping, the bounded address copy, the reading of a copied address (v4-mapped, AF_UNSPEC, unix
 * paths) and the decision on it; then the handlers themselves against a real
 * trapped task.
 *
 * The trapped task: a forked child installs a seccomp filter that sends its
 * getppid() to a user-notification listener, hands the listener to the test
 * and traps. While it waits, its notification id is valid, so the handlers
 * can take its fds (pidfd_getfd) exactly as in a container. The sockets a
 * test hands the handler are created before the fork, so the child holds
 * them at the same numbers and the test sees what the handler did through
 * its own copies. Task memory is a fake (struct emu_mem_ops over a local
 * buffer) that can change behind the handler's back after the first read,
 * as a racing thread would.
 */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel.h"
#include "sys.h"
#include "net.h"
#include "task.h"
#include "cred.h"
#include "util.h"

#define MEM_BASE 0x10000ULL
#define MEM_SIZE 8192

static struct emu_kernel k;
static struct emu_call c;
static struct emu_cred_state cred; /* the serving thread's */
static unsigned char mem[MEM_SIZE];
static struct emu_syscall_policy spol;
static struct hy_obj_policy pol;

/* ---- fake task memory ------------------------------------------------------ */

static int nreads;        /* reads that touched [watch_addr, +watch_len) */
static uint64_t watch_addr;
static size_t watch_len;
static unsigned char flip[128]; /* written over the watched range after its first read */
static bool flip_armed;
static int task_dir = -1;

static bool in_range(uint64_t addr, size_t len)
{
	return addr >= MEM_BASE && addr - MEM_BASE <= MEM_SIZE &&
	       len <= MEM_SIZE - (addr - MEM_BASE);
}

static int fake_read(struct emu_call *call, uint64_t addr, void *buf, size_t len)
{
	if (!in_range(addr, len))
		return -EFAULT;
	memcpy(buf, mem + (addr - MEM_BASE), len);
	if (watch_len && addr < watch_addr + watch_len && watch_addr < addr + len) {
		nreads++;
		if (flip_armed) { /* another thread of the task rewrites it now */
			memcpy(mem + (watch_addr - MEM_BASE), flip, watch_len);
			flip_armed = false;
		}
	}
	return 0;
}

static int fake_write(struct emu_call *call, uint64_t addr, const void *buf, size_t len)
{
	if (!in_range(addr, len))
		return -EFAULT;
	memcpy(mem + (addr - MEM_BASE), buf, len);
	return 0;
}

static int fake_dir(struct emu_call *call)
{
	char path[32];

	if (task_dir < 0) {
		snprintf(path, sizeof(path), "/proc/%d", call->pid);
		task_dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	}
	return task_dir < 0 ? -errno : task_dir;
}

static const struct emu_mem_ops fake_ops = { .read = fake_read, .write = fake_write,
					     .dir = fake_dir };

/* Put len bytes at MEM_BASE + off; returns the task address. */
static uint64_t put(size_t off, const void *p, size_t len)
{
	ck_assert_uint_le(off + len, MEM_SIZE);
	memcpy(mem + off, p, len);
	return MEM_BASE + off;
}

/* ---- events -------------------------------------------------------------------- */

#define MAX_EV 16
static struct hy_evt_policy evs[MAX_EV];
static int nev;

static void capture(void *ctx, const struct hy_evt_hdr *h)
{
	(void)ctx;
	if (h->type == HY_EVT_POLICY && nev < MAX_EV)
		memcpy(&evs[nev++], h, sizeof(evs[0]));
}

/* ---- policy ------------------------------------------------------------------ */

static void add_rule(uint32_t family, uint32_t dirs, uint32_t action, const char *net,
		     uint32_t prefix, uint16_t lo, uint16_t hi)
{
	struct hy_net_rule *r = &pol.net.rule[pol.net.nrules++];

	memset(r, 0, sizeof(*r));
	r->family = family;
	r->dirs = dirs;
	r->action = action;
	r->prefix = prefix;
	if (net)
		ck_assert_int_eq(inet_pton(family == HY_NET_INET6 ? AF_INET6 : AF_INET, net, r->addr), 1);
	if (lo) {
		r->nports = 1;
		r->ports[0].lo = lo;
		r->ports[0].hi = hi;
	}
	hy_net_rule_seal(r);
}

/* The issue's policy: default deny, inet connect to 127.0.0.0/8 ports 8000-8100. */
static void policy_issue(void)
{
	memset(&pol, 0, sizeof(pol));
	pol.net.default_action = HY_NET_DENY;
	add_rule(HY_NET_INET, HY_NET_CONNECT, HY_NET_ALLOW, "127.0.0.0", 8, 8000, 8100);
}

/* For the handlers: loopback connects above 1023, loopback binds, unix. */
static void policy_handlers(void)
{
	memset(&pol, 0, sizeof(pol));
	pol.net.default_action = HY_NET_DENY;
	add_rule(HY_NET_INET, HY_NET_CONNECT, HY_NET_ALLOW, "127.0.0.0", 8, 1024, 65535);
	add_rule(HY_NET_INET, HY_NET_BIND, HY_NET_ALLOW, "127.0.0.1", 32, 0, 0);
	add_rule(HY_NET_INET6, HY_NET_CONNECT, HY_NET_ALLOW, "::1", 128, 1024, 65535);
	add_rule(HY_NET_UNIX, HY_NET_ANY_DIR, HY_NET_ALLOW, NULL, 0, 0, 0);
}

/* ---- the trapped task ---------------------------------------------------------- */

static pid_t child = -1;
static int child_report = -1; /* the child's getppid() result, once answered */

static void send_fd(int sock, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char b = 'x';
	struct iovec iov = { &b, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	if (sendmsg(sock, &mh, 0) != 1)
		_exit(3);
}

static int recv_fd(int sock)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	char b;
	struct iovec iov = { &b, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	int fd = -1;

	if (recvmsg(sock, &mh, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Fork the task and wait until it is trapped; c and k then name it. */
static void trap_start(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(f), .filter = f };
	struct seccomp_notif req;
	int sp[2], rp[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	ck_assert_int_eq(pipe2(rp, O_CLOEXEC), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		long out[2];
		int l;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(1);
		l = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
				 SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
		if (l < 0)
			_exit(2);
		send_fd(sp[1], l);
		close(l);
		out[0] = syscall(__NR_getppid);
		out[1] = errno;
		if (write(rp[1], out, sizeof(out)) != sizeof(out))
			_exit(4);
		pause(); /* keep the fds alive until the test ends */
		_exit(0);
	}
	close(sp[1]);
	close(rp[1]);
	child_report = rp[0];
	k.listener = recv_fd(sp[0]);
	close(sp[0]);
	ck_assert_int_ge(k.listener, 0);
	memset(&req, 0, sizeof(req));
	ck_assert_int_eq(ioctl(k.listener, SECCOMP_IOCTL_NOTIF_RECV, &req), 0);
	c.id = req.id;
	c.pid = (pid_t)req.pid;
	ck_assert_int_eq(c.pid, child);
}

/* The result the child got for its trapped call (an answer from a worker). */
static long child_result(int timeout_ms, long *err)
{
	struct pollfd p = { .fd = child_report, .events = POLLIN };
	long out[2];

	if (poll(&p, 1, timeout_ms) != 1 || read(child_report, out, sizeof(out)) != sizeof(out))
		return LONG_MIN;
	*err = out[1];
	return out[0];
}

/* ---- fixture ------------------------------------------------------------------ */

static void setup(void)
{
	memset(&k, 0, sizeof(k));
	pthread_mutex_init(&k.lock, NULL);
	emu_syslog_init(&k.syslog, now_mono_ns());
	emu_ratelimit_init(&k.denial_rl, 100, 1000, now_mono_ns());
	k.start_ns = now_mono_ns();
	k.cgroup_fd = k.uts_ns_fd = k.mnt_ns_fd = k.listener = -1;
	k.proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	memset(&spol, 0, sizeof(spol));
	spol.areas = EMU_AREA_NET | EMU_AREA_NET_ADDR;
	k.policy = &spol;
	policy_handlers();
	k.obj = &pol;
	k.emit = capture;
	nev = 0;
	memset(&c, 0, sizeof(c));
	memset(&cred, 0, sizeof(cred));
	c.cred = &cred;
	c.mem = &fake_ops;
	c.pid = getpid();
	memset(mem, 0, sizeof(mem));
	nreads = 0;
	watch_len = 0;
	flip_armed = false;
	task_dir = -1;
	child = -1;
	child_report = -1;
}

static void teardown(void)
{
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	if (k.listener >= 0)
		close(k.listener);
	if (task_dir >= 0)
		close(task_dir);
	close(k.proc_fd);
	pthread_mutex_destroy(&k.lock);
}

static struct sockaddr_in sin4(const char *ip, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	ck_assert_int_eq(inet_pton(AF_INET, ip, &a.sin_addr), 1);
	return a;
}

static struct sockaddr_in6 sin6(const char *ip, uint16_t port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port) };

	ck_assert_int_eq(inet_pton(AF_INET6, ip, &a.sin6_addr), 1);
	return a;
}

/* A bound loopback UDP socket and its port (the test's receiver). */
static int udp_receiver(uint16_t *port)
{
	struct sockaddr_in a = sin4("127.0.0.1", 0);
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/* ---- family mapping --------------------------------------------------------------- */

START_TEST(test_sys_net_family_mapping)
{
	ck_assert_uint_eq(emu_net_family(AF_INET, SOCK_STREAM), HY_NET_INET);
	ck_assert_uint_eq(emu_net_family(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC),
			  HY_NET_INET);
	ck_assert_uint_eq(emu_net_family(AF_INET6, SOCK_STREAM), HY_NET_INET6);
	ck_assert_uint_eq(emu_net_family(AF_INET, SOCK_RAW), HY_NET_RAW);
	ck_assert_uint_eq(emu_net_family(AF_INET6, SOCK_RAW | SOCK_CLOEXEC), HY_NET_RAW);
	/* (AF_INET, SOCK_PACKET) is made an AF_PACKET socket by the kernel */
	ck_assert_uint_eq(emu_net_family(AF_INET, SOCK_PACKET), HY_NET_PACKET);
	ck_assert_uint_eq(emu_net_family(AF_INET6, SOCK_PACKET), HY_NET_INET6);
	ck_assert_uint_eq(emu_net_family(AF_PACKET, SOCK_RAW), HY_NET_PACKET);
	ck_assert_uint_eq(emu_net_family(AF_PACKET, SOCK_DGRAM), HY_NET_PACKET);
	ck_assert_uint_eq(emu_net_family(AF_NETLINK, SOCK_RAW), HY_NET_NETLINK);
	ck_assert_uint_eq(emu_net_family(AF_UNIX, SOCK_STREAM), HY_NET_UNIX);
	ck_assert_uint_eq(emu_net_family(AF_UNIX, SOCK_RAW), HY_NET_UNIX);
	ck_assert_uint_eq(emu_net_family(AF_BLUETOOTH, SOCK_STREAM), HY_NET_OTHER);
	ck_assert_uint_eq(emu_net_family(AF_VSOCK, SOCK_STREAM), HY_NET_OTHER);
	ck_assert_uint_eq(emu_net_family(-1, SOCK_STREAM), HY_NET_OTHER);
	ck_assert_uint_eq(emu_net_family(12345, SOCK_RAW), HY_NET_OTHER);

	ck_assert(emu_net_is_sctp(AF_INET, SOCK_STREAM, IPPROTO_SCTP));
	ck_assert(emu_net_is_sctp(AF_INET6, SOCK_SEQPACKET, 0));
	ck_assert(!emu_net_is_sctp(AF_INET, SOCK_STREAM, 0));
	ck_assert(!emu_net_is_sctp(AF_UNIX, SOCK_SEQPACKET, 0));
}
END_TEST

/* ---- address copy bounds ----------------------------------------------------------- */

START_TEST(test_sys_net_addr_copy_bounds)
{
	struct sockaddr_storage ss;
	struct sockaddr_in a = sin4("127.0.0.1", 8080);
	uint64_t at = put(0, &a, sizeof(a));

	ck_assert_int_eq(emu_net_addr_copy(&c, at, sizeof(a), false, &ss), (int)sizeof(a));
	ck_assert_int_eq(memcmp(&ss, &a, sizeof(a)), 0);
	/* the kernel reads an int: the upper half of the register is ignored */
	ck_assert_int_eq(emu_net_addr_copy(&c, at, (1ULL << 32) | sizeof(a), false, &ss),
			 (int)sizeof(a));
	/* negative, larger than sockaddr_storage */
	ck_assert_int_eq(emu_net_addr_copy(&c, at, 0xffffffffULL, false, &ss), -EINVAL);
	ck_assert_int_eq(emu_net_addr_copy(&c, at, 0xffffffffULL, true, &ss), -EINVAL);
	ck_assert_int_eq(emu_net_addr_copy(&c, at, sizeof(ss) + 1, false, &ss), -EINVAL);
	ck_assert_int_eq(emu_net_addr_copy(&c, at, sizeof(ss), false, &ss), (int)sizeof(ss));
	/* sendmsg: a longer msg_namelen is cut to sizeof(sockaddr_storage) */
	ck_assert_int_eq(emu_net_addr_copy(&c, at, 4096, true, &ss), (int)sizeof(ss));
	/* zero: nothing is read, even from a bad pointer */
	ck_assert_int_eq(emu_net_addr_copy(&c, 8, 0, false, &ss), 0);
	/* unreadable */
	ck_assert_int_eq(emu_net_addr_copy(&c, 8, sizeof(a), false, &ss), -EFAULT);
	ck_assert_int_eq(emu_net_addr_copy(&c, MEM_BASE + MEM_SIZE - 4, sizeof(a), false, &ss),
			 -EFAULT);
}
END_TEST

/* ---- reading a copied address -------------------------------------------------------- */

static int parse(const void *addr, int len, int domain, int type, enum emu_net_use use,
		 struct emu_net_addr *out)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, addr, (size_t)MIN(len, (int)sizeof(ss)));
	return emu_net_addr_parse(&ss, len, domain, type, use, out);
}

START_TEST(test_sys_net_addr_parse_inet)
{
	struct emu_net_addr a;
	struct sockaddr_in in = sin4("10.1.2.3", 443);
	struct sockaddr_in6 in6 = sin6("fd00::1", 8443);
	struct sockaddr_storage un = { .ss_family = AF_UNSPEC };

	ck_assert_int_eq(parse(&in, sizeof(in), AF_INET, SOCK_STREAM, EMU_NET_CONNECT, &a), 0);
	ck_assert_uint_eq(a.family, HY_NET_INET);
	ck_assert_uint_eq(a.port, 443);
	ck_assert_int_eq(memcmp(a.addr, "\x0a\x01\x02\x03\0\0\0\0\0\0\0\0\0\0\0\0", 16), 0);
	ck_assert(!a.is_none);
	/* too short for its family, or for any */
	ck_assert_int_eq(parse(&in, sizeof(in) - 1, AF_INET, SOCK_STREAM, EMU_NET_CONNECT, &a),
			 -EINVAL);
	ck_assert_int_eq(parse(&in, 1, AF_INET, SOCK_STREAM, EMU_NET_BIND, &a), -EINVAL);
	ck_assert_int_eq(parse(&in6, 23, AF_INET6, SOCK_STREAM, EMU_NET_CONNECT, &a), -EINVAL);
	/* inet6 without sin6_scope_id (24 bytes) is enough */
	ck_assert_int_eq(parse(&in6, 24, AF_INET6, SOCK_STREAM, EMU_NET_CONNECT, &a), 0);
	ck_assert_uint_eq(a.family, HY_NET_INET6);
	ck_assert_uint_eq(a.port, 8443);
	ck_assert_int_eq(a.addr[0], 0xfd);
	ck_assert_int_eq(a.addr[15], 1);
	/* a family the socket does not take */
	ck_assert_int_eq(parse(&in6, sizeof(in6), AF_INET, SOCK_DGRAM, EMU_NET_SEND, &a),
			 -EAFNOSUPPORT);
	ck_assert_int_eq(parse(&(struct sockaddr_un){ .sun_family = AF_UNIX }, 20, AF_INET6,
			       SOCK_STREAM, EMU_NET_CONNECT, &a),
			 -EAFNOSUPPORT);
	/* an inet6 socket may talk IPv4 (udpv6 with a sockaddr_in) */
	ck_assert_int_eq(parse(&in, sizeof(in), AF_INET6, SOCK_DGRAM, EMU_NET_SEND, &a), 0);
	ck_assert_uint_eq(a.family, HY_NET_INET);
	/* AF_UNSPEC: connect dissolves, bind/send read it as the socket's family */
	ck_assert_int_eq(parse(&un, 2, AF_INET, SOCK_DGRAM, EMU_NET_CONNECT, &a), 0);
	ck_assert(a.is_none);
	ck_assert_uint_eq(emu_net_addr_decide(&pol.net, &a, EMU_NET_CONNECT), HY_NET_ALLOW);
	in.sin_family = AF_UNSPEC;
	ck_assert_int_eq(parse(&in, sizeof(in), AF_INET, SOCK_DGRAM, EMU_NET_SEND, &a), 0);
	ck_assert(!a.is_none);
	ck_assert_uint_eq(a.family, HY_NET_INET);
	ck_assert_uint_eq(a.port, 443);
	ck_assert_int_eq(parse(&in, sizeof(in), AF_INET, SOCK_DGRAM, EMU_NET_BIND, &a), 0);
	ck_assert(!a.is_none);
	ck_assert_int_eq(parse(&un, 2, AF_INET6, SOCK_DGRAM, EMU_NET_SEND, &a), 0);
	ck_assert(a.is_none); /* udpv6: "no address" */
	/* no address at all for a send (sendto with addrlen 0) */
	ck_assert_int_eq(parse(&in, 0, AF_INET, SOCK_DGRAM, EMU_NET_SEND, &a), 0);
	ck_assert(a.is_none);
	ck_assert_int_eq(parse(&in, 0, AF_INET, SOCK_STREAM, EMU_NET_CONNECT, &a), -EINVAL);
	/* raw sockets are decided at the family level, the address kept for the event */
	in = sin4("8.8.8.8", 0);
	ck_assert_int_eq(parse(&in, sizeof(in), AF_INET, SOCK_RAW, EMU_NET_SEND, &a), 0);
	ck_assert_uint_eq(a.family, HY_NET_RAW);
	ck_assert_int_eq(a.addr[0], 8);
}
END_TEST

START_TEST(test_sys_net_addr_parse_unix_and_others)
{
	struct emu_net_addr a;
	struct sockaddr_un sun = { .sun_family = AF_UNIX, .sun_path = "/run/x.sock" };
	size_t plen = offsetof(struct sockaddr_un, sun_path);

	ck_assert_int_eq(parse(&sun, (int)(plen + strlen(sun.sun_path) + 1), AF_UNIX, SOCK_STREAM,
			       EMU_NET_CONNECT, &a),
			 0);
	ck_assert_uint_eq(a.family, HY_NET_UNIX);
	ck_assert_str_eq(a.path, "/run/x.sock");
	ck_assert(a.is_unix_path);
	/* without the NUL, the length ends the path */
	ck_assert_int_eq(parse(&sun, (int)(plen + 4), AF_UNIX, SOCK_DGRAM, EMU_NET_BIND, &a), 0);
	ck_assert_str_eq(a.path, "/run");
	/* abstract: '@' + name, no path resolution */
	memcpy(sun.sun_path, "\0abs\0zz", 7);
	ck_assert_int_eq(parse(&sun, (int)(plen + 7), AF_UNIX, SOCK_DGRAM, EMU_NET_CONNECT, &a), 0);
	ck_assert_str_eq(a.path, "@abs");
	ck_assert(!a.is_unix_path);
	/* unnamed (autobind) */
	ck_assert_int_eq(parse(&sun, (int)plen, AF_UNIX, SOCK_DGRAM, EMU_NET_BIND, &a), 0);
	ck_assert_str_eq(a.path, "");
	ck_assert(!a.is_unix_path);
	ck_assert(!a.is_none);
	/* a full 108-byte path without NUL fits the event field */
	memset(sun.sun_path, 'p', sizeof(sun.sun_path));
	ck_assert_int_eq(parse(&sun, (int)sizeof(sun), AF_UNIX, SOCK_DGRAM, EMU_NET_BIND, &a), 0);
	ck_assert_uint_eq(strlen(a.path), sizeof(sun.sun_path));
	/* netlink, packet: the socket's family, whatever the address says */
	ck_assert_int_eq(parse(&sun, 12, AF_NETLINK, SOCK_RAW, EMU_NET_BIND, &a), 0);
	ck_assert_uint_eq(a.family, HY_NET_NETLINK);
	ck_assert_int_eq(parse(&sun, 0, AF_PACKET, SOCK_RAW, EMU_NET_SEND, &a), 0);
	ck_assert_uint_eq(a.family, HY_NET_PACKET);
	ck_assert(!a.is_none);
}
END_TEST

/* ---- the decision on the copy -------------------------------------------------------- */

static uint32_t decide4(const char *ip, uint16_t port, enum emu_net_use use)
{
	struct emu_net_addr a;
	struct sockaddr_in in = sin4(ip, port);

	ck_assert_int_eq(parse(&in, sizeof(in), AF_INET, SOCK_STREAM, use, &a), 0);
	return emu_net_addr_decide(&pol.net, &a, use);
}

static uint32_t decide6(const char *ip, uint16_t port, enum emu_net_use use,
			struct emu_net_addr *a)
{
	struct sockaddr_in6 in = sin6(ip, port);

	ck_assert_int_eq(parse(&in, sizeof(in), AF_INET6, SOCK_STREAM, use, a), 0);
	return emu_net_addr_decide(&pol.net, a, use);
}

START_TEST(test_sys_net_decide_on_copy)
{
	struct emu_net_addr a;

	policy_issue();
	ck_assert_uint_eq(decide4("127.0.0.1", 8080, EMU_NET_CONNECT), HY_NET_ALLOW);
	ck_assert_uint_eq(decide4("127.9.9.9", 8000, EMU_NET_CONNECT), HY_NET_ALLOW);
	ck_assert_uint_eq(decide4("127.0.0.1", 8100, EMU_NET_SEND), HY_NET_ALLOW);
	ck_assert_uint_eq(decide4("127.0.0.1", 9, EMU_NET_CONNECT), HY_NET_DENY);
	ck_assert_uint_eq(decide4("127.0.0.1", 8101, EMU_NET_CONNECT), HY_NET_DENY);
	ck_assert_uint_eq(decide4("128.0.0.1", 8080, EMU_NET_CONNECT), HY_NET_DENY);
	/* the rule names connect: bind follows the default */
	ck_assert_uint_eq(decide4("127.0.0.1", 8080, EMU_NET_BIND), HY_NET_DENY);
	/* no policy at all: fail closed */
	ck_assert_int_eq(parse(&(struct sockaddr_in){ .sin_family = AF_INET }, 16, AF_INET,
			       SOCK_DGRAM, EMU_NET_CONNECT, &a),
			 0);
	ck_assert_uint_eq(emu_net_addr_decide(NULL, &a, EMU_NET_CONNECT), HY_NET_DENY);
	/* unix follows the default when no rule names it */
	a = (struct emu_net_addr){ .family = HY_NET_UNIX };
	ck_assert_uint_eq(emu_net_addr_decide(&pol.net, &a, EMU_NET_CONNECT), HY_NET_DENY);
	pol.net.default_action = HY_NET_ALLOW;
	ck_assert_uint_eq(emu_net_addr_decide(&pol.net, &a, EMU_NET_CONNECT), HY_NET_ALLOW);
	/* packet sockets are denied whatever the default */
	a = (struct emu_net_addr){ .family = HY_NET_PACKET };
	ck_assert_uint_eq(emu_net_addr_decide(&pol.net, &a, EMU_NET_SEND), HY_NET_DENY);
	(void)decide6;
}
END_TEST

START_TEST(test_sys_net_v4_mapped)
{
	struct emu_net_addr a;

	policy_issue();
	ck_assert_uint_eq(decide6("::ffff:127.0.0.1", 8080, EMU_NET_CONNECT, &a), HY_NET_ALLOW);
	ck_assert_uint_eq(a.family, HY_NET_INET);
	ck_assert_int_eq(memcmp(a.addr, "\x7f\0\0\x01\0\0\0\0\0\0\0\0\0\0\0\0", 16), 0);
	ck_assert_uint_eq(a.port, 8080);
	ck_assert_uint_eq(decide6("::ffff:127.0.0.1", 9, EMU_NET_CONNECT, &a), HY_NET_DENY);
	ck_assert_uint_eq(decide6("::ffff:10.0.0.1", 8080, EMU_NET_CONNECT, &a), HY_NET_DENY);
	/* an inet6 "allow everything" does not open IPv4 through the mapped range */
	add_rule(HY_NET_INET6, HY_NET_ANY_DIR, HY_NET_ALLOW, "::", 0, 0, 0);
	ck_assert_uint_eq(decide6("::ffff:10.0.0.1", 8080, EMU_NET_CONNECT, &a), HY_NET_DENY);
	ck_assert_uint_eq(decide6("2001:db8::1", 9, EMU_NET_CONNECT, &a), HY_NET_ALLOW);
	ck_assert_uint_eq(a.family, HY_NET_INET6);
	/* ::ffff:0:0/96 only: ::1.2.3.4 (v4-compatible) and ::ffff:0:1.2.3.4 are inet6 */
	ck_assert_uint_eq(decide6("::1.2.3.4", 80, EMU_NET_CONNECT, &a), HY_NET_ALLOW);
	ck_assert_uint_eq(a.family, HY_NET_INET6);
}
END_TEST

/* ---- socket(2) ------------------------------------------------------------------------ */

static long sys_socket(int domain, int type, int protocol)
{
	c.args[0] = (uint64_t)(uint32_t)domain;
	c.args[1] = (uint64_t)(uint32_t)type;
	c.args[2] = (uint64_t)(uint32_t)protocol;
	return emu_sys_socket(&k, &c);
}

START_TEST(test_sys_net_socket)
{
	ck_assert_int_eq(sys_socket(AF_INET, SOCK_STREAM, 0), EMU_RET_CONTINUE);
	ck_assert_int_eq(sys_socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), EMU_RET_CONTINUE);
	ck_assert_int_eq(sys_socket(AF_UNIX, SOCK_STREAM, 0), EMU_RET_CONTINUE);
	ck_assert_int_eq(nev, 0);
	ck_assert_int_eq(sys_socket(AF_PACKET, SOCK_RAW, 0), -EPERM);
	ck_assert_int_eq(nev, 1);
	ck_assert_uint_eq(evs[0].area, HY_AREA_NET);
	ck_assert_uint_eq(evs[0].op, HY_OP_SOCKET);
	ck_assert_uint_eq(evs[0].family, HY_NET_PACKET);
	ck_assert_uint_eq(evs[0].decision, HY_DECISION_DENY);
	ck_assert_int_eq(evs[0].ret, -EPERM);
	ck_assert_int_eq(sys_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), -EPERM);
	ck_assert_uint_eq(evs[1].family, HY_NET_RAW);
	ck_assert_int_eq(sys_socket(AF_INET, SOCK_PACKET, 0), -EPERM);
	ck_assert_uint_eq(evs[2].family, HY_NET_PACKET);
	ck_assert_int_eq(sys_socket(AF_NETLINK, SOCK_RAW, 0), -EPERM); /* default deny */
	ck_assert_int_eq(sys_socket(AF_VSOCK, SOCK_STREAM, 0), -EPERM);
	ck_assert_uint_eq(evs[4].family, HY_NET_OTHER);
	/* only the low 32 bits are the kernel's int */
	c.args[0] = (1ULL << 32) | AF_INET;
	ck_assert_int_eq(emu_sys_socket(&k, &c), EMU_RET_CONTINUE);
	/* a rule naming the family opens it */
	add_rule(HY_NET_NETLINK, 0, HY_NET_ALLOW, NULL, 0, 0, 0);
	ck_assert_int_eq(sys_socket(AF_NETLINK, SOCK_RAW, 0), EMU_RET_CONTINUE);
	/* SCTP's connectx/bindx bypass connect(): refused while addresses are routed */
	nev = 0;
	ck_assert_int_eq(sys_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP), -EPERM);
	ck_assert_int_eq(nev, 1);
	ck_assert_uint_eq(evs[0].family, HY_NET_INET);
	spol.areas = EMU_AREA_NET;
	ck_assert_int_eq(sys_socket(AF_INET, SOCK_SEQPACKET, IPPROTO_SCTP), EMU_RET_CONTINUE);
	/* no object policy: fail closed */
	k.obj = NULL;
	ck_assert_int_eq(sys_socket(AF_NETLINK, SOCK_RAW, 0), -EPERM);
	ck_assert_int_eq(sys_socket(AF_INET, SOCK_STREAM, 0), EMU_RET_CONTINUE);
}
END_TEST

START_TEST(test_sys_net_socket_audit)
{
	spol.audit = true;
	ck_assert_int_eq(sys_socket(AF_PACKET, SOCK_RAW, 0), EMU_RET_CONTINUE);
	ck_assert_int_eq(nev, 1);
	ck_assert_uint_eq(evs[0].decision, HY_DECISION_AUDIT);
	ck_assert_uint_eq(evs[0].family, HY_NET_PACKET);
	ck_assert_int_eq(evs[0].ret, 0);
}
END_TEST

/* ---- connect / bind on a trapped task ------------------------------------------------ */

static long sys_addr(long (*fn)(struct emu_kernel *, struct emu_call *), int fd, uint64_t addr,
		     uint64_t len)
{
	c.args[0] = (uint64_t)fd;
	c.args[1] = addr;
	c.args[2] = len;
	return fn(&k, &c);
}

static struct sockaddr_in peer_of(int fd)
{
	struct sockaddr_in a = { 0 };
	socklen_t len = sizeof(a);

	getpeername(fd, (struct sockaddr *)&a, &len);
	return a;
}

START_TEST(test_sys_net_connect)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in ok = sin4("127.0.0.1", 8080), no = sin4("127.0.0.1", 9), got;

	ck_assert_int_ge(s, 0);
	trap_start();
	/* allowed: performed on the task's socket */
	ck_assert_int_eq(sys_addr(emu_sys_connect, s, put(0, &ok, sizeof(ok)), sizeof(ok)), 0);
	got = peer_of(s);
	ck_assert_uint_eq(ntohs(got.sin_port), 8080);
	ck_assert_int_eq(nev, 0);
	/* denied: EPERM, one event, nothing changed */
	ck_assert_int_eq(sys_addr(emu_sys_connect, s, put(0, &no, sizeof(no)), sizeof(no)), -EPERM);
	ck_assert_uint_eq(ntohs(peer_of(s).sin_port), 8080);
	ck_assert_int_eq(nev, 1);
	ck_assert_uint_eq(evs[0].area, HY_AREA_NET);
	ck_assert_uint_eq(evs[0].op, HY_OP_CONNECT);
	ck_assert_uint_eq(evs[0].family, HY_NET_INET);
	ck_assert_uint_eq(evs[0].port, 9);
	ck_assert_int_eq(memcmp(evs[0].addr, "\x7f\0\0\x01", 4), 0);
	ck_assert_int_eq(evs[0].ret, -EPERM);
	ck_assert_uint_eq(evs[0].decision, HY_DECISION_DENY);
	ck_assert_uint_eq(evs[0].task.tid, (uint32_t)child);
	/* malformed: the kernel's answers, no event */
	ck_assert_int_eq(sys_addr(emu_sys_connect, s, put(0, &ok, sizeof(ok)), 200), -EINVAL);
	ck_assert_int_eq(sys_addr(emu_sys_connect, s, put(0, &ok, sizeof(ok)), 8), -EINVAL);
	ck_assert_int_eq(sys_addr(emu_sys_connect, s, 8, sizeof(ok)), -EFAULT);
	ck_assert_int_eq(nev, 1);
	/* not a socket, not an fd */
	ck_assert_int_eq(sys_addr(emu_sys_connect, 0, put(0, &ok, sizeof(ok)), sizeof(ok)), -ENOTSOCK);
	ck_assert_int_eq(sys_addr(emu_sys_connect, 999, put(0, &ok, sizeof(ok)), sizeof(ok)), -EBADF);
	/* AF_UNSPEC dissolves the association: allowed, no destination */
	ck_assert_int_eq(sys_addr(emu_sys_connect, s, put(0, &(sa_family_t){ AF_UNSPEC }, 2), 2), 0);
	ck_assert_int_eq(peer_of(s).sin_port, 0);
	close(s);
}
END_TEST

START_TEST(test_sys_net_connect_toctou)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in ok = sin4("127.0.0.1", 8080), no = sin4("10.0.0.1", 53);

	ck_assert_int_ge(s, 0);
	trap_start();
	/* After the handler's first read, "another thread" writes a denied address. */
	watch_addr = put(64, &ok, sizeof(ok));
	watch_len = sizeof(ok);
	memcpy(flip, &no, sizeof(no));
	flip_armed = true;
	ck_assert_int_eq(sys_addr(emu_sys_connect, s, watch_addr, sizeof(ok)), 0);
	ck_assert_int_eq(nreads, 1); /* read once */
	ck_assert(!flip_armed);
	/* what was decided is what was done */
	ck_assert_uint_eq(ntohs(peer_of(s).sin_port), 8080);
	ck_assert_uint_eq(peer_of(s).sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	/* and the other way round: denied on the copy, whatever comes later */
	watch_addr = put(256, &no, sizeof(no));
	memcpy(flip, &ok, sizeof(ok));
	flip_armed = true;
	nreads = 0;
	ck_assert_int_eq(sys_addr(emu_sys_connect, s, watch_addr, sizeof(no)), -EPERM);
	ck_assert_int_eq(nreads, 1);
	ck_assert_uint_eq(evs[0].port, 53);
	close(s);
}
END_TEST

START_TEST(test_sys_net_connect_v4_mapped)
{
	int s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int s6 = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in6 ok = sin6("::ffff:127.0.0.1", 8080), no = sin6("::ffff:127.0.0.1", 9),
			    lo6 = sin6("::1", 5000);

	ck_assert_int_ge(s, 0);
	trap_start();
	ck_assert_int_eq(sys_addr(emu_sys_connect, s, put(0, &ok, sizeof(ok)), sizeof(ok)), 0);
	ck_assert_int_eq(sys_addr(emu_sys_connect, s, put(0, &no, sizeof(no)), sizeof(no)), -EPERM);
	ck_assert_int_eq(nev, 1);
	ck_assert_uint_eq(evs[0].family, HY_NET_INET); /* decided (and reported) as IPv4 */
	ck_assert_int_eq(memcmp(evs[0].addr, "\x7f\0\0\x01", 4), 0);
	ck_assert_uint_eq(evs[0].port, 9);
	/* (s now talks IPv4: the kernel refuses a native inet6 peer on it) */
	ck_assert_int_eq(sys_addr(emu_sys_connect, s6, put(0, &lo6, sizeof(lo6)), sizeof(lo6)), 0);
	close(s);
	close(s6);
}
END_TEST

START_TEST(test_sys_net_bind)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int s2 = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in ok = sin4("127.0.0.1", 0), no = sin4("0.0.0.0", 0), got;
	socklen_t len = sizeof(got);

	ck_assert_int_ge(s, 0);
	trap_start();
	ck_assert_int_eq(sys_addr(emu_sys_bind, s2, put(0, &no, sizeof(no)), sizeof(no)), -EPERM);
	ck_assert_uint_eq(evs[0].op, HY_OP_BIND);
	ck_assert_int_eq(sys_addr(emu_sys_bind, s, put(0, &ok, sizeof(ok)), sizeof(ok)), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&got, &len), 0);
	ck_assert_uint_eq(got.sin_addr.s_addr, htonl(INADDR_LOOPBACK));
	ck_assert_uint_ne(got.sin_port, 0);
	/* the kernel's own error comes back as -errno */
	ck_assert_int_eq(sys_addr(emu_sys_bind, s, put(0, &ok, sizeof(ok)), sizeof(ok)), -EINVAL);
	close(s);
	close(s2);
}
END_TEST

START_TEST(test_sys_net_bind_unix_path)
{
	char dir[] = "/tmp/check_sys_net.XXXXXX";
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", dir);
	trap_start();
	ck_assert_int_eq(sys_addr(emu_sys_bind, s, put(0, &sun, sizeof(sun)), sizeof(sun)), 0);
	ck_assert_int_eq(stat(sun.sun_path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_uid, geteuid()); /* created as the task */
	unlink(sun.sun_path);
	rmdir(dir);
	close(s);
}
END_TEST

/* A blocking stream connect runs in a worker that answers the task itself. */
START_TEST(test_sys_net_connect_blocking_async)
{
	struct sockaddr_in a = sin4("127.0.0.1", 0);
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	long err = 0;

	ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(l, 4), 0);
	ck_assert_int_eq(getsockname(l, (struct sockaddr *)&a, &len), 0);
	trap_start();
	ck_assert_int_eq(sys_addr(emu_sys_connect, s, put(0, &a, sizeof(a)), sizeof(a)),
			 EMU_RET_ASYNC);
	ck_assert_int_eq(child_result(5000, &err), 0); /* the worker's answer */
	ck_assert_uint_eq(peer_of(s).sin_port, a.sin_port);
	close(l);
	close(s);
}
END_TEST

static int nthreads(void)
{
	char buf[4096];
	int n = 0;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(buf, sizeof(buf), f))
		if (sscanf(buf, "Threads: %d", &n) == 1)
			break;
	if (f)
		fclose(f);
	return n;
}

/* A worker blocked for a task that went away gives up (within its 1 s wake-up). */
START_TEST(test_sys_net_connect_blocking_gives_up)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + 1 + 20;
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int first = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int i;

	snprintf(sun.sun_path + 1, sizeof(sun.sun_path) - 1, "check_sys_net.%08d", getpid());
	ck_assert_int_eq(bind(l, (struct sockaddr *)&sun, len), 0);
	ck_assert_int_eq(listen(l, 0), 0);
	ck_assert_int_eq(connect(first, (struct sockaddr *)&sun, len), 0); /* backlog full */
	trap_start();
	ck_assert_int_eq(nthreads(), 1);
	ck_assert_int_eq(sys_addr(emu_sys_connect, s, put(0, &sun, len), len), EMU_RET_ASYNC);
	usleep(200 * 1000);
	ck_assert_int_eq(nthreads(), 2); /* waiting for the peer */
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	child = -1;
	for (i = 0; i < 40 && nthreads() > 1; i++)
		usleep(100 * 1000);
	ck_assert_int_eq(nthreads(), 1);
	close(l);
	close(first);
	close(s);
}
END_TEST

/* ---- sendto / sendmsg / sendmmsg --------------------------------------------------- */

static long sys_sendto(int fd, uint64_t buf, uint64_t len, int flags, uint64_t addr,
		       uint64_t alen)
{
	c.args[0] = (uint64_t)fd;
	c.args[1] = buf;
	c.args[2] = len;
	c.args[3] = (uint64_t)(uint32_t)flags;
	c.args[4] = addr;
	c.args[5] = alen;
	return emu_sys_sendto(&k, &c);
}

static ssize_t recv_nb(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, 1000) != 1)
		return -1;
	return recv(fd, buf, len, MSG_DONTWAIT);
}

START_TEST(test_sys_net_sendto)
{
	uint16_t port;
	int r = udp_receiver(&port);
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct sockaddr_in ok = sin4("127.0.0.1", port), no = sin4("127.0.0.1", 9);
	char got[64];

	ck_assert_int_ge(s, 0);
	trap_start();
	/* no address (a register): continues natively, nothing read */
	ck_assert_int_eq(sys_sendto(s, 8, 5, 0, 0, 16), EMU_RET_CONTINUE);
	ck_assert_int_eq(sys_sendto(s, put(0, "hello", 5), 5, 0, put(64, &ok, sizeof(ok)), sizeof(ok)), 5);
	ck_assert_int_eq(recv_nb(r, got, sizeof(got)), 5);
	ck_assert_int_eq(memcmp(got, "hello", 5), 0);
	ck_assert_int_eq(sys_sendto(s, put(0, "nope", 4), 4, 0, put(64, &no, sizeof(no)), sizeof(no)),
			 -EPERM);
	ck_assert_int_eq(nev, 1);
	ck_assert_uint_eq(evs[0].op, HY_OP_CONNECT);
	ck_assert_uint_eq(evs[0].port, 9);
	/* bounds: address, data, faults */
	ck_assert_int_eq(sys_sendto(s, put(0, "x", 1), 1, 0, put(64, &ok, sizeof(ok)), 129), -EINVAL);
	ck_assert_int_eq(sys_sendto(s, put(0, "x", 1), 70000, 0, put(64, &ok, sizeof(ok)), sizeof(ok)),
			 -EMSGSIZE);
	ck_assert_int_eq(sys_sendto(s, 8, 1, 0, put(64, &ok, sizeof(ok)), sizeof(ok)), -EFAULT);
	/* a blocking datagram send still completes (it does not block here) */
	close(s);
	close(r);
}
END_TEST

START_TEST(test_sys_net_sendto_blocking_async)
{
	uint16_t port;
	int r = udp_receiver(&port);
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in ok = sin4("127.0.0.1", port);
	char got[16];
	long err = 0;

	trap_start();
	ck_assert_int_eq(sys_sendto(s, put(0, "abc", 3), 3, 0, put(64, &ok, sizeof(ok)), sizeof(ok)),
			 EMU_RET_ASYNC);
	ck_assert_int_eq(child_result(5000, &err), 3);
	ck_assert_int_eq(recv_nb(r, got, sizeof(got)), 3);
	close(s);
	close(r);
}
END_TEST

static long sys_sendmsg(int fd, uint64_t msg, int flags)
{
	c.args[0] = (uint64_t)fd;
	c.args[1] = msg;
	c.args[2] = (uint64_t)(uint32_t)flags;
	return emu_sys_sendmsg(&k, &c);
}

START_TEST(test_sys_net_sendmsg_iov_and_name)
{
	uint16_t port;
	int r = udp_receiver(&port);
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct sockaddr_in ok = sin4("127.0.0.1", port), no = sin4("192.0.2.1", 80);
	struct iovec iov[2] = {
		{ (void *)(uintptr_t)put(0, "hello ", 6), 6 },
		{ (void *)(uintptr_t)put(16, "world", 5), 5 },
	};
	struct msghdr mh = { .msg_iov = (void *)(uintptr_t)put(32, iov, sizeof(iov)), .msg_iovlen = 2 };
	char got[64];

	trap_start();
	mh.msg_name = (void *)(uintptr_t)put(128, &ok, sizeof(ok));
	mh.msg_namelen = 4096; /* cut to sizeof(sockaddr_storage), as the kernel does */
	ck_assert_int_eq(sys_sendmsg(s, put(512, &mh, sizeof(mh)), 0), 11);
	ck_assert_int_eq(recv_nb(r, got, sizeof(got)), 11);
	ck_assert_int_eq(memcmp(got, "hello world", 11), 0);
	/* denied destination */
	mh.msg_name = (void *)(uintptr_t)put(128, &no, sizeof(no));
	mh.msg_namelen = sizeof(no);
	ck_assert_int_eq(sys_sendmsg(s, put(512, &mh, sizeof(mh)), 0), -EPERM);
	ck_assert_int_eq(nev, 1);
	/* no name: performed (never continued), the connected peer gets it */
	ck_assert_int_eq(connect(s, (struct sockaddr *)&ok, sizeof(ok)), 0);
	mh.msg_name = NULL;
	mh.msg_namelen = 0;
	ck_assert_int_eq(sys_sendmsg(s, put(512, &mh, sizeof(mh)), 0), 11);
	ck_assert_int_eq(recv_nb(r, got, sizeof(got)), 11);
	/* bounds */
	mh.msg_iovlen = 1025;
	ck_assert_int_eq(sys_sendmsg(s, put(512, &mh, sizeof(mh)), 0), -EMSGSIZE);
	mh.msg_iovlen = 2;
	ck_assert_int_eq(sys_sendmsg(s, 8, 0), -EFAULT);
	iov[1].iov_base = (void *)8;
	mh.msg_iov = (void *)(uintptr_t)put(32, iov, sizeof(iov));
	ck_assert_int_eq(sys_sendmsg(s, put(512, &mh, sizeof(mh)), 0), -EFAULT);
	close(s);
	close(r);
}
END_TEST

/* Control data: SCM_RIGHTS numbers are the task's and are translated. */
START_TEST(test_sys_net_sendmsg_scm_rights)
{
	int sp[2], pp[2], got_fd = -1;
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 }, b, rcbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)(uintptr_t)put(0, "F", 1), 1 }, riov = { &b, 1 };
	struct msghdr mh = { .msg_iov = (void *)(uintptr_t)put(16, &iov, sizeof(iov)), .msg_iovlen = 1,
			     .msg_controllen = sizeof(cbuf) };
	struct msghdr rmh = { .msg_iov = &riov, .msg_iovlen = 1, .msg_control = rcbuf,
			      .msg_controllen = sizeof(rcbuf) };
	struct cmsghdr *cm = (struct cmsghdr *)cbuf;
	char data[4];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sp), 0);
	ck_assert_int_eq(pipe2(pp, O_CLOEXEC), 0);
	trap_start();
	/* the task passes its fd pp[0]; the number means something only in the task */
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &pp[0], sizeof(int));
	mh.msg_control = (void *)(uintptr_t)put(64, cbuf, sizeof(cbuf));
	ck_assert_int_eq(sys_sendmsg(sp[0], put(512, &mh, sizeof(mh)), 0), 1);
	ck_assert_int_eq(recvmsg(sp[1], &rmh, MSG_DONTWAIT), 1);
	cm = CMSG_FIRSTHDR(&rmh);
	ck_assert_ptr_nonnull(cm);
	ck_assert_int_eq(cm->cmsg_type, SCM_RIGHTS);
	memcpy(&got_fd, CMSG_DATA(cm), sizeof(int));
	/* the received fd is the task's pipe */
	ck_assert_int_eq(write(pp[1], "abc", 3), 3);
	ck_assert_int_eq(read(got_fd, data, sizeof(data)), 3);
	close(got_fd);

	/* a number the task does not hold */
	cm = (struct cmsghdr *)cbuf;
	memcpy(CMSG_DATA(cm), &(int){ 999 }, sizeof(int));
	mh.msg_control = (void *)(uintptr_t)put(64, cbuf, sizeof(cbuf));
	ck_assert_int_eq(sys_sendmsg(sp[0], put(512, &mh, sizeof(mh)), 0), -EBADF);
	/* a header that does not fit: EINVAL, nothing sent */
	cm->cmsg_len = sizeof(cbuf) + 8;
	mh.msg_control = (void *)(uintptr_t)put(64, cbuf, sizeof(cbuf));
	ck_assert_int_eq(sys_sendmsg(sp[0], put(512, &mh, sizeof(mh)), 0), -EINVAL);
	/* SCM_CREDENTIALS: refused */
	cm->cmsg_len = CMSG_LEN(sizeof(struct ucred));
	cm->cmsg_type = SCM_CREDENTIALS;
	{
		char cred[CMSG_SPACE(sizeof(struct ucred))] = { 0 };

		memcpy(cred, cm, sizeof(*cm));
		mh.msg_control = (void *)(uintptr_t)put(64, cred, sizeof(cred));
		mh.msg_controllen = sizeof(cred);
		ck_assert_int_eq(sys_sendmsg(sp[0], put(512, &mh, sizeof(mh)), 0), -EPERM);
	}
	/* control data too large */
	mh.msg_controllen = 8192;
	ck_assert_int_eq(sys_sendmsg(sp[0], put(512, &mh, sizeof(mh)), 0), -ENOBUFS);
	ck_assert_int_eq(recv(sp[1], data, sizeof(data), MSG_DONTWAIT), -1);
	close(sp[0]);
	close(sp[1]);
	close(pp[0]);
	close(pp[1]);
}
END_TEST

START_TEST(test_sys_net_sendmmsg)
{
	uint16_t port;
	int r = udp_receiver(&port);
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	struct sockaddr_in ok = sin4("127.0.0.1", port), no = sin4("127.0.0.1", 9);
	struct iovec iov = { (void *)(uintptr_t)put(0, "m1", 2), 2 };
	struct mmsghdr mm[3];
	uint64_t at;
	char got[16];
	unsigned len;
	int i;

	trap_start();
	for (i = 0; i < 3; i++) {
		mm[i] = (struct mmsghdr){ .msg_hdr = {
			.msg_name = (void *)(uintptr_t)put(64, &ok, sizeof(ok)),
			.msg_namelen = sizeof(ok),
			.msg_iov = (void *)(uintptr_t)put(32, &iov, sizeof(iov)),
			.msg_iovlen = 1 } };
	}
	/* the third names a denied destination: two are sent, then the count */
	mm[2].msg_hdr.msg_name = (void *)(uintptr_t)put(128, &no, sizeof(no));
	at = put(1024, mm, sizeof(mm));
	c.args[0] = (uint64_t)s;
	c.args[1] = at;
	c.args[2] = 3;
	c.args[3] = 0;
	ck_assert_int_eq(emu_sys_sendmmsg(&k, &c), 2);
	for (i = 0; i < 2; i++) {
		memcpy(&len, mem + 1024 + i * sizeof(struct mmsghdr) + offsetof(struct mmsghdr, msg_len),
		       sizeof(len));
		ck_assert_uint_eq(len, 2);
		ck_assert_int_eq(recv_nb(r, got, sizeof(got)), 2);
	}
	ck_assert_int_eq(nev, 1);
	/* the first one denied: the error */
	c.args[1] = at + 2 * sizeof(struct mmsghdr);
	c.args[2] = 1;
	ck_assert_int_eq(emu_sys_sendmmsg(&k, &c), -EPERM);
	/* vlen 0 */
	c.args[2] = 0;
	ck_assert_int_eq(emu_sys_sendmmsg(&k, &c), 0);
	close(s);
	close(r);
}
END_TEST

START_TEST(test_sys_net_audit_performs)
{
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in no = sin4("127.0.0.1", 9);

	spol.audit = true;
	trap_start();
	ck_assert_int_eq(sys_addr(emu_sys_connect, s, put(0, &no, sizeof(no)), sizeof(no)), 0);
	ck_assert_uint_eq(ntohs(peer_of(s).sin_port), 9);
	ck_assert_int_eq(nev, 1);
	ck_assert_uint_eq(evs[0].decision, HY_DECISION_AUDIT);
	ck_assert_int_eq(evs[0].ret, 0);
	close(s);
}
END_TEST

/* kernel-emu takes a user-namespaced task's ids, never its capabilities
 * (they are its namespace's; kernel-emu acts in the initial one: cred.h). */
START_TEST(test_sys_net_task_cred_userns_no_caps)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	struct emu_task_cred t;
	ck_assert_int_eq(syscall(SYS_capget, &h, d), 0);
	trap_start(); /* a copy of this process, with its credentials */
	ck_assert_int_eq(emu_task_cred(&k, &c, &t), 0);
	ck_assert_uint_eq(t.cap_eff, d[0].effective | (uint64_t)d[1].effective << 32);
	ck_assert_uint_eq(t.fsuid, (uid_t)syscall(SYS_setfsuid, -1));
	k.is_userns = true;
	ck_assert_int_eq(emu_task_cred(&k, &c, &t), 0);
	ck_assert_uint_eq(t.cap_eff, 0);
	ck_assert_uint_eq(t.fsuid, (uid_t)syscall(SYS_setfsuid, -1));
	ck_assert_uint_eq(t.fsgid, (gid_t)syscall(SYS_setfsgid, -1));
	/* and the thread that adopts them holds none */
	ck_assert_int_eq(emu_cred_adopt(&cred, &k, &c), 0);
	ck_assert_int_eq(syscall(SYS_capget, &h, d), 0);
	ck_assert_uint_eq(d[0].effective | d[1].effective, 0);
	emu_cred_restore(&cred);
}
END_TEST

static Suite *sys_net_suite(void)
{
	Suite *s = suite_create("sys_net");
	TCase *pure = tcase_create("pure");
	TCase *tc = tcase_create("handlers");

	tcase_add_checked_fixture(pure, setup, teardown);
	tcase_add_test(pure, test_sys_net_family_mapping);
	tcase_add_test(pure, test_sys_net_addr_copy_bounds);
	tcase_add_test(pure, test_sys_net_addr_parse_inet);
	tcase_add_test(pure, test_sys_net_addr_parse_unix_and_others);
	tcase_add_test(pure, test_sys_net_decide_on_copy);
	tcase_add_test(pure, test_sys_net_v4_mapped);
	suite_add_tcase(s, pure);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 20);
	tcase_add_test(tc, test_sys_net_socket);
	tcase_add_test(tc, test_sys_net_socket_audit);
	tcase_add_test(tc, test_sys_net_connect);
	tcase_add_test(tc, test_sys_net_connect_toctou);
	tcase_add_test(tc, test_sys_net_connect_v4_mapped);
	tcase_add_test(tc, test_sys_net_bind);
	tcase_add_test(tc, test_sys_net_bind_unix_path);
	tcase_add_test(tc, test_sys_net_connect_blocking_async);
	tcase_add_test(tc, test_sys_net_connect_blocking_gives_up);
	tcase_add_test(tc, test_sys_net_sendto);
	tcase_add_test(tc, test_sys_net_sendto_blocking_async);
	tcase_add_test(tc, test_sys_net_sendmsg_iov_and_name);
	tcase_add_test(tc, test_sys_net_sendmsg_scm_rights);
	tcase_add_test(tc, test_sys_net_sendmmsg);
	tcase_add_test(tc, test_sys_net_audit_performs);
	tcase_add_test(tc, test_sys_net_task_cred_userns_no_caps);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(sys_net_suite());
	int failures;

	srunner_run_all(sr, CK_NORMAL);
	failures = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failures ? 1 : 0;
}
