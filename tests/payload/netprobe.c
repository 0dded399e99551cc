// SPDX-License-Identifier: GPL-2.0-only
/*
 * netprobe: static payload for the network-policy tests (tests/priv/72-*).
 * `netprobe SUBCOMMAND [ARGS]` does one network operation and prints "ok"
 * or "err ENAME STEP" on stdout (STEP: which call failed), exiting 0 whatever
 * the outcome; exit 2 is a usage error. Everything stays on the loopback
 * interface.
 *
 *   serve-connect PORT     TCP listener on 127.0.0.1:PORT, a blocking connect
 *                          to it, one message each way
 *   connect ADDR PORT      blocking TCP connect (inet or inet6 ADDR)
 *   bind ADDR PORT         bind a UDP socket
 *   socket FAMILY          socket(): inet, inet6, unix, netlink, packet, raw
 *   sendto ADDR PORT       one UDP datagram with an address
 *   udp-roundtrip PORT     UDP receiver on 127.0.0.1:PORT; sendto and sendmsg
 *                          to it, both must arrive
 *   socketpair             unix socketpair: send/recv, sendmsg with SCM_RIGHTS
 *                          (a pipe passed and used)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define E(x) { x, #x }
static const struct {
	int nr;
	const char *name;
} errno_names[] = {
	E(EPERM), E(ENOENT), E(EINTR), E(EBADF), E(EAGAIN), E(ENOMEM), E(EACCES), E(EFAULT),
	E(EINVAL), E(EMFILE), E(ENOSYS), E(ENOTSOCK), E(EDESTADDRREQ), E(EMSGSIZE), E(EPROTOTYPE),
	E(ENOPROTOOPT), E(EPROTONOSUPPORT), E(ESOCKTNOSUPPORT), E(EOPNOTSUPP), E(EAFNOSUPPORT),
	E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH), E(ECONNABORTED),
	E(ECONNRESET), E(ENOBUFS), E(EISCONN), E(ENOTCONN), E(ETIMEDOUT), E(ECONNREFUSED),
	E(EHOSTUNREACH), E(EALREADY), E(EINPROGRESS),
};

static int fail(const char *step)
{
	int e = errno;
	size_t i;

	for (i = 0; i < sizeof(errno_names) / sizeof(errno_names[0]); i++)
		if (errno_names[i].nr == e) {
			printf("err %s %s\n", errno_names[i].name, step);
			return 0;
		}
	printf("err %d %s\n", e, step);
	return 0;
}

static int ok(void)
{
	printf("ok\n");
	return 0;
}

/* addr: "a.b.c.d" or an inet6 address. */
static socklen_t mkaddr(const char *addr, const char *port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)atoi(port));
		return sizeof(*in);
	}
	if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)atoi(port));
		return sizeof(*in6);
	}
	fprintf(stderr, "netprobe: bad address %s\n", addr);
	exit(2);
}

static int wait_in(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 5000) == 1 ? 0 : (errno = ETIMEDOUT, -1);
}

static int serve_connect(char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr("127.0.0.1", argv[0], &ss);
	int l, s, a, one = 1;
	char buf[8];

	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0)
		return fail("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&ss, len) < 0)
		return fail("bind");
	if (listen(l, 4) < 0)
		return fail("listen");
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return fail("socket");
	if (connect(s, (struct sockaddr *)&ss, len) < 0) /* blocking */
		return fail("connect");
	a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (a < 0)
		return fail("accept");
	if (send(s, "ping", 4, 0) != 4)
		return fail("send");
	if (wait_in(a) < 0 || recv(a, buf, sizeof(buf), 0) != 4 || memcmp(buf, "ping", 4))
		return fail("recv");
	/* sendmsg without a name on a connected stream (performed by the emulator) */
	struct iovec iov = { "pong", 4 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (sendmsg(a, &mh, 0) != 4)
		return fail("sendmsg");
	if (wait_in(s) < 0 || recv(s, buf, sizeof(buf), 0) != 4 || memcmp(buf, "pong", 4))
		return fail("recv2");
	return ok();
}

static int do_connect(char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(argv[0], argv[1], &ss);
	int s = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return fail("socket");
	if (connect(s, (struct sockaddr *)&ss, len) < 0)
		return fail("connect");
	return ok();
}

static int do_bind(char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(argv[0], argv[1], &ss);
	int s = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return fail("socket");
	if (bind(s, (struct sockaddr *)&ss, len) < 0)
		return fail("bind");
	return ok();
}

static int do_socket(char **argv)
{
	static const struct {
		const char *name;
		int domain, type, protocol;
	} fam[] = {
		{ "inet", AF_INET, SOCK_STREAM, 0 },
		{ "inet6", AF_INET6, SOCK_DGRAM, 0 },
		{ "unix", AF_UNIX, SOCK_STREAM, 0 },
		{ "netlink", AF_NETLINK, SOCK_RAW, 0 },
		{ "packet", AF_PACKET, SOCK_RAW, 0 },
		{ "raw", AF_INET, SOCK_RAW, IPPROTO_ICMP },
	};
	size_t i;

	for (i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
		if (strcmp(argv[0], fam[i].name))
			continue;
		if (socket(fam[i].domain, fam[i].type | SOCK_CLOEXEC,
			   fam[i].domain == AF_PACKET ? htons(ETH_P_ALL) : fam[i].protocol) < 0)
			return fail("socket");
		return ok();
	}
	fprintf(stderr, "netprobe: unknown family %s\n", argv[0]);
	return 2;
}

static int do_sendto(char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(argv[0], argv[1], &ss);
	int s = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return fail("socket");
	if (sendto(s, "x", 1, 0, (struct sockaddr *)&ss, len) != 1)
		return fail("sendto");
	return ok();
}

static int udp_roundtrip(char **argv)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr("127.0.0.1", argv[0], &ss);
	int r = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct iovec iov[2] = { { "two", 3 }, { "parts", 5 } };
	struct msghdr mh = { .msg_name = &ss, .msg_namelen = len, .msg_iov = iov, .msg_iovlen = 2 };
	char buf[16];

	if (r < 0 || s < 0)
		return fail("socket");
	if (bind(r, (struct sockaddr *)&ss, len) < 0)
		return fail("bind");
	if (sendto(s, "one", 3, 0, (struct sockaddr *)&ss, len) != 3)
		return fail("sendto");
	if (wait_in(r) < 0 || recv(r, buf, sizeof(buf), 0) != 3 || memcmp(buf, "one", 3))
		return fail("recv");
	if (sendmsg(s, &mh, 0) != 8)
		return fail("sendmsg");
	if (wait_in(r) < 0 || recv(r, buf, sizeof(buf), 0) != 8 || memcmp(buf, "twoparts", 8))
		return fail("recv2");
	return ok();
}

static int do_socketpair(char **argv)
{
	int sp[2], pp[2], fd = -1;
	char buf[8], cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { "F", 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	(void)argv;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return fail("socketpair");
	if (send(sp[0], "hi", 2, 0) != 2 || recv(sp[1], buf, sizeof(buf), 0) != 2)
		return fail("send");
	if (pipe2(pp, O_CLOEXEC) < 0)
		return fail("pipe");
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &pp[0], sizeof(int));
	if (sendmsg(sp[0], &mh, 0) != 1)
		return fail("sendmsg");
	memset(cbuf, 0, sizeof(cbuf));
	iov.iov_base = buf;
	if (recvmsg(sp[1], &mh, 0) != 1)
		return fail("recvmsg");
	cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return errno = EBADF, fail("cmsg");
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (write(pp[1], "abc", 3) != 3 || read(fd, buf, sizeof(buf)) != 3 || memcmp(buf, "abc", 3))
		return fail("passed-fd");
	return ok();
}

static const struct {
	const char *name;
	int nargs;
	int (*fn)(char **argv);
} cmds[] = {
	{ "serve-connect", 1, serve_connect }, { "connect", 2, do_connect },
	{ "bind", 2, do_bind },		       { "socket", 1, do_socket },
	{ "sendto", 2, do_sendto },	       { "udp-roundtrip", 1, udp_roundtrip },
	{ "socketpair", 0, do_socketpair },
};

int main(int argc, char **argv)
{
	size_t i;

	setvbuf(stdout, NULL, _IONBF, 0);
	for (i = 0; argc >= 2 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name) && argc - 2 == cmds[i].nargs)
			return cmds[i].fn(argv + 2);
	fprintf(stderr, "usage: netprobe SUBCOMMAND [ARGS] (see the source)\n");
	return 2;
}
