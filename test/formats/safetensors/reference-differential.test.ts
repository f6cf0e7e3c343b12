// Differential test of the safetensors header reader against the reference loader's reading rules (verdicts
// recorded by scripts/fixtures/safetensors-differential.py from huggingface/safetensors' tensor.rs): every file the
// reference accepts is read here with the same tensors and metadata, or — where this reader is narrower — it is a
// MODEL-STRUCT finding, never a pass; every file the reference refuses is a problem here (fail closed).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readSafetensorsHeader } from '../../../src/formats/safetensors/read-header.js';
import { MemorySource } from '../../../src/sources/byte-source.js';
import { scanBytes } from '../../../src/scan/engine.js';

interface Case {
  readonly name: string;
  readonly hex: string;
  readonly accepted: boolean;
  readonly tensors?: Readonly<Record<string, [string, number[], [number, number]]>>;
  readonly metadata?: Readonly<Record<string, string>> | null;
}
const { cases } = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/differential/safetensors-cases.json'), 'utf8'),
) as { cases: Case[] };

const bytesOf = (c: Case) => new Uint8Array(Buffer.from(c.hex, 'hex'));
const read = (c: Case) => readSafetensorsHeader(new MemorySource({ chain: [c.name] }, bytesOf(c)));

/**
 * Where this reader is knowingly narrower than the reference, by problem code: a name or a `__metadata__` key given
 * twice (the reference keeps the last; readers of other languages may keep the first — MODEL-STRUCT), and integers
 * beyond 2^53 in a shape (a file no writer makes: exact only with a bigint JSON parser).
 */
const NARROWER_BY_DESIGN = new Set(['DUPLICATE_KEY', 'TENSOR_INFO']);

describe('safetensors header as the reference loader reads it', () => {
  const accepted = cases.filter((c) => c.accepted);
  const refused = cases.filter((c) => !c.accepted);

  it(`reads every file the reference accepts (${accepted.length} of ${cases.length}) with the same tensors and metadata`, () => {
    const disagree: string[] = [];
    const narrower: string[] = [];
    for (const c of accepted) {
      const h = read(c);
      if (!h.parsed || h.problems.length || h.limit) {
        const codes = h.problems.map((p) => p.code);
        if (h.parsed && codes.every((x) => NARROWER_BY_DESIGN.has(x))) narrower.push(`${c.name}: ${codes.join(',')}`);
        else disagree.push(`${c.name}: refused (${codes.join(',') || h.limit})`);
        continue;
      }
      const ours = Object.fromEntries(
        [...h.tensors]
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
          .map((t) => [t.name, [t.dtype, [...t.shape], [t.start, t.end]]]),
      );
      try {
        assert.deepEqual(ours, c.tensors);
        assert.deepEqual(h.metadata ?? null, c.metadata ?? null);
      } catch {
        disagree.push(`${c.name}: ours ${JSON.stringify([ours, h.metadata])}`);
      }
    }
    assert.deepEqual(disagree, []);
    assert.ok(narrower.length <= 5, narrower.join('\n'));
    assert.ok(accepted.length >= 150);
  });

  it(`refuses every file the reference refuses (${refused.length}): a problem, never a clean read`, () => {
    const wider = refused.filter((c) => {
      const h = read(c);
      return h.parsed && h.problems.length === 0 && !h.limit;
    });
    assert.deepEqual(
      wider.map((c) => c.name),
      [],
    );
  });

  it('where this reader is narrower, the file is a MODEL-STRUCT finding (a finding, never a pass)', async () => {
    let checked = 0;
    for (const c of accepted) {
      const h = read(c);
      if (h.parsed && !h.problems.length) continue;
      const r = await scanBytes('model.safetensors', bytesOf(c));
      assert.ok(
        r.findings.some((f) => f.ruleId === 'MODEL-STRUCT' || f.ruleId === 'SCAN-INCOMPLETE'),
        c.name,
      );
      checked++;
    }
    assert.ok(checked >= 1);
  });
});
