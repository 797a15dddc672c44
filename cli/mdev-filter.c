// SPDX-License-Identifier: GPL-2.0-or-later
/* -p PARENT and -t TYPE of list and types: checked to exist before
 * anything is listed, then matched against each type. */
#include <errno.h>
#include <string.h>

#include "mdevs.h"

int mdev_filter_check(struct vmdev_ctx *ctx, const struct mdev_filter *filter)
{
	struct vmdev_parent *parent = NULL;
	struct vmdev_type *type;
	int r;

	if (filter->parent) {
		r = vmdev_parent_find(ctx, filter->parent, &parent);
		if (r == -ENOENT) {
			fail(0, "no mdev parent '%s' (see vmdevctl parents)", shown(filter->parent));
			return EXIT_NOT_FOUND;
		}
		if (r < 0)
			return fail(r, "cannot read mdev parents");
	}
	if (filter->type) {
		bool found = false;

		vmdev_parent_foreach(ctx, parent) {
			if (filter->parent && strcmp(vmdev_parent_get_name(parent), filter->parent))
				continue;
			if (vmdev_type_find(parent, filter->type, &type) == 0)
				found = true;
		}
		if (!found) {
			fail(0, "no mdev type '%s'%s%s (see vmdevctl types)", shown(filter->type),
			     filter->parent ? " on " : "",
			     filter->parent ? shown(filter->parent) : "");
			return EXIT_NOT_FOUND;
		}
	}
	return 0;
}

bool mdev_filter_match(const struct mdev_filter *filter, struct vmdev_type *type)
{
	struct vmdev_parent *parent = vmdev_type_get_parent(type);

	if (filter->parent && strcmp(vmdev_parent_get_name(parent), filter->parent))
		return false;
	return !filter->type || !strcmp(vmdev_type_get_id(type), filter->type);
}
