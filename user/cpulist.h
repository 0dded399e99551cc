/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's list format for CPU and memory node sets ("0-3,5", as in
 * cpuset.cpus, /sys/devices/system/cpu/online and OCI's
 * linux.resources.cpu.cpus/mems): read strictly, written back. Pure.
 */
#pragma once
#include <sched.h>
#include <stddef.h>

/* The largest CPU or node number a list may name: CPU_SETSIZE - 1 (the
 * kernel's MAX_NUMNODES is at most 1024 too). */
#define HY_CPULIST_MAX (CPU_SETSIZE - 1)

/*
 * Parse s: comma-separated numbers and ranges a-b (a <= b) of 0..max, no
 * spaces, no empty items. "" is the empty set. Returns 0 with the set in
 * *out, or -EINVAL (malformed) / -ERANGE (a number above max, a range whose
 * end is below its start) with *ret_why saying what is wrong.
 */
int hy_cpulist_parse(const char *s, unsigned max, cpu_set_t *out, const char **ret_why);

/* The set in list format ("0-3,5", "" when empty) into buf of len bytes;
 * cut short (still NUL-terminated) if buf is too small. */
void hy_cpulist_format(const cpu_set_t *set, char *buf, size_t len);
