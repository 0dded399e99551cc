#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# --rootfs: a busybox root built by scripts/mkrootfs.sh, with the probe in /bin.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 probe busybox

scratch_dir
rootfs="$SCRATCH/rootfs"
run_capture "$REPO_DIR/scripts/mkrootfs.sh" "$rootfs" "$PROBE"
assert_rc 0 "mkrootfs.sh builds a busybox rootfs"
if [ ! -x "$rootfs/bin/sh" ] || [ ! -x "$rootfs/bin/probe" ]; then
	not_ok "rootfs has /bin/sh and /bin/probe" "$RUN_ERR"
	done_testing
fi
before=$(cd "$rootfs" && find . -printf '%p %y %m %s %T@\n' | sort)
run_capture "$REPO_DIR/scripts/mkrootfs.sh" "$rootfs" "$PROBE"
after=$(cd "$rootfs" && find . -printf '%p %y %m %s %T@\n' | sort)
assert_eq "$after" "$before" "mkrootfs.sh is idempotent (a second run changes nothing)"
marker="rootfs-marker-$$-$RANDOM"
echo "$marker" >"$rootfs/etc/marker"
before=$(cd "$rootfs" && find . -printf '%p %y %m\n' | sort)

id=$(tid ls)
hy run --id "$id" --rootfs "$rootfs" -- /bin/ls -1 /
assert_rc 0 "ls / in the rootfs exits 0"
assert_eq "$RUN_OUT" "$(ls -1 "$rootfs")" "ls / shows exactly the rootfs's top directory"
assert_no_leftovers "$id" "" "$rootfs"

hy run --rootfs "$rootfs" -- /bin/cat /etc/marker
assert_eq "$RUN_OUT" "$marker" "files come from the rootfs"

hy run --rootfs "$rootfs" -- /bin/probe open "$HYBOX"
assert_eq "$RUN_OUT" "err ENOENT" "host files are not visible ($HYBOX)"

hy run --rootfs "$rootfs" -- /bin/cat /proc/1/status
assert_rc 0 "cat /proc/1/status exits 0"
assert_match "$RUN_OUT" $'(^|\n)Pid:\t1(\n|$)' "/proc/1/status is the container's pid 1"

hy run --rootfs "$rootfs" -- /bin/sh -c 'ls -d /proc/[0-9]* | wc -l'
assert_match "$RUN_OUT" '^ *[1-9]$' "the rootfs's /proc shows only the container's few processes"

hy run --rootfs "$rootfs" --hostname hyt-rootfs -- /bin/probe uname
assert_eq "$RUN_OUT" "hyt-rootfs" "probe uname in the rootfs shows --hostname"
hy run --rootfs "$rootfs" --hostname hyt-rootfs -- /bin/hostname
assert_eq "$RUN_OUT" "hyt-rootfs" "busybox hostname shows --hostname"

hy run --rootfs "$rootfs" -- /bin/probe bpf
assert_eq "$RUN_OUT" "err EPERM" "the syscall policy applies in a rootfs too"

hy run --rootfs "$rootfs" -- /bin/sh -c 'exit 7'
assert_rc 7 "busybox sh -c 'exit 7' exits 7"

hy run --rootfs "$rootfs" -- /bin/sh -c 'echo hi >/tmp/f && cat /tmp/f'
assert_eq "$RUN_OUT" "hi" "/tmp is writable in the rootfs"
check "writes to /tmp do not reach the rootfs directory" test ! -e "$rootfs/tmp/f"

hy run --rootfs "$rootfs" -- /bin/probe exec /bin/busybox true
assert_eq "$RUN_OUT" "ok" "exec of the rootfs busybox works"

# The same tree under /tmp: the caller's /tmp, not the sandbox's private one.
tmp_rootfs="$TEST_TMP/rootfs"
cp -a "$rootfs" "$tmp_rootfs"
hy run --rootfs "$tmp_rootfs" -- /bin/cat /etc/marker
assert_eq "$RUN_OUT" "$marker" "a rootfs under /tmp works too (rc $RUN_RC${RUN_ERR:+: $RUN_ERR})"

after=$(cd "$rootfs" && find . -printf '%p %y %m\n' | sort)
assert_eq "$after" "$before" "the rootfs directory is unchanged after the runs"
assert_eq "$(grep -cF " $rootfs" /proc/self/mountinfo)" 0 "no mount of the rootfs is left on the host"

done_testing
