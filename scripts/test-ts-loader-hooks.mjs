// Module hooks of scripts/test-ts-loader.mjs (they run on Node's loader thread).
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ESBUILD = require('esbuild/package.json').version;
const TARGET = `node${process.versions.node}`;
const CACHE = join(tmpdir(), `sentinel-test-ts-${userInfo().uid}`);
mkdirSync(CACHE, { recursive: true });
/** The compiler options esbuild follows as tsc does (verbatimModuleSyntax: every import kept; the target's class
 * fields), read from the repository's tsconfig.json as tsx reads them. */
const TSCONFIG = readFileSync(new URL('../tsconfig.json', import.meta.url), 'utf8');
const COMPILER_OPTIONS = JSON.parse(TSCONFIG).compilerOptions;
/** Part of every cache key: a change of the transform below must change this. */
const VERSION = `1 ${ESBUILD} ${TARGET} ${TSCONFIG}`;

let esbuild;
const TS = /\.(m|c)?ts$/;
const JS = /\.(m|c)?js$/;

function isFile(url) {
  try {
    return statSync(fileURLToPath(url)).isFile();
  } catch {
    return false;
  }
}

/** A relative import of `x.js` from a file resolves to `x.ts` where that exists (the sources import their siblings by
 * the name they compile to, as TypeScript's nodenext resolution has it). */
export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent?.startsWith('file:') && /^\.{1,2}\//.test(specifier) && JS.test(specifier)) {
    const ts = new URL(specifier.replace(/js$/, 'ts'), parent);
    if (isFile(ts)) return { url: ts.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  // A JSON module imported without `with { type: 'json' }` (some dependencies do so) loads as tsx loads it.
  if (url.startsWith('file:') && new URL(url).pathname.endsWith('.json') && context.importAttributes?.type !== 'json')
    return next(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  if (!url.startsWith('file:') || !TS.test(new URL(url).pathname)) return next(url, context);
  const path = fileURLToPath(url);
  const text = readFileSync(path, 'utf8');
  const key = createHash('sha256').update(VERSION).update('\0').update(path).update('\0').update(text).digest('hex');
  const file = join(CACHE, `${key}.js`);
  let code;
  try {
    code = readFileSync(file, 'utf8');
  } catch {
    esbuild ??= require('esbuild');
    code = esbuild.transformSync(text, {
      loader: 'ts',
      format: 'esm',
      target: TARGET,
      sourcemap: 'inline',
      sourcefile: path,
      tsconfigRaw: { compilerOptions: COMPILER_OPTIONS },
    }).code;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, file); // atomic: a concurrent process reads the old entry or the new one, never half of one
  }
  return { format: context.format === 'commonjs' ? 'commonjs' : 'module', source: code, shortCircuit: true };
}
