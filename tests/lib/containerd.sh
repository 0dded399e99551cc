# SPDX-License-Identifier: GPL-2.0-only
# A private containerd for tests and benchmarks (sourced by libtest.sh and
# scripts/bench.sh): its config and its teardown.

# containerd_config DIR SOCK: the start of a private containerd's config.toml
# (version 2): its root, state and opt directories under DIR, gRPC on SOCK.
containerd_config() {
	cat <<EOF
version = 2
root = "$1/root"
state = "$1/state"
[grpc]
  address = "$2"
[ttrpc]
  address = "$2.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$1/opt"
EOF
}

# containerd_cri_config DIR SOCK PAUSE HYBOX CNI_DIR: containerd_config plus
# the CRI plugin with PAUSE as the sandbox image, runc as the default
# runtime and HYBOX as the runtime handler "hybox" (what a RuntimeClass
# names; its state under DIR/hybox, org.hybox.* annotations passed on), CNI
# plugins from Debian's /usr/lib/cni with their configuration in CNI_DIR.
containerd_cri_config() {
	containerd_config "$1" "$2"
	cat <<EOF
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$3"
  # processes here may lack CAP_SYS_RESOURCE: no oom_score_adj below containerd's own
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$5"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hybox]
    runtime_type = "io.containerd.runc.v2"
    pod_annotations = ["org.hybox.*"]
    container_annotations = ["org.hybox.*"]
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hybox.options]
      BinaryName = "$4"
      Root = "$1/hybox"
EOF
}

# containerd_teardown PID SOCK DIR: stop a private containerd (job PID, may
# be empty; SIGKILL after 10 s), kill its shims (found by SOCK in their
# command line) and unmount whatever is still mounted under DIR.
containerd_teardown() {
	local pid m i
	if [ -n "$1" ]; then
		kill -TERM "$1" 2>/dev/null
		for i in $(seq 100); do
			kill -0 "$1" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$1" 2>/dev/null
	fi
	for pid in $(pgrep -f -- "-address $2"); do
		kill -KILL "$pid" 2>/dev/null
	done
	awk -v d="$3/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
}
