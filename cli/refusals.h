/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the library refuses, judges or warns about, as sentences: see refusals.c. */
#ifndef VMDEVCTL_REFUSALS_H
#define VMDEVCTL_REFUSALS_H

#include "vmdevctl.h"

/* 0, or the exit code once the refusal (or the failure to check) is said */
int check_bind(struct vmdev_pci *pci, const char *driver, unsigned int flags);
int check_unbind(struct vmdev_pci *pci, unsigned int flags);
int check_remove(struct vmdev_mdev *mdev);

/* Why a member spoils its group (VERDICT, on DRIVER), and what to do:
 * a malloc'd sentence, or NULL when out of memory */
char *member_reason(struct vmdev_group *group, struct vmdev_member *member,
		    enum vmdev_verdict verdict, const char *driver);

/* A group's warnings as sentences (each and the array malloc'd); 0 or a
 * negative errno, with none then. */
int group_warnings(struct vmdev_group *group, char ***sentences, size_t *count);

#endif
