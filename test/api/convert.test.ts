// The API's convert(): the report the CLI prints, the file written through a temporary name, option errors as
// SentinelError, and aborts — before the start and in the middle of the copy — that leave nothing behind.
import { strict as assert } from 'node:assert';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { convert, loadPolicy, SentinelError } from '../../src/api/index.js';
import { planConversion } from '../../src/convert/plan.js';
import { explicitSelection } from '../../src/convert/select.js';
import { writeConversion } from '../../src/convert/write-tensors.js';
import { MemorySource } from '../../src/sources/byte-source.js';

const FIXTURES = new URL('../fixtures/convert/', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'sentinel-api-convert-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('API convert()', () => {
  it('converts and returns the report; the output exists under its final name only', async () => {
    const work = mkdtempSync(join(dir, 'ok-'));
    copyFileSync(join(FIXTURES, 'tied.pt'), join(work, 'tied.pt'));
    const r = await convert(join(work, 'tied.pt'), { policy: await loadPolicy(undefined, { cwd: work }) });
    assert.equal(r.status, 'converted');
    assert.equal(r.exitCode, 0);
    assert.deepEqual(readdirSync(work).sort(), ['tied.pt', 'tied.safetensors']);
    assert.equal(r.output?.path, join(work, 'tied.safetensors'));
  });

  it('refusal by the gate is a report (exit code 1), not an exception', async () => {
    const r = await convert(join(FIXTURES, 'payload.pt'), { outDir: join(dir, 'refused') });
    assert.equal(r.status, 'refused');
    assert.equal(existsSync(join(dir, 'refused', 'payload.safetensors')), false);
  });

  it('option errors throw SentinelError', async () => {
    await assert.rejects(convert(join(FIXTURES, 'tied.pt'), { output: 'a', outDir: 'b' }), SentinelError);
    await assert.rejects(convert(join(FIXTURES, 'nope.pt')), (e: SentinelError) => e.code === 'io');
    const existing = join(dir, 'exists.safetensors');
    writeFileSync(existing, 'x');
    await assert.rejects(convert(join(FIXTURES, 'tied.pt'), { output: existing }), /exists; use --force/);
  });

  it('an aborted signal rejects with its reason and writes nothing', async () => {
    const work = mkdtempSync(join(dir, 'abort-'));
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await assert.rejects(convert(join(FIXTURES, 'tied.pt'), { outDir: work, signal: ac.signal }), /stop/);
    assert.deepEqual(readdirSync(work), []);
  });

  it('an abort in the middle of the copy stops it at the next buffer', async () => {
    const data = new Uint8Array(1024);
    const ref = {
      dtype: 'U8' as const,
      source: 'test',
      itemsize: 1,
      shape: [1024],
      strides: [1],
      offset: 0,
      storage: { id: 's', src: new MemorySource({ chain: ['s'] }, data), start: 0, bytes: 1024, bigEndian: false },
      notes: [],
    };
    const plan = planConversion(
      {
        format: 'npy',
        framework: 'np',
        root: { t: 'map', entries: [['t', { t: 'tensor', ref }]], attrs: [] },
        notes: [],
      },
      { selection: explicitSelection('') },
    );
    const ac = new AbortController();
    let writes = 0;
    await assert.rejects(
      writeConversion(
        plan,
        { write: () => void (++writes === 1 && ac.abort(new Error('halt'))) },
        { chunkBytes: 64, signal: ac.signal },
      ),
      /halt/,
    );
    assert.equal(writes, 1);
  });
});
