// SPDX-License-Identifier: LGPL-2.1-or-later
/* Serializing changes of one PCI device between processes. */
#include <errno.h>
#include <stdio.h>
#include <sys/file.h>
#include <time.h>

#include "action.h"
#include "sysfs.h"

/*
 * Serialize binds and unbinds of one device between processes using
 * libvmdev: an advisory flock(2) on the device's sysfs directory, which
 * every process sees as the same inode. Without it, two binds at once
 * each unbind the host driver, one finds it already gone and "restores"
 * the device away from under the other. Waits at most the context's
 * timeout (-EBUSY after it). *FD is -1 where no lock is needed (dry run)
 * or possible (a file system without flock).
 */
int pci_lock(struct vmdev_pci *pci, int *fd)
{
	char dir[64];
	long long waited_ms = 0;
	int r;

	*fd = -1;
	if (pci->ctx->dry_run)
		return 0;
	r = format_path(dir, sizeof(dir), SYS_PCI_DEVICES "/%s", pci->address);
	if (r < 0)
		return r;
	*fd = sysfs_open_dir(pci->ctx, dir);
	if (*fd < 0) {
		r = *fd;
		*fd = -1;
		return r;
	}
	while (flock(*fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EINTR)
			continue;
		if (errno != EWOULDBLOCK) {
			close(*fd); /* no flock here: go on unserialized */
			*fd = -1;
			return 0;
		}
		if (waited_ms >= pci->ctx->timeout_ms) {
			close(*fd);
			*fd = -1;
			err(pci->ctx, "%s: another process is binding it", pci->address);
			return -EBUSY;
		}
		nanosleep(&(struct timespec){ 0, 10 * 1000000L }, NULL);
		waited_ms += 10;
	}
	return 0;
}
