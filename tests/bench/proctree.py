"""Peak memory of a process tree, sampled from /proc (Linux, standard library only).

Ansible forks a worker per host and task, and each worker starts the module's Python, so the
memory a run needs is the sum over the whole tree at one moment. Forked workers share most of
their pages with the controller; summing RSS would count those pages once per worker, so the sum
is taken over PSS (each shared page divided among the processes sharing it), which adds up to
what the tree really occupies. RSS is kept too, for comparison.
"""
import os
import threading


def _children(pid):
    """Child process ids of pid, from each of its threads' children list."""
    found = []
    try:
        threads = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return found
    for tid in threads:
        try:
            with open("/proc/%d/task/%s/children" % (pid, tid), encoding="ascii") as handle:
                found.extend(int(x) for x in handle.read().split())
        except OSError:
            continue
    return found


def tree(root):
    """Process ids of root and all its descendants (walks down from root: cheap, whatever else runs)."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(_children(pid))
    return found


def memory_kib(pid):
    """(PSS, RSS) of one process in KiB, or None when it is gone."""
    try:
        with open("/proc/%d/smaps_rollup" % pid, encoding="ascii") as handle:
            fields = dict(line.split(":", 1) for line in handle if ":" in line)
        return int(fields["Pss"].split()[0]), int(fields["Rss"].split()[0])
    except (OSError, KeyError, ValueError):
        return None


class PeakSampler:
    """Samples the tree under `pid` every `interval` seconds in a thread until stop()."""

    def __init__(self, pid, interval=0.1):
        self.pid = pid
        self.interval = interval
        self.peak_pss_kib = 0
        self.peak_rss_kib = 0
        self.peak_processes = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()
        return self

    def sample(self):
        pss = rss = count = 0
        for pid in tree(self.pid):
            mem = memory_kib(pid)
            if mem:
                pss += mem[0]
                rss += mem[1]
                count += 1
        self.samples += 1
        self.peak_pss_kib = max(self.peak_pss_kib, pss)
        self.peak_rss_kib = max(self.peak_rss_kib, rss)
        self.peak_processes = max(self.peak_processes, count)

    def _run(self):
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def stop(self):
        self._stop.set()
        self._thread.join()
        return self
