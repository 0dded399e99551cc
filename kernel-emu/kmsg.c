// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/kmsg's reads and writes on the container's log ring (kmsg.h). A record
 * in the ring is "<pri>[sec.usec] text\n", written by syslog.c itself (text
 * sanitised, so the prefix is always ours): a read parses the prefix back
 * rather than storing the same numbers twice, and escapes the text as Linux
 * does for /dev/kmsg (bytes >= 0x7f and '\' as \xNN; util-linux dmesg undoes
 * it). Text from the container is untrusted: lengths are checked, and
 * syslog.c replaces control characters.
 */
#include "kmsg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define DEFAULT_LEVEL 4 /* LOG_WARNING: Linux's default_message_loglevel */

void emu_kmsg_seek_oldest(const struct emu_syslog *log, struct emu_kmsg_cursor *c)
{
	c->seq = log->first_seq;
	c->pos = log->start;
}

void emu_kmsg_seek_end(const struct emu_syslog *log, struct emu_kmsg_cursor *c)
{
	c->seq = log->next_seq;
	c->pos = log->end;
}

void emu_kmsg_seek_clear(const struct emu_syslog *log, struct emu_kmsg_cursor *c)
{
	c->seq = log->clear_seq;
	c->pos = log->clear_pos;
	if (c->seq < log->first_seq)
		emu_kmsg_seek_oldest(log, c);
}

bool emu_kmsg_readable(const struct emu_syslog *log, const struct emu_kmsg_cursor *c)
{
	return c->seq != log->next_seq;
}

/* "<pri>[sec.usec] text\n" (NUL-terminated) -> pri, microseconds, text. */
static bool parse_record(const char *rec, unsigned *pri, uint64_t *us, const char **text)
{
	unsigned long sec, usec;
	int n = -1;

	if (sscanf(rec, "<%u>[%lu.%lu]%n", pri, &sec, &usec, &n) != 3 || n < 0 || rec[n] != ' ')
		return false;
	*us = (uint64_t)sec * 1000000 + usec;
	*text = rec + n + 1;
	return true;
}

/* "PRI,SEQ,TS,-;text\n" into out; the length it needs (> cap: nothing usable). */
static size_t format_kmsg(char *out, size_t cap, unsigned pri, uint64_t seq, uint64_t us,
			  const char *text)
{
	int n = snprintf(out, cap, "%u,%" PRIu64 ",%" PRIu64 ",-;", pri, seq, us);
	size_t len = n > 0 ? (size_t)n : 0;

	for (const char *p = text; *p && *p != '\n'; p++) {
		unsigned char ch = (unsigned char)*p;
		char esc[5];
		size_t k = 1;

		if (ch >= 0x7f || ch == '\\')
			k = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", ch);
		else
			esc[0] = (char)ch;
		if (len + k < cap)
			memcpy(out + len, esc, k);
		len += k;
	}
	if (len < cap)
		out[len] = '\n';
	return len + 1;
}

ssize_t emu_kmsg_read(const struct emu_syslog *log, struct emu_kmsg_cursor *c, char *out,
		      size_t cap)
{
	char rec[EMU_SYSLOG_REC_MAX + 1];
	const char *text;
	unsigned pri;
	uint64_t us;

	if (c->seq < log->first_seq) {
		emu_kmsg_seek_oldest(log, c);
		return -EPIPE;
	}
	if (!emu_kmsg_readable(log, c))
		return -EAGAIN;
	size_t raw = emu_syslog_record(log, c->pos, rec, EMU_SYSLOG_REC_MAX);
	rec[raw] = '\0';
	if (!parse_record(rec, &pri, &us, &text))
		return -EIO; /* cannot happen: syslog.c wrote the prefix */
	size_t len = format_kmsg(out, cap, pri, c->seq, us, text);
	if (len > cap)
		return -EINVAL;
	c->pos += raw;
	c->seq++;
	return (ssize_t)len;
}

/* "<N>" at the start of text, as Linux reads it (digits, maybe none): its
 * length, and N (32 bits) in *n; 0 if there is none. */
static size_t parse_prefix(const char *text, unsigned *n)
{
	size_t i = 1;

	if (text[0] != '<')
		return 0;
	for (*n = 0; text[i] >= '0' && text[i] <= '9'; i++)
		*n = *n * 10 + (unsigned)(text[i] - '0');
	return text[i] == '>' ? i + 1 : 0;
}

ssize_t emu_kmsg_write(struct emu_syslog *log, uint64_t now_ns, const char *buf, size_t len)
{
	char text[EMU_KMSG_WRITE_MAX + 1];
	unsigned level = DEFAULT_LEVEL, facility = EMU_KMSG_USER_FACILITY, n;

	if (len > EMU_KMSG_WRITE_MAX)
		return -EINVAL;
	memcpy(text, buf, len);
	text[len] = '\0';
	size_t skip = parse_prefix(text, &n);
	if (skip) {
		level = n & 7;
		facility = (n >> 3) & 0xff ? (n >> 3) & 0xff : EMU_KMSG_USER_FACILITY;
	}
	size_t tlen = strlen(text + skip);
	if (tlen && text[skip + tlen - 1] == '\n')
		text[skip + tlen - 1] = '\0';
	emu_syslog_append(log, now_ns, (int)(facility << 3 | level), text + skip);
	return (ssize_t)len;
}
