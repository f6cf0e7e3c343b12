// ONNX models with QONNX's own operators: QONNX runs a non-standard domain's node by importing the Python module the
// domain names, and for its own domains and operator types (derived from QONNX's source at pinned releases) that is
// its numpy code, so such a node is noted, not reported. Look-alikes stay MODEL-CUSTOM-OP: an operator that runs
// another ONNX file its attribute names (GenericPartition), an operator type QONNX does not define in its domain, a
// FINN dataflow domain, a domain naming any other module. Fixtures: scripts/fixtures/model-onnx-qonnx.py (the real
// onnx package); real QONNX test models are read from a mirror when present (qonnx-manifest.json).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';
import { qonnxPythonOperator } from '../../src/analyzers/model/onnx-python-ops.js';
import { mirroredManifest, type MirroredFile } from '../helpers/mirrors.js';

const DIR = new URL('../fixtures/model/onnx-qonnx/', import.meta.url);

const CASES: { file: string; reported: string | null }[] = [
  { file: 'qonnx-quant.onnx', reported: null },
  { file: 'brevitas-quant.onnx', reported: null },
  { file: 'qonnx-channels-last.onnx', reported: null },
  { file: 'qonnx-generic-partition.onnx', reported: 'qonnx.custom_op.general::GenericPartition' },
  { file: 'qonnx-unknown-op.onnx', reported: 'qonnx.custom_op.general::Evil' },
  { file: 'finn-dataflow.onnx', reported: 'finn.custom_op.fpgadataflow::MatrixVectorActivation' },
  { file: 'module-domain.onnx', reported: 'os::Quant' },
];

async function customOps(name: string, bytes: Uint8Array) {
  const r = await scanBytes(name, bytes);
  return {
    findings: r.findings.filter((f) => f.ruleId === 'MODEL-CUSTOM-OP'),
    all: r.findings,
    notes: r.files.flatMap((f) => f.notes ?? []),
  };
}

describe('ONNX: QONNX operators and their look-alikes', () => {
  for (const c of CASES)
    it(`${c.file}: ${c.reported === null ? 'noted, no finding' : `MODEL-CUSTOM-OP ${c.reported}`}`, async () => {
      const { findings, all, notes } = await customOps(c.file, readFileSync(new URL(c.file, DIR)));
      if (c.reported === null) {
        assert.deepEqual(all, []);
        assert.ok(
          notes.some((n) => /QONNX's Python operator/.test(n)),
          `a note names the QONNX operator: ${JSON.stringify(notes)}`,
        );
      } else {
        assert.equal(findings.length, 1);
        assert.equal(findings[0]!.severity, 'HIGH');
        assert.match(findings[0]!.evidence.signal, new RegExp(c.reported.replace(/[.:]/g, '\\$&')));
        assert.match(findings[0]!.evidence.signal, /Python module the domain names/);
      }
    });

  it('the derived table: an alias reads as its module; an operator is matched by domain and type together', () => {
    assert.equal(qonnxPythonOperator('onnx.brevitas', 'Quant'), 'qonnx.custom_op.general');
    assert.equal(qonnxPythonOperator('qonnx.custom_op.general', 'MultiThreshold'), 'qonnx.custom_op.general');
    assert.equal(qonnxPythonOperator('qonnx.custom_op.channels_last', 'MultiThreshold'), undefined);
    assert.equal(qonnxPythonOperator('qonnx.custom_op.general', 'GenericPartition'), undefined);
    assert.equal(qonnxPythonOperator('qonnx.custom_op', 'Quant'), undefined);
    assert.equal(qonnxPythonOperator('finn.custom_op.general', 'MultiThreshold'), undefined);
    assert.equal(qonnxPythonOperator('qonnx.custom_op.general', 'constructor'), undefined);
    assert.equal(qonnxPythonOperator('__proto__', 'Quant'), undefined);
  });
});

interface RealFile extends MirroredFile {
  readonly sha256: string;
}
const { present, skip } = mirroredManifest<RealFile>(
  new URL('../fixtures/real-world/qonnx-manifest.json', import.meta.url),
  "no mirror of QONNX's test models present",
);

describe('ONNX: QONNX test models of the real library', { skip }, () => {
  for (const { e, bytes } of present)
    it(`${e.repository} ${e.path} passes`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      const { all } = await customOps(basename(e.path), bytes);
      assert.deepEqual(
        all.map((f) => `${f.ruleId}: ${f.evidence.signal}`),
        [],
      );
    });
});
