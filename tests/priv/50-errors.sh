#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Errors: 127 command not found, 126 not executable, 125 runtime error (bad
# flag, bad --rootfs, live duplicate id, no cgroup2...), each with one clear
# line on stderr, and nothing left behind.
# shellcheck disable=SC2016 # single-quoted $ is for the inner shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 unshare

# error_case ID WANT_RC ERE DESC HYBOX_ARGS...
error_case() {
	local id=$1 want=$2 re=$3 desc=$4
	shift 4
	hy "$@"
	assert_rc "$want" "$desc: exit $want"
	assert_error_line "$re" "$desc: one stderr line naming the problem"
	assert_no_leftovers "$id" "" "${rootfs_arg:-}"
}

missing="/nonexistent-$$/cmd"
id=$(tid notfound)
error_case "$id" 127 "$missing" "command not found (path)" run --id "$id" -- "$missing"
id=$(tid notfound2)
error_case "$id" 127 "hyt-no-such-cmd-$$" "command not found (PATH lookup)" \
	run --id "$id" -- "hyt-no-such-cmd-$$"
id=$(tid noexec)
error_case "$id" 126 "/etc/passwd" "command not executable (mode 0644)" run --id "$id" -- /etc/passwd
id=$(tid dir)
error_case "$id" 126 "/etc" "command is a directory" run --id "$id" -- /etc

id=$(tid badflag)
error_case "$id" 125 "--bogus-flag" "unknown flag" \
	run --id "$id" --bogus-flag -- /bin/sh -c 'echo ran'
assert_eq "$RUN_OUT" "" "unknown flag: the command did not run"
id=$(tid badnet)
error_case "$id" 125 "bogus|--net" "bad --net value" run --id "$id" --net bogus -- /bin/true

rootfs_arg="/nonexistent-$$/rootfs"
id=$(tid norootfs)
error_case "$id" 125 "$rootfs_arg" "--rootfs missing" run --id "$id" --rootfs "$rootfs_arg" -- /bin/true
rootfs_arg="$TEST_TMP/file-rootfs"
echo not a directory >"$rootfs_arg"
id=$(tid filerootfs)
error_case "$id" 125 "$rootfs_arg" "--rootfs is a file" run --id "$id" --rootfs "$rootfs_arg" -- /bin/true
rootfs_arg=

id=$(tid nopolicy)
error_case "$id" 125 "/nonexistent-$$/policy" "--policy missing" \
	run --id "$id" --policy "/nonexistent-$$/policy" -- /bin/true
id=$(tid noevents)
error_case "$id" 125 "/nonexistent-$$/events" "--events in a missing directory" \
	run --id "$id" --events "/nonexistent-$$/events" -- /bin/true

# A live id is refused, and the refusal does not disturb the live container.
# The first container waits on its stdin, a FIFO held open here, so it lives
# exactly as long as the checks need (opened read-write: never blocks).
id=$(tid dup)
mkfifo "$TEST_TMP/dup.fifo"
exec 7<>"$TEST_TMP/dup.fifo"
bg_start "$HYBOX" run --id "$id" -- /bin/sh -c 'read -r line && exit 0; exit 9' \
	<"$TEST_TMP/dup.fifo" >"$TEST_TMP/dup.out" 2>"$TEST_TMP/dup.err"
first=$BG_PID
if wait_for 10 test -d "$HYBOX_STATE_ROOT/$id"; then
	ok "a running container has its state dir $HYBOX_STATE_ROOT/$id"
else
	not_ok "a running container has its state dir $HYBOX_STATE_ROOT/$id" "$(cat "$TEST_TMP/dup.err")"
fi
wait_for 10 test -d "$(cg2_mount)/hybox/$id"
live=$(leftovers "$id")
assert_contains "$live" "cgroup leaf $(cg2_mount)/hybox/$id exists" "a running container has its cgroup leaf"
assert_match "$live" "process [0-9]+ in the leaf: /bin/sh -c read" "the command runs in the leaf"
hy run --id "$id" -- /bin/sh -c 'echo ran'
assert_rc 125 "a second run with a live id: exit 125"
assert_error_line "$id" "a second run with a live id: one stderr line naming the id"
assert_eq "$RUN_OUT" "" "a second run with a live id: the command did not run"
check "the first container still runs" kill -0 "$first"
check "its state dir is still there" test -d "$HYBOX_STATE_ROOT/$id"
check "its cgroup leaf is still there" test -d "$(cg2_mount)/hybox/$id"
echo go >&7
exec 7>&-
if wait_for 20 eval "! kill -0 $first 2>/dev/null"; then
	wait "$first"
	rc=$?
else
	rc="still running after 20 s"
fi
assert_eq "$rc" 0 "the first container then ends normally (exit 0)"
assert_no_leftovers "$id"
hy run --id "$id" -- /bin/true
assert_rc 0 "the id can be reused once the container is gone"
assert_no_leftovers "$id"

# No cgroup2 at all: hide every cgroup2 mount in a private mount namespace.
id=$(tid nocg2)
mounts=$(cg2_mounts)
run_capture unshare -m --propagation private /bin/sh -c '
	for m in $1; do umount -l "$m" || exit 99; done
	shift
	grep -q " - cgroup2 " /proc/self/mountinfo && exit 98
	exec "$@"' _ "$mounts" "$HYBOX" run --id "$id" -- /bin/sh -c 'echo ran'
assert_rc 125 "no cgroup2 mounted: exit 125"
assert_error_line "cgroup ?v?2" "no cgroup2 mounted: one stderr line naming cgroup2"
assert_eq "$RUN_OUT" "" "no cgroup2 mounted: the command did not run"
assert_no_leftovers "$id"

done_testing
