#!/usr/bin/python3
"""Differential runs: random scenario programs on the reference model and on CPython's asyncio.

    differential.py --seeds 0:500            # 500 random programs; exit 1 on a difference
    differential.py --seeds 7:8 --show       # print seed 7's scenario and both answers
    differential.py --corpus                 # the corpus files the model admits
    differential.py --adapter sim --corpus   # another in-process adapter against CPython

Both sides speak the adapter protocol: the model through `loopcheck serve --adapter model`,
CPython through the Python driver (virtual time). Their answers (status, trace, final state)
must be equal, but for what the model leaves out on purpose (conformance/model/README.md):
`log` events, reprs inside messages, the per-process `Task-<n>` numbers, and runs where
CPython's garbage collector spoke ("Task was destroyed but it is pending!") or the driver
itself failed (KeyError). A program CPython does not finish within --timeout seconds is
skipped (it loops; the model gives up on those with adapter_error).

The programs use every operation of the model's capabilities (timers, cancellation,
futures, tasks, gather, the task factory, contexts, repeat, exception handlers), ids that
may be used before they exist (status invalid), and loops that stall.
"""

import argparse
import glob
import json
import os
import random
import select
import subprocess
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '../../..'))
ERRORS = ['ValueError', 'RuntimeError', 'CancelledError', 'ZeroDivisionError', 'TypeError',
          'Exception', 'SystemExit', 'KeyboardInterrupt']
NEEDS = ['virtual_time', 'tasks', 'internals', 'repeat', 'gather', 'task_factory', 'contextvars']
PROPS = {'handle': ['cancelled'], 'timer': ['cancelled', 'when'],
         'future': ['done', 'cancelled', 'result', 'exception'],
         'gather': ['done', 'cancelled', 'result', 'exception'],
         'task': ['done', 'cancelled', 'result', 'exception', 'cancelling', 'get_name']}
LOOP_PROPS = ['is_running', 'is_closed', 'time', 'current_task', 'all_tasks', 'get_exception_handler',
              'var', 'get_task_factory', 'scheduled_count', 'timer_cancelled_count', 'iterations']


class Programs:
    """A random program from a seed. `where` is top, callback or task (a body)."""

    def __init__(self, seed):
        self.r, self.n, self.kinds, self.callbacks = random.Random(seed), 0, {}, []

    def new(self, kind):
        self.n += 1
        ident = f'{kind[0]}{self.n}'
        self.kinds[ident] = kind
        return ident

    def pick(self, *kinds):
        ids = [i for i, k in self.kinds.items() if k in kinds]
        return self.r.choice(ids) if ids else None

    def delay(self):
        return self.r.choice([0, 0, 0.001, 0.001, 0.002, 0.01, 0.1, 0.3, 0.5, 1, -1, 1e-10])

    def steps(self, where, depth, n=None, in_except=False):
        n = self.r.randint(0, 3) if n is None else n
        return [s for s in (self.step(where, depth, in_except) for _ in range(n)) if s is not None]

    def step(self, where, depth, in_except):
        ops = ['record', 'record', 'call_soon', 'call_later', 'call_at', 'cancel', 'observe', 'stop',
               'set_result', 'set_exception', 'raise', 'try', 'create_future', 'add_done_callback',
               'remove_done_callback', 'create_task', 'gather', 'block', 'uncancel', 'set_var',
               'copy_context', 'run_in_context', 'repeat', 'set_exception_handler',
               'set_task_factory', 'call_soon_threadsafe', 'set_debug', 'close']
        ops += {'top': ['run_forever', 'run_forever', 'run_until_complete', 'run_until_complete',
                        'stop_later', 'stop_later', 'storm'],
                'task': ['await', 'await', 'await', 'sleep', 'sleep', 'return'],
                'callback': ['run_inside']}[where]
        if in_except:
            ops.append('reraise')
        return getattr(self, 'op_' + self.r.choice(ops))(where, depth + 1)

    # -- the operations -----------------------------------------------------------------
    def op_record(self, where, d):
        return {'record': {'name': f'r{self.r.randint(0, 99)}', **({'value': 1} if self.r.random() < 0.3 else {})}}

    def op_call_soon(self, where, d, op='call_soon'):
        if d > 3:
            return None
        st = {'do': self.steps('callback', d)}
        if self.r.random() < 0.5:
            st['id'] = self.new('handle')
        if op == 'call_soon' and self.r.random() < 0.2 and self.pick('context'):
            st['context'] = self.pick('context')
        return {op: st}

    def op_call_soon_threadsafe(self, where, d):
        return self.op_call_soon(where, d, 'call_soon_threadsafe')

    def op_call_later(self, where, d, op='call_later'):
        if d > 3:
            return None
        when = None if self.r.random() < 0.03 else self.delay()
        st = {'delay' if op == 'call_later' else 'at': when, 'do': self.steps('callback', d)}
        if self.r.random() < 0.6:
            st['id'] = self.new('timer')
        return {op: st}

    def op_call_at(self, where, d):
        return self.op_call_later(where, d, 'call_at')

    def op_storm(self, where, d):  # many timers, most cancelled: the 100-timer / 50% cleanup
        t = self.new('timer')
        body = [{'call_later': {'id': t, 'delay': self.r.choice([0.001, 0.002, 0.5, 1]),
                                'do': [{'record': 's'}] if self.r.random() < 0.3 else []}}]
        if self.r.random() < 0.7:
            body.append({'cancel': t})
        if self.r.random() < 0.5:
            body.append({'observe': self.r.choice(['scheduled_count', 'timer_cancelled_count'])})
        return {'repeat': {'times': self.r.randint(40, 160), 'do': body}}

    def op_cancel(self, where, d):
        t = self.pick('handle', 'timer', 'future', 'task', 'gather')
        if not t:
            return None
        st = {'target': t}
        if self.kinds[t] in ('future', 'task', 'gather') and self.r.random() < 0.5:
            st['msg'] = self.r.choice(['m1', 'm2', ''])
        if self.r.random() < 0.5:
            st['as'] = 'cancelled'
        return {'cancel': st}

    def op_observe(self, where, d):
        t = self.pick('handle', 'timer', 'future', 'task', 'gather')
        if self.r.random() < 0.4 or not t:
            return {'observe': self.r.choice(LOOP_PROPS)}
        return {'observe': f'{t}.{self.r.choice(PROPS[self.kinds[t]])}'}

    def op_stop(self, where, d):
        return 'stop'

    def op_stop_later(self, where, d):
        return {'call_later': {'delay': self.r.choice([0, 0.001, 0.5, 2]), 'do': ['stop']}}

    def op_close(self, where, d):
        return 'close'

    def op_run_forever(self, where, d):
        return 'run_forever'

    def op_run_inside(self, where, d):  # "This event loop is already running"
        return self.r.choice(['run_forever', {'run_until_complete': {'body': []}}])

    def op_run_until_complete(self, where, d):
        t = self.pick('future', 'task', 'gather')
        if t and self.r.random() < 0.5:
            return {'run_until_complete': {'target': t, 'as': 'ruc'}}
        return {'run_until_complete': {'body': self.steps('task', d, self.r.randint(0, 4)), 'as': 'ruc'}}

    def op_set_result(self, where, d):
        t = self.pick('future', 'future', 'task')
        return {'set_result': {'future': t, 'value': self.r.randint(0, 9)}} if t else None

    def op_set_exception(self, where, d):
        t = self.pick('future')
        return {'set_exception': {'future': t, 'type': self.r.choice(ERRORS), 'message': 'e'}} if t else None

    def op_raise(self, where, d):
        return {'raise': {'type': self.r.choice(ERRORS), **({'message': 'x'} if self.r.random() < 0.7 else {})}}

    def op_reraise(self, where, d):
        return 'reraise'

    def op_try(self, where, d):
        if d > 4:
            return None
        st = {'do': self.steps(where, d)}
        if self.r.random() < 0.8:
            types = lambda: self.r.choice([self.r.choice(ERRORS), ['ValueError', 'CancelledError'], 'BaseException'])
            st['except'] = [{'type': types(), 'do': self.steps(where, d, in_except=True)}
                            for _ in range(self.r.randint(1, 2))]
        if self.r.random() < 0.4 or 'except' not in st:
            st['finally'] = self.steps(where, d)
        return {'try': st}

    def op_create_future(self, where, d):
        return {'create_future': self.new('future')}

    def op_add_done_callback(self, where, d):
        t = self.pick('future', 'task', 'gather')
        if not t or d > 3:
            return None
        if self.callbacks and self.r.random() < 0.3:
            return {'add_done_callback': {'future': t, 'id': self.r.choice(self.callbacks)}}
        self.n += 1
        self.callbacks.append(f'cb{self.n}')
        return {'add_done_callback': {'future': t, 'id': self.callbacks[-1], 'do': self.steps('callback', d)}}

    def op_remove_done_callback(self, where, d):
        t = self.pick('future', 'task', 'gather')
        if not t or not self.callbacks:
            return None
        return {'remove_done_callback': {'future': t, 'id': self.r.choice(self.callbacks), 'as': 'removed'}}

    def op_create_task(self, where, d):
        if d > 3:
            return None
        body = self.steps('task', d, self.r.randint(0, 4))
        st = {'id': self.new('task'), 'body': body}
        if self.r.random() < 0.3:
            st['name'] = f'n{self.n}'
        if self.r.random() < 0.1 and self.pick('context'):
            st['context'] = self.pick('context')
        return {'create_task': st}

    def op_await(self, where, d):
        t = self.pick('future', 'task', 'gather')
        return {'await': {'target': t, 'as': 'awaited'}} if t else None

    def op_sleep(self, where, d):
        return {'sleep': self.delay()}

    def op_return(self, where, d):
        return {'return': self.r.randint(0, 9)}

    def op_gather(self, where, d):
        of = [self.pick('future', 'task') for _ in range(self.r.randint(1, 3))]
        if not of[0]:
            return None
        return {'gather': {'id': self.new('gather'), 'of': of,
                           **({'return_exceptions': True} if self.r.random() < 0.5 else {})}}

    def op_block(self, where, d):
        return {'block': self.r.choice([0.001, 0.5, 1])}

    def op_uncancel(self, where, d):
        t = self.pick('task')
        return {'uncancel': {'task': t, 'as': 'uncancelled'}} if t else None

    def op_set_var(self, where, d):
        return {'set_var': self.r.randint(0, 9)}

    def op_copy_context(self, where, d):
        return {'copy_context': self.new('context')}

    def op_run_in_context(self, where, d):
        t = self.pick('context')
        return {'run_in_context': {'context': t, 'do': self.steps('callback', d)}} if t and d <= 3 else None

    def op_repeat(self, where, d):
        return {'repeat': {'times': self.r.randint(1, 3), 'do': self.steps(where, d)}} if d <= 3 else None

    def op_set_exception_handler(self, where, d):
        mode = self.r.choice(['record', 'record', 'raise', 'default'])
        extra = {'type': self.r.choice(ERRORS), 'message': 'h'} if mode == 'raise' else {}
        return {'set_exception_handler': {'mode': mode, **extra}}

    def op_set_task_factory(self, where, d):
        return {'set_task_factory': self.r.choice(['record', 'default'])}

    def op_set_debug(self, where, d):
        return {'set_debug': False}

    def scenario(self, seed):
        program = [{'set_exception_handler': 'record'}] if self.r.random() < 0.8 else []
        program += self.steps('top', 0, self.r.randint(2, 12))
        program += [{'call_later': {'delay': 5, 'do': ['stop']}}, 'run_forever', {'observe': 'time'}, 'close']
        return {'id': f'differential/seed_{seed}', 'title': 'a random program', 'rules': ['ORD-01'],
                'level': 'reference', 'needs': NEEDS, 'program': program, 'expect': {'trace': []}}


class Adapter:
    """An adapter process over the protocol; restart() after a hang."""

    def __init__(self, argv):
        self.argv = argv
        self.restart()

    def restart(self):
        if getattr(self, 'p', None):
            self.p.kill()
            self.p.wait()
        self.p = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True, bufsize=1)
        self.seq = 0
        self.ready = self.ask({'op': 'start', 'protocol': [1]}, 30)

    def ask(self, request, timeout):
        self.p.stdin.write(json.dumps(request) + '\n')
        self.p.stdin.flush()
        if not select.select([self.p.stdout], [], [], timeout)[0]:
            return None
        line = self.p.stdout.readline()
        return json.loads(line) if line else None

    def run(self, scenario, timeout):
        self.seq += 1
        return self.ask({'op': 'run', 'seq': self.seq, 'scenario': scenario, 'seed': 1}, timeout)


def comparable(answer):
    """The parts of an answer both sides must agree on (see the module's docstring)."""
    trace = []
    for event in answer['trace']:
        if event['kind'] == 'log':
            continue
        event = dict(event)
        if '<' in event.get('message', '') or 'callback' in event.get('message', ''):
            event['message'] = '<repr>'
        if isinstance(event.get('exception'), dict) and '<' in event['exception']['message']:
            event['exception'] = dict(event['exception'], message='<repr>')
        if isinstance(event.get('value'), str) and event['value'].startswith('Task-'):
            event['value'] = 'Task-<n>'
        trace.append(event)
    error = (answer.get('error') or {}).get('message', '')
    return {'status': answer['status'], 'trace': trace, 'final': answer.get('final'),
            'error': error.split(':')[0] if answer['status'] == 'invalid' else error}


def cpython_noise(answer):
    text = json.dumps(answer['trace'])
    return any(s in text for s in ('KeyError', 'destroyed but it is pending', 'never retrieved'))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--seeds', default='0:200', help='A:B, the seeds A to B-1 (default 0:200)')
    ap.add_argument('--corpus', action='store_true', help='the corpus instead of random programs')
    ap.add_argument('--loopcheck', default=os.path.join(ROOT, 'build/default/conformance/loopcheck'))
    ap.add_argument('--adapter', default='model', help='the in-process adapter to compare (default model)')
    ap.add_argument('--timeout', type=float, default=10, help='seconds CPython may take per program')
    ap.add_argument('--show', action='store_true', help='print every scenario and both answers')
    args = ap.parse_args()
    model = Adapter([args.loopcheck, 'serve', '--adapter', args.adapter])
    cpython = Adapter(['/usr/bin/python3', os.path.join(ROOT, 'conformance/adapters/python/loopcheck_driver.py'),
                       '--impl', 'asyncio'])
    if args.corpus:
        import yaml
        caps = set(model.ready['capabilities'])
        cases = [(f, yaml.safe_load(open(f))) for f in sorted(glob.glob(os.path.join(ROOT, 'scenarios/*/*.yaml')))]
        cases = [(f, sc) for f, sc in cases if set(sc.get('needs', [])) <= caps]
    else:
        a, b = (int(x) for x in args.seeds.split(':'))
        cases = [(seed, Programs(seed).scenario(seed)) for seed in range(a, b)]
    counts = {'same': 0, 'different': 0, 'cpython_noise': 0, 'cpython_timeout': 0}
    for name, scenario in cases:
        theirs = cpython.run(scenario, args.timeout)
        if theirs is None:
            cpython.restart()
            counts['cpython_timeout'] += 1
            continue
        ours = model.run(scenario, 120)
        if ours is None:
            model.restart()
            ours = {'status': 'no answer (the model hung or died)', 'trace': []}
        if cpython_noise(theirs):
            counts['cpython_noise'] += 1
            continue
        same = comparable(ours) == comparable(theirs)
        counts['same' if same else 'different'] += 1
        if not same or args.show:
            print(('SAME ' if same else 'DIFFERENT ') + str(name))
            print('  scenario', json.dumps(scenario))
            print('  model   ', json.dumps(comparable(ours)))
            print('  cpython ', json.dumps(comparable(theirs)))
    print(', '.join(f'{k} {v}' for k, v in counts.items()))
    return 1 if counts['different'] else 0


if __name__ == '__main__':
    sys.exit(main())
