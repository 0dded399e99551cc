#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Syscall conformance: build/conformance/conformance (tests/conformance/
# conformance.c) prints one line per check, "name: ok|ERRNO|value", the same on
# every run. It runs natively and inside `hybox run` (default policy), and
# both outputs must be identical except for the intentional differences
# listed below, each with its reason and the exact result expected on each
# side. A difference not listed fails the test: it is a hybox bug until it is
# fixed or explained here.
#
# The native run gets what the container gets that changes results without
# being hybox's doing: new mount, UTS and IPC namespaces and a private tmpfs
# on /tmp (nosuid, nodev), so filesystem-dependent results (statfs, xattrs,
# O_TMPFILE, whiteouts) compare like for like and sethostname changes nothing
# on the host.
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 unshare python3

# name|native|inside hybox|why. The results are glob patterns.
INTENTIONAL='
execve-script-in-tmp|exit 4|EACCES|default files policy: /tmp is rwc, without x
execve-script-missing-interpreter|ENOENT|EACCES|likewise: the script in /tmp is refused before its interpreter is looked for
open-proc-pid-comm-wronly|ok|EACCES|default files policy: / is rx, so nothing under /proc is writable
open-proc-self-oom-score-adj-wronly|ok|EACCES|likewise
capget-effective|*|00000000a80425fb|Docker'"'"'s default capability set
prctl-capbset-read-sys-admin|1|0|likewise: CAP_SYS_ADMIN is not in the bounding set
unshare-newns|ok|EPERM|likewise: no CAP_SYS_ADMIN
prctl-get-no-new-privs|0|1|the seccomp filter is installed with no_new_privs
prctl-get-seccomp|0|2|the command runs under a seccomp filter
clock_settime-monotonic|EINVAL|EPERM|clock_settime is denied (the host clock) before the kernel looks at the clock id
adjtimex-read|ok|EPERM|adjtimex is denied, read-only calls too (docs/syscalls.md)
ioctl-tiocsti-on-file|ENOTTY|EPERM|TIOCSTI is denied on its argument, before the kernel looks at the fd
socket-packet|ok|EPERM|default network policy: packet sockets are denied
socket-raw-icmp|ok|EPERM|default network policy: raw sockets are denied
clone3|ok|ENOSYS|denied with ENOSYS: its flags are in memory; glibc falls back to clone
clone-newuser|ok|EPERM|no new user namespaces (clone argument check)
ptrace-traceme|ok|EPERM|ptrace is denied by default (policy process.ptrace)
process_vm_readv-self|4|EPERM|follows ptrace
io_uring_setup|ok|EPERM|io_uring is denied (its operations bypass seccomp)
bpf-map-create|ok|EPERM|bpf is denied
userfaultfd|ok|EPERM|userfaultfd is denied
fanotify_init|ok|EPERM|fanotify is denied
name_to_handle_at|ok|EPERM|file handles are denied (they feed open_by_handle_at)
mount-tmpfs-on-workdir-subdir|ok|EPERM|mount is denied (policy process.mount)
'

# Only where the files area takes the emulated road (hybox features).
INTENTIONAL_EMULATED='
open-tmpfile|ok|EOPNOTSUPP|O_TMPFILE opens fail with EOPNOTSUPP (docs/policy.md)
write-tmpfile|3|EBADF|follows: no O_TMPFILE fd
linkat-tmpfile|ok|ENOENT|follows: no O_TMPFILE fd
tmpfile-linked-content|tmp|ENOENT|follows: no O_TMPFILE fd
open-tmpfile-rdonly|EINVAL|EOPNOTSUPP|every O_TMPFILE open fails so, before its flags are looked at
open-tmpfile-on-file|ENOTDIR|EOPNOTSUPP|likewise
openat2-opath|ok|EOPNOTSUPP|openat2 flags are in task memory: an O_PATH open cannot be left to the task'"'"'s own call (kernel-emu/sys_file.c)
child-open-parent-proc-fd-wronly|ok|ELOOP|magic links are refused, except the task'"'"'s own /proc/self/fd/N, /dev/fd/N (docs/policy.md)
'

CONF=${CONFORMANCE:-${PAYLOAD_DIR:-$REPO_DIR/build/payload}/../conformance/conformance}
[ -x "$CONF" ] || _t_skip_all "no conformance program at $CONF (make all)"
# The sandbox does not see a checkout under /tmp: run a copy from elsewhere.
scratch_dir || _t_skip_all "cannot make a directory outside /tmp"
cp "$CONF" "$SCRATCH/conformance"
CONF=$SCRATCH/conformance

# results FILE: "name<TAB>result" lines from the program's "name: result".
results() {
	sed -n 's/^\([^: ]*\): \(.*\)$/\1\t\2/p' "$1"
}

# result FILE NAME: the result of one check (empty if it did not print).
result() {
	awk -F '\t' -v n="$2" '$1 == n { print $2; exit }' <(results "$1")
}

files_road() {
	features_json | python3 -c 'import json, sys; print(json.load(sys.stdin)["roads"]["files"]["road"])' \
		2>/dev/null
}

# --- the two runs ---------------------------------------------------------------
NATIVE=$TEST_TMP/native.txt
INSIDE=$TEST_TMP/hybox.txt

# setsid: the program inside hybox leads its own session, and a runner started
# from pid 1 without one would give the native run session id 0.
# shellcheck disable=SC2016 # $0 is for the inner shell
run_capture setsid --wait unshare --mount --uts --ipc --propagation private \
	sh -c 'mount -t tmpfs -o nosuid,nodev tmpfs /tmp && exec "$0"' "$CONF"
printf '%s\n' "$RUN_OUT" >"$NATIVE"
if [ "$RUN_RC" = 0 ] && [ -z "$RUN_ERR" ]; then
	ok "native run completes"
else
	not_ok "native run completes" "exit $RUN_RC" "stderr: $RUN_ERR"
fi
n=$(results "$NATIVE" | grep -c '')
check "the program makes at least 80 checks ($n)" test "$n" -ge 80
wrong=$(grep -E '^[^:]+: wrong' "$NATIVE")
if [ -z "$wrong" ]; then
	ok "every relation holds natively"
else
	not_ok "every relation holds natively (the program or the host is off)" "$wrong"
fi

hy run --id "$(tid conformance)" -- "$CONF"
printf '%s\n' "$RUN_OUT" >"$INSIDE"
assert_rc 0 "runs to the end inside hybox"
assert_eq "$RUN_ERR" "" "nothing on stderr inside hybox (no hybox warning either)"
assert_eq "$(cut -f1 <(results "$INSIDE"))" "$(cut -f1 <(results "$NATIVE"))" \
	"the same checks in the same order"

# --- intentional differences ------------------------------------------------------
declare -A listed=()
# shellcheck disable=SC2053 # the expected results are glob patterns
expect_difference() { # NAME NATIVE HYBOX WHY
	local got_native got_inside
	listed[$1]=1
	got_native=$(result "$NATIVE" "$1")
	got_inside=$(result "$INSIDE" "$1")
	if [[ $got_native == $2 && $got_inside == $3 ]]; then
		ok "intentional: $1: $got_inside inside, $got_native natively ($4)"
	else
		not_ok "intentional: $1: $3 inside, $2 natively ($4)" \
			"native: ${got_native:-(missing)}" "hybox:  ${got_inside:-(missing)}"
	fi
}

differences() { # LIST
	local name native inside why
	while IFS='|' read -r name native inside why; do
		[ -n "$name" ] && expect_difference "$name" "$native" "$inside" "$why"
	done <<<"$1"
}

differences "$INTENTIONAL"
road=$(files_road)
if [ "$road" = emulated ]; then
	differences "$INTENTIONAL_EMULATED"
else
	echo "# files road: ${road:-unknown}: the emulated road's differences must not show"
fi

# --- everything else must match -----------------------------------------------------
# One failing line per check that differs, or one line saying none does.
same=0 differ=0
while IFS=$'\t' read -r name want; do
	[ -n "${listed[$name]:-}" ] && continue
	got=$(result "$INSIDE" "$name")
	if [ "$got" == "$want" ]; then
		same=$((same + 1))
	else
		differ=$((differ + 1))
		not_ok "$name: ${got:-(missing)} inside hybox, $want natively"
	fi
done < <(results "$NATIVE")
[ "$differ" = 0 ] && ok "the $same other checks print the same inside hybox as natively"

done_testing
