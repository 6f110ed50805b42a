"""Run one validated scenario against an asyncio-compatible loop and collect its trace.

The meaning of every step is in scenarios/README.md; this file is the Python binding of
it. Rules of execution that every interpreter shares:
- Top-level program and thread bodies: an exception escaping a step is traced as an
  `error` event (with the op name) and the next step runs.
- Callback `do` lists: an exception escaping a step leaves the callback, so the loop sees
  it (exception handler, or out of run_forever for SystemExit/KeyboardInterrupt).
- Task bodies: an exception escaping a step ends the coroutine with it.
- Problems of the scenario itself found while running (an id used before the step that
  creates it ran) and a loop that would block forever end the run with a status, not an
  event; they never reach the loop under test as exceptions.
"""

import asyncio
import contextvars
import gc
import logging
import os
import threading
import time

import model
from ops import Ops, Abort, PY_ERRORS, THREAD_JOIN_TIMEOUT, error_json, scalar
import vtime


class _Return(BaseException):
    def __init__(self, value):
        super().__init__()
        self.value = value


_INTERNAL = (Abort, _Return, vtime.Stalled)


class Trace:
    def __init__(self, clock):
        self.events, self._clock, self._lock, self.open = [], clock, threading.Lock(), True

    def emit(self, kind, **fields):
        with self._lock:
            if self.open:
                event = {'kind': kind}
                event.update(fields)
                event['t'] = round(self._clock(), 9)
                self.events.append(event)


class _LogCapture(logging.Handler):
    def __init__(self, trace):
        super().__init__(logging.WARNING)
        self.trace = trace

    def emit(self, record):
        self.trace.emit('log', level=record.levelname, message=record.getMessage())


class Run(Ops):
    """One scenario on one fresh loop. `impl` is 'asyncio' (virtual time) or 'uvloop'."""

    def __init__(self, scenario, impl):
        self.sc, self.impl = scenario, impl
        if impl == 'asyncio':
            self.loop = vtime.VirtualTimeLoop()
            self.tracker = self.loop.threads
        else:
            import uvloop
            self.loop = uvloop.new_event_loop()
            self.tracker = vtime.ThreadTracker()
        self.t0 = self.loop.time()
        self.trace = Trace(lambda: self.loop.time() - self.t0)
        self.objs, self.kinds, self.callbacks, self.threads = {}, {}, {}, []
        # Every task a body runs in (run_until_complete's too, which the program has no id
        # for): objects live to the end of the scenario (README section 3), so none is
        # collected mid-run, whatever the implementation's garbage collection does.
        self.body_tasks = []
        self.handler_mode = None
        self.factory_mode = None
        self.var = contextvars.ContextVar('var', default=None)  # 1.1: set_var, observe var
        self.fatal = None

    # -- driving -------------------------------------------------------------------------

    def execute(self):
        """Returns (status, error message or None). Trace and final state are attributes."""
        logger = logging.getLogger('asyncio')
        capture, propagate = _LogCapture(self.trace), logger.propagate
        logger.addHandler(capture)
        logger.propagate = False
        try:
            self.top_steps(self.sc['program'])
            return 'done', None
        except Abort as e:
            return e.status, e.message
        except vtime.Stalled as e:
            return 'stalled', str(e)
        finally:
            self.final = {'running': self.loop.is_running(), 'closed': self.loop.is_closed()}
            self.trace.open = False
            logger.removeHandler(capture)
            logger.propagate = propagate
            self.cleanup()

    def top_steps(self, steps):
        for st in steps:
            try:
                self.step(st)
            except _INTERNAL:
                raise
            except BaseException as e:  # noqa: B036 -- the whole point: trace it
                self.trace.emit('error', step=st['op'], **error_json(e))
            if self.fatal:
                raise self.fatal

    def fail(self, exc):
        """An internal abort inside a callback, task or thread: remember it, stop the loop."""
        if not isinstance(exc, Abort):
            exc = Abort('stalled', str(exc))
        if self.fatal is None:
            self.fatal = exc
        if not self.loop.is_closed():
            self.loop.stop()

    def cleanup(self):
        if not self.loop.is_closed():
            self.loop.set_exception_handler(lambda loop, context: None)
        for th in self.threads:
            th.join(THREAD_JOIN_TIMEOUT)
        if not self.loop.is_closed() and not self.loop.is_running():
            self.loop.close()
        for kind, obj in ((self.kinds[k], self.objs[k]) for k in self.objs):
            if kind == model.PIPE:
                for fd in obj.values():
                    os.close(fd)
            elif kind == model.SOCKETPAIR:
                for s in obj.values():
                    s.close()
        self.objs.clear()
        # Collect this run's garbage now: a task left pending at close() logs "Task was
        # destroyed but it is pending!" when collected, and that must not land in the trace
        # of whichever scenario runs next in this process.
        gc.collect()

    # -- steps -------------------------------------------------------------------------

    def steps(self, steps, exc=None):
        for st in steps:
            self.step(st, exc)

    def callback(self, steps):
        def callback(*_args):
            try:
                self.steps(steps)
            except _INTERNAL as e:
                self.fail(e)
        return callback

    def get(self, ident):
        if ident not in self.objs:
            raise Abort('invalid', f'{ident!r} is used before the step that creates it ran')
        return self.objs[ident]

    def put(self, ident, kind, obj):
        if ident is not None:
            self.objs[ident], self.kinds[ident] = obj, kind

    def fd(self, ref):
        obj, end = model.parse_fd(ref)
        ends = self.get(obj)
        return ends[end] if self.kinds[obj] == model.PIPE else ends[end].fileno()

    def result(self, st, value):
        if 'as' in st:
            self.trace.emit('value', name=st['as'], value=scalar(value))

    async def task_body(self, steps):
        self.body_tasks.append(asyncio.current_task())
        try:
            await self.steps_async(steps)
        except _Return as r:
            return r.value
        except (Abort, vtime.Stalled) as e:
            self.fail(e)
        return None

    async def steps_async(self, steps, exc=None):
        for st in steps:
            op = st['op']
            if op == 'await':
                self.result(st, await self.get(st['target']))
            elif op == 'sleep':
                await asyncio.sleep(st['delay'])
            elif op == 'return':
                raise _Return(st.get('value'))
            elif op == 'try':
                await self.try_async(st, exc)
            elif op == 'repeat':
                for _ in range(st['times']):
                    await self.steps_async(st['do'], exc)
            elif op == 'shutdown_default_executor':
                # The helper thread that shuts the executor down is work in flight: virtual
                # time waits for it as for a scenario thread.
                self.tracker.started()
                try:
                    await self.loop.shutdown_default_executor()
                finally:
                    self.tracker.finished()
            else:
                self.step(st, exc)

    def _handler_for(self, st, e):
        if isinstance(e, _INTERNAL):
            return None
        for clause in st.get('except', []):
            if any(isinstance(e, PY_ERRORS[t]) for t in clause['type']):
                self.trace.emit('caught', **error_json(e))
                return clause
        return None

    def try_sync(self, st, outer_exc):
        try:
            self.steps(st['do'], outer_exc)
        except BaseException as e:
            clause = self._handler_for(st, e)
            if clause is None:
                raise
            self.steps(clause['do'], e)
        finally:
            self.steps(st.get('finally', []), outer_exc)

    async def try_async(self, st, outer_exc):
        try:
            await self.steps_async(st['do'], outer_exc)
        except BaseException as e:
            clause = self._handler_for(st, e)
            if clause is None:
                raise
            await self.steps_async(clause['do'], e)
        finally:
            await self.steps_async(st.get('finally', []), outer_exc)

    def run_in_executor(self, st):
        """run_in_executor(None, work): `work` runs the steps of `do` on a worker thread and
        returns `value`; an exception escaping a step ends it, so the future's exception.
        The work counts as a running scenario thread until its future is done, so virtual
        time does not jump past the result it is about to deliver."""
        def work():
            try:
                self.steps(st['do'])
            except _INTERNAL as e:
                self.fail(e)
                return None
            return st.get('value')
        self.tracker.started()
        try:
            fut = self.loop.run_in_executor(None, work)
        except BaseException:
            self.tracker.finished()
            raise
        fut.add_done_callback(lambda _: self.tracker.finished())
        self.put(st['id'], model.FUTURE, fut)

    def start_thread(self, st):
        def main():
            try:
                if st.get('delay'):
                    time.sleep(st['delay'])
                self.top_steps(st['do'])
            except _INTERNAL as e:
                self.fail(e)
            finally:
                self.tracker.finished()
        th = threading.Thread(target=main, name=f'scenario-{st["id"]}', daemon=True)
        self.put(st['id'], model.THREAD, th)
        self.threads.append(th)
        self.tracker.started()
        th.start()


def run_scenario(scenario, impl):
    """Run a normalized scenario; returns the protocol `result` fields (without op/seq)."""
    run = Run(scenario, impl)
    status, message = run.execute()
    out = {'status': status, 'trace': run.trace.events, 'final': run.final}
    if message:
        out['error'] = {'message': message}
    return out


__all__ = ['run_scenario', 'Run']
