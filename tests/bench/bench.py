"""What a converge costs, in requests and time, from one endpoint to a fleet.

For every N (endpoints) and M (servers) of the grid, starts M emulators on loopback, writes an
inventory of M hosts (connection local, each with kapacitor_url pointing at its own emulator)
and runs, with `forks` F:

  role  the collection's alert_endpoints role (test alerts off), a first run against fresh
        servers and a second, unchanged run;
  uri   what users do without the collection: one ansible.builtin.uri POST per endpoint. It
        sends the same requests on every run, so it runs once.

Each run records its wall time, the peak memory of the ansible-playbook process tree, what every
task cost (a callback) and the HTTP requests each emulator received; each role run also times, in
the same playbook run, one ansible.builtin.uri GET task per host: the floor that Ansible itself
costs per task.
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
import subprocess
import sys
import time

import catalogue
import concurrency
import runner

FULL_GRID = {"n": [1, 7, 21], "m": [1, 10, 50]}
QUICK_GRID = {"n": [1, 7], "m": [1, 2]}
FORKS = 10
# The role's switch for test alerts: cost measurements never send one.
ROLE_VARS = {"kapacitor_alert_endpoints_test_alerts": "never"}
# The role's one read of every endpoint of a server, which its comparison of the whole list uses.
READ_ALL_PATH = "/kapacitor/v1/config"
RUNS = ("role_1", "role_2", "uri")
FLOOR_PREFIX = "Floor:"
TIME_RATIO_TARGET = 1.2
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
    """Requests per endpoint by method, over every emulator's log (floor GETs left out).

    A GET of every endpoint at once (READ_ALL_PATH) belongs to no endpoint: it is counted per
    server, in `reads_per_server`, and its share (1/N per read) is added to each endpoint's GETs;
    `get_before_post` and `get_after_post` count the endpoint's own GETs only.
    """
    handlers = [e["handler"] for e in entries]
    per_endpoint, unattributed, failed, reads_per_server = [], [], [], []
    # What each endpoint cost on the first server, request by request: the detail behind the counts.
    sequences = {h: [] for h in handlers}
    for server, log in enumerate(logs):
        counts = {h: {"GET": 0, "POST": 0, "other": 0, "get_before_post": 0, "get_after_post": 0} for h in handlers}
        reads = 0
        for request in log:
            if is_floor(request):
                continue
            if request.get("status") is None or request["status"] >= 400:
                failed.append("%s %s -> %s" % (request["method"], request["path"], request.get("status")))
            if request["method"] == "GET" and request["path"].rstrip("/") == READ_ALL_PATH:
                reads += 1
                continue
            count = counts.get(section_of(request["path"]))
            if count is None:
                unattributed.append("%s %s" % (request["method"], request["path"]))
                continue
            if server == 0:
                sequences[section_of(request["path"])].append("%s %s" % (request["method"], request["path"]))
            if request["method"] == "GET":
                count["get_after_post" if count["POST"] else "get_before_post"] += 1
            count[request["method"] if request["method"] in ("GET", "POST") else "other"] += 1
        share = reads / float(max(len(handlers), 1))
        for count in counts.values():
            count["GET"] += share
        reads_per_server.append(reads)
        per_endpoint.extend(counts.values())
    total = {k: sum(c[k] for c in per_endpoint) for k in ("GET", "POST", "other", "get_before_post", "get_after_post")}
    endpoints = max(len(per_endpoint), 1)
    return {
        "endpoints": len(per_endpoint),
        "total": total,
        "per_endpoint_mean": {k: v / float(endpoints) for k, v in total.items()},
        "per_endpoint_max": {k: max([c[k] for c in per_endpoint] or [0]) for k in total},
        "reads_per_server_max": max(reads_per_server or [0]),
        "unattributed": unattributed,
        "failed": failed,
        "sequences": sequences,
    }


def summarise_run(run, logs, entries):
    work = [t for t in run["tasks"] if not t["name"].startswith(FLOOR_PREFIX)]
    floor = [t for t in run["tasks"] if t["name"].startswith(FLOOR_PREFIX)]
    hosts = [h for t in work for h in t["hosts"].values()]
    return {
        "returncode": run["returncode"], "log": run["log"], "wall_s": run["wall_s"],
        "peak_pss_mib": run["peak_pss_mib"], "peak_rss_mib": run["peak_rss_mib"],
        "peak_processes": run["peak_processes"],
        "work_s": sum(t["end"] - t["start"] for t in work),
        "floor_s": sum(t["end"] - t["start"] for t in floor) if floor else None,
        "tasks": [{"name": t["name"], "role": t["role"], "seconds": t["end"] - t["start"]} for t in run["tasks"]],
        "changed": sum(h["changed"] for h in hosts),
        "failed": sum(h["failed"] for h in hosts),
        "requests": count_requests(logs, entries),
    }


def run_cell(n, emulators, workdir, env, role_vars):
    entries = catalogue.endpoints(n)
    m = len(emulators)
    group_vars = dict(
        role_vars,
        kapacitor_alert_endpoints=[catalogue.role_endpoint(e) for e in entries],
        bench_uri_endpoints=[{"path": catalogue.element_path(e), "config": e["config"]} for e in entries],
    )
    inventory = runner.write_inventory(os.path.join(workdir, "n%02d-m%03d.inventory.json" % (n, m)), emulators, group_vars)
    cell = {"n": n, "m": m}
    for key, playbook in (("role_1", "converge_role.yml"), ("role_2", "converge_role.yml"), ("uri", "converge_uri.yml")):
        if key != "role_2":
            for emulator in emulators:
                emulator.reset()
        else:
            for emulator in emulators:
                emulator.clear_requests()
        label = "n%02d-m%03d-%s" % (n, m, key.replace("_", "-"))
        run = runner.run_playbook(playbook, inventory, env, workdir, label)
        logs = [emulator.requests() for emulator in emulators]
        summary = cell[key] = summarise_run(run, logs, entries)
        print("  %-22s rc=%d wall=%6.2fs work=%6.2fs floor=%5s changed=%-4d GET=%-6g POST=%-4d peak=%5.0f MiB" % (
            label, run["returncode"], run["wall_s"], summary["work_s"],
            "-" if summary["floor_s"] is None else "%.2fs" % summary["floor_s"], summary["changed"],
            round(summary["requests"]["total"]["GET"], 2), summary["requests"]["total"]["POST"],
            run["peak_pss_mib"]), flush=True)
    return cell


# ---------------------------------------------------------------------------------------------
# Targets


def behaviour_problems(cell):
    """Request-count and outcome targets of one grid cell: a list of what failed (empty: met)."""
    problems = []
    n, m = cell["n"], cell["m"]
    where = "N=%d M=%d" % (n, m)
    for key in RUNS:
        run = cell[key]
        if run["returncode"] != 0 or run["failed"]:
            problems.append("%s %s: ansible-playbook failed (rc %d), see %s" % (where, key, run["returncode"], run["log"]))
        if run["requests"]["unattributed"]:
            problems.append("%s %s: requests outside the endpoints' sections: %s" % (
                where, key, sorted(set(run["requests"]["unattributed"]))[:5]))
    first, second = cell["role_1"], cell["role_2"]
    for key in ("role_1", "role_2"):
        reads = cell[key]["requests"]["reads_per_server_max"]
        if reads > 1:
            problems.append("%s %s: up to %d reads of every endpoint on one server, expected at most 1" % (
                where, key, reads))
    if first["changed"] != n * m:
        problems.append("%s first run: %d endpoints changed, expected %d" % (where, first["changed"], n * m))
    if second["changed"] != 0:
        problems.append("%s second run: %d endpoints changed, expected none" % (where, second["changed"]))
    req = second["requests"]
    if req["total"]["POST"] or req["total"]["other"]:
        problems.append("%s second run: %d POST and %d other writes, expected none" % (
            where, req["total"]["POST"], req["total"]["other"]))
    if req["per_endpoint_max"]["GET"] > 1:
        problems.append("%s second run: up to %.2f GETs for one endpoint, expected at most 1" % (
            where, req["per_endpoint_max"]["GET"]))
    most = first["requests"]["per_endpoint_max"]
    if most["POST"] > 1 or most["other"]:
        problems.append("%s first run: up to %d POSTs (and %d other writes) for one endpoint, expected at most 1 POST" % (
            where, most["POST"], most["other"]))
    if most["get_before_post"] > 1 or most["get_after_post"] > 1:
        problems.append("%s first run: up to %d GETs of its own before the POST and %d after it for one changed "
                        "endpoint, expected at most 1 and 1" % (where, most["get_before_post"], most["get_after_post"]))
    if cell["uri"]["changed"] != n * m:
        problems.append("%s uri: %d tasks changed, expected %d" % (where, cell["uri"]["changed"], n * m))
    return problems


def time_ratio(cell):
    """Unchanged run, per endpoint, against one uri GET task, both timed in the same playbook run."""
    run = cell["role_2"]
    if not run["floor_s"]:
        return None
    return run["work_s"] / cell["n"] / run["floor_s"]


def linearity(cells, approach_run):
    """For each N: wall time against M, and whether the time per server stays flat as M grows.

    Linear growth, t = a + b * M, keeps t / M from growing; faster growth makes it rise. Between
    successive M values the time per server may grow by at most LINEAR_TOLERANCE. (From M = 1 it
    falls anyway: one server cannot use the forks and CPUs that many can.)
    """
    result = []
    for n in sorted({c["n"] for c in cells}):
        points = sorted((c["m"], c[approach_run]["wall_s"]) for c in cells if c["n"] == n)
        per_server = [t / float(m) for m, t in points]
        met = None
        if len(points) >= 2:
            met = all(b <= LINEAR_TOLERANCE * a for a, b in zip(per_server, per_server[1:]))
        result.append({"n": n, "points": points, "per_server_s": per_server, "met": met})
    return result


def evaluate(cells, concurrency_result):
    problems = [p for cell in cells for p in behaviour_problems(cell)]
    if concurrency_result is not None:
        problems += ["concurrency: %s" % p for p in concurrency_result["problems"]]
    ratios = {"N=%d M=%d" % (c["n"], c["m"]): time_ratio(c) for c in cells}
    return {
        "behaviour_problems": problems,
        "time_ratio": ratios,
        "time_ratio_met": all(r is not None and r <= TIME_RATIO_TARGET for r in ratios.values()),
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="the small grid of the smoke check: N %s, M %s" % (
        QUICK_GRID["n"], QUICK_GRID["m"]))
    parser.add_argument("--n", type=parse_list, help="endpoint counts, comma separated (default %s)" % FULL_GRID["n"])
    parser.add_argument("--m", type=parse_list, help="server counts, comma separated (default %s)" % FULL_GRID["m"])
    parser.add_argument("--skip", type=parse_cells, default=[],
                        help="cells of the grid to leave out, as NxM, comma separated (e.g. 21x50)")
    parser.add_argument("--forks", type=int, default=FORKS)
    parser.add_argument("--collections-path",
                        help="directory holding ansible_collections/tickstack/kapacitor (make stages one in .build)")
    parser.add_argument("--workdir", help="directory for inventories, logs and timings, emptied first "
                        "(default: .build/bench-quick or .build/bench)")
    parser.add_argument("--no-concurrency", action="store_true", help="skip the ten-plays concurrency check")
    parser.add_argument("--check", action="store_true", help="exit 1 when a request-count or behaviour target fails")
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
        results["targets"] = evaluate(results["cells"], results["concurrency"])
        return publish(results, args.from_results, args)
    if not args.collections_path:
        parser.error("--collections-path is required to run the benchmark")
    role_vars = ROLE_VARS
    defaults = QUICK_GRID if args.quick else FULL_GRID
    ns, ms = args.n or defaults["n"], args.m or defaults["m"]

    started = time.monotonic()
    grid = {"n": ns, "m": ms, "forks": args.forks, "skipped": args.skip,
            "default": ns == FULL_GRID["n"] and ms == FULL_GRID["m"] and args.forks == FORKS and not args.skip}
    info = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": machine(), "grid": grid, "default_grid": FULL_GRID, "role_vars": role_vars}
    workdir = runner.make_workdir(args.workdir or os.path.join(
        runner.ROOT, ".build", "bench-quick" if args.quick else "bench"))
    print("benchmark: N %s, M %s, forks %d; files in %s" % (ns, ms, args.forks, workdir), flush=True)
    env = runner.ansible_env(workdir, os.path.abspath(args.collections_path), args.forks)
    emulators = runner.start_emulators(max(ms))
    cells = []
    try:
        for n in ns:
            for m in ms:
                if [n, m] not in args.skip:
                    cells.append(run_cell(n, emulators[:m], workdir, env, role_vars))
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
    info["machine"]["load_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results = dict(info, cells=cells, concurrency=concurrency_result, targets=evaluate(cells, concurrency_result))

    results_path = args.results or os.path.join(workdir, "results.json")
    with open(results_path, "w", encoding="utf-8") as handle:
        json.dump(results, handle, indent=1)
    print("results: %s (%.0f s)" % (results_path, info["duration_s"]))
    return publish(results, results_path, args)


def publish(results, results_path, args):
    """Write the report and the plot if asked, print the verdicts; the exit code."""
    if args.report:
        import report  # pylint: disable=import-outside-toplevel
        report.write(results, args.report, os.path.basename(args.plot) if args.plot else None)
        print("report: %s" % args.report)
    if args.plot:
        subprocess.run([args.plot_python or sys.executable, os.path.join(runner.BENCH_DIR, "plot.py"),
                        results_path, args.plot], check=True)
        print("plot: %s" % args.plot)

    problems = results["targets"]["behaviour_problems"]
    for problem in problems:
        print("TARGET NOT MET: %s" % problem)
    ratio = [r for r in results["targets"]["time_ratio"].values() if r is not None]
    if ratio:
        print("unchanged run per endpoint / one uri GET task: %s (target <= %.1f, not asserted)" % (
            ", ".join("%.2f" % r for r in ratio), TIME_RATIO_TARGET))
    if not problems:
        print("request-count and behaviour targets met")
    return 1 if args.check and problems else 0


if __name__ == "__main__":
    sys.exit(main())
