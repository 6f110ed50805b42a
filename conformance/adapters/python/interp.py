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
import inspect
import logging
import os
import socket
import threading
import time

import model
from model import ScenarioError
import vtime

PY_ERRORS = {
    'BaseException': BaseException, 'SystemExit': SystemExit,
    'KeyboardInterrupt': KeyboardInterrupt, 'CancelledError': asyncio.CancelledError,
    'Exception': Exception, 'RuntimeError': RuntimeError, 'ValueError': ValueError,
    'TypeError': TypeError, 'ZeroDivisionError': ZeroDivisionError,
    'InvalidStateError': asyncio.InvalidStateError, 'OSError': OSError,
    'TimeoutError': TimeoutError, 'BlockingIOError': BlockingIOError,
}
THREAD_JOIN_TIMEOUT = 10.0


class Abort(BaseException):
    """Ends a run early (status, message). Never shown to the loop as a normal error."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


class _Return(BaseException):
    def __init__(self, value):
        super().__init__()
        self.value = value


_INTERNAL = (Abort, _Return, vtime.Stalled)


def make_error(type_name, message=None):
    cls = PY_ERRORS[type_name]
    return cls(message) if message is not None else cls()


def error_json(exc):
    if exc is None:
        return None
    return {'type': type(exc).__name__, 'message': str(exc)}


def scalar(v):
    return v if model.is_scalar(v) else repr(v)


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


class Run:
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
        self.handler_mode = None
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

    def step(self, st, exc=None):
        op, loop = st['op'], self.loop
        if op == 'call_soon':
            self.put(st.get('id'), model.HANDLE, loop.call_soon(self.callback(st['do'])))
        elif op == 'call_later':
            self.put(st.get('id'), model.TIMER,
                     loop.call_later(st['delay'], self.callback(st['do'])))
        elif op == 'call_at':
            when = None if st['at'] is None else self.t0 + st['at']
            self.put(st.get('id'), model.TIMER, loop.call_at(when, self.callback(st['do'])))
        elif op == 'call_soon_threadsafe':
            self.put(st.get('id'), model.HANDLE,
                     loop.call_soon_threadsafe(self.callback(st['do'])))
        elif op == 'cancel':
            target = self.get(st['target'])
            if self.kinds[st['target']] in (model.HANDLE, model.TIMER):
                if 'msg' in st:
                    raise Abort('invalid', 'cancel: msg applies to futures and tasks only')
                self.result(st, target.cancel())
            else:
                self.result(st, target.cancel(**({'msg': st['msg']} if 'msg' in st else {})))
        elif op == 'run_forever':
            loop.run_forever()
        elif op == 'run_until_complete':
            self.run_until_complete(st)
        elif op == 'stop':
            loop.stop()
        elif op == 'close':
            loop.close()
        elif op == 'create_future':
            self.put(st['id'], model.FUTURE, loop.create_future())
        elif op == 'set_result':
            self.get(st['future']).set_result(st.get('value'))
        elif op == 'set_exception':
            self.get(st['future']).set_exception(make_error(st['type'], st.get('message')))
        elif op == 'add_done_callback':
            fn = self.callbacks.get(st['id'])
            if fn is None:
                fn = self.callbacks[st['id']] = self.callback(st['do'])
            self.get(st['future']).add_done_callback(fn)
        elif op == 'remove_done_callback':
            fn = self.callbacks.get(st['id'])
            if fn is None:
                raise Abort('invalid', f'done callback {st["id"]!r} was never added')
            self.result(st, self.get(st['future']).remove_done_callback(fn))
        elif op == 'create_task':
            self.create_task(st)
        elif op == 'uncancel':
            self.result(st, self.get(st['task']).uncancel())
        elif op == 'set_exception_handler':
            self.set_exception_handler(st)
        elif op == 'set_debug':
            loop.set_debug(st['enabled'])
        else:
            self.step2(op, st, exc)

    def step2(self, op, st, exc):
        loop = self.loop
        if op == 'pipe':
            r, w = os.pipe()
            os.set_blocking(r, False)
            os.set_blocking(w, False)
            self.put(st['id'], model.PIPE, {'r': r, 'w': w})
        elif op == 'socketpair':
            a, b = socket.socketpair()
            a.setblocking(False)
            b.setblocking(False)
            self.put(st['id'], model.SOCKETPAIR, {'a': a, 'b': b})
        elif op == 'add_reader':
            loop.add_reader(self.fd(st['fd']), self.callback(st['do']))
        elif op == 'add_writer':
            loop.add_writer(self.fd(st['fd']), self.callback(st['do']))
        elif op == 'remove_reader':
            self.result(st, loop.remove_reader(self.fd(st['fd'])))
        elif op == 'remove_writer':
            self.result(st, loop.remove_writer(self.fd(st['fd'])))
        elif op == 'write':
            os.write(self.fd(st['fd']), st['data'].encode())
        elif op == 'read':
            data = os.read(self.fd(st['fd']), st.get('size', 65536))
            self.result(st, data.decode('utf-8', 'replace'))
        elif op == 'thread':
            self.start_thread(st)
        elif op == 'join_thread':
            self.get(st['thread']).join(THREAD_JOIN_TIMEOUT)
        elif op == 'raise':
            raise make_error(st['type'], st.get('message'))
        elif op == 'reraise':
            raise exc
        elif op == 'try':
            self.try_sync(st, exc)
        elif op == 'record':
            fields = {'name': st['name']}
            if 'value' in st:
                fields['value'] = st['value']
            self.trace.emit('record', **fields)
        elif op == 'observe':
            self.observe(st)
        elif op == 'block':
            if self.impl == 'asyncio':
                self.loop.clock.block(st['seconds'])
            else:
                time.sleep(st['seconds'])
        else:
            raise Abort('invalid', f'{op} is not allowed here')

    # -- the larger steps ----------------------------------------------------------------

    def run_until_complete(self, st):
        if 'target' in st:
            self.result(st, self.loop.run_until_complete(self.get(st['target'])))
            return
        coro = self.task_body(st['body'])
        try:
            self.result(st, self.loop.run_until_complete(coro))
        finally:
            if inspect.getcoroutinestate(coro) == inspect.CORO_CREATED and not any(
                    t.get_coro() is coro for t in asyncio.all_tasks(self.loop)):
                coro.close()  # rejected before it was wrapped (RUN-07): no warning noise

    def create_task(self, st):
        coro = self.task_body(st['body'])
        kwargs = {'name': st['name']} if 'name' in st else {}
        try:
            task = self.loop.create_task(coro, **kwargs)
        except BaseException:
            coro.close()
            raise
        self.put(st['id'], model.TASK, task)

    async def task_body(self, steps):
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

    def set_exception_handler(self, st):
        mode = st['mode']
        if mode == 'default':
            self.loop.set_exception_handler(None)
            self.handler_mode = None
            return

        def handler(loop, context):
            self.trace.emit('handler', message=context.get('message'), keys=sorted(context),
                            exception=error_json(context.get('exception')))
            if mode == 'raise':
                raise make_error(st['type'], st.get('message'))
        self.loop.set_exception_handler(handler)
        self.handler_mode = mode

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

    def observe(self, st):
        obj, prop = model.parse_expr(st['what'])
        name = st.get('as', st['what'])
        is_time = prop in model.TIME_PROPS
        if obj is None:
            value = self.loop_property(prop)
        else:
            target = self.get(obj)
            if prop == 'when':
                value = target.when() - self.t0
            elif prop == 'exception':
                value = error_json(target.exception())
            else:
                value = scalar(getattr(target, prop)())
        fields = {'name': name, 'value': value}
        if is_time:
            fields['value'] = round(value, 9)
            fields['time'] = True
        self.trace.emit('value', **fields)

    def loop_property(self, prop):
        loop = self.loop
        if prop == 'time':
            return loop.time() - self.t0
        if prop == 'current_task':
            task = asyncio.current_task(loop)
            if task is None:
                return None
            return next((k for k, v in self.objs.items() if v is task), '<other>')
        if prop == 'all_tasks':
            return len(asyncio.all_tasks(loop))
        if prop == 'get_exception_handler':
            return self.handler_mode if loop.get_exception_handler() is not None else None
        return getattr(loop, prop)()


def run_scenario(scenario, impl):
    """Run a normalized scenario; returns the protocol `result` fields (without op/seq)."""
    run = Run(scenario, impl)
    status, message = run.execute()
    out = {'status': status, 'trace': run.trace.events, 'final': run.final}
    if message:
        out['error'] = {'message': message}
    return out


__all__ = ['run_scenario', 'ScenarioError', 'PY_ERRORS']
