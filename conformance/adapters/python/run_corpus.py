#!/usr/bin/python3
"""Run every scenario through the Python driver *over the adapter protocol* and summarize.

    run_corpus.py --impl asyncio|uvloop [--filter SUBSTR] [-v] [--lint] [PATH ...]

A small harness: it starts `loopcheck_driver.py` as a child process, sends `start`, one
`run` per scenario with a deadline from the scenario's timeout class, and `stop`. A child
that dies is a CRASH, one that stays silent past the deadline a TIMEOUT; either way it is
killed and restarted for the next scenario (PROTOCOL.md, "Deadlines and failures").
Exit status: 0 when nothing is FAIL, ERROR, CRASH or TIMEOUT.

--lint also checks that each scenario's doc.text occurs in its doc.source (whitespace and
markup folded), searched in ../shared/seeds and conformance/spec beside this repository.
"""

import argparse
import glob
import json
import os
import re
import select
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))

import model  # noqa: E402
import validate  # noqa: E402
import yaml_loader  # noqa: E402
from loopcheck_driver import verdict_of  # noqa: E402
from model import ScenarioError  # noqa: E402


class Adapter:
    """The driver as a child process speaking the protocol."""

    def __init__(self, impl, stderr):
        self.impl, self.stderr = impl, stderr
        self.proc, self.buf, self.ready = None, b'', None

    def start(self):
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(HERE, 'loopcheck_driver.py'), '--impl', self.impl],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr)
        self.buf = b''
        self.send({'op': 'start', 'protocol': [1], 'harness': {'name': 'run_corpus.py'}})
        self.ready = self.receive(30.0)
        if self.ready is None or self.ready.get('op') != 'ready':
            raise SystemExit(f'adapter did not start: {self.ready}')

    def send(self, msg):
        self.proc.stdin.write((json.dumps(msg) + '\n').encode())
        self.proc.stdin.flush()

    def receive(self, deadline):
        """One answer line, None on TIMEOUT; raises EOFError on CRASH."""
        end = time.monotonic() + deadline
        while b'\n' not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.proc.stdout], [], [], left)
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    raise EOFError(f'adapter exited with status {self.proc.wait()}')
                self.buf += chunk
        line, _, self.buf = self.buf.partition(b'\n')
        return json.loads(line)

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait()
        self.proc = None

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.send({'op': 'stop'})
            self.receive(5.0)
            self.proc.wait(5)


def fold(text):
    text = re.sub(r'[*`¶]', '', text)
    text = text.replace('\u2019', "'").replace('\u2018', "'")
    return re.sub(r'\s+', ' ', text).strip()


def lint_doc(sc, cache):
    doc = sc.get('doc')
    if not doc:
        return None
    candidates = [os.path.join(ROOT, '..', 'shared', 'seeds', doc['source']),
                  os.path.join(ROOT, 'conformance', 'spec', doc['source'])]
    path = next((p for p in candidates if os.path.exists(p)), None)
    if path is None:
        return f'doc.source {doc["source"]!r} not found'
    if path not in cache:
        with open(path, encoding='utf-8') as f:
            cache[path] = fold(f.read())
    if fold(doc['text']) not in cache[path]:
        return f'doc.text does not occur in {doc["source"]}'
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('paths', nargs='*', help='scenario files or directories (default: '
                                              'the whole scenarios/ tree)')
    ap.add_argument('--impl', choices=('asyncio', 'uvloop'), default='asyncio')
    ap.add_argument('--filter', default='', help='only scenario files whose path has this')
    ap.add_argument('--late', type=float, default=0.1, help='real-time tolerance (s)')
    ap.add_argument('--lint', action='store_true', help='also check doc quotes')
    ap.add_argument('-v', '--verbose', action='store_true', help='print traces of failures')
    ap.add_argument('--stderr', default=os.devnull, help="file for the adapter's stderr")
    args = ap.parse_args()

    files = []
    for p in args.paths or [os.path.join(ROOT, 'scenarios')]:
        files += ([p] if os.path.isfile(p) else
                  glob.glob(os.path.join(p, '**', '*.yaml'), recursive=True))
    files = sorted(os.path.abspath(f) for f in files if args.filter in f)
    counts, bad, lint_cache = {}, [], {}
    with open(args.stderr, 'ab') as err:
        adapter = Adapter(args.impl, err)
        adapter.start()
        print(f'adapter: {json.dumps(adapter.ready["implementation"])}, '
              f'time={adapter.ready["time"]}')
        for seq, path in enumerate(files, 1):
            rel = os.path.relpath(path, ROOT)
            verdict, problems, result = run_one(adapter, seq, path, rel, args)
            if args.lint and verdict != 'ERROR':
                problem = lint_doc(yaml_loader.load(path)[0], lint_cache)
                if problem:
                    verdict, problems = 'ERROR', [problem]
            counts[verdict] = counts.get(verdict, 0) + 1
            if verdict not in ('PASS', 'SKIP'):
                bad.append((rel, verdict, problems, result))
            if args.verbose or verdict not in ('PASS', 'SKIP'):
                print(f'{verdict:8} {rel}')
                for p in problems:
                    print(f'         {p}')
                if args.verbose and result and verdict != 'PASS':
                    for i, e in enumerate(result.get('trace', [])):
                        print(f'           #{i} {json.dumps(e)}')
        adapter.stop()
    summary = ', '.join(f'{k} {v}' for k, v in sorted(counts.items()))
    print(f'{len(files)} scenarios on {args.impl}: {summary}')
    return 1 if bad else 0


def run_one(adapter, seq, path, rel, args):
    try:
        raw, pos = yaml_loader.load(path)
        sc = validate.validate(raw)
    except yaml_loader.LoadError as e:
        return 'ERROR', [str(e)], None
    except ScenarioError as e:
        line, col = pos.at(e.path)
        sid = raw.get('id', '?') if isinstance(raw, dict) else '?'
        return 'ERROR', [f'{rel}:{line}:{col}: {sid}: {e.message}'], None
    deadline = model.TIMEOUTS[sc['timeout']]
    if adapter.proc is None:
        adapter.start()
    try:
        adapter.send({'op': 'run', 'seq': seq, 'scenario': raw})
        result = adapter.receive(deadline)
    except (EOFError, BrokenPipeError) as e:
        adapter.kill()
        return 'CRASH', [str(e)], None
    except ValueError as e:
        adapter.kill()
        return 'ERROR', [f'answer is not JSON: {e}'], None
    if result is None:
        adapter.kill()
        return 'TIMEOUT', [f'no answer within {deadline} s'], None
    if result.get('seq') != seq:
        adapter.kill()
        return 'ERROR', [f'answer for seq {result.get("seq")}, expected {seq}'], result
    verdict, problems = verdict_of(sc, result, args.impl, args.late)
    return verdict, problems, result


if __name__ == '__main__':
    sys.exit(main())
