// Differential test against CPython itself: the real C unpickler (with a recording find_class that returns an
// inert stub, test/tools/record_imports.py) and the VM must resolve exactly the same imports in the same order,
// for real pickler output and for hand-built adversarial streams. Needs only a stdlib `python3`.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { analyzeStream } from '../../src/analyzers/pickle/analyze.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { Op } from '../../src/formats/pickle/opcodes.js';
import { P } from '../helpers/pickle-builder.js';
import { mem } from '../helpers/sources.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const TOOL = join(ROOT, 'test/tools/record_imports_batch.py');

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.pkl(\.gz)?$/.test(name)) out.push(p);
  }
  return out;
}

interface Recorded {
  imports: [string, string, number | null][];
  error: string | null;
}

function cpython(paths: string[]): Record<string, Recorded> {
  const out = execFileSync('python3', [TOOL], { input: JSON.stringify(paths), maxBuffer: 64 << 20 });
  return JSON.parse(out.toString()) as Record<string, Recorded>;
}

/** Imports the VM says CPython performs: before the first error, excluding names it derives by modelling calls. */
function vmImports(bytes: Uint8Array): [string, string][] {
  const a = analyzeStream(mem(bytes), 0, bytes.length, {
    limits: DEFAULT_LIMITS,
    loader: { persistentLoad: true, joblibArrays: false },
  });
  const out: [string, string][] = [];
  for (const run of a.runs) {
    for (const i of run.imports) {
      if (i.afterError || i.derivedVia || (i.unresolved !== undefined && i.module === '?')) continue;
      if (i.ext !== undefined) continue; // self-registered EXT: the recorder never runs copyreg.add_extension
      out.push([i.module, i.name]);
    }
    if (run.errored) break;
  }
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), 'sentinel-diff-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Adversarial streams CPython must read the way the VM does. */
const CRAFTED: Record<string, Uint8Array> = {
  memo_confusion: new P()
    .proto(4)
    .sbu('os')
    .op(Op.BINPUT, 5)
    .sbu('system')
    .memoize()
    .pop()
    .binget(1)
    .op(Op.STACK_GLOBAL)
    .stop()
    .bytes(),
  proto_switch: new P()
    .proto(2)
    .global('__builtin__', 'set')
    .pop()
    .proto(4)
    .global('copy_reg', '_reconstructor')
    .stop()
    .bytes(),
  pop_mark: new P().mark().pop().global('os', 'system').stop().bytes(),
  frame_straddle: new P().proto(4).frame(2).sbu('os').sbu('system').op(Op.STACK_GLOBAL).stop().bytes(),
  inst_and_obj: new P()
    .mark()
    .sbu('a')
    .inst('collections', 'OrderedDict')
    .pop()
    .mark()
    .global('builtins', 'set')
    .obj()
    .stop()
    .bytes(),
  int_octal_then_global: new P().raw('I010\n').pop().global('posix', 'system').stop().bytes(),
  nul_in_int: new P().raw('I12\x00x\n').pop().global('nt', 'system').stop().bytes(),
  error_then_payload: new P().binget(9).global('os', 'system').stop().bytes(),
  stacked: new P().none().stop().proto(4).stackGlobal('pty', 'spawn').stop().bytes(),
  dotted: new P().proto(4).stackGlobal('sklearn', 'os.system').stop().bytes(),
  long_then_global: new P().raw('L99999999999999999999999L\n').pop().global('builtins', 'eval').stop().bytes(),
  string_escapes: new P().raw("S'\\x6f\\163'\n").pop().global('os', 'popen').stop().bytes(),
  unicode_escape: new P().raw('V\\u006f\n').pop().global('subprocess', 'run').stop().bytes(),
};

describe('VM imports == CPython find_class calls', () => {
  const real = files(join(ROOT, 'test/fixtures/real'));
  const crafted = Object.entries(CRAFTED).map(([name, bytes]) => {
    const p = join(tmp, name + '.pkl');
    writeFileSync(p, bytes);
    return p;
  });
  const all = [...real, ...crafted];
  const recorded = cpython(all);
  it('covers the committed real fixtures', () => assert.ok(real.length >= 100, `only ${real.length} fixtures`));
  for (const path of all) {
    it(path.slice(ROOT.length), () => {
      let bytes = new Uint8Array(readFileSync(path));
      if (path.endsWith('.gz')) bytes = new Uint8Array(gunzipSync(bytes));
      const want = recorded[path]!.imports.map(([m, n]) => [m, n]);
      assert.deepEqual(vmImports(bytes), want);
    });
  }
});
