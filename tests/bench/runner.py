"""What the benchmark and its concurrency check share: emulators and measured ansible-playbook runs."""
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import time

from proctree import PeakSampler

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(BENCH_DIR))
PLAYBOOKS = os.path.join(BENCH_DIR, "playbooks")
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))
from harness import Emulator  # noqa: E402  pylint: disable=wrong-import-position

# The one read of every endpoint of a server, before and (when something was written) after the writes.
READ_ALL_PATH = "/kapacitor/v1/config"
# Tasks that run on the controller only, without a module run on the host.
CONTROLLER_ACTIONS = {"ansible.builtin.validate_argument_spec", "ansible.builtin.fail", "ansible.builtin.debug",
                      "ansible.builtin.set_fact", "ansible.builtin.assert", "ansible.builtin.meta"}


def start_emulators(count):
    """Start `count` emulators (test controls on) at once and wait until each accepts connections."""
    emulators = [Emulator() for unused in range(count)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=min(count, 16)) as pool:
        started = [pool.submit(emulator.start) for emulator in emulators]
    errors = [f.exception() for f in started if f.exception()]
    if errors:
        stop_emulators(emulators)
        raise errors[0]
    return emulators


def stop_emulators(emulators):
    for emulator in emulators:
        emulator.stop()


def state(emulator, path):
    """GET a config path from an emulator: the parsed body, or None when it answers otherwise than 200."""
    status, body = emulator.json("GET", path)
    return body if status == 200 else None


def write_inventory(path, emulators, group_vars):
    """One host per emulator, each pointing at its own emulator, run through the local connection."""
    hosts = {
        "kapacitor%03d" % (i + 1): {"kapacitor_url": emulator.url} for i, emulator in enumerate(emulators)
    }
    inventory = {"kapacitor": {
        "hosts": hosts,
        "vars": dict(group_vars, ansible_connection="local",
                     ansible_python_interpreter="{{ ansible_playbook_python }}"),
    }}
    # JSON is YAML, so Ansible's yaml inventory plugin reads it as it is.
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(inventory, handle, indent=1)
    return path


def ansible_env(workdir, collections_path, forks):
    env = dict(os.environ)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": collections_path,
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(BENCH_DIR, "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
        "ANSIBLE_FORKS": str(forks),
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCAL_TEMP": os.path.join(workdir, "ansible-tmp"),
        "ANSIBLE_HOST_KEY_CHECKING": "0",
    })
    # No ansible.cfg from the caller's directory or ANSIBLE_CONFIG may change what is measured.
    env.pop("ANSIBLE_CONFIG", None)
    return env


def ansible_playbook_command():
    """ansible-playbook of the Python running this script (the venv the checks use)."""
    candidate = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    return [candidate] if os.path.exists(candidate) else ["ansible-playbook"]


def run_playbook(playbook, inventory, env, workdir, label, sample_memory=True):
    """Run ansible-playbook once; returns wall and CPU time, peak memory, per-task times and its exit code."""
    timer_file = os.path.join(workdir, "%s.timer.json" % label)
    log_path = os.path.join(workdir, "%s.log" % label)
    run_env = dict(env, BENCH_TIMER_FILE=timer_file)
    if os.path.exists(timer_file):
        os.unlink(timer_file)
    command = ansible_playbook_command() + ["-i", inventory, os.path.join(PLAYBOOKS, playbook)]
    with open(log_path, "wb") as log:
        start = time.monotonic()
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=run_env,  # pylint: disable=consider-using-with
                                cwd=workdir, stdin=subprocess.DEVNULL)
        sampler = PeakSampler(proc.pid).start() if sample_memory else None
        # wait4 gives the CPU time of the whole tree: ansible-playbook waits for its workers, and
        # they for the modules they run.
        unused, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        returncode = proc.returncode = os.waitstatus_to_exitcode(status)
    if sampler:
        sampler.stop()
    tasks = []
    if os.path.exists(timer_file):
        with open(timer_file, encoding="utf-8") as handle:
            tasks = json.load(handle)["tasks"]
    return {
        "label": label, "returncode": returncode, "wall_s": wall, "log": log_path,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_pss_mib": sampler.peak_pss_kib / 1024.0 if sampler else None,
        "peak_rss_mib": sampler.peak_rss_kib / 1024.0 if sampler else None,
        "peak_processes": sampler.peak_processes if sampler else None, "tasks": tasks,
    }


def module_runs(tasks):
    """Per host, the module runs of a playbook run (from the timer callback's tasks): the results of
    tasks that run a module, loop items counted one by one, skipped ones left out."""
    runs = {}
    for task in tasks:
        if task.get("action") in CONTROLLER_ACTIONS:
            continue
        for host, outcome in task["hosts"].items():
            runs[host] = runs.get(host, 0) + outcome["items"] - outcome["skipped"]
    return runs


def tail(path, lines=40):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return "".join(handle.readlines()[-lines:])


def make_workdir(path):
    """An empty directory for a run's inventories, logs and timings (the previous run's are removed)."""
    path = os.path.abspath(path)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(os.path.join(path, "ansible-tmp"))
    return path
