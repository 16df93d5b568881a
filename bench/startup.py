#!/usr/bin/env python3
"""Start-up cost of each way of linking the hook (docs/building.md "Linking"): binary size and the
CPU (user+sys, wait4 rusage) of a process that starts, does one small job and exits.

  python3 bench/startup.py [--runs N] LABEL=BINARY...

Two jobs per binary, alternating binaries run by run so drift hits all alike:
  --version      start, static initialisers, print, exit;
  no-device hook createRuntime with a state on stdin whose config.json lists no device:
                 also logging set-up and both JSON parses, as for a container that asks for
                 nothing (the common case when the hooks.d file matches every container).
Prints a markdown table: size as built, size stripped (as in the .deb), median and p90 CPU.
Needs no root and touches nothing: the state dir is a temporary directory.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from run import timed  # bench/run.py: wait4 CPU of one exec


def cpu_of(argv, stdin_bytes, env):
    """CPU seconds (user+sys) of one run; fails on a non-zero exit."""
    _, cpu, rc = timed(argv, stdin_bytes, env)
    if rc != 0:
        sys.exit(f"{argv} failed: exit {rc}")
    return cpu


def stripped_size(path, work):
    copy = os.path.join(work, "stripped")
    shutil.copyfile(path, copy)
    subprocess.run(["strip", "--strip-unneeded", copy], check=True)
    return os.path.getsize(copy)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("binaries", nargs="+", metavar="LABEL=BINARY")
    args = ap.parse_args()
    binaries = [b.split("=", 1) for b in args.binaries]
    with tempfile.TemporaryDirectory() as work:
        bundle = os.path.join(work, "bundle")
        os.mkdir(bundle)
        with open(os.path.join(bundle, "config.json"), "w") as f:
            json.dump({"ociVersion": "1.0.2", "linux": {"namespaces": [{"type": "network"}]}}, f)
        state = json.dumps({"ociVersion": "1.0.2", "id": "c1", "status": "creating",
                            "pid": os.getpid(), "bundle": bundle}).encode()
        env = {"PATH": "/usr/bin:/bin", "OCI_NETDEV_HOOK_STATE_DIR": os.path.join(work, "run")}
        jobs = {"--version": (["--version"], b""), "no-device hook": (["createRuntime"], state)}
        cpu = {(label, job): [] for label, _ in binaries for job in jobs}
        for _ in range(args.runs):
            for label, path in binaries:
                for job, (argv, stdin) in jobs.items():
                    cpu[(label, job)].append(cpu_of([path] + argv, stdin, env))
        print(f"{args.runs} runs each, alternating; CPU = user+sys (wait4), ms\n")
        print("| linking | size as built | stripped | job | CPU ms median | CPU ms p90 |")
        print("|---|---|---|---|---|---|")
        for label, path in binaries:
            size = os.path.getsize(path) / 1e6
            stripped = stripped_size(path, work) / 1e6
            for job in jobs:
                runs = sorted(cpu[(label, job)])
                p90 = runs[int(len(runs) * 0.9)]
                print(f"| {label} | {size:.2f} MB | {stripped:.2f} MB | {job} | "
                      f"{statistics.median(runs) * 1e3:.2f} | {p90 * 1e3:.2f} |")


if __name__ == "__main__":
    main()
