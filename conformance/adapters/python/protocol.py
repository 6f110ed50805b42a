"""The adapter side of the loopcheck process protocol (conformance/PROTOCOL.md).

JSON lines: one request per line on stdin, one answer per line on stdout. Only protocol
lines go to stdout: `serve` moves the process's fd 1 onto stderr before anything runs, so a
stray print (or a C extension writing to fd 1) lands on stderr and cannot corrupt the
stream.
"""

import json
import os
import platform
import sys
import time
import traceback

import model
from model import ScenarioError
import validate

PROTOCOL_VERSIONS = (1,)
ADAPTER = {'name': 'loopcheck-python-driver', 'version': '1.0'}


def implementation(impl):
    py = '.'.join(map(str, sys.version_info[:3]))
    if impl == 'uvloop':
        import uvloop
        return {'name': 'uvloop', 'version': uvloop.__version__, 'language': 'python',
                'asyncio_version': '.'.join(map(str, sys.version_info[:2])),
                'platform': f'{platform.system()} {platform.machine()}, CPython {py}'}
    return {'name': 'asyncio', 'version': py, 'language': 'python',
            'asyncio_version': '.'.join(map(str, sys.version_info[:2])),
            'platform': f'{platform.system()} {platform.machine()}'}


def capabilities(impl):
    caps = list(model.CAPABILITIES)
    if impl != 'asyncio':
        caps.remove('virtual_time')
        caps.remove('internals')  # uvloop's counters are not CPython's _scheduled & co.
    return caps


def time_mode(impl):
    return 'virtual' if impl == 'asyncio' else 'real'


def ready_message(impl, version=PROTOCOL_VERSIONS[-1]):
    return {'op': 'ready', 'protocol': version, 'adapter': ADAPTER,
            'implementation': implementation(impl), 'language': model.VERSION,
            'capabilities': capabilities(impl), 'time': time_mode(impl)}


def _version_tuple(s):
    return tuple(int(x) for x in s.split('.'))


def skip_reason(sc, impl):
    """Why this adapter does not run a valid scenario, or None."""
    missing = [n for n in sc.get('needs', []) if n not in capabilities(impl)]
    if missing:
        return f'needs {", ".join(missing)}'
    here = sys.version_info[:3]
    if 'since' in sc and here < _version_tuple(sc['since']):
        return f'holds since Python {sc["since"]}; this is {here[0]}.{here[1]}'
    if 'until' in sc and here >= _version_tuple(sc['until']):
        return f'holds until Python {sc["until"]} (exclusive); this is {here[0]}.{here[1]}'
    return None


def run(raw, impl):
    """Validate and run one scenario; returns the `result` fields (status, trace, ...)."""
    import interp  # imported here so `start` answers even if the loop cannot be imported
    started = time.monotonic()
    try:
        sc = validate.validate(raw)
    except ScenarioError as e:
        sid = raw.get('id') if isinstance(raw, dict) else None
        return {'status': 'invalid', 'trace': [], 'final': None, 'duration': 0.0,
                'error': {'message': f'{sid or "scenario"}: {e}', 'path': e.where()}}
    reason = skip_reason(sc, impl)
    if reason:
        return {'status': 'skipped', 'trace': [], 'final': None, 'duration': 0.0,
                'error': {'message': reason}}
    try:
        out = interp.run_scenario(sc, impl)
    except Exception as e:  # a bug in this adapter, not a scenario result
        traceback.print_exc(file=sys.stderr)
        out = {'status': 'adapter_error', 'trace': [], 'final': None,
               'error': {'message': f'{sc["id"]}: {type(e).__name__}: {e}',
                         'detail': traceback.format_exc()}}
    if out.get('error') and out['status'] in ('invalid', 'stalled'):
        out['error']['message'] = f'{sc["id"]}: {out["error"]["message"]}'
    out['duration'] = round(time.monotonic() - started, 6)
    return out


def serve(impl, stdin=None):
    """Answer requests until `stop` or end of input."""
    out = os.fdopen(os.dup(1), 'w', encoding='utf-8', buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    stdin = stdin or sys.stdin
    started = False

    def send(msg):
        out.write(json.dumps(msg, separators=(',', ':')) + '\n')
        out.flush()

    for line in stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            if not isinstance(req, dict) or not isinstance(req.get('op'), str):
                raise ValueError('a request is a JSON object with an "op" string')
        except ValueError as e:
            send({'op': 'error', 'message': f'bad request line: {e}'})
            continue
        op, seq = req['op'], req.get('seq')
        if op == 'start':
            wanted = req.get('protocol', [])
            common = [v for v in PROTOCOL_VERSIONS if v in (wanted if isinstance(wanted, list)
                                                            else [wanted])]
            if not common:
                send({'op': 'error', 'message': f'no common protocol version: harness speaks '
                                                f'{wanted}, adapter speaks '
                                                f'{list(PROTOCOL_VERSIONS)}'})
                continue
            started = True
            send(ready_message(impl, max(common)))
        elif op == 'run':
            if not started:
                send({'op': 'error', 'seq': seq, 'message': 'run before start'})
            elif 'scenario' not in req:
                send({'op': 'error', 'seq': seq, 'message': 'run needs "scenario"'})
            else:
                result = run(req['scenario'], impl)
                send(dict({'op': 'result', 'seq': seq}, **result))
        elif op == 'stop':
            send({'op': 'stopped'})
            return 0
        else:
            send({'op': 'error', 'seq': seq, 'message': f'unknown op {op!r}'})
    return 0
