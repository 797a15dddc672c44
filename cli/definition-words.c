// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the library says about definitions, as sentences for people: what is
 * wrong with a file, why a start failed, and what the kernel's errno means
 * for a vendor attribute. The sibling of refusals.c: the library gives
 * facts (enum vmdev_definition_problem, an errno, an attribute's index);
 * this is the one place that words them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refusals.h"

void definition_problem_text(char *buf, size_t size, enum vmdev_definition_problem problem,
			     int errnum, size_t offset, size_t index)
{
	switch (problem) {
	case VMDEV_DEFINITION_UNREADABLE:
		snprintf(buf, size, "cannot be read: %s", strerror(errnum));
		break;
	case VMDEV_DEFINITION_NOT_REGULAR:
		snprintf(buf, size, "not a regular file (a link, a directory or a device)");
		break;
	case VMDEV_DEFINITION_TOO_BIG:
		snprintf(buf, size, "over %d bytes, too big for a definition",
			 VMDEV_DEFINITION_MAX_SIZE);
		break;
	case VMDEV_DEFINITION_NOT_UTF8:
		snprintf(buf, size, "not UTF-8 at byte %zu", offset);
		break;
	case VMDEV_DEFINITION_SYNTAX:
		snprintf(buf, size, "not JSON at byte %zu", offset);
		break;
	case VMDEV_DEFINITION_NOT_OBJECT:
		snprintf(buf, size, "JSON, but not an object");
		break;
	case VMDEV_DEFINITION_DUPLICATE_KEY:
		snprintf(buf, size, "a key given twice at byte %zu", offset);
		break;
	case VMDEV_DEFINITION_NO_TYPE:
		snprintf(buf, size, "no \"mdev_type\"");
		break;
	case VMDEV_DEFINITION_BAD_TYPE:
		snprintf(buf, size, "\"mdev_type\" is not a type name");
		break;
	case VMDEV_DEFINITION_NO_START:
		snprintf(buf, size, "no \"start\"");
		break;
	case VMDEV_DEFINITION_BAD_START:
		snprintf(buf, size, "\"start\" is neither \"auto\" nor \"manual\"");
		break;
	case VMDEV_DEFINITION_BAD_ATTRS:
		snprintf(buf, size, "\"attrs\" is neither an array nor null");
		break;
	case VMDEV_DEFINITION_BAD_ATTR:
		snprintf(buf, size, "\"attrs\"[%zu] is not an object with one string", index);
		break;
	case VMDEV_DEFINITION_BAD_ATTR_NAME:
		snprintf(buf, size, "\"attrs\"[%zu] has a name that is no attribute name (a '/', '.' or '..')",
			 index);
		break;
	case VMDEV_DEFINITION_BAD_ATTR_VALUE:
		snprintf(buf, size, "\"attrs\"[%zu] has a value of more than one line", index);
		break;
	default:
		snprintf(buf, size, "not a definition (%s)", strerror(errnum));
	}
}

int say_definition_error(struct vmdev_definition_error *error)
{
	char why[256];

	definition_problem_text(why, sizeof(why), vmdev_definition_error_get_problem(error),
				vmdev_definition_error_get_errno(error),
				vmdev_definition_error_get_offset(error),
				vmdev_definition_error_get_index(error));
	return fail_code(EXIT_FAILED, "%s: %s", shown(vmdev_definition_error_get_path(error)),
			 why);
}

const char *attr_errno_meaning(int err)
{
	switch (err < 0 ? -err : err) {
	case EINVAL:
		return "the driver rejected the value";
	case EBUSY:
		return "another device holds it";
	case ENODEV:
		return "no such resource (out of range)";
	case EADDRNOTAVAIL:
		return "the resource is reserved / not available";
	case ENOENT:
		return "the mdev has no such attribute";
	case EACCES:
	case EPERM:
		return "the attribute is not writable (permission denied)";
	case E2BIG:
		return "the value is too long for a sysfs attribute";
	default:
		return strerror(err < 0 ? -err : err);
	}
}

/* "P/T" where an mdev with the definition's UUID runs, or NULL */
static void running_as(struct vmdev_definition *def, char *buf, size_t size)
{
	struct vmdev_mdev *mdev;
	struct vmdev_type *type;

	*buf = '\0';
	if (vmdev_mdev_find(vmdev_definition_get_ctx(def), vmdev_definition_get_uuid(def),
			    &mdev) < 0)
		return;
	type = vmdev_mdev_get_type(mdev);
	snprintf(buf, size, "%s/%s", vmdev_parent_get_name(vmdev_type_get_parent(type)),
		 vmdev_type_get_id(type));
}

int start_failure_text(struct vmdev_definition *def, int r, size_t failed_attr,
		       struct vmdev_mdev *left, char **text)
{
	const char *uuid = vmdev_definition_get_uuid(def);
	const char *parent = vmdev_definition_get_parent(def);
	const char *type = vmdev_definition_get_type(def);
	unsigned int ms = vmdev_get_timeout_ms(vmdev_definition_get_ctx(def));
	char where[512];
	int code = exit_code_for(r), n;

	*text = NULL;
	if (failed_attr != SIZE_MAX) {
		n = asprintf(text, "writing attribute %s=%s (%zu of %zu) failed: %s (%s); %s",
			     shown(vmdev_definition_get_attr_name(def, failed_attr)),
			     shown(vmdev_definition_get_attr_value(def, failed_attr)),
			     failed_attr + 1, vmdev_definition_get_attr_count(def),
			     attr_errno_meaning(r), strerror(-r),
			     left ? "removing the mdev failed too: it is left half made (vmdevctl stop -u UUID)"
				  : "the mdev was removed again");
		code = EXIT_FAILED;
		goto out;
	}
	switch (r) {
	case -EALREADY:
		n = asprintf(text, "it is already active on %s/%s", parent, type);
		code = EXIT_BUSY;
		break;
	case -ENODEV:
		n = asprintf(text, "no mdev parent '%s' (it may appear later; see vmdevctl parents)",
			     shown(parent));
		code = EXIT_NOT_FOUND;
		break;
	case -ENOENT:
		n = asprintf(text, "no mdev type '%s' on %s (see vmdevctl types -p %s)", shown(type),
			     shown(parent), shown(parent));
		code = EXIT_NOT_FOUND;
		break;
	case -EEXIST:
		running_as(def, where, sizeof(where));
		n = asprintf(text, "an mdev with that UUID runs %s%s (vmdevctl list -u %s)",
			     *where ? "as " : "elsewhere", where, uuid);
		code = EXIT_BUSY;
		break;
	case -ENOSPC:
		n = asprintf(text, "no available instances of %s/%s (remove one first)", parent, type);
		code = EXIT_BUSY;
		break;
	case -ECANCELED: {
		char *refusal = callout_refusal_text(vmdev_definition_get_ctx(def), "start", uuid);

		n = asprintf(text, "%s", refusal ? refusal : strerror(-r));
		free(refusal);
		code = EXIT_FAILED;
		break;
	}
	case -ETIMEDOUT:
		n = asprintf(text, "not ready after %u ms; nothing of it is left (raise --timeout?)", ms);
		code = EXIT_FAILED;
		break;
	case -ENOTRECOVERABLE:
		n = asprintf(text, "not ready after %u ms, and removing it failed: it is left at /sys/bus/mdev/devices/%s",
			     ms, uuid);
		code = EXIT_FAILED;
		break;
	default:
		n = asprintf(text, "%s", strerror(-r));
	}
out:
	if (n < 0)
		*text = NULL;
	return code;
}
