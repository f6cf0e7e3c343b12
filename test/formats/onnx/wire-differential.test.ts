// Differential test of the ONNX reader against onnx.load_from_string (protobuf C++; verdicts recorded by
// scripts/fixtures/onnx-wire-differential.py): every model onnx parses is decoded here with the same nodes,
// IR version and external-data entries — a declared field repeated with another wire type keeps the value C++
// keeps, fields come in any order, unknown fields and groups are skipped.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { decodeOnnxSource } from '../../../src/formats/onnx/read-onnx.js';
import { MemorySource } from '../../../src/sources/byte-source.js';
import { scanBytes } from '../../../src/scan/engine.js';

interface Case {
  readonly name: string;
  readonly hex: string;
  readonly parsed: boolean;
  readonly irVersion?: number;
  readonly nodes?: readonly (readonly (string | null)[])[];
  readonly external?: readonly (readonly (readonly (string | null)[])[])[];
}
const { cases } = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/differential/onnx-wire-cases.json'), 'utf8'),
) as { cases: Case[] };

const decode = (hex: string) =>
  decodeOnnxSource(new MemorySource({ chain: ['m'] }, new Uint8Array(Buffer.from(hex, 'hex'))), {
    maxBytes: 1 << 24,
  });

/** Strings the C++ parser kept as non-UTF-8 bytes are recorded as null: compared as "any". */
const same = (ours: string, theirs: string | null) => theirs === null || ours === theirs;

describe('ONNX wire format against protobuf C++ (onnx 1.12)', () => {
  it(`every model onnx parses (of ${cases.length} recorded) decodes to the same structure`, async () => {
    const disagree: string[] = [];
    for (const c of cases) {
      if (!c.parsed) continue;
      const d = await decode(c.hex);
      if (!d.ok) {
        disagree.push(`${c.name}: ${d.error}`);
        continue;
      }
      const m = d.model;
      const nodes = m.nodes.map((n) => [n.domain, n.opType]);
      const ok =
        m.irVersion === c.irVersion &&
        nodes.length === c.nodes!.length &&
        nodes.every((n, i) => same(n[0]!, c.nodes![i]![0]!) && same(n[1]!, c.nodes![i]![1]!));
      const ext = m.externalTensors.map((t) => Object.entries(t.entries));
      const theirsExt = c.external!;
      const extOk =
        ext.length === theirsExt.length &&
        ext.every((e, i) => e.every(([k, v]) => theirsExt[i]!.some((x) => same(k, x[0]!) && same(v, x[1]!))));
      if (!ok || !extOk) disagree.push(`${c.name}: ours ${JSON.stringify(nodes)} theirs ${JSON.stringify(c.nodes)}`);
    }
    assert.deepEqual(disagree, []);
    assert.ok(cases.filter((c) => c.parsed).length >= 100);
  });

  it('a custom-op domain hidden behind a repeated field of another wire type is found, whatever the name', async () => {
    const c = cases.find((x) => x.name === 'domain-then-varint')!;
    const r = await scanBytes('model.bin', new Uint8Array(Buffer.from(c.hex, 'hex')));
    assert.ok(r.findings.some((f) => f.ruleId === 'MODEL-CUSTOM-OP'));
  });

  it('a model whose first field is the graph, not ir_version, is recognised without its name', async () => {
    const c = cases.find((x) => x.name === 'no-ir-version-graph-first')!;
    const r = await scanBytes('model.bin', new Uint8Array(Buffer.from(c.hex, 'hex')));
    assert.ok(r.files[0]!.formats.includes('onnx'));
    assert.ok(r.findings.some((f) => f.ruleId === 'MODEL-CUSTOM-OP'));
  });
});

describe('ONNX external_data entries and domains onnx defines', () => {
  const scan = async (name: string) => {
    const c = cases.find((x) => x.name === name)!;
    const r = await scanBytes('model.onnx', new Uint8Array(Buffer.from(c.hex, 'hex')));
    return r.findings.map((f) => `${f.ruleId} ${String(f.evidence.details?.['problem'] ?? '')}`.trim());
  };
  const table: [string, string[]][] = [
    ['ext-dunder-key', ['MODEL-STRUCT EXTERNAL_DATA_KEY']],
    ['ext-offset-negative', ['MODEL-STRUCT EXTERNAL_DATA_RANGE']],
    ['ext-length-huge', ['MODEL-STRUCT EXTERNAL_DATA_RANGE']],
    ['ext-location-twice', ['MODEL-STRUCT EXTERNAL_DATA_DUPLICATE', 'MODEL-EXTERNAL-DATA PARENT']],
    ['ext-offset-length-ok', []],
    ['ext-location', []],
  ];
  for (const [name, want] of table)
    it(`${name}: ${want.join(', ') || 'passes'}`, async () => {
      const got = (await scan(name)).filter((f) => !f.startsWith('MODEL-CUSTOM-OP'));
      for (const w of want)
        assert.ok(
          got.some((g) => g.startsWith(w.split(' ')[0]!) && g.includes(w.split(' ')[1] ?? '')),
          `${w} in ${JSON.stringify(got)}`,
        );
      if (want.length === 0) assert.deepEqual(got, []);
    });
  it("ai.onnx.preview is a domain onnx defines, not a custom-op library's", async () => {
    assert.deepEqual(await scan('preview-domain'), []);
  });
});
