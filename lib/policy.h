/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Policy: what a bind, an unbind or a remove must refuse, and what a
 * group's verdict does not show (warnings), as structured results built
 * from the model's facts. No sentences: the caller words them.
 */
#ifndef LIBVMDEV_POLICY_H
#define LIBVMDEV_POLICY_H

#include "model.h"

struct vmdev_refusal {
	enum vmdev_refusal_kind kind;
	unsigned int header_type;         /* HEADER_TYPE */
	unsigned int numvfs;              /* SRIOV_PF */
	struct host_use use;              /* IN_USE */
	int group;                        /* HELD: the group held, or -1 */
	char mdev[VMDEV_UUID_LEN];        /* HELD through this mdev, or "" */
	char vf[VMDEV_PCI_ADDR_LEN];      /* HELD, IN_USE: the VF an SR-IOV change would take, or "" */
	struct vmdev_holder *holders;     /* HELD */
	size_t n_holders;
};

/* -EBUSY or -ENOTSUP for a refusal, 0 for none */
int refusal_errno(const struct vmdev_refusal *refusal);

#endif
