// SPDX-License-Identifier: GPL-2.0-only
/*
 * `hybox exec [OPTIONS] ID COMMAND [ARG...]` and runc's `--process FILE`:
 * run one more process in a running container, under the same filter,
 * policy and supervision as its command (execsrv.h), with this process's
 * stdin, stdout and stderr. Runs with the caller's privileges; the
 * supervisor checks them. Waits for the process and exits with its status
 * (as `hybox run` does), forwarding SIGINT, SIGTERM, SIGHUP, SIGQUIT,
 * SIGUSR1 and SIGUSR2 to it; with --detach, returns once it runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "container.h"
#include "control.h"
#include "console.h"
#include "exec_tty.h"
#include "execsrv.h"
#include "util.h"

extern char **environ;

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: hybox exec [OPTIONS] ID COMMAND [ARG...]\n"
		"       hybox exec [OPTIONS] --process FILE ID\n\n"
		"Run COMMAND in the running container ID, as its command runs: in its\n"
		"namespaces and cgroup, under its seccomp filter, policy and kernel-emu,\n"
		"as its user with its capabilities, in a session of its own. COMMAND gets\n"
		"this program's stdin, stdout and stderr and is looked up in the PATH of\n"
		"its environment: the container's process.env for an OCI container, this\n"
		"program's environment otherwise, plus --env.\n\n"
		"  -e, --env NAME=VALUE  set a variable (repeatable)\n"
		"  -w, --cwd DIR         working directory inside (default: the command's)\n"
		"  -t, --tty             a pseudo-terminal, opened in the container, as\n"
		"                        COMMAND's stdio; this program relays it to its own\n"
		"                        terminal (raw mode, window size)\n"
		"      --console-socket SOCKET\n"
		"                        with -t: send the terminal's master there instead\n"
		"                        (SCM_RIGHTS, as runc does)\n"
		"  -p, --process FILE    runc's process.json: args, env, cwd, user, terminal,\n"
		"                        consoleSize\n"
		"  -u, --user UID[:GID]  run as these ids (GID 0 if not given, as runc), with\n"
		"                        no supplementary groups; the working directory must\n"
		"                        exist and be theirs to enter\n"
		"  -d, --detach          return once COMMAND runs, printing nothing\n"
		"      --pid-file FILE   write COMMAND's host pid to FILE\n"
		"  -h, --help            show this help\n\n"
		"Exit status: COMMAND's, 128+N if it was killed by signal N; 125 when it\n"
		"could not be started (unknown or stopped container, permission denied,\n"
		"bad request), 126 when it cannot be executed, 127 when it is not found;\n"
		"137 when the container ended while COMMAND ran.\n");
}

struct exec_opts {
	json_t *req; /* the request being built */
	const char *process, *pid_file, *id, *console_socket;
	bool detach, tty;
};

/* runc's process.json: the fields exec takes; the rest refused by name. */
static int load_process(struct exec_opts *o)
{
	json_error_t je;
	json_t *p = json_load_file(o->process, JSON_REJECT_DUPLICATES, &je), *v;
	const char *key;
	if (!p || !json_is_object(p)) {
		fprintf(stderr, "hybox exec: %s:%d:%d: %s\n", o->process, je.line, je.column,
			p ? "expected an object" : je.text);
		json_decref(p);
		return -EINVAL;
	}
	json_object_foreach (p, key, v) {
		const char *why = NULL;
		if (!strcmp(key, "args") || !strcmp(key, "env") || !strcmp(key, "cwd") ||
		    !strcmp(key, "user") || !strcmp(key, "terminal") || !strcmp(key, "consoleSize") ||
		    !strcmp(key, "capabilities") || !strcmp(key, "rlimits") ||
		    !strcmp(key, "oomScoreAdj"))
			json_object_set(o->req, key, v);
		else if (strcmp(key, "noNewPrivileges") == 0 && !json_is_true(v))
			why = "only true (hybox always sets no_new_privs)";
		else if (strcmp(key, "noNewPrivileges"))
			why = "not supported (exec takes args, env, cwd, user, terminal, "
			      "consoleSize, capabilities, rlimits and oomScoreAdj)";
		if (why) {
			fprintf(stderr, "hybox exec: %s: %s: %s\n", o->process, key, why);
			json_decref(p);
			return -EINVAL;
		}
	}
	json_decref(p);
	return 0;
}

/* -u UID[:GID] (numbers, as runc takes them; GID defaults to 0, as in runc). */
static int parse_user(struct exec_opts *o, const char *s)
{
	char *end;
	errno = 0;
	unsigned long uid = strtoul(s, &end, 10), gid = 0;
	if (end != s && *end == ':') {
		const char *g = end + 1;
		gid = strtoul(g, &end, 10);
		if (end == g)
			end = (char *)"x";
	}
	if (errno || end == s || *end || uid > 4294967294UL || gid > 4294967294UL || *s == '-') {
		fprintf(stderr, "hybox exec: --user %s: expected UID[:GID], numbers\n", s);
		return -ECANCELED; /* said it all: no usage after it */
	}
	json_object_set_new(o->req, "user", json_pack("{s:I,s:I}", "uid", (json_int_t)uid, "gid",
						      (json_int_t)gid));
	return 0;
}

static int add_env(struct exec_opts *o, const char *kv)
{
	if (!strchr(kv, '=') || kv[0] == '=') {
		fprintf(stderr, "hybox exec: --env %s: expected NAME=VALUE\n", kv);
		return -ECANCELED;
	}
	json_t *a = json_object_get(o->req, "env_add");
	if (!a)
		json_object_set_new(o->req, "env_add", a = json_array());
	json_array_append_new(a, json_string(kv));
	return 0;
}

/* Options, ID and the command into o. 0, 1 (--help) or -EINVAL. */
static int parse(int argc, char **argv, struct exec_opts *o)
{
	static const struct option opts[] = {
		{ "env", required_argument, NULL, 'e' },   { "cwd", required_argument, NULL, 'w' },
		{ "process", required_argument, NULL, 'p' }, { "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'P' }, { "tty", no_argument, NULL, 't' },
		{ "console-socket", required_argument, NULL, 'C' },
		{ "user", required_argument, NULL, 'u' },  { "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	int c, r = 0;
	optind = 0;
	opterr = 0;
	while (r == 0 && (c = getopt_long(argc, argv, "+:e:w:p:dtu:h", opts, NULL)) != -1) {
		if (c == 'e')
			r = add_env(o, optarg);
		else if (c == 'w')
			json_object_set_new(o->req, "cwd", json_string(optarg));
		else if (c == 'p')
			o->process = optarg;
		else if (c == 'd')
			o->detach = true;
		else if (c == 'P')
			o->pid_file = optarg;
		else if (c == 't')
			o->tty = true;
		else if (c == 'C')
			o->console_socket = optarg;
		else if (c == 'h')
			return 1;
		else if (c == 'u')
			r = parse_user(o, optarg);
		else
			r = fprintf(stderr, "hybox exec: bad option '%s'\n", argv[optind - 1]) < 0 ?
				    -EIO : -EINVAL;
	}
	if (r < 0)
		return r;
	if (optind >= argc || (!o->process && optind + 1 >= argc) ||
	    (o->process && optind + 1 != argc)) {
		fprintf(stderr, "hybox exec: expected ID and a command, or --process FILE and ID\n");
		return -EINVAL;
	}
	o->id = argv[optind++];
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (o->process)
		return load_process(o);
	json_t *args = json_array();
	for (int i = optind; i < argc; i++)
		json_array_append_new(args, json_string(argv[i]));
	json_object_set_new(o->req, "args", args);
	return json_array_size(args) ? 0 : -EINVAL;
}

/* The request, with stdin, stdout and stderr attached. */
static int send_request(int fd, json_t *req)
{
	_cleanup_free_ char *s = json_dumps(req, JSON_COMPACT);
	static const int stdio[3] = { 0, 1, 2 };
	if (!s)
		return -ENOMEM;
	return send_fds(fd, s, strlen(s), stdio, 3, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

/* One reply, and the fd attached to it (a terminal's master) in *ret_fd. */
static json_t *recv_reply(int fd, int *ret_fd)
{
	char buf[4096];
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(ret_fd, CMSG_DATA(c), sizeof(int));
	return n > 0 ? json_loadb(buf, (size_t)n, 0, NULL) : NULL;
}

/* A signal the client got: the window size to the terminal, the rest to the process. */
static void on_signal(int fd, int sfd, struct hy_exec_tty *tty)
{
	struct signalfd_siginfo si;
	char msg[32];
	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGWINCH) {
		hy_exec_tty_resize(tty);
		return;
	}
	int n = snprintf(msg, sizeof(msg), "{\"signal\":%u}", si.ssi_signo);
	(void)!send(fd, msg, (size_t)n, MSG_NOSIGNAL);
}

/* The next reply, relaying the terminal and forwarding signals meanwhile.
 * NULL: the supervisor is gone. */
static json_t *next_reply(int fd, int sfd, struct hy_exec_tty *tty, int *ret_fd)
{
	*ret_fd = -1;
	for (;;) {
		struct pollfd p[4] = { { .fd = fd, .events = POLLIN }, { .fd = sfd, .events = POLLIN } };
		int nt = hy_exec_tty_pollfds(tty, p + 2);
		if (poll(p, 2 + (nfds_t)nt, -1) < 0 && errno != EINTR)
			return NULL;
		if (p[1].revents & POLLIN)
			on_signal(fd, sfd, tty);
		hy_exec_tty_service(tty, p + 2, nt);
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			return recv_reply(fd, ret_fd);
	}
}

/* A reply: the failure's message and exit code, or the process's status. */
static int outcome(json_t *r, int *status)
{
	if (!r) {
		fprintf(stderr, "hybox exec: the container's supervisor went away\n");
		return HY_EXIT_RUNTIME;
	}
	if (!json_is_true(json_object_get(r, "ok"))) {
		const char *e = json_string_value(json_object_get(r, "error"));
		json_int_t code = json_integer_value(json_object_get(r, "exit_code"));
		fprintf(stderr, "hybox exec: %s\n", e ? e : "failed");
		return code > 0 && code < 256 ? (int)code : HY_EXIT_RUNTIME;
	}
	*status = (int)json_integer_value(json_object_get(r, "exit"));
	return -1;
}

/* The terminal's master: to --console-socket (runc's way), or relayed here. */
static int take_console(const struct exec_opts *o, struct hy_exec_tty *tty, int master)
{
	struct hy_err err = { 0 };
	if (master < 0) {
		fprintf(stderr, "hybox exec: the terminal came without its master\n");
		return -EBADMSG;
	}
	if (!o->console_socket) {
		hy_exec_tty_attach(tty, master);
		return 0;
	}
	int r = hy_console_send(o->console_socket, master, &err);
	close(master);
	if (r < 0)
		fprintf(stderr, "hybox exec: %s\n", err.msg);
	return r;
}

/* Replies until the end: the terminal, the pid (-d: done), the status. */
/*
 * --detach: the process is the child of the container's init, so whoever
 * waits for "the pid" (containerd's shim, conmon: subreapers) could never
 * reap it. Instead a proxy forked here waits for its status over the same
 * connection and exits with it (dies of the same signal), and the pid file
 * names the proxy; once we exit, the proxy is the subreaper's child, as
 * runc's exec'd process would be. Signals sent to the proxy are passed on.
 * Returns the proxy's pid in the parent, 0 in the proxy, or -errno.
 */
static pid_t fork_proxy(void)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid < 0 ? -errno : pid;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int i = 0; null >= 0 && i < 3; i++) /* the process has its own copies */
		dup2(null, i);
	if (null > 2)
		close(null);
	return 0;
}

/* The proxy's end: the process's exit code, or the same signal. */
static __attribute__((noreturn)) void proxy_exit(int status)
{
	if (WIFSIGNALED(status)) {
		sigset_t all;
		sigfillset(&all);
		signal(WTERMSIG(status), SIG_DFL);
		sigprocmask(SIG_UNBLOCK, &all, NULL);
		raise(WTERMSIG(status));
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : HY_EXIT_RUNTIME);
}

/* The process runs: record its pid (the proxy's with --detach); -1 to wait on. */
static int started(const struct exec_opts *o, json_int_t pid, bool *is_proxy)
{
	if (o->detach) {
		pid_t p = fork_proxy();
		if (p < 0) {
			fprintf(stderr, "hybox exec: fork: %s\n", strerror(-p));
			return HY_EXIT_RUNTIME;
		}
		if (p == 0) {
			*is_proxy = true;
			return -1;
		}
		pid = p;
	}
	struct hy_err err = { 0 };
	if (o->pid_file && hy_pid_file_write(o->pid_file, (pid_t)pid, &err) < 0) {
		fprintf(stderr, "hybox exec: %s\n", err.msg);
		return HY_EXIT_RUNTIME; /* it runs on; its pid was not recorded */
	}
	return o->detach ? 0 : -1;
}

static int follow(int fd, int sfd, const struct exec_opts *o, struct hy_exec_tty *tty)
{
	bool is_proxy = false;
	for (;;) {
		int status = 0, got = -1, r;
		json_t *rep = next_reply(fd, sfd, tty, &got);
		json_t *pid = json_object_get(rep, "pid");
		if (rep && json_object_get(rep, "console")) {
			r = take_console(o, tty, got);
			json_decref(rep);
			if (r < 0)
				return HY_EXIT_RUNTIME;
			continue;
		}
		if (got >= 0)
			close(got);
		r = outcome(rep, &status);
		json_int_t p = json_integer_value(pid);
		json_decref(rep);
		if (r >= 0 && is_proxy)
			_exit(r);
		if (r >= 0)
			return r;
		if (pid && (r = started(o, p, &is_proxy)) >= 0)
			return r;
		if (!pid && is_proxy)
			proxy_exit(status);
		if (!pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
}

static int run_exec(const struct hy_global_opts *g, struct exec_opts *o, int sfd)
{
	struct hy_err err = { 0 };
	struct hy_exec_tty tty;
	_cleanup_close_ int fd = hy_control_connect(g->root, o->id, HY_EXEC_SOCK, &err);
	if (fd < 0) {
		fprintf(stderr, "hybox: %s\n", err.msg);
		return HY_EXIT_RUNTIME;
	}
	if (send_request(fd, o->req) < 0) {
		fprintf(stderr, "hybox exec: send the request: %s\n", strerror(errno));
		return HY_EXIT_RUNTIME;
	}
	hy_exec_tty_init(&tty);
	int status = follow(fd, sfd, o, &tty);
	hy_exec_tty_finish(&tty);
	return status;
}

/* -t (or process.json's terminal): sized like the caller's terminal; who
 * gets the master: --console-socket, or this program (not with -d). */
static int check_terminal(struct exec_opts *o)
{
	struct winsize ws;
	if (json_is_true(json_object_get(o->req, "terminal")))
		o->tty = true;
	if (o->console_socket && !o->tty) {
		fprintf(stderr, "hybox exec: --console-socket needs a terminal (-t)\n");
		return -EINVAL;
	}
	if (o->tty && o->detach && !o->console_socket) {
		fprintf(stderr, "hybox exec: -t with --detach needs --console-socket (nobody "
				"would read the terminal)\n");
		return -EINVAL;
	}
	if (!o->tty)
		return 0;
	json_object_set_new(o->req, "terminal", json_true());
	if (!json_object_get(o->req, "consoleSize") && ioctl(0, TIOCGWINSZ, &ws) == 0)
		json_object_set_new(o->req, "consoleSize", json_pack("{s:i,s:i}", "height",
								     ws.ws_row, "width", ws.ws_col));
	return 0;
}

int hy_cmd_exec(const struct hy_global_opts *g, int argc, char **argv)
{
	struct exec_opts o = { .req = json_object() };
	json_t *env = json_array();
	for (char **e = environ; *e; e++)
		json_array_append_new(env, json_string(*e));
	json_object_set_new(o.req, "client_env", env);
	int r = parse(argc, argv, &o);
	if (r != 0) {
		if (r > 0)
			usage(stdout);
		else if (r != -ECANCELED)
			usage(stderr);
		json_decref(o.req);
		return r > 0 ? 0 : HY_EXIT_RUNTIME;
	}
	if (check_terminal(&o) < 0) {
		json_decref(o.req);
		return HY_EXIT_RUNTIME;
	}
	/* Delivered to the process, not to us (a terminal's ^C included). */
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	if (o.tty)
		sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);
	int status = run_exec(g, &o, sfd);
	if (sfd >= 0)
		close(sfd);
	json_decref(o.req);
	return status;
}
