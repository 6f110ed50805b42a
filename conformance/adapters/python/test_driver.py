#!/usr/bin/python3
"""Tests of the Python driver's own parts: checker, validator, YAML loader, protocol.

    /usr/bin/python3 conformance/adapters/python/test_driver.py

The checker cases double as the specification of matching for other checkers: each says
which trace an expectation accepts or rejects, and why.
"""

import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import check  # noqa: E402
import protocol  # noqa: E402
import validate  # noqa: E402
import yaml_loader  # noqa: E402
from model import ScenarioError  # noqa: E402


def rec(name, t=0.0, **kw):
    return dict({'kind': 'record', 'name': name, 't': t}, **kw)


def expect(trace, final=None):
    raw = {'trace': trace}
    if final is not None:
        raw['final'] = final
    return check.compile_expect(raw, ('expect',))


def ok(items, events, tol=None, final=None):
    return check.check(expect(items), events, final, tol).ok


class CheckerTest(unittest.TestCase):
    def test_sequence_is_exact_and_complete(self):
        self.assertTrue(ok([{'record': 'a'}, {'record': 'b'}], [rec('a'), rec('b')]))
        self.assertFalse(ok([{'record': 'a'}, {'record': 'b'}], [rec('b'), rec('a')]))
        self.assertFalse(ok([{'record': 'a'}], [rec('a'), rec('b')]))  # extra event
        self.assertFalse(ok([{'record': 'a'}, {'record': 'b'}], [rec('a')]))  # missing

    def test_unordered_accepts_any_permutation(self):
        items = [{'unordered': [{'record': 'a'}, {'record': 'b'}, {'record': 'c'}]}]
        for order in ('abc', 'acb', 'bac', 'bca', 'cab', 'cba'):
            self.assertTrue(ok(items, [rec(x) for x in order]), order)
        self.assertFalse(ok(items, [rec('a'), rec('b')]))
        self.assertFalse(ok(items, [rec('a'), rec('a'), rec('b')]))

    def test_sequences_inside_unordered_stay_contiguous(self):
        items = [{'unordered': [{'sequence': [{'record': 'a1'}, {'record': 'a2'}]},
                                {'record': 'b'}]}]
        self.assertTrue(ok(items, [rec('b'), rec('a1'), rec('a2')]))
        self.assertTrue(ok(items, [rec('a1'), rec('a2'), rec('b')]))
        self.assertFalse(ok(items, [rec('a1'), rec('b'), rec('a2')]))

    def test_backtracking_finds_the_split(self):
        # A greedy matcher would give the first `a` to the first group and fail.
        items = [{'unordered': [{'record': 'a'}, {'record': 'b'}]}, {'record': 'a'}]
        self.assertTrue(ok(items, [rec('b'), rec('a'), rec('a')]))

    def test_unlisted_fields_are_not_checked(self):
        ev = {'kind': 'handler', 'message': 'Exception in callback f() at x.py:1',
              'keys': ['message', 'exception', 'handle'],
              'exception': {'type': 'ValueError', 'message': 'boom'}, 't': 0}
        self.assertTrue(ok([{'handler': {'exception': {'type': 'ValueError'}}}], [ev]))
        self.assertTrue(ok([{'handler': 'Exception in callback *'}], [ev]))
        self.assertTrue(ok([{'handler': {'keys': ['handle', 'exception', 'message']}}], [ev]))
        self.assertFalse(ok([{'handler': {'keys': ['exception', 'message']}}], [ev]))
        self.assertFalse(ok([{'handler': {'exception': None}}], [ev]))

    def test_globs(self):
        self.assertTrue(check.glob_match('a*c', 'a\nb\nc'))
        self.assertTrue(check.glob_match('took 0.2?0 s', 'took 0.250 s'))
        self.assertFalse(check.glob_match('a?c', 'ac'))
        self.assertTrue(check.glob_match(r'lit\*', 'lit*'))
        self.assertFalse(check.glob_match(r'lit\*', 'litx'))
        self.assertTrue(check.glob_match('a.b', 'a.b'))
        self.assertFalse(check.glob_match('a.b', 'axb'))

    def test_values_compare_by_type(self):
        val = lambda v: [{'kind': 'value', 'name': 'x', 'value': v, 't': 0}]  # noqa: E731
        self.assertTrue(ok([{'value': {'name': 'x', 'value': 1}}], val(1.0)))
        self.assertFalse(ok([{'value': {'name': 'x', 'value': 1}}], val(True)))
        self.assertFalse(ok([{'value': {'name': 'x', 'value': True}}], val(1)))
        self.assertFalse(ok([{'value': {'name': 'x', 'value': '1'}}], val(1)))
        self.assertTrue(ok([{'value': {'name': 'x', 'value': None}}], val(None)))

    def test_times(self):
        virtual, real = check.Tolerance('virtual'), check.Tolerance('real', 0.01, 0.1)
        self.assertTrue(ok([{'record': 'a', 'at': 0.3}], [rec('a', 0.30000000004)], virtual))
        self.assertFalse(ok([{'record': 'a', 'at': 0.3}], [rec('a', 0.31)], virtual))
        self.assertTrue(ok([{'record': 'a', 'at': 0.3}], [rec('a', 0.39)], real))
        self.assertFalse(ok([{'record': 'a', 'at': 0.3}], [rec('a', 0.41)], real))
        self.assertFalse(ok([{'record': 'a', 'at': 0.3}], [rec('a', 0.28)], real))
        timed = [{'kind': 'value', 'name': 'time', 'value': 0.35, 'time': True, 't': 0}]
        self.assertTrue(ok([{'value': {'name': 'time', 'value': 0.3}}], timed, real))
        self.assertFalse(ok([{'value': {'name': 'time', 'value': 0.3}}], timed, virtual))

    def test_final_state(self):
        exp = expect([], {'closed': True})
        self.assertTrue(check.check(exp, [], {'running': False, 'closed': True}).ok)
        self.assertFalse(check.check(exp, [], {'running': False, 'closed': False}).ok)

    def test_failure_names_the_event_and_the_item(self):
        res = check.check(expect([{'record': 'a'}, {'record': 'b'}]), [rec('a'), rec('c')])
        self.assertIn('event #1', res.problems[0])
        self.assertIn('/expect/trace/1/record', res.problems[0])

    def test_bad_expectations_are_rejected(self):
        for bad, where in (([{'record': 'a', 'colour': 1}], '/expect/trace/0/colour'),
                           ([{'record': {'nam': 'a'}}], '/expect/trace/0/record/nam'),
                           ([{'unordered': [{'record': 'a'}]}], '/expect/trace/0/unordered'),
                           ([{'log': {'level': 'INFO'}}], '/expect/trace/0/log/level'),
                           ([{'record': 'a', 'value': {'name': 'x'}}], '/expect/trace/0')):
            with self.assertRaises(ScenarioError) as cm:
                expect(bad)
            self.assertEqual(cm.exception.where(), where)


BASE = 'id: a/b\ntitle: t\nrules: [ORD-01]\nlevel: reference\nexpect: {trace: []}\n'


class ValidatorTest(unittest.TestCase):
    def error(self, text):
        raw, pos = yaml_loader.loads(BASE + text, 'x.yaml')
        with self.assertRaises(ScenarioError) as cm:
            validate.validate(raw)
        return cm.exception, pos.at(cm.exception.path)

    def test_errors_name_the_place(self):
        e, (line, col) = self.error('program:\n  - call_later: {delay: "1", do: []}\n')
        self.assertEqual(e.where(), '/program/0/call_later/delay')
        self.assertEqual((line, col), (7, 25))
        e, _ = self.error('program:\n  - frobnicate\n')
        self.assertIn("unknown operation 'frobnicate'", e.message)
        e, _ = self.error('program:\n  - call_soon: {do: [], when: 1}\n')
        self.assertEqual(e.where(), '/program/0/call_soon/when')

    def test_context_rules(self):
        self.assertIn('task body', self.error('program: [{sleep: 1}]\n')[0].message)
        self.assertIn('except', self.error('program: [reraise]\n')[0].message)
        e, _ = self.error('needs: [tasks]\nprogram:\n  - create_task: {id: t, body: '
                          '[{call_soon: {do: [{await: t}]}}]}\n')
        self.assertIn('task body', e.message)

    def test_ids(self):
        e, _ = self.error('program: [{create_future: f}, {create_future: f}]\n')
        self.assertIn('already defined', e.message)
        e, _ = self.error('program: [{cancel: nope}]\n')
        self.assertIn("unknown id 'nope'", e.message)
        e, _ = self.error('program: [{pipe: p}, {read: p.a}]\nneeds: [pipes]\n')
        self.assertIn('ends r and w', e.message)
        e, _ = self.error('program: [{create_future: f}, {observe: f.when}]\n')
        self.assertIn("no property 'when'", e.message)

    def test_needs_must_be_declared(self):
        e, _ = self.error('program: [{pipe: p}]\n')
        self.assertEqual(e.where(), '/needs')

    def test_yaml_subset(self):
        for text, msg in (('program: [{set_debug: yes}]\n', 'YAML 1.1'),
                          ('program: &a []\n', 'anchors'),
                          ('program: []\nprogram: []\n', 'duplicate key'),
                          ('program: [!!str x]\n', 'tags'),
                          ('program: [{record: "yes"}]\n', None)):
            try:
                yaml_loader.loads(BASE + text, 'x.yaml')
            except yaml_loader.LoadError as e:
                self.assertIn(msg, str(e))
                self.assertTrue(str(e).startswith('x.yaml:'), str(e))
            else:
                self.assertIsNone(msg, text)


class YamlFileTest(unittest.TestCase):
    def load_bytes(self, data):
        import tempfile
        with tempfile.NamedTemporaryFile(suffix='.yaml', delete=False) as f:
            f.write(data)
        try:
            return yaml_loader.load(f.name), f.name
        except yaml_loader.LoadError as e:
            return str(e), f.name
        finally:
            os.unlink(f.name)

    def test_text_that_is_not_utf8_is_an_error_with_its_position(self):
        # The same message as the C++ loader (YamlLoader.TextThatIsNotUtf8IsRejected...).
        for data, where, byte, offset in ((b'id: a\ntitle: "b\xff"\n', '2:10', 'FF', 15),
                                          (b'a: \xc3', '1:4', 'C3', 3),
                                          (b'a: \xed\xa0\x80', '1:4', 'ED', 3)):
            msg, name = self.load_bytes(data)
            self.assertEqual(msg, f'{name}:{where}: the file is not UTF-8 text (byte 0x{byte} '
                                  f'at offset {offset})')
        (data, _), _ = self.load_bytes('\ufeffa: "\u00e9"\n'.encode('utf-8'))
        self.assertEqual(data, {'a': '\u00e9'})

    def test_unreadable_file_is_an_error(self):
        with self.assertRaises(yaml_loader.LoadError) as cm:
            yaml_loader.load('/nonexistent/x.yaml')
        self.assertIn('/nonexistent/x.yaml: cannot read the file', str(cm.exception))


class ProtocolTest(unittest.TestCase):
    def test_session(self):
        scenario = {'id': 'a/b', 'title': 't', 'rules': ['ORD-01'], 'level': 'reference',
                    'program': [{'call_soon': {'do': [{'record': 'x'}, 'stop']}},
                                'run_forever'],
                    'expect': {'trace': [{'record': 'x'}]}}
        lines = ['not json', json.dumps({'op': 'run', 'seq': 0, 'scenario': scenario}),
                 json.dumps({'op': 'start', 'protocol': [1]}),
                 json.dumps({'op': 'run', 'seq': 'a', 'scenario': scenario}),
                 json.dumps({'op': 'run', 'seq': 2, 'scenario': {'id': 'a/b'}}),
                 json.dumps({'op': 'run', 'seq': 3, 'scenario': dict(scenario,
                                                                     program=['run_forever'])}),
                 json.dumps({'op': 'stop'})]
        proc = subprocess.run([sys.executable, os.path.join(HERE, 'loopcheck_driver.py')],
                              input='\n'.join(lines) + '\n', capture_output=True, text=True,
                              timeout=60)
        answers = [json.loads(line) for line in proc.stdout.splitlines()]
        self.assertEqual([a['op'] for a in answers],
                         ['error', 'error', 'ready', 'result', 'result', 'result', 'stopped'])
        self.assertEqual(answers[3]['seq'], 'a')
        self.assertEqual(answers[3]['status'], 'done')
        self.assertEqual(answers[3]['trace'][0]['name'], 'x')
        self.assertEqual(answers[4]['status'], 'invalid')
        self.assertEqual(answers[5]['status'], 'stalled')
        self.assertEqual(proc.returncode, 0)

    def test_callback_used_before_its_definition_ran_is_invalid(self):
        # The validator accepts an id defined anywhere; at run time the first use must have
        # `do`. The driver answers invalid (as the aio adapter does), not a KeyError.
        scenario = {'id': 'a/b', 'title': 't', 'rules': ['ORD-01'], 'level': 'reference',
                    'program': [{'create_future': 'f'},
                                {'add_done_callback': {'future': 'f', 'id': 'cb'}},
                                {'add_done_callback': {'future': 'f', 'id': 'cb',
                                                       'do': [{'record': 'x'}]}}],
                    'expect': {'trace': []}}
        lines = [json.dumps({'op': 'start', 'protocol': [1]}),
                 json.dumps({'op': 'run', 'seq': 1, 'scenario': scenario}),
                 json.dumps({'op': 'stop'})]
        proc = subprocess.run([sys.executable, os.path.join(HERE, 'loopcheck_driver.py')],
                              input='\n'.join(lines) + '\n', capture_output=True, text=True,
                              timeout=60)
        answers = [json.loads(line) for line in proc.stdout.splitlines()]
        self.assertEqual([a['op'] for a in answers], ['ready', 'result', 'stopped'])
        self.assertEqual(answers[1]['status'], 'invalid', answers[1])
        self.assertIn("done callback 'cb' is used before the step that defines it ran",
                      json.dumps(answers[1]))

    def test_skips(self):
        sc = {'needs': ['virtual_time'], 'since': '3.4'}
        self.assertIsNone(protocol.skip_reason(sc, 'asyncio'))
        self.assertIn('virtual_time', protocol.skip_reason(sc, 'uvloop'))
        self.assertIn('until', protocol.skip_reason({'until': '3.11'}, 'asyncio'))
        self.assertIn('since', protocol.skip_reason({'since': '3.99'}, 'asyncio'))


if __name__ == '__main__':
    unittest.main()
