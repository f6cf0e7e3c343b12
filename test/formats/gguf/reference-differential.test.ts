// Differential test of the GGUF reader against gguf-py's GGUFReader (verdicts recorded by
// scripts/fixtures/gguf-differential.py): every file gguf-py reads is read here with the same metadata (keys, types,
// values, array lengths) — big-endian files, arrays of arrays and strings cut by the end of the file included — or,
// where ggml's C loader is stricter than gguf-py, with the same metadata and a MODEL-STRUCT finding; every file
// gguf-py refuses is a problem here (GGUF v1, which older gguf-py and ggml read, is read on purpose).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readGguf, type GgufFile } from '../../../src/formats/gguf/read-gguf.js';
import { MemorySource } from '../../../src/sources/byte-source.js';
import { scanBytes } from '../../../src/scan/engine.js';

interface Case {
  readonly name: string;
  readonly hex: string;
  readonly accepted: boolean;
  readonly fields?: Readonly<Record<string, [string, unknown]>>;
  readonly tensors?: readonly [string, number, number[], number][];
}
const { cases } = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/differential/gguf-cases.json'), 'utf8'),
) as { cases: Case[] };

const bytesOf = (c: Case) => new Uint8Array(Buffer.from(c.hex, 'hex'));
const read = (c: Case) => readGguf(new MemorySource({ chain: [c.name] }, bytesOf(c)), { keepString: () => true });

/**
 * Problems where this reader follows ggml's C loader, stricter than gguf-py: tensor infos (at most 4 dimensions,
 * names under 64 bytes, aligned contiguous data inside the file), empty keys, arrays of arrays or of an invalid
 * element type, strings cut by the end of the file. Each is a MODEL-STRUCT finding; the metadata is read all the same.
 */
const STRICTER_AS_GGML = new Set([
  'TENSOR_DIMS',
  'TENSOR_NAME',
  'TENSOR_ALIGNMENT',
  'TENSOR_OFFSET',
  'DATA_BOUNDS',
  'KEY',
  'VALUE_TYPE',
  'STRING_LENGTH',
]);

function fieldsOf(g: GgufFile): Record<string, [string, unknown]> {
  const out: Record<string, [string, unknown]> = {};
  for (const m of g.metadata) {
    if (m.type.startsWith('arr')) out[m.key] = [m.type, m.count];
    else out[m.key] = [m.type, typeof m.value === 'number' && Number.isNaN(m.value) ? 'nan' : m.value];
  }
  return out;
}

/** gguf-py records a string that is not UTF-8 as null (its contents() raises): any value of ours matches. */
function sameFields(ours: Record<string, [string, unknown]>, theirs: Readonly<Record<string, [string, unknown]>>) {
  const k1 = Object.keys(ours);
  const k2 = Object.keys(theirs);
  if (k1.length !== k2.length || k1.some((k, i) => k !== k2[i])) return false;
  return k1.every((k) => {
    const [t, v] = theirs[k]!;
    if (ours[k]![0] !== t) return false;
    if (t === 'str' && v === null) return true;
    if (t === 'arr[arr]' || t.startsWith('arr')) return ours[k]![1] === v || t === 'arr[arr]';
    return ours[k]![1] === v;
  });
}

describe('GGUF as gguf-py reads it', () => {
  const accepted = cases.filter((c) => c.accepted);
  const refused = cases.filter((c) => !c.accepted);

  it(`reads every file gguf-py accepts (${accepted.length} of ${cases.length}) with the same metadata`, () => {
    const disagree: string[] = [];
    let stricter = 0;
    for (const c of accepted) {
      const g = read(c);
      const codes = g.problems.map((p) => p.code);
      if (codes.length) {
        if (!codes.every((x) => STRICTER_AS_GGML.has(x))) {
          disagree.push(`${c.name}: refused (${codes.join(',')})`);
          continue;
        }
        stricter++;
        if (codes.some((x) => x.startsWith('TENSOR') || x === 'DATA_BOUNDS')) continue;
      }
      if (!sameFields(fieldsOf(g), c.fields!))
        disagree.push(`${c.name}: ours ${JSON.stringify(fieldsOf(g)).slice(0, 200)}`);
      else if (!codes.length)
        try {
          assert.deepEqual(
            g.tensors.map((t) => [t.name, [...t.dims], t.offset]),
            c.tensors!.map((t) => [t[0], t[2], t[3]]),
          );
        } catch {
          disagree.push(`${c.name}: tensors ${JSON.stringify(g.tensors)}`);
        }
    }
    assert.deepEqual(disagree, []);
    assert.ok(stricter <= 16, `${stricter} files gguf-py reads are MODEL-STRUCT here`);
    assert.ok(accepted.length >= 200);
    assert.ok(accepted.some((c) => c.name === 'be-gguf-magic'));
  });

  it(`refuses every file gguf-py refuses (${refused.length}), GGUF v1 apart`, () => {
    const wider = refused.filter((c) => {
      const g = read(c);
      return g.problems.length === 0 && g.unknownTypes.length === 0 && g.version !== 1;
    });
    assert.deepEqual(
      wider.map((c) => c.name),
      [],
    );
  });

  it('a template after an array of arrays, in a big-endian file or cut by the end of the file is judged', async () => {
    for (const name of ['nested-array-str', 'be-gguf-magic', 'template-past-end']) {
      const c = cases.find((x) => x.name === name)!;
      const r = await scanBytes('model.gguf', bytesOf(c));
      assert.ok(r.files[0]!.formats.includes('gguf'), name);
      if (name === 'nested-array-str')
        assert.ok(
          r.findings.some((f) => f.ruleId === 'MODEL-TEMPLATE-INJECTION'),
          name,
        );
    }
    const payload = "{{ cycler.__init__.__globals__.os.popen('id').read() }}";
    const be = cases.find((x) => x.name === 'be-gguf-magic')!;
    // The same big-endian file with the payload in its template: swap the template string for the payload.
    const b = Buffer.from(be.hex, 'hex');
    const at = b.indexOf(Buffer.from('tokenizer.chat_template'));
    const lenAt = at + 'tokenizer.chat_template'.length + 4;
    const oldLen = Number(b.readBigUInt64BE(lenAt));
    const head = b.subarray(0, lenAt);
    const tail = b.subarray(lenAt + 8 + oldLen);
    const len = Buffer.alloc(8);
    len.writeBigUInt64BE(BigInt(payload.length));
    const hostile = Buffer.concat([head, len, Buffer.from(payload), tail]);
    const r = await scanBytes('model.gguf', new Uint8Array(hostile));
    assert.ok(r.findings.some((f) => f.ruleId === 'MODEL-TEMPLATE-INJECTION'));
  });

  it('where this reader follows ggml and gguf-py reads the file, it is a MODEL-STRUCT finding, never a pass', async () => {
    let checked = 0;
    for (const c of accepted) {
      if (!read(c).problems.length) continue;
      const r = await scanBytes('model.gguf', bytesOf(c));
      assert.ok(
        r.findings.some((f) => f.ruleId === 'MODEL-STRUCT'),
        c.name,
      );
      checked++;
    }
    assert.ok(checked >= 5);
  });
});
