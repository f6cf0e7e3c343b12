// Dataset object headers as libhdf5 lays them out, read for External Data Files (src/formats/hdf5/external-files.ts):
// files h5py wrote in each header layout (version 1 and 2, times and attribute phase-change values in the prefix,
// 6-byte message headers, chunk 0 sizes of 2 and 4 bytes, OCHK continuations, NIL messages, the gap at the end of a
// version 2 chunk) and twins byte-edited from them whose messages truly overrun their chunk, with h5py's verdict on
// every dataset (scripts/fixtures/hdf5-object-headers.py); and real HDF5 data files of a public project.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, it } from 'node:test';
import { externalFiles, hdf5Geometry } from '../../../src/formats/hdf5/external-files.js';
import { hdf5SuperblockOffset } from '../../../src/formats/hdf5/sniff.js';
import { scanBytes } from '../../../src/scan/engine.js';
import { MemorySource } from '../../../src/sources/byte-source.js';
import { mirroredManifest } from '../../helpers/mirrors.js';

interface Dataset {
  readonly path: string;
  readonly address?: number;
  readonly chunks?: number;
  readonly gaps?: number[];
  readonly external?: string[];
  readonly read?: true;
  readonly error?: string;
}
interface Case {
  readonly file: string;
  readonly what: string;
  readonly kind: 'benign' | 'malformed';
  readonly source?: string;
  readonly dataset?: string;
  readonly address?: number;
  readonly h5py: { opened: boolean; datasets: Dataset[] };
}

const DIR = new URL('../../fixtures/hdf5-headers/', import.meta.url);
const { cases } = JSON.parse(readFileSync(new URL('manifest.json', DIR), 'utf8')) as { cases: Case[] };
const bytesOf = (file: string) => new Uint8Array(readFileSync(new URL(file, DIR)));
const BLOCKING = new Set(['CRITICAL', 'HIGH', 'MEDIUM']);

function walker(bytes: Uint8Array, name: string) {
  const src = new MemorySource({ chain: [name] }, bytes);
  const sb = hdf5SuperblockOffset(bytes.subarray(0, 4096), src);
  assert.notEqual(sb, undefined, `${name}: no superblock`);
  const g = hdf5Geometry(src, sb!);
  assert.ok(g, `${name}: superblock geometry`);
  return (address: number) => externalFiles(src, g, address);
}

async function blocking(name: string, bytes: Uint8Array) {
  const r = await scanBytes(name, bytes);
  return r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => `${f.ruleId}: ${f.evidence.signal}`);
}

/** Why each malformed twin's header is not read (h5py refuses the same dataset: its verdict is in the manifest). */
const WHY: Record<string, RegExp> = {
  'overrun-v2-chunk0.h5': /runs past its chunk/,
  'overrun-v2-gap-by-1.h5': /runs past its chunk/,
  'overrun-v2-gap-creation-order.h5': /runs past its chunk/,
  'overrun-v2-short-chunk0.h5': /runs past its chunk/,
  'overrun-v2-continuation.h5': /runs past its chunk/,
  'overrun-v1-chunk0.h5': /runs past its chunk/,
  'unaligned-v1.h5': /not a multiple of 8/,
};

describe('HDF5 object headers: layouts h5py writes', () => {
  const benign = cases.filter((c) => c.kind === 'benign');
  const headers = benign.flatMap((c) => c.h5py.datasets.map((d) => ({ c, d })));

  it('the table holds every layout (both versions, continuations, gaps of 3 and 5 bytes, every prefix field)', () => {
    const flags = headers.map(({ c, d }) => {
      const b = bytesOf(c.file).subarray(d.address!, d.address! + 6);
      return String.fromCharCode(...b.subarray(0, 4)) === 'OHDR' ? b[5]! : -1;
    });
    assert.ok(flags.includes(-1), 'a version 1 header');
    for (const bit of [0x01, 0x02, 0x04, 0x10, 0x20])
      assert.ok(
        flags.some((f) => f >= 0 && f & bit),
        `a version 2 header with flag ${bit}`,
      );
    assert.ok(
      headers.some(({ d, c }) => d.chunks! > 1 && c.file.startsWith('v1')),
      'a version 1 continuation',
    );
    assert.ok(
      headers.some(({ d, c }) => d.chunks! > 1 && c.file.startsWith('v2')),
      'an OCHK continuation',
    );
    const gaps = headers.flatMap(({ d }) => d.gaps!);
    assert.ok(gaps.includes(3) && gaps.includes(5), `gaps ${gaps.join(',')}`);
    assert.ok(headers.some(({ d }) => d.external!.length > 0 && d.chunks! > 1));
  });

  it(`every header h5py reads is read here, with the External Data Files h5py lists (${headers.length})`, () => {
    const disagree: string[] = [];
    for (const { c, d } of headers) {
      assert.equal(d.read, true, `${c.file} ${d.path}: h5py reads it`);
      const e = walker(bytesOf(c.file), c.file)(d.address!);
      if (e.unreadable !== undefined) disagree.push(`${c.file} ${d.path}: ${e.unreadable}`);
      else if (JSON.stringify(e.files) !== JSON.stringify(d.external))
        disagree.push(`${c.file} ${d.path}: ${JSON.stringify(e.files)}`);
    }
    assert.deepEqual(disagree, []);
  });

  for (const c of benign) {
    const external = c.h5py.datasets.flatMap((d) => d.external!);
    it(`${c.file}: ${c.what} — ${external.length ? 'MODEL-EXTERNAL-DATA only' : 'passes'}`, async () => {
      const found = await blocking(c.file, bytesOf(c.file));
      assert.ok(!found.some((f) => f.startsWith('SCAN-')), found.join('\n'));
      if (external.length === 0) assert.deepEqual(found, []);
      else {
        assert.ok(found.length > 0 && found.every((f) => f.startsWith('MODEL-EXTERNAL-DATA')), found.join('\n'));
        for (const name of external)
          assert.ok(
            found.some((f) => f.includes(name)),
            `${name} named`,
          );
      }
    });
  }
});

describe('HDF5 object headers: messages that overrun their chunk', () => {
  const twins = cases.filter((c) => c.kind === 'malformed');
  it('every twin has its reason, and a benign source', () => {
    assert.deepEqual(twins.map((c) => c.file).sort(), Object.keys(WHY).sort());
    for (const c of twins) assert.ok(cases.some((s) => s.file === c.source && s.kind === 'benign'));
  });
  for (const c of twins)
    it(`${c.file}: ${c.what} — h5py refuses the dataset, the header is not read, the gate fails`, async () => {
      const refused = c.h5py.datasets.find((d) => `/${c.dataset}` === d.path);
      assert.match(refused?.error ?? '', /corrupt object header|not aligned/);
      const e = walker(bytesOf(c.file), c.file)(c.address!);
      assert.match(e.unreadable ?? 'read', WHY[c.file]!);
      // The other datasets of the file are read as in their source.
      for (const d of c.h5py.datasets.filter((x) => x.read))
        assert.equal(walker(bytesOf(c.file), c.file)(d.address!).unreadable, undefined, d.path);
      // libhdf5 itself refuses the header before the walk reaches it: the file is not scanned completely.
      const found = await blocking(c.file, bytesOf(c.file));
      assert.ok(
        found.some((f) => f.startsWith('SCAN-INCOMPLETE')),
        found.join('\n'),
      );
    });
});

interface RealFile {
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
  readonly sha256: string;
  readonly datasets: number;
  readonly headers: string;
  readonly what: string;
}

const { present, skip } = mirroredManifest<RealFile>(
  new URL('../../fixtures/real-world/hdf5-headers-manifest.json', import.meta.url),
  'no real HDF5 data file of the object header manifest present',
);

describe('HDF5 object headers: real data files of a public project', { skip }, () => {
  for (const { e, bytes } of present)
    it(`${e.repository} ${e.path} (${e.what}; ${e.headers} headers) passes, every dataset header read`, async () => {
      assert.equal(createHash('sha256').update(bytes).digest('hex'), e.sha256);
      const r = await scanBytes(basename(e.path), bytes);
      const found = r.findings.filter((f) => BLOCKING.has(f.severity)).map((f) => `${f.ruleId}: ${f.evidence.signal}`);
      assert.deepEqual(found, []);
      const summary = JSON.stringify(r.files);
      assert.match(summary, new RegExp(`"datasets":${e.datasets}\\b`));
    });
});
