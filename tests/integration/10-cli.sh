#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The command line as any user sees it: help, version, usage errors, the
# syscall table listing, the feature probe, and a clear refusal when `run`
# lacks privileges. Needs no root (the non-root case drops to nobody).
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require python3

hy --help
assert_rc 0 "hybox --help exits 0"
for verb in run features syscalls; do
	assert_contains "$RUN_OUT" "  $verb " "hybox --help lists '$verb'"
done
hy --version
assert_rc 0 "hybox --version exits 0"
assert_eq "$(sed -n 1p <<<"$RUN_OUT")" "hybox version 0.1.0" "--version: runc's first line, hybox's version"
assert_match "$(sed -n 2p <<<"$RUN_OUT")" "^commit: ([0-9a-f]{7,}(-dirty)?|v?[0-9.]+-[0-9]+-g[0-9a-f]+(-dirty)?|unknown)$" \
	"--version: a commit line (git describe of the build tree, or unknown)"
assert_eq "$(sed -n 3p <<<"$RUN_OUT")" "spec: 1.0.2" "--version: the runtime-spec version"
assert_eq "$(grep -c '' <<<"$RUN_OUT")" 3 "--version: three lines, as runc's"
hy run --help
assert_rc 0 "hybox run --help exits 0"
for opt in --id --hostname --rootfs --policy --events --net; do
	assert_contains "$RUN_OUT" "$opt" "hybox run --help documents $opt"
done
hy frobnicate
assert_rc 125 "an unknown command exits 125"
assert_error_line "frobnicate" "an unknown command is named in one error line"
hy
assert_rc 125 "no command at all exits 125"
assert_contains "$RUN_ERR" "Usage: hybox" "no command prints the usage"
hy run
assert_rc 125 "run without a command exits 125"
assert_error_line "no command given" "run without a command says so"

hy syscalls
assert_rc 0 "hybox syscalls exits 0"
assert_match "$RUN_OUT" "(^|$(printf '\n')) *321 +bpf +denied +EPERM" "bpf is denied with EPERM"
assert_match "$RUN_OUT" "(^|$(printf '\n')) *63 +uname +emulated" "uname is emulated"
assert_match "$RUN_OUT" "(^|$(printf '\n')) *39 +getpid +native " "getpid is native"
assert_match "$RUN_OUT" "(^|$(printf '\n')) *16 +ioctl +native\+args" "ioctl is native with argument checks"
hy syscalls --object-road emulated
assert_match "$RUN_OUT" "(^|$(printf '\n')) *257 +openat +emulated\+args +object policy" \
	"without BPF LSM openat is emulated (read-only opens native by argument check)"
assert_match "$RUN_OUT" "(^|$(printf '\n')) *41 +socket +emulated " "without BPF LSM socket is emulated"
assert_match "$RUN_OUT" "(^|$(printf '\n')) *44 +sendto +native " \
	"the default policy allows every address: sendto stays native"
hy syscalls --object-road lsm
assert_match "$RUN_OUT" "(^|$(printf '\n')) *257 +openat +native " "with BPF LSM openat is native"
hy syscalls --object-road sideways
assert_rc 125 "an unknown --object-road exits 125"
assert_error_line "expected lsm or emulated" "the error says what --object-road takes"
hy syscalls --json
assert_rc 0 "hybox syscalls --json exits 0"
n=$(printf '%s' "$RUN_OUT" | python3 -c 'import json,sys; t=json.load(sys.stdin); print(len(t) if all(e["road"] in ("native","emulated","denied") and e["reason"] for e in t) else -1)')
check "syscalls --json: over 350 entries, each with a road and a reason" test "$n" -gt 350

policy="$TEST_TMP/p.json"
printf '{"syscalls": {"allow": ["bpf"], "deny": ["getpid"]}}' >"$policy"
hy syscalls --policy "$policy"
assert_match "$RUN_OUT" "(^|$(printf '\n')) *321 +bpf +native" "a policy allow moves bpf to the native road"
assert_match "$RUN_OUT" "(^|$(printf '\n')) *39 +getpid +denied +EPERM" "a policy deny moves getpid to denied"
printf '{"syscalls": {"deny": ["no_such_call"]}}' >"$policy"
hy syscalls --policy "$policy"
assert_rc 125 "an unknown syscall name in a policy exits 125"
assert_error_line "no_such_call' is not a syscall" "the error names the bad syscall"

hy features --json
assert_rc 0 "hybox features --json exits 0"
ok_json=$(printf '%s' "$RUN_OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(int("bpf_lsm" in d["features"] and set(d["roads"]) >= {"files","exec","network","mount","ptrace","signals"}))')
assert_eq "$ok_json" 1 "features --json has bpf_lsm and a road for every policy area"

if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	run_capture setpriv --reuid=65534 --regid=65534 --clear-groups "$HYBOX" run -- /bin/true
	assert_rc 125 "run as an unprivileged user exits 125"
	assert_error_line "needs root" "run as an unprivileged user says it needs root"
else
	hy run -- /bin/true
	[ "$(id -u)" -eq 0 ] || assert_rc 125 "run as an unprivileged user exits 125"
fi
done_testing
