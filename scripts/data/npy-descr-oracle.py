#!/usr/bin/python3
# Records NumPy's own verdict on many spellings of an .npy header's descr, for the differential test of
# src/formats/npy/descr.ts: for each descr written as header text, whether np.load accepts it (ast.literal_eval, then
# numpy.lib.format.descr_to_dtype) and whether the dtype has objects (hasobject: np.load(allow_pickle=True) then
# unpickles the data). Spellings: every registered type name with every byte-order prefix, sized type codes, comma
# strings with counts and shapes, sub-array tuples, structured fields given as tuples, lists, strings and dicts, nested
# structures, the descrs numpy itself writes, literal spellings (escapes, concatenation, parentheses, raw and triple
# quotes) and seeded random strings. Writes test/fixtures/npy-descr/oracle.json.
# Run with Debian's interpreter: /usr/bin/python3 scripts/data/npy-descr-oracle.py
import ast
import itertools
import json
import os
import random
import warnings

import numpy as np
from numpy.lib import format as npformat

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'test', 'fixtures', 'npy-descr', 'oracle.json')


def verdict(text):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            d = ast.literal_eval(text)
            dt = npformat.descr_to_dtype(d)
        return {'accepts': True, 'hasobject': bool(dt.hasobject)}
    except Exception as e:  # numpy raises many types here; all mean np.load refuses the file
        return {'accepts': False, 'error': type(e).__name__}


def main():
    cases = {}

    def add(text, group):
        if text not in cases:
            cases[text] = group

    names = sorted(k for k in np.sctypeDict if isinstance(k, str))
    for name in names + ['Object', 'OBJECT', 'objects', 'obj', 'o', 'Ob', 'O?', 'pyobject', 'object1', 'object8']:
        for order in ['', '<', '>', '=', '|']:
            add(repr(order + name), 'name')
    for kind in 'bBiIuUfFcCOSaVMmdDgGeEhHlLqQpP?xyz':
        for size in list(range(0, 18)) + [24, 32, 64, 100]:
            for order in ['', '<', '|', '>']:
                add(repr(f'{order}{kind}{size}'), 'sized')
    for ws in [' ', '\t', '\n', '\x0b', '\x0c', '\r', '  ', '+', '-', ' +', '0', '00', ' 0']:
        for size in ['4', '8', '0', '16']:
            add(repr(f'O{ws}{size}'), 'strtol')
            add(repr(f'|O{ws}{size}'), 'strtol')
    for unit in ['', '[ns]', '[D]', '[s]', '[generic]', '[25s]', '[xx]', '[O]']:
        for base in ['M8', 'm8', 'datetime64', 'timedelta64', '<M8', '>m8', 'O8', 'O']:
            add(repr(base + unit), 'datetime')
    items = ['O', 'i4', 'object', '<object', '>object', '|O', 'O8', 'f8', 'S3', 'U2', 'V4', 'M8[ns]', 'b1', 'O4', 'x']
    reps = ['', '2', '(2,)', '()', '(2,3)', '(2)', '0', '(0,)', ' 2 ', '(2, 3)']
    for a in items:
        for r in reps:
            for order in ['', '<', '|', '>']:
                add(repr(f'{order}{r}{a},'), 'comma')
                add(repr(f'{r}{order}{a}'), 'comma')
                add(repr(f'i4,{order}{r}{a}'), 'comma')
    for a, b in itertools.product(items, repeat=2):
        add(repr(f'{a},{b}'), 'comma')
        add(repr(f'{a}, {b}'), 'comma')
    for s in [',O', 'O,,i4', 'O ,', 'O, ', ' O,', 'O,\t', 'O8,[1]', '<(2,)>O', '>(2,)<O', '=(2,)|O', '(2,)O,O',
              'O,O,O', 'i4,i4,i4', 'O[ns],i4']:
        add(repr(s), 'comma')
    bases = ["'O'", "'|O'", "'object'", "'<i4'", "'f8'", "'O4'", "'x'", "'i4,O'", "'2O'", "[('a', 'O')]",
             "[('a', '<i4')]", "('O', 2)", "('<i4', 2)"]
    shapes = ['0', '1', '2', '()', '(0,)', '(2,)', '(2, 3)', '-1', "'i8'", "'O'", '(2, -1)', '2.0', 'True', 'None',
              "[2]", "{'a': 1}", "(2, '3')"]
    for b in bases:
        for s in shapes:
            add(f'({b}, {s})', 'subarray')
        add(f'({b},)', 'subarray')
        add(f'({b}, 2, 3)', 'subarray')
        add(f"[('x', {b})]", 'field')
        add(f"[('x', {b}, (2,))]", 'field')
        add(f"[('', {b})]", 'field')
        add(f"[(('title', 'x'), {b})]", 'field')
        add(f"[('a', '<f8'), ('b', {b})]", 'field')
        add(f"[['x', {b}]]", 'field')
        add(f"({{('x', {b})}})", 'field')
        add(f"[('x', [('y', {b})])]", 'nested')
        add(f"[('x', [('y', [('z', {b})])])]", 'nested')
        add(f"[('x', ({b}, 2))]", 'nested')
        add(f"[('x', [('y', {b}, (2,))], (3,))]", 'nested')
    for s in ["['aO']", "['aO', 'bi']", "['ai']", "['aO2']", "['a']", "[{'a': 1, 'O': 2}]", "[{'a': 1, 'i': 2}]",
              "[{'a': 1}]", "{'aO'}", "{'aO': 1}", "{('a', 'O')}", "[b'aO']", "b'O'", "[('a', b'O')]", "[]", "()",
              "None", "1", "True", "{}", "[('a', 'O'), ('a', 'O')]", "[('a', 'O'), ('a', '<i4')]",
              "[(1, 'O')]", "[(None, 'O')]", "[(('t', 'a'), 'O'), (('t', 'b'), 'O')]", "[('', 'O')]",
              "[('', '|V4'), ('a', '<i4')]", "[('', '|V4'), ('a', 'O')]", "[('a', 'O', 2, 3)]", "[('a',)]",
              "[('a', 'O', 'x')]", "[('a', 'O', -1)]", "[('a', 'O', 0)]", "[('a', [])]", "[('a', [('b', '<i4')])]"]:
        add(s, 'field')
    # Literal spellings of 'O' and 'object' that ast.literal_eval reads as those strings.
    for s in [r"'\x4f'", r"'\117'", r"'\u004f'", r"'\U0000004f'", "'ob' 'ject'", "'O' ''", "('O')", "(('O'))",
              "r'O'", "u'O'", "R'O'", "'''O'''", '"O"', '"""object"""', "'obj' \"ect\"", r"'\N{LATIN CAPITAL LETTER O}'",
              r"'O\\'", r"'\O'", "'\\\nO'", "br'O'", "b'O' b'bject'", r"'i4,\x4f'", r"[('a', '\x4f')]",
              r"('\x4f', 2)", "('O' , 2)", "( 'O' ,)", "'O'  # c", "[('a', 'O'),]", "[('a', 'O',),]",
              "(('a', 'O'),)", "[('a', ('O'))]", "[('a', ('O',))]", "['a' 'O']", "[('a' 'b', 'O')]"]:
        add(s, 'literal')
    # The descrs numpy writes (dtype_to_descr) for real dtypes: the no-false-alarm set.
    reals = ['O', '<f8', '>i4', 'u1', 'b1', 'S5', 'U7', 'V16', 'c16', 'f2', 'M8[ns]', 'm8[s]', 'M8[D]', 'f16', 'c32',
             [('a', '<i4'), ('b', 'O')], [('a', '<f4'), ('b', '<U3')], [('x', '<f8', (3,))], [('x', 'O', (2,))],
             [('n', [('i', '<i2'), ('o', 'O')])], ('O', (2,)), ('<i4', (2, 2)),
             {'names': ['a', 'b'], 'formats': ['<i4', '<f8'], 'offsets': [0, 8], 'itemsize': 16},
             {'names': ['a'], 'formats': ['O'], 'offsets': [8], 'itemsize': 24},
             [(('title', 'a'), '<i4'), ('b', 'O')], np.dtype('<i4', align=True)]
    real_texts = set()
    for r in reals:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            text = repr(npformat.dtype_to_descr(np.dtype(r)))
        real_texts.add(text)
        add(text, 'written-by-numpy')
    rng = random.Random(25)
    alphabet = list("O0123456789<>|=, ()[]objectiufSUVMm8'") + ['object', 'O', ',', '(2,)', 'i4']
    for _ in range(3000):
        n = rng.randint(1, 8)
        s = ''.join(rng.choice(alphabet) for _ in range(n)).replace("'", '')
        add(repr(s), 'random')
    out = []
    for text, group in cases.items():
        v = verdict(text)
        out.append({'descr': text, 'group': group, **v, **({'written': True} if text in real_texts else {})})
    with open(OUT, 'w') as f:
        # One case a line: small diffs when numpy's verdicts change.
        f.write('{"generator": "scripts/data/npy-descr-oracle.py", "numpy": %s, "cases": [\n' % json.dumps(np.__version__))
        f.write(',\n'.join(json.dumps(c, ensure_ascii=False) for c in out))
        f.write('\n]}\n')
    print(len(out), 'cases;', sum(1 for c in out if c.get('hasobject')), 'with objects')


if __name__ == '__main__':
    main()
