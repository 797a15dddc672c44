/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers every layer of the library uses; no library types here. */
#ifndef LIBVMDEV_UTIL_H
#define LIBVMDEV_UTIL_H

#include <stdlib.h>
#include <unistd.h>

#define VMDEV_EXPORT __attribute__((visibility("default")))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _must_check_ __attribute__((warn_unused_result))

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void freep(void *p)
{
	free(*(void **)p);
}

#endif
