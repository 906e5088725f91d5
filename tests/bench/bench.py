"""What a converge costs, in requests and time, from one endpoint to a fleet.

For every N (endpoints) and M (servers) of the grid, starts M emulators on loopback, writes an
inventory of M hosts (connection local, each with kapacitor_url pointing at its own emulator)
and runs, with `forks` F:

  role     the collection's alert_endpoints role (test alerts off), a first run against fresh
           servers and a second, unchanged run;
  module   the kapacitor_alert_endpoints module called directly from a playbook with the same
           list, first and second run;
  uri      what users do without the collection: one ansible.builtin.uri POST per endpoint. It
           sends the same requests on every run, so it runs once;
  uri GET  one ansible.builtin.uri GET task per host: the floor that Ansible itself costs per task.

Each run records its wall and CPU time, the peak memory of the ansible-playbook process tree,
what every task cost (a callback) and the HTTP requests each emulator received.
Then the concurrency check runs (concurrency.py). The request-count targets are behaviour, and
--check makes them fatal; the timing targets are reported only.

  python tests/bench/bench.py --quick --check                       # the smoke check of make test
  python tests/bench/bench.py --report docs/performance.md          # the full grid, writes the report
"""
import argparse
import datetime
import json
import os
import platform
import resource
import signal
import subprocess
import sys
import time

import catalogue
import concurrency
import runner

FULL_GRID = {"n": [1, 7, 21], "m": [1, 10, 50]}
# The smoke check: one endpoint on one server, and seven (list and non-list handlers) on two.
QUICK_CELLS = [[1, 1], [7, 2]]
FORKS = 10
# The role's switch for test alerts: cost measurements never send one.
ROLE_VARS = {"kapacitor_alert_endpoints_test_alerts": "never"}
# Each run: its playbook and whether it starts from fresh servers (None: it changes nothing, so the
# state the previous run left does not matter).
RUNS = {
    "role_1": ("converge_role.yml", True), "role_2": ("converge_role.yml", False),
    "uri_get": ("uri_get.yml", None),
    "module_1": ("converge_module.yml", True), "module_2": ("converge_module.yml", False),
    "uri": ("converge_uri.yml", True),
}
# The smoke check asserts request counts only: the baselines, which it does not judge, are left out.
QUICK_RUNS = ("role_1", "role_2", "module_1", "module_2")
FIRST_RUNS = ("role_1", "module_1")
UNCHANGED_RUNS = ("role_2", "module_2")
# The timing targets (reported, never asserted).
UNCHANGED_RATIO_TARGET = 1.2  # the role's unchanged run against one uri GET task, every cell
FIRST_WORK_RATIO_TARGET = 0.15  # the role's first run against the uri POSTs, work, at N = FIRST_TARGET_N
FIRST_WALL_RATIO_TARGET = 2.0  # the role's first run against one uri GET task, wall per server, at N = FIRST_TARGET_N
FIRST_TARGET_N = 21
GRID_MINUTES_TARGET = 10
LINEAR_TOLERANCE = 1.25


def section_of(path):
    prefix = "/kapacitor/v1/config/"
    if not path.startswith(prefix):
        return None
    return path[len(prefix):].split("/", 1)[0] or None


def is_floor(request):
    query = request.get("query") or {}
    return isinstance(query, dict) and query.get("bench") == ["floor"]


def count_requests(logs, entries):
    """Requests per server and per endpoint by method, over every emulator's log (marked GETs apart).

    A GET of every endpoint at once (runner.READ_ALL_PATH) belongs to no endpoint: it counts in its
    server's GETs and in `reads`; an endpoint's own GETs are those of its section's paths.
    """
    handlers = [e["handler"] for e in entries]
    per_server, per_endpoint, unattributed, failed = [], [], [], []
    floor = 0
    # The first server's requests in order: the detail behind the counts.
    sequence = []
    for server, log in enumerate(logs):
        counts = {"GET": 0, "POST": 0, "other": 0, "reads": 0}
        endpoint_counts = {h: {"GET": 0, "POST": 0, "other": 0} for h in handlers}
        for request in log:
            if is_floor(request):
                floor += 1
                continue
            if request.get("status") is None or request["status"] >= 400:
                failed.append("%s %s -> %s" % (request["method"], request["path"], request.get("status")))
            method = request["method"] if request["method"] in ("GET", "POST") else "other"
            counts[method] += 1
            if server == 0:
                sequence.append("%s %s" % (request["method"], request["path"]))
            if request["method"] == "GET" and request["path"].rstrip("/") == runner.READ_ALL_PATH:
                counts["reads"] += 1
                continue
            count = endpoint_counts.get(section_of(request["path"]))
            if count is None:
                unattributed.append("%s %s" % (request["method"], request["path"]))
                continue
            count[method] += 1
        per_server.append(counts)
        per_endpoint.extend(endpoint_counts.values())
    total = {k: sum(c[k] for c in per_server) for k in ("GET", "POST", "other", "reads")}
    return {
        "servers": len(per_server),
        "endpoints": len(per_endpoint),
        "total": total,
        "per_server_min": {k: min([c[k] for c in per_server] or [0]) for k in total},
        "per_server_max": {k: max([c[k] for c in per_server] or [0]) for k in total},
        "per_endpoint_min": {k: min([c[k] for c in per_endpoint] or [0]) for k in ("GET", "POST", "other")},
        "per_endpoint_max": {k: max([c[k] for c in per_endpoint] or [0]) for k in ("GET", "POST", "other")},
        "floor_gets": floor,
        "unattributed": unattributed,
        "failed": failed,
        "sequence": sequence,
    }


def summarise_run(run, logs, entries):
    hosts = [h for t in run["tasks"] for h in t["hosts"].values()]
    runs = runner.module_runs(run["tasks"])
    return {
        "returncode": run["returncode"], "log": run["log"], "wall_s": run["wall_s"], "cpu_s": run["cpu_s"],
        "peak_pss_mib": run["peak_pss_mib"], "peak_rss_mib": run["peak_rss_mib"],
        "peak_processes": run["peak_processes"],
        "work_s": sum(t["end"] - t["start"] for t in run["tasks"]),
        "tasks": [{"name": t["name"], "role": t["role"], "action": t.get("action"), "seconds": t["end"] - t["start"]}
                  for t in run["tasks"]],
        "changed": sum(h["changed"] for h in hosts),
        # Endpoints changed: the plural module's changed_endpoints, or a uri task's changed items.
        "endpoints_changed": sum(h.get("endpoints_changed", 0) or h["changed"] for h in hosts),
        "failed": sum(h["failed"] for h in hosts),
        "module_runs_per_server": [min(runs.values() or [0]), max(runs.values() or [0])],
        "hosts_with_module_runs": len(runs),
        "requests": count_requests(logs, entries),
    }


def run_cell(n, emulators, workdir, env, role_vars, runs):
    entries = catalogue.endpoints(n)
    m = len(emulators)
    group_vars = dict(
        role_vars,
        kapacitor_alert_endpoints=[catalogue.role_endpoint(e) for e in entries],
        bench_uri_endpoints=[{"path": catalogue.element_path(e), "config": e["config"]} for e in entries],
    )
    inventory = runner.write_inventory(os.path.join(workdir, "n%02d-m%03d.inventory.json" % (n, m)), emulators, group_vars)
    cell = {"n": n, "m": m}
    for key in runs:
        playbook, fresh = RUNS[key]
        for emulator in emulators:
            if fresh:
                emulator.reset()
            else:
                emulator.clear_requests()
        label = "n%02d-m%03d-%s" % (n, m, key.replace("_", "-"))
        run = runner.run_playbook(playbook, inventory, env, workdir, label)
        logs = [emulator.requests() for emulator in emulators]
        summary = cell[key] = summarise_run(run, logs, entries)
        print("  %-24s rc=%d wall=%6.2fs work=%6.2fs cpu=%6.1fs changed=%-4d GET=%-4d POST=%-4d module runs/server=%s "
              "peak=%4.0f MiB" % (
                  label, run["returncode"], run["wall_s"], summary["work_s"], run["cpu_s"],
                  summary["endpoints_changed"], summary["requests"]["total"]["GET"],
                  summary["requests"]["total"]["POST"], "-".join(str(x) for x in sorted(
                      set(summary["module_runs_per_server"]))), run["peak_pss_mib"]), flush=True)
    return cell


# ---------------------------------------------------------------------------------------------
# Targets


def _exactly(where, what, low_high, expected):
    low, high = low_high
    if low == high == expected:
        return []
    shown = "%g" % low if low == high else "%g to %g" % (low, high)
    return ["%s: %s %s, expected exactly %g" % (where, shown, what, expected)]


def behaviour_problems(cell):
    """Request-count and outcome targets of one grid cell: a list of what failed (empty: met)."""
    problems = []
    n, m = cell["n"], cell["m"]
    for key in RUNS:
        run = cell.get(key)
        if run is None:
            continue
        where = "N=%d M=%d %s" % (n, m, key)
        if run["returncode"] != 0 or run["failed"]:
            problems.append("%s: ansible-playbook failed (rc %d), see %s" % (where, run["returncode"], run["log"]))
        req = run["requests"]
        if req["unattributed"]:
            problems.append("%s: requests outside the endpoints' sections: %s" % (
                where, sorted(set(req["unattributed"]))[:5]))
        if req["failed"]:
            problems.append("%s: requests refused: %s" % (where, sorted(set(req["failed"]))[:5]))
        if run["hosts_with_module_runs"] != m:
            problems.append("%s: module runs on %d hosts, expected %d" % (where, run["hosts_with_module_runs"], m))
        per_server = (req["per_server_min"], req["per_server_max"])
        if key in FIRST_RUNS + UNCHANGED_RUNS:
            problems += _exactly(where, "module runs per server", run["module_runs_per_server"], 1)
            problems += _exactly(where, "writes other than POST per server", [s["other"] for s in per_server], 0)
            problems += _exactly(where, "GETs of one endpoint's own path", [
                req["per_endpoint_min"]["GET"], req["per_endpoint_max"]["GET"]], 0)
        if key in FIRST_RUNS:
            problems += _exactly(where, "GETs per server (one read before the writes, one after)",
                                 [s["GET"] for s in per_server], 2)
            problems += _exactly(where, "reads of every endpoint per server", [s["reads"] for s in per_server], 2)
            problems += _exactly(where, "POSTs per server", [s["POST"] for s in per_server], n)
            problems += _exactly(where, "POSTs per endpoint", [
                req["per_endpoint_min"]["POST"], req["per_endpoint_max"]["POST"]], 1)
            if run["endpoints_changed"] != n * m:
                problems.append("%s: %d endpoints changed, expected %d" % (where, run["endpoints_changed"], n * m))
        if key in UNCHANGED_RUNS:
            problems += _exactly(where, "GETs per server", [s["GET"] for s in per_server], 1)
            problems += _exactly(where, "reads of every endpoint per server", [s["reads"] for s in per_server], 1)
            problems += _exactly(where, "POSTs per server", [s["POST"] for s in per_server], 0)
            if run["changed"] or run["endpoints_changed"]:
                problems.append("%s: %d endpoints changed, expected none" % (where, run["endpoints_changed"]))
        if key == "uri":
            problems += _exactly(where, "module runs per server", run["module_runs_per_server"], n)
            problems += _exactly(where, "POSTs per endpoint", [
                req["per_endpoint_min"]["POST"], req["per_endpoint_max"]["POST"]], 1)
            if run["endpoints_changed"] != n * m:
                problems.append("%s: %d tasks changed, expected %d" % (where, run["endpoints_changed"], n * m))
        if key == "uri_get":
            problems += _exactly(where, "module runs per server", run["module_runs_per_server"], 1)
            if req["floor_gets"] != m:
                problems.append("%s: %d GETs, expected %d" % (where, req["floor_gets"], m))
    return problems


def _ratio(cell, key, other, field):
    if key not in cell or other not in cell or not cell[other][field]:
        return None
    return cell[key][field] / cell[other][field]


def ratios(cell):
    """The side-by-side ratios of one cell (all runs of a cell run one after the other in one benchmark run).

    Both runs of a ratio cover the same M servers, so a ratio of the fleet's times is also the
    ratio of the times per server.
    """
    return {
        # Unchanged run: the role's (the module's) tasks against one uri GET task.
        "role_2_work_vs_uri_get": _ratio(cell, "role_2", "uri_get", "work_s"),
        "module_2_work_vs_uri_get": _ratio(cell, "module_2", "uri_get", "work_s"),
        "role_2_wall_vs_uri_get": _ratio(cell, "role_2", "uri_get", "wall_s"),
        # First run: against the uri POSTs, and against one uri GET task.
        "role_1_work_vs_uri": _ratio(cell, "role_1", "uri", "work_s"),
        "module_1_work_vs_uri": _ratio(cell, "module_1", "uri", "work_s"),
        "role_1_wall_vs_uri": _ratio(cell, "role_1", "uri", "wall_s"),
        "role_1_wall_vs_uri_get": _ratio(cell, "role_1", "uri_get", "wall_s"),
        "module_1_wall_vs_uri_get": _ratio(cell, "module_1", "uri_get", "wall_s"),
    }


def linearity(cells, approach_run):
    """For each N: wall time against M, and whether the time per server stays flat as M grows.

    Linear growth, t = a + b * M, keeps t / M from growing; faster growth makes it rise. Between
    successive M values the time per server may grow by at most LINEAR_TOLERANCE. (From M = 1 it
    falls anyway: one server cannot use the forks and CPUs that many can.)
    """
    result = []
    for n in sorted({c["n"] for c in cells}):
        points = sorted((c["m"], c[approach_run]["wall_s"]) for c in cells if c["n"] == n and approach_run in c)
        per_server = [t / float(m) for m, t in points]
        met = None
        if len(points) >= 2:
            met = all(b <= LINEAR_TOLERANCE * a for a, b in zip(per_server, per_server[1:]))
        result.append({"n": n, "points": points, "per_server_s": per_server, "met": met})
    return result


def _judge(values, limit):
    """(worst value, met): met is None when nothing was measured."""
    values = {k: v for k, v in values.items() if v is not None}
    if not values:
        return {"values": {}, "worst": None, "worst_cell": None, "limit": limit, "met": None}
    worst = max(values, key=values.get)
    return {"values": values, "worst": values[worst], "worst_cell": worst, "limit": limit,
            "met": values[worst] <= limit}


def evaluate(cells, concurrency_result):
    problems = [p for cell in cells for p in behaviour_problems(cell)]
    if concurrency_result is not None:
        problems += ["concurrency: %s" % p for p in concurrency_result["problems"]]
    by_cell = {"N=%d M=%d" % (c["n"], c["m"]): ratios(c) for c in cells}
    at_n = {k: v for k, v in by_cell.items() if k.startswith("N=%d " % FIRST_TARGET_N)}
    return {
        "behaviour_problems": problems,
        "ratios": by_cell,
        "unchanged_vs_uri_get": _judge({k: v["role_2_work_vs_uri_get"] for k, v in by_cell.items()},
                                       UNCHANGED_RATIO_TARGET),
        "first_work_vs_uri": _judge({k: v["role_1_work_vs_uri"] for k, v in at_n.items()}, FIRST_WORK_RATIO_TARGET),
        "first_wall_vs_uri_get": _judge({k: v["role_1_wall_vs_uri_get"] for k, v in at_n.items()},
                                        FIRST_WALL_RATIO_TARGET),
        "linearity": {key: linearity(cells, key) for key in ("role_1", "role_2")},
    }


# ---------------------------------------------------------------------------------------------


def machine():
    load = os.getloadavg()
    return {
        "python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
        "load_at_start": [round(x, 2) for x in load],
        "ansible": subprocess.run(runner.ansible_playbook_command() + ["--version"], capture_output=True,
                                  text=True, check=False).stdout.splitlines()[0],
    }


def parse_list(text):
    return [int(x) for x in text.split(",") if x.strip()]


def parse_cells(text):
    return [[int(v) for v in cell.lower().split("x")] for cell in text.split(",") if cell.strip()]


def cpu_seconds():
    """CPU time of this process and of every child it has waited for (playbook runs, emulators)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="the smoke check: cells %s, runs %s, request counts "
                        "only" % (", ".join("N=%d M=%d" % tuple(c) for c in QUICK_CELLS), ", ".join(QUICK_RUNS)))
    parser.add_argument("--n", type=parse_list, help="endpoint counts, comma separated (default %s)" % FULL_GRID["n"])
    parser.add_argument("--m", type=parse_list, help="server counts, comma separated (default %s)" % FULL_GRID["m"])
    parser.add_argument("--skip", type=parse_cells, default=[],
                        help="cells of the grid to leave out, as NxM, comma separated (e.g. 21x50)")
    parser.add_argument("--add", type=parse_cells, default=[],
                        help="cells to measure after the grid, as NxM, comma separated (e.g. 21x100)")
    parser.add_argument("--forks", type=int, default=FORKS)
    parser.add_argument("--collections-path",
                        help="directory holding ansible_collections/tickstack/kapacitor (make stages one in .build)")
    parser.add_argument("--workdir", help="directory for inventories, logs and timings, emptied first "
                        "(default: .build/bench-quick or .build/bench)")
    parser.add_argument("--no-concurrency", action="store_true", help="skip the ten-plays concurrency check")
    parser.add_argument("--check", action="store_true", help="exit 1 when a request-count or behaviour target fails")
    parser.add_argument("--started-at", type=float, metavar="EPOCH",
                        help="when the whole command started (make bench passes its own start), for the duration "
                        "the report gives")
    parser.add_argument("--results", help="write the results as JSON to this file")
    parser.add_argument("--report", help="write the Markdown report to this file")
    parser.add_argument("--plot", help="write the PNG plot to this file (needs --plot-python)")
    parser.add_argument("--plot-python", help="a Python with matplotlib, used to draw the plot")
    parser.add_argument("--from-results", metavar="FILE",
                        help="run nothing: judge the targets again and write the report and plot from FILE")
    args = parser.parse_args()
    if args.from_results:
        with open(args.from_results, encoding="utf-8") as handle:
            results = json.load(handle)
        results.setdefault("default_grid", FULL_GRID)
        # A run stopped early left only the cells it measured (cells.partial.json).
        results.setdefault("concurrency", None)
        if results.get("duration_s") is None:
            # Its duration: from the start of the command to the last cell's end (when the file was written).
            results["stopped_early"] = True
            results["duration_s"] = os.path.getmtime(args.from_results) - (
                results.get("command_started_at") or os.path.getmtime(args.from_results))
            results["command_duration_s"] = results["duration_s"]
            results["cpu_s"] = sum(c[k]["cpu_s"] for c in results["cells"] for k in RUNS if k in c)
        results["targets"] = evaluate(results["cells"], results["concurrency"])
        return publish(results, args.from_results, args, rewrite=True)
    if not args.collections_path:
        parser.error("--collections-path is required to run the benchmark")
    role_vars = ROLE_VARS
    if args.quick and not (args.n or args.m):
        cells_wanted, runs = [list(c) for c in QUICK_CELLS], QUICK_RUNS
    else:
        ns, ms = args.n or FULL_GRID["n"], args.m or FULL_GRID["m"]
        # Every N at the smallest M first: a run stopped early has measured every N already.
        cells_wanted, runs = [[n, m] for m in ms for n in ns if [n, m] not in args.skip], tuple(RUNS)
    args.add = [c for c in args.add if c not in cells_wanted]
    cells_wanted += args.add

    # Started in the background, the process may have SIGINT ignored: both signals stop the emulators.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = time.monotonic()
    cpu_started = cpu_seconds()
    grid = {"n": sorted({c[0] for c in cells_wanted}), "m": sorted({c[1] for c in cells_wanted}),
            "cells": cells_wanted, "runs": list(runs), "forks": args.forks, "skipped": args.skip, "added": args.add,
            "default": (not args.quick and not (args.n or args.m) and not args.skip and args.forks == FORKS)}
    info = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(), "grid": grid, "default_grid": FULL_GRID, "role_vars": role_vars,
            "command_started_at": args.started_at}
    workdir = runner.make_workdir(args.workdir or os.path.join(
        runner.ROOT, ".build", "bench-quick" if args.quick else "bench"))
    print("benchmark: cells %s, runs %s, forks %d; files in %s" % (
        " ".join("%dx%d" % tuple(c) for c in cells_wanted), ", ".join(runs), args.forks, workdir), flush=True)
    env = runner.ansible_env(workdir, os.path.abspath(args.collections_path), args.forks)
    emulators = runner.start_emulators(max(m for unused, m in cells_wanted))
    cells = []
    try:
        for n, m in cells_wanted:
            if [n, m] in args.add and "grid_duration_s" not in info:
                info["grid_duration_s"] = time.monotonic() - started
            cells.append(dict(run_cell(n, emulators[:m], workdir, env, role_vars, runs), added=[n, m] in args.add))
            # What is measured so far, should the run be stopped before the end.
            with open(os.path.join(workdir, "cells.partial.json"), "w", encoding="utf-8") as handle:
                json.dump(dict(info, cells=cells), handle, indent=1)
    finally:
        runner.stop_emulators(emulators)
    concurrency_result = None
    if not args.no_concurrency:
        print("concurrency: %d plays at once against one emulator" % concurrency.PLAYS, flush=True)
        concurrency_result = concurrency.run(workdir, os.path.abspath(args.collections_path), role_vars)
        print("  first round %.1fs, second round %.1fs, problems: %d" % (
            concurrency_result["first_round_wall_s"], concurrency_result["second_round_wall_s"],
            len(concurrency_result["problems"])), flush=True)
    info["duration_s"] = time.monotonic() - started
    info["cpu_s"] = cpu_seconds() - cpu_started
    info["machine"]["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results = dict(info, cells=cells, concurrency=concurrency_result, targets=evaluate(cells, concurrency_result))

    results_path = args.results or os.path.join(workdir, "results.json")
    with open(results_path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
    print("results: %s (%.0f s, %.0f CPU s)" % (results_path, info["duration_s"], info["cpu_s"]))
    return publish(results, results_path, args)


def publish(results, results_path, args, rewrite=False):
    """Draw the plot and write the report if asked (in that order, so that the duration of the whole
    command includes the plot), print the verdicts; the exit code."""
    plot_failed = False
    if args.plot:
        try:
            subprocess.run([args.plot_python or sys.executable, os.path.join(runner.BENCH_DIR, "plot.py"),
                            results_path, args.plot], check=True)
            print("plot: %s" % args.plot)
        except (OSError, subprocess.CalledProcessError) as error:
            # The report is still written: it is drawn from the same results.
            print("plot failed: %s" % error)
            plot_failed = True
    if results.get("command_started_at") and not rewrite:
        results["command_duration_s"] = time.time() - results["command_started_at"]
        with open(results_path, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1)
    if args.report:
        import report  # pylint: disable=import-outside-toplevel
        report.write(results, args.report, os.path.basename(args.plot) if args.plot else None)
        print("report: %s" % args.report)

    targets = results["targets"]
    problems = targets["behaviour_problems"]
    for problem in problems:
        print("TARGET NOT MET: %s" % problem)
    for key, text in (("unchanged_vs_uri_get", "unchanged run, role / one uri GET task (work)"),
                      ("first_work_vs_uri", "first run at N=%d, role / uri POSTs (work)" % FIRST_TARGET_N),
                      ("first_wall_vs_uri_get", "first run at N=%d, role / one uri GET task (wall per server)" % (
                          FIRST_TARGET_N))):
        judged = targets[key]
        if judged["worst"] is not None:
            print("%s: worst %.2f at %s (target <= %g, %s, not asserted)" % (
                text, judged["worst"], judged["worst_cell"], judged["limit"], "met" if judged["met"] else "NOT met"))
    if results.get("command_duration_s"):
        print("whole command: %.1f minutes" % (results["command_duration_s"] / 60.0))
    if not problems:
        print("request-count and behaviour targets met")
    return 1 if plot_failed or (args.check and problems) else 0


if __name__ == "__main__":
    sys.exit(main())
