#!/usr/bin/python3
"""Comparative benchmark of aio against libuv, Boost.Asio, asyncio and uvloop (issue 6).

Builds the bench programs (CMake preset "default"), runs every workload on every
implementation in turns (A B C A B C ...) for several rounds, and writes
reports/bench/results.json and results.md. Stdlib only; run with Debian's /usr/bin/python3.

    bench/run.py                       full run (about 4 minutes)
    bench/run.py --quick               CI smoke: 2 rounds, n / 10
    bench/run.py --workloads timers,timer_churn --impls aio,libuv
    bench/run.py --smoke --build-dir build/default   each program once, tiny n (ctest bench_smoke)
"""
import argparse
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = "/usr/bin/python3"  # Debian's, with python3-uvloop
IMPLS = ["aio", "floor", "asio", "libuv", "asyncio", "uvloop"]
PEERS = ["asio", "libuv", "asyncio", "uvloop", "floor"]
PY_IMPLS = {"asyncio", "uvloop"}


class W:
    """A workload: its n natively and for the Python peers (which are 10-100x slower: their n is
    the same where a run stays short, smaller elsewhere; rates are compared, not times)."""

    def __init__(self, name, title, item, n, py_n, impls):
        self.name, self.title, self.item, self.n, self.py_n, self.impls = name, title, item, n, py_n, impls

    def n_for(self, impl, scale=1.0):
        return max(2, int((self.py_n if impl in PY_IMPLS else self.n) * scale))


ALL = ["aio", "asio", "libuv", "asyncio", "uvloop"]
WORKLOADS = [
    W("call_soon_batch", "1. call_soon batch (and 7. the floor)", "callbacks", 1_000_000, 1_000_000,
      ["aio", "floor"] + ALL[1:]),
    W("call_soon_chain", "2. call_soon chain", "callbacks", 10_000_000, 1_000_000, ALL),
    W("timers", "3. Timers: random delays within 10 ms, half cancelled", "timers",
      1_000_000, 200_000, ALL),
    W("timer_churn", "4. Timer churn: n live 10 ms timeouts, each cancelled and re-armed 10 times",
      "re-arms", 100_000, 20_000, ALL),
    W("cross_thread", "5. Cross-thread: another thread submits n callbacks", "callbacks",
      1_000_000, 100_000, ALL),
    W("task_spawn", "6a. Tasks: create, run and finish n trivial coroutine tasks", "tasks",
      1_000_000, 200_000, ALL),
    W("task_pingpong", "6b. Tasks: n hand-offs between two tasks through futures", "hand-offs",
      1_000_000, 200_000, ALL),
    W("sim_timers", "8. Virtual time: n timers over 24 simulated hours (aio::sim)", "timers",
      100_000, None, ["aio"]),
]
BY_NAME = {w.name: w for w in WORKLOADS}
# Where a program may answer "n/a" (the smoke test accepts it; anything else must run).
MAY_BE_NA = {("libuv", "task_spawn"), ("libuv", "task_pingpong"),
             ("aio", "task_spawn"), ("aio", "task_pingpong")}  # aio tasks: in progress

# Targets of issue 6: aio's median rate over the peer's (ratio) must reach `need`.
TARGETS = [
    ("call_soon_batch", "asio", 3.0, "call_soon batch >= 3x Boost.Asio's post"),
    ("call_soon_batch", "asyncio", 100.0, "call_soon batch >= 100x CPython asyncio"),
    ("call_soon_batch", "floor", 1 / 3, "call_soon batch within 3x of the floor"),
    ("timers", "libuv", 5.0, "Timers >= 5x libuv"),
    ("timer_churn", "libuv", 3.0, "Timer churn >= 3x libuv"),
    ("cross_thread", "asio", 1.0, "Cross-thread >= Boost.Asio's rate"),
    ("task_pingpong", "uvloop", 20.0, "Task ping-pong >= 20x uvloop"),
]
SIM_TARGET = "Simulator: 24 simulated hours of the timer workload in under one wall second"


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, text=True, capture_output=True, **kw)


# ---- building and finding the programs ----

def read_peers(build_dir):
    """{impl: program path or None}, {impl: why skipped}, from bench/peers.txt (CMake)."""
    found, skipped = {}, {}
    text = (build_dir / "bench" / "peers.txt").read_text()
    for line in text.splitlines():
        impl, target, *why = line.split("\t")
        if target == "-":
            skipped[impl] = why[0] if why else "not built"
        else:
            found[impl] = build_dir / "bench" / target
    if not Path(PYTHON).exists():
        skipped["asyncio"] = skipped["uvloop"] = f"{PYTHON} not found"
    else:
        found["asyncio"] = found["uvloop"] = ROOT / "bench" / "peer_asyncio.py"
        if sh([PYTHON, "-c", "import uvloop"]).returncode != 0:
            del found["uvloop"]
            skipped["uvloop"] = "uvloop not importable by /usr/bin/python3 (Debian: python3-uvloop)"
    return found, skipped


def build(build_dir):
    if not (build_dir / "build.ninja").exists() or not (build_dir / "bench" / "peers.txt").exists():
        if build_dir.resolve() != (ROOT / "build" / "default").resolve():
            sys.exit(f"run.py: {build_dir} is not configured")
        log("run.py: cmake --preset default")
        r = sh(["cmake", "--preset", "default"], cwd=ROOT)
        if r.returncode != 0:
            sys.exit(r.stdout + r.stderr)
    found, _ = read_peers(build_dir)
    targets = [p.name for impl, p in found.items() if impl not in PY_IMPLS]
    log(f"run.py: building {' '.join(targets)}")
    r = sh(["cmake", "--build", str(build_dir), "--target", *targets])
    if r.returncode != 0:
        sys.exit(r.stdout + r.stderr)


def command(found, impl, workload, n):
    if impl in PY_IMPLS:
        return [PYTHON, str(found[impl]), "--loop", impl, workload, "--n", str(n)]
    return [str(found[impl]), workload, "--n", str(n)]


def run_one(found, impl, workload, n, timeout=300):
    """Runs one invocation; returns its JSON line (a dict), with status 'failed' on any error."""
    cmd = command(found, impl, workload, n)
    try:
        r = sh(cmd, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "failed", "error": f"timed out after {timeout} s: {' '.join(cmd)}"}
    lines = [l for l in r.stdout.splitlines() if l.strip()]
    try:
        out = json.loads(lines[-1]) if len(lines) == 1 else None
    except json.JSONDecodeError:
        out = None
    if out is None:
        return {"status": "failed", "error": f"expected one JSON line, got {r.stdout!r}; "
                f"exit {r.returncode}; stderr: {r.stderr.strip()[-500:]}"}
    if r.returncode != 0 and out.get("status") != "failed":
        out = {"status": "failed", "error": f"exit {r.returncode}: {r.stderr.strip()[-500:]}"}
    if out.get("status") == "failed" and "error" not in out:
        out["error"] = r.stderr.strip()[-500:]
    return out


# ---- smoke test ----

def smoke(build_dir):
    found, skipped = read_peers(build_dir)
    errors = []
    for impl, why in skipped.items():
        print(f"skip {impl}: {why}")
    for w in WORKLOADS:
        for impl in w.impls:
            if impl not in found:
                continue
            n = max(2, w.n_for(impl) // 1000)
            out = run_one(found, impl, w.name, n, timeout=60)
            status = out.get("status")
            problems = []
            if status == "failed":
                problems.append(out.get("error", "failed"))
            elif out.get("workload") != w.name or out.get("implementation") != impl:
                problems.append(f"wrong workload/implementation in {out}")
            elif status == "n/a":
                if (impl, w.name) not in MAY_BE_NA:
                    problems.append("answered n/a")
            elif status != "ok":
                problems.append(f"unknown status {status!r}")
            else:
                for key in ("n", "items", "seconds", "items_per_second", "cold_seconds"):
                    if not isinstance(out.get(key), (int, float)) or out[key] <= 0:
                        problems.append(f"bad {key}: {out.get(key)!r}")
                if out.get("n") != n:
                    problems.append(f"n is {out.get('n')}, asked {n}")
                if not isinstance(out.get("note"), str):
                    problems.append("no note")
            print(f"{'FAIL' if problems else 'ok  '} {impl:8} {w.name:16} n={n:<6} {status}"
                  + (": " + "; ".join(problems) if problems else ""))
            errors += [f"{impl} {w.name}: {p}" for p in problems]
    if errors:
        print(f"{len(errors)} problem(s)")
        return 1
    return 0


# ---- the run ----

def summarize(values):
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def measure(found, workloads, impls, rounds, scale):
    results = []
    for w in workloads:
        chosen = [i for i in w.impls if i in impls and i in found]
        runs = {i: [] for i in chosen}
        status = {i: "ok" for i in chosen}
        info = {i: {} for i in chosen}
        for r in range(rounds):
            order = chosen[r % len(chosen):] + chosen[:r % len(chosen)] if chosen else []
            for impl in order:
                if status[impl] != "ok":
                    continue
                out = run_one(found, impl, w.name, w.n_for(impl, scale))
                if out["status"] != "ok":
                    status[impl] = out["status"]
                    info[impl] = out
                    log(f"  {w.name:16} {impl:8} {out['status']}: {out.get('error') or out.get('note')}")
                    continue
                info[impl] = out
                runs[impl].append({k: out[k] for k in out if k in (
                    "seconds", "items_per_second", "cold_seconds", "sim_seconds",
                    "sim_seconds_per_second")})
                log(f"  {w.name:16} round {r + 1}/{rounds} {impl:8} {human(out['items_per_second'])}"
                    f" {w.item}/s")
        entries = []
        for impl in chosen:
            e = {"implementation": impl, "status": status[impl],
                 "n": info[impl].get("n", w.n_for(impl, scale)),
                 "note": info[impl].get("note", ""), "runs": runs[impl]}
            if status[impl] == "failed":
                e["error"] = info[impl].get("error", "")
            if status[impl] == "ok" and runs[impl]:
                e["items"] = info[impl]["items"]
                for key in ("seconds", "items_per_second", "cold_seconds", "sim_seconds_per_second"):
                    if key in runs[impl][0]:
                        e[key] = summarize([x[key] for x in runs[impl]])
            entries.append(e)
        aio = next((e for e in entries if e["implementation"] == "aio" and "items_per_second" in e), None)
        for e in entries:
            if aio is None or "items_per_second" not in e:
                e["ratio_to_aio"] = None
                continue
            paired = [a["items_per_second"] / b["items_per_second"]
                      for a, b in zip(aio["runs"], e["runs"])]
            e["ratio_to_aio"] = {"median": aio["items_per_second"]["median"] / e["items_per_second"]["median"],
                                 "min": min(paired), "max": max(paired)}
        results.append({"name": w.name, "title": w.title, "item": w.item, "results": entries})
    return results


def evaluate_targets(results):
    by = {(w["name"], e["implementation"]): e for w in results for e in w["results"]}
    targets = []
    for workload, peer, need, text in TARGETS:
        e = by.get((workload, peer))
        ratio = e and e.get("ratio_to_aio")
        measured = ratio["median"] if ratio else None
        targets.append({"target": text, "workload": workload, "against": peer, "kind": "ratio",
                        "required": need, "measured": measured,
                        "status": "not measured" if measured is None else
                        ("met" if measured >= need else "missed")})
    e = by.get(("sim_timers", "aio"))
    wall = e["seconds"]["median"] if e and "seconds" in e else None
    targets.append({"target": SIM_TARGET, "workload": "sim_timers", "against": None,
                    "kind": "wall_seconds_max", "required": 1.0, "measured": wall,
                    "status": "not measured" if wall is None else ("met" if wall < 1.0 else "missed")})
    return targets


# ---- machine information ----

def machine_info(build_dir):
    def first(cmd):
        try:
            r = sh(cmd)
            return (r.stdout or r.stderr).strip().splitlines()[0] if r.returncode == 0 else None
        except (OSError, IndexError):
            return None

    cpu = None
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = None
    try:
        kb = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")))
        mem = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration, ValueError):
        pass
    osname = None
    try:
        osname = re.search(r'PRETTY_NAME="([^"]*)"', Path("/etc/os-release").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    boost = None
    try:
        v = int(re.search(r"#define BOOST_VERSION (\d+)", Path("/usr/include/boost/version.hpp").read_text()).group(1))
        boost = f"{v // 100000}.{v // 100 % 1000}.{v % 100}"
    except (OSError, AttributeError):
        pass
    build_type = None
    try:
        build_type = re.search(r"CMAKE_BUILD_TYPE:STRING=(.*)", (build_dir / "CMakeCache.txt").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": mem, "os": osname,
        "kernel": platform.release(), "compiler": first(["g++", "--version"]), "build_type": build_type,
        "libuv": first(["pkg-config", "--modversion", "libuv"]), "boost": boost,
        "python": first([PYTHON, "-c", "import sys; print(sys.version.split()[0])"]),
        "uvloop": first([PYTHON, "-c", "import uvloop; print(uvloop.__version__)"]),
        "loadavg_start": os.getloadavg()[0],
    }


def git_info():
    commit = sh(["git", "rev-parse", "HEAD"], cwd=ROOT).stdout.strip() or None
    branch = sh(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=ROOT).stdout.strip() or None
    dirty = bool(sh(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT).stdout.strip())
    return {"commit": commit, "branch": branch, "dirty": dirty}


# ---- reports ----

def human(x):
    for unit, div in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(x) >= div:
            return f"{x / div:.3g}{unit}"
    return f"{x:.3g}"


def fmt_ratio(r):
    if r is None:
        return "–"
    return f"{r:.2f}x" if r < 10 else f"{r:.0f}x"


def markdown(report):
    m, cfg = report["machine"], report["config"]
    out = ["# aio against its peers: comparative benchmark", ""]
    if cfg["quick"]:
        out += ["**Quick run** (2 rounds, n / 10): a smoke check, not a measurement to compare.", ""]
    out += [
        f"- Date: {report['date']}; commit `{(report['git']['commit'] or '?')[:12]}`"
        f"{' (dirty)' if report['git']['dirty'] else ''} on `{report['git']['branch']}`",
        f"- Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; {m['os']}, Linux {m['kernel']};"
        f" load average {m['loadavg_start']:.2f} at start, {m['loadavg_end']:.2f} at end",
        f"- Builds: {m['compiler']}, {m['build_type']}; libuv {m['libuv']}, Boost {m['boost']}, "
        f"Python {m['python']}, uvloop {m['uvloop']}",
        f"- {cfg['rounds']} rounds, implementations interleaved per workload (A B C A B C ...); each "
        "invocation runs the workload twice on one loop and reports the second (warm) run; "
        f"wall time {cfg['wall_seconds']:.0f} s",
        "- rate: items per second, median of the rounds (min-max). ratio: aio's median rate / "
        "the implementation's median rate (above 1: aio is faster); in brackets, the range of the "
        "per-round ratios. Python peers run a smaller n where a full one takes too long (column n): "
        "compare rates, not times.",
        "",
    ]
    if report["skipped"]:
        out += ["Skipped: " + "; ".join(f"{k} ({v})" for k, v in report["skipped"].items()), ""]
    out += ["## Targets", "", "| Target | Required | Measured | Status |", "|---|---|---|---|"]
    for t in report["targets"]:
        if t["kind"] == "ratio":
            req = f">= {t['required']:.2f}x" if t["required"] < 1 else f">= {t['required']:g}x"
            meas = fmt_ratio(t["measured"])
        else:
            req = f"< {t['required']:g} s"
            meas = "–" if t["measured"] is None else f"{t['measured']:.3f} s"
        quick = " (quick run: smaller n)" if cfg["quick"] and t["measured"] is not None else ""
        out.append(f"| {t['target']} | {req} | {meas} | {t['status']}{quick} |")
    peers = [p for p in PEERS if any(e["implementation"] == p for w in report["workloads"] for e in w["results"])]
    out += ["", "## Ratios (aio rate / peer rate)", "",
            "| Workload | " + " | ".join(peers) + " |", "|---|" + "---|" * len(peers)]
    for w in report["workloads"]:
        by = {e["implementation"]: e for e in w["results"]}
        cells = []
        for p in peers:
            e = by.get(p)
            cells.append("" if e is None else e["status"] if e["status"] != "ok" else fmt_ratio((e.get("ratio_to_aio") or {}).get("median")))
        if w["name"] != "sim_timers":
            out.append(f"| {w['name']} | " + " | ".join(cells) + " |")
    out += ["", "## Results", ""]
    for w in report["workloads"]:
        out += [f"### {w['title']}", "",
                f"| Implementation | n | {w['item']}/s (median) | min-max | seconds (median) | cold run s | ratio | note |",
                "|---|---|---|---|---|---|---|---|"]
        for e in w["results"]:
            if e["status"] != "ok" or "items_per_second" not in e:
                out.append(f"| {e['implementation']} | | {e['status']} | | | | | {e.get('error') or e['note']} |")
                continue
            r, s, ratio = e["items_per_second"], e["seconds"], e.get("ratio_to_aio")
            rs = "–" if not ratio else f"{fmt_ratio(ratio['median'])} [{ratio['min']:.2f}-{ratio['max']:.2f}]"
            out.append(f"| {e['implementation']} | {e['n']:,} | {human(r['median'])} | {human(r['min'])}-{human(r['max'])} "
                       f"| {s['median']:.4f} | {e['cold_seconds']['median']:.4f} | {rs} | {e['note']} |")
            if "sim_seconds_per_second" in e:
                q = e["sim_seconds_per_second"]
                out += ["", f"Simulated seconds per wall second: {human(q['median'])} (min {human(q['min'])}, "
                        f"max {human(q['max'])}); 24 simulated hours took {s['median']:.3f} s "
                        f"(max {s['max']:.3f} s) of wall time."]
        out.append("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 rounds, n / 10 (CI smoke)")
    ap.add_argument("--rounds", type=int, help="rounds (default 5; 2 with --quick)")
    ap.add_argument("--workloads", help="comma-separated: " + ",".join(BY_NAME))
    ap.add_argument("--impls", help="comma-separated: " + ",".join(IMPLS) + " (aio is always run)")
    ap.add_argument("--build-dir", type=Path, default=ROOT / "build" / "default")
    ap.add_argument("--out", type=Path, default=ROOT / "reports" / "bench")
    ap.add_argument("--no-build", action="store_true", help="use the programs as they are")
    ap.add_argument("--smoke", action="store_true", help="each program once with a tiny n; no report")
    args = ap.parse_args()
    build_dir = args.build_dir.resolve()
    if args.smoke:
        return smoke(build_dir)

    workloads = WORKLOADS
    if args.workloads:
        names = args.workloads.split(",")
        unknown = [n for n in names if n not in BY_NAME]
        if unknown:
            ap.error(f"unknown workload(s): {', '.join(unknown)}")
        workloads = [BY_NAME[n] for n in names]
    impls = set(IMPLS)
    if args.impls:
        impls = set(args.impls.split(",")) | {"aio"}
        if impls - set(IMPLS):
            ap.error(f"unknown implementation(s): {', '.join(impls - set(IMPLS))}")
    rounds = args.rounds or (2 if args.quick else 5)
    scale = 0.1 if args.quick else 1.0

    if not args.no_build:
        build(build_dir)
    found, skipped = read_peers(build_dir)
    for impl, why in skipped.items():
        log(f"run.py: skipping {impl}: {why}")
    machine = machine_info(build_dir)
    started = datetime.datetime.now(datetime.timezone.utc)
    results = measure(found, workloads, impls, rounds, scale)
    machine["loadavg_end"] = os.getloadavg()[0]
    report = {
        "schema": 1,
        "date": started.isoformat(timespec="seconds"),
        "git": git_info(),
        "machine": machine,
        "config": {"rounds": rounds, "quick": args.quick, "scale": scale,
                   "wall_seconds": (datetime.datetime.now(datetime.timezone.utc) - started).total_seconds()},
        "skipped": {k: v for k, v in skipped.items() if k in impls},
        "workloads": results,
        "targets": evaluate_targets(results),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(report, indent=1) + "\n")
    md = markdown(report)
    (args.out / "results.md").write_text(md + "\n")
    print(md)
    failed = [f"{w['name']}/{e['implementation']}" for w in results for e in w["results"] if e["status"] == "failed"]
    if failed:
        log(f"run.py: FAILED: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
