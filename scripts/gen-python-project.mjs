#!/usr/bin/env node
// Writes hostile Python projects for the DESER project analysis (never run: text only).
//   node scripts/gen-python-project.mjs functions <dir> [functions=1000000] [perFile=500] [deser=1]
//     a package of functions spread over many modules; with deser=1 every module names a deserializer
//     (so every one passes the DESER text gate and is parsed), and a handler in the first feeds them.
//   node scripts/gen-python-project.mjs fanout <dir> [width=20000] [shape=star|chain|tree|reexport|all]
//     a package whose main module imports `width` modules, each importing others: `star` (every leaf imports
//     every tenth leaf with `from .x import *`), `chain` (re-exports: leaf i re-exports leaf i+1), `tree` (each
//     leaf imports 8 others), `all` (each of those shapes in one tree). The last module of each holds pickle.loads.
// Peak memory of a scan of one (docs/deser-precision.md, "The project's memory budget"):
//   node scripts/gen-python-project.mjs functions /tmp/h 1000000 500 &&
//   /usr/bin/time -v node bin/sentinel.js scan /tmp/h --rule DESER   (Maximum resident set size)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function functionsProject(dir, functions = 1_000_000, perFile = 500, deser = true) {
  const pkg = join(dir, 'proj');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, '__init__.py'), '');
  const files = Math.ceil(functions / perFile);
  for (let f = 0; f < files; f++) {
    const n = Math.min(perFile, functions - f * perFile);
    const lines = deser ? ['import pickle', ''] : [''];
    for (let i = 0; i < n; i++) {
      lines.push(
        `def f${f}_${i}(data, k=${i}):`,
        `    x = [data, k, ${i}]`,
        deser && i === 0 ? '    return pickle.loads(x[0])' : `    return x`,
        '',
      );
    }
    writeFileSync(join(pkg, `m${f}.py`), lines.join('\n'));
  }
  writeFileSync(
    join(pkg, 'app.py'),
    [
      'from flask import Flask, request',
      'from . import m0',
      'app = Flask(__name__)',
      '',
      "@app.route('/x', methods=['POST'])",
      'def h():',
      '    return m0.f0_0(request.data)',
      '',
    ].join('\n'),
  );
  return pkg;
}

export function fanoutProject(dir, width = 20_000, shape = 'all') {
  const pkg = join(dir, 'fan');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, '__init__.py'), '');
  const imports = [];
  for (let i = 0; i < width; i++) imports.push(`from . import l${i}`);
  const calls = [];
  for (let i = 0; i < width; i++) calls.push(`    l${i}.g(body)`);
  writeFileSync(
    join(pkg, 'main.py'),
    [
      'from flask import Flask, request',
      ...imports,
      'app = Flask(__name__)',
      '',
      "@app.route('/x', methods=['POST'])",
      'def h():',
      '    body = request.data',
      ...calls,
      '',
    ].join('\n'),
  );
  const shapes = shape === 'all' ? ['star', 'chain', 'tree'] : [shape];
  for (let i = 0; i < width; i++) {
    const s = shapes[i % shapes.length];
    const lines = [];
    if (s === 'star')
      for (let j = (i + 1) % width, k = 0; k < 10; k++, j = (j + 10) % width) lines.push(`from .l${j} import *`);
    if (s === 'chain' && i + 1 < width) lines.push(`from .l${i + 1} import g as g2`);
    if (s === 'tree') for (let k = 1; k <= 8; k++) lines.push(`from . import l${(i * 8 + k) % width}`);
    if (i === width - 1) lines.push('import pickle');
    lines.push('', 'def g(b):');
    if (i === width - 1) lines.push('    return pickle.loads(b)');
    else if (s === 'chain' && i + 1 < width) lines.push('    return g2(b)');
    else if (s === 'tree') lines.push(`    return l${(i * 8 + 1) % width}.g(b)`);
    else lines.push('    return b');
    lines.push('');
    writeFileSync(join(pkg, `l${i}.py`), lines.join('\n'));
  }
  return pkg;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [kind, dir, a, b, c] = process.argv.slice(2);
  if (kind === 'functions') console.log(functionsProject(dir, a ? +a : undefined, b ? +b : undefined, c !== '0'));
  else if (kind === 'fanout') console.log(fanoutProject(dir, a ? +a : undefined, b));
  else {
    console.error('usage: gen-python-project.mjs functions|fanout <dir> [...]');
    process.exit(2);
  }
}
