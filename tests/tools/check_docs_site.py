# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""`make docs-check`: load the built documentation site in headless Chromium and check what it shows.

    python tests/tools/check_docs_site.py --html .build/docs/html [--screenshot FILE.png]

Chromium renders each page and prints its DOM (`--dump-dom`): what is checked is what a browser
shows, after the theme's scripts ran, not the files Sphinx wrote.

- index.html links every module of plugins/modules/, the role of roles/, and every page of
  docs/docsite/extra-docs.yml, and each link leads to a file of the site;
- the kapacitor_alert_endpoint module page has its parameters table with `handler` and `config`,
  its examples and its return values;
- every extra docs page has its title and its images, and the performance page shows its plot.

Chromium is required: without it the check fails (it is never skipped).
"""

from __future__ import annotations

import argparse
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


class CheckError(Exception):
    """The site does not show what it must."""


class Page(html.parser.HTMLParser):
    """The links, element ids, headings and text of a rendered page."""

    def __init__(self, dom):
        super().__init__()
        self.links, self.ids, self.headings, self.text, self.images = [], set(), [], [], []
        self._heading = None
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if re.match(r"^h[1-6]$", tag):
            self._heading = []

    def handle_endtag(self, tag):
        if re.match(r"^h[1-6]$", tag) and self._heading is not None:
            self.headings.append(re.sub(r"\s+", " ", "".join(self._heading)).strip().rstrip("\uf0c1").strip())
            self._heading = None

    def handle_data(self, data):
        self.text.append(data)
        if self._heading is not None:
            self._heading.append(data)

    def plain(self):
        return re.sub(r"\s+", " ", "".join(self.text))


def browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    raise CheckError("Chromium is not installed (looked for %s on PATH): install it, for example "
                     "`apt-get install chromium`, to check the documentation site" % ", ".join(BROWSERS))


def chromium(args, profile):
    cmd = [browser()] + FLAGS + ["--user-data-dir=" + profile] + args
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
    if proc.returncode != 0:
        raise CheckError("%s exited with status %d: %s" % (cmd[0], proc.returncode, proc.stderr[-2000:]))
    return proc.stdout


def render(path, profile):
    dom = chromium(["--dump-dom", "file://" + path], profile)
    if "<body" not in dom:
        raise CheckError("Chromium returned no page for %s" % path)
    return Page(dom)


def expected_pages():
    modules = sorted(os.path.splitext(n)[0] for n in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                     if n.endswith(".py") and not n.startswith("_"))
    roles = sorted(os.listdir(os.path.join(ROOT, "roles")))
    with open(os.path.join(ROOT, "docs", "docsite", "extra-docs.yml"), encoding="utf-8") as f:
        extra = [entry if isinstance(entry, str) else entry["ref"]
                 for section in yaml.safe_load(f)["sections"] for entry in section["toctree"]]
    return (["%s_module.html" % m for m in modules] + ["%s_role.html" % r for r in roles]
            + ["docsite/%s.html" % e for e in extra])


def check_index(site, profile):
    index = render(os.path.join(site, "index.html"), profile)
    targets = {link.split("#")[0] for link in index.links}
    problems = []
    for page in expected_pages():
        if page not in targets:
            problems.append("index.html does not link %s" % page)
        elif not os.path.isfile(os.path.join(site, page)):
            problems.append("index.html links %s, which the site does not have" % page)
    return problems


def check_module_page(site, profile):
    page = render(os.path.join(site, "kapacitor_alert_endpoint_module.html"), profile)
    problems = []
    for section in ("parameters", "examples", "return-values"):
        if section not in page.ids:
            problems.append("kapacitor_alert_endpoint: no %r section" % section)
    for option in ("handler", "config", "state", "update_secrets", "kapacitor_url"):
        if "parameter-" + option not in page.ids:
            problems.append("kapacitor_alert_endpoint: the parameters table has no %r" % option)
    text = page.plain()
    if "tickstack.kapacitor.kapacitor_alert_endpoint:" not in text:
        problems.append("kapacitor_alert_endpoint: the examples show no task of the module")
    if not any(i.startswith("return-") and i != "return-values" for i in page.ids):
        problems.append("kapacitor_alert_endpoint: the return values table is empty")
    return problems


def check_extra_docs(site, profile):
    problems = []
    for page in expected_pages():
        if not page.startswith("docsite/"):
            continue
        rendered = render(os.path.join(site, page), profile)
        if not rendered.headings or len(rendered.plain()) < 500:
            problems.append("%s: no title, or next to no text" % page)
        for src in rendered.images:
            if not os.path.isfile(os.path.join(site, os.path.dirname(page), src.split("?")[0])):
                problems.append("%s: image %s is missing" % (page, src))
    performance = render(os.path.join(site, "docsite", "performance.html"), profile)
    if not any(src.endswith("performance.png") for src in performance.images):
        problems.append("docsite/performance.html does not show the plot (performance.png)")
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--html", required=True, help="the built site (index.html and the pages)")
    parser.add_argument("--screenshot", help="also write a screenshot of the module page to this PNG")
    args = parser.parse_args(argv)
    site = os.path.abspath(args.html)
    profile = tempfile.mkdtemp(prefix="docs-check-chromium-")
    try:
        if not os.path.isfile(os.path.join(site, "index.html")):
            raise CheckError("no site at %s: run `make docs` first" % site)
        problems = check_index(site, profile) + check_module_page(site, profile) + check_extra_docs(site, profile)
        if args.screenshot:
            chromium(["--screenshot=" + os.path.abspath(args.screenshot), "--window-size=1280,2000",
                      "file://" + os.path.join(site, "kapacitor_alert_endpoint_module.html")], profile)
    except CheckError as exc:
        problems = [str(exc)]
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print("docs-check: %d problems" % len(problems), file=sys.stderr)
        return 1
    print("docs-check: index links %d pages; the module page has its parameters, examples and return values"
          % len(expected_pages()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
