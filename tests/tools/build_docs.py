# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make docs`: build the collection's HTML documentation with antsibull-docs and Sphinx.

    python tests/tools/build_docs.py --collections-path .build --dest .build/docs

1. `antsibull-docs sphinx-init` writes a Sphinx project for the staged collection (the Ansible
   theme, every plugin, the role, the extra docs of docs/docsite/).
2. Sphinx cannot fetch the Ansible documentation's object inventory on a machine without internet
   access, so the few labels of it that antsibull-docs' pages refer to are written to a local
   inventory (links still point at docs.ansible.com), and the project uses that one alone.
3. `antsibull-docs collection` writes the reStructuredText, the images of docs/ are copied next to
   the extra docs that show them, and `sphinx-build -W --keep-going` writes DEST/html: every
   warning is an error.

Run it with the docs venv's Python, its bin directory first on PATH (the Makefile does).
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COLLECTION = "tickstack.kapacitor"
ANSIBLE_DOCS = "https://docs.ansible.com/projects/ansible/devel/"
# Labels of the Ansible documentation that antsibull-docs' generated pages refer to.
ANSIBLE_LABELS = {
    "ansible_configuration_settings": ("reference_appendices/config.html#ansible-configuration-settings",
                                       "Ansible Configuration Settings"),
    "common_return_values": ("reference_appendices/common_return_values.html#common-return-values",
                             "Return Values"),
}


def run(cmd, cwd, env):
    print("$ %s" % " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, cwd=cwd, env=env, check=False)
    if proc.returncode != 0:
        sys.exit("build_docs: %s failed (exit status %d)" % (cmd[0], proc.returncode))


def write_inventory(path):
    lines = "".join("%s std:label -1 %s %s\n" % (label, uri, title) for label, (uri, title) in sorted(ANSIBLE_LABELS.items()))
    header = "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n" \
             "# The remainder of this file is compressed using zlib.\n"
    with open(path, "wb") as f:
        f.write(header.encode() + zlib.compress(lines.encode()))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--collections-path", required=True)
    parser.add_argument("--dest", required=True, help="writes DEST/src (the Sphinx project) and DEST/html")
    args = parser.parse_args(argv)
    dest = os.path.abspath(args.dest)
    src, html = os.path.join(dest, "src"), os.path.join(dest, "html")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.abspath(args.collections_path))
    shutil.rmtree(src, ignore_errors=True)
    shutil.rmtree(html, ignore_errors=True)
    os.makedirs(src, mode=0o700)  # antsibull-docs wants its directories writable by their owner alone
    os.chmod(src, 0o700)
    run(["antsibull-docs", "sphinx-init", "--use-current", "--squash-hierarchy", "--fail-on-error",
         "--project", COLLECTION, "--title", "%s documentation" % COLLECTION, "--html-short-title", COLLECTION,
         "--copyright", "%s contributors" % COLLECTION, "--no-add-antsibull-docs-version",
         "--dest-dir", src, COLLECTION], src, env)
    inventory = os.path.join(src, "ansible_devel.inv")
    write_inventory(inventory)
    with open(os.path.join(src, "conf.py"), "a", encoding="utf-8") as f:
        f.write("\n# Offline: the Ansible documentation's labels from a local inventory (tests/tools/build_docs.py).\n"
                "intersphinx_mapping = {'ansible_devel': (%r, %r)}\n" % (ANSIBLE_DOCS, inventory))
    rst = os.path.join(src, "rst")
    os.makedirs(rst, mode=0o700, exist_ok=True)
    os.chmod(rst, 0o700)
    run(["antsibull-docs", "--config-file", "antsibull-docs.cfg", "collection", "--cleanup", "everything",
         "--fail-on-error", "--use-current", "--squash-hierarchy", "--dest-dir", rst, COLLECTION], src, env)
    docsite = os.path.join(rst, "docsite")
    for image in glob.glob(os.path.join(ROOT, "docs", "*.png")):
        shutil.copy2(image, docsite)
    run(["sphinx-build", "-b", "html", "-W", "--keep-going", "-q", "-c", src, rst, html], src, env)
    print("build_docs: %s" % os.path.join(html, "index.html"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
