// SPDX-License-Identifier: GPL-2.0
/*
 * mattr: a tiny mdev driver for vmdevctl's VM test tier.
 *
 * No sample mdev driver has writable vendor attributes. mattr gives every
 * mdev a set of write-only attributes that behave like the vfio-ap matrix
 * device's (assign_adapter, assign_domain, assign_control_domain and their
 * unassign_ twins) and a read-only "matrix" listing what was assigned, in
 * assignment order. Nothing is emulated behind them: the vfio device only
 * opens, answers VFIO_DEVICE_GET_INFO and resets.
 *
 * Parent: /sys/devices/virtual/mattr/mattr (class "mattr"), one type
 * "mattr-1" with at most MATTR_MAX_MDEVS instances.
 *
 * Attributes on /sys/bus/mdev/devices/UUID/ (present while bound to mattr):
 *   assign_adapter, assign_domain, assign_control_domain        (0200)
 *   unassign_adapter, unassign_domain, unassign_control_domain  (0200)
 *   matrix                                                       (0444)
 * A value is parsed like vfio-ap does (kstrtouint base 0: decimal, 0x hex,
 * leading 0 octal; one trailing newline allowed).
 *   EINVAL         not a number
 *   ENODEV         out of range: adapter > 15, (control) domain > 255
 *   EADDRNOTAVAIL  assign of the reserved value 13 (any kind)
 *   ENOSPC         assign when the mdev already holds MATTR_MAX_ENTRIES
 *   EBUSY          assign_adapter of an adapter another mattr mdev holds
 * Assigning what this mdev already holds, or unassigning what it does not
 * hold, succeeds and changes nothing. "matrix" prints one line per
 * assignment, oldest first: "adapter 0x05", "domain 0xab",
 * "control_domain 0x03" (kind, a space, the value as 0x%02x), so each line
 * can be written back as "assign_<kind> <value>".
 *
 * The assignments live with the vfio device: unbinding the mdev from mattr
 * (or removing it) forgets them; a rebind starts empty.
 */
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vfio.h>

#define MATTR_NAME		"mattr"
#define MATTR_MAX_MDEVS		8
#define MATTR_MAX_ENTRIES	64
#define MATTR_MAX_ADAPTER	15
#define MATTR_MAX_DOMAIN	255
#define MATTR_RESERVED		13

enum mattr_kind { MATTR_ADAPTER, MATTR_DOMAIN, MATTR_CONTROL_DOMAIN };

static const char *const mattr_kind_name[] = {
	[MATTR_ADAPTER] = "adapter",
	[MATTR_DOMAIN] = "domain",
	[MATTR_CONTROL_DOMAIN] = "control_domain",
};

static const unsigned int mattr_kind_max[] = {
	[MATTR_ADAPTER] = MATTR_MAX_ADAPTER,
	[MATTR_DOMAIN] = MATTR_MAX_DOMAIN,
	[MATTR_CONTROL_DOMAIN] = MATTR_MAX_DOMAIN,
};

struct mattr_entry {
	u8 kind;
	u8 value;
};

struct mattr_state {
	struct vfio_device vdev;	/* first: vfio_alloc_device wants it there */
	struct mdev_device *mdev;
	struct list_head node;		/* on mattr_devices, under mattr_lock */
	unsigned int nr;
	struct mattr_entry entry[MATTR_MAX_ENTRIES];
};

static struct class *mattr_class;
static struct device mattr_parent_dev;
static struct mdev_parent mattr_parent;
static atomic_t mattr_avail;

/* how many mdevs at most: more for tests that start many at once */
static unsigned int max_mdevs = MATTR_MAX_MDEVS;
module_param(max_mdevs, uint, 0444);
MODULE_PARM_DESC(max_mdevs, "available_instances of mattr-1 (default 8)");

/* every bound mattr mdev, and all their matrices */
static DEFINE_MUTEX(mattr_lock);
static LIST_HEAD(mattr_devices);

static struct mdev_type mattr_type_1 = {
	.sysfs_name = "1",
	.pretty_name = "Matrix test device",
};

static struct mdev_type *mattr_types[] = { &mattr_type_1 };

/* ------------------------------------------------------------ the matrix */

static int mattr_find(const struct mattr_state *st, enum mattr_kind kind,
		      unsigned int value)
{
	unsigned int i;

	for (i = 0; i < st->nr; i++)
		if (st->entry[i].kind == kind && st->entry[i].value == value)
			return i;
	return -1;
}

static int mattr_parse(const char *buf, enum mattr_kind kind, unsigned int *value)
{
	int ret = kstrtouint(buf, 0, value);

	if (ret == -ERANGE)
		return -ENODEV;		/* a number, just far too big */
	if (ret)
		return -EINVAL;
	if (*value > mattr_kind_max[kind])
		return -ENODEV;
	return 0;
}

static ssize_t mattr_assign(struct device *dev, enum mattr_kind kind,
			    const char *buf, size_t count)
{
	struct mattr_state *st = dev_get_drvdata(dev);
	struct mattr_state *other;
	unsigned int value;
	int ret;

	ret = mattr_parse(buf, kind, &value);
	if (ret)
		return ret;
	if (value == MATTR_RESERVED)
		return -EADDRNOTAVAIL;

	mutex_lock(&mattr_lock);
	if (mattr_find(st, kind, value) >= 0) {
		ret = count;		/* already ours: nothing changes */
		goto out;
	}
	if (st->nr >= MATTR_MAX_ENTRIES) {
		ret = -ENOSPC;
		goto out;
	}
	if (kind == MATTR_ADAPTER) {
		list_for_each_entry(other, &mattr_devices, node) {
			if (other != st && mattr_find(other, kind, value) >= 0) {
				ret = -EBUSY;
				goto out;
			}
		}
	}
	st->entry[st->nr].kind = kind;
	st->entry[st->nr].value = value;
	st->nr++;
	ret = count;
out:
	mutex_unlock(&mattr_lock);
	return ret;
}

static ssize_t mattr_unassign(struct device *dev, enum mattr_kind kind,
			      const char *buf, size_t count)
{
	struct mattr_state *st = dev_get_drvdata(dev);
	unsigned int value;
	int ret, i;

	ret = mattr_parse(buf, kind, &value);
	if (ret)
		return ret;

	mutex_lock(&mattr_lock);
	i = mattr_find(st, kind, value);
	if (i >= 0) {
		memmove(&st->entry[i], &st->entry[i + 1],
			(st->nr - i - 1) * sizeof(st->entry[0]));
		st->nr--;
	}
	mutex_unlock(&mattr_lock);
	return count;
}

#define MATTR_ATTRS(kind_name, kind)					\
static ssize_t assign_##kind_name##_store(struct device *dev,		\
		struct device_attribute *attr, const char *buf, size_t count) \
{									\
	return mattr_assign(dev, kind, buf, count);			\
}									\
static DEVICE_ATTR_WO(assign_##kind_name);				\
static ssize_t unassign_##kind_name##_store(struct device *dev,	\
		struct device_attribute *attr, const char *buf, size_t count) \
{									\
	return mattr_unassign(dev, kind, buf, count);			\
}									\
static DEVICE_ATTR_WO(unassign_##kind_name)

MATTR_ATTRS(adapter, MATTR_ADAPTER);
MATTR_ATTRS(domain, MATTR_DOMAIN);
MATTR_ATTRS(control_domain, MATTR_CONTROL_DOMAIN);

static ssize_t matrix_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct mattr_state *st = dev_get_drvdata(dev);
	unsigned int i;
	int len = 0;

	mutex_lock(&mattr_lock);
	for (i = 0; i < st->nr; i++)
		len += sysfs_emit_at(buf, len, "%s 0x%02x\n",
				     mattr_kind_name[st->entry[i].kind],
				     st->entry[i].value);
	mutex_unlock(&mattr_lock);
	return len;
}
static DEVICE_ATTR_RO(matrix);

static struct attribute *mattr_mdev_attrs[] = {
	&dev_attr_assign_adapter.attr,
	&dev_attr_unassign_adapter.attr,
	&dev_attr_assign_domain.attr,
	&dev_attr_unassign_domain.attr,
	&dev_attr_assign_control_domain.attr,
	&dev_attr_unassign_control_domain.attr,
	&dev_attr_matrix.attr,
	NULL,
};

/* no .name: the files sit in the mdev's own directory, as vfio-ap's do */
static const struct attribute_group mattr_mdev_group = {
	.attrs = mattr_mdev_attrs,
};

static const struct attribute_group *mattr_mdev_groups[] = {
	&mattr_mdev_group,
	NULL,
};

/* ------------------------------------------------------------ vfio device */

static int mattr_init_dev(struct vfio_device *vdev)
{
	int avail = atomic_read(&mattr_avail);

	do {
		if (avail < 1)
			return -ENOSPC;
	} while (!atomic_try_cmpxchg(&mattr_avail, &avail, avail - 1));
	return 0;
}

static void mattr_release_dev(struct vfio_device *vdev)
{
	atomic_inc(&mattr_avail);
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
	/* 6.1: the release op must free the device itself */
	vfio_free_device(vdev);
#endif
}

static int mattr_open_device(struct vfio_device *vdev)
{
	return 0;
}

static void mattr_close_device(struct vfio_device *vdev)
{
}

static long mattr_ioctl(struct vfio_device *vdev, unsigned int cmd,
			unsigned long arg)
{
	struct vfio_device_info info;
	unsigned long minsz;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		minsz = offsetofend(struct vfio_device_info, num_irqs);
		if (copy_from_user(&info, (void __user *)arg, minsz))
			return -EFAULT;
		if (info.argsz < minsz)
			return -EINVAL;
		info.flags = VFIO_DEVICE_FLAGS_AP | VFIO_DEVICE_FLAGS_RESET;
		info.num_regions = 0;
		info.num_irqs = 0;
		return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
	case VFIO_DEVICE_RESET:
		return 0;
	}
	return -ENOTTY;
}

static const struct vfio_device_ops mattr_dev_ops = {
	.name = "vfio-mattr",
	.init = mattr_init_dev,
	.release = mattr_release_dev,
	.open_device = mattr_open_device,
	.close_device = mattr_close_device,
	.ioctl = mattr_ioctl,
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	/* NULL stubs when CONFIG_IOMMUFD is off (Debian 6.12); required when on */
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
#endif
};

/* ------------------------------------------------------------ mdev driver */

static int mattr_probe(struct mdev_device *mdev)
{
	struct mattr_state *st;
	int ret;

	st = vfio_alloc_device(mattr_state, vdev, &mdev->dev, &mattr_dev_ops);
	if (IS_ERR(st))
		return PTR_ERR(st);
	st->mdev = mdev;
	INIT_LIST_HEAD(&st->node);

	ret = vfio_register_emulated_iommu_dev(&st->vdev);
	if (ret) {
		vfio_put_device(&st->vdev);
		return ret;
	}
	dev_set_drvdata(&mdev->dev, st);
	mutex_lock(&mattr_lock);
	list_add_tail(&st->node, &mattr_devices);
	mutex_unlock(&mattr_lock);
	return 0;
}

static void mattr_remove(struct mdev_device *mdev)
{
	struct mattr_state *st = dev_get_drvdata(&mdev->dev);

	/* the attribute files are gone already (driver core removes dev_groups first) */
	mutex_lock(&mattr_lock);
	list_del(&st->node);
	mutex_unlock(&mattr_lock);
	vfio_unregister_group_dev(&st->vdev);
	vfio_put_device(&st->vdev);
}

static unsigned int mattr_get_available(struct mdev_type *mtype)
{
	return atomic_read(&mattr_avail);
}

static ssize_t mattr_show_description(struct mdev_type *mtype, char *buf)
{
	return sysfs_emit(buf, "matrix test device: adapters 0-%u, domains 0-%u, %u reserved\n",
			  MATTR_MAX_ADAPTER, MATTR_MAX_DOMAIN, MATTR_RESERVED);
}

static struct mdev_driver mattr_driver = {
	.device_api = VFIO_DEVICE_API_AP_STRING,
	.driver = {
		.name = MATTR_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = mattr_mdev_groups,
	},
	.probe = mattr_probe,
	.remove = mattr_remove,
	.get_available = mattr_get_available,
	.show_description = mattr_show_description,
};

/* ------------------------------------------------------------ module */

static void mattr_parent_release(struct device *dev)
{
	/* static device: nothing to free */
}

static int __init mattr_init(void)
{
	int ret;

	if (max_mdevs < 1 || max_mdevs > 1024)
		return -EINVAL;
	atomic_set(&mattr_avail, max_mdevs);
	ret = mdev_register_driver(&mattr_driver);
	if (ret)
		return ret;

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 4, 0)
	mattr_class = class_create(THIS_MODULE, MATTR_NAME);
#else
	mattr_class = class_create(MATTR_NAME);
#endif
	if (IS_ERR(mattr_class)) {
		ret = PTR_ERR(mattr_class);
		goto err_driver;
	}

	mattr_parent_dev.class = mattr_class;
	mattr_parent_dev.release = mattr_parent_release;
	dev_set_name(&mattr_parent_dev, "%s", MATTR_NAME);
	ret = device_register(&mattr_parent_dev);
	if (ret) {
		put_device(&mattr_parent_dev);
		goto err_class;
	}

	ret = mdev_register_parent(&mattr_parent, &mattr_parent_dev, &mattr_driver,
				   mattr_types, ARRAY_SIZE(mattr_types));
	if (ret)
		goto err_device;
	return 0;

err_device:
	device_unregister(&mattr_parent_dev);
err_class:
	class_destroy(mattr_class);
err_driver:
	mdev_unregister_driver(&mattr_driver);
	return ret;
}

static void __exit mattr_exit(void)
{
	mdev_unregister_parent(&mattr_parent);
	device_unregister(&mattr_parent_dev);
	class_destroy(mattr_class);
	mdev_unregister_driver(&mattr_driver);
}

module_init(mattr_init);
module_exit(mattr_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("mdev test driver with vfio-ap-like matrix attributes (vmdevctl VM tests)");
