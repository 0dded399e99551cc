// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container's kernel log ring and the syslog(2) actions on it.
 *
 * Offsets (start, end, read_pos, clear_pos) are absolute byte counts since
 * init; byte p lives at buf[p % EMU_SYSLOG_SIZE]. The ring holds whole
 * records only: every '\n' ends a record (newlines inside a text are
 * replaced on append, so a task that controls a text — e.g. a hostname —
 * cannot forge records). Records are numbered: first_seq is the number of
 * the record at start, so a /dev/kmsg cursor (kmsg.c) holding a number and
 * an offset knows whether its record is still here. Pure logic but for one
 * eventfd write per append (wake_fd): the caller holds k->lock and does all
 * task memory access.
 */
#include "syslog.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define SYSLOG_TEXT_MAX 1024 /* longer texts are truncated */
#define SYSLOG_REC_MAX EMU_SYSLOG_REC_MAX

enum {
	SYSLOG_ACTION_CLOSE = 0,
	SYSLOG_ACTION_OPEN = 1,
	SYSLOG_ACTION_READ = 2,
	SYSLOG_ACTION_READ_ALL = 3,
	SYSLOG_ACTION_READ_CLEAR = 4,
	SYSLOG_ACTION_CLEAR = 5,
	SYSLOG_ACTION_CONSOLE_OFF = 6,
	SYSLOG_ACTION_CONSOLE_ON = 7,
	SYSLOG_ACTION_CONSOLE_LEVEL = 8,
	SYSLOG_ACTION_SIZE_UNREAD = 9,
	SYSLOG_ACTION_SIZE_BUFFER = 10,
};

void emu_syslog_init(struct emu_syslog *log, uint64_t boot_ns)
{
	memset(log, 0, sizeof(*log));
	log->boot_ns = boot_ns;
	log->wake_fd = -1;
}

static char ring_byte(const struct emu_syslog *log, size_t pos)
{
	return log->buf[pos % EMU_SYSLOG_SIZE];
}

static void ring_copy_out(const struct emu_syslog *log, size_t pos, char *out, size_t n)
{
	size_t off = pos % EMU_SYSLOG_SIZE;
	size_t first = MIN(n, EMU_SYSLOG_SIZE - off);

	memcpy(out, log->buf + off, first);
	memcpy(out + first, log->buf, n - first);
}

static void ring_copy_in(struct emu_syslog *log, const char *rec, size_t n)
{
	size_t off = log->end % EMU_SYSLOG_SIZE;
	size_t first = MIN(n, EMU_SYSLOG_SIZE - off);

	memcpy(log->buf + off, rec, first);
	memcpy(log->buf, rec + first, n - first);
	log->end += n;
}

/* Advance start past the oldest record (the ring is non-empty and ends on '\n'). */
static void drop_oldest(struct emu_syslog *log)
{
	while (log->start < log->end && ring_byte(log, log->start) != '\n')
		log->start++;
	if (log->start < log->end)
		log->start++;
	log->first_seq++;
}

/* Format one record into rec; control characters in text become spaces. */
static size_t format_record(const struct emu_syslog *log, uint64_t now_ns, int pri,
			    const char *text, char *rec)
{
	uint64_t rel = now_ns > log->boot_ns ? now_ns - log->boot_ns : 0;
	int n = snprintf(rec, SYSLOG_REC_MAX, "<%d>[%5lu.%06lu] ", pri,
			 (unsigned long)(rel / 1000000000ULL),
			 (unsigned long)(rel % 1000000000ULL / 1000));
	size_t len = n > 0 ? (size_t)n : 0;

	for (size_t i = 0; text && text[i] && i < SYSLOG_TEXT_MAX; i++) {
		unsigned char ch = text[i];
		rec[len++] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
	}
	rec[len++] = '\n';
	return len;
}

void emu_syslog_append(struct emu_syslog *log, uint64_t now_ns, int pri, const char *text)
{
	char rec[SYSLOG_REC_MAX + 1];
	size_t n = format_record(log, now_ns, pri, text, rec);

	while (log->end - log->start + n > EMU_SYSLOG_SIZE)
		drop_oldest(log);
	ring_copy_in(log, rec, n);
	log->next_seq++;
	log->read_pos = MAX(log->read_pos, log->start);
	if (log->clear_pos < log->start) {
		log->clear_pos = log->start;
		log->clear_seq = log->first_seq;
	}
	/* Non-blocking: a full counter already means "wake up". */
	if (log->wake_fd >= 0)
		(void)!write(log->wake_fd, &(uint64_t){ 1 }, sizeof(uint64_t));
}

size_t emu_syslog_record(const struct emu_syslog *log, size_t pos, char *out, size_t cap)
{
	size_t n = 0;

	while (pos + n < log->end && n < cap && ring_byte(log, pos + n) != '\n')
		n++;
	n = MIN(n + 1, MIN(cap, log->end - pos));
	ring_copy_out(log, pos, out, n);
	return n;
}

static void clear_all(struct emu_syslog *log)
{
	log->clear_pos = log->end;
	log->clear_seq = log->next_seq;
}

/* Destructive read from read_pos. Linux blocks while the log is empty; an
 * emulated handler must not park the serving thread, so we return 0. */
static long action_read(struct emu_syslog *log, char *out, size_t len)
{
	size_t n = MIN(len, log->end - log->read_pos);

	ring_copy_out(log, log->read_pos, out, n);
	log->read_pos += n;
	return (long)n;
}

/* The newest whole records since clear_pos that fit in len bytes (as Linux's
 * syslog_print_all skips the oldest records until the rest fit). */
static long action_read_all(struct emu_syslog *log, char *out, size_t len)
{
	size_t pos = MAX(log->clear_pos, log->start);

	if (log->end - pos > len) {
		pos = log->end - len;
		while (pos < log->end && ring_byte(log, pos - 1) != '\n')
			pos++;
	}
	ring_copy_out(log, pos, out, log->end - pos);
	return (long)(log->end - pos);
}

static long action_read_any(struct emu_syslog *log, int type, char *out, size_t len)
{
	long r;

	if (!out)
		return -EINVAL;
	if (len == 0)
		return 0;
	if (type == SYSLOG_ACTION_READ)
		return action_read(log, out, len);
	r = action_read_all(log, out, len);
	if (type == SYSLOG_ACTION_READ_CLEAR)
		clear_all(log);
	return r;
}

long emu_syslog_action(struct emu_syslog *log, int type, char *out, size_t len)
{
	switch (type) {
	case SYSLOG_ACTION_CLOSE:
	case SYSLOG_ACTION_OPEN:
	case SYSLOG_ACTION_CONSOLE_OFF:
	case SYSLOG_ACTION_CONSOLE_ON:
		return 0;
	case SYSLOG_ACTION_READ:
	case SYSLOG_ACTION_READ_ALL:
	case SYSLOG_ACTION_READ_CLEAR:
		return action_read_any(log, type, out, len);
	case SYSLOG_ACTION_CLEAR:
		clear_all(log);
		return 0;
	case SYSLOG_ACTION_CONSOLE_LEVEL:
		/* No console: the level is validated, not stored. */
		return (len >= 1 && len <= 8) ? 0 : -EINVAL;
	case SYSLOG_ACTION_SIZE_UNREAD:
		return (long)(log->end - log->read_pos);
	case SYSLOG_ACTION_SIZE_BUFFER:
		return EMU_SYSLOG_SIZE;
	default:
		return -EINVAL;
	}
}
