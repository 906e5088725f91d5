"""Draw the benchmark's plot: wall time against N and against M, work per server, and the target ratios.

    python plot.py results.json performance.png

Needs matplotlib (make bench installs it into a venv of its own, .venv-bench).
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  pylint: disable=wrong-import-position

SERIES = [
    ("role_1", "role, first run", "-", "o"),
    ("role_2", "role, second run (unchanged)", "--", "s"),
    ("module_1", "module, first run", "-", "D"),
    ("module_2", "module, second run (unchanged)", "--", "v"),
    ("uri", "uri POSTs (every run)", ":", "^"),
    ("uri_get", "one uri GET task", ":", "x"),
]
# (ratio key in the results, label, limit, the N it is judged at: None for every cell)
RATIOS = [
    ("role_2_work_vs_uri_get", "unchanged: role work / uri GET work", 1.2, None),
    ("role_1_work_vs_uri", "first: role work / uri POSTs work", 0.15, 21),
    ("role_1_wall_vs_uri_get", "first: role wall / uri GET wall", 2.0, 21),
]


def draw(axis, cells, x_key, fixed_key, value, ylabel):
    """One line per run against x_key, at the largest value of fixed_key."""
    fixed = max(c[fixed_key] for c in cells)
    points = sorted((c[x_key], c) for c in cells if c[fixed_key] == fixed and not c.get("added"))
    for index, (key, label, style, marker) in enumerate(SERIES):
        shown = [(x, value(c, key)) for x, c in points if key in c]
        if len(shown) < 2:
            continue
        axis.plot([x for x, unused in shown], [y for unused, y in shown], linestyle=style, marker=marker,
                  color="C%d" % index, label=label)
    axis.set_title("against %s, %s = %d" % (x_key.upper(), fixed_key.upper(), fixed), fontsize=10)
    axis.set_xlabel("%s (%s)" % (x_key.upper(), "endpoints per server" if x_key == "n" else "servers"))
    axis.set_ylabel(ylabel)
    axis.grid(True, alpha=0.3)
    axis.legend(fontsize=7)


def draw_ratios(axis, results):
    cells = sorted(results["cells"], key=lambda c: (c["n"], c["m"]))
    names = ["N=%d M=%d" % (c["n"], c["m"]) for c in cells]
    width = 0.8 / len(RATIOS)
    for index, (key, label, limit, at_n) in enumerate(RATIOS):
        xs, ys = [], []
        for position, (cell, name) in enumerate(zip(cells, names)):
            value = results["targets"]["ratios"][name].get(key)
            if value is not None and (at_n is None or cell["n"] == at_n):
                xs.append(position + (index - 1) * width)
                ys.append(value)
        if not xs:
            continue
        axis.bar(xs, ys, width=width, color="C%d" % (index + 6), label="%s (target <= %g%s)" % (
            label, limit, "" if at_n is None else ", at N=%d" % at_n))
        axis.axhline(limit, color="C%d" % (index + 6), linestyle="--", linewidth=0.8)
    axis.set_xticks(range(len(names)))
    axis.set_xticklabels(names, rotation=45, ha="right", fontsize=7)
    axis.set_ylabel("ratio (same cell, same benchmark run)")
    axis.set_title("the timing targets, cell by cell", fontsize=10)
    axis.grid(True, axis="y", alpha=0.3)
    axis.legend(fontsize=7)


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        results = json.load(handle)
    cells = results["cells"]
    figure, axes = plt.subplots(2, 2, figsize=(13, 10))
    wall = "wall time of the ansible-playbook run (s)"
    draw(axes[0][0], cells, "n", "m", lambda c, key: c[key]["wall_s"], wall)
    draw(axes[0][1], cells, "m", "n", lambda c, key: c[key]["wall_s"], wall)
    draw(axes[1][0], cells, "m", "n", lambda c, key: c[key]["work_s"] / c["m"], "work per server (s)")
    axes[1][0].set_xscale("log")
    draw_ratios(axes[1][1], results)
    figure.suptitle("tickstack.kapacitor: alert_endpoints role and kapacitor_alert_endpoints module vs "
                    "ansible.builtin.uri\nforks %d; %s, %s; load average %.1f at the start" % (
                        results["grid"]["forks"], results["date"], results["machine"]["ansible"],
                        results["machine"]["load_at_start"][0]), fontsize=10)
    figure.tight_layout()
    figure.savefig(sys.argv[2], dpi=100)


if __name__ == "__main__":
    main()
