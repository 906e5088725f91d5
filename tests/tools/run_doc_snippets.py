# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make doc-snippets`: run every snippet that README.md and docs/*.md present as runnable.

The snippets are read from the Markdown, never copied: an HTML comment on the line before a
fenced block marks it.

    <!-- snippet: quickstart.yml -->        the block is written to quickstart.yml
    <!-- snippet-run -->                    each line of the block is a shell command, run in order
    <!-- snippet-run: idempotent -->        ... and run a second time, which must report changed=0
    <!-- snippet: not-runnable (reason) --> shown, not run (a fragment, real servers, AWX, ...)

Each Markdown file is one scenario: its files are written into a fresh directory and its
commands run there, in the order of the page, with the staged collection on
ANSIBLE_COLLECTIONS_PATH and against fresh Kapacitor emulators. Every local Kapacitor URL the
page's snippets name (http://127.0.0.1:PORT or http://localhost:PORT) gets an emulator of its
own on a free port, and the snippets are run with that URL in its place. A command that ends in
`&` runs in the background until the page ends; when it starts the emulator itself
(`--listen 127.0.0.1:PORT`), it listens on a free port and the page's later URLs with PORT lead to
it. HOME is a directory of its own where ~/.ansible/collections holds the staged collection, as
`ansible-galaxy collection install` would. A command fails the
check when it exits non-zero, when an ansible-playbook recap reports a failed or unreachable
host, or, for an idempotent block, when its second run reports a change.

A yaml block that is neither marked runnable nor marked not-runnable fails the check too, so a
new example cannot slip in untested.

    python tests/tools/run_doc_snippets.py --collections-path .build [FILE.md ...]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
import harness  # noqa: E402  pylint: disable=wrong-import-position
MARKER = re.compile(r"^<!--\s*(snippet|snippet-run)\s*(?::\s*(.*?))?\s*-->\s*$")
FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)\s*$")
LOCAL_URL = re.compile(r"http://(?:127\.0\.0\.1|localhost):(\d+)")
ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=\S*$")
LISTEN = re.compile(r"(--listen[ =](?:127\.0\.0\.1|localhost)):(\d+)")
RECAP = re.compile(r"^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)
YAML_LANGUAGES = {"yaml", "yml"}


class SnippetError(Exception):
    """A snippet failed, or a page has an unmarked example."""


class Block:
    """One fenced block of a Markdown page, with the marker before it, if any."""

    def __init__(self, path, line, language, text, kind, argument):
        self.path, self.line, self.language, self.text = path, line, language, text
        self.kind, self.argument = kind, argument

    def where(self):
        return "%s:%d" % (os.path.relpath(self.path, ROOT), self.line)


def parse(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks, i = [], 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        start = i
        i += 1
        body = []
        while i < len(lines) and not lines[i].startswith(fence.group(1)):
            body.append(lines[i])
            i += 1
        marker = MARKER.match(lines[start - 1]) if start > 0 else None
        kind, argument = (marker.group(1), marker.group(2) or "") if marker else (None, "")
        blocks.append(Block(path, start + 1, fence.group(2).lower(), "\n".join(body) + "\n", kind, argument))
        i += 1
    return blocks


def check_marks(blocks):
    """Every yaml block is marked; every marker is well formed."""
    problems = []
    for block in blocks:
        if block.kind == "snippet":
            if block.argument.startswith("not-runnable"):
                if not re.match(r"^not-runnable \(.+\)$", block.argument):
                    problems.append("%s: give the reason: <!-- snippet: not-runnable (reason) -->" % block.where())
            elif not re.match(r"^[\w.-]+(/[\w.-]+)*$", block.argument):
                problems.append("%s: <!-- snippet: FILE --> needs a relative file name, got %r" % (block.where(), block.argument))
        elif block.kind == "snippet-run" and block.argument not in ("", "idempotent"):
            problems.append("%s: unknown snippet-run flag %r" % (block.where(), block.argument))
        elif block.kind is None and block.language in YAML_LANGUAGES:
            problems.append("%s: a yaml block that is neither a snippet nor marked "
                            "<!-- snippet: not-runnable (reason) -->" % block.where())
    return problems


def runnable(blocks):
    return [b for b in blocks if b.kind == "snippet-run" or (b.kind == "snippet" and not b.argument.startswith("not-runnable"))]


class Emulators:
    """One Kapacitor emulator per local URL a page names."""

    def __init__(self):
        self.running, self.urls, self.services, self.files = [], {}, [], []

    def url_for(self, match):
        port = match.group(1)
        if port not in self.urls:
            try:
                emulator = harness.Emulator(controls=False).start()
            except RuntimeError as exc:
                raise SnippetError("the emulator for %s did not start: %s" % (match.group(0), exc)) from exc
            self.running.append(emulator)
            self.urls[port] = emulator.url
        return self.urls[port]

    def rewrite(self, text):
        return LOCAL_URL.sub(self.url_for, text)

    def write_file(self, target, text, record=True):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            f.write(self.rewrite(text))
        if record:
            self.files.append((target, text))

    def start_service(self, command, workdir, env):
        """Runs a command that ends in `&` in the background, as a shell would, until the page ends.

        A Kapacitor emulator started that way (--listen HOST:PORT) listens on a free port instead,
        and the page's later URLs with that port lead to it.
        """
        listen = LISTEN.search(command)
        command = LISTEN.sub(r"\1:0", command).rstrip().rstrip("&")
        log = os.path.join(workdir, ".service-%d.log" % len(self.services))
        with open(log, "w", encoding="utf-8") as out:
            proc = subprocess.Popen(["bash", "-c", command], cwd=workdir, env=env, stdout=out,  # pylint: disable=consider-using-with
                                    stderr=subprocess.STDOUT, start_new_session=True)
        self.services.append(proc)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with open(log, encoding="utf-8") as f:
                output = f.read()
            if proc.poll() is not None:
                raise SnippetError("`%s &` exited with status %s:\n%s" % (command, proc.returncode, output))
            started = re.search(r"listening on (https?://\S+)", output)
            if started or (not listen and output):
                if listen and started:
                    # The page's files name this server from now on, as they would for its reader.
                    self.urls[listen.group(2)] = started.group(1)
                    for target, text in self.files:
                        self.write_file(target, text, record=False)
                return
            time.sleep(0.1)
        if listen:
            raise SnippetError("`%s &` did not report that it listens within 15 s" % command)

    def stop(self):
        for emulator in self.running:
            emulator.stop()
        for proc in self.services:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def run_command(command, workdir, env):
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=workdir, env=env,
                          capture_output=True, text=True, check=False, timeout=600)
    return proc.returncode, proc.stdout + proc.stderr


def run_block(block, emulators, workdir, env):
    """Runs the commands of a snippet-run block; returns the number of commands run."""
    commands = [line for line in _joined_lines(block.text) if line.strip() and not line.lstrip().startswith("#")]
    rounds = 2 if block.argument == "idempotent" else 1
    for command in commands:
        if ASSIGNMENT.match(command):
            # Each line runs in a shell of its own: a variable set on one line is set for the next.
            name, value = command.split("=", 1)
            env[name] = subprocess.run(["bash", "-c", 'printf %s ' + value], env=env, capture_output=True,
                                       text=True, check=True).stdout
            print("    set  %s" % command, flush=True)
            continue
        if command.rstrip().endswith("&"):
            emulators.start_service(command, workdir, env)
            print("    ok   %s (running)" % command, flush=True)
            continue
        command = emulators.rewrite(command)
        for attempt in range(rounds):
            status, output = run_command(command, workdir, env)
            recaps = RECAP.findall(output)
            label = "%s: `%s`%s" % (block.where(), command, " (second run)" if attempt else "")
            if status != 0:
                raise SnippetError("%s exited with status %d:\n%s" % (label, status, output))
            bad = [r for r in recaps if int(r[2]) or int(r[3])]
            if bad:
                raise SnippetError("%s: a host failed or was unreachable:\n%s" % (label, output))
            if attempt == 1:
                if not recaps:
                    raise SnippetError("%s: marked idempotent, but printed no play recap" % label)
                changed = [r[0] for r in recaps if int(r[1])]
                if changed:
                    raise SnippetError("%s: not idempotent, changed on %s:\n%s" % (label, ", ".join(changed), output))
            print("    ok   %s%s" % (command, " (again: changed=0)" if attempt else ""), flush=True)
    return len(commands)


def _joined_lines(text):
    """The block's lines, with backslash continuations joined."""
    lines, current = [], ""
    for line in text.split("\n"):
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        lines.append(current + line)
        current = ""
    if current:
        lines.append(current)
    return lines


def run_page(path, collections_path):
    """Runs the page's snippets; returns (files written, commands run)."""
    blocks = runnable(parse(path))
    if not blocks:
        return 0, 0
    workdir = tempfile.mkdtemp(prefix="doc-snippets-")
    # A home of its own, with the collection where `ansible-galaxy collection install` puts it.
    home = os.path.join(workdir, ".home")
    os.makedirs(os.path.join(home, ".ansible", "collections"))
    os.symlink(os.path.join(collections_path, "ansible_collections"),
               os.path.join(home, ".ansible", "collections", "ansible_collections"))
    env = dict(os.environ, HOME=home)
    env.update(ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0",
               ANSIBLE_RETRY_FILES_ENABLED="false", ANSIBLE_STDOUT_CALLBACK="default",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
               ANSIBLE_HOME=os.path.join(home, ".ansible"))
    emulators = Emulators()
    files = commands = 0
    try:
        for block in blocks:
            if block.kind == "snippet":
                emulators.write_file(os.path.join(workdir, block.argument), block.text)
                files += 1
                print("    file %s (%s)" % (block.argument, block.where()), flush=True)
            else:
                commands += run_block(block, emulators, workdir, env)
    except SnippetError:
        print("    (files kept in %s)" % workdir, file=sys.stderr)
        raise
    finally:
        emulators.stop()
    shutil.rmtree(workdir)
    return files, commands


def default_pages():
    docs = os.path.join(ROOT, "docs")
    return [os.path.join(ROOT, "README.md")] + sorted(
        os.path.join(docs, n) for n in os.listdir(docs) if n.endswith(".md"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--collections-path", required=True, help="directory holding ansible_collections/")
    parser.add_argument("pages", nargs="*", help="Markdown files (default: README.md and docs/*.md)")
    args = parser.parse_args(argv)
    pages = [os.path.abspath(p) for p in args.pages] or default_pages()
    collections_path = os.path.abspath(args.collections_path)
    if not shutil.which("ansible-playbook"):
        sys.exit("run_doc_snippets: ansible-playbook not found on PATH")
    problems = []
    for page in pages:
        problems += check_marks(parse(page))
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print("doc snippets: %d unmarked or malformed blocks" % len(problems), file=sys.stderr)
        return 1
    passed = failed = 0
    for page in pages:
        print("==> %s" % os.path.relpath(page, ROOT), flush=True)
        try:
            files, commands = run_page(page, collections_path)
        except SnippetError as exc:
            print("FAILED %s" % exc, file=sys.stderr)
            failed += 1
            continue
        if commands:
            passed += 1
            print("    %d files, %d commands" % (files, commands))
        elif files:
            print("FAILED %s: snippets written but no snippet-run block runs them" % page, file=sys.stderr)
            failed += 1
        else:
            print("    no runnable snippet")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
