// Fail closed without crying wolf: bytes after the last STOP that no pickle loader reads are LOW evidence (the gate
// passes, the stream stays LIKELY_SAFE), while a pickle after STOP is still scanned as one; joblib < 0.10's 'ZF'
// container header is a fact about the format, never ARCHIVE-TAMPER, while a real zlib disagreement still is.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';

const FIX = join(import.meta.dirname, '../fixtures/compression/zlib');
const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const data = () => new P().proto(2).emptyDict().sbu('a').int(1).setitem().stop().bytes();
const blocking = (r: Awaited<ReturnType<typeof scanBytes>>) =>
  r.findings.filter((f) => f.severity !== 'LOW' && f.severity !== 'INFO').map((f) => f.ruleId);

describe('bytes after the last STOP', () => {
  const cases: [string, Uint8Array][] = [
    ["one newline (NumPy's own test pickles end that way)", new Uint8Array([0x0a])],
    ['zero padding', new Uint8Array(16)],
    ['text that is no pickle', new TextEncoder().encode('trailing notes, not opcodes\n')],
  ];
  for (const [name, tail] of cases) {
    it(`${name}: LOW evidence, LIKELY_SAFE, nothing that gates`, async () => {
      const r = await scanBytes('x.pkl', concat(data(), tail));
      assert.deepEqual(blocking(r), []);
      const low = r.findings.find((f) => f.ruleId === 'PICKLE-STRUCT');
      assert.equal(low?.severity, 'LOW');
      assert.equal(low?.evidence.details?.['anomaly'], 'TRAILING_BYTES');
      assert.equal(r.pickles[0]!.safety, 'LIKELY_SAFE');
    });
  }
  it('a second pickle after STOP is scanned as one (os.system is PICKLE-EXEC)', async () => {
    const r = await scanBytes('x.pkl', concat(data(), new P().proto(2).call('posix', 'system').stop().bytes()));
    assert.ok(blocking(r).includes('PICKLE-EXEC'));
  });
  it('a protocol-0 payload after STOP is scanned too', async () => {
    const r = await scanBytes('x.pkl', concat(data(), new TextEncoder().encode('cos\nsystem\n(S"id"\ntR.')));
    assert.ok(blocking(r).includes('PICKLE-EXEC'));
  });
});

describe("joblib < 0.10 'ZF' files (joblib.numpy_pickle_compat.write_zfile)", () => {
  it('the ZF header is not a disagreement: no finding', async () => {
    const r = await scanBytes('old.pkl', readFileSync(join(FIX, 'legacy-zf.pkl')));
    assert.deepEqual(
      r.findings.map((f) => f.ruleId),
      [],
    );
    assert.ok(r.files[0]!.formats.includes('zlib'));
  });
  it('a ZF file whose zlib stream disagrees (Adler-32) is still ARCHIVE-TAMPER', async () => {
    const zf = readFileSync(join(FIX, 'legacy-zf.pkl'));
    const bad = Uint8Array.from(zf);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    const r = await scanBytes('old.pkl', bad);
    assert.ok(r.findings.some((f) => f.ruleId === 'ARCHIVE-TAMPER' && /Adler-32/.test(f.evidence.signal)));
  });
});
