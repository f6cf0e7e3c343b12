// Differential test of HDF5 reading (the signature search and the libhdf5 wasm build) against h5py (verdicts
// recorded by scripts/fixtures/hdf5-differential.py): every file h5py opens is opened here, with the root attributes
// Keras reads (model_config as the text its JSON parser gets) and the same external and dangling soft links; every
// file h5py cannot open is not read here either. Where a limit of ours stops the walk, the scan says so.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readHdf5 } from '../../../src/formats/hdf5/read-hdf5.js';
import { hdf5SuperblockOffset } from '../../../src/formats/hdf5/sniff.js';
import { MemorySource } from '../../../src/sources/byte-source.js';
import { scanBytes } from '../../../src/scan/engine.js';

interface Case {
  readonly name: string;
  readonly b64: string;
  readonly opened: boolean;
  readonly attrs?: Readonly<Record<string, { str?: string; number?: number; bool?: boolean; type?: string }>>;
  readonly links?: readonly string[][];
}
const { cases } = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../fixtures/differential/hdf5-cases.json'), 'utf8'),
) as { cases: Case[] };

const bytesOf = (c: Case) => new Uint8Array(Buffer.from(c.b64, 'base64'));

async function ours(c: Case) {
  const b = bytesOf(c);
  const src = new MemorySource({ chain: [c.name] }, b);
  if (hdf5SuperblockOffset(b.subarray(0, 4096), src) === undefined)
    return { ok: false as const, error: 'no signature' };
  return readHdf5(src, { maxObjects: 100_000 });
}

/**
 * The same text for Keras's JSON parser: h5py strips the padding of a space-padded fixed string and decodes bytes
 * that are not UTF-8 with surrogate escapes; the library here keeps the spaces (JSON whitespace) and decodes with
 * U+FFFD (the same JSON structure).
 */
const asKerasParses = (s: string) => s.replace(/[\uD800-\uDFFF]/g, '\uFFFD').trimEnd();

describe('HDF5 as h5py reads it', () => {
  const opened = cases.filter((c) => c.opened);
  const refused = cases.filter((c) => !c.opened);

  it(`opens every file h5py opens (${opened.length} of ${cases.length}) with its root attributes and links`, async () => {
    const disagree: string[] = [];
    for (const c of opened) {
      const r = await ours(c);
      if (!r.ok) {
        disagree.push(`${c.name}: not opened (${r.error})`);
        continue;
      }
      const s = r.summary;
      for (const [k, v] of Object.entries(c.attrs!)) {
        const o = s.rootAttributes[k];
        if (v.str !== undefined && (typeof o !== 'string' || asKerasParses(o) !== asKerasParses(v.str)))
          disagree.push(`${c.name}: attribute ${k} ${JSON.stringify(o)?.slice(0, 80)}`);
        if (v.number !== undefined && Number(o) !== v.number) disagree.push(`${c.name}: attribute ${k} = ${o}`);
        if (v.bool !== undefined && Boolean(o) !== v.bool) disagree.push(`${c.name}: attribute ${k} = ${o}`);
      }
      const links = s.links
        .map((l) => (l.kind === 'external' ? ['external', l.path, l.file!, l.target] : ['soft', l.path, l.target]))
        .sort();
      // A walk stopped by our depth limit misses links beyond it: SCAN-INCOMPLETE (checked below), never a pass.
      if (s.tooDeep === 0 && JSON.stringify(links) !== JSON.stringify(c.links))
        disagree.push(`${c.name}: links ${JSON.stringify(links)}`);
    }
    assert.deepEqual(disagree, []);
    assert.ok(opened.length >= 80);
  });

  it(`does not read what h5py cannot open (${refused.length})`, async () => {
    const wider: string[] = [];
    for (const c of refused) if ((await ours(c)).ok) wider.push(c.name);
    // A file whose attribute table is damaged: the library here lists the readable attributes, h5py refuses the
    // whole file (Keras cannot load it either); nothing in it goes unread.
    assert.ok(wider.length <= 2, wider.join(', '));
  });

  it('a file with links beyond the depth walked is SCAN-INCOMPLETE; external links are MODEL-EXTERNAL-DATA', async () => {
    const deep = await scanBytes('model.h5', bytesOf(cases.find((c) => c.name === 'deep-groups')!));
    assert.ok(deep.findings.some((f) => f.ruleId === 'SCAN-INCOMPLETE'));
    const links = await scanBytes('model.h5', bytesOf(cases.find((c) => c.name === 'links')!));
    assert.ok(
      links.findings.some((f) => f.ruleId === 'MODEL-EXTERNAL-DATA' && /passwd/.test(JSON.stringify(f.evidence))),
    );
    for (const name of ['userblock-4096', 'strpad-spacepad', 'vlen-bytes', 'utf8-fixed', 'big-attr-dense']) {
      const r = await scanBytes('model.h5', bytesOf(cases.find((c) => c.name === name)!));
      assert.ok(
        r.findings.some((f) => f.ruleId === 'MODEL-LAMBDA-CODE'),
        name,
      );
    }
  });
});
