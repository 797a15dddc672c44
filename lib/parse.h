/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Pure parsers: text in, values out; no context, no I/O. */
#ifndef LIBVMDEV_PARSE_H
#define LIBVMDEV_PARSE_H

#include <sys/types.h>

#include "libvmdev.h"

/* a sysfs hex attribute, "0x8086" or "8086" */
int parse_hex_attr(const char *text, unsigned int *value);
/* a UUID from a directory entry: fast when it is lower case already */
int parse_uuid_name(const char *name, char out[VMDEV_UUID_LEN]);
/* the UUID given, normalised, or a new random one for NULL */
int parse_uuid_or_new(const char *uuid, char out[VMDEV_UUID_LEN]);
/* a device number as sysfs "dev" files give it, "MAJOR:MINOR" */
int parse_devnum(const char *text, dev_t *dev);
/* VMDEV_LOG's forms; -EINVAL for anything else */
int parse_log_priority(const char *text, int *priority);

#endif
