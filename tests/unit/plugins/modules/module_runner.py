# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() with arguments, as Ansible would, and return what it printed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19
    patch_module_args = None


@contextlib.contextmanager
def module_args(args):
    """The module arguments that AnsibleModule reads, as ansible.module_utils.testing sets them on 2.19+."""
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
        return
    saved = basic._ANSIBLE_ARGS
    args = dict(args, _ansible_remote_tmp="/tmp", _ansible_keep_remote_files=False)
    basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = saved


def run_main(capsys, module, args):
    """The module's result dict, with its exit code added as `rc`."""
    with module_args(args):
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
