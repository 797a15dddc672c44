/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A group's verdict as groups, check and bind --group show it. */
#ifndef VMDEVCTL_GROUPS_H
#define VMDEVCTL_GROUPS_H

#include "jsonout.h"
#include "vmdevctl.h"

struct member_record {
	const char *kind, *address;
	char *driver; /* NULL: none */
	bool ok;
	char *reason; /* why not ok, and what to do; NULL when ok */
};

struct group_record {
	unsigned int number;
	bool viable, vfio_node_present;
	bool noiommu; /* /dev/vfio/noiommu-N: never viable */
	const char *vfio_node;
	struct vmdev_holder *holders;
	size_t n_holders;
	struct member_record *members;
	size_t n_members;
	char **warnings;
	size_t n_warnings;
};

/* 0, or a negative errno when its members cannot be read (vanished:
 * -ENOENT; not ours to read: -EACCES) */
int group_record_read(struct vmdev_group *group, struct group_record *rec);
void group_record_free(struct group_record *rec);
void group_record_json(struct jout *j, const struct group_record *rec);
void group_record_text(const struct group_record *rec);

#endif
