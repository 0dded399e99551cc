// SPDX-License-Identifier: GPL-2.0-only
/*
 * eventfd, signalfd, timerfd and epoll fds made again by the restored task
 * (injected syscalls), then moved to their saved numbers. A timer is armed
 * with the time it had left (the container's clocks go on from the dump,
 * so relative is right whatever its clock) and gets its unread ticks back
 * (TFD_IOC_SET_TICKS); epoll gets each target again once every fd is in
 * place.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>

#include "ckpt_restore.h"
#include "util.h"

#ifndef TFD_IOC_SET_TICKS
#define TFD_IOC_SET_TICKS _IOW('T', 0, uint64_t)
#endif

static void to_timespec(uint64_t ns, struct timespec *t)
{
	t->tv_sec = (time_t)(ns / 1000000000ULL);
	t->tv_nsec = (long)(ns % 1000000000ULL);
}

static int arm_timer(struct ck_restore_proc *r, const struct ck_fd *f, struct hy_err *err)
{
	struct ck_task *t = &r->tasks[0];
	struct itimerspec its;
	long ret;
	int e = 0;
	/* A periodic timer that expired shows 0 left: its kernel timer moves on
	 * only when read. Its expiry is in the ticks; the next comes a period on. */
	uint64_t left = f->it_value_ns ? f->it_value_ns : f->it_interval_ns;
	to_timespec(left, &its.it_value);
	to_timespec(f->it_interval_ns, &its.it_interval);
	if (left)
		e = ck_task_write(t, r->scratch, &its, sizeof(its), err);
	if (e == 0 && left)
		e = ck_inject(t, &ret, "arm a timerfd", SYS_timerfd_settime, (uint64_t)f->fd, 0,
			      r->scratch, 0, 0, 0, err);
	if (e == 0 && f->value)
		e = ck_task_write(t, r->scratch, &f->value, sizeof(f->value), err);
	if (e == 0 && f->value)
		e = ck_inject(t, &ret, "give a timerfd its ticks back", SYS_ioctl, (uint64_t)f->fd,
			      TFD_IOC_SET_TICKS, r->scratch, 0, 0, 0, err);
	return e;
}

int ck_restore_anon_fd(struct ck_restore_proc *r, const struct ck_fd *f, struct hy_err *err)
{
	struct ck_task *t = &r->tasks[0];
	int nonblock = f->flags & O_NONBLOCK ? O_NONBLOCK : 0;
	long got;
	int e;
	switch (f->kind) {
	case CK_FD_EVENTFD:
		e = ck_inject(t, &got, "make an eventfd", SYS_eventfd2, f->value,
			      (uint64_t)(nonblock | (f->is_semaphore ? EFD_SEMAPHORE : 0)), 0, 0, 0, 0,
			      err);
		break;
	case CK_FD_SIGNALFD:
		e = ck_task_write(t, r->scratch, &f->value, sizeof(f->value), err);
		if (e == 0)
			e = ck_inject(t, &got, "make a signalfd", SYS_signalfd4, (uint64_t)-1,
				      r->scratch, 8, (uint64_t)nonblock, 0, 0, err);
		break;
	case CK_FD_TIMERFD:
		e = ck_inject(t, &got, "make a timerfd", SYS_timerfd_create, (uint64_t)f->clockid,
			      (uint64_t)nonblock, 0, 0, 0, 0, err);
		break;
	default:
		e = ck_inject(t, &got, "make an epoll fd", SYS_epoll_create1, 0, 0, 0, 0, 0, 0, err);
	}
	if (e == 0)
		e = ck_place_fd(r, got, f, err);
	if (e == 0 && f->kind == CK_FD_TIMERFD)
		e = arm_timer(r, f, err);
	return e;
}

int ck_restore_epoll_targets(struct ck_restore_proc *r, const struct ck_fd *f, struct hy_err *err)
{
	struct ck_task *t = &r->tasks[0];
	long ret;
	for (size_t i = 0; i < f->ntargets; i++) {
		struct epoll_event ev = { .events = f->targets[i].events,
					  .data.u64 = f->targets[i].data };
		int e = ck_task_write(t, r->scratch, &ev, sizeof(ev), err);
		if (e == 0)
			e = ck_inject(t, &ret, "watch an fd with epoll again", SYS_epoll_ctl,
				      (uint64_t)f->fd, EPOLL_CTL_ADD, (uint64_t)f->targets[i].fd,
				      r->scratch, 0, 0, err);
		if (e < 0)
			return e;
	}
	return 0;
}
