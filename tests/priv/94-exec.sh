#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# `hybox exec`: one more process in a running container, in its namespaces
# and cgroup, under its filter, policy and kernel-emu (its own listener),
# with the caller's stdio; exit statuses (code, 126, 127, 128+N), the
# environment and cwd, forwarded signals, --detach and --pid-file, a
# terminal (-t relayed by the client, or --console-socket), runc's
# --process, an OCI container's user and env, the container ending under a
# waiting exec, kernel-emu threads reaped once their processes are gone,
# -u UID[:GID], refusals (unknown container, a stranger, bad -u), and a
# supervisor started under RLIMIT_NOFILE 1024.
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 busybox python3

scratch_dir
id=$(tid exec)
bg_start "$HYBOX" run --id "$id" --hostname exec-box -- /bin/sh -c 'pwd >/tmp/cmd-cwd; sleep 1000 & wait'
sup=$BG_PID
running() { "$HYBOX" ps "$id" >/dev/null 2>&1; }
wait_for 10 running
hx() { hy exec "$@"; }

# --- the process and its sandbox ---------------------------------------------------
hx "$id" /bin/sh -c 'echo out; echo err >&2; exit 7'
assert_eq "$RUN_RC $RUN_OUT $RUN_ERR" "7 out err" "exec: stdout, stderr and the exit code reach the caller"
hx "$id" hostname
assert_eq "$RUN_OUT" exec-box "exec: the container's hostname (kernel-emu's uname)"
hx "$id" /bin/sh -c 'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status | tr -s "\t" " "; awk "/^NSpid/ {print \$NF}" /proc/self/status'
assert_match "$RUN_OUT" $'^NoNewPrivs: 1\nSeccomp: 2\n[0-9]+$' "exec: under a seccomp filter, no_new_privs, a pid of the container's"
assert_ne "$(tail -n 1 <<<"$RUN_OUT")" 2 "exec: not the command's pid"
hx "$id" unshare --uts true
assert_ne "$RUN_RC" 0 "exec: the syscall table applies (unshare is denied)"
hx "$id" /bin/sh -c 'echo x >/etc/hybox-exec-test'
assert_ne "$RUN_RC" 0 "exec: the files policy applies (/etc is read-only for it)"
hx "$id" /bin/sh -c 'echo x >/tmp/f && cat /tmp/f'
assert_eq "$RUN_OUT" x "exec: /tmp is the container's, writable"
assert_eq "$(printf 'through stdin\n' | "$HYBOX" exec "$id" cat)" "through stdin" "exec: stdin is the caller's"

# --- exit statuses ------------------------------------------------------------------------
hx "$id" nosuchcmd
assert_eq "$RUN_RC" 127 "a missing command: 127"
assert_error_line "hybox exec: nosuchcmd: command not found" "... with its name"
hx "$id" /etc/hostname
assert_eq "$RUN_RC" 126 "a file that is not executable: 126"
hx "$id" /bin/sh -c 'kill -9 $$'
assert_eq "$RUN_RC" 137 "killed by SIGKILL: 128+9"

# --- environment and working directory ---------------------------------------------------
start_cwd=$("$HYBOX" exec "$id" cat /tmp/cmd-cwd) # the command's: exec's default
HYBOX_T_VAR=from-caller hy exec --env EXTRA=1 --env HYBOX_T_VAR=overridden "$id" /bin/sh -c 'echo $HYBOX_T_VAR $EXTRA; pwd'
assert_eq "$RUN_OUT" "overridden 1"$'\n'"$start_cwd" "--env on top of the caller's environment; cwd: the command's"
hx --cwd /tmp "$id" pwd
assert_eq "$RUN_OUT" /tmp "--cwd"
hx --cwd /nonexistent "$id" pwd
assert_eq "$RUN_OUT" / "--cwd that does not exist: / (as for hybox run)"

# --- signals, --detach, --pid-file -------------------------------------------------------
out=$SCRATCH/sig.out
"$HYBOX" exec "$id" /bin/sh -c 'trap "echo got-term; exit 42" TERM; echo ready; sleep 100 & wait' >"$out" 2>&1 &
client=$!
wait_for 10 grep -q ready "$out"
kill -TERM "$client"
wait "$client"
assert_eq "$? $(tr '\n' ' ' <"$out")" "42 ready got-term " "a signal to the client reaches the process"
hx --detach "$id" sleep 1002
assert_eq "$RUN_RC $RUN_OUT" "0 " "--detach returns once the process runs, printing nothing"
sleeper=$("$HYBOX" ps "$id" | awk '/ sleep 1002$/ { print $1 }')
# It returns after the exec, not before: a command that cannot run is its 127.
hx --detach "$id" /no/such/command
assert_eq "$RUN_RC" 127 "--detach of a missing command exits 127 (it waits for the exec)"
assert_error_line "/no/such/command: command not found" "... and says so"
assert_match "$(cat "/proc/$sleeper/cgroup" 2>&1)" "/hybox/$id$" "hybox ps lists the detached process, in the container's cgroup"
kill -KILL "$sleeper"
# As containerd's shim and conmon do: a subreaper runs exec --detach --pid-file,
# then waits for that pid, which must end with the process's status.
run_capture python3 - "$HYBOX" "$id" "$SCRATCH/pid" <<'PY'
import ctypes, os, subprocess, sys
H, cid, pidf = sys.argv[1:4]
assert ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
for cmd, what in ((["sh", "-c", "sleep 0.3; exit 9"], "exit"), (["sh", "-c", "kill -TERM $$"], "signal")):
    subprocess.run([H, "exec", "--detach", "--pid-file", pidf, cid] + cmd, check=True)
    pid = int(open(pidf).read())
    while True:
        p, st = os.waitpid(-1, 0)
        if p == pid:
            break
    print(what, os.waitstatus_to_exitcode(st))
PY
assert_eq "$RUN_OUT" $'exit 9\nsignal -15' "--detach --pid-file: a subreaper reaps that pid with the process's exit code or signal"

# --- runc's --process ---------------------------------------------------------------------
cat >"$SCRATCH/process.json" <<'EOF'
{ "args": ["/bin/sh", "-c", "echo $P; pwd"], "env": ["P=from-process-json", "PATH=/bin"],
  "cwd": "/tmp", "user": { "uid": 0, "gid": 0 }, "terminal": false, "noNewPrivileges": true }
EOF
hx --process "$SCRATCH/process.json" "$id"
assert_eq "$RUN_RC $RUN_OUT" $'0 from-process-json\n/tmp' "--process: args, env and cwd from process.json"
python3 - "$SCRATCH/process.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); p["oomScoreAdj"] = 600
p["args"] = ["/bin/sh", "-c", "cat /proc/self/oom_score_adj"]
json.dump(p, open(sys.argv[1], "w"))
PY
hx --process "$SCRATCH/process.json" "$id"
assert_eq "$RUN_RC $RUN_OUT" "0 600" "--process: its oomScoreAdj (containerd's exec repeats the container's)"
python3 - "$SCRATCH/process.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); p["user"] = {"uid": 1000, "gid": 1000}
json.dump(p, open(sys.argv[1], "w"))
PY
python3 - "$SCRATCH/process.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1])); p["args"] = ["/bin/sh", "-c", "id -u; id -g; id -G"]
json.dump(p, open(sys.argv[1], "w"))
PY
hx --process "$SCRATCH/process.json" "$id"
assert_eq "$RUN_RC $RUN_OUT" $'0 1000\n1000\n1000' "--process with another user: its ids, no supplementary groups"
hx -u 1234:5678 -w /tmp "$id" /bin/sh -c 'id -u; id -g; grep -E "^CapEff" /proc/self/status'
assert_eq "$RUN_RC $RUN_OUT" $'0 1234\n5678\nCapEff:\t0000000000000000' "-u UID:GID: those ids, no effective capabilities"
hx -u 1234 -w /tmp "$id" id -g
assert_eq "$RUN_OUT" 0 "-u UID: GID 0, as runc"
hx -u 1234 -w /tmp "$id" touch /etc/x
assert_ne "$RUN_RC" 0 "-u: the policy and the read-only root still apply"
hx -u nobody "$id" true
assert_error_line "--user nobody: expected UID\[:GID\], numbers" "-u takes numbers"

# --- refusals -----------------------------------------------------------------------------
hx does-not-exist true
assert_eq "$RUN_RC" 125 "an unknown container: 125"
assert_error_line "container 'does-not-exist' does not exist" "... with its name"
run_capture setpriv --reuid 65534 --regid 65534 --clear-groups "$HYBOX" exec "$id" true
assert_eq "$RUN_RC" 125 "exec as uid 65534: 125"
assert_error_line "permission denied" "... permission denied"

# --- a terminal: relayed by the client (-t), or to --console-socket -------------------------
run_capture script -qec "stty rows 40 cols 100; '$HYBOX' exec -t '$id' sh -c 'tty; stty size; test -t 0 && test -t 1 && echo on-a-tty; exit 4'" /dev/null
assert_eq "$RUN_RC" 4 "exec -t: the exit code"
assert_match "$RUN_OUT" '/dev/pts/[0-9]+' "exec -t: a terminal of the container's devpts"
assert_contains "$RUN_OUT" "40 100" "exec -t: sized like the caller's terminal"
assert_contains "$RUN_OUT" "on-a-tty" "exec -t: stdin and stdout are the terminal"
run_capture sh -c "printf 'echo typed-\$((6*7))\nexit 0\n' | script -qec \"'$HYBOX' exec -t '$id' sh\" /dev/null"
assert_contains "$RUN_OUT" "typed-42" "exec -t: what the caller types reaches the process"
sock=$SCRATCH/console.sock
console_server "$sock" >"$SCRATCH/console.out" 2>&1 &
srv=$!
wait_for 10 test -S "$sock" || true
hx -t -d --console-socket "$sock" "$id" sh -c 'stty size; test -t 0 && echo on-a-tty; read x; echo got:$x'
assert_rc 0 "exec -t -d --console-socket exits 0 once the process runs"
wait "$srv"
con=$(cat "$SCRATCH/console.out")
assert_match "$(sed -n 1p <<<"$con")" '^name:/dev/pts/[0-9]+$' "--console-socket gets the master, named after its pts"
assert_contains "$con" "got:hello" "... and what its holder types reaches the process"
hx -d -t "$id" true
assert_error_line "-t with --detach needs --console-socket" "-t -d without a console socket is refused"

# --- kernel-emu serves each exec'd process with a thread, gone with it ---------------------
threads() { ls "/proc/$sup/task" | wc -l; }
hx "$id" true
before=$(threads)
for _ in 1 2 3 4 5 6 7 8; do "$HYBOX" exec "$id" true; done
hx "$id" true
assert_eq "$RUN_RC" 0 "ten execs in a row"
check "kernel-emu's threads for finished processes are reaped ($before before, $(threads) after)" \
	test "$(threads)" -le $((before + 1))

# --- many detached processes at once ----------------------------------------------------------
n=0
while [ "$n" -lt 70 ] && "$HYBOX" exec -d "$id" sleep 1001 2>/dev/null; do n=$((n + 1)); done
assert_eq "$n" 70 "70 detached processes running at once"
assert_eq "$("$HYBOX" ps "$id" | grep -c ' sleep 1001$')" 70 "... all listed by hybox ps"

# --- the container ends under a waiting exec ------------------------------------------------
out=$SCRATCH/end.out
"$HYBOX" exec "$id" sleep 1000 >"$out" 2>&1 &
client=$!
wait_for 10 sh -c "'$HYBOX' ps '$id' | grep -q ' sleep 1000\$'"
hy kill --all "$id" KILL
wait "$client"
assert_eq "$?" 137 "the container ended: the waiting exec exits 137"
assert_contains "$(cat "$out")" "the container ended" "... and says so"
wait "$sup" 2>/dev/null
assert_no_leftovers "$id"

# --- an OCI container: the config's user and environment ------------------------------------
B=$SCRATCH/bundle
mkdir -p "$B"
run_capture "$REPO_DIR/scripts/mkrootfs.sh" "$B/rootfs"
hy spec --bundle "$B"
python3 - "$B/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["args"] = ["sleep", "1000"]
c["process"]["user"] = {"uid": 1000, "gid": 1000}
c["process"]["env"].append("FROM_CONFIG=yes")
json.dump(c, open(sys.argv[1], "w"))
PY
ROOT=$SCRATCH/state
oid=$(tid oci)
hy --root "$ROOT" run -d --bundle "$B" "$oid"
assert_rc 0 "an OCI container runs detached"
run_capture "$HYBOX" --root "$ROOT" exec "$oid" sh -c 'id -u; id -g; echo $FROM_CONFIG'
assert_eq "$RUN_RC $RUN_OUT" $'0 1000\n1000\nyes' "OCI exec: process.user and process.env of the config"
hy --root "$ROOT" delete --force "$oid"
assert_no_leftovers "$oid" "$ROOT"

# --- a supervisor started under RLIMIT_NOFILE 1024 -----------------------------------------
# The kernel's default soft limit (a VM's or a plain init's): poll(2) refuses
# more entries than it, so the exec server polls only the fds it has open.
nid=$(tid nofile)
bg_start bash -c 'ulimit -Sn 1024 && exec "$0" run --id "$1" -- sleep 1000' "$HYBOX" "$nid"
nsup=$BG_PID
wait_for 10 "$HYBOX" ps "$nid" >/dev/null 2>&1
assert_eq "$(awk '/^Max open files/ { print $4 }' "/proc/$nsup/limits")" 1024 \
	"the supervisor's soft RLIMIT_NOFILE is 1024"
HYBOX_TEST_TIMEOUT=10 hx "$nid" /bin/sh -c 'echo out; exit 3'
assert_eq "$RUN_RC $RUN_OUT" "3 out" "exec works under it"
HYBOX_TEST_TIMEOUT=10 hx "$nid" /bin/sh -c 'echo again'
assert_eq "$RUN_RC $RUN_OUT" "0 again" "... and again"
"$HYBOX" kill "$nid" KILL >/dev/null 2>&1
wait "$nsup" 2>/dev/null
assert_no_leftovers "$nid"
done_testing
