/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command line /proc/PID/cmdline shows: the kernel reads it from the
 * process's own memory (the argv strings main() received), so a process
 * can overwrite it. hybox's init uses this to hide the supervisor's host
 * command line (state, bundle and log paths) from the container, where it
 * is pid 1 and its cmdline is readable by every task.
 */
#ifndef HYBOX_PROC_TITLE_H
#define HYBOX_PROC_TITLE_H

/* Remember where main()'s argv strings are (call first thing in main). */
void hy_proc_title_init(int argc, char **argv);

/* Overwrite them with title, the rest with NULs. Every string that pointed
 * into them reads as (part of) title or "" afterwards: call it only once
 * nothing of argv is needed any more. No-op before hy_proc_title_init. */
void hy_proc_title_set(const char *title);

#endif
