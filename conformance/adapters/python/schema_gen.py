#!/usr/bin/python3
"""Generate conformance/schema/scenario.schema.json from the op table in model.py.

    schema_gen.py            rewrite the schema file
    schema_gen.py --check    fail if the committed schema differs from the op table, and
                             (when the jsonschema module is installed) validate every
                             scenario and the protocol schema's examples against it

The schema is generated so that it cannot drift from the validator. It encodes structure,
field types, required fields and where ops may appear (task bodies, except clauses, callback
and thread bodies). What JSON Schema cannot say (ids defined once and referenced with the
right kind, derived `needs`, doc quotes) is checked by validate.py and run_corpus.py --lint.
"""

import glob
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
SCHEMA = os.path.join(ROOT, 'conformance', 'schema', 'scenario.schema.json')

import check  # noqa: E402
import model  # noqa: E402

ID = {'type': 'string', 'pattern': model.ID_RE.pattern}
# Contexts: where steps run. Each gets its own step definition so the schema can say
# which ops are allowed there.
CONTEXTS = {  # name: (task ops allowed, reraise allowed)
    'step': (False, False), 'step_in_except': (False, True),
    'task_step': (True, False), 'task_step_in_except': (True, True),
}


def field_schema(ftype, ctx):
    task, in_except = CONTEXTS[ctx]
    if ftype == model._STEPS:
        return {'$ref': f'#/$defs/{ctx}s'}
    if ftype in (model._CALLBACK, model._THREAD):
        return {'$ref': '#/$defs/steps'}
    if ftype == model._BODY:
        return {'$ref': '#/$defs/task_steps'}
    if ftype == 'handlers':
        inner = 'task_step_in_except' if task else 'step_in_except'
        return {'type': 'array', 'minItems': 1, 'items': {
            'type': 'object', 'additionalProperties': False, 'required': ['type'],
            'properties': {
                'type': {'anyOf': [{'$ref': '#/$defs/error_type'},
                                   {'type': 'array', 'minItems': 1,
                                    'items': {'$ref': '#/$defs/error_type'}}]},
                'do': {'$ref': f'#/$defs/{inner}s'}}}}
    if ftype.startswith(('id:', 'ref:')) or ftype == 'callback':
        return {'$ref': '#/$defs/id'}
    if ftype.startswith('refs:'):
        return {'type': 'array', 'minItems': 1, 'items': {'$ref': '#/$defs/id'}}
    return {
        'fd': {'type': 'string', 'pattern': r'^[A-Za-z_][A-Za-z0-9_]*\.(r|w|a|b)$'},
        'expr': {'$ref': '#/$defs/observe_expression'},
        'number': {'type': 'number'},
        'number?': {'type': ['number', 'null']},
        'int': {'type': 'integer', 'minimum': 1},
        'string': {'type': 'string'},
        'label': {'type': 'string', 'minLength': 1},
        'bool': {'type': 'boolean'},
        'scalar': {'$ref': '#/$defs/scalar'},
        'errtype': {'$ref': '#/$defs/error_type'},
        'handler_mode': {'enum': list(model.HANDLER_MODES)},
        'factory_mode': {'enum': list(model.FACTORY_MODES)},
        'count': {'type': 'integer', 'minimum': 1, 'maximum': model.MAX_REPEAT},
    }[ftype]


def step_schema(ctx):
    task, in_except = CONTEXTS[ctx]
    bare, forms = [], []
    for name, op in model.OPS.items():
        if (op.where == 'task' and not task) or (op.where == 'except' and not in_except):
            continue
        if not op.required:
            bare.append(name)
        props = {k: field_schema(t, ctx) for k, t in op.fields.items()}
        mapping = {'type': 'object', 'additionalProperties': False, 'properties': props}
        if op.required:
            mapping['required'] = list(op.required)
        args = [mapping]
        if op.primary is not None:
            args.insert(0, dict(field_schema(op.fields[op.primary], ctx),
                                **({'not': {'type': 'object'}}
                                   if op.fields[op.primary] == 'scalar' else {})))
        if not op.fields:
            args = [{'type': 'null'}, mapping]
        elif not op.required:
            args.append({'type': 'null'})
        forms.append({'type': 'object', 'additionalProperties': False, 'required': [name],
                      'properties': {name: {'anyOf': args} if len(args) > 1 else args[0]}})
    return {'oneOf': [{'enum': bare}] + forms}


def item_schema():
    items = []
    for kind, (fields, short) in check.EVENT_KINDS.items():
        props = {}
        for f in fields:
            if f == 'value':
                one = [{'$ref': '#/$defs/scalar'}, {'$ref': '#/$defs/exception'}]
                props[f] = {'anyOf': one + [{'type': 'array', 'items': {'anyOf': one}}]}
            elif f == 'context':
                props[f] = {'type': 'boolean'}
            elif f == 'exception':
                props[f] = {'anyOf': [{'type': 'null'}, {'$ref': '#/$defs/exception'}]}
            elif f == 'keys':
                props[f] = {'type': 'array', 'items': {'type': 'string'}}
            elif f == 'level':
                props[f] = {'enum': list(check.LOG_LEVELS)}
            else:
                props[f] = {'type': 'string'}
        body = {'anyOf': [props[short], {'type': 'object', 'additionalProperties': False,
                                         'properties': props}]}
        items.append({'type': 'object', 'additionalProperties': False, 'required': [kind],
                      'properties': {kind: body, 'at': {'type': 'number'}}})
    for group in check.GROUPS:
        items.append({'type': 'object', 'additionalProperties': False, 'required': [group],
                      'properties': {group: {'$ref': '#/$defs/items'}}})
    return {'oneOf': items}


def build():
    defs = {
        'id': ID,
        'scalar': {'type': ['number', 'string', 'boolean', 'null']},
        'error_type': {'enum': list(model.ERROR_TYPES)},
        'exception': {'type': 'object', 'additionalProperties': False, 'required': ['type'],
                      'properties': {'type': {'type': 'string'},
                                     'message': {'type': 'string'}}},
        'observe_expression': {'anyOf': [
            {'enum': list(model.LOOP_PROPS)},
            {'type': 'string', 'pattern': r'^[A-Za-z_][A-Za-z0-9_]*\.('
             + '|'.join(sorted({p for ps in model.OBJECT_PROPS.values() for p in ps}))
             + ')$'}]},
        'version': {'type': 'string', 'pattern': model.VERSION_RE.pattern},
        'items': {'type': 'array', 'items': {'$ref': '#/$defs/item'}},
        'item': item_schema(),
    }
    for ctx in CONTEXTS:
        defs[ctx] = step_schema(ctx)
        defs[ctx + 's'] = {'type': 'array', 'items': {'$ref': f'#/$defs/{ctx}'}}
    props = {
        'id': {'type': 'string', 'pattern': model.SCENARIO_ID_RE.pattern},
        'title': {'type': 'string', 'minLength': 1},
        'rules': {'type': 'array', 'minItems': 1,
                  'items': {'type': 'string', 'pattern': model.RULE_RE.pattern}},
        'level': {'enum': list(model.LEVELS)},
        'doc': {'type': 'object', 'additionalProperties': False,
                'required': ['source', 'section', 'text'],
                'properties': {k: {'type': 'string', 'minLength': 1}
                               for k in ('source', 'section', 'text')}},
        'since': {'$ref': '#/$defs/version'}, 'until': {'$ref': '#/$defs/version'},
        'needs': {'type': 'array', 'items': {'enum': list(model.CAPABILITIES)}},
        'tags': {'type': 'array', 'items': {'type': 'string'}},
        'timeout': {'enum': list(model.TIMEOUTS)},
        'notes': {'type': 'string'},
        'program': {'$ref': '#/$defs/steps'},
        'expect': {'type': 'object', 'additionalProperties': False, 'required': ['trace'],
                   'properties': {
                       'trace': {'$ref': '#/$defs/items'},
                       'final': {'type': 'object', 'additionalProperties': False,
                                 'properties': {k: {'type': 'boolean'}
                                                for k in check.FINAL_KEYS}}}},
    }
    return {
        '$schema': 'https://json-schema.org/draft/2020-12/schema',
        '$id': 'https://loopcheck.invalid/schema/scenario.schema.json',
        'title': f'loopcheck scenario, language version {model.VERSION}.{model.MINOR}',
        'description': 'Generated by conformance/adapters/python/schema_gen.py from the op '
                       'table; the meaning of every field is in scenarios/README.md.',
        'type': 'object', 'additionalProperties': False,
        'required': list(model.REQUIRED_TOP),
        'if': {'properties': {'level': {'const': 'documented'}}},
        'then': {'required': ['doc']},
        'properties': props, '$defs': defs,
    }


def main():
    text = json.dumps(build(), indent=1) + '\n'
    if '--check' not in sys.argv:
        with open(SCHEMA, 'w') as f:
            f.write(text)
        print(f'wrote {os.path.relpath(SCHEMA, ROOT)}')
        return 0
    with open(SCHEMA) as f:
        if f.read() != text:
            print('scenario.schema.json is out of date: run schema_gen.py')
            return 1
    try:
        import jsonschema
    except ImportError:
        print('schema up to date (jsonschema not installed: corpus not validated)')
        return 0
    import yaml_loader
    validator = jsonschema.Draft202012Validator(json.loads(text))
    bad = 0
    files = sorted(glob.glob(os.path.join(ROOT, 'scenarios', '**', '*.yaml'), recursive=True))
    for path in files:
        for err in validator.iter_errors(yaml_loader.load(path)[0]):
            bad += 1
            print(f'{os.path.relpath(path, ROOT)}: {err.json_path}: {err.message[:200]}')
    print(f'schema up to date; {len(files)} scenarios validated, {bad} errors')
    bad += check_protocol(json.loads(text), files)
    return 1 if bad else 0


def check_protocol(scenario_schema, files):
    """Validate the driver's own messages (ready, and a result per scenario) against
    protocol.schema.json."""
    import jsonschema
    import protocol
    import yaml_loader
    with open(os.path.join(ROOT, 'conformance', 'schema', 'protocol.schema.json')) as f:
        proto = json.load(f)
    resolver = jsonschema.RefResolver.from_schema(
        proto, store={scenario_schema['$id']: scenario_schema})
    validator = jsonschema.Draft202012Validator(proto, resolver=resolver)
    messages = [protocol.ready_message('asyncio'), protocol.ready_message('uvloop'),
                {'op': 'start', 'protocol': [1]}, {'op': 'stop'}, {'op': 'stopped'},
                {'op': 'error', 'seq': None, 'message': 'x'}]
    for seq, path in enumerate(files):
        raw = yaml_loader.load(path)[0]
        messages.append({'op': 'run', 'seq': seq, 'scenario': raw})
        messages.append(dict({'op': 'result', 'seq': seq}, **protocol.run(raw, 'asyncio')))
    bad = 0
    for msg in messages:
        for err in validator.iter_errors(msg):
            bad += 1
            print(f'protocol: {msg["op"]} {msg.get("seq", "")}: {err.json_path}: '
                  f'{err.message[:200]}')
    print(f'protocol schema: {len(messages)} messages validated, {bad} errors')
    return bad


if __name__ == '__main__':
    sys.exit(main())
