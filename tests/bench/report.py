"""Write docs/performance.md from the benchmark's results (see bench.py)."""


def _yes(value):
    return {True: "met", False: "**not met**", None: "not measured"}[value]


def _per_endpoint(run, n, m, method):
    return run["requests"]["total"][method] / float(n * m)


RUNS = (("role_1", "role, first"), ("role_2", "role, second"), ("uri", "uri POSTs"))


def default_cells(results):
    grid = results["default_grid"]
    return [(n, m) for n in grid["n"] for m in grid["m"]]


def projected_minutes(results):
    """The default grid's duration at the cost per endpoint and server of the largest cell measured."""
    cell = max(results["cells"], key=lambda c: c["n"] * c["m"])
    total = 0.0
    for key, unused in RUNS:
        run = cell[key]
        per_unit = run["work_s"] / float(cell["n"] * cell["m"])
        fixed = run["wall_s"] - run["work_s"]
        total += sum(fixed + per_unit * n * m for n, m in default_cells(results))
    return total / 60.0


def first_write_minutes(results):
    """What the first runs' writes and the baseline cost over the default grid, from the largest cell."""
    cell = max(results["cells"], key=lambda c: c["n"] * c["m"])
    units = sum(n * m for n, m in default_cells(results))
    role = cell["role_1"]["work_s"] / float(cell["n"] * cell["m"])
    uri = cell["uri"]["work_s"] / float(cell["n"] * cell["m"])
    return ("at the %.2f s (role) and %.2f s (uri) per endpoint and server of the N=%d M=%d cell, that is %.1f and "
            "%.1f minutes on this machine's two CPUs before any second run" % (
                role, uri, cell["n"], cell["m"], role * units / 60.0, uri * units / 60.0))


def target_rows(results):
    cells = results["cells"]
    targets = results["targets"]
    rows = []

    second = [c["role_2"]["requests"] for c in cells]
    posts = sum(r["total"]["POST"] + r["total"]["other"] for r in second)
    get_max = max(r["per_endpoint_max"]["GET"] for r in second)
    reads = max(r["reads_per_server_max"] for r in second)
    rows.append(("An unchanged run sends no POST and at most one GET per endpoint",
                 "%d POSTs over the grid; %d GET per server (the read of every endpoint), so at most %.2f GET per "
                 "endpoint (N = 1)" % (posts, reads, get_max),
                 _yes(posts == 0 and get_max <= 1)))

    first = [c["role_1"]["requests"]["per_endpoint_max"] for c in cells]
    post_max, before, after = (max(r[k] for r in first) for k in ("POST", "get_before_post", "get_after_post"))
    rows.append(("A changed endpoint costs at most one GET and one POST (plus one GET after the POST where "
                 "needed to report the result)",
                 "%d GET before the POST, %d POST and %d GET after it per changed endpoint, plus its share of the "
                 "server's one read of every endpoint (1/N GET)" % (before, post_max, after),
                 _yes(post_max <= 1 and before <= 1 and after <= 1)))

    ratios = {k: v for k, v in targets["time_ratio"].items() if v is not None}
    if ratios:
        worst = max(ratios, key=ratios.get)
        rows.append(("Per endpoint, an unchanged run costs at most 1.2 times one `ansible.builtin.uri` GET task "
                     "(same run)",
                     "%.2f to %.2f times (worst: %s)" % (min(ratios.values()), ratios[worst], worst),
                     _yes(targets["time_ratio_met"])))

    for key, label in (("role_1", "first"), ("role_2", "second")):
        lin = targets["linearity"][key]
        judged = [v["met"] for v in lin if v["met"] is not None]
        detail = "; ".join("N=%d: %s s per server" % (v["n"], ", ".join(
            "%.2f (M=%d)" % (t, p[0]) for t, p in zip(v["per_server_s"], v["points"]))) for v in lin)
        rows.append(("Wall time grows linearly in M / F (%s run)" % label, detail or "one M only",
                     _yes(all(judged) if judged else None)))

    if results["grid"]["default"]:
        minutes = results["duration_s"] / 60.0
        detail = "%.1f minutes" % minutes
        if minutes > 10:
            detail += (". The first runs alone write %d endpoints (N x M summed over the grid), one module run each, "
                       "and the uri baseline sends as many POSTs, one task run each: %s. Each costs Ansible about "
                       "0.3 s of CPU (a module run, whichever module), so this grid cannot end within 10 minutes on "
                       "this machine, whatever the role does" % (
                           sum(n * m for n, m in default_cells(results)), first_write_minutes(results)))
        rows.append(("The default grid (`make bench`) ends within 10 minutes", detail, _yes(minutes <= 10)))
    else:
        # Part of the default grid already taking longer answers the question too.
        part = all((c["n"], c["m"]) in default_cells(results) for c in cells)
        rows.append(("The default grid (`make bench`) ends within 10 minutes",
                     "this grid took %.1f minutes; the default grid would take about %.0f minutes at the per-endpoint "
                     "cost of this grid's largest cell" % (results["duration_s"] / 60.0, projected_minutes(results)),
                     _yes(False) if part and results["duration_s"] > 600 else "not measured"))

    conc = results.get("concurrency")
    if conc:
        rows.append(("10 plays at once against one Kapacitor: every element holds what its play asked, nothing "
                     "lost, no run failed",
                     "%d elements and %d shared smtp options checked, %d problems; rounds took %.0f s and %.0f s" % (
                         conc["elements_checked"], conc["smtp_options_checked"], len(conc["problems"]),
                         conc["first_round_wall_s"], conc["second_round_wall_s"]),
                     _yes(not conc["problems"])))
    return rows


def cell_rows(cells):
    rows = []
    for c in cells:
        n, m = c["n"], c["m"]
        for key, label in RUNS:
            run = c[key]
            rows.append("| %d | %d | %s | %.1f | %.1f | %s | %d | %.2f | %.2f | %.0f |" % (
                n, m, label, run["wall_s"], run["work_s"],
                "-" if run["floor_s"] is None else "%.2f" % run["floor_s"], run["changed"],
                _per_endpoint(run, n, m, "GET"), _per_endpoint(run, n, m, "POST"), run["peak_pss_mib"] or 0))
    return rows


def baseline_rows(cells):
    rows = []
    for c in cells:
        rows.append("| %d | %d | %.2f | %.2f | %.2f | %.2f |" % (
            c["n"], c["m"], c["role_1"]["work_s"] / c["uri"]["work_s"], c["role_2"]["work_s"] / c["uri"]["work_s"],
            c["role_1"]["wall_s"] / c["uri"]["wall_s"], c["role_2"]["wall_s"] / c["uri"]["wall_s"]))
    return rows


def ratio_rows(cells, ratios):
    rows = []
    for c in cells:
        run = c["role_2"]
        ratio = ratios.get("N=%d M=%d" % (c["n"], c["m"]))
        rows.append("| %d | %d | %.3f | %.3f | %s |" % (
            c["n"], c["m"], run["work_s"] / c["n"], run["floor_s"], "%.2f" % ratio if ratio is not None else "-"))
    return rows


def task_rows(cells):
    """Where the time of each role run goes, task by task, in the largest cell."""
    cell = max(cells, key=lambda c: (c["n"] * c["m"], c["n"]))
    rows = []
    for key, label in RUNS[:2]:
        for task in cell[key]["tasks"]:
            rows.append("| %s | %s | %.2f |" % (label, task["name"], task["seconds"]))
    return cell, rows


def sequences(cells):
    """The requests that two endpoints (a section, a list element) cost in the biggest cell."""
    cell = max(cells, key=lambda c: (c["n"], c["m"]))
    lines = []
    for handler in ("smtp", "slack", "httppost"):
        for key, label in (("role_1", "first run"), ("role_2", "second run"), ("uri", "uri POSTs")):
            seq = cell[key]["requests"]["sequences"].get(handler)
            if seq:
                lines.append("| %s | %s | %s |" % (handler, label, ", ".join("`%s`" % s for s in seq)))
    return lines


def write(results, path, plot_name):
    cells = results["cells"]
    grid = results["grid"]
    machine = results["machine"]
    lines = [
        "# Performance",
        "",
        "What converging alert endpoints costs, in HTTP requests and in time, from one endpoint on one "
        "Kapacitor up to %d endpoints per server and %d servers, and how that compares with what people do "
        "without this collection: an `ansible.builtin.uri` POST per endpoint. Numbers from `make bench` on %s." % (
            max(grid["n"]), max(grid["m"]), results["date"]),
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
    ]
    lines += ["| %s | %s | %s |" % row for row in target_rows(results)]
    lines += [
        "",
        "The request counts are behaviour, not timing: `make test` asserts them on a small grid "
        "(`make bench-smoke`) together with the concurrency check. The timing targets are only reported.",
        "",
        "The role compares its whole list with Kapacitor before it changes anything: "
        "`kapacitor_alert_endpoint_info` with `compare` reads every endpoint of a server with one GET "
        "(`GET /kapacitor/v1/config`) and checks and compares each entry. Only the entries that differ are then "
        "applied, each by `kapacitor_alert_endpoint`: its own GET of the endpoint, one POST, and one GET to "
        "report the result. An unchanged run therefore costs one GET and one module run per server, whatever N; "
        "in the tables below the read of every endpoint is shared out among the N endpoints (1/N GET each).",
        "",
        "Linear growth is judged on the wall time per server, t / M: linear growth (t = a + b M) keeps it from "
        "rising, faster growth makes it rise. Between successive M values it may grow by at most a quarter. "
        "From M = 1 it falls anyway, since one server cannot use the forks and CPUs that many can. With "
        "F = %d forks on %d CPUs, Ansible's workers share the CPUs, so beyond a few servers the time grows "
        "with M / CPUs rather than in steps of F servers." % (results["grid"]["forks"], results["machine"]["cpus"]),
        "",
        "## Setup",
        "",
        "- Grid: N in %s endpoints per server, M in %s servers%s, forks F = %d; the whole run took %.0f s "
        "(%.1f minutes)." % (grid["n"], grid["m"],
                             "".join(" (without N=%d M=%d)" % tuple(c) for c in grid.get("skipped", [])),
                             grid["forks"], results["duration_s"], results["duration_s"] / 60.0),
        "- Machine: %d CPUs, %s, Python %s, %s; load average (1, 5, 15 minutes) %s when the run started and %s "
        "when it ended (the benchmark's own load): the machine %s." % (
            machine["cpus"], machine["platform"], machine["python"], machine["ansible"],
            " / ".join("%.2f" % x for x in machine["load_at_start"]),
            " / ".join("%.2f" % x for x in machine.get("load_at_end", [])),
            "was quiet" if machine["load_at_start"][0] < 1.0 else
            "was busy with other work, so times are longer and noisier than on a quiet machine; the request "
            "counts are not affected"),
        "- Role variables: %s: test alerts are never sent, so every number is the cost of the "
        "converge alone." % ", ".join("`%s: %s`" % kv for kv in sorted(results["role_vars"].items())),
        "",
    ]
    if plot_name:
        lines += ["![Wall time against N and against M](%s)" % plot_name, ""]
    lines += [
        "## Runs",
        "",
        "Each row is one `ansible-playbook` run. *wall*: the whole process; *work*: the tasks that "
        "apply the endpoints (the role's tasks, or the uri POST task); *floor*: one `ansible.builtin.uri` "
        "GET task on every host, in the same run; *changed*: endpoints reported changed (all hosts); "
        "GET and POST: requests per endpoint and server, from the emulators' logs; *PSS*: peak memory of the "
        "ansible-playbook process tree.",
        "",
        "| N | M | run | wall (s) | work (s) | floor (s) | changed | GET / endpoint | POST / endpoint | peak PSS (MiB) |",
        "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += cell_rows(cells)
    lines += [
        "",
        "## Unchanged run against the floor",
        "",
        "The second run's *work* divided by N (the cost of one unchanged endpoint on the whole fleet) "
        "against one `ansible.builtin.uri` GET task on the whole fleet, both timed in the same run.",
        "",
        "| N | M | unchanged run per endpoint (s) | one uri GET task (s) | ratio (target <= 1.2) |",
        "| ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += ratio_rows(cells, results["targets"]["time_ratio"])
    lines += [
        "",
        "## Against the uri baseline",
        "",
        "The role's time divided by the time of the uri POSTs for the same endpoints and servers (below 1: "
        "the role is faster). The uri POSTs write every endpoint on every run and report every run as changed.",
        "",
        "| N | M | work, first run | work, second run | wall, first run | wall, second run |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += baseline_rows(cells)
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
    lines += [
        "",
        "## What an endpoint costs, request by request",
        "",
        "From the first server of the largest cell:",
        "",
        "| endpoint | run | requests |",
        "| --- | --- | --- |",
    ]
    lines += sequences(cells)
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
        "- For every cell the emulators are reset, the role runs twice (`tests/bench/playbooks/converge_role.yml`), "
        "the emulators are reset again and the baseline runs once (`converge_uri.yml`: one `ansible.builtin.uri` "
        "POST per endpoint, `changed_when: true`, since a POST always writes and uri cannot tell). It sends the same "
        "requests on every run, so its first run stands for its second as well.",
        "- Task times come from a callback (`tests/bench/callback_plugins/bench_timer.py`): with the linear "
        "strategy a task ends when the last host has finished it. The floor task runs after the role in the "
        "same play, so it pays none of the warm-up and the comparison leans against the role.",
        "- Requests come from each emulator's request log (`GET /_emulator/requests`), cleared between runs; "
        "the floor's GET is marked with a query and left out.",
        "- Memory: a thread samples the ansible-playbook process tree from `/proc` every 0.1 s and sums PSS "
        "(shared pages divided among the processes sharing them; summing RSS would count the controller's "
        "pages once per forked worker).",
        "- Concurrency (`tests/bench/concurrency.py`): ten `ansible-playbook` processes start at once against "
        "one emulator; each adds its own element to slack, discord, kafka and httppost and sets its own option "
        "of smtp (plus `enabled` and `from`, the same in every play). Then every element and option is read "
        "back, and the ten plays run again at once and must change nothing and send no POST.",
        "- Ansible's own settings are left at their defaults (no pipelining, linear strategy), apart from "
        "`forks`.",
        "",
        "## Running it",
        "",
        "    make bench          # N in %s, M in %s; writes this page and %s" % (
            results["default_grid"]["n"], results["default_grid"]["m"], plot_name or "the plot"),
        "    make bench-smoke    # N in {1, 7}, M in {1, 2} and the concurrency check, asserting the request counts",
        "",
        "`make bench` accepts `BENCH_ARGS`, for example `BENCH_ARGS='--n 1,7 --m 1,10'` for another grid or "
        "`BENCH_ARGS='--skip 21x50'` to leave a cell out; `python tests/bench/bench.py --from-results "
        ".build/bench-results.json --report docs/performance.md` writes the report again from the last run. "
        "Timings depend on what else the machine runs: compare numbers from one machine, taken when it is quiet.",
        "",
    ]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
