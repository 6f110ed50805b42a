#!/usr/bin/python3
"""The comparative workloads on CPython asyncio or uvloop (run with Debian's /usr/bin/python3).

    peer_asyncio.py --loop asyncio|uvloop <workload> [--n N] [--seed S]

Prints one JSON line. Runs the workload twice at n on one event loop: a cold run (reported as
cold_seconds), then the measured run. Exit status: 0 measured and verified, 1 verification failed, 2 usage error.
See reports/bench/README.md.
"""
import argparse
import asyncio
import json
import random
import sys
import threading
import time

REARMS = 10
IDLE_TIMEOUT = 0.010


class Failed(Exception):
    pass


def check(ok, what, got, want):
    if not ok:
        raise Failed(f"{what}: got {got}, expected {want}")


def call_soon_batch(loop, n, seed):
    count = 0

    def cb():
        nonlocal count
        count += 1

    t0 = time.perf_counter()
    call_soon = loop.call_soon
    for _ in range(n):
        call_soon(cb)
    loop.stop()
    loop.run_forever()
    s = time.perf_counter() - t0
    check(count == n, "callbacks run", count, n)
    return n, s


def call_soon_chain(loop, n, seed):
    count = 0

    def step():
        nonlocal count
        count += 1
        if count < n:
            loop.call_soon(step)
        else:
            loop.stop()

    t0 = time.perf_counter()
    loop.call_soon(step)
    loop.run_forever()
    s = time.perf_counter() - t0
    check(count == n, "callbacks run", count, n)
    return n, s


def timers(loop, n, seed):
    rng = random.Random(seed)
    fired = wrong = 0

    def cb(i):
        nonlocal fired, wrong
        if i % 2 == 0:
            wrong += 1
        fired += 1

    t0 = time.perf_counter()
    call_later, uniform = loop.call_later, rng.random
    to_cancel = []
    for i in range(n):
        h = call_later(uniform() * 0.010, cb, i)
        if i % 2 == 0:
            to_cancel.append(h)
    for h in to_cancel:
        h.cancel()
    del to_cancel, h
    # Every live timer is due before this one: run_forever returns once all have run.
    loop.call_later(0.010, loop.stop)
    loop.run_forever()
    s = time.perf_counter() - t0
    check(wrong == 0, "cancelled timers that fired", wrong, 0)
    check(fired == n // 2, "timers fired", fired, n // 2)
    return n, s


def timer_churn(loop, n, seed):
    fired = stale = 0

    def cb(gen):
        nonlocal fired, stale
        if gen != REARMS:
            stale += 1
        fired += 1

    t0 = time.perf_counter()
    call_later = loop.call_later
    timeouts = [call_later(IDLE_TIMEOUT, cb, 0) for _ in range(n)]
    for gen in range(1, REARMS + 1):
        for i in range(n):
            timeouts[i].cancel()
            timeouts[i] = call_later(IDLE_TIMEOUT, cb, gen)
    loop.call_later(IDLE_TIMEOUT, loop.stop)
    loop.run_forever()
    s = time.perf_counter() - t0
    check(stale == 0, "cancelled arms that fired", stale, 0)
    check(fired == n, "timeouts fired", fired, n)
    return n * REARMS, s


def cross_thread(loop, n, seed):
    count = 0

    def cb():
        nonlocal count
        count += 1
        if count == n:
            loop.stop()

    def producer():
        call_soon_threadsafe = loop.call_soon_threadsafe
        for _ in range(n):
            call_soon_threadsafe(cb)

    t0 = time.perf_counter()
    thread = threading.Thread(target=producer)
    thread.start()
    loop.run_forever()
    s = time.perf_counter() - t0
    thread.join()
    check(count == n, "callbacks run", count, n)
    return n, s


def task_spawn(loop, n, seed):
    count = 0

    async def trivial():
        nonlocal count
        count += 1
        if count == n:
            loop.stop()

    t0 = time.perf_counter()
    create_task = loop.create_task
    tasks = [create_task(trivial()) for _ in range(n)]
    loop.run_forever()
    s = time.perf_counter() - t0
    check(count == n, "coroutines finished", count, n)
    done = sum(t.done() for t in tasks)
    check(done == n, "tasks done", done, n)
    return n, s


def task_pingpong(loop, n, seed):
    rounds = (n + 1) // 2
    handoffs = wrong = 0
    to_pong = loop.create_future()
    to_ping = None

    async def pinger():
        nonlocal to_ping, handoffs, wrong
        for i in range(rounds):
            to_ping = loop.create_future()
            to_pong.set_result(i)
            v = await to_ping
            handoffs += 1
            wrong += v != i

    async def ponger():
        nonlocal to_pong, handoffs
        for _ in range(rounds):
            v = await to_pong
            handoffs += 1
            to_pong = loop.create_future()
            to_ping.set_result(v)

    async def main():
        await asyncio.gather(loop.create_task(pinger()), loop.create_task(ponger()))

    t0 = time.perf_counter()
    loop.run_until_complete(main())
    s = time.perf_counter() - t0
    check(wrong == 0, "values out of order", wrong, 0)
    check(handoffs == 2 * rounds, "hand-offs", handoffs, 2 * rounds)
    return 2 * rounds, s


WORKLOADS = {
    "call_soon_batch": (call_soon_batch, "call_soon x n, then one iteration"),
    "call_soon_chain": (call_soon_chain, ""),
    "timers": (timers, "call_later; TimerHandle.cancel"),
    "timer_churn": (timer_churn, "TimerHandle.cancel + call_later"),
    "cross_thread": (cross_thread, "call_soon_threadsafe from one threading.Thread"),
    "task_spawn": (task_spawn, "loop.create_task(coro()) x n"),
    "task_pingpong": (task_pingpong, "two tasks; a new Future per hand-off"),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loop", choices=["asyncio", "uvloop"], required=True)
    ap.add_argument("workload", choices=sorted(WORKLOADS))
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.n <= 0:
        ap.error("--n must be > 0")
    if args.loop == "uvloop":
        import uvloop

        new_loop = uvloop.new_event_loop
    else:
        new_loop = asyncio.new_event_loop
    fn, note = WORKLOADS[args.workload]
    line = {"workload": args.workload, "implementation": args.loop}
    loop = new_loop()
    asyncio.set_event_loop(loop)
    try:
        _, cold_seconds = fn(loop, args.n, args.seed)
        items, seconds = fn(loop, args.n, args.seed)
    except Failed as e:
        line.update(status="failed", error=str(e))
        print(json.dumps(line), flush=True)
        print(f"{args.loop} {args.workload}: FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        asyncio.set_event_loop(None)
        loop.close()
    line.update(status="ok", n=args.n, items=items, seconds=seconds,
                items_per_second=items / seconds, cold_seconds=cold_seconds, note=note)
    print(json.dumps(line))
    return 0


if __name__ == "__main__":
    sys.exit(main())
