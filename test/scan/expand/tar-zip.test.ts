// A tar whose last member is a zip (a checkpoint, an .npz) also ends with that zip's end-of-central-directory
// record, so a zip sniff matches the whole tar. The tar must be read as a tar (every member scanned, no zip
// tamper noise); a zip that really spans tar headers (a polyglot zipfile would read) is ARCHIVE-TAMPER and scanned.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes } from '../../../src/scan/engine.js';
import { buildZip } from '../../formats/zip/zip-builder.js';
import { evilPickle } from '../../helpers/pickle-builder.js';

const CKPT = new Uint8Array(
  readFileSync(join(import.meta.dirname, '../../fixtures/containers/zip/torch_state_dict.pt')),
);

/** A ustar archive as tarfile writes it (regular files, 512-byte blocks, two zero blocks at the end). */
function ustar(members: [string, Uint8Array][]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [name, data] of members) {
    const h = new Uint8Array(512);
    const put = (s: string, off: number) => h.set(Buffer.from(s, 'latin1'), off);
    put(name, 0);
    put('0000644\0', 100);
    put('0000000\0', 108);
    put('0000000\0', 116);
    put(data.length.toString(8).padStart(11, '0') + '\0', 124);
    put('14500000000\0', 136);
    put('        ', 148);
    h[156] = 0x30;
    put('ustar\x0000', 257);
    const sum = h.reduce((a, b) => a + b, 0);
    put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  return Buffer.concat(blocks);
}

const findings = async (bytes: Uint8Array) =>
  (await scanBytes('x.tar', bytes)).findings.map((f) => `${f.ruleId} ${f.location.chain.slice(1).join(' ')}`.trim());

describe('tar archives holding zips', () => {
  it('a tar of real torch checkpoints is clean', async () => {
    assert.deepEqual(
      await findings(
        ustar([
          ['run/a.pt', CKPT],
          ['run/b.pt', CKPT],
          ['run/c.pt', CKPT],
        ]),
      ),
      [],
    );
  });

  it('every member is scanned: a pickle payload before a checkpoint is PICKLE-EXEC', async () => {
    assert.deepEqual(
      await findings(
        ustar([
          ['evil.pkl', evilPickle()],
          ['model.pt', CKPT],
        ]),
      ),
      ['PICKLE-EXEC /evil.pkl'],
    );
  });

  it('a zip spanning two members (zipfile reads it from the whole file) is ARCHIVE-TAMPER and is scanned', async () => {
    // Member A holds the local header and data of evil.pkl, member B the central directory and end record, with
    // offsets written so that zipfile, reading the whole tar, finds evil.pkl at A's data.
    const zip = buildZip([{ name: 'evil.pkl', data: evilPickle() }]);
    const eocd = zip.length - 22;
    const cdOffset = new DataView(zip.buffer, zip.byteOffset).getUint32(eocd + 16, true);
    const partA = zip.subarray(0, cdOffset);
    const partB = new Uint8Array(zip.subarray(cdOffset));
    const bData = 512 + Math.ceil(partA.length / 512) * 512 + 512;
    new DataView(partB.buffer).setUint32(partB.length - 22 + 16, bData - 512, true);
    const tar = ustar([
      ['a.bin', partA],
      ['b.bin', partB],
    ]);
    const got = await findings(tar);
    assert.ok(got.includes('ARCHIVE-TAMPER'), got.join('\n'));
    assert.ok(got.includes('PICKLE-EXEC /evil.pkl'), got.join('\n'));
  });
});
