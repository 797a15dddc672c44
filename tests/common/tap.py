# SPDX-License-Identifier: GPL-2.0-or-later
"""What the python test runners share: one "ok - ..." / "not ok - ..." line
per assertion with their counts and the closing "N passed, M failed" line,
and a checksum of a whole tree (to prove a command changed nothing)."""
import hashlib
import os

passed = failed = xfailed = 0


def result(ok, desc, detail="", xfail=None):
    """One assertion. XFAIL names a known bug: its failure is reported,
    not counted; once it passes the line says the mark can go."""
    global passed, failed, xfailed
    if xfail and not ok:
        xfailed += 1
        print(f"not ok - {desc} # TODO known ({xfail}): {detail}")
    elif ok:
        passed += 1
        print(f"ok - {desc}" + (" # XPASS: fixed, drop the xfail mark" if xfail else ""))
    else:
        failed += 1
        print(f"not ok - {desc}" + (f": {detail}" if detail else ""))


def finish():
    """Print the closing line; the exit status: 1 on a failure or when
    nothing was asserted at all."""
    print(f"{passed} passed, {failed} failed" + (f", {xfailed} known failures" if xfailed else ""))
    return 0 if failed == 0 and passed > 0 else 1


def tree_digest(root):
    """Every path under ROOT with its type, mode and size, link target and
    file content, in a stable order."""
    h = hashlib.sha256()
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(dirs + files):
            p = os.path.join(d, name)
            st = os.lstat(p)
            h.update(os.fsencode(os.path.relpath(p, root)) + b"\0")
            h.update(f"{st.st_mode:o} {st.st_size}\0".encode())
            if os.path.islink(p):
                h.update(os.fsencode(os.readlink(p)))
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()
