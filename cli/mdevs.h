/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What list, types and create share: the -p/-t filter, the mdev as JSON. */
#ifndef VMDEVCTL_MDEVS_H
#define VMDEVCTL_MDEVS_H

#include "jsonout.h"
#include "vmdevctl.h"

/* mdev-filter.c: -p PARENT and -t TYPE of list and types */
struct mdev_filter {
	const char *parent, *type; /* NULL: any */
};

/* 0, or the exit code once it said that PARENT or TYPE does not exist */
int mdev_filter_check(struct vmdev_ctx *ctx, const struct mdev_filter *filter);
bool mdev_filter_match(const struct mdev_filter *filter, struct vmdev_type *type);

/* list.c: MDEV as the one item of a JSON document, as list shows it, with
 * DEF's "attrs" after its keys when DEF is not NULL (start) */
void mdev_json_document(struct vmdev_mdev *mdev, struct vmdev_definition *def);

#endif
