"""Run the steps of `make test`, several at a time, and report each one.

    run_steps.py [--jobs N] [--logs DIR] [--make 'make STAGED=1'] STEP[:AFTER[,AFTER...]]...

Each STEP is a make target, run as `<make> STEP` with its output in DIR/STEP.log. A step starts,
in the order given, once a slot is free and the steps it names after the colon have passed; a
step after a failed one is skipped. Every step that ends prints its name, time and result; the
full log of each failed step follows the summary. The exit status is 1 when any step failed.
"""
import argparse
import os
import shlex
import subprocess
import sys
import time


def parse_steps(specs):
    steps, after = [], {}
    for spec in specs:
        name, colon, deps = spec.partition(":")
        steps.append(name)
        after[name] = [d for d in deps.split(",") if d] if colon else []
    for name, deps in after.items():
        unknown = [d for d in deps if d not in after]
        if unknown:
            sys.exit("run_steps: %s waits for unknown step(s) %s" % (name, ", ".join(unknown)))
    return steps, after


def report(line):
    print(line, flush=True)


def run(steps, after, jobs, logs, make):
    os.makedirs(logs, exist_ok=True)
    waiting = list(steps)
    running = {}  # name -> (process, log file, start time)
    result, seconds = {}, {}
    while waiting or running:
        for name in list(waiting):
            if len(running) >= jobs:
                break
            deps = after[name]
            if any(result.get(d) in ("FAIL", "SKIP") for d in deps):
                waiting.remove(name)
                result[name], seconds[name] = "SKIP", 0.0
                report("SKIP  %-20s (after a failed step)" % name)
            elif all(result.get(d) == "PASS" for d in deps):
                waiting.remove(name)
                log = open(os.path.join(logs, name + ".log"), "wb")
                proc = subprocess.Popen(make + [name], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
                running[name] = (proc, log, time.monotonic())
                report("start %s" % name)
        time.sleep(0.2)
        for name, (proc, log, started) in list(running.items()):
            if proc.poll() is None:
                continue
            log.close()
            del running[name]
            seconds[name] = time.monotonic() - started
            result[name] = "PASS" if proc.returncode == 0 else "FAIL"
            report("%s  %-20s %6.1f s" % (result[name], name, seconds[name]))
    return result, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--jobs", type=int, default=2, help="steps at a time (default 2)")
    parser.add_argument("--logs", default=".build/logs", help="directory for the step logs")
    parser.add_argument("--make", default="make --no-print-directory", help="command that runs a step")
    parser.add_argument("steps", nargs="+", metavar="STEP[:AFTER,...]")
    args = parser.parse_args()
    steps, after = parse_steps(args.steps)
    started = time.monotonic()
    result, seconds = run(steps, after, max(1, args.jobs), args.logs, shlex.split(args.make))
    failed = [s for s in steps if result[s] == "FAIL"]
    print("\nsteps (%d at a time, %.0f s in all):" % (args.jobs, time.monotonic() - started))
    for name in steps:
        print("  %-4s  %-20s %6.1f s" % (result[name], name, seconds[name]))
    for name in failed:
        path = os.path.join(args.logs, name + ".log")
        print("\n======== %s failed; its log (%s):" % (name, path))
        with open(path, errors="replace") as log:
            sys.stdout.write(log.read())
    if failed:
        print("\nfailed: %s" % " ".join(failed))
        sys.exit(1)


if __name__ == "__main__":
    main()
