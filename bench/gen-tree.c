// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen-tree: write a large sysfs tree shaped like a real kernel's (as in the
 * recorded trees under tests/golden): mdev parents on PCI and virtual
 * devices, their types, mdevs with their links and own IOMMU groups, and a
 * PCI population with multi-device groups. Deterministic: the same
 * arguments give the same tree, byte for byte.
 *
 * usage: gen-tree DIR [-p PARENTS] [-t TYPES] [-n MDEVS] [-g PCI_GROUPS]
 *
 * Half of the parents (at most 18) are PCI devices 0000:00:SS.0 bound to
 * "i915" whose mdevs use the mdev driver "kvmgt"; the others are virtual
 * devices /sys/devices/virtual/vpar<NN>/vpar<NN> whose mdevs use a driver of
 * the same name (like mtty). Mdev k goes to parent k % P, type (k / P) % T.
 * Each of the PCI_GROUPS (at most 8) multi-device groups is a root port
 * 0000:00:1c.G (own group, pcieport) with a 4-function device behind it
 * sharing one group (functions 0-2 on vfio-pci, function 3 on e1000e for
 * odd G, so some groups are not viable).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int root_fd;

static void die(const char *what, const char *path)
{
	fprintf(stderr, "gen-tree: %s %s: %s\n", what, path, strerror(errno));
	exit(1);
}

/* mkdir -p, relative to the root */
static void mkdirs(const char *path)
{
	char buf[4096];
	size_t len = strlen(path);

	if (mkdirat(root_fd, path, 0755) == 0 || errno == EEXIST)
		return;
	if (errno != ENOENT || len >= sizeof(buf))
		die("mkdir", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdirat(root_fd, buf, 0755) < 0 && errno != EEXIST)
			die("mkdir", buf);
		*p = '/';
	}
	if (mkdirat(root_fd, buf, 0755) < 0 && errno != EEXIST)
		die("mkdir", buf);
}

static void put_file(const char *path, mode_t mode, const void *data, size_t len)
{
	int fd = openat(root_fd, path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0)
		die("create", path);
	if (len && write(fd, data, len) != (ssize_t)len)
		die("write", path);
	close(fd);
}

__attribute__((format(printf, 3, 4)))
static void attr(const char *dir, const char *name, const char *format, ...)
{
	char path[4096], data[4096];
	va_list args;
	int n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	va_start(args, format);
	n = vsnprintf(data, sizeof(data), format, args);
	va_end(args);
	put_file(path, strcmp(name, "uevent") == 0 ? 0644 : 0444, data, (size_t)n);
}

static void empty(const char *dir, const char *name, mode_t mode)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	put_file(path, mode, NULL, 0);
}

/* LINK (in directory DIR) -> TARGET, written as the kernel does: relative */
static void link_rel(const char *dir, const char *name, const char *target)
{
	char path[4096], rel[4096];
	size_t common = 0, len = 0;
	const char *p;

	/* the longest common prefix ending at a component boundary */
	for (size_t i = 0; dir[i] && dir[i] == target[i]; i++)
		if (dir[i + 1] == '\0' ? target[i + 1] == '/' : dir[i + 1] == '/' && target[i + 1] == '/')
			common = i + 1;
	for (p = dir + common; *p; p++)
		if (*p == '/')
			len += (size_t)snprintf(rel + len, sizeof(rel) - len, "../");
	snprintf(rel + len, sizeof(rel) - len, "%s", target + common + 1);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (symlinkat(rel, root_fd, path) < 0)
		die("symlink", path);
}

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A version-4 style UUID derived from the mdev's index. */
static void uuid_for(unsigned long k, char out[37])
{
	uint64_t a = splitmix(k * 2 + 1), b = splitmix(k * 2 + 2);

	snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff,
		 0x8000 | ((unsigned)(b >> 48) & 0x3fff),
		 (unsigned long long)(b & 0xffffffffffffULL));
}

static unsigned next_group;

/* DIR/vfio-dev/vfioN, the VFIO device of a device on a vfio driver, as the
 * recorded 6.1 trees have it: an empty uevent, no cdev */
static unsigned next_vfio_dev;
static void vfio_dev(const char *dir)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/vfio-dev/vfio%u", dir, next_vfio_dev++);
	mkdirs(path);
	attr(path, "uevent", "%s", "");
}

static unsigned new_group(const char *type)
{
	char dir[64];
	unsigned g = next_group++;

	snprintf(dir, sizeof(dir), "sys/kernel/iommu_groups/%u/devices", g);
	mkdirs(dir);
	snprintf(dir, sizeof(dir), "sys/kernel/iommu_groups/%u", g);
	attr(dir, "type", "%s\n", type);
	return g;
}

static void driver_dir(const char *bus, const char *name, bool pci)
{
	char dir[256];

	snprintf(dir, sizeof(dir), "sys/bus/%s/drivers/%s", bus, name);
	mkdirs(dir);
	empty(dir, "bind", 0200);
	empty(dir, "unbind", 0200);
	empty(dir, "uevent", 0200);
	if (pci) {
		empty(dir, "new_id", 0200);
		empty(dir, "remove_id", 0200);
	}
}

struct pci_dev {
	const char *path;   /* sys/devices/pci0000:00/... */
	const char *addr;
	unsigned vendor, device, class_code, header;
	const char *driver; /* NULL: unbound */
	unsigned group;
};

static void pci_device(const struct pci_dev *d)
{
	unsigned char config[64] = { 0 };
	char link[256], dir[256];

	mkdirs(d->path);
	attr(d->path, "vendor", "0x%04x\n", d->vendor);
	attr(d->path, "device", "0x%04x\n", d->device);
	attr(d->path, "subsystem_vendor", "0x%04x\n", d->vendor);
	attr(d->path, "subsystem_device", "0x0000\n");
	attr(d->path, "class", "0x%06x\n", d->class_code);
	attr(d->path, "revision", "0x00\n");
	attr(d->path, "enable", "%d\n", d->driver ? 1 : 0);
	attr(d->path, "numa_node", "-1\n");
	attr(d->path, "driver_override", "%s\n",
	     d->driver && strcmp(d->driver, "vfio-pci") == 0 ? "vfio-pci" : "(null)");
	attr(d->path, "modalias", "pci:v%08Xd%08Xsv%08Xsd00000000bc%02Xsc%02Xi%02X\n",
	     d->vendor, d->device, d->vendor, d->class_code >> 16,
	     (d->class_code >> 8) & 0xff, d->class_code & 0xff);
	attr(d->path, "uevent", "%s%s%sPCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:0000\nPCI_SLOT_NAME=%s\nMODALIAS=pci:v%08Xd%08Xsv%08Xsd00000000bc%02Xsc%02Xi%02X\n",
	     d->driver ? "DRIVER=" : "", d->driver ? d->driver : "", d->driver ? "\n" : "",
	     d->class_code, d->vendor, d->device, d->vendor, d->addr, d->vendor, d->device,
	     d->vendor, d->class_code >> 16, (d->class_code >> 8) & 0xff, d->class_code & 0xff);
	config[0] = d->vendor & 0xff;
	config[1] = d->vendor >> 8;
	config[2] = d->device & 0xff;
	config[3] = d->device >> 8;
	config[9] = d->class_code & 0xff;
	config[10] = (d->class_code >> 8) & 0xff;
	config[11] = d->class_code >> 16;
	config[14] = d->header;
	snprintf(link, sizeof(link), "%s/config", d->path);
	put_file(link, 0644, config, sizeof(config));
	link_rel(d->path, "subsystem", "sys/bus/pci");
	snprintf(link, sizeof(link), "sys/kernel/iommu_groups/%u", d->group);
	link_rel(d->path, "iommu_group", link);
	snprintf(dir, sizeof(dir), "sys/kernel/iommu_groups/%u/devices", d->group);
	link_rel(dir, d->addr, d->path);
	link_rel("sys/bus/pci/devices", d->addr, d->path);
	if (d->driver) {
		snprintf(dir, sizeof(dir), "sys/bus/pci/drivers/%s", d->driver);
		link_rel(d->path, "driver", dir);
		link_rel(dir, d->addr, d->path);
	}
	if (d->driver && strcmp(d->driver, "vfio-pci") == 0) {
		snprintf(link, sizeof(link), "dev/vfio/%u", d->group);
		put_file(link, 0600, NULL, 0);
		vfio_dev(d->path);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: gen-tree DIR [-p PARENTS] [-t TYPES] [-n MDEVS] [-g PCI_GROUPS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long parents = 16, types = 4, mdevs = 1000, pci_groups = 8;
	unsigned long n_pci_parents;
	char **parent_path, **parent_name, **mdev_driver;
	int opt;

	while ((opt = getopt(argc, argv, "p:t:n:g:")) != -1) {
		switch (opt) {
		case 'p': parents = strtoul(optarg, NULL, 10); break;
		case 't': types = strtoul(optarg, NULL, 10); break;
		case 'n': mdevs = strtoul(optarg, NULL, 10); break;
		case 'g': pci_groups = strtoul(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (optind + 1 != argc || parents == 0 || types == 0 || pci_groups > 8)
		usage();
	if (mkdir(argv[optind], 0755) < 0 && errno != EEXIST)
		die("mkdir", argv[optind]);
	root_fd = open(argv[optind], O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root_fd < 0)
		die("open", argv[optind]);
	umask(0);

	mkdirs("sys/bus/pci/devices");
	mkdirs("sys/bus/mdev/devices");
	mkdirs("sys/class/mdev_bus");
	mkdirs("sys/kernel/iommu_groups");
	mkdirs("sys/devices/virtual");
	mkdirs("dev/vfio");
	put_file("dev/vfio/vfio", 0666, NULL, 0);
	attr("sys/bus/pci", "drivers_autoprobe", "1\n");
	attr("sys/bus/mdev", "drivers_autoprobe", "1\n");
	empty("sys/bus/pci", "drivers_probe", 0200);
	empty("sys/bus/mdev", "drivers_probe", 0200);
	empty("sys/bus/pci", "rescan", 0200);
	driver_dir("pci", "vfio-pci", true);
	driver_dir("pci", "pcieport", true);
	driver_dir("pci", "e1000e", true);
	driver_dir("pci", "i915", true);
	driver_dir("pci", "lpc_ich", true);

	/* host bridge, and an ISA bridge + SATA + SMBus sharing one group */
	pci_device(&(struct pci_dev){ "sys/devices/pci0000:00/0000:00:00.0", "0000:00:00.0",
		0x8086, 0x29c0, 0x060000, 0, NULL, new_group("identity") });
	{
		unsigned g = new_group("identity");
		pci_device(&(struct pci_dev){ "sys/devices/pci0000:00/0000:00:1f.0", "0000:00:1f.0",
			0x8086, 0x2918, 0x060100, 0x80, "lpc_ich", g });
		pci_device(&(struct pci_dev){ "sys/devices/pci0000:00/0000:00:1f.2", "0000:00:1f.2",
			0x8086, 0x2922, 0x010601, 0, NULL, g });
		pci_device(&(struct pci_dev){ "sys/devices/pci0000:00/0000:00:1f.3", "0000:00:1f.3",
			0x8086, 0x2930, 0x0c0500, 0, NULL, g });
	}
	/* root ports with a 4-function device behind each */
	for (unsigned long i = 0; i < pci_groups; i++) {
		char port[64], addr[16], path[128], fn_addr[16];
		unsigned g;

		snprintf(addr, sizeof(addr), "0000:00:1c.%lu", i);
		snprintf(port, sizeof(port), "sys/devices/pci0000:00/%s", addr);
		pci_device(&(struct pci_dev){ port, addr, 0x1b36, 0x000c, 0x060400, 0x81,
			"pcieport", new_group("identity") });
		g = new_group("DMA");
		for (unsigned f = 0; f < 4; f++) {
			snprintf(fn_addr, sizeof(fn_addr), "0000:%02lx:00.%u", i + 1, f);
			snprintf(path, sizeof(path), "%s/%s", port, fn_addr);
			pci_device(&(struct pci_dev){ path, fn_addr, 0x8086, 0x10d3, 0x020000,
				f == 0 ? 0x80 : 0, f == 3 && (i & 1) ? "e1000e" : "vfio-pci", g });
		}
	}
	/* an SR-IOV PF without VFs, as QEMU's emulated nvme shows it */
	{
		const char *pf = "sys/devices/pci0000:00/0000:00:1e.0";

		driver_dir("pci", "nvme", true);
		pci_device(&(struct pci_dev){ pf, "0000:00:1e.0", 0x1b36, 0x0010, 0x010802, 0,
			"nvme", new_group("identity") });
		attr(pf, "sriov_totalvfs", "2\n");
		attr(pf, "sriov_numvfs", "0\n");
		attr(pf, "sriov_drivers_autoprobe", "1\n");
		attr(pf, "sriov_offset", "1\n");
		attr(pf, "sriov_stride", "1\n");
		attr(pf, "sriov_vf_device", "10\n");
	}

	/* the parents and their types */
	n_pci_parents = parents / 2 > 18 ? 18 : parents / 2;
	parent_path = calloc(parents, sizeof(char *));
	parent_name = calloc(parents, sizeof(char *));
	mdev_driver = calloc(parents, sizeof(char *));
	for (unsigned long i = 0; i < parents; i++) {
		char path[256], name[64], dir[512], link[512];

		if (i < n_pci_parents) {
			snprintf(name, sizeof(name), "0000:00:%02lx.0", i + 2);
			snprintf(path, sizeof(path), "sys/devices/pci0000:00/%s", name);
			pci_device(&(struct pci_dev){ path, name, 0x8086, 0x3e92, 0x030000, 0,
				"i915", new_group("DMA-FQ") });
			mdev_driver[i] = strdup("kvmgt");
		} else {
			snprintf(name, sizeof(name), "vpar%02lu", i - n_pci_parents);
			snprintf(path, sizeof(path), "sys/devices/virtual/%s/%s", name, name);
			mkdirs(path);
			attr(path, "uevent", "%s", "");
			snprintf(link, sizeof(link), "sys/class/%s", name);
			mkdirs(link);
			link_rel(path, "subsystem", link);
			link_rel(link, name, path);
			mdev_driver[i] = strdup(name);
		}
		parent_path[i] = strdup(path);
		parent_name[i] = strdup(name);
		link_rel("sys/class/mdev_bus", name, path);
		snprintf(dir, sizeof(dir), "sys/bus/mdev/drivers/%s", mdev_driver[i]);
		if (faccessat(root_fd, dir, F_OK, 0) < 0)
			driver_dir("mdev", mdev_driver[i], false);
		for (unsigned long t = 0; t < types; t++) {
			snprintf(dir, sizeof(dir), "%s/mdev_supported_types/%s-%lu", path,
				 i < n_pci_parents ? "i915-GVTg_V5" : name, t + 1);
			snprintf(link, sizeof(link), "%s/devices", dir);
			mkdirs(link);
			attr(dir, "name", "GVTg_V5_%lu\n", t + 1);
			if (t % 2 == 1 || i < n_pci_parents)
				attr(dir, "description", "low_gm_size: %luMB\nhigh_gm_size: %luMB\nfence: 4\nresolution: 1920x1200\nweight: %lu\n",
				     64UL << t, 384UL << t, 2 + t);
			attr(dir, "device_api", "vfio-pci\n");
			attr(dir, "available_instances", "%lu\n", (t * 7 + i) % 32);
			empty(dir, "create", 0200);
		}
	}

	/* the mdevs */
	for (unsigned long k = 0; k < mdevs; k++) {
		unsigned long i = k % parents, t = (k / parents) % types;
		char uuid[37], dir[512], type[512], link[512];
		unsigned g;

		uuid_for(k, uuid);
		snprintf(dir, sizeof(dir), "%s/%s", parent_path[i], uuid);
		if (mkdirat(root_fd, dir, 0755) < 0)
			die("mkdir", dir);
		attr(dir, "uevent", "DRIVER=%s\n", mdev_driver[i]);
		empty(dir, "remove", 0200);
		snprintf(type, sizeof(type), "%s/mdev_supported_types/%s-%lu", parent_path[i],
			 i < n_pci_parents ? "i915-GVTg_V5" : parent_name[i], t + 1);
		link_rel(dir, "mdev_type", type);
		snprintf(link, sizeof(link), "%s/devices", type);
		link_rel(link, uuid, dir);
		link_rel(dir, "subsystem", "sys/bus/mdev");
		snprintf(link, sizeof(link), "sys/bus/mdev/drivers/%s", mdev_driver[i]);
		link_rel(dir, "driver", link);
		link_rel(link, uuid, dir);
		link_rel("sys/bus/mdev/devices", uuid, dir);
		g = new_group("unknown");
		snprintf(link, sizeof(link), "sys/kernel/iommu_groups/%u", g);
		link_rel(dir, "iommu_group", link);
		snprintf(link, sizeof(link), "sys/kernel/iommu_groups/%u/devices", g);
		link_rel(link, uuid, dir);
		snprintf(link, sizeof(link), "dev/vfio/%u", g);
		put_file(link, 0600, NULL, 0);
		vfio_dev(dir);
	}
	for (unsigned long i = 0; i < parents; i++) {
		free(parent_path[i]);
		free(parent_name[i]);
		free(mdev_driver[i]);
	}
	free(parent_path);
	free(parent_name);
	free(mdev_driver);
	close(root_fd);
	return 0;
}
