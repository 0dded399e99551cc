#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# podman with hybox as its OCI runtime (`podman --runtime hybox`): a busybox
# rootfs imported as a local image, then run --rm with echo, exit codes, -e,
# -w, --hostname, -v, --read-only, --memory, stdin (-i) and a terminal (-it,
# driven through script(1)), run -d with ps, exec, pause/unpause, kill, and
# stop of a command that ignores SIGTERM (SIGKILL after the timeout), and a
# pod whose container joins the infra container's namespaces. podman
# runs with its own storage under the scratch directory, cgroupfs (hybox
# has no systemd cgroups) and no ulimits of its own (this host's processes
# cannot raise RLIMIT_NOFILE to podman's defaults).
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 busybox
command -v podman >/dev/null || _t_skip_all "podman is not installed (apt-get install podman)"
command -v script >/dev/null || _t_skip_all "script(1) is not installed (bsdutils)"
# podman itself must work here (its storage, not hybox): else say exactly why.
podman info >/dev/null 2>"${TMPDIR:-/tmp}/podman-info.$$" ||
	_t_skip_all "podman does not work on this host: $(tail -n 1 "${TMPDIR:-/tmp}/podman-info.$$")"
rm -f "${TMPDIR:-/tmp}/podman-info.$$"

scratch_dir
cat >"$SCRATCH/containers.conf" <<'EOF'
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
export CONTAINERS_CONF=$SCRATCH/containers.conf
P=(podman --root "$SCRATCH/storage" --runroot "$SCRATCH/runroot" --runtime "$HYBOX")
I=localhost/hybox-busybox
pm() { run_capture timeout 60 "${P[@]}" "$@"; }
cleanup_podman() {
	"${P[@]}" rm -af >/dev/null 2>&1
	"${P[@]}" rmi -af >/dev/null 2>&1
	"${P[@]}" system reset -f >/dev/null 2>&1
}
trap 'cleanup_podman; _t_cleanup' EXIT

run_capture "$REPO_DIR/scripts/mkrootfs.sh" "$SCRATCH/rootfs"
assert_rc 0 "mkrootfs.sh builds a busybox rootfs"
printf '#!/bin/sh\nexec sleep 100000\n' >"$SCRATCH/rootfs/pause" # a pod's infra command
chmod +x "$SCRATCH/rootfs/pause"
run_capture sh -c "tar -C '$SCRATCH/rootfs' -c . | $(printf '%q ' "${P[@]}") import - $I"
assert_rc 0 "podman import makes a local image of it"

pm run --rm --network none "$I" echo hi
assert_eq "$RUN_RC $RUN_OUT" "0 hi" "run --rm echo"
pm run --rm --network none "$I" sh -c 'exit 7'
assert_eq "$RUN_RC" 7 "the exit code reaches podman"
pm run --rm --network none -e FOO=bar -w /tmp --hostname pmbox "$I" sh -c 'echo $FOO; pwd; hostname'
assert_eq "$RUN_OUT" $'bar\n/tmp\npmbox' "-e, -w and --hostname"
mkdir -p "$SCRATCH/vol" && echo from-the-volume >"$SCRATCH/vol/f"
pm run --rm --network none -v "$SCRATCH/vol:/data" "$I" sh -c 'cat /data/f; echo w >/data/g'
assert_eq "$RUN_OUT $(cat "$SCRATCH/vol/g" 2>&1)" "from-the-volume w" "-v: a bind mount, readable and writable"
pm run --rm --network none --read-only "$I" sh -c 'touch /x 2>/dev/null || echo root-ro; touch /tmp/y && echo tmp-rw'
assert_eq "$RUN_OUT" $'root-ro\ntmp-rw' "--read-only: the root is read-only, /tmp a tmpfs"
pm run --rm --network none --memory 64m "$I" echo mem
assert_eq "$RUN_RC $RUN_OUT" "0 mem" "--memory (memory.max and memory.swap; a warning where the controller is off)"
run_capture sh -c "echo hello | timeout 60 $(printf '%q ' "${P[@]}") run --rm -i --network none $I sh -c 'read x; echo got:\$x'"
assert_eq "$RUN_OUT" "got:hello" "-i: stdin reaches the command"
run_capture sh -c "printf 'tty; echo typed-\$((6*7)); exit 4\n' | timeout 60 script -qec \"$(printf '%q ' "${P[@]}") run --rm -it --network none $I sh\" /dev/null"
assert_contains "$RUN_OUT" "/dev/pts/0" "-it: the command has a terminal"
assert_contains "$RUN_OUT" "typed-42" "-it: what is typed reaches it"

# A detached container: ps, exec, pause/unpause, kill.
pm run -d --name hyd --network none "$I" sleep 1000
assert_rc 0 "run -d"
pm ps --format '{{.Names}} {{.Status}}'
assert_match "$RUN_OUT" '^hyd Up' "ps lists it running"
pm exec hyd sh -c 'echo exec-ok; hostname; exit 3'
assert_eq "$RUN_RC $(head -n 1 <<<"$RUN_OUT")" "3 exec-ok" "exec: output and exit code"
pm pause hyd
pm inspect hyd --format '{{.State.Status}}'
assert_eq "$RUN_OUT" paused "pause"
pm unpause hyd
pm inspect hyd --format '{{.State.Status}}'
assert_eq "$RUN_OUT" running "unpause"
pm kill hyd
wait_for 10 sh -c "$(printf '%q ' "${P[@]}") inspect hyd --format '{{.State.Status}}' | grep -q exited"
pm inspect hyd --format '{{.State.Status}} {{.State.ExitCode}}'
assert_eq "$RUN_OUT" "exited 137" "kill: SIGKILL, exit code 137"
pm rm hyd
assert_rc 0 "rm"

# stop: SIGTERM, then SIGKILL after the timeout for a command that ignores it.
pm run -d --name hys --network none "$I" sh -c 'trap "" TERM; while :; do sleep 1; done'
pm stop -t 2 hys
assert_rc 0 "stop of a command that ignores SIGTERM"
pm inspect hys --format '{{.State.Status}} {{.State.ExitCode}}'
assert_eq "$RUN_OUT" "exited 137" "stop: SIGKILL after the timeout"
pm rm hys

# A pod: its infra container (run by hybox too) makes the ipc, uts and
# network namespaces, and a container of the pod joins them by the paths
# podman puts in linux.namespaces.
pm pod create --name hyp --network none --hostname hypod --infra-image "$I" --infra-command /pause
assert_rc 0 "pod create (infra: the busybox image's /pause)"
pm pod start hyp
assert_rc 0 "pod start: the infra container runs"
pm pod inspect hyp --format '{{.InfraContainerID}}'
infra=$RUN_OUT
nsids='for n in ipc uts net; do ls -l /proc/self/ns/$n | sed "s/.*-> //"; done'
pm exec "$infra" sh -c "$nsids"
infra_ns=$RUN_OUT
pm run --rm --pod hyp "$I" sh -c "hostname; $nsids"
assert_eq "$RUN_RC $RUN_OUT" "0 hypod
$infra_ns" "a container of the pod has the pod's hostname and its ipc, uts and network namespaces"
pm pod rm -f hyp
assert_rc 0 "pod rm -f"

# A pod that shares its pid namespace too: the container's /proc shows the
# pod's processes (the infra's sleep) and not the host's (a marker sleep).
pm pod create --name hyq --share pid,ipc,uts --infra-image "$I" --infra-command /pause
assert_rc 0 "pod create --share pid,ipc,uts"
pm pod start hyq
assert_rc 0 "... its infra container runs"
pm pod inspect hyq --format '{{.InfraContainerID}}'
infra=$RUN_OUT
pm exec "$infra" readlink /proc/self/ns/pid
assert_rc 0 "exec in the infra container"
infra_pidns=$RUN_OUT
sleep 1234 &
marker=$!
see='readlink /proc/self/ns/pid; for p in /proc/[0-9]*; do tr "\0" " " <$p/cmdline; echo; done'
pm run --rm --network none --pod hyq "$I" sh -c "$see"
kill "$marker"
assert_eq "$RUN_RC" 0 "a container of the pod runs"
assert_eq "$(printf '%s\n' "$RUN_OUT" | head -n 1)" "$infra_pidns" \
	"... in the infra container's pid namespace"
assert_contains "$RUN_OUT" "sleep 100000 " "... and sees the infra's processes"
assert_not_contains "$RUN_OUT" "sleep 1234" "... but not the host's"
pm pod rm -f hyq
assert_rc 0 "pod rm -f"
cleanup_podman
assert_eq "$(ls /run/hybox 2>/dev/null | grep -c .)" "$(ls /run/hybox 2>/dev/null | grep -vc '^[0-9a-f]\{64\}$')" \
	"no state directory of podman's containers is left under /run/hybox"
done_testing
