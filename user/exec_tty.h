/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The client side of `hybox exec -t` without --console-socket: the caller's
 * terminal in raw mode, bytes relayed between it and the master of the
 * pseudo-terminal the process opened in the container, and the window size
 * copied on SIGWINCH. What bwrap or `docker exec -it` give.
 */
#pragma once
#include <poll.h>
#include <stdbool.h>
#include <termios.h>

struct hy_exec_tty {
	int master;       /* -1: not attached */
	bool in_open;     /* stdin still gives bytes */
	bool is_raw;      /* saved holds the caller's terminal settings */
	struct termios saved;
};

void hy_exec_tty_init(struct hy_exec_tty *t);
/* Take master (owned from now): raw mode on stdin if it is a terminal, its size. */
void hy_exec_tty_attach(struct hy_exec_tty *t, int master);
/* The caller's window size to the pseudo-terminal (SIGWINCH). */
void hy_exec_tty_resize(struct hy_exec_tty *t);
/* Fill up to 2 pollfds (stdin, master) for poll(); returns how many. */
int hy_exec_tty_pollfds(const struct hy_exec_tty *t, struct pollfd *p);
/* Move what poll() found ready (the n pollfds filled above). */
void hy_exec_tty_service(struct hy_exec_tty *t, const struct pollfd *p, int n);
/* The process ended: copy what the master still holds, restore the terminal. */
void hy_exec_tty_finish(struct hy_exec_tty *t);
