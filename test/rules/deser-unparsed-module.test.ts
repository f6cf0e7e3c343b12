// A module the DESER analysis cannot parse (over the token budget) or read (over its byte cap) is never dropped in
// silence when a data path toward a deserializer may run through it: a serving module that names no deserializer
// itself but calls a small module that does is SCAN-INCOMPLETE naming it, a finding that blocks the release. Benign twins: the
// same large module calling a loader that parses JSON, and a large module that calls no module with a deserializer,
// stay clean (no finding, no SCAN-INCOMPLETE).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { scanPaths } from '../../src/scan/engine.js';
import { MAX_TOKENS, STATEMENT_WEIGHT } from '../../src/analyzers/python/parser.js';

const tmp = mkdtempSync(join(tmpdir(), 'deser-unparsed-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Assignments enough to put a module over the parser's token budget (each line ~8 tokens + statement weight). */
function overTokens(): string {
  const n = Math.ceil(MAX_TOKENS / (6 + STATEMENT_WEIGHT)) + 1000;
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`LIMIT_${i} = ("limit", ${i})`);
  return lines.join('\n') + '\n';
}

/** A comment padding a module past the bytes the cross-module analysis reads of one module. */
const overBytes = (): string => '# ' + 'x'.repeat(4.5 * 1024 * 1024) + '\n';

type Pad = 'tokens' | 'bytes';
const pad = (p: Pad): string => (p === 'tokens' ? overTokens() : overBytes());

function project(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const flaskRoute = (imp: string, call: string, p: Pad): string =>
  ['from flask import Flask, request', imp, 'app = Flask(__name__)', pad(p)].join('\n') +
  [
    '',
    '@app.route("/restore", methods=["POST"])',
    'def restore():',
    `    return str(${call}(request.get_data()))`,
    '',
  ].join('\n');

const gradioUi = (p: Pad): string =>
  ['import gradio as gr', 'import store', pad(p)].join('\n') +
  [
    '',
    'demo = gr.Interface(fn=store.open_snapshot, inputs=gr.File(type="filepath"), outputs="text")',
    'demo.launch()',
    '',
  ].join('\n');

const pickleCodec = 'import pickle\n\n\ndef unpack(blob):\n    return pickle.loads(blob)\n';
const jsonCodec = 'import json\n\n\ndef unpack(blob):\n    return json.loads(blob)\n';
const pickleStore =
  'import pickle\n\n\ndef open_snapshot(path):\n    with open(path, "rb") as f:\n        return pickle.load(f)\n';
const jsonStore = 'import json\n\n\ndef open_snapshot(path):\n    with open(path) as f:\n        return json.load(f)\n';

interface Case {
  name: string;
  files: Record<string, string>;
  /** The module SCAN-INCOMPLETE must name, or undefined for a clean twin. */
  names?: string;
  limit?: string;
  /** Files to name on the command line instead of the folder. */
  named?: string[];
}

const CASES: Case[] = [
  {
    name: 'one folder: Flask route over the token budget → codec.unpack → pickle.loads',
    files: { 'server.py': flaskRoute('import wire', 'wire.unpack', 'tokens'), 'wire.py': pickleCodec },
    names: 'server.py',
    limit: 'maxPythonTokens',
  },
  {
    name: 'one folder: Flask route over the byte cap → codec.unpack → pickle.loads',
    files: { 'server.py': flaskRoute('import wire', 'wire.unpack', 'bytes'), 'wire.py': pickleCodec },
    names: 'server.py',
    limit: 'maxDeserModuleBytes',
  },
  {
    name: 'package: the route module over the budget imports the loader by a relative import',
    files: {
      'svc/__init__.py': '',
      'svc/api.py': flaskRoute('from .wire import unpack', 'unpack', 'tokens'),
      'svc/wire.py': pickleCodec,
    },
    names: 'svc/api.py',
    limit: 'maxPythonTokens',
  },
  {
    name: 'Gradio UI over the budget handing an uploaded file path to another module',
    files: { 'app.py': gradioUi('tokens'), 'store.py': pickleStore },
    names: 'app.py',
    limit: 'maxPythonTokens',
  },
  {
    name: 'files named on the command line: the large route and the small loader',
    files: { 'server.py': flaskRoute('import wire', 'wire.unpack', 'tokens'), 'wire.py': pickleCodec },
    names: 'server.py',
    limit: 'maxPythonTokens',
    named: ['server.py', 'wire.py'],
  },
  // Benign twins.
  {
    name: 'twin: the same large route calling a JSON codec',
    files: { 'server.py': flaskRoute('import wire', 'wire.unpack', 'tokens'), 'wire.py': jsonCodec },
  },
  {
    name: 'twin: the same large Gradio UI with a JSON store',
    files: { 'app.py': gradioUi('bytes'), 'store.py': jsonStore },
  },
  {
    name: 'twin: a large module that imports no module with a deserializer (the loader is elsewhere, unused by it)',
    files: {
      'server.py': flaskRoute('import text', 'text.upper', 'tokens'),
      'text.py': 'def upper(b):\n    return b.upper()\n',
      'wire.py': pickleCodec,
    },
  },
];

describe('DESER: a module on a data path that cannot be parsed or read is SCAN-INCOMPLETE, never dropped', () => {
  for (const c of CASES)
    it(c.name, async () => {
      const dir = project(c.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60), c.files);
      const targets = c.named ? c.named.map((n) => join(dir, n)) : [dir];
      const r = await scanPaths(targets, { only: ['DESER'] });
      const inc = r.findings.filter((f) => f.ruleId === 'SCAN-INCOMPLETE');
      const deser = r.findings.filter((f) => f.category === 'DESER');
      if (c.names === undefined) {
        assert.deepEqual(
          r.findings.map((f) => `${f.ruleId} ${f.where}`),
          [],
        );
        return;
      }
      assert.equal(deser.length, 0, deser.map((f) => f.where).join('\n'));
      const named = inc.filter((f) => f.where.includes(c.names!));
      assert.equal(named.length, 1, inc.map((f) => `${f.where}: ${f.evidence.signal}`).join('\n'));
      assert.equal(named[0]!.evidence.details?.['limit'], c.limit);
      assert.match(named[0]!.evidence.signal, /data path toward a deserializer/);
      assert.equal(named[0]!.severity, 'HIGH');
    });
});
