// SPDX-License-Identifier: GPL-2.0-only
/* `hybox exec -t`: relay between the caller's terminal and the process's (exec_tty.h). */
#include "exec_tty.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util.h"

void hy_exec_tty_init(struct hy_exec_tty *t)
{
	*t = (struct hy_exec_tty){ .master = -1 };
}

void hy_exec_tty_resize(struct hy_exec_tty *t)
{
	struct winsize ws;
	if (t->master >= 0 && ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(t->master, TIOCSWINSZ, &ws);
}

void hy_exec_tty_attach(struct hy_exec_tty *t, int master)
{
	struct termios raw;
	t->master = master;
	t->in_open = true;
	fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
	if (tcgetattr(0, &t->saved) == 0) {
		raw = t->saved;
		cfmakeraw(&raw);
		t->is_raw = tcsetattr(0, TCSANOW, &raw) == 0;
	}
	hy_exec_tty_resize(t);
}

int hy_exec_tty_pollfds(const struct hy_exec_tty *t, struct pollfd *p)
{
	if (t->master < 0)
		return 0;
	p[0] = (struct pollfd){ .fd = t->in_open ? 0 : -1, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = t->master, .events = POLLIN };
	return 2;
}

/* Copy one chunk from -> to; false at EOF or an error of from. */
static bool pump(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n <= 0)
		return false;
	return write_all(to, buf, (size_t)n) == 0;
}

void hy_exec_tty_service(struct hy_exec_tty *t, const struct pollfd *p, int n)
{
	if (n < 2)
		return;
	if (p[0].revents & (POLLIN | POLLHUP))
		t->in_open = pump(0, t->master);
	/* EIO once the last slave is closed: the process is gone; finish() drains. */
	if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && !pump(t->master, 1))
		closep(&t->master);
}

void hy_exec_tty_finish(struct hy_exec_tty *t)
{
	while (t->master >= 0 && pump(t->master, 1)) {
		struct pollfd p = { .fd = t->master, .events = POLLIN };
		if (poll(&p, 1, 50) <= 0)
			break;
	}
	closep(&t->master);
	if (t->is_raw)
		tcsetattr(0, TCSANOW, &t->saved);
	t->is_raw = false;
}
