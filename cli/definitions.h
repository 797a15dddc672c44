/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What define, undefine, modify, start, autostart and list --defined share. */
#ifndef VMDEVCTL_DEFINITIONS_H
#define VMDEVCTL_DEFINITIONS_H

#include "jsonout.h"
#include "vmdevctl.h"

/* definitions.c: list --defined (PARENT, TYPE, UUID: NULL for any) */
int list_definitions(struct cli *cli, const char *parent, const char *type,
		     const char *uuid);
/* DEF's "attrs": [{"name", "value"}...] as a member of the open object */
void definition_attrs_json(struct jout *j, struct vmdev_definition *def);
/* DEF as the one item of a JSON document, as list --defined shows it */
void definition_json_document(struct vmdev_definition *def);
/* The one definition of UUID (under PARENT, or any): 0, or the exit code
 * once it said why there is none (not found, unreadable, ambiguous) */
int find_definition(struct cli *cli, const char *uuid, const char *parent,
		    struct vmdev_definition **def);

#endif
