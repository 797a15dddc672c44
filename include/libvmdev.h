/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvmdev: read and manage mediated devices (mdevs), VFIO device
 * assignment and IOMMU groups through sysfs.
 *
 * Conventions:
 *  - every call that can fail returns 0 or a negative errno; objects come
 *    back through out-parameters;
 *  - objects other than the context are owned by the context: they stay
 *    valid until vmdev_refresh() or the last vmdev_unref(); a create adds
 *    its mdev to the model and a remove takes it out (see there);
 *  - results that are not objects of the model (refusals, warnings) are
 *    facts for the caller to word, freed by the caller;
 *  - topology (which devices, parents, types, mdevs and groups exist, and
 *    their fixed ids) is read lazily on first use and cached; values that
 *    change under our feet (drivers, overrides, available instances) are
 *    read live on every call; the getters say which is which;
 *  - one exception, for listing many mdevs: vmdev_mdev_get_scanned_driver()
 *    is a snapshot, every mdev's driver read at once on its first call
 *    after the scan and kept until vmdev_refresh(); vmdev_mdev_get_driver()
 *    reads the same value live, one mdev at a time;
 *  - every host path (/sys, /dev, /proc, /etc) is resolved under the
 *    context's root (VMDEV_ROOT, or vmdev_set_root()).
 */
#ifndef LIBVMDEV_H
#define LIBVMDEV_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vmdev_ctx;
struct vmdev_pci;
struct vmdev_group;
struct vmdev_member;
struct vmdev_parent;
struct vmdev_type;
struct vmdev_mdev;

/* Lengths of normalised identifiers, with their terminating NUL. */
#define VMDEV_PCI_ADDR_LEN 13 /* "dddd:bb:dd.f" */
#define VMDEV_UUID_LEN 37     /* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" */

/* ---- context ---------------------------------------------------------- */

typedef void (*vmdev_log_fn)(struct vmdev_ctx *ctx, int priority,
			     const char *file, int line, const char *fn,
			     const char *format, va_list args);

int vmdev_new(struct vmdev_ctx **ctx);
struct vmdev_ctx *vmdev_ref(struct vmdev_ctx *ctx);
struct vmdev_ctx *vmdev_unref(struct vmdev_ctx *ctx);

int vmdev_set_root(struct vmdev_ctx *ctx, const char *root);
const char *vmdev_get_root(struct vmdev_ctx *ctx);

void vmdev_set_log_fn(struct vmdev_ctx *ctx, vmdev_log_fn fn);
int vmdev_get_log_priority(struct vmdev_ctx *ctx);
void vmdev_set_log_priority(struct vmdev_ctx *ctx, int priority);

void vmdev_set_userdata(struct vmdev_ctx *ctx, void *userdata);
void *vmdev_get_userdata(struct vmdev_ctx *ctx);

int vmdev_set_timeout_ms(struct vmdev_ctx *ctx, unsigned int timeout_ms);
unsigned int vmdev_get_timeout_ms(struct vmdev_ctx *ctx);

void vmdev_set_wait_for_udev(struct vmdev_ctx *ctx, bool wait);
bool vmdev_get_wait_for_udev(struct vmdev_ctx *ctx);

void vmdev_refresh(struct vmdev_ctx *ctx);

/* ---- writes: every one goes through one function ----------------------- */

enum vmdev_action {
	VMDEV_ACTION_WRITE, /* target: a host path; value: what is written */
	VMDEV_ACTION_LOAD,  /* target: a kernel module; value: NULL */
	VMDEV_ACTION_WRITE_FILE, /* target: a host path ("/etc/mdevctl.d/P/U");
				    value: the content as compact JSON on one
				    line (the file gets it pretty-printed) */
	VMDEV_ACTION_REMOVE,     /* target: a host path; value: NULL */
};
typedef void (*vmdev_action_fn)(struct vmdev_ctx *ctx, enum vmdev_action action,
				const char *target, const char *value,
				void *data);

void vmdev_set_action_fn(struct vmdev_ctx *ctx, vmdev_action_fn fn, void *data);
void vmdev_set_dry_run(struct vmdev_ctx *ctx, bool dry_run);
bool vmdev_get_dry_run(struct vmdev_ctx *ctx);

/* ---- parsing and validation (no context needed) ------------------------ */

int vmdev_parse_pci_address(const char *text, char out[VMDEV_PCI_ADDR_LEN]);
int vmdev_parse_uuid(const char *text, char out[VMDEV_UUID_LEN]);
int vmdev_parse_group(const char *text, unsigned int *group);
int vmdev_parse_timeout_ms(const char *text, unsigned int *ms);
int vmdev_parse_log_priority(const char *text, int *priority);
int vmdev_check_name(const char *name);
bool vmdev_driver_is_vfio_pci(const char *driver);

/* ---- PCI devices ------------------------------------------------------- */

struct vmdev_pci *vmdev_pci_get_first(struct vmdev_ctx *ctx);
struct vmdev_pci *vmdev_pci_get_next(struct vmdev_pci *pci);
#define vmdev_pci_foreach(ctx, pci)                                      \
	for (pci = vmdev_pci_get_first(ctx); pci != NULL;                \
	     pci = vmdev_pci_get_next(pci))

int vmdev_pci_find(struct vmdev_ctx *ctx, const char *address,
		   struct vmdev_pci **pci);

struct vmdev_ctx *vmdev_pci_get_ctx(struct vmdev_pci *pci);
const char *vmdev_pci_get_address(struct vmdev_pci *pci);
const char *vmdev_pci_get_path(struct vmdev_pci *pci);
unsigned int vmdev_pci_get_vendor(struct vmdev_pci *pci);
unsigned int vmdev_pci_get_device(struct vmdev_pci *pci);
unsigned int vmdev_pci_get_subsystem_vendor(struct vmdev_pci *pci);
unsigned int vmdev_pci_get_subsystem_device(struct vmdev_pci *pci);
unsigned int vmdev_pci_get_class(struct vmdev_pci *pci);
unsigned int vmdev_pci_get_revision(struct vmdev_pci *pci);
bool vmdev_pci_is_bridge(struct vmdev_pci *pci);
bool vmdev_pci_is_mdev_parent(struct vmdev_pci *pci);
int vmdev_pci_get_iommu_group(struct vmdev_pci *pci);
const char *vmdev_pci_get_vendor_name(struct vmdev_pci *pci);
const char *vmdev_pci_get_device_name(struct vmdev_pci *pci);

/* live values */
bool vmdev_pci_is_boot_vga(struct vmdev_pci *pci);
int vmdev_pci_get_driver(struct vmdev_pci *pci, char **driver);
int vmdev_pci_get_driver_override(struct vmdev_pci *pci, char **driver);
int vmdev_pci_get_sriov_numvfs(struct vmdev_pci *pci, unsigned int *numvfs);

/* ---- IOMMU groups and viability ---------------------------------------- */

struct vmdev_group *vmdev_group_get_first(struct vmdev_ctx *ctx);
struct vmdev_group *vmdev_group_get_next(struct vmdev_group *group);
#define vmdev_group_foreach(ctx, group)                                  \
	for (group = vmdev_group_get_first(ctx); group != NULL;          \
	     group = vmdev_group_get_next(group))

int vmdev_group_find(struct vmdev_ctx *ctx, unsigned int number,
		     struct vmdev_group **group);

unsigned int vmdev_group_get_number(struct vmdev_group *group);
const char *vmdev_group_get_vfio_node(struct vmdev_group *group);
bool vmdev_group_vfio_node_present(struct vmdev_group *group);
int vmdev_group_is_viable(struct vmdev_group *group);

struct vmdev_holder {
	int pid;
	char comm[64];
};
int vmdev_group_get_holders(struct vmdev_group *group,
			    struct vmdev_holder **holders, size_t *count);
/* whether this process and its ancestors may hold a group node (no device
 * fd, no cdev) while they remove or unbind its device: libvirt's
 * nodedev-destroy does (see libvmdev(3)) */
int vmdev_set_callers_may_hold(struct vmdev_ctx *ctx, bool allow);

enum vmdev_member_kind {
	VMDEV_MEMBER_PCI,
	VMDEV_MEMBER_MDEV,
	VMDEV_MEMBER_OTHER,
};

/* Why a group member is, or is not, acceptable for the group's viability. */
enum vmdev_verdict {
	VMDEV_VERDICT_UNBOUND,      /* ok: no driver */
	VMDEV_VERDICT_VFIO,         /* ok: vfio-pci or a vfio-pci variant */
	VMDEV_VERDICT_PCI_STUB,     /* ok: pci-stub */
	VMDEV_VERDICT_BRIDGE,       /* ok: a bridge on pcieport */
	VMDEV_VERDICT_MDEV_DRIVER,  /* ok: an mdev on its mdev-bus driver */
	VMDEV_VERDICT_HOST_DRIVER,  /* not ok: a host driver owns DMA */
	VMDEV_VERDICT_MDEV_UNBOUND, /* not ok: an mdev without a driver has no
				       vfio device, so its group has no node */
	VMDEV_VERDICT_NOIOMMU,      /* not ok: a noiommu group, no isolation */
};

struct vmdev_member *vmdev_member_get_first(struct vmdev_group *group);
struct vmdev_member *vmdev_member_get_next(struct vmdev_member *member);
#define vmdev_member_foreach(group, member)                              \
	for (member = vmdev_member_get_first(group); member != NULL;     \
	     member = vmdev_member_get_next(member))

enum vmdev_member_kind vmdev_member_get_kind(struct vmdev_member *member);
const char *vmdev_member_get_name(struct vmdev_member *member);
struct vmdev_pci *vmdev_member_get_pci(struct vmdev_member *member);
struct vmdev_mdev *vmdev_member_get_mdev(struct vmdev_member *member);
int vmdev_member_get_driver(struct vmdev_member *member, char **driver);
int vmdev_member_get_verdict(struct vmdev_member *member,
			     enum vmdev_verdict *verdict, char **driver);
bool vmdev_verdict_is_ok(enum vmdev_verdict verdict);

/* ---- mdev parents, types and mdevs ------------------------------------- */

struct vmdev_parent *vmdev_parent_get_first(struct vmdev_ctx *ctx);
struct vmdev_parent *vmdev_parent_get_next(struct vmdev_parent *parent);
#define vmdev_parent_foreach(ctx, parent)                                \
	for (parent = vmdev_parent_get_first(ctx); parent != NULL;       \
	     parent = vmdev_parent_get_next(parent))

int vmdev_parent_find(struct vmdev_ctx *ctx, const char *name,
		      struct vmdev_parent **parent);

const char *vmdev_parent_get_name(struct vmdev_parent *parent);
const char *vmdev_parent_get_bus(struct vmdev_parent *parent);
const char *vmdev_parent_get_path(struct vmdev_parent *parent);
int vmdev_parent_get_iommu_group(struct vmdev_parent *parent);
struct vmdev_pci *vmdev_parent_get_pci(struct vmdev_parent *parent);
int vmdev_parent_get_driver(struct vmdev_parent *parent, char **driver);
int vmdev_parent_get_mdev_driver(struct vmdev_parent *parent, char **driver);

struct vmdev_type *vmdev_type_get_first(struct vmdev_parent *parent);
struct vmdev_type *vmdev_type_get_next(struct vmdev_type *type);
#define vmdev_type_foreach(parent, type)                                 \
	for (type = vmdev_type_get_first(parent); type != NULL;          \
	     type = vmdev_type_get_next(type))

int vmdev_type_find(struct vmdev_parent *parent, const char *id,
		    struct vmdev_type **type);

struct vmdev_parent *vmdev_type_get_parent(struct vmdev_type *type);
const char *vmdev_type_get_id(struct vmdev_type *type);
const char *vmdev_type_get_name(struct vmdev_type *type);
const char *vmdev_type_get_description(struct vmdev_type *type);
const char *vmdev_type_get_device_api(struct vmdev_type *type);
int vmdev_type_get_available_instances(struct vmdev_type *type,
				       unsigned int *count);

struct vmdev_mdev *vmdev_mdev_get_first(struct vmdev_ctx *ctx);
struct vmdev_mdev *vmdev_mdev_get_next(struct vmdev_mdev *mdev);
#define vmdev_mdev_foreach(ctx, mdev)                                    \
	for (mdev = vmdev_mdev_get_first(ctx); mdev != NULL;             \
	     mdev = vmdev_mdev_get_next(mdev))

struct vmdev_mdev *vmdev_type_mdev_get_first(struct vmdev_type *type);
struct vmdev_mdev *vmdev_type_mdev_get_next(struct vmdev_mdev *mdev);
#define vmdev_type_mdev_foreach(type, mdev)                              \
	for (mdev = vmdev_type_mdev_get_first(type); mdev != NULL;       \
	     mdev = vmdev_type_mdev_get_next(mdev))

int vmdev_mdev_find(struct vmdev_ctx *ctx, const char *uuid,
		    struct vmdev_mdev **mdev);

/* cached (topology) */
const char *vmdev_mdev_get_uuid(struct vmdev_mdev *mdev);
struct vmdev_type *vmdev_mdev_get_type(struct vmdev_mdev *mdev);
struct vmdev_parent *vmdev_mdev_get_parent(struct vmdev_mdev *mdev);
const char *vmdev_mdev_get_path(struct vmdev_mdev *mdev);
int vmdev_mdev_get_iommu_group(struct vmdev_mdev *mdev);
/* live: the mdev's driver link, read now, a new string */
int vmdev_mdev_get_driver(struct vmdev_mdev *mdev, char **driver);
/* snapshot: as of one bulk read of /sys/bus/mdev/drivers after the scan
 * (vmdev_refresh() re-reads), owned by the context */
int vmdev_mdev_get_scanned_driver(struct vmdev_mdev *mdev, const char **driver);

/* ---- creating and removing mdevs --------------------------------------- */

int vmdev_mdev_create(struct vmdev_type *type, const char *uuid,
		      struct vmdev_mdev **created);
int vmdev_mdev_remove(struct vmdev_mdev *mdev);

/* ---- binding PCI devices to drivers ------------------------------------ */

#define VMDEV_BIND_NEW_ID (1u << 0) /* bind through drivers/DRIVER/new_id */
#define VMDEV_BIND_FORCE (1u << 1)  /* bind a device the host visibly uses */
#define VMDEV_UNBIND_NO_PROBE (1u << 0) /* leave the device without a driver */
#define VMDEV_UNBIND_FORCE (1u << 1)    /* unbind a device the host visibly uses */

/* Why a bind, an unbind or a remove would be refused before anything is
 * written. */
enum vmdev_refusal_kind {
	VMDEV_REFUSAL_NONE,
	VMDEV_REFUSAL_BRIDGE,      /* a bridge cannot go to a vfio driver */
	VMDEV_REFUSAL_SRIOV_PF,    /* a PF with VFs enabled: the driver refuses it */
	VMDEV_REFUSAL_HEADER_TYPE, /* not a normal (type 0) header */
	VMDEV_REFUSAL_IN_USE,      /* the host uses it: see enum vmdev_host_use */
	VMDEV_REFUSAL_HELD,        /* a process holds its VFIO group or device open */
	VMDEV_REFUSAL_NOT_SRIOV_PF,  /* an SR-IOV change of a device that is no PF */
	VMDEV_REFUSAL_NO_PF_DRIVER,  /* an SR-IOV change of a PF without a driver */
};

/* How the host visibly uses a device (VMDEV_REFUSAL_IN_USE). */
enum vmdev_host_use {
	VMDEV_HOST_USE_NONE,
	VMDEV_HOST_USE_BOOT_VGA,  /* the firmware's boot display device */
	VMDEV_HOST_USE_INTERFACE, /* a network interface of it is up */
	VMDEV_HOST_USE_MOUNTED,   /* a block device below it is mounted */
	VMDEV_HOST_USE_SWAP,      /* a block device below it is a swap area */
};

/* A refusal and the facts behind it; the caller frees it. */
struct vmdev_refusal;
void vmdev_refusal_free(struct vmdev_refusal *refusal);
enum vmdev_refusal_kind vmdev_refusal_get_kind(const struct vmdev_refusal *refusal);
unsigned int vmdev_refusal_get_header_type(const struct vmdev_refusal *refusal);
unsigned int vmdev_refusal_get_numvfs(const struct vmdev_refusal *refusal);
enum vmdev_host_use vmdev_refusal_get_host_use(const struct vmdev_refusal *refusal);
const char *vmdev_refusal_get_device_name(const struct vmdev_refusal *refusal);
const char *vmdev_refusal_get_mount_point(const struct vmdev_refusal *refusal);
int vmdev_refusal_get_group(const struct vmdev_refusal *refusal);
const char *vmdev_refusal_get_mdev(const struct vmdev_refusal *refusal);
const char *vmdev_refusal_get_vf(const struct vmdev_refusal *refusal);
const struct vmdev_holder *vmdev_refusal_get_holders(const struct vmdev_refusal *refusal,
						     size_t *count);

int vmdev_driver_lookup(struct vmdev_ctx *ctx, const char *driver,
			bool *registered);
int vmdev_pci_check_bind(struct vmdev_pci *pci, const char *driver,
			 unsigned int flags, struct vmdev_refusal **refusal);
int vmdev_pci_check_unbind(struct vmdev_pci *pci, unsigned int flags,
			   struct vmdev_refusal **refusal);
int vmdev_pci_bind(struct vmdev_pci *pci, const char *driver,
		   unsigned int flags, char **previous);
int vmdev_pci_unbind(struct vmdev_pci *pci, unsigned int flags,
		     char **previous);
int vmdev_group_bind(struct vmdev_group *group, const char *driver,
		     unsigned int flags);
int vmdev_mdev_check_remove(struct vmdev_mdev *mdev, struct vmdev_refusal **refusal);

/* How the vfio driver for a device was chosen (a NULL driver to
 * vmdev_pci_bind(), vmdev_group_bind() and vmdev_pci_check_bind()). */
enum vmdev_driver_choice {
	VMDEV_DRIVER_CHOICE_NAMED,   /* the caller named the driver */
	VMDEV_DRIVER_CHOICE_ALIAS,   /* a variant's vfio_pci: alias matches the device */
	VMDEV_DRIVER_CHOICE_DEFAULT, /* no variant matches: vfio-pci */
};
int vmdev_pci_choose_vfio_driver(struct vmdev_pci *pci, char **driver, char **module,
				 enum vmdev_driver_choice *choice);
int vmdev_pci_get_new_id_peers(struct vmdev_pci *pci, const char *driver,
			       struct vmdev_pci ***peers, size_t *count);

/* ---- SR-IOV: a physical function (PF) and its virtual functions (VFs) --- */

/* live values of a PF; -ENOENT for a device that is no PF */
int vmdev_pci_get_sriov_totalvfs(struct vmdev_pci *pci, unsigned int *totalvfs);
int vmdev_pci_get_sriov_autoprobe(struct vmdev_pci *pci, bool *autoprobe);
int vmdev_pci_get_sriov_vf_device(struct vmdev_pci *pci, unsigned int *device);
/* the VFs now (an array the caller frees), and the PF of a VF */
int vmdev_pci_get_vfs(struct vmdev_pci *pf, struct vmdev_pci ***vfs, size_t *count);
int vmdev_pci_get_physfn(struct vmdev_pci *vf, struct vmdev_pci **pf);

/* Where vmdev_pci_set_sriov_numvfs() puts the VFs it makes. */
enum vmdev_vf_driver {
	VMDEV_VF_DRIVER_DEFAULT, /* what vmdev_pci_bind() takes without a choice */
	VMDEV_VF_DRIVER_NONE,    /* no driver: left unbound */
	VMDEV_VF_DRIVER_PROBE,   /* the kernel's choice, autoprobe on while they appear */
	VMDEV_VF_DRIVER_NAMED,   /* the driver named */
};
int vmdev_pci_check_sriov(struct vmdev_pci *pf, unsigned int numvfs,
			  unsigned int flags, struct vmdev_refusal **refusal);
int vmdev_pci_set_sriov_numvfs(struct vmdev_pci *pf, unsigned int numvfs,
			       enum vmdev_vf_driver choice, const char *driver,
			       unsigned int flags);

/* ---- vfio-mdev-pci: a whole PCI device wrapped as one mdev -------------- */

/* The sample driver of the "wrap a PCI device as an mdev" series (2019,
 * never merged); its types are "vfio-mdev-pci-VVVV:DDDD:SSSS:ssss:CCCCCC:RR"
 * and, in the first version, "vfio-mdev-pci-type1" named "ADDRESS-type1". */
#define VMDEV_MDEV_PCI_DRIVER "vfio-mdev-pci"

struct vmdev_pci_ids {
	unsigned int vendor, device, subsystem_vendor, subsystem_device;
	unsigned int class_code, revision;
};

/* What a vfio-mdev-pci type name carries. */
enum vmdev_mdev_pci_form {
	VMDEV_MDEV_PCI_FORM_IDS = 1,     /* the device's ids (Williamson's fix) */
	VMDEV_MDEV_PCI_FORM_ADDRESS = 2, /* the device's address (the original) */
};

int vmdev_parse_mdev_pci_type(const char *id, const char *name,
			      struct vmdev_pci_ids *ids,
			      char address[VMDEV_PCI_ADDR_LEN]);
int vmdev_driver_has_id_table(struct vmdev_ctx *ctx, const char *driver,
			      bool *has_id_table);
bool vmdev_type_is_mdev_pci(struct vmdev_type *type);
int vmdev_type_get_pci_ids(struct vmdev_type *type, struct vmdev_pci_ids *ids);
int vmdev_type_get_pci_address(struct vmdev_type *type,
			       char address[VMDEV_PCI_ADDR_LEN]);
int vmdev_type_pci_ids_match(struct vmdev_type *type, bool *match);
int vmdev_type_get_compatibility_key(struct vmdev_type *type, char **key);
int vmdev_type_get_instance_drift(struct vmdev_type *type, bool *drift,
				  unsigned int *available, unsigned int *existing);
bool vmdev_parent_is_wrapped_pci(struct vmdev_parent *parent);
/* What a group's verdict does not show (vfio-mdev-pci's IOMMU-backed mdevs). */
enum vmdev_warning_kind {
	/* get_member is on a vfio driver while get_wrapped, in the same
	 * group, is wrapped by vfio-mdev-pci with mdevs in groups of their
	 * own: one VM cannot use both */
	VMDEV_WARNING_SPLIT,
	/* get_wrapped has IOMMU-backed mdevs but is not alone in get_group */
	VMDEV_WARNING_PARENT_NOT_ALONE,
	/* get_member, an mdev, is IOMMU-backed by get_wrapped, which is not
	 * alone in get_group */
	VMDEV_WARNING_MDEV_PARENT_NOT_ALONE,
};
struct vmdev_warning;
int vmdev_group_get_warnings(struct vmdev_group *group, struct vmdev_warning **first);
struct vmdev_warning *vmdev_warning_get_next(struct vmdev_warning *warning);
#define vmdev_warning_foreach(first, warning)                             \
	for (warning = (first); warning != NULL;                           \
	     warning = vmdev_warning_get_next(warning))
void vmdev_warnings_free(struct vmdev_warning *first);
enum vmdev_warning_kind vmdev_warning_get_kind(struct vmdev_warning *warning);
struct vmdev_group *vmdev_warning_get_group(struct vmdev_warning *warning);
struct vmdev_member *vmdev_warning_get_member(struct vmdev_warning *warning);
const char *vmdev_warning_get_driver(struct vmdev_warning *warning);
struct vmdev_parent *vmdev_warning_get_wrapped(struct vmdev_warning *warning);

/* ---- persistent mdevs: mdevctl's definitions ----------------------------- */

/* /etc/mdevctl.d/PARENT/UUID under the root, in mdevctl's file format. */
struct vmdev_definition;
struct vmdev_definition_error;
struct vmdev_autostart;

#define VMDEV_DEFINITION_MAX_SIZE 65536 /* larger files are malformed */

enum vmdev_start_policy {
	VMDEV_START_MANUAL, /* "manual" */
	VMDEV_START_AUTO,   /* "auto": started when its parent appears */
};

/* What is wrong with a definition file that could not be read. */
enum vmdev_definition_problem {
	VMDEV_DEFINITION_UNREADABLE = 1, /* open or read failed: see get_errno */
	VMDEV_DEFINITION_NOT_REGULAR,    /* a link, a directory, a device, a FIFO */
	VMDEV_DEFINITION_TOO_BIG,        /* over VMDEV_DEFINITION_MAX_SIZE bytes */
	VMDEV_DEFINITION_NOT_UTF8,       /* at get_offset */
	VMDEV_DEFINITION_SYNTAX,         /* not JSON, at get_offset */
	VMDEV_DEFINITION_NOT_OBJECT,     /* JSON, but not an object */
	VMDEV_DEFINITION_DUPLICATE_KEY,  /* a key twice in the object, at get_offset */
	VMDEV_DEFINITION_NO_TYPE,        /* no "mdev_type" */
	VMDEV_DEFINITION_BAD_TYPE,       /* "mdev_type" not a string that is a name */
	VMDEV_DEFINITION_NO_START,       /* no "start" */
	VMDEV_DEFINITION_BAD_START,      /* "start" neither "auto" nor "manual" */
	VMDEV_DEFINITION_BAD_ATTRS,      /* "attrs" neither an array nor null */
	VMDEV_DEFINITION_BAD_ATTR,       /* entry get_index not a one-key object
					    with a string value */
	VMDEV_DEFINITION_BAD_ATTR_NAME,  /* entry get_index: its name is no name */
	VMDEV_DEFINITION_BAD_ATTR_VALUE, /* entry get_index: its value is not
					    one line */
};

/* every stored definition, by parent name, then UUID */
struct vmdev_definition *vmdev_definition_get_first(struct vmdev_ctx *ctx);
struct vmdev_definition *vmdev_definition_get_next(struct vmdev_definition *def);
#define vmdev_definition_foreach(ctx, def)                                 \
	for (def = vmdev_definition_get_first(ctx); def != NULL;           \
	     def = vmdev_definition_get_next(def))
/* those of one parent, by UUID */
struct vmdev_definition *vmdev_definition_get_first_by_parent(struct vmdev_ctx *ctx,
							      const char *parent);
struct vmdev_definition *vmdev_definition_get_next_by_parent(struct vmdev_definition *def);
#define vmdev_parent_definition_foreach(ctx, parent, def)               \
	for (def = vmdev_definition_get_first_by_parent(ctx, parent);      \
	     def != NULL; def = vmdev_definition_get_next_by_parent(def))

/* the files that could not be read, in the same order */
struct vmdev_definition_error *vmdev_definition_error_get_first(struct vmdev_ctx *ctx);
struct vmdev_definition_error *
vmdev_definition_error_get_next(struct vmdev_definition_error *error);
#define vmdev_definition_error_foreach(ctx, error)                         \
	for (error = vmdev_definition_error_get_first(ctx); error != NULL; \
	     error = vmdev_definition_error_get_next(error))
const char *vmdev_definition_error_get_path(struct vmdev_definition_error *error);
const char *vmdev_definition_error_get_parent(struct vmdev_definition_error *error);
const char *vmdev_definition_error_get_uuid(struct vmdev_definition_error *error);
enum vmdev_definition_problem
vmdev_definition_error_get_problem(struct vmdev_definition_error *error);
int vmdev_definition_error_get_errno(struct vmdev_definition_error *error);
size_t vmdev_definition_error_get_offset(struct vmdev_definition_error *error);
size_t vmdev_definition_error_get_index(struct vmdev_definition_error *error);
int vmdev_definition_error_find(struct vmdev_ctx *ctx, const char *uuid,
				const char *parent,
				struct vmdev_definition_error **error);

int vmdev_definition_find(struct vmdev_ctx *ctx, const char *uuid,
			  const char *parent, struct vmdev_definition **def);
int vmdev_definition_new(struct vmdev_ctx *ctx, const char *uuid,
			 const char *parent, const char *type,
			 struct vmdev_definition **def);

/* the definition as held in memory (read at the scan, or changed since) */
struct vmdev_ctx *vmdev_definition_get_ctx(struct vmdev_definition *def);
const char *vmdev_definition_get_uuid(struct vmdev_definition *def);
const char *vmdev_definition_get_parent(struct vmdev_definition *def);
const char *vmdev_definition_get_type(struct vmdev_definition *def);
const char *vmdev_definition_get_path(struct vmdev_definition *def);
enum vmdev_start_policy vmdev_definition_get_start(struct vmdev_definition *def);
bool vmdev_definition_is_saved(struct vmdev_definition *def);
size_t vmdev_definition_get_attr_count(struct vmdev_definition *def);
const char *vmdev_definition_get_attr_name(struct vmdev_definition *def, size_t index);
const char *vmdev_definition_get_attr_value(struct vmdev_definition *def, size_t index);
/* from the model: an mdev with its UUID runs on its parent with its type */
bool vmdev_definition_is_active(struct vmdev_definition *def);

/* changes in memory; vmdev_definition_save() stores them */
int vmdev_definition_set_type(struct vmdev_definition *def, const char *type);
int vmdev_definition_set_start(struct vmdev_definition *def,
			       enum vmdev_start_policy start);
int vmdev_definition_append_attr(struct vmdev_definition *def, const char *name,
				 const char *value);
int vmdev_definition_remove_attrs(struct vmdev_definition *def, const char *name,
				  const char *value);
void vmdev_definition_clear_attrs(struct vmdev_definition *def);
int vmdev_definition_set_json(struct vmdev_definition *def, const char *json,
			      size_t len, enum vmdev_definition_problem *problem,
			      size_t *where);

#define VMDEV_DEFINITION_JSON_PRETTY (1u << 0) /* as in the file, else compact */
int vmdev_definition_to_json(struct vmdev_definition *def, unsigned int flags,
			     char **json);

/* changes to the host */
int vmdev_definition_save(struct vmdev_definition *def);
int vmdev_definition_delete(struct vmdev_definition *def);
int vmdev_definition_start(struct vmdev_definition *def, struct vmdev_mdev **mdev,
			   size_t *failed_attr);
int vmdev_definition_stop(struct vmdev_definition *def);
/* one attribute written to a running mdev (modify --live) */
int vmdev_mdev_write_attr(struct vmdev_mdev *mdev, const char *name,
			  const char *value);

/* autostart: every "auto" definition of a parent */
enum vmdev_autostart_action {
	VMDEV_AUTOSTART_STARTED,        /* created, attributes written */
	VMDEV_AUTOSTART_ALREADY_ACTIVE, /* running on its parent with its type */
	VMDEV_AUTOSTART_FAILED,         /* see get_error and get_failed_attr */
	VMDEV_AUTOSTART_MISMATCH,       /* its UUID runs on another parent or
					   with another type: left alone */
};
int vmdev_parent_autostart(struct vmdev_ctx *ctx, const char *parent,
			   struct vmdev_autostart **results);
struct vmdev_autostart *vmdev_autostart_get_next(struct vmdev_autostart *result);
#define vmdev_autostart_foreach(first, result)                             \
	for (result = (first); result != NULL;                             \
	     result = vmdev_autostart_get_next(result))
void vmdev_autostart_free(struct vmdev_autostart *first);
struct vmdev_definition *vmdev_autostart_get_definition(struct vmdev_autostart *result);
enum vmdev_autostart_action vmdev_autostart_get_action(struct vmdev_autostart *result);
int vmdev_autostart_get_error(struct vmdev_autostart *result);
bool vmdev_autostart_get_failed_attr(struct vmdev_autostart *result, size_t *index);
struct vmdev_mdev *vmdev_autostart_get_mdev(struct vmdev_autostart *result);

/* ---- mdevctl's callouts and notifiers ------------------------------------ */

/* Scripts in /usr/lib/mdevctl/scripts.d/ and /etc/mdevctl.d/scripts.d/
 * (callouts/, notifiers/) under the root run around every start, stop,
 * define, undefine and modify (vmdev_mdev_create(), vmdev_mdev_remove(),
 * the definition calls), as mdevctl runs them; a refusing "pre" callout
 * makes the operation return -ECANCELED. Never in dry-run mode. */
struct vmdev_attrs;

int vmdev_set_callout_force(struct vmdev_ctx *ctx, bool force);
int vmdev_set_callouts_enabled(struct vmdev_ctx *ctx, bool enabled);
int vmdev_get_callout_failure(struct vmdev_ctx *ctx, const char **script, int *status);
int vmdev_mdev_get_callout_attrs(struct vmdev_mdev *mdev, struct vmdev_attrs **attrs);
size_t vmdev_attrs_get_count(const struct vmdev_attrs *attrs);
const char *vmdev_attrs_get_name(const struct vmdev_attrs *attrs, size_t index);
const char *vmdev_attrs_get_value(const struct vmdev_attrs *attrs, size_t index);
void vmdev_attrs_free(struct vmdev_attrs *attrs);
int vmdev_definition_modify_live(struct vmdev_definition *def);

/* ---- events -------------------------------------------------------------- */

struct vmdev_monitor;
struct vmdev_event;

enum vmdev_event_action {
	VMDEV_EVENT_ADD,
	VMDEV_EVENT_REMOVE,
	VMDEV_EVENT_BIND,
	VMDEV_EVENT_UNBIND,
	VMDEV_EVENT_CHANGE,
};

int vmdev_monitor_new(struct vmdev_ctx *ctx, struct vmdev_monitor **monitor);
struct vmdev_monitor *vmdev_monitor_unref(struct vmdev_monitor *monitor);
int vmdev_monitor_get_fd(struct vmdev_monitor *monitor);
int vmdev_monitor_receive(struct vmdev_monitor *monitor, int timeout_ms,
			  struct vmdev_event **event);

void vmdev_event_free(struct vmdev_event *event);
enum vmdev_event_action vmdev_event_get_action(struct vmdev_event *event);
enum vmdev_member_kind vmdev_event_get_kind(struct vmdev_event *event);
const char *vmdev_event_get_id(struct vmdev_event *event);
const char *vmdev_event_get_parent(struct vmdev_event *event);
const char *vmdev_event_get_type(struct vmdev_event *event);
const char *vmdev_event_get_driver(struct vmdev_event *event);
long long vmdev_event_get_time_usec(struct vmdev_event *event);

/* ---- VFIO device cdevs and noiommu groups ------------------------------ */

/* A device's VFIO device (<device>/vfio-dev/vfioN, while a vfio driver has
 * it) and its cdev (6.6+, IOMMUFD and VFIO_DEVICE_CDEV), read live. */
#define VMDEV_VFIO_DEVICE_NAME_MAX 32
struct vmdev_vfio_device {
	char name[VMDEV_VFIO_DEVICE_NAME_MAX]; /* "vfio3" */
	char node[64];                         /* "/dev/vfio/devices/vfio3" */
	bool has_cdev;      /* the kernel made a cdev for it (vfioN/dev) */
	unsigned int major, minor; /* its number, when has_cdev */
	bool present;       /* the node exists under the root, any file type */
};
int vmdev_pci_get_vfio_device(struct vmdev_pci *pci, struct vmdev_vfio_device *vdev);
int vmdev_mdev_get_vfio_device(struct vmdev_mdev *mdev, struct vmdev_vfio_device *vdev);
/* /dev/vfio/noiommu-N: vfio's unsafe mode, no IOMMU isolation; never viable */
bool vmdev_group_is_noiommu(struct vmdev_group *group);

#ifdef __cplusplus
}
#endif

#endif /* LIBVMDEV_H */
