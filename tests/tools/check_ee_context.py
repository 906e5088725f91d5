"""Check the build context that `ansible-builder create` wrote for an execution environment.

    check_ee_context.py DEFINITION CONTEXT

The Containerfile must start from the definition's base image and install the ansible-core that
`make test` tests as the newest (tests/requirements/newest.txt), and the collection must come in
at the version of galaxy.yml: from Galaxy (requirements.yml names tickstack.kapacitor at that
version) or from the tarball copied into the context (tickstack-kapacitor-<version>.tar.gz).
"""
import glob
import os
import re
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pinned(requirements, package):
    with open(os.path.join(ROOT, requirements), encoding="utf-8") as f:
        for line in f:
            if line.startswith(package + "=="):
                return line.strip()
    sys.exit("check_ee_context: %s pins no %s" % (requirements, package))


def check(definition, context):
    with open(definition, encoding="utf-8") as f:
        ee = yaml.safe_load(f)
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as f:
        version = yaml.safe_load(f)["version"]
    containerfile = os.path.join(context, "Containerfile")
    if not os.path.isfile(containerfile):
        return ["no Containerfile in %s" % context]
    with open(containerfile, encoding="utf-8") as f:
        text = f.read()
    with open(os.path.join(context, "_build", "requirements.yml"), encoding="utf-8") as f:
        collections = yaml.safe_load(f)["collections"]
    problems = []
    base = ee["images"]["base_image"]["name"]
    if 'ARG EE_BASE_IMAGE="%s"\n' % base not in text:
        problems.append("the Containerfile does not start from %s" % base)
    core = pinned("tests/requirements/newest.txt", "ansible-core")
    refs = re.search(r'^ARG ANSIBLE_INSTALL_REFS="(.*)"$', text, re.M)
    if not refs or core not in refs.group(1).split():
        problems.append("the Containerfile does not install %s (the newest tested ansible-core): %s"
                        % (core, refs.group(0) if refs else "no ANSIBLE_INSTALL_REFS"))
    tarballs = glob.glob(os.path.join(context, "_build", "*", "tickstack-kapacitor-*.tar.gz"))
    if tarballs:
        if [os.path.basename(t) for t in tarballs] != ["tickstack-kapacitor-%s.tar.gz" % version]:
            problems.append("the context holds %s, not the tarball of version %s" % (tarballs, version))
        copied = re.search(r"^COPY _build/\S+\.tar\.gz (\S+)$", text, re.M)
        if not copied:
            problems.append("the Containerfile copies no tarball")
        elif collections != [{"name": copied.group(1), "type": "file"}]:
            problems.append("requirements.yml does not install %s: %s" % (copied.group(1), collections))
    elif collections != [{"name": "tickstack.kapacitor", "version": version}]:
        problems.append("requirements.yml does not install tickstack.kapacitor %s from Galaxy: %s"
                        % (version, collections))
    return problems


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: check_ee_context.py DEFINITION CONTEXT")
    problems = check(sys.argv[1], sys.argv[2])
    for problem in problems:
        print("%s: %s" % (sys.argv[1], problem))
    if problems:
        sys.exit(1)
    print("%s: build context %s is complete" % (os.path.basename(sys.argv[1]), sys.argv[2]))


if __name__ == "__main__":
    main()
