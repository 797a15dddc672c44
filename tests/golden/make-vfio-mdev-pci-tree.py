#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build a sysfs tree with vfio-mdev-pci in it, shaped as its thread shows.

usage: make-vfio-mdev-pci-tree.py TREE.tar.gz ROOT

No kernel runs vfio-mdev-pci (it never merged, and the IOMMU-backed mdev it
relied on has left the kernel), so this tree is built from the thread's
description (summed up in man/vmdevctl.8.scd, VFIO-MDEV-PCI) on top of a tree recorded
from a real 6.1 kernel (tests/golden/mdev-nonviable): the PCI devices,
groups and links around it are the kernel's.

  0000:00:03.0  e1000e, alone in group 2: wrapped by vfio-mdev-pci with the
                fixed type name (ids) and one mdev (group 21); available 0
  0000:00:04.1  virtio-rng, in group 3 with 0000:00:04.0 on vfio-pci:
                wrapped, one mdev (group 22): the split group
  0000:02:02.0  virtio-rng, in group 7 (with a bridge and 0000:02:01.0):
                the original "vfio-mdev-pci-type1" named "0000:02:02.0-type1",
                available_instances 1 although its mdev exists (group 23)
  0000:02:01.0  virtio-net, in group 7: wrapped, a type whose ids are not
                the device's, no mdev
  0000:00:02.0  on vfio-pci: an SR-IOV PF with 2 VFs enabled
and /sys/bus/pci/drivers/vfio-mdev-pci with new_id, remove_id, bind, unbind.
"""
import os
import sys
import tarfile

MDEV_DRIVER = "vfio_mdev"  # the mdev bus driver of 2019 kernels
DRIVER = "vfio-mdev-pci"

# (address, type directory, name attribute or None, available, mdev UUID or None, mdev group)
WRAPPED = [
    ("0000:00:03.0", "vfio-mdev-pci-8086:10d3:8086:0000:020000:00", None, 0,
     "0b0c1a7e-00a1-4000-8000-0000000000a1", 21),
    ("0000:00:04.1", "vfio-mdev-pci-1af4:1005:1af4:0004:00ff00:00", None, 0,
     "0b0c1a7e-00a2-4000-8000-0000000000a2", 22),
    ("0000:02:02.0", "vfio-mdev-pci-type1", "0000:02:02.0-type1", 1,
     "0b0c1a7e-00a3-4000-8000-0000000000a3", 23),
    ("0000:02:01.0", "vfio-mdev-pci-1af4:1001:1af4:0002:010000:00", None, 1, None, None),
]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def link(path, target):
    """A relative link at PATH to the absolute (root-relative) TARGET."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.lexists(path):
        os.unlink(path)
    os.symlink(os.path.relpath(target, os.path.dirname(path)), path)


def main():
    tarball, root = sys.argv[1], sys.argv[2]
    with tarfile.open(tarball) as tar:
        tar.extractall(root)
    sysfs = os.path.join(root, "sys")
    drivers = os.path.join(sysfs, "bus/pci/drivers")

    ddir = os.path.join(drivers, DRIVER)
    os.makedirs(ddir)
    for f in ("bind", "unbind", "new_id", "remove_id", "uevent"):
        write(os.path.join(ddir, f), "")
        os.chmod(os.path.join(ddir, f), 0o200)
    os.makedirs(os.path.join(sysfs, "module/vfio_mdev_pci"))
    link(os.path.join(ddir, "module"), os.path.join(sysfs, "module/vfio_mdev_pci"))

    mdrv = os.path.join(sysfs, "bus/mdev/drivers", MDEV_DRIVER)
    for f in ("bind", "unbind", "uevent"):
        write(os.path.join(mdrv, f), "")
        os.chmod(os.path.join(mdrv, f), 0o200)
    os.makedirs(os.path.join(sysfs, "module/vfio_mdev"))
    link(os.path.join(mdrv, "module"), os.path.join(sysfs, "module/vfio_mdev"))

    for address, type_id, name, avail, uuid, group in WRAPPED:
        dev = os.path.realpath(os.path.join(sysfs, "bus/pci/devices", address))
        old = os.path.realpath(os.path.join(dev, "driver")) if os.path.lexists(
            os.path.join(dev, "driver")) else None
        if old:
            os.unlink(os.path.join(old, address))
        link(os.path.join(dev, "driver"), ddir)
        link(os.path.join(ddir, address), dev)
        with open(os.path.join(dev, "uevent")) as f:
            lines = [l for l in f.read().splitlines() if not l.startswith("DRIVER=")]
        write(os.path.join(dev, "uevent"), "\n".join([f"DRIVER={DRIVER}"] + lines) + "\n")
        net = os.path.join(dev, "net")  # the host driver's netdev is gone
        if os.path.isdir(net):
            for d, dirs, files in os.walk(net, topdown=False):
                for f in files:
                    os.unlink(os.path.join(d, f))
                for x in dirs:
                    p = os.path.join(d, x)
                    os.unlink(p) if os.path.islink(p) else os.rmdir(p)
            os.rmdir(net)
        link(os.path.join(sysfs, "class/mdev_bus", address), dev)

        tdir = os.path.join(dev, "mdev_supported_types", type_id)
        write(os.path.join(tdir, "available_instances"), f"{avail}\n")
        write(os.path.join(tdir, "device_api"), "vfio-pci\n")
        write(os.path.join(tdir, "create"), "")
        os.chmod(os.path.join(tdir, "create"), 0o200)
        if name:
            write(os.path.join(tdir, "name"), name + "\n")
        os.makedirs(os.path.join(tdir, "devices"))
        if not uuid:
            continue

        mdev = os.path.join(dev, uuid)
        os.makedirs(mdev)
        link(os.path.join(mdev, "driver"), mdrv)
        link(os.path.join(mdrv, uuid), mdev)
        link(os.path.join(mdev, "mdev_type"), tdir)
        link(os.path.join(mdev, "subsystem"), os.path.join(sysfs, "bus/mdev"))
        write(os.path.join(mdev, "remove"), "")
        os.chmod(os.path.join(mdev, "remove"), 0o200)
        write(os.path.join(mdev, "uevent"), f"DRIVER={MDEV_DRIVER}\nMDEV_TYPE={type_id}\n")
        link(os.path.join(tdir, "devices", uuid), mdev)
        link(os.path.join(sysfs, "bus/mdev/devices", uuid), mdev)

        gdir = os.path.join(sysfs, "kernel/iommu_groups", str(group))
        write(os.path.join(gdir, "type"), "unknown\n")
        link(os.path.join(gdir, "devices", uuid), mdev)
        link(os.path.join(mdev, "iommu_group"), gdir)
        write(os.path.join(root, "dev/vfio", str(group)), "")
        os.chmod(os.path.join(root, "dev/vfio", str(group)), 0o600)

    pf = os.path.join(sysfs, "bus/pci/devices/0000:00:02.0")
    write(os.path.join(pf, "sriov_numvfs"), "2\n")
    write(os.path.join(pf, "sriov_totalvfs"), "7\n")


if __name__ == "__main__":
    main()
