"""Write docs/performance.md from the benchmark's results (see bench.py)."""

RUNS = (("role_1", "role, first"), ("role_2", "role, second"), ("module_1", "module, first"),
        ("module_2", "module, second"), ("uri", "uri POSTs"), ("uri_get", "one uri GET"))
LABELS = dict(RUNS)
MODULE = "tickstack.kapacitor.kapacitor_alert_endpoints"
CPUS_FALLBACK = 2


def _yes(value):
    return {True: "met", False: "**not met**", None: "not measured"}[value]


def _span(values, fmt="%g"):
    values = list(values)
    if not values:
        return "-"
    low, high = min(values), max(values)
    return fmt % low if low == high else (fmt + " to " + fmt) % (low, high)


def _runs(cells, keys):
    return [(c, key, c[key]) for c in cells for key in keys if key in c]


def _per_server(run, field):
    return [run["requests"]["per_server_min"][field], run["requests"]["per_server_max"][field]]


def _judged_row(judged, text, cell_text):
    if judged["worst"] is None:
        return (text, "not measured (no such cell in this grid)", _yes(None))
    detail = "; ".join("%s: %.2f" % (k, v) for k, v in sorted(judged["values"].items(), key=_cell_order))
    return (text, "worst %.2f (%s); %s" % (judged["worst"], judged["worst_cell"], cell_text % detail),
            _yes(judged["met"]))


def _cell_order(item):
    n, m = (int(part.split("=")[1]) for part in item[0].split())
    return n, m


def _first_run_met(cell, run):
    """1 GET + 1 POST per changed endpoint + 1 GET, per server, and no other request."""
    req = run["requests"]
    return (set(_per_server(run, "GET")) == {2} and set(_per_server(run, "POST")) == {cell["n"]}
            and req["per_endpoint_min"]["POST"] == req["per_endpoint_max"]["POST"] == 1
            and not req["per_endpoint_max"]["GET"] and not req["total"]["other"])


def request_rows(cells):
    """The request-count and module-run targets, for the role and the module."""
    rows = []
    unchanged = _runs(cells, ("role_2", "module_2"))
    first = _runs(cells, ("role_1", "module_1"))
    gets = [g for unused, unused, r in unchanged for g in _per_server(r, "GET")]
    posts = sum(r["requests"]["total"]["POST"] + r["requests"]["total"]["other"] for unused, unused, r in unchanged)
    rows.append(("Unchanged run (role and module): 1 GET and 0 POST per server",
                 "%s GET per server (the read of every endpoint) and %d POSTs or other writes, over the %d unchanged "
                 "runs" % (_span(gets), posts, len(unchanged)),
                 _yes(set(gets) == {1} and posts == 0 if unchanged else None)))
    runs = [x for unused, unused, r in unchanged for x in r["module_runs_per_server"]]
    rows.append(("Unchanged run: one module run per server (role and module)",
                 "module runs per server: %s" % _span(runs), _yes(set(runs) == {1} if runs else None)))

    details = []
    for key in ("role_1", "module_1"):
        these = [(c, r) for c, k, r in first if k == key]
        if these:
            details.append("%s: %s GET per server, POSTs per server = N in %d of %d cells, %s POST per changed "
                           "endpoint" % (
                               key.split("_", 1)[0], _span(g for unused, r in these for g in _per_server(r, "GET")),
                               sum(set(_per_server(r, "POST")) == {c["n"]} for c, r in these), len(these),
                               _span(p for unused, r in these for p in (r["requests"]["per_endpoint_min"]["POST"],
                                                                        r["requests"]["per_endpoint_max"]["POST"]))))
    rows.append(("Changed run (role and module): 1 GET + 1 POST per changed endpoint + 1 GET per server",
                 "; ".join(details) or "-", _yes(all(_first_run_met(c, r) for c, unused, r in first)
                                                 if first else None)))
    runs = [x for unused, unused, r in first for x in r["module_runs_per_server"]]
    rows.append(("Changed run: one module run per server for the apply",
                 "module runs per server: %s" % _span(runs), _yes(set(runs) == {1} if runs else None)))
    return rows


def grid_row(results):
    """The default grid within 10 minutes: the whole `make bench`, and what its CPU time allows on this machine."""
    text = "The default grid (`make bench`) ends within 10 minutes"
    if results.get("stopped_early"):
        return (text, "the run was stopped after %d of its %d cells, %.1f minutes after `make bench` started "
                "(load average %s at the start); its playbook runs used %.1f CPU minutes" % (
                    len(results["cells"]), len(results["grid"]["cells"]), results["duration_s"] / 60.0,
                    " / ".join("%.1f" % x for x in results["machine"]["load_at_start"]),
                    results["cpu_s"] / 60.0), _yes(False if results["duration_s"] > 600 else None))
    if not results["grid"]["default"]:
        return (text, "this run was not the default grid (%.1f minutes)" % (results["duration_s"] / 60.0),
                _yes(None))
    minutes = results.get("command_duration_s", results["duration_s"]) / 60.0
    cpus = results["machine"]["cpus"] or CPUS_FALLBACK
    cpu_minutes = results.get("cpu_s", 0) / 60.0
    uri_cpu = sum(c["uri"]["cpu_s"] for c in results["cells"] if "uri" in c and not c.get("added")) / 60.0
    detail = ("%.1f minutes for the whole `make bench` (%.1f in the benchmark itself). The benchmark used %.1f "
              "CPU minutes (%.1f of them the uri POST baseline; measured on a busy machine, where contention "
              "lengthens CPU time somewhat), which %d idle CPUs could give in %.1f minutes; "
              "the load average was %s at the start and %s at the end" % (
                  minutes, results["duration_s"] / 60.0, cpu_minutes, uri_cpu, cpus, cpu_minutes / cpus,
                  " / ".join("%.1f" % x for x in results["machine"]["load_at_start"]),
                  " / ".join("%.1f" % x for x in results["machine"].get("load_at_end", []))))
    if minutes > 10:
        if cpu_minutes / cpus > 10:
            detail += ": the CPU work alone cannot fit in 10 minutes on this machine"
        else:
            detail += (": the CPU work fits in 10 minutes on this machine; the rest of the time went to the "
                       "other work the machine ran, which left the benchmark %.0f%% of its CPUs" % (
                           100.0 * cpu_minutes / (cpus * minutes)))
    return (text, detail, _yes(minutes <= 10))


def target_rows(results):
    targets = results["targets"]
    rows = request_rows(results["cells"])
    rows.append(_judged_row(
        targets["unchanged_vs_uri_get"],
        "Unchanged run: the role's time per server at most 1.2 times one `ansible.builtin.uri` GET task's, at "
        "every N (N = 1 included)", "role's tasks / the uri GET task: %s"))
    rows.append(_judged_row(
        targets["first_work_vs_uri"],
        "First converge at N = 21: the role's *work* at most 0.15 times the uri POST baseline's",
        "%s"))
    rows.append(_judged_row(
        targets["first_wall_vs_uri_get"],
        "First converge at N = 21: the role's wall time per server at most 2 times one uri GET task's",
        "the role's run / the uri GET run, wall: %s"))

    for key, label in (("role_1", "first"), ("role_2", "second")):
        lin = targets["linearity"][key]
        judged = [v["met"] for v in lin if v["met"] is not None]
        detail = "; ".join("N=%d: %s s per server" % (v["n"], ", ".join(
            "%.2f (M=%d)" % (t, p[0]) for t, p in zip(v["per_server_s"], v["points"]))) for v in lin)
        rows.append(("Wall time grows linearly in M / F (role, %s run)" % label, detail or "one M only",
                     _yes(all(judged) if judged else None)))

    rows.append(grid_row(results))

    conc = results.get("concurrency")
    if conc:
        rows.append(("10 plays at once against one Kapacitor: every element holds what its play asked, nothing "
                     "lost, no run failed; one GET, one module run and no POST per play when unchanged",
                     "%d elements and %d shared smtp options checked, requests and module runs of both rounds "
                     "counted, %d problems; rounds took %.0f s and %.0f s" % (
                         conc["elements_checked"], conc["smtp_options_checked"], len(conc["problems"]),
                         conc["first_round_wall_s"], conc["second_round_wall_s"]),
                     _yes(not conc["problems"])))
    return rows


def cell_rows(cells):
    rows = []
    for c in cells:
        n, m = c["n"], c["m"]
        for key, label in RUNS:
            run = c.get(key)
            if run is None:
                continue
            req = run["requests"]
            rows.append("| %d | %d | %s | %.1f | %.1f | %.3f | %.4f | %.1f | %d | %s | %s | %s | %.0f |" % (
                n, m, label, run["wall_s"], run["work_s"], run["work_s"] / m, run["work_s"] / float(n * m),
                run["cpu_s"], run["endpoints_changed"],
                _span(_per_server(run, "GET")) if key != "uri_get" else "(%d)" % (req["floor_gets"] // m),
                _span(_per_server(run, "POST")), _span(run["module_runs_per_server"]), run["peak_pss_mib"] or 0))
    return rows


def _fmt(value):
    return "-" if value is None else "%.2f" % value


def _cpu_ratio(cell, key, other):
    if key not in cell or other not in cell or not cell[other]["cpu_s"]:
        return None
    return cell[key]["cpu_s"] / cell[other]["cpu_s"]


def _converge_task_ratio(cell):
    """The role's converge task alone (its one module run) against the uri GET task, unchanged run."""
    if "role_2" not in cell or "uri_get" not in cell or not cell["uri_get"]["work_s"]:
        return None
    converge = [t["seconds"] for t in cell["role_2"]["tasks"] if t.get("action") == MODULE]
    return sum(converge) / cell["uri_get"]["work_s"] if converge else None


def ratio_rows(results):
    rows = []
    for c in results["cells"]:
        r = results["targets"]["ratios"]["N=%d M=%d" % (c["n"], c["m"])]
        rows.append("| %d | %d | %s |" % (c["n"], c["m"], " | ".join(_fmt(x) for x in [
            r["role_2_work_vs_uri_get"], _converge_task_ratio(c), r["module_2_work_vs_uri_get"],
            r["role_2_wall_vs_uri_get"], _cpu_ratio(c, "role_2", "uri_get"),
            r["role_1_work_vs_uri"], r["module_1_work_vs_uri"], _cpu_ratio(c, "role_1", "uri"),
            r["role_1_wall_vs_uri_get"], r["module_1_wall_vs_uri_get"]])))
    return rows


def task_rows(cells):
    """Where the time of each role and module run goes, task by task, in the largest cell."""
    cell = max(cells, key=lambda c: (c["n"] * c["m"], c["n"]))
    rows = []
    for key, label in RUNS[:4]:
        for task in cell.get(key, {}).get("tasks", []):
            rows.append("| %s | %s | %.2f |" % (label, task["name"], task["seconds"]))
    return cell, rows


def sequences(cells):
    """The requests one server received, in order, in the cell with the most endpoints (the fewest servers)."""
    cell = max(cells, key=lambda c: (c["n"], -c["m"]))
    lines = []
    for key, label in RUNS[:5]:
        seq = cell.get(key, {}).get("requests", {}).get("sequence")
        if seq:
            lines.append("| %s | %d | %s |" % (label, len(seq), ", ".join("`%s`" % s for s in seq)))
    return cell, lines


def write(results, path, plot_name):
    cells = results["cells"]
    grid = results["grid"]
    machine = results["machine"]
    lines = [
        "# Performance",
        "",
        "What converging alert endpoints costs, in HTTP requests and in time, from one endpoint on one "
        "Kapacitor up to %d endpoints per server and %d servers: with the `alert_endpoints` role, with the "
        "`kapacitor_alert_endpoints` module called directly, and with what people do without this collection, an "
        "`ansible.builtin.uri` POST per endpoint. Numbers from one `make bench` on %s." % (
            max(grid["n"]), max(grid["m"]), results["date"]),
        "",
        "## Targets",
        "",
        "Every ratio compares runs of the same cell, run one after the other in this one benchmark run.",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
    ]
    lines += ["| %s | %s | %s |" % row for row in target_rows(results)]
    lines += [
        "",
        "The request counts and module runs are behaviour, not timing: `make test` asserts them for the role and "
        "the module (`make bench-smoke`: N=1 on one server and N=7 on two, first and second runs, and the "
        "concurrency check). The timing targets are only reported.",
        "",
        "The role applies its whole list with one task per server, `kapacitor_alert_endpoints`: one GET of every "
        "endpoint (`GET /kapacitor/v1/config`), one POST per entry that differs, and one more GET of every endpoint "
        "to report the result, only when something was written. An unchanged run is therefore exactly one GET and "
        "one module run per server, whatever N; a first run is two GETs and N POSTs per server in one module run. "
        "The role's other tasks (the check of its arguments on the controller, and the test alerts and the failure "
        "report, skipped here) run no module.",
        "",
        "Linear growth is judged on the wall time per server, t / M: linear growth (t = a + b M) keeps it from "
        "rising, faster growth makes it rise. Between successive M values it may grow by at most a quarter. "
        "From M = 1 it falls anyway, since one server cannot use the forks and CPUs that many can. With "
        "F = %d forks on %d CPUs, Ansible's workers share the CPUs, so beyond a few servers the time grows "
        "with M / CPUs rather than in steps of F servers." % (grid["forks"], machine["cpus"]),
        "",
        "## Setup",
        "",
        "- Grid: N in %s endpoints per server, M in %s servers%s%s, forks F = %d.%s The benchmark took %.0f s "
        "(%.1f minutes)%s." % (
            grid["n"], grid["m"],
            "".join(" (without N=%d M=%d)" % tuple(c) for c in grid.get("skipped", [])),
            "".join(" (and N=%d M=%d)" % tuple(c) for c in grid.get("added", [])),
            grid["forks"], " **The run was stopped after %d of its %d cells (%s)**." % (
                len(cells), len(grid["cells"]), ", ".join("N=%d M=%d" % (c["n"], c["m"]) for c in cells))
            if results.get("stopped_early") else "",
            results["duration_s"], results["duration_s"] / 60.0,
            "; the whole `make bench` %.0f s (%.1f minutes)" % (
                results["command_duration_s"], results["command_duration_s"] / 60.0)
            if results.get("command_duration_s") else ""),
        "- Machine: %d CPUs, %s, Python %s, %s; load average (1, 5, 15 minutes) %s when the run started and %s "
        "when it ended (the benchmark's own load included): the machine %s. The benchmark used %.0f CPU seconds." % (
            machine["cpus"], machine["platform"], machine["python"], machine["ansible"],
            " / ".join("%.2f" % x for x in machine["load_at_start"]),
            " / ".join("%.2f" % x for x in machine.get("load_at_end", [])),
            "was quiet" if machine["load_at_start"][0] < 1.0 else
            "was busy with other work, so times are longer and noisier than on a quiet machine (the ratios compare "
            "runs made seconds apart); the request counts are not affected", results.get("cpu_s", 0)),
        "- Role variables: %s: test alerts are never sent, so every number is the cost of the "
        "converge alone." % ", ".join("`%s: %s`" % kv for kv in sorted(results["role_vars"].items())),
        "",
    ]
    if plot_name:
        lines += ["![Wall time against N and against M, and per server](%s)" % plot_name, ""]
    lines += [
        "## Runs",
        "",
        "Each row is one `ansible-playbook` run. *wall*: the whole process; *work*: its tasks (the role's tasks, "
        "the module task, the uri POST task, or the one uri GET task), a task ending when the last host has "
        "finished it; per server: work / M; per endpoint: work / (N M); *CPU*: user and system time of the whole "
        "process tree; *changed*: endpoints reported changed (all hosts); GET and POST: requests per server, from "
        "the emulators' logs (the uri GET run's own GET in brackets); *module runs*: per server; *PSS*: peak "
        "memory of the ansible-playbook process tree.",
        "",
        "| N | M | run | wall (s) | work (s) | work / server (s) | work / endpoint (s) | CPU (s) | changed "
        "| GET / server | POST / server | module runs / server | peak PSS (MiB) |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += cell_rows(cells)
    lines += [
        "",
        "## Ratios",
        "",
        "Times of the same cell divided by each other (below 1: the first is faster). Both runs cover the same M "
        "servers, so each ratio is also the ratio per server. *uri GET*: the run of one `ansible.builtin.uri` GET "
        "task per host, the floor that any Ansible task costs; *uri POSTs*: the baseline, which writes every "
        "endpoint on every run. Targets: unchanged role work / uri GET <= 1.2 in every cell; at N = 21, first "
        "role work / uri POSTs <= 0.15 and first role wall / uri GET wall <= 2. *Its converge task*: the role's "
        "one module run alone, without its argument check and its two skipped tasks. The CPU ratios compare the "
        "CPU time of the whole runs, which the other work of a busy machine does not lengthen.",
        "",
        "| N | M | unchanged: role work / uri GET | its converge task / uri GET | module work / uri GET "
        "| role wall / uri GET wall | role CPU / uri GET CPU "
        "| first: role work / uri POSTs | module work / uri POSTs | role CPU / uri POSTs CPU "
        "| role wall / uri GET wall | module wall / uri GET wall |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += ratio_rows(results)
    cell, rows = task_rows(cells)
    lines += [
        "",
        "## Where the time goes",
        "",
        "Task by task, N=%d and M=%d (a task ends when the last host has finished it):" % (cell["n"], cell["m"]),
        "",
        "| run | task | seconds |",
        "| --- | --- | ---: |",
    ]
    lines += rows
    cell, rows = sequences(cells)
    lines += [
        "",
        "## What a server costs, request by request",
        "",
        "The requests the first server received in each run, in order, N=%d and M=%d:" % (cell["n"], cell["m"]),
        "",
        "| run | requests | in order |",
        "| --- | ---: | --- |",
    ]
    lines += rows
    lines += [
        "",
        "## Method",
        "",
        "- `tests/bench/bench.py` starts M emulators (`tests/emulator/`) on loopback and writes an inventory "
        "of M hosts, each with `ansible_connection: local` and `kapacitor_url` pointing at its own emulator, "
        "so that the numbers are Ansible's and the collection's, not a network's.",
        "- N endpoints are the first N of `tests/bench/catalogue.py`: one per handler, each configured as "
        "an operator fills in Chronograf's tab (enabled, webhook or server, a secret, routing options), all "
        "different from Kapacitor's defaults, and written as people write them (`60s`, not `1m0s`).",
        "- For every cell, in this order: the emulators are reset and the role runs twice "
        "(`tests/bench/playbooks/converge_role.yml`); one `ansible.builtin.uri` GET task runs on every host "
        "(`uri_get.yml`); the emulators are reset and the module runs twice with the same list "
        "(`converge_module.yml`); the emulators are reset again and the baseline runs once (`converge_uri.yml`: "
        "one `ansible.builtin.uri` POST per endpoint, `changed_when: true`, since a POST always writes and uri "
        "cannot tell). The baseline sends the same requests on every run, so its first run stands for its second "
        "as well.",
        "- Task times come from a callback (`tests/bench/callback_plugins/bench_timer.py`): with the linear "
        "strategy a task ends when the last host has finished it. The callback also counts, per host, the results "
        "of the tasks that run a module (skipped ones and controller-only actions left out): the module runs.",
        "- Requests come from each emulator's request log (`GET /_emulator/requests`), cleared between runs; "
        "the uri GET run's request is marked with a query and counted apart.",
        "- CPU: the user and system time of each `ansible-playbook` process tree (`wait4`), and of the whole "
        "benchmark (its emulators included).",
        "- Memory: a thread samples the ansible-playbook process tree from `/proc` every 0.1 s and sums PSS "
        "(shared pages divided among the processes sharing them; summing RSS would count the controller's "
        "pages once per forked worker).",
        "- Concurrency (`tests/bench/concurrency.py`): ten `ansible-playbook` processes start at once against "
        "one emulator, each running the role; each adds its own element to slack, discord, kafka and httppost and "
        "sets its own option of smtp (plus `enabled` and `from`, the same in every play). Then every element and "
        "option is read back and the requests counted (two GETs and five POSTs per play), and the ten plays run "
        "again at once and must change nothing, with one GET, one module run and no POST per play.",
        "- Ansible's own settings are left at their defaults (no pipelining, linear strategy), apart from "
        "`forks`.",
        "",
        "## Running it",
        "",
        "    make bench          # N in %s, M in %s; writes this page and %s" % (
            results["default_grid"]["n"], results["default_grid"]["m"], plot_name or "the plot"),
        "    make bench-smoke    # N=1 M=1 and N=7 M=2, role and module, and the concurrency check: request counts",
        "",
        "`make bench` accepts `BENCH_ARGS`, for example `BENCH_ARGS='--n 1,7 --m 1,10'` for another grid, "
        "`BENCH_ARGS='--skip 21x50'` to leave a cell out or `BENCH_ARGS='--add 21x100'` to measure one more after "
        "the grid; `python tests/bench/bench.py --from-results .build/bench-results.json --report "
        "docs/performance.md` writes the report again from the last run. Timings depend on what else the machine "
        "runs: compare numbers from one run, and runs taken when the machine is quiet.",
        "",
    ]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
