"""Load a scenario file (YAML) into plain data, remembering where each value came from.

Scenario files use the JSON-compatible subset of YAML described in scenarios/README.md
("File format"): no anchors, aliases, tags or merge keys; no duplicate keys; booleans only
`true`/`false`. The loader rejects the rest with file:line:column, so every interpreter
(PyYAML here, a YAML 1.2 loader in C++) reads a file the same way.
"""

import yaml

from model import ScenarioError

_BOOL_WORDS = {'true', 'false', 'True', 'False', 'TRUE', 'FALSE'}


class LoadError(Exception):
    pass


class Positions:
    """Maps a path (tuple of keys and indexes) to a 1-based (line, column)."""

    def __init__(self):
        self.marks = {}

    def at(self, path):
        path = tuple(path)
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))


def load(path):
    """Returns (data, positions). Raises LoadError with file:line:column."""
    try:
        with open(path, 'rb') as f:
            data = f.read()
    except OSError as e:
        raise LoadError(f'{path}: cannot read the file ({e.strerror})') from None
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as e:  # as the C++ loader says it (the column counts bytes)
        line = data.count(b'\n', 0, e.start) + 1
        column = e.start - (data.rfind(b'\n', 0, e.start) + 1) + 1
        raise LoadError(f'{path}:{line}:{column}: the file is not UTF-8 text (byte '
                        f'0x{data[e.start]:02X} at offset {e.start})') from None
    if text.startswith('\ufeff'):
        text = text[1:]  # a byte order mark
    return loads(text, path)


def loads(text, filename='<string>'):
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as e:
        mark = getattr(e, 'problem_mark', None)
        where = f'{filename}:{mark.line + 1}:{mark.column + 1}' if mark else filename
        raise LoadError(f'{where}: YAML syntax error: {getattr(e, "problem", e)}') from None
    if node is None:
        raise LoadError(f'{filename}:1:1: the file is empty')
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        what = ('anchors and aliases are' if getattr(event, 'anchor', None) else
                'tags are' if getattr(event, 'tag', None) else None)
        if what:
            mark = event.start_mark
            raise LoadError(f'{filename}:{mark.line + 1}:{mark.column + 1}: {what} not '
                            'allowed in scenarios')
    pos = Positions()
    try:
        data = _build(node, (), pos, set())
    except ScenarioError as e:
        line, col = pos.at(e.path)
        raise LoadError(f'{filename}:{line}:{col}: {e.message}') from None
    return data, pos


def _build(node, path, pos, seen):
    pos.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if id(node) in seen:
        raise ScenarioError(path, 'anchors and aliases are not allowed')
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        out = {}
        for knode, vnode in node.value:
            if knode.tag == 'tag:yaml.org,2002:merge':
                raise ScenarioError(path, 'merge keys (<<) are not allowed')
            if not isinstance(knode, yaml.ScalarNode):
                raise ScenarioError(path, 'mapping keys are plain strings')
            key = knode.value
            if key in out:
                pos.marks[path + (key,)] = (knode.start_mark.line + 1,
                                            knode.start_mark.column + 1)
                raise ScenarioError(path + (key,), f'duplicate key {key!r}')
            out[key] = _build(vnode, path + (key,), pos, seen)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(v, path + (i,), pos, seen) for i, v in enumerate(node.value)]
    kind = node.tag.rsplit(':', 1)[1]
    if node.style is None and kind == 'bool' and node.value not in _BOOL_WORDS:
        raise ScenarioError(path, f'{node.value!r} is a boolean in YAML 1.1 only: write true '
                                  'or false, or quote it')
    if kind in ('timestamp', 'binary', 'set', 'omap', 'pairs'):
        raise ScenarioError(path, f'YAML type {kind} is not allowed: quote the value')
    return yaml.SafeLoader('').construct_object(node, deep=True)
