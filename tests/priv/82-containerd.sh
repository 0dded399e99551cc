#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# containerd with hybox as the runtime of its runc shim (`ctr run --runtime
# io.containerd.runc.v2 --runc-binary hybox`): a private containerd (its own
# root, state and socket under the scratch directory), a busybox rootfs
# imported as an OCI image archive, then run --rm with echo, exit codes,
# --env, --cwd, a --mount bind, rlimits, stderr, --seccomp, a terminal (-t, driven
# through script(1)), run -d with task ls/ps, exec, pause/resume, kill
# (SIGTERM; SIGKILL of a command that ignores SIGTERM), task delete and
# container rm, container checkpoint --task and restore --live; nothing is
# left behind (state directories under the shim's --root, the cgroup
# leaves and their namespace parent, mounts, shims).
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 busybox
for t in containerd ctr containerd-shim-runc-v2; do
	command -v "$t" >/dev/null || _t_skip_all "$t is not installed (apt-get install containerd)"
done
command -v script >/dev/null || _t_skip_all "script(1) is not installed (bsdutils)"

scratch_dir
D=$SCRATCH
SOCK=$D/containerd.sock
NS=hyt$$ # the namespace: also the cgroup parent ctr puts containers in (/NS/ID)
CG=$(cg2_mount)
I=docker.io/library/hybox-busybox:latest
{
	echo 'disabled_plugins = ["io.containerd.grpc.v1.cri"]'
	containerd_config "$D" "$SOCK"
} >"$D/config.toml"
C=(ctr -a "$SOCK" -n "$NS")
R=(--runtime io.containerd.runc.v2 --runc-binary "$HYBOX" --runc-root "$D/runc")
c() { run_capture "${C[@]}" "$@"; }
task_status() { "${C[@]}" task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }

# Whatever a failed run left: tasks, containers, then the daemon, its shims
# (found by our socket in their command line, killed by pid) and mounts.
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup_containerd() {
	local id
	if [ -n "${CTRD_PID:-}" ]; then
		for id in $("${C[@]}" task ls -q 2>/dev/null); do
			timeout 10 "${C[@]}" task kill -s KILL "$id" >/dev/null 2>&1
			timeout 10 "${C[@]}" task delete -f "$id" >/dev/null 2>&1
		done
		for id in $("${C[@]}" container ls -q 2>/dev/null); do
			timeout 10 "${C[@]}" container rm "$id" >/dev/null 2>&1
		done
	fi
	containerd_teardown "${CTRD_PID:-}" "$SOCK" "$D"
	[ -d "$CG/$NS" ] && find "$CG/$NS" -depth -type d -exec rmdir {} + 2>/dev/null
	return 0
}
trap 'cleanup_containerd; _t_cleanup' EXIT

containerd --config "$D/config.toml" >"$D/containerd.log" 2>&1 &
CTRD_PID=$!
if ! wait_for 20 "${C[@]}" version >/dev/null 2>&1; then
	_t_skip_all "containerd did not start here: $(grep -E 'level=(fatal|error)' "$D/containerd.log" | tail -n 1)"
fi
ok "a private containerd serves $SOCK"

run_capture "$REPO_DIR/scripts/mkrootfs.sh" "$D/rootfs"
assert_rc 0 "mkrootfs.sh builds a busybox rootfs"
run_capture "$REPO_DIR/scripts/mkociimage.sh" "$D/rootfs" "$D/image.tar" "$I"
assert_rc 0 "mkociimage.sh packs it as an OCI image archive"
c images import "$D/image.tar"
assert_rc 0 "ctr images import"

# --- run --rm -------------------------------------------------------------------
c run --rm "${R[@]}" "$I" "$(tid echo)" echo hi
assert_eq "$RUN_RC $RUN_OUT" "0 hi" "run --rm echo"
c run --rm "${R[@]}" "$I" "$(tid exit)" sh -c 'exit 7'
assert_eq "$RUN_RC" 7 "the exit code reaches ctr"
c run --rm "${R[@]}" --env FOO=bar --cwd /tmp "$I" "$(tid env)" sh -c 'echo $FOO; pwd; hostname'
assert_eq "$RUN_OUT" $'bar\n/tmp\n'"$(tid env)" "--env, --cwd; the hostname is the container id"
mkdir -p "$D/vol" && echo from-the-volume >"$D/vol/f"
c run --rm "${R[@]}" --mount "type=bind,src=$D/vol,dst=/data,options=rbind:rw" "$I" "$(tid mnt)" \
	sh -c 'cat /data/f; echo w >/data/g'
assert_eq "$RUN_OUT $(cat "$D/vol/g" 2>&1)" "from-the-volume w" "--mount: a bind mount, readable and writable"
c run --rm "${R[@]}" "$I" "$(tid rl)" sh -c 'ulimit -n'
assert_eq "$RUN_OUT" 1024 "containerd's default spec: RLIMIT_NOFILE 1024"
# ctr always sets linux.resources.cpu.shares (1024): hybox applies it as
# cpu.weight, or warns where the cpu controller is off, into the shim's log
# only: the container's stderr is its own.
c run --rm "${R[@]}" "$I" "$(tid err)" sh -c 'echo out; echo err >&2'
assert_eq "$RUN_OUT|$RUN_ERR" "out|err" "stdout and stderr are the container's, no runtime warning in them"

c run --rm "${R[@]}" --seccomp "$I" "$(tid sec)" sh -c 'grep ^Seccomp: /proc/self/status; unshare -U true 2>/dev/null || echo unshare-denied'
assert_eq "$RUN_RC|$(tr -s '\t\n' '  ' <<<"$RUN_OUT")" "0|Seccomp: 2 unshare-denied " "--seccomp: containerd's default profile, stacked on hybox's filter"

# --- a terminal ---------------------------------------------------------------------
run_capture sh -c "printf 'tty; echo typed-\$((6*7)); exit 4\n' | script -qec \"$(printf '%q ' "${C[@]}") run --rm -t $(printf '%q ' "${R[@]}") $I $(tid tty) sh\" /dev/null"
assert_contains "$RUN_OUT" "/dev/pts/0" "-t: the command has a terminal"
assert_contains "$RUN_OUT" "typed-42" "-t: what is typed reaches it"
assert_eq "$RUN_RC" 4 "-t: the exit code"

# --- a detached task: ls, ps, exec, pause/resume, kill, delete --------------------------
d=$(tid d)
c run -d "${R[@]}" "$I" "$d" sleep 1000
assert_rc 0 "run -d"
assert_eq "$(task_status "$d")" RUNNING "task ls: RUNNING"
pid=$("${C[@]}" task ls 2>/dev/null | awk -v id="$d" '$1 == id { print $2 }')
c task ps "$d"
assert_match "$RUN_OUT" $'(^|\n)'"$pid"' ' "task ps lists the task's pid ($pid)"
assert_eq "$(grep -c . <<<"$RUN_OUT")" 3 "task ps: the header, hybox's init and sleep"
assert_match "$(cat "/proc/$pid/cgroup" 2>&1)" "0::/$NS/$d\$" "the task is in the cgroup ctr asked for (/$NS/$d)"
c task exec --exec-id e1 "$d" sh -c 'echo exec-ok; hostname; ulimit -n; exit 3'
assert_eq "$RUN_RC|$(tr '\n' ' ' <<<"$RUN_OUT")" "3|exec-ok $d 1024 " "task exec: output, the container's hostname and rlimits, exit code"
c task pause "$d"
assert_eq "$RUN_RC $(task_status "$d")" "0 PAUSED" "task pause"
c task resume "$d"
assert_eq "$RUN_RC $(task_status "$d")" "0 RUNNING" "task resume"
c task kill "$d"
check "task kill (SIGTERM): STOPPED" wait_for 10 sh -c "$(printf '%q ' "${C[@]}") task ls | grep -q '^$d .*STOPPED'"
c task delete "$d"
assert_eq "$RUN_RC" 0 "task delete"
assert_contains "$RUN_ERR" "exit code 143" "... reports the exit code of SIGTERM (143)"
c container rm "$d"
assert_rc 0 "container rm"
assert_no_leftovers "$d" "$D/runc/$NS" "" "$NS/$d"

# SIGTERM ignored: still running; SIGKILL stops it.
k=$(tid k)
c run -d "${R[@]}" "$I" "$k" sh -c 'trap "" TERM; while :; do sleep 1; done'
assert_rc 0 "run -d of a command that ignores SIGTERM"
c task kill "$k"
sleep 2
assert_eq "$(task_status "$k")" RUNNING "task kill (SIGTERM): it keeps running"
c task kill -s KILL "$k"
check "task kill -s KILL: STOPPED" wait_for 10 sh -c "$(printf '%q ' "${C[@]}") task ls | grep -q '^$k .*STOPPED'"
c task delete "$k"
assert_contains "$RUN_ERR" "exit code 137" "task delete reports the exit code of SIGKILL (137)"
c container rm "$k"
assert_no_leftovers "$k" "$D/runc/$NS" "" "$NS/$k"

# --- ctr checkpoint and restore (the shim's runc checkpoint/restore lines) ---------------
# containerd passes --file-locks and go-runc's "-no-subreaper": both accepted.
k=$(tid ck)
c run -d "${R[@]}" "$I" "$k" sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/n; sleep 0.1; done'
assert_rc 0 "run -d of a counting shell"
sleep 1
c task exec --exec-id n0 "$k" cat /tmp/n
at=$RUN_OUT # the checkpoint's count is at least this; a fresh start's is far below
c container checkpoint --task "$k" "checkpoint/$k:1"
assert_rc 0 "container checkpoint --task (hybox checkpoint --file-locks --image-path ...)"
c task kill -s KILL "$k"
wait_for 10 sh -c "$(printf '%q ' "${C[@]}") task ls | grep -q '^$k .*STOPPED'"
c task delete "$k"
c container rm "$k"
c container restore --live "$k" "checkpoint/$k:1"
assert_rc 0 "container restore --live (hybox restore -no-subreaper --bundle ...)"
assert_eq "$(task_status "$k")" RUNNING "the restored task runs"
sleep 0.3
c task exec --exec-id n1 "$k" cat /tmp/n
check "it counts on from the checkpoint's state (at least $at before the checkpoint, now $RUN_OUT)" \
	test "${RUN_OUT:-0}" -ge "${at:-1}" -a "${at:-0}" -ge 5
c task kill -s KILL "$k"
wait_for 10 sh -c "$(printf '%q ' "${C[@]}") task ls | grep -q '^$k .*STOPPED'"
c task delete "$k"
c container rm "$k"
c images rm "checkpoint/$k:1"
assert_no_leftovers "$k" "$D/runc/$NS" "" "$NS/$k"

# --- nothing left behind ----------------------------------------------------------------
c task ls -q
assert_eq "$RUN_OUT" "" "no task is left"
c container ls -q
assert_eq "$RUN_OUT" "" "no container is left"
assert_eq "$(ls "$D/runc/$NS" 2>&1)" "" "no state directory is left under the shim's --root"
check "no cgroup is left: $CG/$NS (hybox made it, hybox removed it)" test ! -e "$CG/$NS"
# "[s]": the pattern must not match the sh -c that runs pgrep.
check "no shim is left" wait_for 10 sh -c "! pgrep -f -- '-addres[s] $SOCK' >/dev/null"
assert_eq "$(grep -cF " $D/state/" /proc/self/mountinfo)" 0 "no container root file system is left mounted"
done_testing
