"""Validate a whole scenario and return it normalized (see model.py for the op table).

Checks, each failing with a ScenarioError that names the path:
- top-level keys and metadata (id, rules, level, doc, since/until, needs, timeout);
- every step: known op, known fields, required fields, field types, where it may appear
  (`await`/`sleep`/`return` only in task bodies, `reraise` only in except clauses);
- ids: defined once in the whole scenario, and every reference names an id of a kind that
  the field accepts (a done callback id is defined by its one `add_done_callback` with `do`);
- `needs` lists every capability the program uses (tasks, threads, pipes, socketpair,
  debug, logs; 1.1: contextvars, executor, gather, task_factory, repr, internals, repeat);
- the `expect` section (compiled by check.compile_expect).
"""

import model
from model import ScenarioError, OPS, ERROR_TYPES, is_scalar, is_number
import check


def validate(sc):
    """Return a normalized copy: steps become {"op": name, **fields}."""
    if not isinstance(sc, dict):
        raise ScenarioError((), 'a scenario is a mapping')
    for key in sc:
        if key not in model.TOP_KEYS:
            raise ScenarioError((key,), f'unknown key {key!r} (keys: '
                                        f'{", ".join(sorted(model.TOP_KEYS))})')
    for key in model.REQUIRED_TOP:
        if key not in sc:
            raise ScenarioError((), f'missing key {key!r}')
    _metadata(sc)
    v = _Walker()
    program = v.steps(sc['program'], ('program',), 'top')
    v.resolve()
    expect = check.compile_expect(sc['expect'], ('expect',))
    needs = set(sc.get('needs', []))
    if check.uses_logs(expect):
        v.needs.add('logs')
    missing = sorted(v.needs - needs)
    if missing:
        raise ScenarioError(('needs',), f'the program uses {", ".join(missing)}: add '
                                        f'{missing} to needs')
    out = dict(sc)
    out['program'] = program
    out.setdefault('needs', [])
    out.setdefault('timeout', 'short')
    return out


def _metadata(sc):
    if not isinstance(sc['id'], str) or not model.SCENARIO_ID_RE.match(sc['id']):
        raise ScenarioError(('id',), 'id is "area/name" in lower case letters, digits and _')
    if not isinstance(sc['title'], str) or not sc['title']:
        raise ScenarioError(('title',), 'title is a non-empty string')
    rules = sc['rules']
    if not isinstance(rules, list) or not rules:
        raise ScenarioError(('rules',), 'rules is a non-empty list of rule IDs like ORD-01')
    for i, r in enumerate(rules):
        if not isinstance(r, str) or not model.RULE_RE.match(r):
            raise ScenarioError(('rules', i), f'{r!r} is not a rule ID like ORD-01')
    if sc['level'] not in model.LEVELS:
        raise ScenarioError(('level',), f'level is one of {", ".join(model.LEVELS)}')
    doc = sc.get('doc')
    if sc['level'] == 'documented' and doc is None:
        raise ScenarioError(('doc',), 'a documented scenario cites its doc sentence (doc:)')
    if doc is not None:
        if not isinstance(doc, dict):
            raise ScenarioError(('doc',), 'doc is a mapping {source, section, text}')
        for k in doc:
            if k not in ('source', 'section', 'text'):
                raise ScenarioError(('doc', k), f'unknown key {k!r} (source, section, text)')
        for k in ('source', 'section', 'text'):
            if not isinstance(doc.get(k), str) or not doc.get(k):
                raise ScenarioError(('doc', k), f'doc.{k} is a non-empty string')
    for k in ('since', 'until'):
        if k in sc and (not isinstance(sc[k], str) or not model.VERSION_RE.match(sc[k])):
            raise ScenarioError((k,), f'{k} is a quoted Python version like "3.8" or "3.4.4"')
    needs = sc.get('needs', [])
    if not isinstance(needs, list):
        raise ScenarioError(('needs',), 'needs is a list of capabilities')
    for i, n in enumerate(needs):
        if n not in model.CAPABILITIES:
            raise ScenarioError(('needs', i), f'unknown capability {n!r} (capabilities: '
                                              f'{", ".join(model.CAPABILITIES)})')
    tags = sc.get('tags', [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ScenarioError(('tags',), 'tags is a list of strings')
    if 'timeout' in sc and (not isinstance(sc['timeout'], str) or sc['timeout'] not in model.TIMEOUTS):
        raise ScenarioError(('timeout',), f'timeout is one of {", ".join(model.TIMEOUTS)}')
    if 'notes' in sc and not isinstance(sc['notes'], str):
        raise ScenarioError(('notes',), 'notes is a string')


class _Walker:
    def __init__(self):
        self.defs = {}       # id -> (kind, path)
        self.refs = []       # (id, accepted kinds, path)
        self.callback_uses = []  # (id, has_do, path)
        self.needs = set()

    def steps(self, raw, path, where, in_except=False):
        if not isinstance(raw, list):
            raise ScenarioError(path, 'expected a list of steps')
        return [self.step(s, path + (i,), where, in_except) for i, s in enumerate(raw)]

    def step(self, raw, path, where, in_except):
        name, fields, fpath = model.normalize_step(raw, path)
        op = OPS[name]
        if op.where == 'task' and where != 'task':
            raise ScenarioError(fpath, f'{name} is only allowed in a task body')
        if op.where == 'except' and not in_except:
            raise ScenarioError(fpath, f'{name} is only allowed inside an except clause')
        self.needs.update(op.needs)
        out = {'op': name}
        for key, value in fields.items():
            out[key] = self.field(name, key, op.fields[key], value, fpath + (key,), where,
                                  in_except)
        if name == 'run_until_complete':
            if ('target' in fields) == ('body' in fields):
                raise ScenarioError(fpath, 'run_until_complete takes a target id or a body')
            if 'body' in fields:
                self.needs.add('tasks')
        if name == 'set_exception_handler':
            if (fields['mode'] == 'raise') != ('type' in fields):
                raise ScenarioError(fpath, 'set_exception_handler: `type` is given exactly '
                                           'when mode is raise')
            if 'message' in fields and 'type' not in fields:
                raise ScenarioError(fpath, '`message` goes with `type`')
        if name == 'set_debug' and fields['enabled']:
            self.needs.add('debug')
        if name == 'add_done_callback':
            self.callback_uses.append((fields['id'], 'do' in fields, fpath + ('id',)))
        if name == 'observe':
            self._observe(fields['what'], fpath + ('what',))
        if name in ('await', 'uncancel'):
            self.needs.add('tasks')
        return out

    def field(self, opname, key, ftype, value, path, where, in_except):
        if ftype == model._STEPS:
            return self.steps(value, path, where, in_except)
        if ftype == model._CALLBACK:
            return self.steps(value, path, 'callback')
        if ftype == model._THREAD:
            return self.steps(value, path, 'thread')
        if ftype == model._BODY:
            return self.steps(value, path, 'task')
        if ftype == 'handlers':
            return self.handlers(value, path, where)
        if ftype.startswith('id:'):
            self.define(value, ftype[3:], path)
        elif ftype.startswith('ref:'):
            self.refs.append((value, ftype[4:].split(','), path))
        elif ftype.startswith('refs:'):
            if not isinstance(value, list) or not value:
                raise ScenarioError(path, f'expected a non-empty list of ids, got '
                                          f'{model._show(value)}')
            for i, v in enumerate(value):
                self.refs.append((v, ftype[5:].split(','), path + (i,)))
        elif ftype == 'callback':
            if not isinstance(value, str) or not model.ID_RE.match(value):
                raise ScenarioError(path, f'{value!r} is not an id')
        elif ftype == 'fd':
            fd = model.parse_fd(value)
            if fd is None:
                raise ScenarioError(path, f'{value!r} is not an fd reference like p.r')
            self.refs.append((fd[0], [model.PIPE, model.SOCKETPAIR], path, fd[1]))
        elif ftype == 'expr':
            if model.parse_expr(value) is None:
                raise ScenarioError(path, f'{value!r} is not an observe expression')
        else:
            _check_type(ftype, value, path)
        return value

    def handlers(self, raw, path, where):
        if not isinstance(raw, list) or not raw:
            raise ScenarioError(path, 'except is a non-empty list of {type, do} clauses')
        out = []
        for i, h in enumerate(raw):
            p = path + (i,)
            if not isinstance(h, dict):
                raise ScenarioError(p, 'an except clause is a mapping {type, do}')
            for k in h:
                if k not in ('type', 'do'):
                    raise ScenarioError(p + (k,), f'unknown field {k!r} (type, do)')
            types = h.get('type')
            types = types if isinstance(types, list) else [types]
            for j, t in enumerate(types):
                _check_type('errtype', t, p + ('type',))
            out.append({'type': types, 'do': self.steps(h.get('do', []), p + ('do',), where,
                                                         in_except=True)})
        return out

    def define(self, value, kind, path):
        if not isinstance(value, str) or not model.ID_RE.match(value):
            raise ScenarioError(path, f'{value!r} is not an id (letters, digits, _)')
        if value in self.defs:
            raise ScenarioError(path, f'id {value!r} is already defined at '
                                      f'/{"/".join(map(str, self.defs[value][1]))}')
        self.defs[value] = (kind, path)

    def _observe(self, expr, path):
        obj, prop = model.parse_expr(expr)
        if obj is None:
            if prop not in model.LOOP_PROPS:
                raise ScenarioError(path, f'unknown loop property {prop!r} (properties: '
                                          f'{", ".join(model.LOOP_PROPS)})')
            if prop in model.PROP_NEEDS:
                self.needs.add(model.PROP_NEEDS[prop])
            return
        self.refs.append((obj, list(model.OBJECT_PROPS), path, None, prop))

    def resolve(self):
        for cid, has_do, path in self.callback_uses:
            if has_do:
                self.define(cid, model.CALLBACK, path)
        for cid, has_do, path in self.callback_uses:
            if not has_do and self.defs.get(cid, (None,))[0] != model.CALLBACK:
                raise ScenarioError(path, f'done callback {cid!r} is never defined (the '
                                          'first add_done_callback of an id gives `do`)')
        for ref in self.refs:
            value, kinds, path = ref[:3]
            if not isinstance(value, str) or value not in self.defs:
                raise ScenarioError(path, f'unknown id {value!r}')
            kind = self.defs[value][0]
            if kind not in kinds:
                raise ScenarioError(path, f'{value!r} is a {kind}; expected '
                                          f'{" or ".join(kinds)}')
            if len(ref) > 3 and ref[3] is not None and ref[3] not in model.FD_ENDS[kind]:
                raise ScenarioError(path, f'a {kind} has ends '
                                          f'{" and ".join(model.FD_ENDS[kind])}')
            if len(ref) > 4 and ref[4] not in model.OBJECT_PROPS[kind]:
                raise ScenarioError(path, f'a {kind} has no property {ref[4]!r} (properties: '
                                          f'{", ".join(model.OBJECT_PROPS[kind])})')


def _check_type(ftype, value, path):
    # Lazily: `value in ERROR_TYPES` raises TypeError for a list or mapping value.
    ok = {
        'number': lambda: is_number(value),
        'number?': lambda: value is None or is_number(value),
        'int': lambda: isinstance(value, int) and not isinstance(value, bool) and value > 0,
        'string': lambda: isinstance(value, str),
        'label': lambda: isinstance(value, str) and bool(value),
        'bool': lambda: isinstance(value, bool),
        'scalar': lambda: is_scalar(value),
        'errtype': lambda: isinstance(value, str) and value in ERROR_TYPES,
        'handler_mode': lambda: isinstance(value, str) and value in model.HANDLER_MODES,
        'factory_mode': lambda: isinstance(value, str) and value in model.FACTORY_MODES,
        'count': lambda: (isinstance(value, int) and not isinstance(value, bool)
                          and 1 <= value <= model.MAX_REPEAT),
    }[ftype]()
    if not ok:
        want = {
            'number': 'a number', 'number?': 'a number or null', 'int': 'a positive integer',
            'string': 'a string', 'label': 'a non-empty string', 'bool': 'true or false',
            'scalar': 'a JSON scalar (number, string, bool, null)',
            'errtype': 'an error type (' + ', '.join(ERROR_TYPES) + ')',
            'handler_mode': 'one of ' + ', '.join(model.HANDLER_MODES),
            'factory_mode': 'one of ' + ', '.join(model.FACTORY_MODES),
            'count': f'an integer from 1 to {model.MAX_REPEAT}',
        }[ftype]
        raise ScenarioError(path, f'expected {want}, got {model._show(value)}')
