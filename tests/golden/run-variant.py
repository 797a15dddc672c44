#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The vfio driver `bind` chooses without -d, on a recorded tree given a
module tree of its own: modules.alias with vfio_pci: aliases of made-up
variant modules, and the indexes depmod makes for them, so that libkmod
finds (or does not find) each module under --root.

usage: run-variant.py VMDEVCTL BASE_TREE.tar.gz

The modules are ELF objects with only a .modinfo section (cc -c), enough for
depmod; modules.alias is then rewritten in the order each case needs (the
choice reads that file; libkmod's name look-ups use the indexes). The tree
is the real 6.1 one of tests/golden/mdev-nonviable:
  0000:00:03.0  8086:10d3 e1000e       vtest_e1000e (device) beats
                                       vtest_intel_net (vendor + class)
  0000:00:04.1  1af4:1005 virtio-pci   vtest_rng_a and vtest_rng_b tie
  0000:00:1f.2  8086:2922 (no driver)  vtest_gone: in modules.alias only
  0000:00:1f.3  8086:2930 (no driver)  no variant: vfio-pci
Every bind runs with --dry-run: the writes and loads it prints are the choice.
"""
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from cli import run  # noqa: E402
from tap import finish, result, tree_digest  # noqa: E402

KVER = os.uname().release  # the library reads the running kernel's modules
GENERIC = "alias vfio_pci:v*d*sv*sd*bc*sc*i* vfio_pci"
MODULES = {  # module: its vfio_pci: alias
    "vfio_pci": "vfio_pci:v*d*sv*sd*bc*sc*i*",
    "vtest_e1000e": "vfio_pci:v00008086d000010D3sv*sd*bc*sc*i*",
    "vtest_intel_net": "vfio_pci:v00008086d*sv*sd*bc02sc*i*",
    "vtest_rng_a": "vfio_pci:v00001AF4d00001005sv*sd*bc*sc*i*",
    "vtest_rng_b": "vfio_pci:v*d00001005sv*sd*bc00sc*i*",
}
GONE = "alias vfio_pci:v00008086d00002922sv*sd*bc*sc*i* vtest_gone"
DEV = "/sys/bus/pci/devices"


def make_modules(root):
    """lib/modules/KVER with a fake .ko per MODULES entry and depmod's files."""
    moddir = os.path.join(root, "lib/modules", KVER)
    extra = os.path.join(moddir, "extra")
    os.makedirs(extra)
    for f in ("modules.order", "modules.builtin", "modules.builtin.modinfo"):
        open(os.path.join(moddir, f), "w").close()
    cc = os.environ.get("CC", "cc")
    for name, alias in MODULES.items():
        src = os.path.join(extra, name + ".c")
        with open(src, "w") as f:
            f.write('static const char info[] __attribute__((used, section(".modinfo"), '
                    'aligned(1))) = "alias=%s\\0license=GPL\\0name=%s";\n' % (alias, name))
        subprocess.run([cc, "-c", src, "-o", os.path.join(extra, name + ".ko")], check=True)
        os.unlink(src)
    # kmod's depmod (scripts/setup.sh installs it), in sbin: maybe not on a user's PATH
    depmod = shutil.which("depmod", path=os.pathsep.join(
        [os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
    if not depmod:
        raise SystemExit("not ok - depmod not found (apt-get install kmod)\n1 failed")
    subprocess.run([depmod, "-b", root, KVER], check=True, capture_output=True)
    return moddir


def write_alias(moddir, lines):
    with open(os.path.join(moddir, "modules.alias"), "w") as f:
        f.write("# Aliases extracted from modules themselves.\n")
        f.write("".join(line + "\n" for line in lines))


def alias_line(name):
    return "alias %s %s" % (MODULES[name], name)


def dry_bind(vmdevctl, root, *args):
    return run([vmdevctl, "--root", root, "--dry-run", "bind", *args])


def writes(address, driver, old=None):
    """The dry-run lines of a driver_override bind of ADDRESS to DRIVER."""
    out = "write %s/%s/driver_override %s\n" % (DEV, address, driver)
    if old:
        out += "write /sys/bus/pci/drivers/%s/unbind %s\n" % (old, address)
    return out + "write /sys/bus/pci/drivers_probe %s\n" % address


def main():
    vmdevctl, base = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="vmdev-variant.") as root:
        with tarfile.open(base) as tar:
            tar.extractall(root)
        moddir = make_modules(root)
        ordered = [GENERIC] + [alias_line(m) for m in MODULES if m != "vfio_pci"] + [GONE]
        write_alias(moddir, ordered)

        # the most specific alias wins: the device's own over vendor + class
        want = "load vtest_e1000e\n" + writes("0000:00:03.0", "vtest_e1000e", "e1000e")
        for args in ([], ["-d", "auto"]):
            rc, out, err = dry_bind(vmdevctl, root, *args, "0000:00:03.0")
            result(rc == 0 and out == want,
                   "bind %s0000:00:03.0: the variant with the fewest wildcards, loaded first"
                   % " ".join(a + " " for a in args), "rc %d out %r err %r" % (rc, out, err))
        # listed the other way round, the same one
        write_alias(moddir, [GENERIC, alias_line("vtest_e1000e"), alias_line("vtest_intel_net")])
        rc, out, err = dry_bind(vmdevctl, root, "0000:00:03.0")
        result(rc == 0 and out == want, "the most specific wins wherever it is in the file",
               "rc %d out %r err %r" % (rc, out, err))
        # only the vendor + class one matches: it, over the generic
        write_alias(moddir, [GENERIC, alias_line("vtest_intel_net")])
        rc, out, err = dry_bind(vmdevctl, root, "0000:00:03.0")
        result(rc == 0 and out == "load vtest_intel_net\n" +
               writes("0000:00:03.0", "vtest_intel_net", "e1000e"),
               "a vendor and class alias beats vfio-pci's", "rc %d out %r err %r" % (rc, out, err))
        write_alias(moddir, ordered)

        # -d vfio-pci forces the generic driver: no variant loaded
        rc, out, err = dry_bind(vmdevctl, root, "-d", "vfio-pci", "0000:00:03.0")
        result(rc == 0 and out == writes("0000:00:03.0", "vfio-pci", "e1000e"),
               "bind -d vfio-pci: the generic driver, no load", "rc %d out %r err %r" % (rc, out, err))

        # a tie (as many wildcards): the first in modules.alias
        for first, second in (("vtest_rng_a", "vtest_rng_b"), ("vtest_rng_b", "vtest_rng_a")):
            write_alias(moddir, [GENERIC, alias_line(first), alias_line(second)])
            rc, out, err = dry_bind(vmdevctl, root, "0000:00:04.1")
            result(rc == 0 and out == "load %s\n" % first + writes("0000:00:04.1", first, "virtio-pci"),
                   "a tie goes to the first in modules.alias (%s)" % first,
                   "rc %d out %r err %r" % (rc, out, err))
        write_alias(moddir, ordered)

        # no variant matches: vfio-pci (registered in the tree: nothing to load)
        rc, out, err = dry_bind(vmdevctl, root, "0000:00:1f.3")
        result(rc == 0 and out == writes("0000:00:1f.3", "vfio-pci"),
               "no variant's alias matches: vfio-pci", "rc %d out %r err %r" % (rc, out, err))
        # without a modules.alias at all: the same
        os.rename(os.path.join(moddir, "modules.alias"), os.path.join(moddir, "aside"))
        rc, out, err = dry_bind(vmdevctl, root, "0000:00:03.0")
        result(rc == 0 and out == writes("0000:00:03.0", "vfio-pci", "e1000e"),
               "no modules.alias: vfio-pci", "rc %d out %r err %r" % (rc, out, err))
        os.rename(os.path.join(moddir, "aside"), os.path.join(moddir, "modules.alias"))

        # the chosen variant's module is not installed: exit 3, nothing written
        before = tree_digest(root)
        rc, out, err = dry_bind(vmdevctl, root, "0000:00:1f.2")
        result(rc == 3 and out == "" and err.count("\n") == 1 and
               "module vtest_gone, the vfio-pci variant whose vfio_pci: alias matches it, is not installed" in err
               and "bind -d vfio-pci" in err,
               "a variant not installed: exit 3, one error line with the way out",
               "rc %d out %r err %r" % (rc, out, err))
        rc, out, err = run([vmdevctl, "--root", root, "bind", "0000:00:1f.2"])
        result(rc == 3 and tree_digest(root) == before,
               "a variant not installed: nothing written (not a dry run either)",
               "rc %d err %r" % (rc, err))
        # ... and in a group bind, nothing written for any member
        rc, out, err = dry_bind(vmdevctl, root, "--group", "0000:00:1f.3")
        result(rc == 3 and out == "" and err.count("\n") == 1 and
               "module vtest_gone, the vfio-pci variant whose vfio_pci: alias matches 0000:00:1f.2, is not installed" in err,
               "bind --group with a member's variant missing: exit 3, no writes, the member named",
               "rc %d out %r err %r" % (rc, out, err))

        # --group: each member its own choice (04.0 is on vfio-pci already)
        rc, out, err = dry_bind(vmdevctl, root, "--group", "0000:00:04.0")
        result(rc == 0 and out == "load vtest_rng_a\n" + writes("0000:00:04.1", "vtest_rng_a", "virtio-pci"),
               "bind --group: each member's own choice", "rc %d out %r err %r" % (rc, out, err))
        # a bridge is refused for the chosen vfio driver too
        rc, out, err = dry_bind(vmdevctl, root, "0000:00:05.0")
        result(rc == 1 and out == "" and "bridge" in err, "bind of a bridge without -d: refused",
               "rc %d out %r err %r" % (rc, out, err))
    return finish()


if __name__ == "__main__":
    sys.exit(main())
