#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Default isolation: new pid/mnt/uts/ipc/cgroup namespaces, a fresh /proc, a
# private tmpfs /tmp, the host root read-only, a minimal /dev, --net none/host.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 probe

# --- namespaces ---
hy run -- /bin/sh -c 'for n in pid mnt uts ipc cgroup; do echo "$n $(readlink /proc/self/ns/$n)"; done'
assert_rc 0 "reading /proc/self/ns inside works"
for n in pid mnt uts ipc cgroup; do
	inside=$(sed -n "s/^$n //p" <<<"$RUN_OUT")
	host=$(readlink "/proc/$$/ns/$n")
	if [ -n "$inside" ] && [ "$inside" != "$host" ]; then
		ok "new $n namespace ($inside, host $host)"
	else
		not_ok "new $n namespace" "inside: ${inside:-?}" "host:   $host"
	fi
done

hy run -- /bin/sh -c "tr '\\0' ' ' </proc/1/cmdline"
assert_rc 0 "reading /proc/1/cmdline inside works"
assert_ne "$RUN_OUT" "$(tr '\0' ' ' </proc/1/cmdline)" "pid 1 inside ($RUN_OUT) is not the host's init"
# pid 1 is hybox's init, a copy of the supervisor: its cmdline would be the
# host's hybox command line (state and bundle paths), readable by every task.
hy run --id "$(tid title)" -- /bin/sh -c "tr '\\0' '\n' </proc/1/cmdline | grep ."
assert_eq "$RUN_OUT" hybox-init "pid 1's cmdline is hybox-init, not the host's hybox command line"
hy run -- /bin/sh -c 'echo $$'
check "the command's pid is small ($RUN_OUT)" test "${RUN_OUT:-999}" -lt 10
hy run -- /bin/sh -c 'ls -d /proc/[0-9]* | wc -l'
check "/proc shows only the container's processes (${RUN_OUT// /})" test "${RUN_OUT:-999}" -lt 10

hy run -- /bin/cat /proc/self/cgroup
assert_match "$RUN_OUT" '(^|
)0::/(
|$)' "the command sits at the root of its cgroup namespace (0::/)"

# --- file descriptors ---
# Only what the caller passed (0 1 2 here) plus ls's own directory fd: an fd
# of hybox's (cgroup dir, sync pipe...) would let the command reach past its
# namespaces and read-only mounts.
hy run -- /bin/ls /proc/self/fd
assert_eq "$(tr '\n' ' ' <<<"$RUN_OUT")" "0 1 2 3 " "the command inherits no file descriptor of hybox's"

# --- /tmp ---
f="/tmp/hyt-ns-$$"
hy run -- /bin/sh -c "ls -A /tmp; echo x >$f && cat $f"
assert_eq "$RUN_OUT" "x" "/tmp starts empty and is writable (host /tmp is not: $TEST_TMP)"
check "files written to /tmp inside do not appear on the host" test ! -e "$f"
rm -f "$f"
hy run -- /usr/bin/stat -f -c %T /tmp
assert_eq "$RUN_OUT" "tmpfs" "/tmp is a tmpfs"

# --- read-only host root ---
hy run -- /bin/touch "/hyt-ro-$$"
check "touch /x fails (exit $RUN_RC)" test "$RUN_RC" -ne 0
check "no file appeared on the host" test ! -e "/hyt-ro-$$"
rm -f "/hyt-ro-$$"
# The default policy refuses first (EACCES); a policy granting everything
# shows that the mount itself is read-only underneath.
allow_all="$TEST_TMP/allow-all.json"
echo '{"files": [{"path": "/", "access": "rwxc"}]}' >"$allow_all"
hy run -- "$PROBE" open "/hyt-ro-$$" creat
assert_eq "$RUN_OUT" "err EACCES" "creating a file in / is refused by the default policy"
hy run --policy "$allow_all" -- "$PROBE" open "/hyt-ro-$$" creat
assert_eq "$RUN_OUT" "err EROFS" "creating a file in / fails with EROFS"
rm -f "/hyt-ro-$$"
hy run --policy "$allow_all" -- "$PROBE" open /etc/hostname w
assert_eq "$RUN_OUT" "err EROFS" "opening a host file for writing fails with EROFS"
# A host directory outside /tmp (the sandbox's /tmp is its own tmpfs).
scratch_dir
hy run --policy "$allow_all" -- "$PROBE" open "$SCRATCH/.hyt-ro-$$" creat
assert_eq "$RUN_OUT" "err EROFS" "a host directory elsewhere is read-only too ($SCRATCH)"
check "no file appeared there on the host" test ! -e "$SCRATCH/.hyt-ro-$$"

# --- /dev ---
hy run -- /bin/ls -A /dev
devs=$(tr '\n' ' ' <<<"$RUN_OUT")
missing='' extra=''
for d in null zero full random urandom tty pts; do
	grep -qxF "$d" <<<"$RUN_OUT" || missing="$missing $d"
done
while read -r d; do
	case $d in
	null | zero | full | random | urandom | tty | pts | ptmx | fd | stdin | stdout | stderr | \
		shm | mqueue | console | core | "") ;;
	kmsg) [ "$(feature_state fuse)" = yes ] || extra="$extra kmsg" ;; # kernel-emu's, over FUSE
	*) extra="$extra $d" ;;
	esac
done <<<"$RUN_OUT"
assert_eq "${missing:-none}" none "/dev has null zero full random urandom tty pts ($devs)"
assert_eq "${extra:-none}" none "/dev has nothing else (no disks, mem...; kmsg only as kernel-emu's)"
if [ "$(feature_state fuse)" = yes ]; then
	hy run -- /bin/sh -c 'grep " /dev/kmsg " /proc/self/mountinfo | grep -c " - fuse.hybox "; head -n 1 /dev/kmsg'
	assert_match "$RUN_OUT" $'^1\n5,0,[0-9]+,-;Linux version .*hybox' \
		"/dev/kmsg is kernel-emu's (a fuse.hybox bind), starting with the container's banner"
else
	skip "no FUSE: no /dev/kmsg"
fi
hy run -- /usr/bin/stat -c '%n %F %t:%T' /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
assert_eq "$RUN_OUT" "/dev/null character special file 1:3
/dev/zero character special file 1:5
/dev/full character special file 1:7
/dev/random character special file 1:8
/dev/urandom character special file 1:9
/dev/tty character special file 5:0" "the /dev nodes are the right character devices"
hy run -- /bin/sh -c 'echo x >/dev/full'
check "writing to /dev/full fails" test "$RUN_RC" -ne 0
hy run -- /bin/sh -c 'echo x >/dev/null && head -c 16 /dev/urandom | wc -c'
assert_eq "${RUN_OUT// /}" 16 "/dev/null and /dev/urandom work"
hy run -- /usr/bin/stat -f -c %T /dev/pts
assert_eq "$RUN_OUT" "devpts" "/dev/pts is a devpts"

# --- network ---
ifaces() { awk -F: 'NR > 2 { gsub(/ /, "", $1); print $1 }' | sort | tr '\n' ' '; }
hy run --net none -- /bin/cat /proc/net/dev
assert_eq "$(ifaces <<<"$RUN_OUT")" "lo " "--net none: only lo"
hy run --net none -- /bin/readlink /proc/self/ns/net
assert_ne "$RUN_OUT" "$(readlink /proc/$$/ns/net)" "--net none: a new network namespace"
hy run --net host -- /bin/cat /proc/net/dev
assert_eq "$(ifaces <<<"$RUN_OUT")" "$(ifaces </proc/net/dev)" "--net host: the host's interfaces"
hy run --net host -- /bin/readlink /proc/self/ns/net
assert_eq "$RUN_OUT" "$(readlink /proc/$$/ns/net)" "--net host: the host's network namespace"

done_testing
