/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the library refuses, judges or warns about, as sentences: see refusals.c. */
#ifndef VMDEVCTL_REFUSALS_H
#define VMDEVCTL_REFUSALS_H

#include "vmdevctl.h"

/* 0, or the exit code once the refusal (or the failure to check) is said */
int check_bind(struct vmdev_pci *pci, const char *driver, unsigned int flags);
int check_unbind(struct vmdev_pci *pci, unsigned int flags);
int check_remove(struct vmdev_mdev *mdev);
int check_sriov(struct vmdev_pci *pf, unsigned int numvfs);

/* Why a noiommu group is never viable (groups, check, qemu-args) */
#define NOIOMMU_REASON "no IOMMU isolation: noiommu mode"

/* qemu-args: why ADDRESS (of group GROUP) cannot be assigned, said on
 * stderr; the exit code */
int refuse_qemu_noiommu(const char *address, int group);
int refuse_qemu_no_cdev(const char *address, const struct vmdev_vfio_device *vdev, int r);

/* Why a member spoils its group (VERDICT, on DRIVER), and what to do:
 * a malloc'd sentence, or NULL when out of memory */
char *member_reason(struct vmdev_group *group, struct vmdev_member *member,
		    enum vmdev_verdict verdict, const char *driver);

/* A group's warnings as sentences (each and the array malloc'd); 0 or a
 * negative errno, with none then. */
int group_warnings(struct vmdev_group *group, char ***sentences, size_t *count);

/* definition-words.c: definitions, their starts and their attributes */

/* What is wrong with a definition (file or --jsonfile), as a phrase in BUF:
 * "not JSON at byte 12" */
void definition_problem_text(char *buf, size_t size, enum vmdev_definition_problem problem,
			     int errnum, size_t offset, size_t index);
/* "vmdevctl: PATH: PROBLEM" on stderr for a file that could not be read;
 * the exit code (1) */
int say_definition_error(struct vmdev_definition_error *error);
/* What the kernel's errno means for an attribute write: "the driver
 * rejected the value" */
const char *attr_errno_meaning(int err);
/* Why a start of DEF failed (R, FAILED_ATTR and LEFT as
 * vmdev_definition_start() gave them), a malloc'd phrase in *TEXT (NULL
 * when out of memory); returns the exit code. */
int start_failure_text(struct vmdev_definition *def, int r, size_t failed_attr,
		       struct vmdev_mdev *left, char **text);

#endif
