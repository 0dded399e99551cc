#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# linux.seccomp: a supplied profile is stacked on hybox's filter, so the
# stricter of the two decides each call: a syscall the profile denies stays
# denied (with the profile's errno, also one hybox emulates), argument
# conditions are the profile's, exec'd processes get the profile too, and a
# checkpoint refuses (a restore could not install the profile again).
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 busybox python3

oci_scratch

# The profile: allow by default; mkdir fails with EACCES; uname (on hybox's
# emulated road) with EPERM; kill only when its signal (arg 1) is SIGUSR1.
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["sh", "-c", "mkdir /tmp/d 2>&1; echo mkdir=$?; "
                        "echo uname:$(uname -n); "
                        "kill -USR1 $$ 2>&1; echo usr1=$?; kill -0 $$; echo zero=$?; "
                        "awk '/^Seccomp_filters/ {print $2}' /proc/self/status; sleep 1000"]
c["linux"]["seccomp"] = {
    "defaultAction": "SCMP_ACT_ALLOW",
    "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
    "syscalls": [
        {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
        {"names": ["uname"], "action": "SCMP_ACT_ERRNO"},
        {"names": ["kill"], "action": "SCMP_ACT_ERRNO",
         "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]},
        {"names": ["not_a_syscall_here"], "action": "SCMP_ACT_ALLOW"},
    ],
}
json.dump(c, open(sys.argv[1], "w"))
PY
id=$(tid sc)
out=$SCRATCH/out
"$HYBOX" --root "$ROOT" create --bundle "$B" "$id" >"$out" 2>&1
assert_eq "$?" 0 "create with a linux.seccomp profile exits 0"
hy --root "$ROOT" start "$id"
wait_for 10 grep -q "^[0-9]" "$out"
res=$(cat "$out")
assert_contains "$res" "Permission denied" "the profile's errnoRet (EACCES) for mkdir"
assert_contains "$res" "mkdir=1" "... and mkdir fails"
assert_contains "$res" "uname:" "uname ran"
assert_not_contains "$res" "uname:hybox" "uname, emulated by hybox, is denied by the profile (ERRNO beats USER_NOTIF): no hostname"
assert_contains "$res" "usr1=1" "an argument condition: kill with SIGUSR1 is denied"
assert_contains "$res" "zero=0" "... and kill with signal 0 is not"
assert_match "$res" $'\n2$' "two filters: hybox's and the profile"
run_capture "$HYBOX" --root "$ROOT" exec "$id" mkdir /tmp/e
assert_ne "$RUN_RC" 0 "an exec'd process is under the profile too"
assert_contains "$RUN_ERR" "Permission denied" "... with its errno"
run_capture "$HYBOX" --root "$ROOT" checkpoint --check "$id"
assert_ne "$RUN_RC" 0 "checkpoint --check refuses"
assert_contains "$RUN_ERR" "linux.seccomp profile" "... naming the profile"
hy --root "$ROOT" delete --force "$id"
assert_no_leftovers "$id" "$ROOT"

# A profile whose default denies what hybox's setup needs fails create cleanly.
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["true"]
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []}
json.dump(c, open(sys.argv[1], "w"))
PY
id=$(tid deny-all)
hy --root "$ROOT" run --bundle "$B" "$id"
assert_ne "$RUN_RC" 0 "a deny-everything profile: the command cannot start"
assert_no_leftovers "$id" "$ROOT"
done_testing
