#!/usr/bin/python3
"""The Python reference tools, for the C++ tests that cross-check loopcheck_core.

    py_reference.py validate FILE...    one JSON line per file: {"file", "ok", "error"}
    py_reference.py check CASES.json    one JSON line per case: {"ok", "problems"}

`validate` loads and validates each file as run_corpus.py does (yaml_loader.py, then
validate.py) and prints the error exactly as run_corpus.py words it. `check` reads a JSON
list of cases {"scenario": FILE, "trace": [...], "final": {...}, "time": "virtual"|"real",
"early": s, "late": s} and runs check.py on each.
"""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'adapters', 'python'))

import check  # noqa: E402
import validate  # noqa: E402
import yaml_loader  # noqa: E402
from model import ScenarioError  # noqa: E402


def validate_file(path):
    try:
        raw, pos = yaml_loader.load(path)
    except yaml_loader.LoadError as e:
        return {'file': path, 'ok': False, 'error': str(e), 'stage': 'load'}
    except (OSError, UnicodeDecodeError) as e:
        return {'file': path, 'ok': False, 'error': f'{path}: {e}', 'stage': 'read'}
    except Exception as e:  # PyYAML errors the loader does not wrap (constructor errors)
        return {'file': path, 'ok': False, 'error': f'{path}: {type(e).__name__}: {e}', 'stage': 'crash'}
    try:
        validate.validate(raw)
    except ScenarioError as e:
        line, col = pos.at(e.path)
        sid = raw.get('id', '?') if isinstance(raw, dict) else '?'
        return {'file': path, 'ok': False, 'error': f'{path}:{line}:{col}: {sid}: {e.message}',
                'stage': 'validate'}
    except Exception as e:  # noqa: BLE001  the reference itself crashed on this input
        return {'file': path, 'ok': False, 'error': f'{path}: {type(e).__name__}: {e}', 'stage': 'crash'}
    return {'file': path, 'ok': True, 'error': None, 'stage': None}


def check_cases(path):
    with open(path, encoding='utf-8') as f:
        cases = json.load(f)
    cache = {}
    for case in cases:
        sc_path = case['scenario']
        if sc_path not in cache:
            raw, _ = yaml_loader.load(sc_path)
            cache[sc_path] = check.compile_expect(raw['expect'], ('expect',))
        tol = check.Tolerance(case.get('time', 'virtual'), case.get('early', 0.01), case.get('late', 0.1))
        res = check.check(cache[sc_path], case['trace'], case.get('final'), tol)
        print(json.dumps({'ok': res.ok, 'problems': res.problems}))


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ('validate', 'check'):
        print(__doc__, file=sys.stderr)
        return 2
    if sys.argv[1] == 'validate':
        for p in sys.argv[2:]:
            print(json.dumps(validate_file(p)))
    else:
        check_cases(sys.argv[2])
    return 0


if __name__ == '__main__':
    sys.exit(main())
