#!/usr/bin/env python3
"""Regenerates the generated seed corpora under fuzz/corpus/ from the real scenario corpus
and real adapter traffic (`loopcheck serve --adapter sim`).

    fuzz/make_seeds.py build/default/conformance/loopcheck

Writes fuzz/corpus/{check_trace,protocol_answer,aio_serve}/seed-*; leaves other files
(hand-written seeds, crash-* regressions) alone. scenario_yaml and harness_files read most
of their seeds in place (scenarios/, conformance/...): see fuzz/CMakeLists.txt.
"""
import glob
import json
import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, 'fuzz', 'corpus')
EVERY = 5  # one scenario in EVERY becomes a seed (the corpus has ~270)


def scenarios():
    files = sorted(glob.glob(os.path.join(ROOT, 'scenarios', '*', '*.yaml')))
    for path in files[::EVERY]:
        with open(path, encoding='utf-8') as f:
            yield os.path.relpath(path, ROOT), yaml.safe_load(f)


def serve(loopcheck, requests):
    """The answers of `loopcheck serve --adapter sim` to the request lines."""
    text = ''.join(json.dumps(r) + '\n' for r in requests)
    out = subprocess.run([loopcheck, 'serve', '--adapter', 'sim'], input=text, capture_output=True,
                         text=True, check=True, timeout=120).stdout
    return out.splitlines()


def write(target, name, text):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    with open(os.path.join(CORPUS, target, 'seed-' + name), 'w', encoding='utf-8') as f:
        f.write(text)


def clear(target):
    for old in glob.glob(os.path.join(CORPUS, target, 'seed-*')):
        os.remove(old)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    loopcheck = sys.argv[1]
    for t in ('check_trace', 'protocol_answer', 'aio_serve'):
        clear(t)
    picked = list(scenarios())
    start = {'op': 'start', 'protocol': [1], 'harness': {'name': 'loopcheck', 'version': '0.1.0'}}
    runs = [{'op': 'run', 'seq': i + 1, 'scenario': sc, 'deadline': 10.0, 'seed': 1}
            for i, (_, sc) in enumerate(picked)]
    answers = serve(loopcheck, [start] + runs + [{'op': 'stop'}])
    ready, results = answers[0], answers[1:1 + len(runs)]

    for (path, sc), run, answer in zip(picked, runs, results):
        name = os.path.splitext(path.replace('scenarios/', '').replace('/', '-'))[0]
        # check_trace: the expect section, then the adapter's real answer.
        expect = yaml.safe_dump(sc.get('expect'), sort_keys=False, allow_unicode=True)
        write('check_trace', name, expect + '===\n' + answer + '\n')
        # protocol_answer: the handshake answer, then this run's answer as seq 1.
        write('protocol_answer', name, ready + '\n' + answer.replace('"seq": %d' % run['seq'], '"seq": 1', 1)
              .replace('"seq":%d' % run['seq'], '"seq":1', 1) + '\n')
        # aio_serve: a session running this scenario (fd readiness ones are skipped there).
        text = json.dumps(sc)
        if 'add_reader' not in text and 'add_writer' not in text:
            write('aio_serve', name, '\n'.join(json.dumps(r) for r in (start, dict(run, seq=1), {'op': 'stop'})) + '\n')

    # Protocol edge cases, from conformance/PROTOCOL.md.
    write('protocol_answer', 'protocol-doc', '\n'.join([
        '{"op": "ready", "protocol": 1, "language": 1, "adapter": {"name": "loopcheck-python-driver", '
        '"version": "1.0"}, "implementation": {"name": "uvloop", "version": "0.17.0", "language": "python", '
        '"asyncio_version": "3.11", "platform": "Linux x86_64, CPython 3.11.2"}, "capabilities": ["tasks", '
        '"threads", "pipes", "socketpair", "debug", "logs"], "time": "real"}',
        '{"op": "result", "seq": 1, "status": "done", "trace": [{"kind": "record", "name": "t0", "t": 0.5}, '
        '{"kind": "record", "name": "t1", "t": 0.5}], "final": {"running": false, "closed": true}, "duration": 0.0012}',
        '{"op": "result", "seq": 2, "status": "stalled", "trace": [], "final": null, "error": {"message": "x: stalled"}}',
        '{"op": "error", "seq": 3, "message": "run before start"}',
        '{"op": "result", "seq": 4, "status": "invalid", "trace": [], "final": null, '
        '"error": {"message": "x: bad", "path": "/program/3/call_later/delay"}}',
        '{"op": "result", "seq": 5, "status": "done", "trace": [{"kind": "value", "name": "result", '
        '"value": {"type": "ValueError", "message": "boom"}, "t": 0}], "final": {"running": false, "closed": false}}',
    ]) + '\n')
    write('aio_serve', 'bad-requests', '\n'.join([
        json.dumps(runs[0]), 'this is not json', '[1, 2]', '',
        json.dumps({'op': 'start', 'protocol': [2, 3]}), json.dumps(start),
        json.dumps({'op': 'dance', 'seq': 5}), json.dumps({'op': 'run', 'seq': 6}),
        json.dumps({'op': 'run', 'seq': 7, 'scenario': 'not a scenario'}), json.dumps({'op': 'stop'}),
    ]) + '\n')
    print('seeds written under', os.path.relpath(CORPUS, ROOT))


if __name__ == '__main__':
    main()
