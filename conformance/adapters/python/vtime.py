"""A CPython asyncio loop on virtual time, with real file descriptors and real threads.

It is the stock `asyncio.SelectorEventLoop` (so every rule under test is CPython's own
code) with two seams replaced, as CPython's `test_asyncio.utils.TestLoop` does:
- `time()` reads a VirtualClock;
- the selector is a real epoll selector whose `select(timeout)` decides when virtual time
  moves.

How `select(timeout)` combines real fds with virtual time (the only place time moves):
1. Poll the real fds with timeout 0. Anything ready: return it; time does not move.
2. `timeout == 0`: return nothing.
3. While a scenario thread is still running, wait *for real* on the fds (in 5 ms slices)
   without moving virtual time: the thread may be about to call `call_soon_threadsafe`
   (which writes to the loop's self-pipe, so the wait ends at once) or write to a pipe.
   So virtual time never jumps past work that another thread is about to deliver, and
   everything a thread does happens at the virtual instant the loop was waiting at.
   A thread's plain `call_soon` does not wake the wait: it is picked up when the thread
   finishes (or when virtual time next moves), as on a real loop (THR-02).
4. Poll once more (a finishing thread may have just written), then advance the clock by
   `timeout` and return nothing. With `timeout is None` and no thread running, nothing can
   ever happen: raise Stalled instead of blocking forever.

`VirtualClock.block(seconds)` is how a callback "takes time" (the `block` step): the clock
moves forward while the callback runs, so debug-mode slow-callback checks and timers that
fall due during a batch (ORD-10) behave as on a real clock, instantly.
"""

import asyncio
import selectors
import threading


class Stalled(Exception):
    """The loop would wait forever: no timers, no ready fds, no running threads."""


class VirtualClock:
    def __init__(self, start=0.0):
        self.now = float(start)

    def advance(self, seconds):
        if seconds > 0:
            self.now += seconds

    block = advance


class ThreadTracker:
    """Counts the scenario threads that are still running."""

    def __init__(self):
        self._lock = threading.Lock()
        self._running = 0

    def started(self):
        with self._lock:
            self._running += 1

    def finished(self):
        with self._lock:
            self._running -= 1

    def any_running(self):
        with self._lock:
            return self._running > 0


class VirtualTimeSelector(selectors.EpollSelector):
    SLICE = 0.005  # real seconds per wait while a thread runs

    def __init__(self, clock, threads):
        super().__init__()
        self.clock, self.threads = clock, threads

    def select(self, timeout=None):
        ready = super().select(0)
        if ready or (timeout is not None and timeout <= 0):
            return ready
        while self.threads.any_running():
            ready = super().select(self.SLICE)
            if ready:
                return ready
        ready = super().select(0)
        if ready:
            return ready
        if timeout is None:
            raise Stalled('the loop would block forever: nothing is scheduled, no fd is '
                          'ready and no thread is running')
        self.clock.advance(timeout)
        return []


class VirtualTimeLoop(asyncio.SelectorEventLoop):
    def __init__(self, clock=None, threads=None):
        self.clock = clock or VirtualClock()
        self.threads = threads or ThreadTracker()
        self.iterations = 0  # _run_once calls (language 1.1: observe iterations)
        super().__init__(VirtualTimeSelector(self.clock, self.threads))

    def _run_once(self):
        self.iterations += 1
        super()._run_once()

    def time(self):
        return self.clock.now
