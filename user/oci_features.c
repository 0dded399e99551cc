// SPDX-License-Identifier: GPL-2.0-only
/*
 * runc's `features` document (runtime-spec features.md, runc 1.1+) for
 * hybox's OCI side: what a config.json may ask for, not what the host
 * offers (that is `hybox features`). The lists come from the parser's own
 * tables (oci_linux.c, oci_mounts.c, oci_config.c), so the document says
 * exactly what `create` accepts. Pure, unprivileged.
 */
#include "oci_config.h"
#include "oci_parse.h"

/* Oldest runtime-spec version whose configs hybox reads (any 1.x is accepted). */
#define OCI_VERSION_MIN "1.0.0"

static json_t *names(void (*fill)(json_t *a))
{
	json_t *a = json_array();
	fill(a);
	return a;
}

/*
 * seccomp: linux.seccomp profiles are taken (stacked on hybox's own filter,
 * oci_seccomp.c), with the actions and operators listed. AppArmor and
 * SELinux are "enabled": false because a config cannot use them
 * (apparmorProfile and the labels are refused). cgroup v2 only,
 * managed by hybox itself, never through systemd.
 */
static json_t *linux_features(void)
{
	json_t *seccomp = json_pack("{s:b,s:[],s:[]}", "enabled", 1, "knownFlags",
				    "supportedFlags");
	oci_seccomp_json(seccomp);
	return json_pack("{s:o,s:o,s:{s:b,s:b,s:b,s:b},s:o,s:{s:b},s:{s:b}}", "namespaces",
			 names(oci_namespaces_json), "capabilities", names(oci_caps_json), "cgroup",
			 "v1", 0, "v2", 1, "systemd", 0, "systemdUser", 0, "seccomp", seccomp,
			 "apparmor", "enabled", 0, "selinux", "enabled", 0);
}

json_t *hy_oci_features(void)
{
	return json_pack("{s:s,s:s,s:[],s:o,s:o,s:{s:s,s:s}}", "ociVersionMin", OCI_VERSION_MIN,
			 "ociVersionMax", HY_OCI_VERSION, "hooks", "mountOptions",
			 names(oci_mount_options_json), "linux", linux_features(), "annotations",
			 "org.hybox.version", HYBOX_VERSION, "org.hybox.configAnnotations",
			 HY_OCI_ANN_POLICY "," HY_OCI_ANN_EVENTS);
}
