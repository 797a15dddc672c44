#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Definitions against the real mdevctl: Debian's mdevctl 1.2.0 and
vmdevctl on the same /etc/mdevctl.d and the same recorded sysfs tree.
Files written by one are read the same way by the other, in both
directions; the same definition written by each is the same bytes; each
modifies and undefines what the other wrote.

usage: unshare -m --propagation private run-definitions.py VMDEVCTL TREE.tar.gz
(mdevctl 1.2.0 has no root option: in the private mount namespace the
tree's sys is bound over /sys and a fresh directory over /etc/mdevctl.d,
which vmdevctl reads through --root.) Exits 77 without root or mdevctl.
"""
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from tap import finish, result  # noqa: E402
from cli import run  # noqa: E402

U = ["0b0c1a7e-1000-4000-8000-%012x" % i for i in range(1, 40)]


def mdevctl(*args, stdin=None):
    p = subprocess.run(["mdevctl", *args], capture_output=True, text=True, input=stdin)
    return p.returncode, p.stdout, p.stderr


def mdevctl_view():
    """{(parent, uuid): (type, start, [(name, value)])} from mdevctl."""
    rc, out, err = mdevctl("list", "--defined", "--dumpjson")
    view = {}
    if rc != 0:
        return None, err
    data = json.loads(out) if out.strip() else []
    for parents in data:
        for parent, devices in parents.items():
            for dev in devices:
                for uuid, cfg in dev.items():
                    attrs = [tuple(a.items())[0] for a in cfg.get("attrs") or []]
                    view[(parent, uuid)] = (cfg["mdev_type"], cfg["start"], attrs)
    return view, err


def vmdevctl_view(vmdevctl, root):
    rc, out, err = run([vmdevctl, "--root", root, "--json", "list", "--defined"])
    if rc != 0:
        return None, err
    view = {}
    for d in json.loads(out):
        view[(d["parent"], d["uuid"])] = (d["type"], d["start"],
                                          [(a["name"], a["value"]) for a in d["attrs"]])
    return view, err


def same_view(vmdevctl, root, desc):
    mv, merr = mdevctl_view()
    vv, verr = vmdevctl_view(vmdevctl, root)
    result(mv is not None and vv is not None and mv == vv and len(vv) > 0,
           desc, f"mdevctl={mv} {merr} vmdevctl={vv} {verr}")
    return vv or {}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    vmdevctl, tree = sys.argv[1:]
    if os.geteuid() != 0 or not shutil.which("mdevctl"):
        print("PEER TIER SKIPPED: needs root and Debian's mdevctl")
        sys.exit(1 if os.environ.get("CI") == "true" else 77)
    with tempfile.TemporaryDirectory(prefix="vmdev-peer-") as root:
        with tarfile.open(tree) as t:
            t.extractall(root)
        etc = os.path.join(root, "etc/mdevctl.d")
        for d in ("scripts.d/callouts", "scripts.d/notifiers"):
            os.makedirs(os.path.join(etc, d), exist_ok=True)
        subprocess.run(["mount", "--bind", etc, "/etc/mdevctl.d"], check=True)
        subprocess.run(["mount", "--bind", os.path.join(root, "sys"), "/sys"], check=True)
        try:
            check(vmdevctl, root, etc)
        finally:
            subprocess.run(["umount", "/sys"])
            subprocess.run(["umount", "/etc/mdevctl.d"])
    sys.exit(finish())


def check(vmdevctl, root, etc):
    v = lambda *a: run([vmdevctl, "--root", root, *a])  # noqa: E731
    # ---- vmdevctl writes, mdevctl reads
    rc, _, err = v("define", "-u", U[0], "-p", "mtty", "-t", "mtty-2")
    result(rc == 0, "vmdevctl define: manual, no attributes", err)
    rc, _, err = v("define", "-u", U[1], "-p", "mtty", "-t", "mtty-1", "--auto")
    result(rc == 0, "vmdevctl define --auto", err)
    rc, _, err = v("define", "-u", U[2], "-p", "matrix", "-t", "vfio_ap-passthrough",
                   "--attr", "assign_adapter=5", "--attr", "assign_domain=0xab",
                   "--attr", "assign_adapter=6", "--attr", "a.b-c_d=x y \"q\" \\ é /")
    result(rc == 0, "vmdevctl define: a parent that is not there, repeated and odd attributes", err)
    rc, _, err = v("define", "-u", U[3], "-p", "0000:00:02.0", "-t", "i915-GVTg_V5_4", "--auto",
                   "--attr", "k=v")
    result(rc == 0, "vmdevctl define: a PCI parent name", err)
    rc, _, err = v("define", "-u", U[0], "-p", "mdpy", "-t", "mdpy-vga")
    result(rc == 0, "vmdevctl define: the same UUID under a second parent", err)
    same_view(vmdevctl, root, "mdevctl list --defined reads every file vmdevctl wrote as vmdevctl does")

    # ---- mdevctl writes, vmdevctl reads
    for args in (["-u", U[10], "-p", "mtty", "-t", "mtty-2"],
                 ["-u", U[11], "-p", "mtty", "-t", "mtty-1", "--auto"],
                 ["-u", U[12], "-p", "matrix", "-t", "vfio_ap-passthrough"]):
        rc, _, err = mdevctl("define", *args)
        result(rc == 0, f"mdevctl define {' '.join(args[2:])}", err)
    for name, value in (("assign_adapter", "5"), ("assign_domain", "0xab"), ("assign_adapter", "6"),
                        ("x.y", 'quote " and \\ backslash é')):
        rc, _, err = mdevctl("modify", "-u", U[12], "--addattr", name, "--value", value)
        result(rc == 0, f"mdevctl modify --addattr {name}", err)
    rc, _, err = mdevctl("define", "-p", "mtty", "-u", U[13], "--jsonfile", "/dev/stdin",
                         stdin='{"mdev_type":"mtty-2","start":"auto","attrs":[{"a":"1"},{"b":"2"}]}')
    result(rc == 0, "mdevctl define --jsonfile (libvirt's way)", err)
    view = same_view(vmdevctl, root, "vmdevctl list --defined reads every file mdevctl wrote as mdevctl does")
    result(view.get(("matrix", U[12]), (None, None, []))[2]
           == [("assign_adapter", "5"), ("assign_domain", "0xab"), ("assign_adapter", "6"),
               ("x.y", 'quote " and \\ backslash é')],
           "attributes mdevctl wrote keep their order and bytes in vmdevctl", view.get(("matrix", U[12])))

    # ---- the same definition written by each: the same bytes
    pairs = [
        (["define", "-u", U[20], "-p", "mtty", "-t", "mtty-2"],
         ["define", "-u", U[21], "-p", "mtty", "-t", "mtty-2"], None),
        (["define", "-u", U[22], "-p", "mtty", "-t", "mtty-1", "--auto"],
         ["define", "-u", U[23], "-p", "mtty", "-t", "mtty-1", "--auto"], None),
        (["define", "-u", U[24], "-p", "matrix", "-t", "t", "--attr", "assign_adapter=5",
          "--attr", "n=va\"l\\ü"],
         ["define", "-u", U[25], "-p", "matrix", "-t", "t"],
         [("assign_adapter", "5"), ("n", "va\"l\\ü")]),
    ]
    for vargs, margs, attrs in pairs:
        rc1, _, e1 = v(*vargs)
        rc2, _, e2 = mdevctl(*margs)
        for name, value in attrs or []:
            mdevctl("modify", "-u", margs[2], "--addattr", name, "--value", value)
        p = os.path.join(etc, vargs[4])
        with open(os.path.join(p, vargs[2]), "rb") as f1, open(os.path.join(p, margs[2]), "rb") as f2:
            a, b = f1.read(), f2.read()
        result(rc1 == 0 and rc2 == 0 and a == b,
               f"the same definition ({' '.join(vargs[3:])}) is the same bytes from both tools",
               f"{e1}{e2} vmdevctl={a!r} mdevctl={b!r}")
        st1, st2 = os.stat(os.path.join(p, vargs[2])), os.stat(os.path.join(p, margs[2]))
        result(st1.st_mode & 0o777 == 0o644, f"vmdevctl's file is mode 0644 ({vargs[2]})",
               oct(st1.st_mode))

    # ---- each modifies what the other wrote
    rc, _, err = v("modify", "-u", U[11], "--manual", "--attr", "k=v")
    result(rc == 0, "vmdevctl modify of mdevctl's file", err)
    rc, _, err = mdevctl("modify", "-u", U[1], "--manual")
    result(rc == 0, "mdevctl modify of vmdevctl's file", err)
    rc, _, err = mdevctl("modify", "-u", U[2], "--delattr", "--index", "1")
    result(rc == 0, "mdevctl modify --delattr of vmdevctl's file", err)
    view = same_view(vmdevctl, root, "after modifying each other's files both still agree")
    result(view.get(("mtty", U[11])) == ("mtty-1", "manual", [("k", "v")]),
           "vmdevctl's modify of mdevctl's file is what mdevctl reads", view.get(("mtty", U[11])))
    # mdevctl 1.2.0 counts --index from 0: index 1 is the second attribute
    result([a[0] for a in view.get(("matrix", U[2]), (0, 0, []))[2]]
           == ["assign_adapter", "assign_adapter", "a.b-c_d"],
           "mdevctl's --delattr --index 1 of vmdevctl's file removed the second attribute",
           view.get(("matrix", U[2])))

    # ---- each undefines what the other wrote
    rc, _, err = v("undefine", "-u", U[10])
    result(rc == 0 and not os.path.exists(os.path.join(etc, "mtty", U[10])),
           "vmdevctl undefine of mdevctl's file", err)
    rc, _, err = mdevctl("undefine", "-u", U[3])
    result(rc == 0 and not os.path.exists(os.path.join(etc, "0000:00:02.0", U[3])),
           "mdevctl undefine of vmdevctl's file", err)
    same_view(vmdevctl, root, "after undefining, both still agree")


if __name__ == "__main__":
    main()
