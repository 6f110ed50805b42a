#!/usr/bin/python3
"""Run the scenario corpus through any adapter command over the protocol, and summarize.

    run_corpus_aio.py --adapter-cmd "build/default/conformance/adapters/aio/loopcheck-aio-adapter --backend sim"
                      [--filter SUBSTR] [-v] [--traces FILE.jsonl] [PATH ...]

The Python driver's run_corpus.py starts its own driver; this one starts the given command
and otherwise reuses that harness (deadlines, CRASH/TIMEOUT with restart, the reference
checker). The time mode (virtual/real) comes from the adapter's `ready` answer.
--traces writes one JSON line per scenario (id, verdict, status, trace) to compare runs, e.g.
two runs of the same sim seed for determinism. --schema validates every answer (ready,
results) against conformance/schema/protocol.schema.json (needs python3-jsonschema). Exit status: 0 when nothing is FAIL, ERROR,
CRASH or TIMEOUT.
"""

import argparse
import glob
import json
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY = os.path.join(HERE, '..', 'python')
sys.path.insert(0, PY)
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))

import check  # noqa: E402
import run_corpus  # noqa: E402


class CommandAdapter(run_corpus.Adapter):
    def __init__(self, argv, stderr):
        super().__init__('external', stderr)
        self.argv = argv

    def start(self):
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr)
        self.buf = b''
        self.send({'op': 'start', 'protocol': [1], 'harness': {'name': 'run_corpus_aio.py'}})
        self.ready = self.receive(30.0)
        if self.ready is None or self.ready.get('op') != 'ready':
            raise SystemExit(f'adapter did not start: {self.ready}')


def schema_validator():
    import jsonschema
    with open(os.path.join(ROOT, 'conformance', 'schema', 'protocol.schema.json')) as f:
        proto = json.load(f)
    with open(os.path.join(ROOT, 'conformance', 'schema', 'scenario.schema.json')) as f:
        scen = json.load(f)
    resolver = jsonschema.RefResolver.from_schema(proto, store={scen['$id']: scen})
    validator = jsonschema.Draft202012Validator(proto, resolver=resolver)
    return lambda msg: [f'{e.json_path}: {e.message[:200]}' for e in validator.iter_errors(msg)]


def verdict_of(sc, result, time_mode, late):
    status = result['status']
    if status == 'skipped':
        return 'SKIP', [result['error']['message']]
    if status == 'stalled':
        return 'TIMEOUT', [result['error']['message']]
    if status != 'done':
        return 'ERROR', [result.get('error', {}).get('message', status)]
    expect = check.compile_expect(sc['expect'], ('expect',))
    res = check.check(expect, result['trace'], result['final'], check.Tolerance(time_mode, late=late))
    return ('PASS' if res.ok else 'FAIL'), res.problems


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('paths', nargs='*')
    ap.add_argument('--adapter-cmd', required=True, help='the adapter command line')
    ap.add_argument('--filter', default='')
    ap.add_argument('--late', type=float, default=0.1, help='real-time tolerance (s)')
    ap.add_argument('-v', '--verbose', action='store_true')
    ap.add_argument('--stderr', default=os.devnull, help="file for the adapter's stderr")
    ap.add_argument('--traces', help='write one JSON line per scenario (id, verdict, trace)')
    ap.add_argument('--schema', action='store_true', help='validate answers against the schema')
    args = ap.parse_args()
    args.impl = 'external'  # run_corpus.run_one passes it to verdict_of; ours ignores it

    files = []
    for p in args.paths or [os.path.join(ROOT, 'scenarios')]:
        files += ([p] if os.path.isfile(p) else
                  glob.glob(os.path.join(p, '**', '*.yaml'), recursive=True))
    files = sorted(os.path.abspath(f) for f in files if args.filter in f)
    # run_corpus.run_one asks verdict_of(sc, result, impl, late): give it ours.
    time_mode = {}
    run_corpus.verdict_of = lambda sc, result, impl, late: verdict_of(
        sc, result, time_mode['mode'], late)
    counts, bad = {}, []
    traces = open(args.traces, 'w') if args.traces else None
    with open(args.stderr, 'ab') as err:
        adapter = CommandAdapter(shlex.split(args.adapter_cmd), err)
        adapter.start()
        time_mode['mode'] = adapter.ready['time']
        schema_errors = schema_validator() if args.schema else (lambda msg: [])
        for problem in schema_errors(adapter.ready):
            print(f'SCHEMA   ready: {problem}')
            bad.append('ready')
        print(f'adapter: {json.dumps(adapter.ready["implementation"])}, time={adapter.ready["time"]}')
        for seq, path in enumerate(files, 1):
            rel = os.path.relpath(path, ROOT)
            verdict, problems, result = run_corpus.run_one(adapter, seq, path, rel, args)
            if result is not None:
                problems += [f'schema: {p}' for p in schema_errors(result)]
                if any(p.startswith('schema: ') for p in problems) and verdict in ('PASS', 'SKIP'):
                    verdict = 'ERROR'
            counts[verdict] = counts.get(verdict, 0) + 1
            if traces:
                traces.write(json.dumps({'file': rel, 'verdict': verdict,
                                         'status': result and result.get('status'),
                                         'trace': result and result.get('trace')}) + '\n')
            if verdict not in ('PASS', 'SKIP'):
                bad.append(rel)
            if args.verbose or verdict not in ('PASS', 'SKIP'):
                print(f'{verdict:8} {rel}')
                for p in problems:
                    print(f'         {p}')
                if result and verdict != 'PASS':
                    for i, e in enumerate(result.get('trace', [])):
                        print(f'           #{i} {json.dumps(e)}')
        adapter.stop()
    if traces:
        traces.close()
    summary = ', '.join(f'{k} {v}' for k, v in sorted(counts.items()))
    print(f'{len(files)} scenarios: {summary}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
