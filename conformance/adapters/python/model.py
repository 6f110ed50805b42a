"""The scenario language as data: operations, their fields, and validation.

This module is the executable half of scenarios/README.md. It checks a scenario (already
parsed from YAML or JSON into plain dicts and lists) and normalizes every step to
``{"op": NAME, field: value, ...}``. It does not run anything. Every error names a path
in the scenario (``/program/3/call_later/delay``) so a loader can turn it into
file:line:column.
"""

import re

VERSION = 1  # scenario language version; bumped when a meaning changes
MINOR = 1    # 1.1: additions behind new capabilities (scenarios/README.md, "Changelog")

# The closed set of error types a scenario can raise or catch, with their base class.
ERROR_TYPES = {
    'BaseException': None,
    'SystemExit': 'BaseException',
    'KeyboardInterrupt': 'BaseException',
    'CancelledError': 'BaseException',
    'Exception': 'BaseException',
    'RuntimeError': 'Exception',
    'ValueError': 'Exception',
    'TypeError': 'Exception',
    'ZeroDivisionError': 'Exception',
    'InvalidStateError': 'Exception',
    'OSError': 'Exception',
    'TimeoutError': 'OSError',
    'BlockingIOError': 'OSError',
}

CAPABILITIES = ('virtual_time', 'tasks', 'threads', 'pipes', 'socketpair', 'debug', 'logs',
                # language 1.1
                'contextvars', 'executor', 'gather', 'task_factory', 'repr', 'internals',
                'repeat')
LEVELS = ('documented', 'reference')
TIMEOUTS = {'short': 10.0, 'medium': 30.0, 'long': 120.0}  # real seconds per class

ID_RE = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*$')
VERSION_RE = re.compile(r'^3\.[0-9]+(\.[0-9]+)?$')
RULE_RE = re.compile(r'^[A-Z]{2,4}-[0-9]{2}$')
SCENARIO_ID_RE = re.compile(r'^[a-z0-9_]+/[a-z0-9_]+$')

# Object kinds an id can name.
HANDLE, TIMER, FUTURE, TASK, CALLBACK, PIPE, SOCKETPAIR, THREAD = (
    'handle', 'timer', 'future', 'task', 'callback', 'pipe', 'socketpair', 'thread')
GATHER, CONTEXT = 'gather', 'context'  # 1.1
FD_ENDS = {PIPE: ('r', 'w'), SOCKETPAIR: ('a', 'b')}

# observe: loop properties, and object properties by object kind.
LOOP_PROPS = ('is_running', 'is_closed', 'time', 'get_debug', 'current_task', 'all_tasks',
              'get_exception_handler',
              # 1.1: the context variable, the task factory, the loop's private counters
              'var', 'get_task_factory', 'scheduled_count', 'timer_cancelled_count',
              'iterations')
# The capability a loop property needs (1.1).
PROP_NEEDS = {'current_task': 'tasks', 'all_tasks': 'tasks', 'var': 'contextvars',
              'get_task_factory': 'task_factory', 'scheduled_count': 'internals',
              'timer_cancelled_count': 'internals', 'iterations': 'internals'}
HANDLE_PROPS = ('cancelled',)
TIMER_PROPS = ('cancelled', 'when')
FUTURE_PROPS = ('done', 'cancelled', 'result', 'exception')
TASK_PROPS = FUTURE_PROPS + ('cancelling', 'get_name')
OBJECT_PROPS = {HANDLE: HANDLE_PROPS, TIMER: TIMER_PROPS, FUTURE: FUTURE_PROPS, TASK: TASK_PROPS,
                GATHER: FUTURE_PROPS}
TIME_PROPS = ('time', 'when')  # their values are times: compared with the time tolerance


class Op:
    """One operation: its fields (name -> type), required fields, shorthand field, where it
    may appear ('any', 'task' = task bodies only, 'except' = except clauses only)."""

    def __init__(self, fields, required=(), primary=None, where='any', needs=()):
        self.fields, self.required, self.primary = fields, required, primary
        self.where, self.needs = where, needs


_STEPS = 'steps'        # inline steps: run where the enclosing step runs (try, finally)
_CALLBACK = 'callback_steps'  # the body of a callback the loop calls
_THREAD = 'thread_steps'  # the body of a thread
_BODY = 'body'          # the body of a coroutine (task)
_CTX = 'ref:context'    # 1.1: `context=` of the scheduling calls
_AWAITABLE = 'ref:future,task,gather'
OPS = {
    # Scheduling callbacks: `do` is the steps the callback runs when called.
    'call_soon': Op({'id': 'id:handle', 'context': _CTX, 'do': _CALLBACK}, ['do']),
    'call_later': Op({'id': 'id:timer', 'delay': 'number?', 'context': _CTX, 'do': _CALLBACK},
                     ['delay', 'do']),
    'call_at': Op({'id': 'id:timer', 'at': 'number?', 'context': _CTX, 'do': _CALLBACK},
                  ['at', 'do']),
    'call_soon_threadsafe': Op({'id': 'id:handle', 'do': _CALLBACK}, ['do']),
    'cancel': Op({'target': 'ref:handle,timer,future,task,gather', 'msg': 'string',
                  'as': 'label'}, ['target'], 'target'),
    # Running and stopping.
    'run_forever': Op({}),
    'run_until_complete': Op({'target': _AWAITABLE, 'body': _BODY, 'as': 'label'},
                             [], 'target'),
    'stop': Op({}),
    'close': Op({}),
    # Futures and tasks.
    'create_future': Op({'id': 'id:future'}, ['id'], 'id'),
    'set_result': Op({'future': 'ref:future,task', 'value': 'scalar'}, ['future'], 'future'),
    'set_exception': Op({'future': 'ref:future,task', 'type': 'errtype', 'message': 'string'},
                        ['future', 'type']),
    'add_done_callback': Op({'future': _AWAITABLE, 'id': 'callback', 'context': _CTX,
                             'do': _CALLBACK}, ['future', 'id']),
    'remove_done_callback': Op({'future': _AWAITABLE, 'id': 'ref:callback',
                                'as': 'label'}, ['future', 'id']),
    'create_task': Op({'id': 'id:task', 'name': 'string', 'context': _CTX, 'body': _BODY},
                      ['id', 'body'], needs=('tasks',)),
    'uncancel': Op({'task': 'ref:task', 'as': 'label'}, ['task'], 'task'),
    # Error handling and debug mode.
    'set_exception_handler': Op({'mode': 'handler_mode', 'type': 'errtype',
                                 'message': 'string'}, ['mode'], 'mode'),
    'set_debug': Op({'enabled': 'bool'}, ['enabled'], 'enabled'),
    # File descriptors.
    'pipe': Op({'id': 'id:pipe'}, ['id'], 'id', needs=('pipes',)),
    'socketpair': Op({'id': 'id:socketpair'}, ['id'], 'id', needs=('socketpair',)),
    'add_reader': Op({'fd': 'fd', 'do': _CALLBACK}, ['fd', 'do']),
    'add_writer': Op({'fd': 'fd', 'do': _CALLBACK}, ['fd', 'do']),
    'remove_reader': Op({'fd': 'fd', 'as': 'label'}, ['fd'], 'fd'),
    'remove_writer': Op({'fd': 'fd', 'as': 'label'}, ['fd'], 'fd'),
    'write': Op({'fd': 'fd', 'data': 'string'}, ['fd', 'data']),
    'read': Op({'fd': 'fd', 'size': 'int', 'as': 'label'}, ['fd'], 'fd'),
    # Threads.
    'thread': Op({'id': 'id:thread', 'delay': 'number', 'do': _THREAD}, ['id', 'do'],
                 needs=('threads',)),
    'join_thread': Op({'thread': 'ref:thread'}, ['thread'], 'thread'),
    # Control flow and observation.
    'raise': Op({'type': 'errtype', 'message': 'string'}, ['type'], 'type'),
    'reraise': Op({}, where='except'),
    'try': Op({'do': _STEPS, 'except': 'handlers', 'finally': _STEPS}, ['do']),
    'record': Op({'name': 'string', 'value': 'scalar'}, ['name'], 'name'),
    'observe': Op({'what': 'expr', 'as': 'label'}, ['what'], 'what'),
    'block': Op({'seconds': 'number'}, ['seconds'], 'seconds'),
    # Task bodies only.
    'await': Op({'target': _AWAITABLE, 'as': 'label'}, ['target'], 'target', 'task'),
    'sleep': Op({'delay': 'number'}, ['delay'], 'delay', 'task'),
    'return': Op({'value': 'scalar'}, [], 'value', 'task'),
    # -- language 1.1 ------------------------------------------------------------------
    # contextvars: one context variable `var` (default null) and contexts.
    'set_var': Op({'value': 'scalar'}, ['value'], 'value', needs=('contextvars',)),
    'copy_context': Op({'id': 'id:context'}, ['id'], 'id', needs=('contextvars',)),
    'run_in_context': Op({'context': 'ref:context', 'do': _CALLBACK}, ['context', 'do'],
                         needs=('contextvars',)),
    # The default executor.
    'run_in_executor': Op({'id': 'id:future', 'value': 'scalar', 'do': _CALLBACK},
                          ['id', 'do'], needs=('executor',)),
    'shutdown_default_executor': Op({}, where='task', needs=('executor',)),
    'set_default_executor': Op({}, needs=('executor',)),
    # gather, the task factory, reprs, repetition.
    'gather': Op({'id': 'id:gather', 'of': 'refs:future,task',
                  'return_exceptions': 'bool'}, ['id', 'of'], needs=('gather',)),
    'set_task_factory': Op({'mode': 'factory_mode'}, ['mode'], 'mode',
                           needs=('task_factory',)),
    'repr': Op({'target': 'ref:handle,timer,future,task,gather', 'as': 'label'}, ['target'],
               'target', needs=('repr',)),
    'repeat': Op({'times': 'count', 'do': _STEPS}, ['times', 'do'], needs=('repeat',)),
}
HANDLER_MODES = ('record', 'raise', 'default')
FACTORY_MODES = ('record', 'default')  # 1.1
MAX_REPEAT = 1000  # 1.1: `repeat` runs its steps 1 to MAX_REPEAT times

TOP_KEYS = {'id', 'title', 'rules', 'doc', 'level', 'since', 'until', 'needs', 'tags',
            'timeout', 'program', 'expect', 'notes'}
REQUIRED_TOP = ('id', 'title', 'rules', 'level', 'program', 'expect')


class ScenarioError(Exception):
    """A scenario that is not valid. `path` is a JSON-pointer-like tuple of keys."""

    def __init__(self, path, message):
        super().__init__(message)
        self.path, self.message = tuple(path), message

    def where(self):
        return '/' + '/'.join(str(p) for p in self.path)

    def __str__(self):
        return f'{self.where()}: {self.message}'


def is_subclass(name, base):
    """True if error type `name` is `base` or derives from it (names outside the closed set
    only match BaseException)."""
    while name is not None:
        if name == base:
            return True
        name = ERROR_TYPES.get(name, 'BaseException' if name != 'BaseException' else None)
    return False


def is_scalar(v):
    return v is None or isinstance(v, (bool, int, float, str))


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def normalize_step(raw, path):
    """A step is a bare op name (for ops without required fields) or a one-key mapping
    {op: args}; args is a mapping of fields, or the value of the op's primary field."""
    if isinstance(raw, str):
        name, args = raw, None
    elif isinstance(raw, dict) and len(raw) == 1:
        (name, args), = raw.items()
    else:
        raise ScenarioError(path, 'a step is an operation name or a mapping with exactly '
                                  f'one key (the operation), got {_show(raw)}')
    op = OPS.get(name)
    if op is None:
        raise ScenarioError(path, f'unknown operation {name!r}')
    path = path + (name,)
    if args is None:
        fields = {}
    elif isinstance(args, dict):
        fields = dict(args)
    elif op.primary is not None:
        fields = {op.primary: args}
    else:
        raise ScenarioError(path, f'{name} takes a mapping of fields '
                                  f'({", ".join(op.fields) or "none"}), got {_show(args)}')
    for key in fields:
        if key not in op.fields:
            raise ScenarioError(path + (key,), f'unknown field {key!r} for {name} '
                                               f'(fields: {", ".join(op.fields) or "none"})')
    for key in op.required:
        if key not in fields:
            raise ScenarioError(path, f'{name} needs field {key!r}')
    return name, fields, path


def _show(v):
    s = repr(v)
    return s if len(s) < 60 else s[:57] + '...'


def parse_expr(expr):
    """observe expressions: a loop property, or `<id>.<property>`. Returns (id|None, prop)."""
    if not isinstance(expr, str):
        return None
    if '.' in expr:
        obj, _, prop = expr.partition('.')
        return (obj, prop) if ID_RE.match(obj) else None
    return (None, expr)


def parse_fd(ref):
    """`<pipe id>.<end>`: ends r/w of a pipe, a/b of a socket pair."""
    if isinstance(ref, str) and ref.count('.') == 1:
        obj, end = ref.split('.')
        if ID_RE.match(obj):
            return obj, end
    return None
