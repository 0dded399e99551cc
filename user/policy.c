// SPDX-License-Identifier: GPL-2.0-only
/*
 * Policy parsing. Sections understood here: "mode" (enforce|audit) and
 * "syscalls" ({"deny": [names], "allow": [names]}). Object-level sections
 * (files, exec, network, process) are refused with a clear error rather
 * than accepted and ignored: a sandbox must never pretend to enforce.
 */
#include "policy.h"

#include <errno.h>
#include <jansson.h>
#include <string.h>

static const char *const refused_sections[] = { "files", "exec", "network", "process", "events" };

static int load_names(const char *file, json_t *arr, const char *field, enum emu_override o,
		      struct emu_syscall_policy *p, struct hy_err *err)
{
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return hy_err_set(err, -EINVAL, "%s: syscalls.%s: expected an array of syscall names",
				  file, field);
	size_t i;
	json_t *v;
	json_array_foreach (arr, i, v) {
		if (!json_is_string(v))
			return hy_err_set(err, -EINVAL, "%s: syscalls.%s[%zu]: expected a string",
					  file, field, i);
		const char *name = json_string_value(v);
		int r = emu_syscall_policy_set(p, name, o);
		if (r == -ENOENT)
			return hy_err_set(err, r, "%s: syscalls.%s[%zu]: '%s' is not a syscall", file,
					  field, i, name);
		if (r == -EPERM)
			return hy_err_set(err, r,
					  "%s: syscalls.%s[%zu]: '%s' is locked by the syscall table "
					  "and cannot be allowed",
					  file, field, i, name);
		if (r < 0)
			return hy_err_set(err, r, "%s: syscalls.%s[%zu]: invalid", file, field, i);
	}
	return 0;
}

static int load_syscalls(const char *file, json_t *sc, struct emu_syscall_policy *p,
			 struct hy_err *err)
{
	if (!json_is_object(sc))
		return hy_err_set(err, -EINVAL, "%s: syscalls: expected an object", file);
	const char *key;
	json_t *v;
	json_object_foreach (sc, key, v)
		if (strcmp(key, "deny") && strcmp(key, "allow"))
			return hy_err_set(err, -EINVAL,
					  "%s: syscalls.%s: unknown field (expected 'deny' or 'allow')",
					  file, key);
	int r = load_names(file, json_object_get(sc, "allow"), "allow", EMU_OVR_ALLOW, p, err);
	if (r == 0) /* deny wins over allow for a name in both lists */
		r = load_names(file, json_object_get(sc, "deny"), "deny", EMU_OVR_DENY, p, err);
	return r;
}

static int load_root(const char *file, json_t *root, struct emu_syscall_policy *p,
		     struct hy_err *err)
{
	if (!json_is_object(root))
		return hy_err_set(err, -EINVAL, "%s: expected a JSON object at the top level", file);
	const char *key;
	json_t *v;
	json_object_foreach (root, key, v) {
		for (size_t i = 0; i < sizeof(refused_sections) / sizeof(*refused_sections); i++)
			if (strcmp(key, refused_sections[i]) == 0)
				return hy_err_set(err, -EOPNOTSUPP,
						  "%s: section '%s' is not supported by this hybox "
						  "version (supported: mode, syscalls)",
						  file, key);
		if (strcmp(key, "mode") && strcmp(key, "syscalls"))
			return hy_err_set(err, -EINVAL,
					  "%s: unknown section '%s' (expected mode, syscalls)", file,
					  key);
	}
	json_t *mode = json_object_get(root, "mode");
	if (mode) {
		const char *m = json_string_value(mode);
		if (!m || (strcmp(m, "enforce") && strcmp(m, "audit")))
			return hy_err_set(err, -EINVAL,
					  "%s: mode: expected \"enforce\" or \"audit\"", file);
		p->audit = strcmp(m, "audit") == 0;
	}
	json_t *sc = json_object_get(root, "syscalls");
	return sc ? load_syscalls(file, sc, p, err) : 0;
}

static int finish(const char *name, json_t *root, const json_error_t *jerr,
		  struct emu_syscall_policy *p, struct hy_err *err)
{
	memset(p, 0, sizeof(*p));
	if (!root)
		return hy_err_set(err, -EINVAL, "%s:%d:%d: %s", name, jerr->line, jerr->column,
				  jerr->text);
	int r = load_root(name, root, p, err);
	json_decref(root);
	if (r < 0)
		memset(p, 0, sizeof(*p));
	return r;
}

int hy_policy_parse(const char *name, const char *text, struct emu_syscall_policy *p,
		    struct hy_err *err)
{
	json_error_t jerr;
	json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	return finish(name, root, &jerr, p, err);
}

int hy_policy_load(const char *path, struct emu_syscall_policy *p, struct hy_err *err)
{
	memset(p, 0, sizeof(*p));
	if (!path)
		return 0;
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root && jerr.line <= 0)
		return hy_err_set(err, -ENOENT, "%s: %s", path, jerr.text);
	return finish(path, root, &jerr, p, err);
}
