/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small helpers that build fake sysfs/proc/dev trees under a temporary
 * root for the unit tests. Every PATH is relative to ROOT ("sys/bus/...");
 * parent directories are created as needed. Each function returns 0 or a
 * negative errno, so tests can assert_int_equal(..., 0).
 */
#ifndef VMDEV_TESTS_TREE_H
#define VMDEV_TESTS_TREE_H

#include <stdbool.h>
#include <stddef.h>

/* mkdtemp() a new root; returns a malloc'd path, or NULL. */
char *tree_new(void);
/* rm -rf ROOT (does not follow links) and free nothing. */
int tree_remove(const char *root);

int tree_mkdir(const char *root, const char *path);
int tree_write(const char *root, const char *path, const char *content);
int tree_write_bytes(const char *root, const char *path, const void *data,
		     size_t size);
/* Create (or replace) the symlink PATH -> TARGET. */
int tree_symlink(const char *root, const char *path, const char *target);
/* Remove a file, a link, or (recursively) a directory. */
int tree_unlink(const char *root, const char *path);
/* Whether PATH exists after following every link (stat succeeds). */
bool tree_resolves(const char *root, const char *path);

/*
 * A PCI device as the kernel shows it: sys/devices/pci0000:00/ADDR with
 * vendor, device, subsystem_vendor, subsystem_device, class, revision;
 * sys/bus/pci/devices/ADDR -> ../../../devices/pci0000:00/ADDR; DRIVER
 * (NULL: unbound) as driver -> ../../../bus/pci/drivers/DRIVER; GROUP (< 0:
 * none) as iommu_group -> ../../../kernel/iommu_groups/GROUP plus
 * sys/kernel/iommu_groups/GROUP/devices/ADDR -> ../../../../devices/pci0000:00/ADDR.
 */
int tree_add_pci(const char *root, const char *addr, unsigned int class_code,
		 const char *driver, int group);
/* Point ADDR's driver link at DRIVER, or remove it for NULL. */
int tree_set_pci_driver(const char *root, const char *addr, const char *driver);

#endif
