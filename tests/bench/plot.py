"""Draw the benchmark's plot: wall time against N and against M, first and second run.

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
    ("uri", "uri POSTs (every run)", ":", "^"),
]


def draw(axis, cells, x_key, group_key, title):
    groups = sorted({c[group_key] for c in cells})
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for index, group in enumerate(groups):
        points = sorted((c[x_key], c) for c in cells if c[group_key] == group)
        if len(points) < 2:
            continue
        for key, label, style, marker in SERIES:
            axis.plot([x for x, unused in points], [c[key]["wall_s"] for unused, c in points], linestyle=style,
                      marker=marker, color=colours[index % len(colours)],
                      label="%s=%d, %s" % (group_key.upper(), group, label))
    axis.set_title(title)
    axis.set_xlabel("%s (%s)" % (x_key.upper(), "endpoints per server" if x_key == "n" else "servers"))
    axis.set_ylabel("wall time of the ansible-playbook run (s)")
    axis.grid(True, alpha=0.3)
    axis.legend(fontsize=7)


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        results = json.load(handle)
    cells = results["cells"]
    figure, (left, right) = plt.subplots(1, 2, figsize=(13, 5.5))
    draw(left, cells, "n", "m", "Time against N (endpoints), one line per M")
    draw(right, cells, "m", "n", "Time against M (servers, forks %d), one line per N" % results["grid"]["forks"])
    figure.suptitle("tickstack.kapacitor alert_endpoints role vs ansible.builtin.uri POSTs (%s, %s)" % (
        results["date"], results["machine"]["ansible"]), fontsize=10)
    figure.tight_layout()
    figure.savefig(sys.argv[2], dpi=100)


if __name__ == "__main__":
    main()
