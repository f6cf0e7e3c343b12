// A million tiny zstd or LZ4 frames ahead of a pickle are scanned in a small heap: what the readers keep grows with the
// output (gathered into blocks), not with the frame count. Each scan runs in a child process whose heap is far below
// what one object per frame would take; the pickle behind the frames is found, and the benign twin passes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { lz4Frame } from '../formats/compression/lz4-builder.js';

const FRAMES = 1_000_000;
/** The child's old-space limit in MB: a million kept objects (~100 bytes each, several per frame) do not fit. */
const HEAP_MB = 160;

const dir = mkdtempSync(join(tmpdir(), 'many-frames-heap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const text = (s: string) => new TextEncoder().encode(s);
/** A protocol-0 pickle's head and tail around a string argument of FRAMES 'A's, one 'A' per frame. */
const evil = { head: text("cposix\nsystem\n(S'"), tail: text("'\ntR.") };
const benign = { head: text("(S'"), tail: text("'\nl.") };
const A = Uint8Array.of(0x41);

/** A zstd frame holding `data` (≤ 255 bytes) in one raw block. */
function zstdRawFrame(data: Uint8Array): Uint8Array {
  const bh = (data.length << 3) | 1;
  return Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, data.length, bh & 255, (bh >>> 8) & 255, bh >>> 16, ...data]);
}

/** `first`, then FRAMES copies of `frame`, then `last`. */
function framed(first: Uint8Array, frame: Uint8Array, last: Uint8Array): Buffer {
  const out = Buffer.alloc(first.length + frame.length * FRAMES + last.length);
  out.set(first, 0);
  for (let i = 0; i < FRAMES; i++) out.set(frame, first.length + i * frame.length);
  out.set(last, first.length + frame.length * FRAMES);
  return out;
}

/** The rule ids a scan of `file` reports, from a child process with a HEAP_MB heap. */
function rulesInSmallHeap(file: string): string[] {
  const engine = resolve('src/scan/engine.ts');
  const script = [
    `const { scanPaths } = await import(${JSON.stringify(engine)});`,
    `const r = await scanPaths([${JSON.stringify(file)}]);`,
    'process.stdout.write(JSON.stringify([...new Set(r.findings.map((f) => f.ruleId))].sort()));',
  ].join('\n');
  const res = spawnSync(
    process.execPath,
    [`--max-old-space-size=${HEAP_MB}`, '--import', 'tsx', '--input-type=module', '-e', script],
    { encoding: 'utf8', maxBuffer: 1 << 20, timeout: 300_000 },
  );
  assert.equal(res.status, 0, `the scan ended with ${res.status} ${res.signal ?? ''}: ${res.stderr.slice(-2000)}`);
  return JSON.parse(res.stdout) as string[];
}

describe('a million tiny frames are scanned in a small heap', () => {
  const zstd = zstdRawFrame;
  const lz4 = (data: Uint8Array) => lz4Frame(data);
  // [name, codec's frame writer, the pickle's head and tail, the pickle found]. Each pickle's string argument is a
  // million 'A's, one per frame: the output is a pickle only when every frame is read.
  const cases: [string, 'zst' | 'lz4', (d: Uint8Array) => Uint8Array, typeof evil, boolean][] = [
    ['zstd: a malicious pickle, one byte per frame', 'zst', zstd, evil, true],
    ['zstd benign twin: a plain list, one byte per frame', 'zst', zstd, benign, false],
    ['lz4: a malicious pickle, one byte per frame', 'lz4', lz4, evil, true],
    ['lz4 benign twin: a plain list, one byte per frame', 'lz4', lz4, benign, false],
  ];
  for (const [name, ext, frame, pickle, found] of cases) {
    it(`${name}: ${found ? 'PICKLE-EXEC' : 'no finding'}`, () => {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.${ext}`);
      writeFileSync(file, framed(frame(pickle.head), frame(A), frame(pickle.tail)));
      const rules = rulesInSmallHeap(file);
      if (found) assert.ok(rules.includes('PICKLE-EXEC'), rules.join(', '));
      else assert.deepEqual(rules, []);
    });
  }

  it('zstd: a million empty frames ahead of a malicious pickle', () => {
    const file = join(dir, 'empty-frames.zst');
    writeFileSync(file, framed(new Uint8Array(0), zstd(new Uint8Array(0)), zstd(text('cposix\nsystem\n(S"id"\ntR.'))));
    assert.ok(rulesInSmallHeap(file).includes('PICKLE-EXEC'));
  });
});
