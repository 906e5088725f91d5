# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() with arguments, as Ansible would, and return what it printed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible.module_utils.testing import patch_module_args


def run_main(capsys, module, args):
    """The module's result dict, with its exit code added as `rc`."""
    with patch_module_args(args):
        with pytest.raises(SystemExit) as exit_info:
            module.main()
    out = json.loads(capsys.readouterr().out)
    out["rc"] = exit_info.value.code
    return out


def warnings_of(result):
    """The text of each warning of a result (ansible-core 2.19 and newer return structured warnings)."""
    texts = []
    for warning in result.get("warnings", []):
        if isinstance(warning, dict):
            warning = (warning.get("event") or {}).get("msg") or warning.get("msg") or str(warning)
        texts.append(warning)
    return texts
