// SPDX-License-Identifier: GPL-2.0-or-later
/* bind and unbind: PCI devices between host drivers and vfio drivers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups.h"
#include "refusals.h"

struct bind_options {
	const char *driver;
	bool group, new_id, force;
};

static const struct command_option bind_options[] = {
	NAME_OPTION("driver", 'd', "driver name", struct bind_options, driver),
	FLAG_OPTION("group", 0, struct bind_options, group),
	FLAG_OPTION("new-id", 0, struct bind_options, new_id),
	FLAG_OPTION("force", 0, struct bind_options, force),
	END_OPTIONS,
};

struct unbind_options {
	bool no_probe, force;
};

static const struct command_option unbind_options[] = {
	FLAG_OPTION("force", 0, struct unbind_options, force),
	FLAG_OPTION("no-probe", 0, struct unbind_options, no_probe),
	END_OPTIONS,
};

/* The driver a bind asked for: named, or chosen per device (NULL). */
#define DRIVER_AUTO "auto"

/* How a device's driver was chosen, and by which variant's module. */
struct choice {
	enum vmdev_driver_choice how;
	char *driver; /* the name to check with (a variant's guess until loaded) */
	char *module; /* VMDEV_DRIVER_CHOICE_ALIAS: the variant's module */
	const char *address;
};

static const char *const choice_names[] = {
	[VMDEV_DRIVER_CHOICE_NAMED] = "named",
	[VMDEV_DRIVER_CHOICE_ALIAS] = "alias",
	[VMDEV_DRIVER_CHOICE_DEFAULT] = "default",
};

/* What bind and unbind did to each device. */
struct bind_result {
	const char *address;
	char *driver;   /* the one it is on now */
	char *previous; /* the one it was on */
	enum vmdev_driver_choice choice; /* bind */
	char *module;   /* the variant's module (choice ALIAS) */
};

struct bind_results {
	struct bind_result *list;
	size_t n, size;
	bool bind; /* results of a bind: the JSON says how each driver was chosen */
};

/* The choice for PCI: DRIVER when named, else the library's choice. */
static int choose(struct vmdev_pci *pci, const char *driver, struct choice *c)
{
	int r;

	*c = (struct choice){ VMDEV_DRIVER_CHOICE_NAMED, NULL, NULL, vmdev_pci_get_address(pci) };
	if (driver) {
		c->driver = strdup(driver);
		return c->driver ? 0 : fail(-ENOMEM, "bind");
	}
	r = vmdev_pci_choose_vfio_driver(pci, &c->driver, &c->module, &c->how);
	if (r < 0)
		return fail(r, "cannot choose a vfio driver for %s", vmdev_pci_get_address(pci));
	return 0;
}

static void choice_clear(struct choice *c)
{
	free(c->driver);
	free(c->module);
	*c = (struct choice){ VMDEV_DRIVER_CHOICE_NAMED, NULL, NULL, NULL };
}

/* Note what PCI is on now; PREVIOUS and C's module are taken over. */
static void add_result(struct bind_results *results, struct vmdev_pci *pci, char *previous,
		       struct choice *c)
{
	struct bind_result *r;

	if (results->n == results->size) {
		size_t size = results->size ? 2 * results->size : 8;
		struct bind_result *list = realloc(results->list, size * sizeof(*list));

		if (!list) {
			free(previous);
			return;
		}
		results->list = list;
		results->size = size;
	}
	r = &results->list[results->n++];
	*r = (struct bind_result){ vmdev_pci_get_address(pci), NULL, previous,
				   VMDEV_DRIVER_CHOICE_NAMED, NULL };
	if (c) {
		r->choice = c->how;
		r->module = c->module;
		c->module = NULL;
	}
	vmdev_pci_get_driver(pci, &r->driver);
}

static void free_results(struct bind_results *results)
{
	for (size_t i = 0; i < results->n; i++) {
		free(results->list[i].driver);
		free(results->list[i].previous);
		free(results->list[i].module);
	}
	free(results->list);
}

static void results_json(const struct bind_results *results)
{
	struct jout j;

	jout_begin(&j, stdout);
	for (size_t i = 0; i < results->n; i++) {
		jout_open_object(&j, NULL);
		jout_string(&j, "address", results->list[i].address);
		jout_string(&j, "driver", results->list[i].driver);
		jout_string(&j, "previous_driver", results->list[i].previous);
		if (results->bind)
			jout_string(&j, "driver_choice", choice_names[results->list[i].choice]);
		jout_close_object(&j);
	}
	jout_end(&j);
}

static void results_text(const struct bind_results *results)
{
	for (size_t i = 0; i < results->n; i++) {
		const struct bind_result *r = &results->list[i];

		printf("%s: %s -> %s", r->address, or_dash(r->previous), or_dash(r->driver));
		if (r->choice == VMDEV_DRIVER_CHOICE_ALIAS)
			printf(" (a vfio-pci variant: the vfio_pci: alias of module %s matches it)",
			       r->module);
		else if (r->choice == VMDEV_DRIVER_CHOICE_DEFAULT)
			fputs(" (no vfio-pci variant's alias matches it)", stdout);
		putchar('\n');
	}
}

/*
 * Print what was done, free it and return STATUS: after a failure (its
 * error is on stderr already) the devices handled before it are still
 * shown. A dry run shows its writes instead.
 */
static int print_results(struct cli *cli, struct bind_results *results, int status)
{
	if (!(status && results->n == 0) && !cli->dry_run && !cli->quiet) {
		if (cli->json)
			results_json(results);
		else
			results_text(results);
	}
	free_results(results);
	return status;
}

/* Every address parsed and found before anything is written. */
static int find_devices(struct cli *cli, const char *command, struct vmdev_pci ***out)
{
	struct vmdev_pci **pcis;

	*out = NULL;
	if (cli->n_args == 0)
		return fail_usage("%s needs a PCI address (see vmdevctl devices)", command);
	pcis = calloc((size_t)cli->n_args, sizeof(*pcis));
	if (!pcis)
		return fail(-ENOMEM, "%s", command);
	for (int i = 0; i < cli->n_args; i++) {
		char address[VMDEV_PCI_ADDR_LEN];
		int r;

		if (vmdev_parse_pci_address(cli->args[i], address) < 0) {
			free(pcis);
			return fail_usage("invalid PCI address '%s' (expected DDDD:BB:DD.F)",
					  shown(cli->args[i]));
		}
		r = vmdev_pci_find(cli->ctx, address, &pcis[i]);
		if (r < 0) {
			free(pcis);
			if (r == -ENOENT) {
				fail(0, "no PCI device %s (see vmdevctl devices)", address);
				return EXIT_NOT_FOUND;
			}
			return fail(r, "cannot read PCI device %s", address);
		}
	}
	*out = pcis;
	return 0;
}

/*
 * Binding through new_id (asked, or a vfio driver without an id table such
 * as vfio-mdev-pci) binds every other driverless device with the same ids
 * too: say so on stderr, naming those the library says new_id takes now
 * (by the kernel's rules: no driver, no override for another driver, not
 * refused by the driver's probe). Not an error.
 */
static void note_new_id(struct cli *cli, struct vmdev_pci *pci, const char *driver,
			unsigned int flags)
{
	unsigned int vendor = vmdev_pci_get_vendor(pci), device = vmdev_pci_get_device(pci);
	struct vmdev_pci **peers = NULL;
	size_t n_peers = 0;
	char *current = NULL;
	bool has_table = true;

	if (cli->quiet)
		return;
	if (!(flags & VMDEV_BIND_NEW_ID) &&
	    (vmdev_driver_has_id_table(cli->ctx, driver, &has_table) < 0 || has_table))
		return;
	vmdev_pci_get_driver(pci, &current);
	if (current && strcmp(current, driver) == 0) {
		free(current);
		return;
	}
	free(current);
	fprintf(stderr, "vmdevctl: note: %s%s is bound through new_id \"%04x %04x\": every other device with those ids and no driver gets bound to %s too",
		vmdev_pci_get_address(pci), flags & VMDEV_BIND_NEW_ID ? "" : " (the driver has no id table)",
		vendor, device, driver);
	if (vmdev_pci_get_new_id_peers(pci, driver, &peers, &n_peers) < 0)
		n_peers = 0;
	for (size_t i = 0; i < n_peers; i++)
		fprintf(stderr, "%s%s", i ? ", " : " (now: ", vmdev_pci_get_address(peers[i]));
	free(peers);
	fprintf(stderr, "%s; the dynamic id is removed again afterwards\n", n_peers ? ")" : "");
}

static int bind_error(struct cli *cli, struct vmdev_pci *pci, const struct choice *c, int r)
{
	const char *address = vmdev_pci_get_address(pci);
	const char *driver = c->driver;

	if (c->how == VMDEV_DRIVER_CHOICE_ALIAS && r == -ENOENT) {
		fail(0, "cannot bind %s: module %s, the vfio-pci variant whose vfio_pci: alias matches it, is not installed (run depmod if modules.alias is stale; bind -d vfio-pci for the generic driver)",
		     address, c->module);
		return EXIT_NOT_FOUND;
	}
	if (c->how == VMDEV_DRIVER_CHOICE_ALIAS && r == -ENOPKG) {
		fail(0, "cannot bind %s: module %s, the vfio-pci variant whose vfio_pci: alias matches it, loaded but registered no PCI driver",
		     address, c->module);
		return EXIT_NOT_FOUND;
	}
	if (c->how == VMDEV_DRIVER_CHOICE_ALIAS && r != -EIO && r != -ENOTRECOVERABLE) {
		bool registered = false;

		/* its module did not load: the driver is still not there */
		if (vmdev_driver_lookup(cli->ctx, driver, &registered) < 0 || !registered) {
			fail(0, "cannot bind %s: module %s, the vfio-pci variant whose vfio_pci: alias matches it, failed to load: %s (see dmesg; bind -d vfio-pci for the generic driver)",
			     address, c->module, strerror(-r));
			return EXIT_FAILED;
		}
		return fail(r, "cannot bind %s to %s (the vfio-pci variant of module %s)", address,
			    driver, c->module);
	}

	if (r == -EIO)
		return fail_code(EXIT_FAILED, "cannot bind %s to %s: the driver did not take it (see dmesg); its driver was restored",
				 address, driver);
	/* the driver was found before: ENOENT now means something vanished */
	if (r == -ENOPKG) {
		fail(0, "no driver '%s': its module loaded but registered no driver of that name",
		     shown(driver));
		return EXIT_NOT_FOUND;
	}
	if (r == -ENOTRECOVERABLE)
		return fail_code(EXIT_FAILED, "cannot bind %s to %s, and its driver could not be restored: see vmdevctl devices %s",
				 address, driver, address);
	return fail(r, "cannot bind %s to %s", address, driver);
}

/* The IOMMU groups of PCIS, each once, every endpoint checked for DRIVER
 * (NULL: each endpoint's own choice). */
static int find_groups(struct cli *cli, struct vmdev_pci **pcis, const char *driver,
		       unsigned int flags, struct vmdev_group **groups, size_t *n)
{
	for (int i = 0; i < cli->n_args; i++) {
		int number = vmdev_pci_get_iommu_group(pcis[i]);
		struct vmdev_group *group;
		struct vmdev_member *m;
		bool seen = false;

		if (number < 0 || vmdev_group_find(cli->ctx, (unsigned int)number, &group) < 0)
			return fail_code(EXIT_FAILED, "%s has no IOMMU group: enable the IOMMU (intel_iommu=on or amd_iommu=on) to assign it",
					 vmdev_pci_get_address(pcis[i]));
		for (size_t j = 0; j < *n; j++)
			seen |= groups[j] == group;
		if (seen)
			continue;
		groups[(*n)++] = group;
		vmdev_member_foreach(group, m) {
			struct vmdev_pci *pci = vmdev_member_get_pci(m);
			struct choice c;
			int r;

			if (!pci || vmdev_pci_is_bridge(pci))
				continue;
			r = choose(pci, driver, &c);
			if (r == 0)
				r = check_bind(pci, c.driver, flags);
			choice_clear(&c);
			if (r)
				return r;
		}
	}
	return 0;
}

/* The first of N choices whose variant's module libkmod does not find. */
static struct choice *missing_variant(struct cli *cli, struct choice *choices, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bool registered;

		if (choices[i].how == VMDEV_DRIVER_CHOICE_ALIAS &&
		    vmdev_driver_lookup(cli->ctx, choices[i].module, &registered) < 0)
			return &choices[i];
	}
	return NULL;
}

/* Bind every endpoint of GROUP; note each PCI member's drivers. */
static int bind_group(struct cli *cli, struct vmdev_group *group, const char *driver,
		      unsigned int flags, struct bind_results *results)
{
	const char *shown_driver = driver;
	struct vmdev_member *m;
	struct choice *choices, *missing;
	char **previous;
	size_t k = 0, count = 0;
	int r = 0, code = EXIT_FAILED;

	vmdev_member_foreach(group, m)
		count++;
	previous = calloc(count + 1, sizeof(*previous));
	choices = calloc(count + 1, sizeof(*choices));
	if (!previous || !choices) {
		free(previous);
		free(choices);
		return fail(-ENOMEM, "bind");
	}
	vmdev_member_foreach(group, m) {
		struct vmdev_pci *pci = vmdev_member_get_pci(m);

		if (!pci)
			continue;
		vmdev_pci_get_driver(pci, &previous[k]);
		if (!vmdev_pci_is_bridge(pci) && r == 0 &&
		    (r = choose(pci, driver, &choices[k])) == 0)
			note_new_id(cli, pci, choices[k].driver, flags);
		k++;
	}
	/* the members' chosen driver when they share one */
	for (size_t i = 0; i < k && !driver; i++) {
		if (!choices[i].driver)
			continue;
		if (!shown_driver)
			shown_driver = choices[i].driver;
		else if (strcmp(shown_driver, choices[i].driver) != 0)
			shown_driver = "the vfio drivers chosen for its members";
	}
	if (!shown_driver)
		shown_driver = "vfio-pci";
	if (r == 0) {
		r = vmdev_group_bind(group, driver, flags);
	} else {
		code = r; /* choose() said why */
		r = -ECANCELED;
	}
	if (r == -ENOENT && (missing = missing_variant(cli, choices, k))) {
		fail(0, "cannot bind group %u: module %s, the vfio-pci variant whose vfio_pci: alias matches %s, is not installed (run depmod if modules.alias is stale; bind -d vfio-pci for the generic driver)",
		     vmdev_group_get_number(group), missing->module, missing->address);
		r = -ECANCELED;
		code = EXIT_NOT_FOUND;
	}
	if (r == -EIO)
		r = fail_code(EXIT_FAILED, "cannot bind group %u to %s: a device did not take the driver; every device was restored",
			      vmdev_group_get_number(group), shown_driver);
	else if (r == -ECANCELED)
		r = code;
	else if (r < 0)
		r = fail(r, "cannot bind group %u to %s", vmdev_group_get_number(group), shown_driver);
	k = 0;
	vmdev_member_foreach(group, m) {
		struct vmdev_pci *pci = vmdev_member_get_pci(m);

		if (!pci)
			continue;
		if (r == 0 && !vmdev_pci_is_bridge(pci))
			add_result(results, pci, previous[k], &choices[k]);
		else
			free(previous[k]);
		choice_clear(&choices[k]);
		k++;
	}
	free(previous);
	free(choices);
	return r;
}

/* bind --group: the devices' whole groups, then their verdicts. */
static int bind_groups(struct cli *cli, struct vmdev_pci **pcis, const char *driver,
		       unsigned int flags)
{
	struct vmdev_group **groups = calloc((size_t)cli->n_args, sizeof(*groups));
	struct bind_results results = { .bind = true };
	size_t n = 0;
	int r = groups ? find_groups(cli, pcis, driver, flags, groups, &n)
		       : fail(-ENOMEM, "bind");

	for (size_t i = 0; i < n && !r; i++)
		r = bind_group(cli, groups[i], driver, flags, &results);
	if (r) {
		free_results(&results);
		free(groups);
		return r;
	}
	if (cli->json || cli->dry_run || cli->quiet) {
		free(groups);
		return print_results(cli, &results, 0);
	}
	print_results(cli, &results, 0);
	for (size_t i = 0; i < n; i++) {
		struct group_record rec;

		if (group_record_read(groups[i], &rec) == 0)
			group_record_text(&rec);
		group_record_free(&rec);
	}
	free(groups);
	return EXIT_OK;
}

static int run_bind(struct cli *cli, const void *options)
{
	const struct bind_options *o = options;
	/* no -d, or -d auto: each device's vfio driver as the kernel intends */
	const char *driver = o->driver && strcmp(o->driver, DRIVER_AUTO) != 0 ? o->driver : NULL;
	unsigned int flags = (o->new_id ? VMDEV_BIND_NEW_ID : 0) |
			     (o->force ? VMDEV_BIND_FORCE : 0);
	struct bind_results results = { .bind = true };
	struct vmdev_pci **pcis;
	struct choice *choices;
	bool registered;
	int r;

	r = find_devices(cli, "bind", &pcis);
	if (r)
		return r;
	if (driver && vmdev_driver_lookup(cli->ctx, driver, &registered) < 0) {
		free(pcis);
		fail(0, "no driver '%s': neither registered nor loadable as a module", shown(driver));
		return EXIT_NOT_FOUND;
	}
	if (o->group) {
		r = bind_groups(cli, pcis, driver, flags);
		free(pcis);
		return r;
	}
	choices = calloc((size_t)cli->n_args, sizeof(*choices));
	if (!choices) {
		free(pcis);
		return fail(-ENOMEM, "bind");
	}
	for (int i = 0; i < cli->n_args && !r; i++)
		r = choose(pcis[i], driver, &choices[i]);
	for (int i = 0; i < cli->n_args && !r; i++)
		r = check_bind(pcis[i], choices[i].driver, flags);
	for (int i = 0; i < cli->n_args && !r; i++) {
		char *previous = NULL;
		int e;

		note_new_id(cli, pcis[i], choices[i].driver, flags);
		e = vmdev_pci_bind(pcis[i], driver, flags, &previous);
		if (e < 0 && choices[i].how == VMDEV_DRIVER_CHOICE_ALIAS) {
			/* the variant's module may be loaded now: its driver's own name */
			choice_clear(&choices[i]);
			choose(pcis[i], NULL, &choices[i]);
		}
		if (e < 0) {
			r = bind_error(cli, pcis[i], &choices[i], e);
			free(previous);
		} else {
			add_result(&results, pcis[i], previous, &choices[i]);
		}
	}
	for (int i = 0; i < cli->n_args; i++)
		choice_clear(&choices[i]);
	free(choices);
	free(pcis);
	return print_results(cli, &results, r);
}

const struct command cmd_bind = {
	.name = "bind",
	.usage = "bind [-d DRIVER|auto] [--group] [--new-id] [--force] ADDRESS...",
	.summary = "bind PCI devices to DRIVER (default: each device's vfio driver, a variant or vfio-pci)",
	.options = bind_options,
	.options_size = sizeof(struct bind_options),
	.run = run_bind,
};

static int run_unbind(struct cli *cli, const void *options)
{
	const struct unbind_options *o = options;
	unsigned int flags = (o->no_probe ? VMDEV_UNBIND_NO_PROBE : 0) |
			     (o->force ? VMDEV_UNBIND_FORCE : 0);
	struct bind_results results = { 0 };
	struct vmdev_pci **pcis;
	int r;

	r = find_devices(cli, "unbind", &pcis);
	if (r)
		return r;
	for (int i = 0; i < cli->n_args && !r; i++)
		r = check_unbind(pcis[i], flags);
	for (int i = 0; i < cli->n_args && !r; i++) {
		char *previous = NULL;
		int e = vmdev_pci_unbind(pcis[i], flags, &previous);

		if (e == -EIO)
			r = fail_code(EXIT_FAILED, "cannot unbind %s: it is still on %s",
				      vmdev_pci_get_address(pcis[i]), previous);
		else if (e < 0)
			r = fail(e, "cannot unbind %s", vmdev_pci_get_address(pcis[i]));
		if (e < 0)
			free(previous);
		else
			add_result(&results, pcis[i], previous, NULL);
	}
	free(pcis);
	return print_results(cli, &results, r);
}

const struct command cmd_unbind = {
	.name = "unbind",
	.usage = "unbind [--no-probe] [--force] ADDRESS...",
	.summary = "give PCI devices back to their host driver",
	.options = unbind_options,
	.options_size = sizeof(struct unbind_options),
	.run = run_unbind,
};
