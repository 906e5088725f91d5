"""Callback for the benchmark: the wall time of every task and what each host reported.

Writes one JSON document to the file named by BENCH_TIMER_FILE when the playbook ends:
{"tasks": [{"name", "role", "action", "start", "end",
            "hosts": {host: {"changed", "failed", "skipped", "items", "endpoints_changed"}}}]}
`items` counts the results a host reported (one per loop item), skipped ones included;
`endpoints_changed` sums the length of the `changed_endpoints` a result returns (the plural
module's), so that a task writing many endpoints at once is counted per endpoint.
Times are time.monotonic() seconds. With the linear strategy a task ends when the next one starts
(or the playbook ends): that is when the last host finished it.
"""
import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: bench_timer
type: aggregate
short_description: record task wall times and changed counts for the benchmark
description: Writes per-task wall time and per-host changed/failed counts to BENCH_TIMER_FILE.
requirements: [enable in configuration]
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.tasks = []
        self.path = os.environ.get("BENCH_TIMER_FILE")

    def _close_current(self):
        now = time.monotonic()
        if self.tasks and self.tasks[-1]["end"] is None:
            self.tasks[-1]["end"] = now
        return now

    def _start(self, task):
        now = self._close_current()
        role = task._role.get_name() if task._role else None  # pylint: disable=protected-access
        action = getattr(task, "resolved_action", None) or task.action
        self.tasks.append({"name": task.get_name(), "role": role, "action": action, "start": now, "end": None,
                           "hosts": {}})

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start(task)

    def v2_playbook_on_handler_task_start(self, task):
        self._start(task)

    def v2_playbook_on_play_start(self, play):
        self._close_current()

    def _record(self, result, outcome):
        if not self.tasks:
            return
        res = result._result  # pylint: disable=protected-access
        entry = self.tasks[-1]["hosts"].setdefault(result._host.get_name(),  # pylint: disable=protected-access
                                                   {"changed": 0, "failed": 0, "skipped": 0, "items": 0,
                                                    "endpoints_changed": 0})
        items = res.get("results") if isinstance(res.get("results"), list) else None
        if isinstance(res.get("changed_endpoints"), list):
            entry["endpoints_changed"] += len(res["changed_endpoints"])
        if items is None:
            entry["items"] += 1
            entry["changed"] += int(bool(res.get("changed")) and outcome == "ok")
            entry[outcome] = entry.get(outcome, 0) + int(outcome != "ok")
            return
        for item in items:
            entry["items"] += 1
            if item.get("skipped"):
                entry["skipped"] += 1
            elif item.get("failed") or item.get("unreachable"):
                entry["failed"] += 1
            elif item.get("changed"):
                entry["changed"] += 1

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_playbook_on_stats(self, stats):
        self._close_current()
        if self.path:
            with open(self.path, "w", encoding="utf-8") as handle:
                json.dump({"tasks": self.tasks}, handle)
