"""Copy the collection into DEST/ansible_collections/tickstack/kapacitor, for each DEST given.

ansible-test only works on a collection that sits at a real path ending in
ansible_collections/<namespace>/<name>, so `make test` works on a staged copy and a
clone can live anywhere. The copy holds the files git knows about (tracked, or new and
not ignored); anything else in the work tree (venvs, caches, build output) stays out.
tests/output is kept between runs so that ansible-test's own caches stay warm.

The copy gets a git repository of its own: ansible-test lists a collection's files with git
when it finds a repository, and it would otherwise find the checkout around .build/, where
the staged copy is ignored, and see no files at all.
"""
import os
import shutil
import subprocess
import sys

KEEP = {os.path.join("tests", "output"), ".git"}


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


def walk_outside_kept(dest, topdown):
    """os.walk over dest that never enters the kept directories."""
    for dirpath, dirnames, filenames in os.walk(dest, topdown=topdown):
        rel = os.path.relpath(dirpath, dest)
        if any(rel == k or rel.startswith(k + os.sep) for k in KEEP):
            continue
        yield dirpath, filenames


def clear(dest):
    for dirpath, filenames in walk_outside_kept(dest, topdown=True):
        for f in filenames:
            os.unlink(os.path.join(dirpath, f))


def remove_empty_dirs(dest):
    for dirpath, unused_files in walk_outside_kept(dest, topdown=False):
        if dirpath != dest and not os.listdir(dirpath) and os.path.relpath(dirpath, dest) not in KEEP:
            os.rmdir(dirpath)


def stage(files, root, dest):
    os.makedirs(dest, exist_ok=True)
    clear(dest)
    for name in files:
        target = os.path.join(dest, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(root, name), target)
    remove_empty_dirs(dest)  # left by files that no longer exist
    if not os.path.isdir(os.path.join(dest, ".git")):
        subprocess.run(["git", "init", "-q", dest], check=True)
    print("staged %d files in %s" % (len(files), dest))


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: stage_collection.py DEST...")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    files = source_files(root)
    for base in sys.argv[1:]:
        stage(files, root, os.path.join(os.path.abspath(base), "ansible_collections", "tickstack", "kapacitor"))


if __name__ == "__main__":
    main()
