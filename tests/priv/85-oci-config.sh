#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# config.json settings applied inside the container on a busybox bundle:
# linux.sysctl (net.* with a network namespace of its own, the IPC
# namespace's kernel.shm*), read back inside while the host's values stay;
# refused keys and a value the kernel rejects fail create with the key's
# JSON path and leave nothing behind. linux.devices and
# linux.resources.devices as podman sends them (hybox's fixed /dev).
# shellcheck disable=SC2016 # single-quoted $ is for the sandboxed shell
# shellcheck source-path=SCRIPTDIR source=../lib/libtest.sh
. "$(dirname "$0")/../lib/libtest.sh"
require root cgroup2 busybox python3

scratch_dir
ROOT=$SCRATCH/state
B=$SCRATCH/bundle
make_bundle "$B"
cp "$B/config.json" "$SCRATCH/default.json"

hyr() { hy --root "$ROOT" "$@"; }

# config PYTHON SCRIPT: hybox spec's config.json edited by PYTHON, running sh -c SCRIPT.
config() {
	cp "$SCRATCH/default.json" "$B/config.json"
	edit_config "$B/config.json" "$1"'
c["process"]["args"] = ["sh", "-c", arg]' "$2"
}

# run_ok DESC: run the bundle in the foreground; it must succeed and leave nothing.
run_ok() {
	local id
	id=$(tid "run$_t_n")
	hyr run --bundle "$B" "$id"
	assert_rc 0 "$1"
	assert_no_leftovers "$id" "$ROOT"
}

# refused DESC ERE: create must fail with one line matching ERE, leaving nothing.
refused() {
	local id
	id=$(tid "bad$_t_n")
	hyr create --bundle "$B" "$id"
	assert_rc 125 "$1: create exits 125"
	assert_error_line "$2" "$1: the error names it"
	assert_no_leftovers "$id" "$ROOT"
}

# --- linux.sysctl ------------------------------------------------------------------
host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
host_shmmax=$(cat /proc/sys/kernel/shmmax)
host_msgmax=$(cat /proc/sys/fs/mqueue/msg_max)
new_fwd=$((1 - host_fwd))
config "c['linux']['sysctl'] = {'net.ipv4.ip_forward': '$new_fwd', 'kernel.shmmax': '12345678',
  'fs.mqueue.msg_max': '17'}" \
	'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax /proc/sys/fs/mqueue/msg_max'
run_ok "a bundle with namespaced sysctls runs"
assert_eq "$RUN_OUT" "$new_fwd
12345678
17" "net.ipv4.ip_forward, kernel.shmmax and fs.mqueue.msg_max read back inside"
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_fwd" "the host's ip_forward is unchanged"
assert_eq "$(cat /proc/sys/kernel/shmmax)" "$host_shmmax" "the host's shmmax is unchanged"
assert_eq "$(cat /proc/sys/fs/mqueue/msg_max)" "$host_msgmax" "the host's mqueue msg_max is unchanged"

config "c['linux']['sysctl'] = {'kernel.shmmax': 'lots'}" true
refused "a value the kernel rejects" \
	'container setup: write linux\.sysctl\["kernel\.shmmax"\]: Invalid argument'
config "c['linux']['sysctl'] = {'vm.swappiness': '10'}" true
refused "a host-wide sysctl" \
	'config\.json:[0-9]+:[0-9]+: linux\.sysctl\["vm\.swappiness"\]: not namespaced: it would change the host'
config "c['linux']['sysctl'] = {'kernel.hostname': 'x'}" true
refused "kernel.hostname" 'linux\.sysctl\["kernel\.hostname"\]: not supported \(use hostname\)'
config "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network']
c['linux']['sysctl'] = {'net.ipv4.ip_forward': '1'}" true
refused "net.* with the host's network" \
	'linux\.sysctl\["net\.ipv4\.ip_forward"\]: the container shares the host.s network'
assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_fwd" "after the refusals the host's ip_forward is unchanged"

# --- linux.devices and linux.resources.devices --------------------------------------
config "std = [(1, 3), (1, 5), (1, 7), (1, 8), (1, 9), (5, 0), (5, 1), (5, 2), (136, -1)]
c['linux']['resources'] = {'devices': [{'allow': False, 'access': 'rwm'}] +
  [{'allow': True, 'type': 'c', 'major': a, 'minor': b, 'access': 'rwm'} for a, b in std]}
c['linux']['devices'] = [{'path': '/dev/null', 'type': 'c', 'major': 1, 'minor': 3, 'fileMode': 438, 'uid': 0, 'gid': 0}]" \
	'echo x >/dev/null && head -c 4 /dev/zero | wc -c && ls /dev/pts/ptmx'
run_ok "podman's device list (deny-all, then hybox's own devices) runs"
assert_eq "$RUN_OUT" "4
/dev/pts/ptmx" "the fixed /dev works as before"
# Docker's and containerd's mknod-only wildcards: accepted, and a node made
# under them cannot be opened (every mount but /dev's fixed nodes is nodev).
config "c['linux']['resources'] = {'devices': [{'allow': False, 'access': 'rwm'},
  {'allow': True, 'type': 'c', 'access': 'm'}, {'allow': True, 'type': 'b', 'access': 'm'}]}" \
	'mknod /dev/shm/sda b 8 0 && echo made; cat /dev/shm/sda >/dev/null 2>&1 || echo not-opened'
run_ok "Docker's mknod-only rules (c *:* m, b *:* m) run"
assert_eq "$RUN_OUT" "made
not-opened" "... a block node can be made but not opened"
config "c['linux']['resources'] = {'devices': [{'allow': False, 'access': 'rwm'},
  {'allow': True, 'type': 'c', 'major': 10, 'minor': 200, 'access': 'rwm'}]}" true
refused "an allow for /dev/net/tun" \
	'linux\.resources\.devices\[1\]: allows char 10:200, which is not supported \(hybox.s /dev holds only'
config "c['linux']['devices'] = [{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229}]" true
refused "a device node hybox does not make" 'linux\.devices\[0\]: /dev/fuse \(c 10:229\) is not supported'

# --- hybox features --oci: runc's features document -----------------------------------
hy features --oci
assert_rc 0 "features --oci exits 0"
check "features --oci is runc's document, with what hybox accepts" python3 -c '
import json, sys
f = json.loads(sys.argv[1])
assert set(f) == {"ociVersionMin", "ociVersionMax", "hooks", "mountOptions", "linux", "annotations"}, f.keys()
lx = f["linux"]
assert set(lx) == {"namespaces", "capabilities", "cgroup", "seccomp", "apparmor", "selinux"}, lx.keys()
assert lx["cgroup"] == {"v1": False, "v2": True, "systemd": False, "systemdUser": False}
assert {"pid", "mount", "ipc", "uts", "cgroup", "network"} <= set(lx["namespaces"])
assert "user" in lx["namespaces"] and f["hooks"] == []
assert "bind" in f["mountOptions"] and "shared" not in f["mountOptions"]
assert all(k.startswith("org.hybox.") for k in f["annotations"])
' "$RUN_OUT"
# Every listed option on one bind, but the alternatives (ro for rw, bind for rbind,
# one atime mode: the kernel takes only one).
opts=$(printf '%s' "$RUN_OUT" | python3 -c 'import json, sys
print([o for o in json.load(sys.stdin)["mountOptions"] if o not in ("ro", "bind", "noatime", "strictatime")])')
config "c['mounts'].append({'destination': '/opts', 'type': 'bind', 'source': '/tmp', 'options': $opts})" true
run_ok "a bind mount with the listed options runs"
hy features --oci --json
assert_rc 125 "features --oci --json is refused"

# --- joining a network namespace by path (podman's and containerd's networks) -------
if command -v ip >/dev/null && ip netns add "hyt-$$" 2>/dev/null; then
	ip netns exec "hyt-$$" sysctl -qw net.ipv4.ip_default_ttl=77
	netns_path="/run/netns/hyt-$$"
	join='for ns in c["linux"]["namespaces"]:
    if ns["type"] == "network": ns["path"] = '
	config "$join\"$netns_path\"" 'cat /proc/sys/net/ipv4/ip_default_ttl'
	run_ok "a network namespace given by path is joined"
	assert_eq "$RUN_OUT" 77 "... the container sees that namespace (its ip_default_ttl 77)"
	assert_ne "$(cat /proc/sys/net/ipv4/ip_default_ttl)" 77 \
		"the host's value is its own"
	config "$join\"/etc/hostname\"" true
	refused "a path that is not a network namespace" "linux.namespaces: network path /etc/hostname: not a network namespace"
	config "$join\"/nonexistent-netns\"" true
	refused "a network namespace path that does not exist" "linux.namespaces: network path /nonexistent-netns: No such file"
	ip netns delete "hyt-$$"
else
	skip "ip netns is not available here: joining by path untested"
fi
# --- process.oomScoreAdj: init's, inherited by the command and exec'd processes ---
config "c['process']['oomScoreAdj'] = 500" 'cat /proc/self/oom_score_adj; exec sleep 30'
adj=$(tid oomadj)
"$HYBOX" --root "$ROOT" create --bundle "$B" "$adj" </dev/null >"$SCRATCH/adj.out" &&
	hyr start "$adj"
hyr exec "$adj" cat /proc/self/oom_score_adj
assert_eq "$RUN_OUT" 500 "an exec'd process has process.oomScoreAdj 500"
wait_for 5 grep -q . "$SCRATCH/adj.out"
assert_eq "$(cat "$SCRATCH/adj.out")" 500 "so has the command"
hyr delete --force "$adj"
assert_no_leftovers "$adj" "$ROOT"
# Lowering it takes CAP_SYS_RESOURCE (bit 24), which some hosts' root lacks.
config "c['process']['oomScoreAdj'] = -500" 'cat /proc/self/oom_score_adj'
if (($(printf '%d' "0x$(awk '/^CapEff/ {print $2}' /proc/self/status)") >> 24 & 1)); then
	run_ok "a negative oomScoreAdj runs (hybox has CAP_SYS_RESOURCE)"
	assert_eq "$RUN_OUT" -500 "... and applies"
else
	refused "a negative oomScoreAdj without CAP_SYS_RESOURCE" \
		"container setup: set process.oomScoreAdj \(lowering it takes CAP_SYS_RESOURCE\): Permission denied"
fi

# --- a pod: containers join the sandbox container's ipc and uts namespaces ----------
cp "$PROBE" "$B/rootfs/probe"
config "c['domainname'] = 'pod.example'" '/probe domainname'
run_ok "a bundle with a domainname runs"
assert_eq "$RUN_OUT" "pod.example" "uname() inside (emulated) reports config.json's domainname"
pod=$(tid pod)
config "c['hostname'] = 'pod-$$'
c['domainname'] = 'pod.example'
c['linux']['sysctl'] = {'kernel.shmmax': '7654321', 'fs.mqueue.msg_max': '13'}" 'exec sleep 30'
hyr create --bundle "$B" "$pod" </dev/null >/dev/null
assert_rc 0 "the pod's sandbox container is created"
hyr start "$pod"
pod_pid=$(hy --root "$ROOT" state "$pod" >/dev/null; printf '%s' "$RUN_OUT" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
joins="for ns in c['linux']['namespaces']:
    if ns['type'] in ('ipc', 'uts'): ns['path'] = '/proc/$pod_pid/ns/' + ns['type']
del c['hostname']"
config "$joins" 'hostname; /probe domainname; cat /proc/sys/kernel/shmmax /proc/sys/fs/mqueue/msg_max
hostname renamed 2>/dev/null || echo "rename: refused"'
run_ok "a container joins the pod's ipc and uts namespaces by path"
assert_eq "$RUN_OUT" "pod-$$
pod.example
7654321
13
rename: refused" "... it has the pod's host and domain names (none of its own), sees the pod's IPC sysctls, \
and its root (no CAP_SYS_ADMIN) may not rename the shared namespace"
hyr exec "$pod" hostname
assert_eq "$RUN_OUT" "pod-$$" "the pod keeps its hostname"
assert_ne "$(cat /proc/sys/kernel/shmmax)" 7654321 "the host's kernel.shmmax is its own"
app=$(tid app)
config "$joins" 'exec sleep 30'
hyr create --bundle "$B" "$app" </dev/null >/dev/null && hyr start "$app"
hyr exec "$pod" hostname pod2-$$
hyr exec "$app" hostname
assert_eq "$RUN_OUT" "pod2-$$" "a container sees the pod rename itself (uname reads the shared namespace)"
hyr checkpoint --image-path "$SCRATCH/app.img" "$app"
assert_rc 125 "a container that joined namespaces is not checkpointed"
assert_match "$RUN_ERR" "joined namespaces by path \(ipc, uts, in linux.namespaces\)" \
	"... the refusal names the joined namespaces"
hyr delete --force "$app"
assert_no_leftovers "$app" "$ROOT"
config "for ns in c['linux']['namespaces']:
    if ns['type'] == 'ipc': ns['path'] = '/proc/$pod_pid/ns/uts'" true
refused "an ipc path that names a uts namespace" \
	"linux.namespaces: ipc path /proc/$pod_pid/ns/uts: not an ipc namespace"
config "for ns in c['linux']['namespaces']:
    if ns['type'] == 'uts': ns['path'] = '/nonexistent-uts'" true
refused "a uts namespace path that does not exist" \
	"linux.namespaces: uts path /nonexistent-uts: No such file"
hyr delete --force "$pod"
assert_no_leftovers "$pod" "$ROOT"
done_testing
