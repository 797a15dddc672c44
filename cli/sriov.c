// SPDX-License-Identifier: GPL-2.0-or-later
/* sriov: SR-IOV PFs and their VFs; setting a PF's VF count safely. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "refusals.h"

struct sriov_options {
	const char *driver;
};

static const struct command_option sriov_options[] = {
	NAME_OPTION("driver", 'd', "driver name", struct sriov_options, driver),
	END_OPTIONS,
};

/* A PF as the listing shows it, read live. */
struct pf_record {
	struct vmdev_pci *pf;
	char *driver;
	unsigned int totalvfs, numvfs, vf_device;
	bool numvfs_known, autoprobe_known, autoprobe, vf_device_known;
	struct vmdev_pci **vfs;
	size_t n_vfs;
	char **vf_drivers;
};

static int pf_record_read(struct vmdev_pci *pf, struct pf_record *rec)
{
	int r;

	*rec = (struct pf_record){ .pf = pf };
	r = vmdev_pci_get_sriov_totalvfs(pf, &rec->totalvfs);
	if (r < 0)
		return r;
	vmdev_pci_get_driver(pf, &rec->driver);
	rec->numvfs_known = vmdev_pci_get_sriov_numvfs(pf, &rec->numvfs) == 0;
	rec->autoprobe_known = vmdev_pci_get_sriov_autoprobe(pf, &rec->autoprobe) == 0;
	rec->vf_device_known = vmdev_pci_get_sriov_vf_device(pf, &rec->vf_device) == 0;
	r = vmdev_pci_get_vfs(pf, &rec->vfs, &rec->n_vfs);
	if (r < 0)
		return r;
	rec->vf_drivers = calloc(rec->n_vfs + 1, sizeof(*rec->vf_drivers));
	if (!rec->vf_drivers)
		return -ENOMEM;
	for (size_t i = 0; i < rec->n_vfs; i++)
		vmdev_pci_get_driver(rec->vfs[i], &rec->vf_drivers[i]);
	return 0;
}

static void pf_record_free(struct pf_record *rec)
{
	for (size_t i = 0; rec->vf_drivers && i < rec->n_vfs; i++)
		free(rec->vf_drivers[i]);
	free(rec->vf_drivers);
	free(rec->vfs);
	free(rec->driver);
}

static void pf_record_json(struct jout *j, const struct pf_record *rec)
{
	jout_open_object(j, NULL);
	jout_string(j, "pf", vmdev_pci_get_address(rec->pf));
	jout_string(j, "driver", rec->driver);
	jout_int(j, "totalvfs", rec->totalvfs);
	if (rec->numvfs_known)
		jout_int(j, "numvfs", rec->numvfs);
	else
		jout_null(j, "numvfs");
	if (rec->autoprobe_known)
		jout_bool(j, "autoprobe", rec->autoprobe);
	else
		jout_null(j, "autoprobe");
	if (rec->vf_device_known)
		jout_hex(j, "vf_device", rec->vf_device, 4);
	else
		jout_null(j, "vf_device");
	jout_open_array(j, "vfs");
	for (size_t i = 0; i < rec->n_vfs; i++) {
		jout_open_object(j, NULL);
		jout_string(j, "address", vmdev_pci_get_address(rec->vfs[i]));
		jout_int_or_null(j, "iommu_group", vmdev_pci_get_iommu_group(rec->vfs[i]));
		jout_string(j, "driver", rec->vf_drivers[i]);
		jout_close_object(j);
	}
	jout_close_array(j);
	jout_close_object(j);
}

static void pf_record_text(const struct pf_record *rec, bool *header)
{
	char numvfs[16] = "-", vf_id[16] = "-";

	if (!*header) {
		printf("%-14s %-14s %-5s %-5s %-9s %s\n", "PF", "DRIVER", "VFS", "TOTAL",
		       "AUTOPROBE", "VF_ID");
		*header = true;
	}
	if (rec->numvfs_known)
		snprintf(numvfs, sizeof(numvfs), "%u", rec->numvfs);
	if (rec->vf_device_known)
		snprintf(vf_id, sizeof(vf_id), "%04x:%04x", vmdev_pci_get_vendor(rec->pf),
			 rec->vf_device);
	printf("%-14s %-14s %-5s %-5u %-9s %s\n", vmdev_pci_get_address(rec->pf),
	       or_dash(rec->driver), numvfs, rec->totalvfs,
	       rec->autoprobe_known ? (rec->autoprobe ? "on" : "off") : "-", vf_id);
	for (size_t i = 0; i < rec->n_vfs; i++) {
		int group = vmdev_pci_get_iommu_group(rec->vfs[i]);
		char g[16] = "-";

		if (group >= 0)
			snprintf(g, sizeof(g), "%d", group);
		printf("  VF %-12s group %-6s %s\n", vmdev_pci_get_address(rec->vfs[i]), g,
		       or_dash(rec->vf_drivers[i]));
	}
}

/* Print the PFs, as text or JSON; the exit code. */
static int print_pfs(struct cli *cli, struct vmdev_pci **pfs, size_t n)
{
	struct jout j;
	bool header = false;
	int code = EXIT_OK;

	if (cli->json)
		jout_begin(&j, stdout);
	for (size_t i = 0; i < n; i++) {
		struct pf_record rec;
		int r = pf_record_read(pfs[i], &rec);

		if (r < 0)
			code = fail(r, "cannot read PF %s", vmdev_pci_get_address(pfs[i]));
		else if (cli->json)
			pf_record_json(&j, &rec);
		else
			pf_record_text(&rec, &header);
		pf_record_free(&rec);
	}
	if (cli->json)
		jout_end(&j);
	else if (n == 0)
		fputs("no SR-IOV capable PCI device (no sriov_totalvfs under /sys/bus/pci/devices)\n",
		      stderr);
	return code;
}

/* ADDRESS parsed and found, and an SR-IOV PF; else the exit code. */
static int find_pf(struct cli *cli, const char *arg, struct vmdev_pci **pf)
{
	char address[VMDEV_PCI_ADDR_LEN];
	struct vmdev_pci *physfn;
	unsigned int total;
	int r;

	if (vmdev_parse_pci_address(arg, address) < 0)
		return fail_usage("invalid PCI address '%s' (expected DDDD:BB:DD.F)", shown(arg));
	r = vmdev_pci_find(cli->ctx, address, pf);
	if (r == -ENOENT)
		return fail_code(EXIT_NOT_FOUND, "no PCI device %s (see vmdevctl devices)", address);
	if (r < 0)
		return fail(r, "cannot read PCI device %s", address);
	r = vmdev_pci_get_sriov_totalvfs(*pf, &total);
	if (r == 0)
		return 0;
	if (r != -ENOENT)
		return fail(r, "cannot read PCI device %s", address);
	if (vmdev_pci_get_physfn(*pf, &physfn) == 0)
		return fail_code(EXIT_FAILED, "%s is not an SR-IOV PF: it is a VF of %s (vmdevctl sriov %s)",
				 address, vmdev_pci_get_address(physfn), vmdev_pci_get_address(physfn));
	return fail_code(EXIT_FAILED, "%s is not an SR-IOV PF (it has no sriov_totalvfs; see vmdevctl sriov)",
			 address);
}

/* sriov [PF...]: every PF, or those named (each found before any output). */
static int list_pfs(struct cli *cli)
{
	struct vmdev_pci **pfs, *pci;
	size_t n = 0;
	int r = 0;

	if (cli->n_args > 0) {
		pfs = calloc((size_t)cli->n_args, sizeof(*pfs));
		if (!pfs)
			return fail(-ENOMEM, "sriov");
		for (int i = 0; i < cli->n_args && !r; i++)
			r = find_pf(cli, cli->args[i], &pfs[n++]);
	} else {
		size_t size = 0;

		vmdev_pci_foreach(cli->ctx, pci)
			size++;
		pfs = calloc(size + 1, sizeof(*pfs));
		if (!pfs)
			return fail(-ENOMEM, "sriov");
		/* the VFs read below join the listing: take the PFs first */
		vmdev_pci_foreach(cli->ctx, pci) {
			unsigned int total;

			if (n < size && vmdev_pci_get_sriov_totalvfs(pci, &total) == 0)
				pfs[n++] = pci;
		}
	}
	if (!r && !cli->quiet)
		r = print_pfs(cli, pfs, n);
	free(pfs);
	return r;
}

/* NUM: a decimal VF count; else -1 */
static long parse_count(const char *text)
{
	char *end;
	long value;

	if (!*text || strspn(text, "0123456789") != strlen(text) || strlen(text) > 5)
		return -1;
	value = strtol(text, &end, 10);
	return value > 65535 ? -1 : value;
}

/* Whether ARG is meant as a count: digits only, which no address is. */
static bool is_count(const char *arg)
{
	return *arg && strspn(arg, "0123456789") == strlen(arg);
}

static int set_error(struct vmdev_pci *pf, unsigned int numvfs, const char *what, int r)
{
	const char *address = vmdev_pci_get_address(pf);
	char *driver = NULL;
	int code;

	switch (r) {
	case -EBUSY:
		return fail_code(EXIT_BUSY, "cannot set the VFs of %s to %u: another process is changing it (try again)",
				 address, numvfs);
	case -ENOENT:
	case -ENOSYS:
		/* the kernel's answer when the PF's driver cannot configure SR-IOV */
		vmdev_pci_get_driver(pf, &driver);
		code = fail_code(EXIT_FAILED, "cannot set the VFs of %s to %u: its driver %s cannot make VFs through sriov_numvfs (nothing changed)",
				 address, numvfs, driver ? driver : "(none)");
		free(driver);
		return code;
	case -ENOPKG:
		return fail_code(EXIT_NOT_FOUND, "no driver '%s': its module loaded but registered no driver of that name",
				 shown(what));
	case -ETIMEDOUT:
		return fail_code(EXIT_FAILED, "cannot set the VFs of %s to %u: they did not appear in time (see dmesg); taken away again",
				 address, numvfs);
	case -EIO:
		return fail_code(EXIT_FAILED, "cannot set the VFs of %s to %u: a VF did not end on %s (see dmesg); the VFs were taken away again and autoprobe restored",
				 address, numvfs, what);
	case -ENOTRECOVERABLE:
		return fail_code(EXIT_FAILED, "cannot set the VFs of %s to %u, and could not undo it either: see vmdevctl sriov %s",
				 address, numvfs, address);
	default:
		return fail(r, "cannot set the VFs of %s to %u", address, numvfs);
	}
}

/* sriov PF NUM [-d DRIVER|none|probe] */
static int set_vfs(struct cli *cli, const struct sriov_options *o)
{
	enum vmdev_vf_driver choice = VMDEV_VF_DRIVER_DEFAULT;
	const char *named = NULL, *what = "vfio-pci";
	unsigned int total;
	struct vmdev_pci *pf;
	long numvfs = parse_count(cli->args[1]);
	bool registered;
	int r;

	if (numvfs < 0)
		return fail_usage("invalid VF count '%s' (expected 0 to 65535)", shown(cli->args[1]));
	r = find_pf(cli, cli->args[0], &pf);
	if (r)
		return r;
	if (vmdev_pci_get_sriov_totalvfs(pf, &total) == 0 && numvfs > (long)total)
		return fail_usage("invalid VF count %ld for %s: it has at most %u", numvfs,
				  vmdev_pci_get_address(pf), total);
	if (o->driver && strcmp(o->driver, "none") == 0) {
		choice = VMDEV_VF_DRIVER_NONE;
		what = "no driver";
	} else if (o->driver && strcmp(o->driver, "probe") == 0) {
		choice = VMDEV_VF_DRIVER_PROBE;
		what = "the kernel's choice";
	} else if (o->driver) {
		choice = VMDEV_VF_DRIVER_NAMED;
		what = named = o->driver;
		if (vmdev_driver_lookup(cli->ctx, named, &registered) < 0)
			return fail_code(EXIT_NOT_FOUND, "no driver '%s': neither registered nor loadable as a module",
					 shown(named));
	}
	r = check_sriov(pf, (unsigned int)numvfs);
	if (r)
		return r;
	r = vmdev_pci_set_sriov_numvfs(pf, (unsigned int)numvfs, choice, named, 0);
	if (r < 0)
		return set_error(pf, (unsigned int)numvfs, what, r);
	if (cli->dry_run || cli->quiet)
		return EXIT_OK;
	return print_pfs(cli, &pf, 1);
}

static int run_sriov(struct cli *cli, const void *options)
{
	const struct sriov_options *o = options;

	if (cli->n_args == 2 && is_count(cli->args[1]))
		return set_vfs(cli, o);
	for (int i = 1; i < cli->n_args; i++)
		if (is_count(cli->args[i]))
			return fail_usage("sriov PF NUM takes one PF and one count, not '%s' (see vmdevctl help sriov)",
					  shown(cli->args[i == 1 ? 2 : i]));
	if (o->driver)
		return fail_usage("-d goes with a VF count: sriov PF NUM -d DRIVER (see vmdevctl help sriov)");
	return list_pfs(cli);
}

const struct command cmd_sriov = {
	.name = "sriov",
	.usage = "sriov [PF...] | sriov PF NUM [-d DRIVER|none|probe]",
	.summary = "SR-IOV PFs and their VFs; make NUM VFs and bind them",
	.options = sriov_options,
	.options_size = sizeof(struct sriov_options),
	.run = run_sriov,
};
