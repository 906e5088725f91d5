# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The doc snippet check fails where it must: `make doc-snippets` runs these before the pages.

    COLLECTIONS_PATH=.build pytest tests/tools/test_run_doc_snippets.py
"""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_doc_snippets  # noqa: E402  pylint: disable=wrong-import-position

COLLECTIONS_PATH = os.path.abspath(os.environ.get("COLLECTIONS_PATH", ".build"))
FENCE = "```"

PLAY = """- name: One endpoint
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: PagerDuty v2
      tickstack.kapacitor.kapacitor_alert_endpoint:
        kapacitor_url: http://127.0.0.1:9092
        handler: pagerduty2
        config: {enabled: true, routing_key: placeholder}
"""
TEST_ALERT = PLAY + """
    - name: Send Test Alert, a change every time
      tickstack.kapacitor.kapacitor_test_alert:
        kapacitor_url: http://127.0.0.1:9092
        handler: pagerduty2
"""


def page(tmp_path, *blocks):
    """A Markdown page of (marker, language, text) blocks."""
    parts = ["# A page", ""]
    for marker, language, text in blocks:
        if marker:
            parts.append("<!-- %s -->" % marker)
        parts += [FENCE + language, text.rstrip("\n"), FENCE, ""]
    path = tmp_path / "page.md"
    path.write_text("\n".join(parts), encoding="utf-8")
    return str(path)


def check(path):
    return run_doc_snippets.main(["--collections-path", COLLECTIONS_PATH, path])


def test_an_unmarked_yaml_block_fails(tmp_path, capsys):
    assert check(page(tmp_path, (None, "yaml", "a: 1"))) == 1
    assert "neither a snippet nor marked" in capsys.readouterr().err


def test_not_runnable_needs_a_reason(tmp_path, capsys):
    assert check(page(tmp_path, ("snippet: not-runnable", "yaml", "a: 1"))) == 1
    assert "give the reason" in capsys.readouterr().err
    assert check(page(tmp_path, ("snippet: not-runnable (a fragment)", "yaml", "a: 1"))) == 0


def test_an_unknown_flag_fails(tmp_path):
    assert check(page(tmp_path, ("snippet-run: twice", "console", "true"))) == 1


def test_a_file_that_nothing_runs_fails(tmp_path):
    assert check(page(tmp_path, ("snippet: play.yml", "yaml", PLAY))) == 1


def test_an_idempotent_play_passes_twice(tmp_path, capsys):
    path = page(tmp_path, ("snippet: play.yml", "yaml", PLAY),
                ("snippet-run: idempotent", "console", "ansible-playbook play.yml"))
    assert check(path) == 0
    assert "(again: changed=0)" in capsys.readouterr().out


def test_a_failing_command_fails(tmp_path, capsys):
    failing = PLAY.replace("handler: pagerduty2", "handler: pagerduty3")
    path = page(tmp_path, ("snippet: play.yml", "yaml", failing), ("snippet-run", "console", "ansible-playbook play.yml"))
    assert check(path) == 1
    assert "exited with status 2" in capsys.readouterr().err


def test_a_change_on_the_second_run_fails(tmp_path, capsys):
    path = page(tmp_path, ("snippet: alert.yml", "yaml", TEST_ALERT),
                ("snippet-run: idempotent", "console", "ansible-playbook alert.yml"))
    assert check(path) == 1
    assert "not idempotent" in capsys.readouterr().err


def test_a_page_that_starts_its_own_emulator_uses_it(tmp_path, capsys):
    """The page's file names port 9092; after the page starts an emulator there, it leads to that one."""
    start = "\n".join([
        "COLL=~/.ansible/collections/ansible_collections/tickstack/kapacitor",
        "python3 $COLL/tests/emulator/kapacitor_emulator.py --listen 127.0.0.1:9092 &",
    ])
    # Written before the page's emulator starts: first against one of the check's own, where it
    # writes the endpoint; then against the page's emulator, where check mode must see it missing.
    path = page(tmp_path, ("snippet: play.yml", "yaml", PLAY),
                ("snippet-run: idempotent", "console", "ansible-playbook play.yml"),
                ("snippet-run", "console", start),
                ("snippet-run", "console", "ansible-playbook play.yml --check | grep -q 'changed=1'"))
    assert check(path) == 0, capsys.readouterr().err


@pytest.mark.parametrize("line, expected", [
    ("a \\", ["a  b"]),
])
def test_continuation_lines_are_joined(line, expected):
    assert [x for x in run_doc_snippets._joined_lines(line + "\nb") if x] == expected  # pylint: disable=protected-access
