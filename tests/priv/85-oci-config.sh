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

oci_scratch

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
refused() { oci_refused "$ROOT" "$B" "$@"; }

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

# --- a pod: containers join the sandbox container's ipc, uts and pid namespaces -----
cp "$PROBE" "$B/rootfs/probe"
config "c['domainname'] = 'pod.example'" '/probe domainname'
run_ok "a bundle with a domainname runs"
assert_eq "$RUN_OUT" "pod.example" "uname() inside (emulated) reports config.json's domainname"
pod=$(tid pod)
config "c['hostname'] = 'pod-$$'
c['domainname'] = 'pod.example'
c['linux']['sysctl'] = {'kernel.shmmax': '7654321', 'fs.mqueue.msg_max': '13'}" 'exec sleep 987'
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

# --- the pod shares its pid namespace (Kubernetes shareProcessNamespace) -----------
# The security point: the joining container's /proc must show the pod's
# processes, never the host's. A host process with a marker argument must
# not be seen; the pod's sleep (987) must be.
sleep 1234 &
host_marker=$!
pidjoins="for ns in c['linux']['namespaces']:
    if ns['type'] in ('ipc', 'uts', 'pid'): ns['path'] = '/proc/$pod_pid/ns/' + ns['type']
del c['hostname']"
see='echo "me $$"; readlink /proc/self/ns/pid; tr "\0" " " </proc/1/cmdline; echo
for p in /proc/[0-9]*; do tr "\0" " " <$p/cmdline; echo; done >/tmp/all
grep -c "^sleep 987 $" /tmp/all; grep -c "^sleep 1234 $" /tmp/all; ls -d /proc/[0-9]* | wc -l'
config "$pidjoins" "$see"
run_ok "a container joins the pod's pid, ipc and uts namespaces by path"
pod_ns=$(readlink "/proc/$pod_pid/ns/pid")
pod_init_cmd=$(tr '\0' ' ' <"/proc/$pod_pid/cmdline")
{
	read -r _ me
	read -r ns
	read -r one
	read -r n_pod
	read -r n_host
	read -r n_procs
} <<<"$RUN_OUT"
assert_eq "$ns" "$pod_ns" "... it is in the pod's pid namespace ($pod_ns)"
assert_eq "$one" "${pod_init_cmd% }" "... its /proc/1 is the pod's init"
assert_eq "$n_pod" 1 "... its /proc shows the pod's sleep"
assert_eq "$n_host" 0 "... and not the host's processes (a host sleep $host_marker is invisible)"
assert_match "$n_procs" '^[3-9]$' "... /proc holds the pod's few processes only ($n_procs)"
assert_match "$me" '^([3-9]|[1-9][0-9]+)$' "... its own pid is neither 1 nor 2 ($me)"
kill "$host_marker"
app=$(tid appp)
config "$pidjoins" 'exec sleep 555'
hyr create --bundle "$B" "$app" </dev/null >/dev/null
assert_rc 0 "a container that shares the pod's pid namespace is created"
hyr start "$app"
assert_rc 0 "... and starts"
hyr exec "$app" sh -c 'echo $$; for p in /proc/[0-9]*; do tr "\0" " " <$p/cmdline; echo; done'
assert_rc 0 "hybox exec runs in it"
assert_contains "$RUN_OUT" "sleep 987 " "... the exec'd process sees the pod's sleep"
assert_contains "$RUN_OUT" "sleep 555 " "... and the container's own"
hyr exec "$pod" sh -c 'for p in /proc/[0-9]*; do tr "\0" " " <$p/cmdline; echo; done'
assert_contains "$RUN_OUT" "sleep 555 " "the pod sees the container's sleep"
hyr exec "$app" sh -c 'kill -0 1 && echo signalled; kill -0 '"$$"' 2>/dev/null || echo "host: none"'
assert_eq "$RUN_OUT" "signalled
host: none" "it can signal the pod's pid 1, and cannot name a host pid ($$)"
app_init=$(hy --root "$ROOT" state "$app" >/dev/null; printf '%s' "$RUN_OUT" |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
hyr exec "$app" dd if=/proc/loadavg bs=100 status=none
last=${RUN_OUT##* }
assert_match "$last" '^[0-9]{1,2}$' "kernel-emu's /proc/loadavg gives a pid of the pod's namespace ($last), \
not its init's host pid ($app_init)"
hyr ps "$app"
assert_contains "$RUN_OUT" "sleep 555" "hybox ps lists its command"
assert_match "$RUN_OUT" "(^|
)$app_init +0 " "... and its init, outside the namespace (CPID 0)"
assert_not_contains "$RUN_OUT" "sleep 987" "... and not the pod's"
hyr checkpoint --image-path "$SCRATCH/appp.img" "$app"
assert_rc 125 "a container that joined the pod's pid namespace is not checkpointed"
assert_match "$RUN_ERR" "joined namespaces by path \(ipc, uts, pid, in linux.namespaces\)" \
	"... the refusal names the pid namespace"
hyr exec "$app" sh -c 'sleep 1001 & echo started'
hyr exec "$pod" sh -c 'for p in /proc/[0-9]*; do
	[ "$(tr "\0" " " <$p/cmdline)" = "sleep 1001 " ] && grep PPid $p/status; done'
assert_match "$RUN_OUT" '^PPid:[[:space:]]+1$' "the container's orphan goes to the pod's init"
hyr kill "$app" KILL
wait_for 5 sh -c "'$HYBOX' --root '$ROOT' state '$app' | grep -q '\"stopped\"'"
hyr delete "$app"
assert_rc 0 "the killed container is deleted"
assert_no_leftovers "$app" "$ROOT"
hyr exec "$pod" sh -c 'for p in /proc/[0-9]*; do tr "\0" " " <$p/cmdline; echo; done'
assert_not_contains "$RUN_OUT" "sleep 1001" "... its orphan went with its cgroup"
assert_contains "$RUN_OUT" "sleep 987 " "... and the pod lives on"
config "for ns in c['linux']['namespaces']:
    if ns['type'] == 'pid': ns['path'] = '/proc/self/ns/pid'" true
refused "the host's pid namespace by path" \
	"linux.namespaces: pid path /proc/self/ns/pid: the host's pid namespace"
config "for ns in c['linux']['namespaces']:
    if ns['type'] == 'mount': ns['path'] = '/proc/$pod_pid/ns/mnt'" true
refused "a mount namespace path" \
	"linux.namespaces\[4\].path: joining an existing mount namespace is refused"
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
