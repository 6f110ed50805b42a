"""The operations of the scenario language, bound to an asyncio-compatible loop.

`Ops` is a mixin of `interp.Run`: `step()` runs one normalized step (scenarios/README.md,
"Operations", gives the meaning of each). Task-only steps (`await`, `sleep`, `return`)
and `try` inside tasks are in `interp.Run.steps_async`, because they must be awaited.
"""

import asyncio
import concurrent.futures
import contextvars
import inspect
import os
import socket
import time

import model


THREAD_JOIN_TIMEOUT = 10.0  # real seconds to wait for a scenario thread


PY_ERRORS = {
    'BaseException': BaseException, 'SystemExit': SystemExit,
    'KeyboardInterrupt': KeyboardInterrupt, 'CancelledError': asyncio.CancelledError,
    'Exception': Exception, 'RuntimeError': RuntimeError, 'ValueError': ValueError,
    'TypeError': TypeError, 'ZeroDivisionError': ZeroDivisionError,
    'InvalidStateError': asyncio.InvalidStateError, 'OSError': OSError,
    'TimeoutError': TimeoutError, 'BlockingIOError': BlockingIOError,
}


class Abort(BaseException):
    """Ends a run early (status, message). Never shown to the loop as a normal error."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status, self.message = status, message


def make_error(type_name, message=None):
    cls = PY_ERRORS[type_name]
    return cls(message) if message is not None else cls()


def error_json(exc):
    if exc is None:
        return None
    return {'type': type(exc).__name__, 'message': str(exc)}


def scalar(v):
    """A result as a trace value: JSON scalars as they are; a list (gather's result) item
    by item, exceptions in it as {type, message}; anything else as its repr."""
    if isinstance(v, list):
        return [error_json(x) if isinstance(x, BaseException) else scalar(x) for x in v]
    return v if model.is_scalar(v) else repr(v)


def _context(self, st):
    """The `context=` keyword of a scheduling call (1.1), if the step gives one."""
    return {'context': self.get(st['context'])} if 'context' in st else {}


class Ops:
    """Mixin: uses self.loop, t0, trace, objs, kinds, callbacks, impl, and Run's
    callback(), task_body(), try_sync(), start_thread()."""

    def step(self, st, exc=None):
        op, loop = st['op'], self.loop
        if op == 'call_soon':
            self.put(st.get('id'), model.HANDLE,
                     loop.call_soon(self.callback(st['do']), **_context(self, st)))
        elif op == 'call_later':
            self.put(st.get('id'), model.TIMER,
                     loop.call_later(st['delay'], self.callback(st['do']),
                                     **_context(self, st)))
        elif op == 'call_at':
            when = None if st['at'] is None else self.t0 + st['at']
            self.put(st.get('id'), model.TIMER,
                     loop.call_at(when, self.callback(st['do']), **_context(self, st)))
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
                if 'do' not in st:  # as the aio adapter: an abort, not a KeyError
                    raise Abort('invalid', f"done callback {st['id']!r} is used before the step "
                                           'that defines it ran')
                fn = self.callbacks[st['id']] = self.callback(st['do'])
            self.get(st['future']).add_done_callback(fn, **_context(self, st))
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
            self.step_11(op, st, exc)

    def step_11(self, op, st, exc):
        """The operations added in language 1.1."""
        loop = self.loop
        if op == 'set_var':
            self.var.set(st['value'])
        elif op == 'copy_context':
            self.put(st['id'], model.CONTEXT, contextvars.copy_context())
        elif op == 'run_in_context':
            self.get(st['context']).run(self.steps, st['do'])
        elif op == 'run_in_executor':
            self.run_in_executor(st)
        elif op == 'set_default_executor':
            loop.set_default_executor(
                concurrent.futures.ThreadPoolExecutor(thread_name_prefix='asyncio'))
        elif op == 'gather':
            self.put(st['id'], model.GATHER,
                     asyncio.gather(*(self.get(i) for i in st['of']),
                                    return_exceptions=st.get('return_exceptions', False)))
        elif op == 'set_task_factory':
            self.set_task_factory(st['mode'])
        elif op == 'repr':
            self.trace.emit('repr', name=st.get('as', st['target']),
                            message=repr(self.get(st['target'])))
        elif op == 'repeat':
            for _ in range(st['times']):
                self.steps(st['do'], exc)
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
        kwargs.update(_context(self, st))
        try:
            task = self.loop.create_task(coro, **kwargs)
        except BaseException:
            coro.close()
            raise
        self.put(st['id'], model.TASK, task)

    def set_task_factory(self, mode):
        if mode == 'default':
            self.loop.set_task_factory(None)
            self.factory_mode = None
            return

        def factory(loop, coro, **kwargs):
            self.trace.emit('factory', context='context' in kwargs)
            return asyncio.Task(coro, loop=loop, **kwargs)
        self.loop.set_task_factory(factory)
        self.factory_mode = mode

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
        if prop == 'var':
            return scalar(self.var.get())
        if prop == 'get_task_factory':
            return self.factory_mode if loop.get_task_factory() is not None else None
        if prop == 'scheduled_count':
            return len(loop._scheduled)
        if prop == 'timer_cancelled_count':
            return loop._timer_cancelled_count
        if prop == 'iterations':
            return loop.iterations
        return getattr(loop, prop)()
