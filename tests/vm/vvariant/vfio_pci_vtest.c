// SPDX-License-Identifier: GPL-2.0
/*
 * vfio_pci_vtest: a vfio-pci variant driver for vmdevctl's VM test tier.
 *
 * Debian 12's kernels build no variant driver, so this one stands in for
 * mlx5_vfio_pci and its kin: built on vfio-pci-core like them (the core's
 * device life cycle and ops, driver_managed_dma), with an id table made of
 * PCI_DRIVER_OVERRIDE_DEVICE_VFIO entries, so that depmod lists a
 * "vfio_pci:" alias for it in modules.alias and the kernel never binds it
 * on its own: only driver_override does. It matches QEMU's emulated NVMe
 * controller, 1b36:0010, whose SR-IOV VFs the tests bind.
 *
 * Its PCI driver is named "vtest-vfio-pci", not after the module, so a
 * test sees that a bind takes the name from /sys/module/vfio_pci_vtest/
 * drivers/pci:NAME. Parameters:
 *   refuse_probe (bool, 0644)  probe returns -ENODEV: a variant that will
 *                              not take a device (the bind must roll back)
 *   refuse_load (bool, 0444)   module init fails with -EPERM (set through
 *                              modprobe.d options)
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/vfio.h>
#include <linux/vfio_pci_core.h>
#include <linux/version.h>

#define VTEST_DRIVER_NAME "vtest-vfio-pci"

static bool refuse_probe;
module_param(refuse_probe, bool, 0644);
MODULE_PARM_DESC(refuse_probe, "refuse every device (probe returns -ENODEV)");

static bool refuse_load;
module_param(refuse_load, bool, 0444);
MODULE_PARM_DESC(refuse_load, "fail the module's init with -EPERM");

static int vtest_open_device(struct vfio_device *core_vdev)
{
	struct vfio_pci_core_device *vdev =
		container_of(core_vdev, struct vfio_pci_core_device, vdev);
	int ret = vfio_pci_core_enable(vdev);

	if (ret)
		return ret;
	vfio_pci_core_finish_enable(vdev);
	return 0;
}

static const struct vfio_device_ops vtest_ops = {
	.name = VTEST_DRIVER_NAME,
	.init = vfio_pci_core_init_dev,
	.release = vfio_pci_core_release_dev,
	.open_device = vtest_open_device,
	.close_device = vfio_pci_core_close_device,
	.ioctl = vfio_pci_core_ioctl,
	.device_feature = vfio_pci_core_ioctl_feature,
	.read = vfio_pci_core_read,
	.write = vfio_pci_core_write,
	.mmap = vfio_pci_core_mmap,
	.request = vfio_pci_core_request,
	.match = vfio_pci_core_match,
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
	/* NULL where the kernel has no IOMMUFD (Debian's), set where it has */
	.bind_iommufd = vfio_iommufd_physical_bind,
	.unbind_iommufd = vfio_iommufd_physical_unbind,
	.attach_ioas = vfio_iommufd_physical_attach_ioas,
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	.detach_ioas = vfio_iommufd_physical_detach_ioas,
#endif
};

static int vtest_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfio_pci_core_device *vdev;
	int ret;

	if (refuse_probe)
		return -ENODEV;
	vdev = vfio_alloc_device(vfio_pci_core_device, vdev, &pdev->dev, &vtest_ops);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	dev_set_drvdata(&pdev->dev, vdev);
	ret = vfio_pci_core_register_device(vdev);
	if (ret) {
		vfio_put_device(&vdev->vdev);
		return ret;
	}
	return 0;
}

static void vtest_remove(struct pci_dev *pdev)
{
	struct vfio_pci_core_device *vdev = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(vdev);
	vfio_put_device(&vdev->vdev);
}

/* QEMU's NVMe controller (PF and VFs): a "vfio_pci:" alias, override only */
static const struct pci_device_id vtest_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_REDHAT, 0x0010) },
	{}
};
MODULE_DEVICE_TABLE(pci, vtest_table);

static struct pci_driver vtest_driver = {
	.name = VTEST_DRIVER_NAME,
	.id_table = vtest_table,
	.probe = vtest_probe,
	.remove = vtest_remove,
	.err_handler = &vfio_pci_core_err_handlers,
	.driver_managed_dma = true,
};

static int __init vtest_init(void)
{
	if (refuse_load)
		return -EPERM;
	return pci_register_driver(&vtest_driver);
}
module_init(vtest_init);

static void __exit vtest_exit(void)
{
	pci_unregister_driver(&vtest_driver);
}
module_exit(vtest_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vfio-pci variant driver for vmdevctl's VM tests (QEMU NVMe, 1b36:0010)");
