// mayServe (the text filter before a skipped module is parsed for serving code) answers exactly what its regex
// definition SERVING_IMPORT answers: on a case table of the shapes at its edges, on seeded random texts built from
// the pieces that decide it, and on the Python files of this machine's Python installation when present.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SERVING_IMPORT, mayServe } from '../../../src/analyzers/deser/library-api.js';

const CASES: [string, boolean][] = [
  ['from flask import Flask\n', true],
  ['import flask\n', true],
  ['  \t import fastapi\n', true],
  ['x = 1\nimport gradio as gr\n', true],
  ['x = 1\r\nfrom torch.distributed import rpc\r\n', true],
  ['x = 1\u2028import socket\n', true],
  ['import\n  redis\n', true], // \s+ crosses the line, as the regex reads it
  ['\n\n   \nimport ssl', true],
  ['y = 2; import flask\n', false], // not at a line start
  ['# import flask\n', false],
  ['import flasky\n', false],
  ['import flask_login\n', false],
  ['from .flask import app\n', false],
  ['importflask\n', false],
  ['reimport flask\n', false],
  ['from numpy import flask\n', false],
  ['import panel.widgets\n', true],
  ['import http.server\n', true],
  ['import http_server\n', false],
  ['stub = svc_pb2_grpc.Stub(ch)\n', true],
  ['x_pb2_grpcx = 1\n', false],
  ['class M(TritonPythonModel):\n', true],
  ['def handle(data, context):\n', true],
  ['def handle(data,context):\n', false],
  ['', false],
];

/** A seeded generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  'import',
  'from',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r',
  '\r\n',
  '\u2028',
  '\u00a0',
  'flask',
  'flasky',
  'socket',
  'ssl',
  'ray',
  'rays',
  'torch.distributed',
  'torch',
  '.',
  '_',
  'x',
  '=',
  '#',
  '(',
  '_pb2_grpc',
  'Triton',
  'PythonModel',
  'def handle(data, context)',
  'a',
  '1',
];

describe('mayServe', () => {
  it('agrees with SERVING_IMPORT on the case table, and the table is right', () => {
    for (const [text, want] of CASES) {
      assert.equal(SERVING_IMPORT.test(text), want, `regex: ${JSON.stringify(text)}`);
      assert.equal(mayServe(text), want, JSON.stringify(text));
    }
  });

  it('agrees with SERVING_IMPORT on 20,000 seeded random texts of its deciding pieces', () => {
    const r = rng(20261128);
    let positives = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const len = 1 + Math.floor(r() * 12);
      for (let i = 0; i < len; i++) text += PIECES[Math.floor(r() * PIECES.length)]!;
      const want = SERVING_IMPORT.test(text);
      if (want) positives++;
      assert.equal(mayServe(text), want, JSON.stringify(text));
    }
    assert.ok(positives > 500 && positives < 19_500, `${positives} texts serve: the draw exercises both answers`);
  });

  const root = '/usr/lib/python3.11';
  it(
    'agrees with SERVING_IMPORT on the Python standard library',
    { skip: !existsSync(root) && `${root} absent` },
    () => {
      let files = 0;
      let positives = 0;
      const walk = (d: string, depth: number): void => {
        if (depth > 4 || files >= 2_000) return;
        for (const n of readdirSync(d)) {
          const p = join(d, n);
          let s;
          try {
            s = statSync(p);
          } catch {
            continue;
          }
          if (s.isDirectory()) walk(p, depth + 1);
          else if (n.endsWith('.py') && s.size < 2_000_000 && files < 2_000) {
            const text = readFileSync(p, 'latin1');
            const want = SERVING_IMPORT.test(text);
            assert.equal(mayServe(text), want, p);
            files++;
            if (want) positives++;
          }
        }
      };
      walk(root, 0);
      assert.ok(files > 100 && positives > 10, `${files} files, ${positives} serve`);
    },
  );
});
