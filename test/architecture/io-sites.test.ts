// Every place Sentinel's code touches the file system or the network is listed, with the check in front of it, in
// io-sites.json: docs/root-confinement.md ("Every place a scan opens a file") and docs/service-security.md ("Every
// outbound connection, and the check in front of it") are audited against that table. A site missing from the table,
// and an entry of the table no longer found in the sources, both fail here: a new file-system or network call cannot
// land without a category and a reason, and the table names nothing that is gone.
//
// The sites are found by the TypeScript parser (io-sites.ts): calls and other uses of what `node:fs`,
// `node:fs/promises`, `node:http`, `node:https`, `node:net`, `node:tls`, `node:dns`, `node:dgram`, `node:http2` and
// `undici` export, and of the global `fetch`, in src/**/*.ts, bin/*.js and the scripts kept as template text.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { ioSites, siteKey, type IoSite, type SourceText } from './io-sites.js';

const REPO = resolve(import.meta.dirname, '..', '..');
const TABLE = join(import.meta.dirname, 'io-sites.json');

/** What a category says of the path or address a site acts on. */
export const CATEGORIES: Readonly<Record<string, string>> = {
  confined:
    'a scanned file opened through openConfined / FileSource { within } (checked on the opened descriptor), or a call on that descriptor',
  'walk-look':
    "the walk's or a scan's look at a directory entry inside the scanned folder (lstat, never following a link out), or at a path the descriptor check then holds",
  'own-data': "Sentinel's own package files (the bundle, its code cache, grammar and decoder WASM)",
  'operator-config':
    'files the operator names: policy, baseline, trust anchors, --signature, the targets named on the command line, tokens in the environment',
  'own-cache': "Sentinel's cache folder (--cache, the listing cache)",
  output: 'files the operator names for output (reports, converted models), and standard output',
  'service-listen': "the service's own listening socket",
  egress: 'an outbound connection whose address passed the egress policy (docs/service-security.md §1)',
  'operator-egress': 'an outbound connection to an address the operator configured (not a client)',
  'no-io': 'no file-system or network access (address parsing, a module loaded, a function passed on)',
};

function* files(dir: string, ext: string): Generator<string> {
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* files(p, ext);
    else if (e.endsWith(ext)) yield p;
  }
}

function repoSources(): SourceText[] {
  const rel = (p: string): string => relative(REPO, p).split(sep).join('/');
  return [
    ...[...files(join(REPO, 'src'), '.ts')].map((p) => ({ file: rel(p), text: readFileSync(p, 'utf8') })),
    ...[...files(join(REPO, 'bin'), '.js')].map((p) => ({ file: rel(p), text: readFileSync(p, 'utf8'), js: true })),
  ];
}

interface TableRow extends IoSite {
  readonly category: string;
  readonly reason: string;
}

function readTable(): TableRow[] {
  return JSON.parse(readFileSync(TABLE, 'utf8')) as TableRow[];
}

/** The differences between the sites found and the table, each line ready to paste or to delete. */
function compare(found: readonly IoSite[], table: readonly TableRow[]): string[] {
  const out: string[] = [];
  const rows = new Map(table.map((r) => [siteKey(r), r]));
  const seen = new Set<string>();
  for (const s of found) {
    const k = siteKey(s);
    seen.add(k);
    const r = rows.get(k);
    if (!r)
      out.push(
        `not in io-sites.json (add it with its category and reason):\n  ${JSON.stringify({ ...s, category: '?', reason: '?' })},`,
      );
    else if (r.count !== s.count)
      out.push(
        `${k}: used ${s.count} time(s), the table says ${r.count}: audit the new use(s), then set "count": ${s.count}`,
      );
  }
  for (const r of table)
    if (!seen.has(siteKey(r))) out.push(`in io-sites.json but no longer found (remove it): ${siteKey(r)}`);
  return out;
}

describe('file-system and network sites', () => {
  it('every site in the sources is in io-sites.json, and every row of it is still in the sources', () => {
    const problems = compare(ioSites(repoSources()), readTable());
    assert.deepEqual(problems, [], problems.join('\n'));
  });

  it('every row has a known category and a one-line reason, and appears once', () => {
    const keys = new Set<string>();
    for (const r of readTable()) {
      assert.ok(r.category in CATEGORIES, `${siteKey(r)}: unknown category ${r.category}`);
      assert.ok(
        typeof r.reason === 'string' && r.reason.length >= 10 && !r.reason.includes('\n'),
        `${siteKey(r)}: reason`,
      );
      assert.ok(!keys.has(siteKey(r)), `${siteKey(r)}: listed twice`);
      keys.add(siteKey(r));
    }
  });

  describe('the finder itself (synthetic sources)', () => {
    const find = (text: string, js = false): string[] =>
      ioSites([{ file: 'x.ts', text, js }]).map((s) => `${s.in} ${s.call} ${s.count}`);

    it('reports a call missing from the table, and a row no longer found', () => {
      const found = ioSites([
        {
          file: 'src/new.ts',
          text: `import { statSync } from 'node:fs';\nexport function look(p: string) { return statSync(p); }`,
        },
      ]);
      const problems = compare(found, [
        {
          file: 'src/gone.ts',
          in: 'f',
          call: 'node:fs.readFileSync',
          count: 1,
          category: 'own-data',
          reason: 'a gone row',
        },
      ]);
      assert.equal(problems.length, 2);
      assert.match(problems[0]!, /"file":"src\/new\.ts","in":"look","call":"node:fs\.statSync","count":1/);
      assert.match(problems[1]!, /no longer found.*src\/gone\.ts f node:fs\.readFileSync/);
      assert.match(
        compare(found, [{ ...found[0]!, count: 2, category: 'own-data', reason: 'twice before' }])[0]!,
        /used 1 time/,
      );
      assert.deepEqual(compare(found, [{ ...found[0]!, category: 'walk-look', reason: 'benign twin' }]), []);
    });

    it('named, renamed, namespace and default imports, fs/promises, and calls on properties', () => {
      const text = [
        `import { existsSync as there, lstat } from 'node:fs';`,
        `import * as fsp from 'fs/promises';`,
        `import fs from 'fs';`,
        `import { realpath } from 'node:fs/promises';`,
        `class A { m(p: string) { there(p); fs.realpathSync.native(p); return fsp.readdir(p); } }`,
        `export const f = async (p: string) => { await realpath(p); lstat(p, () => {}); fs.promises.stat(p); };`,
      ].join('\n');
      assert.deepEqual(find(text).sort(), [
        'A.m node:fs.existsSync 1',
        'A.m node:fs.realpathSync.native 1',
        'A.m node:fs/promises.readdir 1',
        'f node:fs.lstat 1',
        'f node:fs.promises.stat 1',
        'f node:fs/promises.realpath 1',
      ]);
    });

    it('require, dynamic import, a helper given a module name, and a computed require', () => {
      const text = [
        `const { openSync } = require('node:fs');`,
        `const net = require('node:net');`,
        `async function g(p) { const { mkdirSync } = await import('node:fs'); mkdirSync(p); openSync(p, 'r'); }`,
        `function h() { net.connect(1); require('node:tls').connect({}); }`,
        `function load(https) { const name = https ? 'node:https' : 'node:http'; return require(name); }`,
        `function k(u) { return load(true).request(u); }`,
        `const builtin = (n) => require(n); function d(h) { return builtin('node:dns').lookup(h); }`,
      ].join('\n');
      assert.deepEqual(find(text, true).sort(), [
        'builtin require(<computed>) 1',
        'd node:dns.lookup 1',
        'g node:fs.mkdirSync 1',
        'g node:fs.openSync 1',
        'h node:net.connect 1',
        'h node:tls.connect 1',
        'k node:http|node:https.request 1',
        'load "node:http" (a module name as data) 1',
        'load "node:https" (a module name as data) 1',
        'load require(<computed>) 1',
      ]);
    });

    it('the network modules, global fetch, a function passed as a value, and scripts kept as template text', () => {
      const text = [
        `import { createServer } from 'node:http';`,
        `import { request as undiciRequest } from 'undici';`,
        `import { read } from 'node:fs';`,
        `import { promisify } from 'node:util';`,
        `const readP = promisify(read);`,
        `export function serve() { return createServer(); }`,
        `export async function hook(u: string) { await fetch(u); await globalThis.fetch(u); return undiciRequest(u); }`,
        'export const WORKER = String.raw`const { readFileSync } = require("node:fs"); function w(p) { return readFileSync(p); }`;',
      ].join('\n');
      const sites = ioSites([{ file: 'x.ts', text }]).map((s) => `${s.file} ${s.in} ${s.call}`);
      assert.deepEqual(sites.sort(), [
        'x.ts <module> node:fs.read (as a value)',
        'x.ts hook fetch',
        'x.ts hook undici.request',
        'x.ts serve node:http.createServer',
        'x.ts#WORKER w node:fs.readFileSync',
      ]);
      assert.deepEqual(
        find(text).filter((s) => s.startsWith('hook fetch')),
        ['hook fetch 2'],
      );
    });

    it('not counted: type-only imports, a local that shadows an imported name, other modules, and fs flags', () => {
      const text = [
        `import { type Stats, statSync, constants } from 'node:fs';`,
        `import type { IncomingMessage } from 'node:http';`,
        `import { join } from 'node:path';`,
        `export function f(m: IncomingMessage, s: Stats): number { const statSync = (p: string) => p.length; return statSync(join('a', 'b')) + constants.O_RDONLY; }`,
        `export function fetchAll(o: { fetch(u: string): void }) { o.fetch('u'); }`,
      ].join('\n');
      assert.deepEqual(find(text), []);
    });
  });
});
