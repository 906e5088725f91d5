#!/usr/bin/env python3
"""Copy the collection into DEST/ansible_collections/tickstack/kapacitor.

ansible-test only works on a collection that sits at a real path ending in
ansible_collections/<namespace>/<name>, so `make test` works on a staged copy and a
clone can live anywhere. The copy holds the files git knows about (tracked, or new and
not ignored); anything else in the work tree (venvs, caches, build output) stays out.
tests/output is kept between runs so that ansible-test's own caches stay warm.
"""
import os
import shutil
import subprocess
import sys

KEEP = {os.path.join("tests", "output")}


def source_files(root):
    try:
        out = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root, check=True, capture_output=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        sys.exit("stage_collection: needs a git checkout of the collection (git ls-files failed)")
    names = sorted({n for n in out.decode().split("\0") if n})
    return [n for n in names if os.path.isfile(os.path.join(root, n))]


def clear(dest):
    for dirpath, dirnames, filenames in os.walk(dest, topdown=True):
        rel = os.path.relpath(dirpath, dest)
        for d in list(dirnames):
            if os.path.normpath(os.path.join(rel, d)) in KEEP:
                dirnames.remove(d)
        for f in filenames:
            os.unlink(os.path.join(dirpath, f))


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    dest = os.path.join(os.path.abspath(sys.argv[1]), "ansible_collections", "tickstack", "kapacitor")
    os.makedirs(dest, exist_ok=True)
    clear(dest)
    files = source_files(root)
    for name in files:
        target = os.path.join(dest, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(root, name), target)
    # Directories left empty by files that no longer exist.
    for dirpath, dirnames, filenames in os.walk(dest, topdown=False):
        if dirpath != dest and not os.listdir(dirpath) and os.path.relpath(dirpath, dest) not in KEEP:
            os.rmdir(dirpath)
    print("staged %d files in %s" % (len(files), dest))


if __name__ == "__main__":
    main()
