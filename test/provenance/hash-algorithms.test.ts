// The hash algorithms of the OMS algorithm registry (ossf/model-signing-spec algorithm-registry.md at a0c91e2:
// sha256 REQUIRED, blake2b = BLAKE2b-512 and blake3 = BLAKE3-256 OPTIONAL) give their published answers through the
// verifier's own hashing (this thread and worker threads), and a folder signed with each of them, in `files` and
// `shards` serialization, round-trips through the gate; one changed byte is SIGN-MISMATCH naming the file or shard.
// Known answers: FIPS 180-4 / RFC 7693 "abc" examples; BLAKE3 from the official test_vectors.json
// (BLAKE3-team/BLAKE3 at 2f6f56f3477321c9e4742f1c863e45f2cfcbfb5e: input bytes i % 251, first 32 bytes of output).
import { strict as assert } from 'node:assert';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { createBLAKE3 } from 'hash-wasm';
import { scan } from '../../src/api/scan.js';
import { hashJobsOnWorkers } from '../../src/provenance/hash-pool.js';
import { hashJobsInThread, SUPPORTED_HASHES } from '../../src/provenance/hash-ranges.js';
import { safetensors } from '../helpers/model-builders.js';
import { signingKit, signModel } from '../helpers/oms-sign.js';

const { tmp, keyPem, signer } = signingKit('sentinel-hash-algs-');
let blake3Hex: (b: Uint8Array) => string;

before(async () => {
  const h = await createBLAKE3();
  blake3Hex = (b) => h.init().update(b).digest('hex');
});

const pattern = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => i % 251));

const KNOWN: readonly { alg: string; input: Buffer; hex: string }[] = [
  { alg: 'sha256', input: Buffer.from('abc'), hex: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
  {
    alg: 'blake2b',
    input: Buffer.from('abc'),
    hex:
      'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1' +
      '7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923',
  },
  { alg: 'blake3', input: pattern(0), hex: 'af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262' },
  { alg: 'blake3', input: pattern(1025), hex: 'd00278ae47eb27b34faecf67b4fe263f82d5412916c1ffd97c8cb7fb814b8444' },
  { alg: 'blake3', input: pattern(7169), hex: 'a003fc7a51754a9b3c7fae0367ab3d782dccf28855a03d435f8cfe74605e7817' },
];

describe('OMS registry hash algorithms', () => {
  it('the registry algorithms are the supported ones', () => {
    assert.deepEqual([...SUPPORTED_HASHES].sort(), ['blake2b', 'blake3', 'sha256']);
  });

  it('published answers, on this thread and on worker threads', async () => {
    const dir = join(tmp, 'known');
    mkdirSync(dir, { recursive: true });
    for (const [i, k] of KNOWN.entries()) {
      const file = join(dir, `k${i}`);
      writeFileSync(file, k.input);
      const job = { abs: file, start: 0, end: k.input.length };
      assert.deepEqual(await hashJobsInThread([job], k.alg), [k.hex], `${k.alg} ${k.input.length} bytes`);
      const pooled = await hashJobsOnWorkers([job, job], k.alg, 2, 0);
      assert.deepEqual(pooled, [k.hex, k.hex], `${k.alg} ${k.input.length} bytes on workers`);
    }
  });

  for (const alg of ['sha256', 'blake2b', 'blake3'] as const) {
    for (const method of ['files', 'shards'] as const) {
      it(`a folder signed with ${alg}, ${method} serialization, round-trips; a changed byte is caught`, async () => {
        const dir = join(tmp, `${alg}-${method}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'model.safetensors'), safetensors([{ name: 'w', dtype: 'F32', shape: [64, 100] }]));
        writeFileSync(join(dir, 'config.json'), JSON.stringify({ model_type: 'mlp' }));
        signModel(dir, join(dir, 'model.sig'), signer, {
          hashType: alg,
          ...(alg === 'blake3' ? { digest: (b: Uint8Array) => blake3Hex(b) } : {}),
          ...(method === 'shards' ? { method, shardSize: 4096 } : {}),
        });
        const ok = await scan(dir, { signatures: { require: true, keys: [keyPem] } });
        const v = ok.signatures?.[0];
        assert.equal(v?.standing, 'valid');
        assert.equal(v?.manifest, 'match', JSON.stringify(v?.problems));
        assert.equal(v?.hashType, alg);
        const file = join(dir, 'model.safetensors');
        const b = readFileSync(file);
        b[b.length - 1] = b[b.length - 1]! ^ 1;
        writeFileSync(file, b);
        const bad = await scan(dir, { signatures: { require: true, keys: [keyPem] } });
        assert.equal(bad.signatures?.[0]?.manifest, 'mismatch');
        const changed = bad.signatures?.[0]?.problems.filter((p) => p.kind === 'changed').map((p) => p.path);
        const last = `model.safetensors:${Math.floor((b.length - 1) / 4096) * 4096}:${b.length}`;
        assert.deepEqual(changed, [method === 'files' ? 'model.safetensors' : last]);
        assert.ok(bad.findings.some((f) => f.ruleId === 'SIGN-MISMATCH'));
      });
    }
  }
});
