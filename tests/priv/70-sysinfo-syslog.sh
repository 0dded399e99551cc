#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Emulated sysinfo(2) and syslog(2): the container sees its own uptime,
# process count and kernel log (a hybox banner), never the host's.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 probe

field() { # NAME TEXT: value of NAME=value in probe sysinfo output
	sed -n "s/.*\\b$1=\\([0-9]*\\).*/\\1/p" <<<"$2"
}

host=$("$PROBE" sysinfo)
hy run -- "$PROBE" sysinfo
assert_match "$RUN_OUT" '^uptime=[0-9]+ procs=[0-9]+ totalram=[0-9]+$' "sysinfo works inside ($RUN_OUT; host: $host)"
up=$(field uptime "$RUN_OUT")
procs=$(field procs "$RUN_OUT")
ram=$(field totalram "$RUN_OUT")
check "sysinfo uptime is the container's (< 10 s)" test "${up:-99}" -lt 10
check "sysinfo procs is the container's (< 10)" test "${procs:-99}" -lt 10 -a "${procs:-0}" -ge 1
check "sysinfo totalram is not zero" test "${ram:-0}" -gt 0
if [ "$(field uptime "$host")" -ge 10 ]; then
	ok "control: the host's uptime is >= 10 s, so the check above can tell them apart"
else
	skip "host booted less than 10 s ago"
fi

hy run -- /bin/sh -c "\"$PROBE\" sysinfo; sleep 2.2; \"$PROBE\" sysinfo"
up1=$(field uptime "$(sed -n 1p <<<"$RUN_OUT")")
up2=$(field uptime "$(sed -n 2p <<<"$RUN_OUT")")
check "sysinfo uptime advances with time (${up1:-?} -> ${up2:-?} over 2.2 s)" \
	test "${up2:-0}" -ge $((${up1:-99} + 2))

# A marker in the host's log must not show up inside.
marker="hyt-host-log-marker-$$-$RANDOM"
echo "$marker" >/dev/kmsg
if "$PROBE" syslog | grep -qF "$marker"; then
	ok "control: the marker is in the host's kernel log"
else
	not_ok "control: the marker is in the host's kernel log" "$("$PROBE" syslog | tail -n 3)"
fi
hy run -- "$PROBE" syslog
assert_rc 0 "syslog(READ_ALL) inside exits 0"
assert_match "$RUN_OUT" '[Hh]ybox|HYBOX' "the container's log has a hybox banner line"
assert_not_contains "$RUN_OUT" "$marker" "the container's log does not contain the host's log"
assert_not_contains "$RUN_OUT" "Command line:" "the host's boot messages are not in the container's log"

if bb=$(busybox_static); then
	hy run -- "$bb" dmesg
	assert_match "$RUN_OUT" '[Hh]ybox|HYBOX' "busybox dmesg shows the hybox banner"
	assert_not_contains "$RUN_OUT" "$marker" "busybox dmesg does not show the host's log"
else
	skip "no static busybox for dmesg"
	skip "no static busybox for dmesg"
fi

done_testing
