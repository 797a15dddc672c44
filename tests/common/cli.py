# SPDX-License-Identifier: GPL-2.0-or-later
"""Running vmdevctl (and the examples) from the python runners, and
comparing its JSON with expected JSON.

VMDEV_TEST_WRAPPER (e.g. "valgrind --error-exitcode=99 ...", set by the
'valgrindcli' test setup) wraps every run, so that python itself is never
run under the wrapper."""
import json
import os
import shlex
import subprocess

WRAPPER = shlex.split(os.environ.get("VMDEV_TEST_WRAPPER", ""))

# names come from the host's udev hardware database, not from a tree
HOST_KEYS = {"devices": ("vendor_name", "device_name")}


def run(cmd, env=None):
    """(exit code, stdout, stderr) of CMD, under the wrapper if any."""
    p = subprocess.run(WRAPPER + cmd, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def vmdevctl_json(vmdevctl, root, *args):
    """(exit code, parsed JSON or None, stderr) of vmdevctl --root ROOT --json ARGS."""
    rc, out, err = run([vmdevctl, "--root", root, "--json", *args])
    try:
        data = json.loads(out) if out.strip() else None
    except ValueError:
        data = None
    return rc, data, err


def strip_host_keys(cmd, data):
    """DATA (a list of objects from CMD --json) without the host's keys."""
    for obj in data:
        for key in HOST_KEYS.get(cmd, ()):
            obj.pop(key, None)
    return data


def first_difference(a, b, path="$"):
    """None when A equals B, else where and how they first differ."""
    if type(a) is not type(b):
        return f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict):
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(a)} != {sorted(b)}"
        for k in a:
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"
