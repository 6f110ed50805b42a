#!/usr/bin/python3
"""loopcheck's Python driver: runs scenarios on CPython's asyncio or on uvloop.

    loopcheck_driver.py --impl asyncio              speak the adapter protocol on stdin/stdout
    loopcheck_driver.py --impl uvloop --scenario scenarios/ordering/call_soon_fifo.yaml
                                                    run one file, print its trace and verdict

asyncio runs on virtual time (vtime.py); uvloop cannot, so it runs on real time and says so
in its `ready` answer (`"time": "real"`), and the checker applies a time tolerance.
Standard library only, plus uvloop when selected and PyYAML for --scenario.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import check  # noqa: E402
import protocol  # noqa: E402
import validate  # noqa: E402
from model import ScenarioError  # noqa: E402


def load_file(path):
    """(raw scenario, positions) from a .yaml or .json file; exits 2 with file:line:col."""
    import yaml_loader
    try:
        if path.endswith('.json'):
            with open(path, encoding='utf-8') as f:
                return json.load(f), yaml_loader.Positions()
        return yaml_loader.load(path)
    except (yaml_loader.LoadError, OSError, ValueError) as e:
        print(f'error: {e}', file=sys.stderr)
        sys.exit(2)


def run_file(path, impl, late, as_json=False):
    raw, pos = load_file(path)
    try:
        sc = validate.validate(raw)
    except ScenarioError as e:
        line, col = pos.at(e.path)
        sid = raw.get('id', '?') if isinstance(raw, dict) else '?'
        print(f'{path}:{line}:{col}: {sid}: {e.message}', file=sys.stderr)
        return 2
    result = protocol.run(raw, impl)
    verdict, problems = verdict_of(sc, result, impl, late)
    if as_json:
        print(json.dumps(dict(result, verdict=verdict, problems=problems), indent=2))
    else:
        print(f'{sc["id"]} on {impl} ({protocol.time_mode(impl)} time): {result["status"]}')
        print(check.format_trace(result['trace']) or '  (empty trace)')
        print(f'  final: {json.dumps(result["final"])}')
        for p in problems:
            print(f'  {p}')
        print(verdict)
    return 0 if verdict in ('PASS', 'SKIP') else 1


def verdict_of(sc, result, impl, late=0.1):
    """PASS / FAIL / SKIP / ERROR / TIMEOUT from a run result, with the reasons."""
    status = result['status']
    if status == 'skipped':
        return 'SKIP', [result['error']['message']]
    if status == 'stalled':
        return 'TIMEOUT', [result['error']['message']]
    if status != 'done':
        return 'ERROR', [result.get('error', {}).get('message', status)]
    expect = check.compile_expect(sc['expect'], ('expect',))
    tol = check.Tolerance(protocol.time_mode(impl), late=late)
    res = check.check(expect, result['trace'], result['final'], tol)
    return ('PASS' if res.ok else 'FAIL'), res.problems


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--impl', choices=('asyncio', 'uvloop'), default='asyncio')
    ap.add_argument('--scenario', metavar='FILE', help='run one scenario file and exit')
    ap.add_argument('--json', action='store_true', help='with --scenario: print JSON')
    ap.add_argument('--late', type=float, default=0.1,
                    help='real-time tolerance for late events, seconds (default 0.1)')
    args = ap.parse_args(argv)
    if args.scenario:
        return run_file(args.scenario, args.impl, args.late, args.json)
    return protocol.serve(args.impl)


if __name__ == '__main__':
    sys.exit(main())
