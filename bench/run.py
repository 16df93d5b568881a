#!/usr/bin/env python3
"""Benchmark: move a veth carrying N addresses into a container netns, in ONE run alternating
the peers (A B C ... A B C ...), and print a markdown table.

  sudo python3 bench/run.py [--build DIR] [--rounds R] [--quick]

Peers: the hook (exec'd as a runtime does: state on stdin, bundle config.json); a shell peer
doing the same with `ip` (one process per step and per address); floor-move (only the
RTM_NEWLINK move: the kernel's own cost); floor-full (the whole algorithm in minimal C on
libmnl); Debian's CNI host-device plugin when installed. Wall time is dominated by the
kernel's rcu_barrier in the move (docs/kernel-facts.md K10) and is noisy; CPU time (user+sys of the
whole process tree, from wait4) is what a hook controls. Every run is verified: the device
is up in the container with every address (`delivered`).

Runs inside a private network and mount namespace: nothing on the machine is touched.
"""
import argparse
import ctypes
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def sh(cmd, **kw):
    return subprocess.run(cmd, shell=True, check=True, **kw)


def timed(argv, stdin_bytes=b"", env=None, netns=None):
    """(wall seconds, cpu seconds of the process tree, exit code); run in `netns` (a
    HostNetns) when given, entered by the child itself before exec, as a runtime's hook starts
    in the runtime's netns: no nsenter process charged to the peer."""
    r, w = os.pipe()
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        try:  # the child never returns into the bench: its cleanup is the parent's
            if netns is not None:
                netns.enter()
            os.dup2(r, 0)
            os.close(w)
            devnull = os.open("/dev/null", os.O_WRONLY)
            os.dup2(devnull, 1)
            os.execvpe(argv[0], argv, env or os.environ)
        except BaseException:
            os._exit(127)
    os.close(r)
    os.write(w, stdin_bytes)
    os.close(w)
    _, status, ru = os.wait4(pid, 0)
    wall = time.perf_counter() - t0
    return wall, ru.ru_utime + ru.ru_stime, os.waitstatus_to_exitcode(status)


CLONE_NEWNET = 0x40000000


class HostNetns:
    """A second host netns beside the bench's own: `links` unrelated links (veth pairs), as on
    a busy node, and a sysfs of its own mounted (as a node's host netns has at /sys), which
    keeps the superblock the hook's sysfs view finds (docs/kernel-facts.md K16). Down and
    bare; or, `routed`, up with a /32 route each, as pod veths on a node are (with their IPv6
    link-local addresses and routes, every route dump walks them all: K18). Runs in it
    alternate with runs in the bench's netns in the same rounds, so drift hits both alike."""

    def __init__(self, work, links, routed=False, label="@crowd"):
        self.label = label
        self.holder = subprocess.Popen(["unshare", "--net", "sleep", "3600"])
        self.path = own_netns_of(self.holder)
        self.fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        self.sysfs = os.path.join(work, "sys" + label.replace("@", "-"))
        try:
            self.populate(work, links, routed)
        except BaseException:
            self.close()
            raise

    def populate(self, work, links, routed):
        os.makedirs(self.sysfs, exist_ok=True)
        sh(f"nsenter --net={self.path} mount -t sysfs sysfs {self.sysfs}")
        lines = ["link set lo up"]
        for i in range(links // 2):
            lines.append(f"link add x{i} type veth peer name x{i}p")
            if routed:
                lines += [f"link set x{i} up", f"link set x{i}p up",
                          f"route add 10.200.{i // 250}.{i % 250 + 1}/32 dev x{i}"]
        batch = os.path.join(work, "crowd")
        with open(batch, "w") as f:
            f.write("\n".join(lines) + "\n")
        sh(f"nsenter --net={self.path} ip -batch {batch}")
        if routed:  # links just set up run IPv6 DAD and router solicitations for a while
            time.sleep(5)

    def enter(self):  # in a forked child only
        if hasattr(os, "setns"):  # Python 3.12
            os.setns(self.fd, CLONE_NEWNET)
        elif ctypes.CDLL(None, use_errno=True).setns(self.fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns")

    def prefix(self):
        return f"nsenter --net={self.path} "

    def close(self):  # best effort: the holder is killed whatever else fails
        subprocess.run(["umount", self.sysfs], check=False, stderr=subprocess.DEVNULL)
        os.close(self.fd)
        self.holder.kill()  # its links go with the netns
        self.holder.wait()


def own_netns_of(proc):
    """/proc/PID/ns/net of `proc` (an `unshare --net` child) once it is in a netns of its own,
    not still in ours."""
    path = f"/proc/{proc.pid}/ns/net"
    for _ in range(500):
        try:
            if os.stat(path).st_ino != os.stat("/proc/self/ns/net").st_ino:
                return path
        except FileNotFoundError:
            pass
        time.sleep(0.01)
    proc.kill()
    raise RuntimeError(f"process {proc.pid} never entered a netns of its own")


class World:
    """A container process in its own netns, and helpers to (re)build the host device."""

    def __init__(self, work):
        self.work = work
        self.ctr = subprocess.Popen(["unshare", "--net", "sleep", "3600"])
        self.netns = own_netns_of(self.ctr)

    def close(self):
        self.ctr.kill()
        self.ctr.wait()

    def build_device(self, dev, n_v4, n_v6=4, host=None):
        lines = [f"link add {dev} type veth peer name {dev}p", f"link set {dev}p up",
                 f"link set {dev} up"]
        base = int(dev.lstrip("vd") or 0)
        for i in range(n_v4):
            lines.append(f"addr add 10.{base}.{i // 250}.{i % 250 + 1}/32 dev {dev}")
        for i in range(n_v6):
            lines.append(f"addr add 2001:db8:{base}:{i}::1/64 dev {dev} nodad")
        path = os.path.join(self.work, "batch")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        sh(f"{host.prefix() if host else ''}ip -batch {path}")

    def in_ctr(self, cmd, **kw):
        return sh(f"nsenter --net={self.netns} {cmd}", **kw)

    def delivered(self, name, n_addrs, up=True):
        out = self.in_ctr(f"ip -j addr show dev {name}", capture_output=True).stdout
        info = json.loads(out)[0]
        glob = [a for a in info["addr_info"] if a["scope"] == "global"]
        return ("UP" in info["flags"]) == up and len(glob) == n_addrs

    def clear(self, names):
        for n in names:
            self.in_ctr(f"ip link del {n}", stderr=subprocess.DEVNULL)


def peers(args, world, work, devs):
    """name -> function(devs) returning (wall, cpu, rc); devs = [(host, ctr_name)]."""
    hook = os.path.join(args.build, "oci-netdev-hook")
    floor = os.path.join(args.build, "bench", "floor")
    bundle = os.path.join(work, "bundle")
    os.makedirs(bundle, exist_ok=True)
    cfg = {"ociVersion": "1.2.0", "linux": {"namespaces": [{"type": "network"}],
           "netDevices": {h: {"name": c} for h, c in devs}}}
    with open(os.path.join(bundle, "config.json"), "w") as f:
        json.dump(cfg, f)
    runs = itertools.count()

    def state():
        # A container id of its own for every run, as every container start has: one id for
        # all made each run read, and carry forward, the record of all the runs before it
        # (devices the bench deleted without a poststop), which grew with every round.
        return json.dumps({"ociVersion": "1.2.0", "id": f"bench-{next(runs)}",
                           "status": "creating", "pid": world.ctr.pid,
                           "bundle": bundle}).encode()
    state_dir = os.path.join(work, "state")
    if not os.path.ismount(state_dir):  # like /run/oci-netdev-hook: a tmpfs
        os.makedirs(state_dir, mode=0o700, exist_ok=True)
        sh(f"mount -t tmpfs -o mode=0700 tmpfs {state_dir}")
    env = dict(os.environ, OCI_NETDEV_HOOK_STATE_DIR=state_dir)
    out = {
        "hook": lambda netns=None: timed([hook, "createRuntime"], state(), env, netns),
    }
    if args.baseline_hook:  # another build of the hook, side by side in the same rounds
        out["hook-base"] = lambda netns=None: timed([args.baseline_hook, "createRuntime"],
                                                    state(), env, netns)
    out |= {
        "floor-full": lambda netns=None: seq([[floor, "full", h, c, world.netns]
                                              for h, c in devs], netns),
        "floor-move": lambda: seq([[floor, "move", h, c, world.netns] for h, c in devs]),
    }
    if not args.quick:
        out["shell-ip"] = lambda: seq([[os.path.join(HERE, "shell_peer.sh"), h, c,
                                        str(world.ctr.pid)] for h, c in devs])
        if os.access("/usr/lib/cni/host-device", os.X_OK):
            def cni():
                res = (0.0, 0.0, 0)
                for h, c in devs:
                    e = dict(os.environ, CNI_COMMAND="ADD", CNI_CONTAINERID="bench",
                             CNI_NETNS=world.netns, CNI_IFNAME=c, CNI_PATH="/usr/lib/cni")
                    conf = json.dumps({"cniVersion": "0.4.0", "name": "bench",
                                       "type": "host-device", "device": h}).encode()
                    w, cpu, rc = timed(["/usr/lib/cni/host-device"], conf, e)
                    res = (res[0] + w, res[1] + cpu, res[2] or rc)
                return res
            out["cni-host-device"] = cni
    return out


def seq(argvs, netns=None):
    wall = cpu = 0.0
    rc = 0
    for a in argvs:
        w, c, r = timed(a, netns=netns)
        wall, cpu, rc = wall + w, cpu + c, rc or r
    return wall, cpu, rc


def measure(args, world, work, n_addrs, n_devs=1, only=None, crowds=()):
    """{peer: [(wall, cpu, delivered)]}; with `crowds` (HostNetns) every peer runs in the
    bench's netns and in each crowded one every round, and the crowded runs come back under
    "PEER" + its label."""
    devs = [(f"d{i}" if n_devs > 1 else "v0", f"c{i}") for i in range(n_devs)]
    ps = peers(args, world, work, devs)
    if only:
        ps = {k: v for k, v in ps.items() if k in only or k == "hook-base"}
    if args.peers:
        ps = {k: v for k, v in ps.items() if k in args.peers}
    hosts = [(None, "")] + [(c, c.label) for c in crowds]
    results = {k + label: [] for k in ps for _h, label in hosts}
    rounds = args.rounds if n_addrs < 1024 else max(3, args.rounds // 2)
    for _ in range(rounds):
        for name, run in ps.items():  # alternating: A B C ... every round
            for host, label in hosts:
                for h, _c in devs:
                    world.build_device(h, n_addrs, host=host)
                wall, cpu, rc = run(netns=host) if host else run()
                # floor-move moves only: its device arrives down and bare, by design.
                want = 0 if name == "floor-move" else n_addrs + 4
                ok = rc == 0 and all(world.delivered(c, want, up=want > 0) for _h, c in devs)
                results[name + label].append((wall, cpu, ok))
                world.clear([c for _h, c in devs])
                prefix = host.prefix() if host else ""
                for h, _c in devs:
                    sh(f"{prefix}ip link del {h} 2>/dev/null || true")
    return results


def summary(results):
    rows = {}
    for name, runs in results.items():
        walls = sorted(r[0] * 1000 for r in runs)
        cpus = sorted(r[1] * 1000 for r in runs)
        rows[name] = dict(wall=statistics.median(walls), wall_lo=walls[0], wall_hi=walls[-1],
                          cpu=statistics.median(cpus), ok=all(r[2] for r in runs), n=len(runs))
    return rows


def table(title, rows_by_case, floor="floor-full"):
    print(f"\n### {title}\n")
    print("| case | peer | wall ms (median) | wall min-max | CPU ms (median) | wall / floor-full"
          " | CPU / floor-full | delivered |")
    print("|---|---|---|---|---|---|---|---|")
    for case, rows in rows_by_case:
        f = rows.get(floor)
        for name, r in rows.items():
            wr = f"{r['wall'] / f['wall']:.2f}" if f else "-"
            cr = f"{r['cpu'] / f['cpu']:.2f}" if f and f["cpu"] > 0 else "-"
            print(f"| {case} | {name} | {r['wall']:.1f} | {r['wall_lo']:.1f}-{r['wall_hi']:.1f}"
                  f" | {r['cpu']:.2f} | {wr} | {cr} | {'yes' if r['ok'] else 'NO'} |")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(HERE, "..", "build"))
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--quick", action="store_true", help="hook and floors only, N=1 and 16")
    ap.add_argument("--sizes", default="", help="comma-separated N values (default 1,16,256,1024)")
    ap.add_argument("--peers", default="", help="comma-separated peers to run (default all)")
    ap.add_argument("--baseline-hook", default="",
                    help="another oci-netdev-hook binary, run as peer hook-base")
    ap.add_argument("--no-devices", action="store_true",
                    help="skip the several-devices section")
    ap.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    args.peers = set(p for p in args.peers.split(",") if p)
    if args.baseline_hook:
        args.baseline_hook = os.path.abspath(args.baseline_hook)
        if args.peers:
            args.peers.add("hook-base")
    if not args.inside:
        if os.geteuid() != 0:
            sys.exit("bench: run as root (it builds private network namespaces)")
        os.execvp("unshare", ["unshare", "--net", "--mount", "--propagation", "private", "--",
                              sys.executable, __file__, "--inside"] + sys.argv[1:])
    sh("ip link set lo up")
    # As on a node, whose host netns has its sysfs at /sys: mounted here (in the private mount
    # namespace) it is this netns's. The hook opens a sysfs of its netns for the guardrails
    # (docs/kernel-facts.md K16); with none mounted, each run made and dropped one (0.15 ms).
    sh("mount -t sysfs sysfs /sys")
    if os.path.exists("/dev/log"):  # the hook's audit lines stay out of the real system log
        sh("mount --bind /dev/null /dev/log")
    kernel = os.uname().release
    cpu_model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                      if l.startswith("model name")), "?")
    print(f"# oci-netdev-hook benchmark\n\nkernel {kernel}, {os.cpu_count()} x {cpu_model},"
          f" {args.rounds} rounds (fewer for N=1024), medians; CPU = user+sys of the process tree")
    with tempfile.TemporaryDirectory() as work:
        world = World(work)
        state_dir = os.path.join(work, "state")
        try:
            sizes = [1, 16] if args.quick else [1, 16, 256, 1024]
            if args.sizes:
                sizes = [int(x) for x in args.sizes.split(",")]
            by_n = [(f"N={n}+4 v6", summary(measure(args, world, work, n))) for n in sizes]
            table("One device, N IPv4 + 4 IPv6 permanent global addresses", by_n)

            # 1000 unrelated links beside the moved device (500 veth pairs), as on a busy
            # node: the same N=16 run in two more host netns holding them (down and bare; up
            # with a route each), alternating with the bench's own netns in the same rounds.
            crowds = []
            try:
                crowds.append(HostNetns(work, 1000, label="@down"))
                crowds.append(HostNetns(work, 1000, routed=True, label="@routed"))
                both = summary(measure(args, world, work, 16, only={"hook", "floor-full"},
                                       crowds=crowds))
            finally:
                for c in crowds:
                    c.close()
            by_world = {label: {k[:len(k) - len(label)]: r for k, r in both.items()
                                if k.endswith(label) and (label or "@" not in k)}
                        for label in ("", "@down", "@routed")}
            table("1000 extra links in the host netns (N=16), side by side with none",
                  [("N=16, no other links", by_world[""]),
                   ("N=16, 1000 links down", by_world["@down"]),
                   ("N=16, 1000 links up, routed", by_world["@routed"])])
            print()
            for label, what in (("@down", "1000 links down"), ("@routed", "1000 links routed")):
                for name in ("hook", "hook-base", "floor-full"):
                    crowded, alone = by_world[label].get(name), by_world[""].get(name)
                    if crowded and alone:
                        print(f"- {name}: CPU with {what} / without (same rounds):"
                              f" {crowded['cpu']:.2f} / {alone['cpu']:.2f} ms ="
                              f" {crowded['cpu'] / alone['cpu']:.2f}x")
            if args.no_devices:
                return

            per_dev = []
            for k in (1, 4, 16):
                per_dev.append((f"{k} device(s)", summary(
                    measure(args, world, work, 1, n_devs=k, only={"hook", "floor-move"}))))
            table("Several devices in one call (N=1 each)", per_dev, floor="floor-move")
            h = {c: r["hook"]["wall"] for c, r in per_dev}
            m = per_dev[0][1]["floor-move"]["wall"]
            print(f"\nper extra device (hook): 4 devices {(h['4 device(s)'] - h['1 device(s)']) / 3:.1f} ms,"
                  f" 16 devices {(h['16 device(s)'] - h['1 device(s)']) / 15:.1f} ms;"
                  f" one floor-move {m:.1f} ms")
        finally:
            world.close()
            if os.path.ismount(state_dir):
                sh(f"umount {state_dir}")


if __name__ == "__main__":
    main()
