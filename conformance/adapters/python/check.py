"""Reference checker: does a trace match a scenario's `expect`? (spec for every checker)

An expected trace is a tree of items (scenarios/README.md, "Expectations"):
- an *event item* names one event kind and the fields it checks; it matches exactly one
  event of that kind whose listed fields all match; fields it does not list are not checked;
- `sequence: [items]` matches its items one after another, each on the next events;
- `unordered: [items]` matches its items in any order, each one on a contiguous run of
  events (so a child `sequence` is never interleaved with its siblings).
The top-level list is a sequence, and it must consume the whole trace: no event may be left
over and none may be missing.

Field rules: `message` fields are globs (`*` any text including newlines, `?` one
character, backslash escapes the next character); `keys` is compared as a set; `value`
compares JSON values by type (true is not 1; 1 equals 1.0; a list item by item); `at` and the `value` of time
events (`"time": true`) are times: equal within 1e-6 s on virtual time, and within
[-early, +late] seconds on real time. Everything else is compared exactly.

The matcher explores every way to split the trace (memoized on item and position), so the
answer does not depend on the order in which alternatives are tried.
"""

import json
import re

from model import ScenarioError, is_scalar, is_number

EVENT_KINDS = {
    # kind: (fields an item may check, shorthand field)
    'record': (('name', 'value'), 'name'),
    'value': (('name', 'value'), 'name'),
    'error': (('step', 'type', 'message'), 'type'),
    'caught': (('type', 'message'), 'type'),
    'handler': (('message', 'exception', 'keys'), 'message'),
    'log': (('level', 'message'), 'message'),
    # language 1.1
    'repr': (('name', 'message'), 'message'),
    'factory': (('context',), 'context'),
}
GROUPS = ('sequence', 'unordered')
LOG_LEVELS = ('WARNING', 'ERROR', 'CRITICAL')
FINAL_KEYS = ('running', 'closed')
MAX_UNORDERED = 16
VIRTUAL_EPS = 1e-6


class Item:
    def __init__(self, kind, fields, at, path, children=None):
        self.kind, self.fields, self.at, self.path = kind, fields, at, path
        self.children = children

    def describe(self):
        if self.children is not None:
            return f'{self.kind} of {len(self.children)} items'
        parts = [f'{k}={json.dumps(v)}' for k, v in self.fields.items()]
        if self.at is not None:
            parts.append(f'at={self.at}')
        return f'{self.kind} {" ".join(parts)}'.strip()

    def where(self):
        return '/' + '/'.join(str(p) for p in self.path)


def compile_expect(raw, path):
    if not isinstance(raw, dict):
        raise ScenarioError(path, 'expect is a mapping {trace, final}')
    for k in raw:
        if k not in ('trace', 'final'):
            raise ScenarioError(path + (k,), f'unknown key {k!r} (trace, final)')
    if 'trace' not in raw:
        raise ScenarioError(path, 'expect needs `trace` (use [] for an empty trace)')
    final = raw.get('final', {})
    if not isinstance(final, dict):
        raise ScenarioError(path + ('final',), 'final is a mapping {running, closed}')
    for k, v in final.items():
        if k not in FINAL_KEYS:
            raise ScenarioError(path + ('final', k), f'unknown key {k!r} (running, closed)')
        if not isinstance(v, bool):
            raise ScenarioError(path + ('final', k), 'expected true or false')
    return {'trace': _group('sequence', raw['trace'], path + ('trace',)), 'final': final}


def _group(kind, raw, path):
    if not isinstance(raw, list):
        raise ScenarioError(path, f'{kind} is a list of items')
    if kind == 'unordered' and not 2 <= len(raw) <= MAX_UNORDERED:
        raise ScenarioError(path, f'unordered takes 2 to {MAX_UNORDERED} items')
    return Item(kind, {}, None, path, [_item(r, path + (i,)) for i, r in enumerate(raw)])


def _item(raw, path):
    if not isinstance(raw, dict):
        raise ScenarioError(path, 'an expected item is a mapping like {record: a}')
    kinds = [k for k in raw if k in EVENT_KINDS or k in GROUPS]
    if len(kinds) != 1:
        raise ScenarioError(path, 'an expected item has exactly one of the keys '
                                  f'{", ".join(list(EVENT_KINDS) + list(GROUPS))}')
    kind = kinds[0]
    for k in raw:
        if k not in (kind, 'at'):
            raise ScenarioError(path + (k,), f'unknown key {k!r} in a {kind} item')
    if kind in GROUPS:
        if 'at' in raw:
            raise ScenarioError(path + ('at',), 'at goes on event items, not groups')
        return _group(kind, raw[kind], path + (kind,))
    at = raw.get('at')
    if 'at' in raw and not is_number(at):
        raise ScenarioError(path + ('at',), 'at is a number of seconds since the start')
    allowed, short = EVENT_KINDS[kind]
    body = raw[kind]
    fields = dict(body) if isinstance(body, dict) else {short: body}
    fpath = path + (kind,)
    for k, v in fields.items():
        if k not in allowed:
            raise ScenarioError(fpath + (k,), f'unknown field {k!r} for {kind} '
                                              f'(fields: {", ".join(allowed)})')
        _check_field(kind, k, v, fpath + (k,))
    return Item(kind, fields, at, fpath)


def _check_field(kind, key, v, path):
    if key == 'value':
        if not _is_value(v) and not (isinstance(v, list) and all(_is_value(x) for x in v)):
            raise ScenarioError(path, 'value is a JSON scalar, {type, message}, or a list '
                                      'of those')
    elif key == 'context':
        if not isinstance(v, bool):
            raise ScenarioError(path, 'context is true or false')
    elif key == 'exception':
        if v is not None and not _is_exc(v):
            raise ScenarioError(path, 'exception is null or {type, message}')
    elif key == 'keys':
        if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
            raise ScenarioError(path, 'keys is a list of strings')
    elif key == 'level' and v not in LOG_LEVELS:
        raise ScenarioError(path, f'level is one of {", ".join(LOG_LEVELS)}')
    elif not isinstance(v, str):
        raise ScenarioError(path, f'{key} is a string')


def _is_value(v):
    return is_scalar(v) or _is_exc(v)


def _is_exc(v):
    return (isinstance(v, dict) and 'type' in v and set(v) <= {'type', 'message'}
            and all(isinstance(x, str) for x in v.values()))


def uses_logs(expect):
    def walk(item):
        if item.children is not None:
            return any(walk(c) for c in item.children)
        return item.kind == 'log'
    return walk(expect['trace'])


# -- matching ---------------------------------------------------------------------------

def glob_match(pattern, text):
    if not isinstance(text, str):
        return False
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == '\\' and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append('.*' if c == '*' else '.' if c == '?' else re.escape(c))
        i += 1
    return re.fullmatch(''.join(out), text, re.DOTALL) is not None


class Tolerance:
    def __init__(self, mode='virtual', early=0.01, late=0.1):
        self.mode, self.early, self.late = mode, early, late

    def time_ok(self, expected, actual):
        if not is_number(actual):
            return False
        if self.mode == 'virtual':
            return abs(actual - expected) <= VIRTUAL_EPS
        return expected - self.early <= actual <= expected + self.late


def value_equal(expected, actual, tol=None):
    if isinstance(expected, list):  # 1.1: gather's results, item by item
        return (isinstance(actual, list) and len(actual) == len(expected)
                and all(value_equal(e, a) for e, a in zip(expected, actual)))
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and actual.get('type') == expected['type']
                and ('message' not in expected
                     or glob_match(expected['message'], actual.get('message'))))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual if isinstance(expected, bool) else False
    if is_number(expected):
        if not is_number(actual):
            return False
        return tol.time_ok(expected, actual) if tol else expected == actual
    return expected == actual and type(expected) is type(actual)


def atom_matches(item, event, tol):
    if not isinstance(event, dict) or event.get('kind') != item.kind:
        return False
    for key, want in item.fields.items():
        got = event.get(key)
        if key == 'message':
            ok = glob_match(want, got)
        elif key == 'keys':
            ok = (isinstance(got, list) and all(isinstance(x, str) for x in got)
                  and sorted(set(got)) == sorted(set(want)))
        elif key == 'exception':
            ok = got is None if want is None else value_equal(want, got)
        elif key == 'value':
            ok = value_equal(want, got, tol if event.get('time') else None)
        elif key == 'context':
            ok = got is want
        else:
            ok = want == got
        if not ok:
            return False
    return item.at is None or tol.time_ok(item.at, event.get('t'))


class Matcher:
    def __init__(self, events, tol):
        self.events, self.tol = events, tol
        self.memo = {}
        self.failures = {}  # position -> items that could not match there

    def ends(self, item, i):
        key = (id(item), i)
        if key not in self.memo:
            self.memo[key] = frozenset(self._ends(item, i))
        return self.memo[key]

    def _ends(self, item, i):
        if item.children is None:
            if i < len(self.events) and atom_matches(item, self.events[i], self.tol):
                return {i + 1}
            self.failures.setdefault(i, []).append(item)
            return set()
        if item.kind == 'sequence':
            positions = {i}
            for child in item.children:
                positions = set().union(*(self.ends(child, p) for p in positions))
                if not positions:
                    break
            return positions
        return self._unordered(item.children, i)

    def _unordered(self, children, start):
        full = (1 << len(children)) - 1
        seen, frontier, out = set(), [(0, start)], set()
        while frontier:
            mask, pos = frontier.pop()
            if (mask, pos) in seen:
                continue
            seen.add((mask, pos))
            if mask == full:
                out.add(pos)
                continue
            for k, child in enumerate(children):
                if not mask & (1 << k):
                    for end in self.ends(child, pos):
                        frontier.append((mask | (1 << k), end))
        return out


class Result:
    def __init__(self, ok, problems):
        self.ok, self.problems = ok, problems

    def __bool__(self):
        return self.ok


def check(expect, events, final=None, tol=None):
    """Match `events` (list of trace event dicts) and `final` against compiled `expect`."""
    tol = tol or Tolerance()
    m = Matcher(events, tol)
    ends = m.ends(expect['trace'], 0)
    problems = []
    if len(events) not in ends:
        problems.extend(_explain(m, ends, events))
    for key, want in expect['final'].items():
        got = (final or {}).get(key)
        if got is not want:
            problems.append(f'final state: {key} is {json.dumps(got)}, expected '
                            f'{json.dumps(want)}')
    return Result(not problems, problems)


def _explain(m, ends, events):
    if ends and (not m.failures or max(ends) >= max(m.failures)):
        k = max(ends)
        return [f'unexpected event #{k}: {_ev(events[k])} (the expected trace ended)']
    k = max(m.failures)
    tried = {id(it): it for it in m.failures[k]}.values()
    want = '; '.join(f'{it.describe()} [{it.where()}]' for it in tried)
    if k >= len(events):
        return [f'the trace ended after {len(events)} events; still expected: {want}']
    return [f'event #{k} {_ev(events[k])} does not match; expected: {want}']


def _ev(event):
    return json.dumps(event, sort_keys=True)


def format_trace(events):
    return '\n'.join(f'  #{i:<3} {_ev(e)}' for i, e in enumerate(events))
