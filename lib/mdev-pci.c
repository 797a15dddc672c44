// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vfio-mdev-pci: the sample driver of the 2019 "vfio_pci: wrap pci device
 * as a mediated device" series (never merged; the IOMMU-backed mdev it
 * relied on has left the kernel since). It wraps a whole PCI device as one
 * mdev, so we support it exactly as its thread describes it:
 *  - it has no id table: a device is bound through new_id;
 *  - one type per device, "vfio-mdev-pci-" + "%04x:%04x:%04x:%04x:%06x:%02x"
 *    (vendor, device, subvendor, subdevice, class, revision) after Alex
 *    Williamson's fix; the original had one "vfio-mdev-pci-type1" for every
 *    device, whose name attribute is "ADDRESS-type1";
 *  - one instance; the original's available_instances always said 1;
 *  - its mdevs are IOMMU-backed: the parent must be alone in its IOMMU
 *    group, and each mdev gets a group of its own, which hides a physical
 *    group split between vfio-pci and vfio-mdev-pci.
 */
#include <errno.h>
#include <fcntl.h>
#include <libkmod.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "private.h"

#define MDEV_PCI_PREFIX VMDEV_MDEV_PCI_DRIVER "-"
#define MDEV_PCI_TYPE1 MDEV_PCI_PREFIX "type1"
#define PCI_HEADER_TYPE_OFFSET 0x0e

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* the kernel prints %x: upper case is not its form */
}

/* Exactly WIDTH lower-case hex digits at *P, advancing it. */
static bool take_hex(const char **p, int width, unsigned int *value)
{
	unsigned int v = 0;

	for (int i = 0; i < width; i++) {
		int d = hex_digit((*p)[i]);

		if (d < 0)
			return false;
		v = v << 4 | (unsigned int)d;
	}
	*p += width;
	*value = v;
	return true;
}

/**
 * vmdev_parse_mdev_pci_type - decode a vfio-mdev-pci type
 * @id: the type's directory name ("vfio-mdev-pci-8086:10d3:8086:0000:020000:00")
 * @name: the type's name attribute, or NULL (only the original form has one)
 * @ids: if not NULL, receives the ids of the new form
 * @address: if not NULL, receives the normalised address of the old form
 *
 * The new form is exactly "vfio-mdev-pci-" followed by the kernel's
 * "%04x:%04x:%04x:%04x:%06x:%02x" (lower-case hex, fixed widths, nothing
 * after). The old form is the directory "vfio-mdev-pci-type1" with a name
 * "ADDRESS-type1". No context needed.
 *
 * Returns VMDEV_MDEV_PCI_FORM_IDS or VMDEV_MDEV_PCI_FORM_ADDRESS, or
 * -EINVAL when @id (with @name) is neither.
 */
VMDEV_EXPORT int vmdev_parse_mdev_pci_type(const char *id, const char *name,
					   struct vmdev_pci_ids *ids,
					   char address[VMDEV_PCI_ADDR_LEN])
{
	static const int widths[] = { 4, 4, 4, 4, 6, 2 };
	unsigned int v[6];
	const char *p;

	if (!id || strncmp(id, MDEV_PCI_PREFIX, strlen(MDEV_PCI_PREFIX)) != 0)
		return -EINVAL;
	if (strcmp(id, MDEV_PCI_TYPE1) == 0) {
		char text[64];
		size_t len;

		if (!name)
			return -EINVAL;
		len = strcspn(name, "\n");
		if (len <= 6 || len >= sizeof(text) || strncmp(name + len - 6, "-type1", 6))
			return -EINVAL;
		memcpy(text, name, len - 6);
		text[len - 6] = '\0';
		if (address)
			return vmdev_parse_pci_address(text, address) < 0
				       ? -EINVAL : VMDEV_MDEV_PCI_FORM_ADDRESS;
		else {
			char scratch[VMDEV_PCI_ADDR_LEN];

			return vmdev_parse_pci_address(text, scratch) < 0
				       ? -EINVAL : VMDEV_MDEV_PCI_FORM_ADDRESS;
		}
	}
	p = id + strlen(MDEV_PCI_PREFIX);
	for (int i = 0; i < 6; i++) {
		if (i > 0 && *p++ != ':')
			return -EINVAL;
		if (!take_hex(&p, widths[i], &v[i]))
			return -EINVAL;
	}
	if (*p)
		return -EINVAL;
	if (ids)
		*ids = (struct vmdev_pci_ids){ v[0], v[1], v[2], v[3], v[4], v[5] };
	return VMDEV_MDEV_PCI_FORM_IDS;
}

/**
 * vmdev_driver_has_id_table - whether a PCI driver matches devices by itself
 * @ctx: the context
 * @driver: the driver ("vfio-mdev-pci")
 * @has_id_table: receives false for a vfio driver without an id table,
 *                which binds only through new_id (vfio-mdev-pci)
 *
 * Asks libkmod: a module whose aliases include no "pci:" alias (nor
 * vfio-pci's "vfio_pci:" driver_override table) has no id table. Where
 * kmod does not know the module (a recorded tree), the driver is known by
 * its name: vfio-mdev-pci has none. Drivers that are not vfio drivers
 * (pci-stub) are always bound through driver_override and so count as
 * having one.
 *
 * Returns 0, or -EINVAL for a bad name.
 */
VMDEV_EXPORT int vmdev_driver_has_id_table(struct vmdev_ctx *ctx, const char *driver,
					   bool *has_id_table)
{
	struct kmod_module *module;
	int r;

	if (!ctx || !has_id_table)
		return -EINVAL;
	r = vmdev_check_name(driver);
	if (r < 0)
		return r;
	*has_id_table = true;
	if (!strstr(driver, "vfio"))
		return 0;
	if (driver_module(ctx, driver, &module) == 0) {
		struct kmod_list *info = NULL, *l;
		bool pci_alias = false;

		r = kmod_module_get_info(module, &info);
		kmod_list_foreach(l, info) {
			const char *key = kmod_module_info_get_key(l);
			const char *value = kmod_module_info_get_value(l);

			if (key && value && strcmp(key, "alias") == 0 &&
			    (strncmp(value, "pci:", 4) == 0 || strncmp(value, "vfio_pci:", 9) == 0))
				pci_alias = true;
		}
		kmod_module_info_free_list(info);
		kmod_module_unref(module);
		if (r > 0) {
			*has_id_table = pci_alias;
			return 0;
		}
	}
	*has_id_table = strcmp(driver, VMDEV_MDEV_PCI_DRIVER) != 0;
	return 0;
}

/**
 * vmdev_type_is_mdev_pci - whether @type is offered by vfio-mdev-pci (by
 * its directory name, which the mdev core prefixes with the driver's name)
 */
VMDEV_EXPORT bool vmdev_type_is_mdev_pci(struct vmdev_type *type)
{
	return type && strncmp(type->id, MDEV_PCI_PREFIX, strlen(MDEV_PCI_PREFIX)) == 0;
}

/**
 * vmdev_type_get_pci_ids - the PCI ids a vfio-mdev-pci type name carries
 * @type: the type
 * @ids: receives them
 *
 * Returns 0, or -ENOENT when the type's name carries no ids (another
 * driver's type, the original "vfio-mdev-pci-type1", a malformed name).
 */
VMDEV_EXPORT int vmdev_type_get_pci_ids(struct vmdev_type *type, struct vmdev_pci_ids *ids)
{
	if (!type || !ids)
		return -EINVAL;
	return vmdev_parse_mdev_pci_type(type->id, NULL, ids, NULL) == VMDEV_MDEV_PCI_FORM_IDS
		       ? 0 : -ENOENT;
}

/**
 * vmdev_type_get_pci_address - the PCI address the original vfio-mdev-pci
 * type carries in its name attribute ("0000:02:02.0-type1")
 * @type: the type
 * @address: receives the address, normalised
 *
 * Returns 0, or -ENOENT when the type carries none.
 */
VMDEV_EXPORT int vmdev_type_get_pci_address(struct vmdev_type *type,
					    char address[VMDEV_PCI_ADDR_LEN])
{
	if (!type || !address)
		return -EINVAL;
	if (strcmp(type->id, MDEV_PCI_TYPE1) != 0)
		return -ENOENT;
	return vmdev_parse_mdev_pci_type(type->id, vmdev_type_get_name(type), NULL, address) ==
			       VMDEV_MDEV_PCI_FORM_ADDRESS
		       ? 0 : -ENOENT;
}

static void pci_ids_of(struct vmdev_pci *pci, struct vmdev_pci_ids *ids)
{
	*ids = (struct vmdev_pci_ids){ pci->vendor, pci->device, pci->subsystem_vendor,
				       pci->subsystem_device, pci->class_code, pci->revision };
}

/**
 * vmdev_type_pci_ids_match - whether the ids a type's name carries are its
 * parent PCI device's
 * @type: the type
 * @match: receives the answer
 *
 * Returns 0, or -ENOENT when they cannot be compared (the name carries no
 * ids, or the parent is not a PCI device).
 */
VMDEV_EXPORT int vmdev_type_pci_ids_match(struct vmdev_type *type, bool *match)
{
	struct vmdev_pci_ids ids, own;
	struct vmdev_pci *pci;

	if (!type || !match)
		return -EINVAL;
	if (vmdev_type_get_pci_ids(type, &ids) < 0)
		return -ENOENT;
	pci = vmdev_parent_get_pci(type->parent);
	if (!pci)
		return -ENOENT;
	pci_ids_of(pci, &own);
	*match = memcmp(&ids, &own, sizeof(ids)) == 0;
	return 0;
}

static int ids_key(const struct vmdev_pci_ids *ids, char **key)
{
	return asprintf(key, "%04x:%04x:%04x:%04x:%06x:%02x", ids->vendor, ids->device,
			ids->subsystem_vendor, ids->subsystem_device, ids->class_code,
			ids->revision) < 0 ? -ENOMEM : 0;
}

/**
 * vmdev_type_get_compatibility_key - a key equal for two types iff their
 * mdevs are software (and migration) compatible
 * @type: the type
 * @key: receives a new string the caller frees
 *
 * For vfio-mdev-pci, the ids the type name carries
 * ("8086:10d3:8086:0000:020000:00"); for its original "vfio-mdev-pci-type1",
 * which every wrapped device shared, the ids of the device its name
 * attribute names (or, when that device is unknown, the type qualified by
 * that address, equal to no other). For every other driver the type's
 * directory name qualified by its device_api ("vfio-pci/mtty-2"; "unknown/"
 * without one).
 *
 * Returns 0 or -ENOMEM.
 */
VMDEV_EXPORT int vmdev_type_get_compatibility_key(struct vmdev_type *type, char **key)
{
	char address[VMDEV_PCI_ADDR_LEN];
	const char *api;
	struct vmdev_pci_ids ids;
	struct vmdev_pci *pci;

	if (!type || !key)
		return -EINVAL;
	*key = NULL;
	if (vmdev_type_get_pci_ids(type, &ids) == 0)
		return ids_key(&ids, key);
	api = vmdev_type_get_device_api(type);
	if (!api)
		api = "unknown";
	if (vmdev_type_get_pci_address(type, address) == 0) {
		if (vmdev_pci_find(type->parent->ctx, address, &pci) == 0) {
			pci_ids_of(pci, &ids);
			return ids_key(&ids, key);
		}
		return asprintf(key, "%s/%s/%s", api, type->id, address) < 0 ? -ENOMEM : 0;
	}
	return asprintf(key, "%s/%s", api, type->id) < 0 ? -ENOMEM : 0;
}

/* The number of mdevs of @type now: its devices/ directory, read live. */
static int type_count_mdevs(struct vmdev_type *type, unsigned int *count)
{
	char path[PATH_MAX], **names;
	size_t n;
	int r;

	*count = 0;
	r = format_path(path, sizeof(path), "mdev_supported_types/%s/devices", type->id);
	if (r < 0)
		return r;
	r = sysfs_list_dir_at(type->parent->fd, path, cmp_names, &names, &n);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		char uuid[VMDEV_UUID_LEN];

		if (vmdev_parse_uuid(names[i], uuid) == 0)
			(*count)++;
	}
	free_names(names, n);
	return 0;
}

/**
 * vmdev_type_get_instance_drift - whether available_instances miscounts
 * @type: the type
 * @drift: receives true when available_instances plus the mdevs that exist
 *         is not the type's fixed pool
 * @available: if not NULL, receives available_instances (read live)
 * @existing: if not NULL, receives the number of mdevs of the type (live)
 *
 * Decidable only where the pool is known: vfio-mdev-pci has one instance
 * per type (its original said 1 available whatever existed). Other types
 * share their pool with their parent's other types, or it is unknown.
 *
 * Returns 0; -ENODATA when undecidable; or a read's error.
 */
VMDEV_EXPORT int vmdev_type_get_instance_drift(struct vmdev_type *type, bool *drift,
					       unsigned int *available,
					       unsigned int *existing)
{
	unsigned int avail, count;
	int r;

	if (!type || !drift)
		return -EINVAL;
	if (!vmdev_type_is_mdev_pci(type))
		return -ENODATA;
	r = vmdev_type_get_available_instances(type, &avail);
	if (r < 0)
		return r;
	r = type_count_mdevs(type, &count);
	if (r < 0)
		return r;
	*drift = avail + count != 1;
	if (available)
		*available = avail;
	if (existing)
		*existing = count;
	return 0;
}

/**
 * vmdev_parent_is_wrapped_pci - a PCI parent bound to vfio-mdev-pci now
 * (its driver is read live)
 */
VMDEV_EXPORT bool vmdev_parent_is_wrapped_pci(struct vmdev_parent *parent)
{
	_cleanup_(freep) char *driver = NULL;

	if (!parent || !vmdev_parent_get_pci(parent))
		return false;
	return vmdev_parent_get_driver(parent, &driver) == 0 && driver &&
	       strcmp(driver, VMDEV_MDEV_PCI_DRIVER) == 0;
}

/* The header type, config byte 0x0e, without the multi-function bit. */
int pci_header_type(struct vmdev_pci *pci, unsigned int *header)
{
	char path[64];
	unsigned char byte;
	int fd;

	format_path(path, sizeof(path), "sys/bus/pci/devices/%s/config", pci->address);
	fd = openat(pci->ctx->root_fd, path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && pread(fd, &byte, 1, PCI_HEADER_TYPE_OFFSET) == 1) {
		close(fd);
		*header = byte & 0x7f;
		return 0;
	}
	if (fd >= 0)
		close(fd);
	*header = pci->bridge ? 1 : 0; /* by the class code, as pci.c does */
	return -ENOENT;
}

/* ---- group warnings ---------------------------------------------------- */

struct strv {
	char **v;
	size_t n;
	int r;
};

static void strv_addf(struct strv *s, const char *format, ...) _printf_(2, 3);
static void strv_addf(struct strv *s, const char *format, ...)
{
	va_list ap;
	char *text, **grown;

	if (s->r < 0)
		return;
	va_start(ap, format);
	if (vasprintf(&text, format, ap) < 0) {
		va_end(ap);
		s->r = -ENOMEM;
		return;
	}
	va_end(ap);
	grown = realloc(s->v, (s->n + 2) * sizeof(*grown));
	if (!grown) {
		free(text);
		s->r = -ENOMEM;
		return;
	}
	s->v = grown;
	s->v[s->n++] = text;
	s->v[s->n] = NULL;
}

/* The wrapped parent behind a PCI member, or NULL. */
static struct vmdev_parent *wrapped_parent(struct vmdev_pci *pci)
{
	struct vmdev_parent *parent;

	if (!pci || !vmdev_pci_is_mdev_parent(pci) ||
	    vmdev_parent_find(pci->ctx, pci->address, &parent) < 0 ||
	    !vmdev_parent_is_wrapped_pci(parent))
		return NULL;
	return parent;
}

/* "UUID (group N), ..." for the mdevs of PARENT; NULL when it has none. */
static char *mdev_list(struct vmdev_parent *parent)
{
	struct vmdev_type *type;
	struct vmdev_mdev *mdev;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bool any = false;

	if (!f)
		return NULL;
	vmdev_type_foreach(parent, type) {
		vmdev_type_mdev_foreach(type, mdev) {
			int group = vmdev_mdev_get_iommu_group(mdev);

			fprintf(f, "%s%s", any ? ", " : "", mdev->uuid);
			if (group >= 0)
				fprintf(f, " (group %d)", group);
			any = true;
		}
	}
	fclose(f);
	if (!any) {
		free(text);
		return NULL;
	}
	return text;
}

static size_t group_size(struct vmdev_group *group)
{
	struct vmdev_member *m;
	size_t n = 0;

	vmdev_member_foreach(group, m)
		n++;
	return n;
}

/* "0000:00:04.0, 0000:00:04.1": the members of GROUP other than SKIP. */
static char *other_members(struct vmdev_group *group, struct vmdev_member *skip)
{
	struct vmdev_member *m;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	bool any = false;

	if (!f)
		return NULL;
	vmdev_member_foreach(group, m) {
		if (m == skip)
			continue;
		fprintf(f, "%s%s", any ? ", " : "", m->name);
		any = true;
	}
	fclose(f);
	return text;
}

static void warn_split(struct vmdev_group *group, struct strv *s)
{
	struct vmdev_member *m, *w;

	vmdev_member_foreach(group, w) {
		struct vmdev_parent *parent = wrapped_parent(w->pci);
		_cleanup_(freep) char *mdevs = NULL;

		if (!parent || !(mdevs = mdev_list(parent)))
			continue;
		vmdev_member_foreach(group, m) {
			_cleanup_(freep) char *driver = NULL;

			if (m == w || !m->pci || vmdev_pci_get_driver(m->pci, &driver) < 0 ||
			    !vmdev_driver_is_vfio_pci(driver))
				continue;
			strv_addf(s, "group %u is split between consumers: %s is on %s, and %s is wrapped by "
				  VMDEV_MDEV_PCI_DRIVER " as mdev %s, in a group of its own that hides the sharing; "
				  "one VM cannot use both (the kernel would attach the same IOMMU group twice)",
				  group->number, m->name, driver, w->name, mdevs);
		}
	}
}

/* A wrapped parent in GROUP that is not alone there. */
static void warn_parents_not_alone(struct vmdev_group *group, struct strv *s)
{
	struct vmdev_member *w;

	if (group_size(group) < 2)
		return;
	vmdev_member_foreach(group, w) {
		struct vmdev_parent *parent = wrapped_parent(w->pci);
		_cleanup_(freep) char *mdevs = NULL, *others = NULL;

		if (!parent || !(mdevs = mdev_list(parent)))
			continue;
		others = other_members(group, w);
		strv_addf(s, "%s is not alone in group %u (with %s): its IOMMU-backed mdev %s needs its parent in a singleton group",
			  w->name, group->number, others ? others : "others", mdevs);
	}
}

/* An IOMMU-backed mdev in GROUP whose parent is not alone in its group. */
static void warn_mdevs_parent_not_alone(struct vmdev_group *group, struct strv *s)
{
	struct vmdev_member *m, *pm;

	vmdev_member_foreach(group, m) {
		struct vmdev_group *pg;
		struct vmdev_pci *pci;
		_cleanup_(freep) char *others = NULL;

		if (!m->mdev || !vmdev_type_is_mdev_pci(m->mdev->type))
			continue;
		pci = vmdev_parent_get_pci(m->mdev->type->parent);
		if (!pci || pci->iommu_group < 0 ||
		    vmdev_group_find(group->ctx, (unsigned int)pci->iommu_group, &pg) < 0 ||
		    group_size(pg) < 2)
			continue;
		vmdev_member_foreach(pg, pm)
			if (pm->pci == pci)
				break;
		others = other_members(pg, pm);
		strv_addf(s, "mdev %s is IOMMU-backed by %s, which is not alone in group %u (with %s): it needs its parent in a singleton group",
			  m->name, pci->address, pg->number, others ? others : "others");
	}
}

/**
 * vmdev_group_get_warnings - what the viability verdict does not show
 * @group: the group
 * @warnings: receives a NULL-terminated array of strings (NULL when there
 *            are none); the caller frees each string and the array
 * @count: receives how many
 *
 * Warns about a physical group split between consumers (one member on
 * vfio-pci or a variant, another wrapped by vfio-mdev-pci with an mdev,
 * which sits in a group of its own), and about an IOMMU-backed mdev
 * (vfio-mdev-pci's) whose parent is not alone in its group: on the
 * parent's group and on the mdev's. Warnings do not change the verdict.
 *
 * Returns 0 or -ENOMEM.
 */
VMDEV_EXPORT int vmdev_group_get_warnings(struct vmdev_group *group, char ***warnings,
					  size_t *count)
{
	struct strv s = { NULL, 0, 0 };

	if (!group || !warnings || !count)
		return -EINVAL;
	*warnings = NULL;
	*count = 0;
	warn_split(group, &s);
	warn_parents_not_alone(group, &s);
	warn_mdevs_parent_not_alone(group, &s);
	if (s.r < 0) {
		for (size_t i = 0; i < s.n; i++)
			free(s.v[i]);
		free(s.v);
		return s.r;
	}
	*warnings = s.v;
	*count = s.n;
	return 0;
}
