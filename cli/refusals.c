// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the library refuses, or warns about, as sentences for people. The
 * library returns facts (struct vmdev_refusal, struct vmdev_warning); this
 * is the one place that words them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refusals.h"

/* "qemu (pid 42), vm2 (pid 43)" */
static void print_holders(FILE *f, const struct vmdev_refusal *refusal)
{
	const struct vmdev_holder *h;
	size_t n;

	h = vmdev_refusal_get_holders(refusal, &n);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s (pid %d)", i ? ", " : "", h[i].comm, h[i].pid);
}

static void print_host_use(FILE *f, const struct vmdev_refusal *refusal)
{
	const char *name = vmdev_refusal_get_device_name(refusal);

	switch (vmdev_refusal_get_host_use(refusal)) {
	case VMDEV_HOST_USE_BOOT_VGA:
		fputs("it is the boot VGA device", f);
		break;
	case VMDEV_HOST_USE_INTERFACE:
		fprintf(f, "network interface %s is up", name);
		break;
	case VMDEV_HOST_USE_MOUNTED:
		fprintf(f, "block device %s is mounted on %s", name,
			vmdev_refusal_get_mount_point(refusal));
		break;
	case VMDEV_HOST_USE_SWAP:
		fprintf(f, "block device %s is in use as swap", name);
		break;
	default:
		fputs("the host uses it", f);
	}
}

static char *refusal_text(const struct vmdev_refusal *refusal, struct vmdev_pci *pci,
		   const char *driver)
{
	bool mdev_pci = driver && strcmp(driver, VMDEV_MDEV_PCI_DRIVER) == 0;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	switch (vmdev_refusal_get_kind(refusal)) {
	case VMDEV_REFUSAL_BRIDGE:
		fputs("it is a bridge, not an endpoint", f);
		break;
	case VMDEV_REFUSAL_SRIOV_PF:
		fprintf(f, "it is an SR-IOV PF with %u VFs enabled%s",
			vmdev_refusal_get_numvfs(refusal),
			mdev_pci ? " (" VMDEV_MDEV_PCI_DRIVER "'s probe returns EBUSY for it)" : "");
		break;
	case VMDEV_REFUSAL_HEADER_TYPE:
		fprintf(f, "its PCI header type is %u, not a normal (type 0) header: "
			VMDEV_MDEV_PCI_DRIVER "'s probe refuses it%s",
			vmdev_refusal_get_header_type(refusal),
			pci && vmdev_pci_is_bridge(pci) ? " (it is a bridge)" : "");
		break;
	case VMDEV_REFUSAL_IN_USE:
		print_host_use(f, refusal);
		break;
	case VMDEV_REFUSAL_HELD:
		print_holders(f, refusal);
		if (vmdev_refusal_get_mdev(refusal))
			fprintf(f, " (through its mdev %s)", vmdev_refusal_get_mdev(refusal));
		break;
	default:
		break;
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* "UUID (group N), ...": the mdevs of a wrapped parent */
static void print_mdevs(FILE *f, struct vmdev_parent *parent)
{
	struct vmdev_type *type;
	struct vmdev_mdev *mdev;
	bool any = false;

	vmdev_type_foreach(parent, type) {
		vmdev_type_mdev_foreach(type, mdev) {
			int group = vmdev_mdev_get_iommu_group(mdev);

			fprintf(f, "%s%s", any ? ", " : "", vmdev_mdev_get_uuid(mdev));
			if (group >= 0)
				fprintf(f, " (group %d)", group);
			any = true;
		}
	}
}

/* "0000:00:04.0, 0000:00:04.1": the members of GROUP but SKIP */
static void print_others(FILE *f, struct vmdev_group *group, const char *skip)
{
	struct vmdev_member *m;
	bool any = false;

	vmdev_member_foreach(group, m) {
		if (strcmp(vmdev_member_get_name(m), skip) == 0)
			continue;
		fprintf(f, "%s%s", any ? ", " : "", vmdev_member_get_name(m));
		any = true;
	}
	if (!any)
		fputs("others", f);
}

static char *warning_text(struct vmdev_group *group, struct vmdev_warning *w)
{
	struct vmdev_parent *wrapped = vmdev_warning_get_wrapped(w);
	struct vmdev_group *concerned = vmdev_warning_get_group(w);
	struct vmdev_member *member = vmdev_warning_get_member(w);
	const char *parent = vmdev_parent_get_name(wrapped);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return NULL;
	switch (vmdev_warning_get_kind(w)) {
	case VMDEV_WARNING_SPLIT:
		fprintf(f, "group %u is split between consumers: %s is on %s, and %s is wrapped by "
			VMDEV_MDEV_PCI_DRIVER " as mdev ", vmdev_group_get_number(group),
			vmdev_member_get_name(member), vmdev_warning_get_driver(w), parent);
		print_mdevs(f, wrapped);
		fputs(", in a group of its own that hides the sharing; one VM cannot use both "
		      "(the kernel would attach the same IOMMU group twice)", f);
		break;
	case VMDEV_WARNING_PARENT_NOT_ALONE:
		fprintf(f, "%s is not alone in group %u (with ", parent,
			vmdev_group_get_number(concerned));
		print_others(f, concerned, parent);
		fputs("): its IOMMU-backed mdev ", f);
		print_mdevs(f, wrapped);
		fputs(" needs its parent in a singleton group", f);
		break;
	case VMDEV_WARNING_MDEV_PARENT_NOT_ALONE:
		fprintf(f, "mdev %s is IOMMU-backed by %s, which is not alone in group %u (with ",
			vmdev_member_get_name(member), parent, vmdev_group_get_number(concerned));
		print_others(f, concerned, parent);
		fputs("): it needs its parent in a singleton group", f);
		break;
	}
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* Why a member spoils its group, and what to do about it. */
static char *spoil_reason(struct vmdev_group *group, struct vmdev_member *member,
			  const char *driver)
{
	const char *name = vmdev_member_get_name(member);
	struct vmdev_member *m, *first = NULL;
	int n_pci = 0;
	char *reason = NULL;
	int r;

	vmdev_member_foreach(group, m) {
		if (vmdev_member_get_kind(m) != VMDEV_MEMBER_PCI ||
		    vmdev_pci_is_bridge(vmdev_member_get_pci(m)))
			continue;
		if (!first)
			first = m;
		n_pci++;
	}
	if (vmdev_member_get_kind(member) != VMDEV_MEMBER_PCI)
		r = asprintf(&reason, "%s is bound to host driver %s: unbind it", name,
			     driver);
	else if (strcmp(driver, VMDEV_MDEV_PCI_DRIVER) == 0)
		/* its mdev has a group of its own, which hides this one */
		r = asprintf(&reason,
			     "%s is wrapped by %s: assign its mdev instead, or give the whole group to vfio-pci (vmdevctl bind --group %s)",
			     name, driver, name);
	else if (n_pci > 1 && first)
		r = asprintf(&reason,
			     "%s is bound to host driver %s: bind it too (vmdevctl bind --group %s)",
			     name, driver, vmdev_member_get_name(first));
	else
		r = asprintf(&reason,
			     "%s is bound to host driver %s: bind it to vfio-pci (vmdevctl bind %s)",
			     name, driver, name);
	return r < 0 ? NULL : reason;
}

/*
 * An mdev without a driver: its group has no /dev/vfio node to hand out.
 * Since 5.16 the mdev bus matches no driver by itself (its driver is
 * attached once, at create): writing to drivers/DRIVER/bind fails with
 * ENODEV, so the way back is to create it again.
 */
static char *unbound_mdev_reason(struct vmdev_member *member)
{
	struct vmdev_mdev *mdev = vmdev_member_get_mdev(member);
	const char *uuid = vmdev_member_get_name(member);
	char *driver = NULL, *reason = NULL;
	int r;

	if (!mdev)
		return strdup("it has no driver, so its group has no /dev/vfio node");
	vmdev_parent_get_mdev_driver(vmdev_mdev_get_parent(mdev), &driver);
	r = asprintf(&reason, "mdev %s has no driver, so its group has no /dev/vfio node; %s%s%sthe kernel binds an mdev only when it is created: create it again (vmdevctl remove %s; vmdevctl create -p %s -t %s -u %s)",
		     uuid, driver ? "its driver " : "", driver ? driver : "",
		     driver ? " let it go and " : "", uuid,
		     vmdev_parent_get_name(vmdev_mdev_get_parent(mdev)),
		     vmdev_type_get_id(vmdev_mdev_get_type(mdev)), uuid);
	free(driver);
	return r < 0 ? NULL : reason;
}

char *member_reason(struct vmdev_group *group, struct vmdev_member *member,
		    enum vmdev_verdict verdict, const char *driver)
{
	if (verdict == VMDEV_VERDICT_MDEV_UNBOUND)
		return unbound_mdev_reason(member);
	if (verdict == VMDEV_VERDICT_NOIOMMU)
		return strdup(NOIOMMU_REASON);
	return driver ? spoil_reason(group, member, driver) : strdup("its driver cannot be read");
}

/* A refusal of bind (DRIVER) or unbind (DRIVER NULL) as one error line
 * with its hint; the exit code, 0 for none. */
static int refused_as(struct vmdev_pci *pci, const char *driver,
		      enum vmdev_refusal_kind why, const char *detail)
{
	const char *address = vmdev_pci_get_address(pci);
	int group = vmdev_pci_get_iommu_group(pci);

	switch (why) {
	case VMDEV_REFUSAL_BRIDGE:
		fail(0, "cannot bind %s to %s: %s (bind the devices behind it)", address,
		     driver, detail);
		return EXIT_FAILED;
	case VMDEV_REFUSAL_SRIOV_PF:
		fail(0, "cannot bind %s to %s: %s, which the driver refuses (first: vmdevctl sriov %s 0)",
		     address, driver, detail, address);
		return EXIT_FAILED;
	case VMDEV_REFUSAL_HEADER_TYPE:
		fail(0, "cannot bind %s to %s: %s", address, driver, detail);
		return EXIT_FAILED;
	case VMDEV_REFUSAL_IN_USE:
		if (driver)
			fail(0, "cannot bind %s to %s: %s (--force takes it anyway)", address,
			     driver, detail);
		else
			fail(0, "cannot unbind %s: %s (--force takes it anyway)", address, detail);
		return EXIT_BUSY;
	case VMDEV_REFUSAL_HELD:
		fail(0, "cannot %s %s: it is in use by %s (VFIO group %d or its mdevs); stop that first",
		     driver ? "rebind" : "unbind", address, detail, group);
		return EXIT_BUSY;
	default:
		return EXIT_OK;
	}
}

/* A refusal from the library, worded; the exit code, 0 for none. */
static int refused(struct vmdev_pci *pci, const char *driver,
		   const struct vmdev_refusal *refusal)
{
	enum vmdev_refusal_kind why = vmdev_refusal_get_kind(refusal);
	char *detail;
	int code;

	if (why == VMDEV_REFUSAL_NONE)
		return EXIT_OK;
	detail = refusal_text(refusal, pci, driver);
	code = refused_as(pci, driver, why, detail ? detail : "?");
	free(detail);
	return code;
}

int check_bind(struct vmdev_pci *pci, const char *driver, unsigned int flags)
{
	struct vmdev_refusal *refusal = NULL;
	int r = vmdev_pci_check_bind(pci, driver, flags, &refusal);

	if (r < 0)
		return fail(r, "cannot check %s", vmdev_pci_get_address(pci));
	r = refused(pci, driver, refusal);
	vmdev_refusal_free(refusal);
	return r;
}

int check_unbind(struct vmdev_pci *pci, unsigned int flags)
{
	struct vmdev_refusal *refusal = NULL;
	int r = vmdev_pci_check_unbind(pci, flags, &refusal);

	if (r < 0)
		return fail(r, "cannot check %s", vmdev_pci_get_address(pci));
	r = refused(pci, NULL, refusal);
	vmdev_refusal_free(refusal);
	return r;
}

int check_sriov(struct vmdev_pci *pf, unsigned int numvfs)
{
	const char *address = vmdev_pci_get_address(pf);
	struct vmdev_refusal *refusal = NULL;
	const char *vf;
	char *detail;
	int code = EXIT_OK;
	int r = vmdev_pci_check_sriov(pf, numvfs, 0, &refusal);

	if (r < 0)
		return fail(r, "cannot check %s", address);
	vf = vmdev_refusal_get_vf(refusal);
	detail = refusal ? refusal_text(refusal, NULL, NULL) : NULL;
	switch (vmdev_refusal_get_kind(refusal)) {
	case VMDEV_REFUSAL_NOT_SRIOV_PF:
		code = fail_code(EXIT_FAILED, "cannot set the VFs of %s: it is not an SR-IOV PF",
				 address);
		break;
	case VMDEV_REFUSAL_NO_PF_DRIVER:
		code = fail_code(EXIT_FAILED, "cannot set the VFs of %s to %u: it has no driver, and the kernel makes VFs only through the PF's driver (bind it to its host driver first)",
				 address, numvfs);
		break;
	case VMDEV_REFUSAL_HELD:
		code = fail_code(EXIT_BUSY, "cannot set the VFs of %s to %u: its VF %s is in use by %s (VFIO group %d); taking the VFs away would pull it from under them: stop that first",
				 address, numvfs, vf ? vf : "?", detail ? detail : "?",
				 vmdev_refusal_get_group(refusal));
		break;
	case VMDEV_REFUSAL_IN_USE:
		code = fail_code(EXIT_BUSY, "cannot set the VFs of %s to %u: its VF %s is used by the host: %s",
				 address, numvfs, vf ? vf : "?", detail ? detail : "?");
		break;
	case VMDEV_REFUSAL_NONE:
		break;
	default:
		code = fail_code(EXIT_FAILED, "cannot set the VFs of %s to %u: %s", address, numvfs,
				 detail ? detail : "refused");
	}
	free(detail);
	vmdev_refusal_free(refusal);
	return code;
}

int check_remove(struct vmdev_mdev *mdev)
{
	const char *uuid = vmdev_mdev_get_uuid(mdev);
	struct vmdev_refusal *refusal = NULL;
	char *detail;
	int r = vmdev_mdev_check_remove(mdev, &refusal);

	if (r < 0)
		return fail(r, "cannot remove mdev %s", uuid);
	if (!refusal)
		return 0;
	detail = refusal_text(refusal, NULL, NULL);
	fail(0, "cannot remove mdev %s: it is in use by %s; stop that first", uuid,
	     detail ? detail : "?");
	free(detail);
	vmdev_refusal_free(refusal);
	return EXIT_BUSY;
}

int group_warnings(struct vmdev_group *group, char ***sentences, size_t *count)
{
	struct vmdev_warning *first = NULL, *w;
	char **list = NULL;
	size_t n = 0;
	int r;

	*sentences = NULL;
	*count = 0;
	r = vmdev_group_get_warnings(group, &first);
	if (r < 0)
		return r;
	vmdev_warning_foreach(first, w) {
		char **grown = realloc(list, (n + 1) * sizeof(*list));
		char *text = warning_text(group, w);

		if (grown)
			list = grown;
		if (!grown || !text) {
			free(text);
			r = -ENOMEM;
			break;
		}
		list[n++] = text;
	}
	vmdev_warnings_free(first);
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			free(list[i]);
		free(list);
		return r;
	}
	*sentences = list;
	*count = n;
	return 0;
}

int refuse_qemu_noiommu(const char *address, int group)
{
	fail(0, "cannot assign %s: its group %d is a noiommu group (" NOIOMMU_REASON
	     "): nothing keeps its DMA from the host's memory; enable the IOMMU (intel_iommu=on or amd_iommu=on) and unload vfio without enable_unsafe_noiommu_mode",
	     address, group);
	return EXIT_FAILED;
}

int refuse_qemu_no_cdev(const char *address, const struct vmdev_vfio_device *vdev, int r)
{
	if (r < 0 && r != -ENOENT)
		return fail(r, "cannot read the VFIO device of %s", address);
	if (!vdev)
		fail(0, "cannot assign %s with --iommufd: it has no VFIO device (no vfio driver has it)",
		     address);
	else if (!vdev->has_cdev)
		fail(0, "cannot assign %s with --iommufd: its VFIO device %s has no cdev (the kernel is built without IOMMUFD and VFIO_DEVICE_CDEV, 6.6 and later); leave out --iommufd to assign it through its group",
		     address, vdev->name);
	else
		fail(0, "cannot assign %s with --iommufd: %s does not exist (is devtmpfs mounted on /dev?)",
		     address, vdev->node);
	return EXIT_FAILED;
}
