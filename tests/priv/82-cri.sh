#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Kubernetes' road: the CRI. A private containerd with its CRI plugin, hybox
# as the runtime handler "hybox" of the runc shim (what a RuntimeClass
# names), CNI bridge networking, and the kubelet's calls made by
# tests/lib/cri.py (there is no crictl in Debian 12): pods on the pod
# network and on the host's (hostNetwork), containers with logs, ExecSync
# and the streaming Exec (kubectl exec -it),
# namespaces shared with the pod (net, ipc, uts; pid with
# shareProcessNamespace), UpdateContainerResources (hybox update),
# StopContainer with and without a grace period,
# hybox's policy and events through pod annotations, a refused policy, and
# nothing left behind (state, cgroups, mounts, shims, network namespaces).
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 busybox
for t in containerd ctr containerd-shim-runc-v2; do
	command -v "$t" >/dev/null || _t_skip_all "$t is not installed (apt-get install containerd)"
done
for p in bridge host-local loopback; do
	[ -x "/usr/lib/cni/$p" ] || _t_skip_all "no CNI plugin /usr/lib/cni/$p (apt-get install containernetworking-plugins)"
done
# Debian's python3, which python3-grpcio is built for (not a python3 earlier in PATH)
PY=/usr/bin/python3
"$PY" -c 'import grpc' 2>/dev/null || _t_skip_all "no gRPC for $PY (apt-get install python3-grpcio)"

scratch_dir
D=$SCRATCH
SOCK=$D/containerd.sock
CG=$(cg2_mount)
PARENT=hyt-cri$$ # the pods' cgroup parent, as the kubelet's kubepods
BR=hyt$$         # the CNI bridge, on a subnet of its own
NET=10.231.$(($$ % 250))
I=docker.io/library/hybox-busybox:latest
PAUSE=docker.io/library/hybox-pause:1
containerd_cri_config "$D" "$SOCK" "$PAUSE" "$HYBOX" "$D/cni" >"$D/config.toml"
mkdir -p "$D/cni" "$D/logs"
cat >"$D/cni/10-hyt.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "hyt", "plugins": [{"type": "bridge", "bridge": "$BR",
 "isGateway": true, "ipMasq": false, "ipam": {"type": "host-local",
 "ranges": [[{"subnet": "$NET.0/24"}]], "dataDir": "$D/ipam"}}]}
EOF
HYROOT=$D/hybox/k8s.io # the shim's Root, per containerd namespace

# cri METHOD [JSON]: one CRI call; RUN_RC, RUN_OUT (the reply), RUN_ERR.
cri() { run_capture "$PY" "$REPO_DIR/tests/lib/cri.py" "$SOCK" "$@"; }
# jget EXPR: EXPR (Python, on the reply `r`) of the last reply.
jget() { "$PY" -c 'import json, sys; r = json.loads(sys.argv[1] or "{}"); print(eval(sys.argv[2]))' "$RUN_OUT" "$1" 2>&1; }

# pod_config NAME NETWORK PID [ANNOTATIONS]: a PodSandboxConfig as the
# kubelet sends it; NETWORK and PID are NamespaceModes (0 POD, 1 CONTAINER,
# 2 NODE). The hostname is NAME's, except on the host's network.
pod_config() {
	local host=
	[ "$2" = 2 ] || host="\"hostname\": \"$1\","
	mkdir -p "$D/logs/$1"
	printf '{"metadata": {"name": "%s", "uid": "uid-%s", "namespace": "default"}, %s
	"log_directory": "%s", "annotations": %s, "linux": {"cgroup_parent": "/%s",
	"security_context": {"namespace_options": {"network": %s, "pid": %s, "ipc": 0}}}}' \
		"$1" "$1" "$host" "$D/logs/$1" "${4:-{\}}" "$PARENT" "$2" "$3"
}

# run_pod CONFIG: RunPodSandbox with handler hybox; sets POD.
run_pod() {
	cri RunPodSandbox "{\"config\": $1, \"runtime_handler\": \"hybox\"}"
	POD=$(jget 'r["pod_sandbox_id"]')
}

# create_ctr POD CONFIG NAME CMD [EXTRA]: CreateContainer of the busybox image
# running sh -c CMD, logging to NAME.log, the pod's namespace modes
# repeated (as the kubelet does), EXTRA more ContainerConfig fields; sets CTR.
create_ctr() {
	local cmd
	cmd=$("$PY" -c 'import json, sys; print(json.dumps(["sh", "-c", sys.argv[1]]))' "$4")
	local nso
	nso=$("$PY" -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1])["linux"]["security_context"]["namespace_options"]))' "$2")
	cri CreateContainer "{\"pod_sandbox_id\": \"$1\", \"sandbox_config\": $2, \"config\": {
		\"metadata\": {\"name\": \"$3\"}, \"image\": {\"image\": \"$I\"}, \"command\": $cmd,
		\"log_path\": \"$3.log\", ${5:+$5,} \"linux\": {\"security_context\": {\"namespace_options\": $nso}}}}"
	CTR=$(jget 'r["container_id"]')
}

start_ctr() { cri StartContainer "{\"container_id\": \"$1\"}"; }
# pod_with_app CONFIG WHAT CMD [EXTRA]: run a pod (one test line: WHAT) and
# start a container "app" in it running CMD (create_ctr's EXTRA); sets POD, CTR.
pod_with_app() {
	run_pod "$1"
	assert_rc 0 "RunPodSandbox $2"
	PODS="$POD"
	create_ctr "$POD" "$1" app "$3" "${4:-}"
	start_ctr "$CTR"
}
# remove_pod: RemovePodSandbox of POD, which leaves no hybox state behind.
remove_pod() {
	cri RemovePodSandbox "{\"pod_sandbox_id\": \"$POD\"}"
	assert_rc 0 "RemovePodSandbox"
	assert_eq "$(ls "$HYROOT" 2>&1)" "" "... no hybox state directory is left"
	PODS=
}
# ctr_state ID: CONTAINER_CREATED 0, RUNNING 1, EXITED 2
ctr_state() {
	"$PY" "$REPO_DIR/tests/lib/cri.py" "$SOCK" ContainerStatus "{\"container_id\": \"$1\"}" 2>/dev/null |
		"$PY" -c 'import json, sys; print(json.load(sys.stdin)["status"].get("state", 0))'
}
exec_sync() { # ID CMD: ExecSync of sh -c CMD
	local cmd
	cmd=$("$PY" -c 'import json, sys; print(json.dumps(["sh", "-c", sys.argv[1]]))' "$2")
	cri ExecSync "{\"container_id\": \"$1\", \"cmd\": $cmd, \"timeout\": 30}"
}
# log_has POD NAME ERE: the container's CRI log has a stdout line matching ERE.
log_has() { wait_for 10 grep -qE "^[^ ]+ stdout F $3\$" "$D/logs/$1/$2.log"; }

# Whatever a failed run left: pods (their containers go with them), the
# daemon, shims (found by our socket in their command line), mounts, the
# bridge, network namespaces and cgroups.
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup_cri() {
	local p
	if [ -n "${CTRD_PID:-}" ]; then
		for p in $("$PY" "$REPO_DIR/tests/lib/cri.py" "$SOCK" ListContainers '{}' 2>/dev/null |
			"$PY" -c 'import json, sys; [print(c["pod_sandbox_id"]) for c in json.load(sys.stdin).get("containers", [])]' 2>/dev/null | sort -u) ${PODS:-}; do
			timeout 20 "$PY" "$REPO_DIR/tests/lib/cri.py" "$SOCK" RemovePodSandbox "{\"pod_sandbox_id\": \"$p\"}" >/dev/null 2>&1
		done
	fi
	containerd_teardown "${CTRD_PID:-}" "$SOCK" "$D"
	ip link del "$BR" 2>/dev/null
	[ -d "$CG/$PARENT" ] && find "$CG/$PARENT" -depth -type d -exec rmdir {} + 2>/dev/null
	return 0
}
trap 'cleanup_cri; _t_cleanup' EXIT

containerd --config "$D/config.toml" >"$D/containerd.log" 2>&1 &
CTRD_PID=$!
if ! wait_for 20 "$PY" "$REPO_DIR/tests/lib/cri.py" "$SOCK" Version '{"version": "v1"}' >/dev/null 2>&1; then
	_t_skip_all "containerd's CRI plugin did not start here: $(grep -E 'level=(fatal|error|warning).*cri' "$D/containerd.log" | tail -n 1)"
fi
cri Version '{"version": "v1"}'
assert_eq "$(jget 'r["runtime_name"], r["runtime_api_version"]')" "('containerd', 'v1')" "a private containerd serves the CRI (runtime.v1) on $SOCK"

run_capture "$REPO_DIR/scripts/mkrootfs.sh" "$D/rootfs"
assert_rc 0 "mkrootfs.sh builds a busybox rootfs"
printf '#!/bin/sh\ntrap "exit 0" TERM INT\nwhile :; do sleep 1000 & wait; done\n' >"$D/rootfs/pause"
chmod +x "$D/rootfs/pause"
run_capture "$REPO_DIR/scripts/mkociimage.sh" "$D/rootfs" "$D/image.tar" "$I"
assert_rc 0 "mkociimage.sh packs the busybox image"
run_capture "$REPO_DIR/scripts/mkociimage.sh" "$D/rootfs" "$D/pause.tar" "$PAUSE" /pause
assert_rc 0 "mkociimage.sh packs a sandbox (pause) image whose command is /pause"
run_capture ctr -a "$SOCK" -n k8s.io images import "$D/image.tar"
assert_rc 0 "ctr -n k8s.io images import (the CRI's namespace)"
run_capture ctr -a "$SOCK" -n k8s.io images import "$D/pause.tar"
cri ImageStatus "{\"image\": {\"image\": \"$I\"}}"
assert_eq "$(jget 'r["image"]["repo_tags"]')" "['$I']" "ImageStatus: the CRI sees the image"

# --- a pod on the pod network -----------------------------------------------------------
netns_count() { find /run/netns -name 'cni-*' 2>/dev/null | wc -l; }
NETNS=$(netns_count)
SC=$(pod_config web 0 1)
run_pod "$SC"
assert_rc 0 "RunPodSandbox with runtime_handler hybox"
PODS="$POD"
cri PodSandboxStatus "{\"pod_sandbox_id\": \"$POD\"}"
assert_eq "$(jget 'r["status"].get("state", 0), r["status"]["runtime_handler"]')" "(0, 'hybox')" "PodSandboxStatus: SANDBOX_READY, handler hybox"
POD_IP=$(jget 'r["status"]["network"]["ip"]')
assert_match "$POD_IP" "^${NET//./\\.}\\.[0-9]+\$" "the pod has an address from the CNI bridge network"
run_capture "$HYBOX" --root "$HYROOT" state "$POD"
assert_contains "$RUN_OUT" '"status": "running"' "hybox runs the pod's sandbox container (hybox state: running)"

create_ctr "$POD" "$SC" app 'echo hello; hostname; echo "x=$X"; sleep 1000' '"envs": [{"key": "X", "value": "42"}]'
assert_rc 0 "CreateContainer in the pod"
APP=$CTR
assert_eq "$(ctr_state "$APP")" 0 "ContainerStatus: CONTAINER_CREATED"
start_ctr "$APP"
assert_rc 0 "StartContainer"
assert_eq "$(ctr_state "$APP")" 1 "ContainerStatus: CONTAINER_RUNNING"
check "the CRI log has the command's stdout" log_has web app hello
check "... the pod's hostname (its uts namespace)" log_has web app web
check "... the environment of the ContainerConfig" log_has web app x=42
run_capture "$HYBOX" --root "$HYROOT" state "$APP"
pid=$(jget 'r["pid"]')
assert_match "$(cat "/proc/$pid/cgroup" 2>&1)" "0::/$PARENT/$APP\$" "the container is in the cgroup the CRI asked for (/$PARENT/ID)"

exec_sync "$APP" 'ip -4 -o addr show eth0; echo err >&2; exit 3'
assert_eq "$(jget 'r.get("exit_code", 0)')" 3 "ExecSync: the exit code"
assert_contains "$(jget 'r["stdout"]')" "inet $POD_IP/" "ExecSync: the container has the pod's network (eth0, $POD_IP)"
assert_eq "$(jget 'r["stderr"]')" "err" "ExecSync: stderr apart"

# The streaming Exec (kubectl exec [-it]): containerd's streaming server,
# a WebSocket with Kubernetes' channel protocol (tests/lib/cri_exec.py).
if "$PY" -c 'import websocket' 2>/dev/null; then
	xc() { run_capture timeout 60 "$PY" "$REPO_DIR/tests/lib/cri_exec.py" "$SOCK" "$APP" "$@"; }
	xc -- sh -c 'echo out; echo err >&2; exit 5'
	assert_eq "$RUN_RC|$RUN_OUT|$RUN_ERR" "5|out|err" "Exec (streaming): stdout, stderr and the exit code"
	xc --input $'hello-stdin\n' -- sh -c 'read l; echo "got $l"'
	assert_eq "$RUN_RC|$RUN_OUT" "0|got hello-stdin" "Exec -i: stdin reaches the command"
	xc --tty --input $'tty; stty size; echo typed-$((6*7)); exit 4\n' -- sh
	assert_contains "$RUN_OUT" "/dev/pts/" "Exec -it: the command has a terminal"
	assert_contains "$RUN_OUT" $'30 100\r' "... of the client's size (a resize message: 30 rows, 100 columns)"
	assert_contains "$RUN_OUT" "typed-42" "... and what is typed reaches it"
	assert_eq "$RUN_RC" 4 "... with its exit code"
else
	skip "the streaming Exec: no python3-websocket (apt-get install python3-websocket)"
fi

# A second container: the pod's net, ipc and uts namespaces, a pid one of its own.
create_ctr "$POD" "$SC" side 'sleep 1000'
SIDE=$CTR
start_ctr "$SIDE"
assert_rc 0 "a second container in the pod"
ns_ids() { exec_sync "$1" 'for n in net ipc uts pid; do readlink /proc/self/ns/$n; done'; jget 'r["stdout"]'; }
a=$(ns_ids "$APP")
b=$(ns_ids "$SIDE")
assert_eq "$(head -n 3 <<<"$a")" "$(head -n 3 <<<"$b")" "the two containers share the pod's net, ipc and uts namespaces"
assert_ne "$(sed -n 4p <<<"$a")" "$(sed -n 4p <<<"$b")" "... and each has a pid namespace of its own (pid: CONTAINER)"

# UpdateContainerResources (in-place resize, the CPU manager): containerd's
# shim runs `hybox update --resources - ID` with the container's whole
# linux.resources. The leaf's files change where the leaf has the controller.
L=$CG/$PARENT/$SIDE
uni=
if grep -qw hugetlb "$L/cgroup.controllers" 2>/dev/null && [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]; then
	uni=', "unified": {"hugetlb.2MB.max": "2097152"}'
fi
cri UpdateContainerResources "{\"container_id\": \"$SIDE\", \"linux\": {\"cpu_shares\": 512, \"cpu_period\": 100000, \"cpu_quota\": 50000, \"memory_limit_in_bytes\": 67108864$uni}}"
assert_rc 0 "UpdateContainerResources on a running container"
# upd_leaf FILE WANT DESC: the leaf's FILE reads WANT, where the leaf has its controller
upd_leaf() {
	if grep -qw "${1%%.*}" "$L/cgroup.controllers" 2>/dev/null && { [ "$1" != hugetlb.2MB.max ] || [ -n "$uni" ]; }; then
		assert_eq "$(cat "$L/$1" 2>&1)" "$2" "$3"
	else
		skip "$3: the container's leaf has no ${1%%.*} controller here"
	fi
}
upd_leaf cpu.weight 20 "... cpu_shares 512 is the leaf's cpu.weight (runc's mapping)"
upd_leaf cpu.max "50000 100000" "... cpu_quota/cpu_period is the leaf's cpu.max"
upd_leaf memory.max 67108864 "... memory_limit_in_bytes is the leaf's memory.max"
upd_leaf hugetlb.2MB.max 2097152 "... a unified key is written into the leaf"
cri UpdateContainerResources "{\"container_id\": \"$SIDE\", \"linux\": {\"memory_limit_in_bytes\": 1024}}"
assert_ne "$RUN_RC" 0 "UpdateContainerResources with a memory limit of 1 KiB fails"
assert_contains "$RUN_ERR" "memory.limit: expected at least 4194304 bytes" "... the CRI error names memory.limit"
assert_eq "$(ctr_state "$SIDE")" 1 "... the container runs on (CONTAINER_RUNNING)"

# StopContainer: SIGTERM; past the grace period, SIGKILL.
cri StopContainer "{\"container_id\": \"$APP\", \"timeout\": 10}"
assert_rc 0 "StopContainer"
cri ContainerStatus "{\"container_id\": \"$APP\"}"
assert_eq "$(jget 'r["status"]["state"], r["status"]["exit_code"]')" "(2, 143)" "CONTAINER_EXITED with SIGTERM's exit code (143)"
create_ctr "$POD" "$SC" stubborn 'trap "" TERM; while :; do sleep 1; done'
STUB=$CTR
start_ctr "$STUB"
t0=$(date +%s)
cri StopContainer "{\"container_id\": \"$STUB\", \"timeout\": 2}"
t1=$(date +%s)
assert_rc 0 "StopContainer of a command that ignores SIGTERM"
assert_eq "$(ctr_state "$STUB")" 2 "... it is killed after the grace period (CONTAINER_EXITED)"
check "... within the grace period and a little ($((t1 - t0)) s)" test $((t1 - t0)) -le 8
for c in "$APP" "$STUB"; do
	cri RemoveContainer "{\"container_id\": \"$c\"}"
	assert_rc 0 "RemoveContainer ${c:0:12}"
	check "... its hybox state directory is gone" test ! -e "$HYROOT/$c"
done
cri ListContainers "{\"filter\": {\"pod_sandbox_id\": \"$POD\"}}"
assert_eq "$(jget '[c["metadata"]["name"] for c in r.get("containers", [])]')" "['side']" "ListContainers: only side is left"

# StopPodSandbox stops what runs in it; RemovePodSandbox removes it all.
cri StopPodSandbox "{\"pod_sandbox_id\": \"$POD\"}"
assert_rc 0 "StopPodSandbox (side still running)"
assert_eq "$(ctr_state "$SIDE")" 2 "... side has exited"
remove_pod
check "no cgroup is left under /$PARENT" test ! -e "$CG/$PARENT/$POD" -a ! -e "$CG/$PARENT/$SIDE"
assert_eq "$(netns_count)" "$NETNS" "the pod's network namespace is gone"

# --- shareProcessNamespace: the containers see the pod's processes ------------------------
pod_with_app "$(pod_config shared 0 0)" "of a pod with a shared pid namespace (pid: POD)" 'sleep 1000'
assert_rc 0 "its container starts (joining the sandbox's pid namespace by path)"
exec_sync "$CTR" 'ps -o args'
assert_contains "$(jget 'r.get("stdout", r)')" "/pause" "the container sees the pod's pause process"
remove_pod # its running container goes with it

# --- hostNetwork: the host's network, a uts namespace of its own with the host's names ----
pod_with_app "$(pod_config hostnet 2 1)" "of a hostNetwork pod (network: NODE, no uts namespace asked)" 'hostname; sleep 1000'
check "the container's hostname is the host's ($(hostname))" log_has hostnet app "$(hostname)"
exec_sync "$CTR" 'ip -o link | wc -l'
assert_eq "$(jget 'r["stdout"].strip()')" "$(ip -o link | wc -l)" "it has the host's network interfaces"
exec_sync "$CTR" 'hostname renamed-by-pod'
assert_ne "$(jget 'r.get("exit_code", 0)')" 0 "renaming the host from the pod fails"
assert_ne "$(hostname)" renamed-by-pod "the host keeps its name"
remove_pod

# --- hybox's policy and events through pod annotations ---------------------------------------
pol='{"org.hybox.policy": "{\"syscalls\": {\"deny\": [\"uname\"]}}", "org.hybox.events": "'$D/events.jsonl'"}'
SC=$(pod_config policed 0 1 "$pol")
pod_with_app "$SC" "with org.hybox.policy and org.hybox.events annotations" 'hostname; sleep 1000' "\"annotations\": $pol"
check "the annotation's policy applies (uname denied: hostname prints ?)" log_has policed app '\?'
check "the annotation's event sink gets the container's events" wait_for 10 grep -q "\"id\":\"$CTR\"" "$D/events.jsonl"
create_ctr "$POD" "$SC" bad 'true' '"annotations": {"org.hybox.policy": "{\"mode\": \"nonsense\"}"}'
BAD=$CTR
start_ctr "$BAD"
assert_ne "$RUN_RC" 0 "a container whose org.hybox.policy is malformed does not start"
assert_contains "$RUN_ERR" 'annotations["org.hybox.policy"]' "... the CRI error names the annotation"
check "... and hybox left no state directory for it" test ! -e "$HYROOT/$BAD"
remove_pod

# --- nothing left behind ---------------------------------------------------------------------
cri ListContainers '{}'
assert_eq "$(jget 'len(r.get("containers", []))')" 0 "no container is left"
assert_eq "$(ls "$HYROOT" 2>&1)" "" "no hybox state directory is left"
check "no cgroup is left: $CG/$PARENT (hybox made it, hybox removed it)" test ! -e "$CG/$PARENT"
assert_eq "$(grep -cF " $D/" /proc/self/mountinfo)" 0 "no container root file system is left mounted"
kill -TERM "$CTRD_PID"
wait_for 10 sh -c "! kill -0 $CTRD_PID 2>/dev/null"
check "no shim is left" wait_for 10 sh -c "! pgrep -f -- '-addres[s] $SOCK' >/dev/null"
CTRD_PID=
done_testing
