// Fuzz targets (fast-check): mutations of committed seeds and generators of structurally valid inputs for the
// pickle decoder/VM, zip, tar, 7z, npy, joblib and the decompressors, all checked through the scan engine.
// Properties: the engine never throws and reports no internal error, every scan ends within its budget, and a
// payload the mutation left intact (the seed's bytes up to the opcode that makes it a finding) is still found.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { CorruptError } from '../../src/core/errors.js';
import type { Limits } from '../../src/core/limits.js';
import { PickleDecoder } from '../../src/formats/pickle/decoder.js';
import { parseSltListing } from '../../src/formats/sevenzip/slt-listing.js';
import { scanBytes } from '../../src/scan/engine.js';
import { MemorySource } from '../../src/sources/byte-source.js';
import {
  ARG_OPS,
  npyFile,
  opBytes,
  payloadPickle,
  PLAIN_OPS,
  tarArchive,
  zipArchive,
  type PickleOp,
  type TarEntrySpec,
  type ZipEntrySpec,
} from './writers.js';

/** One input: scanned as a file named `name`; `expect` is a rule that must be among the findings. */
export interface FuzzCase {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly expect?: string;
}

export interface FuzzTarget {
  readonly name: string;
  readonly arb: fc.Arbitrary<FuzzCase>;
  /** Checks one case; throws (assertion) when a property does not hold. Defaults to `checkScan`. */
  readonly check?: (c: FuzzCase) => Promise<void>;
  /** Runs of the short seeded pass in `npm test`. */
  readonly ciRuns: number;
  /** Share of `npm run fuzz` time (1 = an equal share; the parser-only 7z listing target gets less). */
  readonly weight?: number;
}

/** Small budgets so a mutated length field cannot make one execution inflate a gigabyte. */
export const FUZZ_LIMITS: Partial<Limits> = {
  maxFileSeconds: 5,
  maxEntryBytes: 16 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024,
  ratioGraceBytes: 1024 * 1024,
};
/** Wall-clock allowance over `maxFileSeconds` (the machine is shared; the deadline is checked between steps). */
const SLACK_MS = 5000;

/** The engine property: no exception, no internal error, within budget, the expected payload found. */
export async function checkScan(c: FuzzCase): Promise<void> {
  const t0 = Date.now();
  const res = await scanBytes(c.name, c.bytes, { limits: FUZZ_LIMITS });
  const ms = Date.now() - t0;
  const internal = res.errors.filter((e) => e.message.includes('internal error'));
  assert.deepEqual(internal, [], 'internal error');
  // Wall-clock budget: checked by `npm run fuzz` (scripts/fuzz.ts sets SENTINEL_FUZZ_BUDGET), never in `npm test`,
  // where a loaded machine would fail it without a defect.
  if (process.env['SENTINEL_FUZZ_BUDGET'] === '1') {
    assert.ok(ms <= FUZZ_LIMITS.maxFileSeconds! * 1000 + SLACK_MS, `over budget: ${ms} ms`);
  }
  if (c.expect) {
    const rules = res.findings.map((f) => f.ruleId);
    assert.ok(rules.includes(c.expect), `payload lost: ${c.expect} not in [${rules.join(', ')}]`);
  }
}

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;
const MAX_SEED_BYTES = 64 * 1024;

function seedFiles(dir: string, filter: (name: string) => boolean = () => true): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const e of readdirSync(join(FIXTURES, rel), { withFileTypes: true })) {
      const r = join(rel, e.name);
      if (e.isDirectory()) walk(r);
      else if (e.isFile() && filter(r) && !r.endsWith('.json') && statSync(join(FIXTURES, r)).size <= MAX_SEED_BYTES)
        out.push(r);
    }
  };
  walk(dir);
  return out.sort();
}

interface Seed {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Expected rule of a malicious seed, and the length of the prefix that already yields it. */
  readonly expect?: string;
  readonly keep?: number;
}

const load = (rel: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, rel)));

/** Opcode boundaries of a pickle (offsets just past each opcode's argument), up to where decoding stops. */
function opcodeEnds(bytes: Uint8Array): number[] {
  const d = new PickleDecoder(new MemorySource({ chain: ['seed'] }, bytes));
  const ends: number[] = [];
  while (ends.length < 100_000 && d.next()) ends.push(d.argEnd);
  if (ends[ends.length - 1] !== bytes.length) ends.push(bytes.length);
  return ends;
}

/**
 * A malicious raw-pickle seed with the shortest opcode-aligned prefix the engine already blocks: a loader runs
 * that prefix before reading anything after it, so no later bytes can undo the payload.
 */
async function maliciousSeed(rel: string, expect: string): Promise<Seed> {
  const bytes = load(rel);
  const finds = async (len: number): Promise<boolean> =>
    (await scanBytes(rel, bytes.subarray(0, len), { limits: FUZZ_LIMITS })).findings.some((f) => f.ruleId === expect);
  assert.ok(await finds(bytes.length), `seed ${rel} does not yield ${expect}`);
  const ends = opcodeEnds(bytes);
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (await finds(ends[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  const keep = (await finds(ends[lo]!)) ? ends[lo]! : bytes.length;
  return { name: rel, bytes, expect, keep };
}

interface Edit {
  readonly kind: number;
  readonly at: number;
  readonly byte: number;
  readonly len: number;
}
const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.integer({ min: 0, max: 6 }),
  at: fc.nat(),
  byte: fc.nat(255),
  len: fc.integer({ min: 1, max: 64 }),
});
const INTERESTING = [0, 0xff, 0x7f, 0x80, 0x2e, 0x28, 0x52, 0x93, 0x95];

/** Applies edits at positions >= `from` (flip, set, interesting byte, insert, delete, duplicate a run, truncate). */
function applyEdits(src: Uint8Array, edits: readonly Edit[], from: number): Uint8Array {
  let b: Uint8Array = src.slice();
  for (const e of edits) {
    const span = b.length - from + 1;
    const at = from + (e.at % Math.max(1, span));
    const join = (...parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);
    switch (e.kind) {
      case 0:
        if (at < b.length) b[at] = b[at]! ^ (1 << (e.byte & 7));
        break;
      case 1:
        if (at < b.length) b[at] = e.byte;
        break;
      case 2:
        if (at < b.length) b[at] = INTERESTING[e.byte % INTERESTING.length]!;
        break;
      case 3:
        b = join(b.subarray(0, at), new Uint8Array(e.len % 8).fill(e.byte), b.subarray(at));
        break;
      case 4:
        b = join(b.subarray(0, at), b.subarray(at + e.len));
        break;
      case 5:
        b = join(b.subarray(0, at), b.subarray(at, at + e.len), b.subarray(at));
        break;
      default:
        b = b.slice(0, at);
    }
  }
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

/** Mutations of seeds: a malicious seed mutated only past its kept prefix must still be found. */
function mutations(seeds: readonly Seed[]): fc.Arbitrary<FuzzCase> {
  return fc
    .record({
      seed: fc.constantFrom(...seeds),
      edits: fc.array(editArb, { minLength: 1, maxLength: 6 }),
      protect: fc.boolean(),
    })
    .map(({ seed, edits, protect }) => {
      const keepPayload = protect && seed.keep !== undefined;
      const bytes = applyEdits(seed.bytes, edits, keepPayload ? seed.keep! : 0);
      return keepPayload ? { name: seed.name, bytes, expect: seed.expect! } : { name: seed.name, bytes };
    });
}

const pickleOpArb: fc.Arbitrary<PickleOp> = fc.record({
  op: fc.oneof(fc.constantFrom(...PLAIN_OPS), fc.constantFrom(...ARG_OPS)),
  n: fc.nat(),
  text: fc.string({ maxLength: 12, unit: 'grapheme-ascii' }),
});

/** Random opcode programs; with `payload` the stream starts with a `posix.system` call. */
const pickleProgramArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    proto: fc.integer({ min: 0, max: 5 }),
    ops: fc.array(pickleOpArb, { maxLength: 80 }),
    payload: fc.boolean(),
    stop: fc.boolean(),
  })
  .map(({ proto, ops, payload, stop }) => {
    const body = ops.flatMap(opBytes);
    const head = payload ? payloadPickle(proto) : proto >= 2 ? [0x80, proto] : [];
    const bytes = Uint8Array.from([...head, ...body, ...(stop ? [0x2e] : [])]);
    return payload ? { name: 'gen.pkl', bytes, expect: 'PICKLE-EXEC' } : { name: 'gen.pkl', bytes };
  });

const benignPickleArb = fc
  .array(pickleOpArb, { maxLength: 20 })
  .map((ops) => Uint8Array.from([0x80, 2, ...ops.flatMap(opBytes), 0x2e]));
const randomBytesArb = fc.uint8Array({ maxLength: 256 });
const entryNameArb = fc.oneof(
  fc.constantFrom('data.pkl', 'archive/data.pkl', 'archive/version', 'model/data/0', 'a.npy', '../x', '/abs', 'dir/'),
  fc.string({ maxLength: 20, unit: 'grapheme' }),
);

/** Random zip layouts (stored/deflated, data descriptors, extras, comments, an SFX prefix), maybe with a payload entry. */
const zipLayoutArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    entries: fc.array(
      fc.record({
        name: entryNameArb,
        data: fc.oneof(benignPickleArb, randomBytesArb),
        deflate: fc.boolean(),
        descriptor: fc.boolean(),
        extra: fc.uint8Array({ maxLength: 12 }),
        comment: fc.string({ maxLength: 8 }),
      }),
      { maxLength: 5 },
    ),
    payloadAt: fc.option(fc.nat(5)),
    payloadProto: fc.integer({ min: 0, max: 5 }),
    deflatePayload: fc.boolean(),
    prefix: fc.uint8Array({ maxLength: 32 }),
    comment: fc.string({ maxLength: 16 }),
  })
  .map(({ entries, payloadAt, payloadProto, deflatePayload, prefix, comment }) => {
    const list: ZipEntrySpec[] = [...entries];
    if (payloadAt !== null) {
      list.splice(Math.min(payloadAt, list.length), 0, {
        name: 'payload-entry.pkl',
        data: Uint8Array.from([...payloadPickle(payloadProto), 0x2e]),
        deflate: deflatePayload,
        descriptor: false,
        extra: new Uint8Array(0),
        comment: '',
      });
    }
    const bytes = zipArchive(list, prefix, comment);
    return payloadAt !== null ? { name: 'gen.zip', bytes, expect: 'PICKLE-EXEC' } : { name: 'gen.zip', bytes };
  });

/** Random tar layouts (files, directories, symlinks, pax and GNU long names), maybe with a payload member. */
const tarLayoutArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    entries: fc.array(
      fc.record({
        name: entryNameArb,
        type: fc.constantFrom('0', '5', '2', 'x', 'L'),
        data: fc.oneof(benignPickleArb, randomBytesArb),
        mode: fc.nat(0o7777),
        mtime: fc.nat(),
      }),
      { maxLength: 5 },
    ),
    payloadAt: fc.option(fc.nat(5)),
    payloadType: fc.constantFrom('0', 'x', 'L'),
    noEnd: fc.boolean(),
  })
  .map(({ entries, payloadAt, payloadType, noEnd }) => {
    const list: TarEntrySpec[] = entries.map((e) => ({ ...e, type: e.type as TarEntrySpec['type'] }));
    if (payloadAt !== null) {
      list.splice(Math.min(payloadAt, list.length), 0, {
        name: payloadType === 'L' ? `${'d/'.repeat(60)}payload.pkl` : 'payload-member.pkl',
        type: payloadType as TarEntrySpec['type'],
        data: Uint8Array.from([...payloadPickle(2), 0x2e]),
        mode: 0o644,
        mtime: 0,
      });
    }
    const bytes = tarArchive(list, noEnd);
    return payloadAt !== null ? { name: 'gen.tar', bytes, expect: 'PICKLE-EXEC' } : { name: 'gen.tar', bytes };
  });

/** .npy files of versions 1–3: object arrays carrying a payload pickle, numeric arrays with random bodies. */
const npyArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    version: fc.constantFrom(1, 2, 3) as fc.Arbitrary<1 | 2 | 3>,
    descr: fc.constantFrom('|O', '<f4', '<i8', '|u1', '>f8', '|b1', '<U3', '|S2', '<c16'),
    fortran: fc.boolean(),
    shape: fc.array(fc.nat(6), { minLength: 1, maxLength: 3 }),
    body: randomBytesArb,
    proto: fc.integer({ min: 2, max: 5 }),
    inZip: fc.boolean(),
  })
  .map(({ version, descr, fortran, shape, body, proto, inZip }) => {
    const evil = descr === '|O';
    const payload = evil ? Uint8Array.from([...payloadPickle(proto), 0x2e]) : body;
    const npy = npyFile(version, descr, fortran, evil ? [1] : shape, payload);
    const bytes = inZip
      ? zipArchive(
          [{ name: 'arr.npy', data: npy, deflate: true, descriptor: false, extra: new Uint8Array(0), comment: '' }],
          new Uint8Array(0),
          '',
        )
      : npy;
    const name = inZip ? 'gen.npz' : 'gen.npy';
    return evil ? { name, bytes, expect: 'PICKLE-EXEC' } : { name, bytes };
  });

/** A payload pickle behind gzip or zlib, sometimes followed by trailing bytes. */
const compressedArb: fc.Arbitrary<FuzzCase> = fc
  .record({
    codec: fc.constantFrom('gzip', 'zlib'),
    tail: fc.uint8Array({ maxLength: 16 }),
    proto: fc.integer({ min: 0, max: 5 }),
    level: fc.integer({ min: 0, max: 9 }),
  })
  .map(({ codec, tail, proto, level }) => {
    const pkl = Uint8Array.from([...payloadPickle(proto), 0x2e]);
    const packed = codec === 'gzip' ? gzipSync(pkl, { level }) : deflateSync(pkl, { level });
    return {
      name: codec === 'gzip' ? 'gen.pkl.gz' : 'gen.joblib',
      bytes: Uint8Array.from([...packed, ...tail]),
      expect: 'PICKLE-EXEC',
    };
  });

/** `7z l -slt` listings: any text gives entries or a CorruptError, nothing else. */
const sltArb = fc.array(
  fc.oneof(
    fc.constantFrom(
      '',
      'Path = a.pkl',
      'Size = 12',
      'Size = -1',
      'Size = 1e400',
      'Attributes = D',
      'Attributes = A lrwxrwxrwx',
      'Encrypted = +',
      'Folder = +',
      'Method = LZMA2:24',
    ),
    fc.string({ maxLength: 30 }),
  ),
  { maxLength: 30 },
);
async function checkSlt(c: FuzzCase): Promise<void> {
  const lines = Buffer.from(c.bytes).toString('utf8').split('\u0001');
  try {
    parseSltListing(lines);
  } catch (e) {
    assert.ok(e instanceof CorruptError, `unexpected ${String(e)}`);
  }
}

const seeds = (rels: readonly string[]): Seed[] => rels.map((r) => ({ name: r, bytes: load(r) }));

/** All targets. Builds the malicious seeds' kept prefixes (a few dozen scans). */
export async function loadTargets(): Promise<FuzzTarget[]> {
  const evil = await Promise.all(
    (
      [
        ['hostile/joblib-skip-plain.pkl', 'PICKLE-EXEC'],
        ['hostile/joblib-object-array.joblib', 'PICKLE-EXEC'],
        ['hostile/joblib-reconstructor-p1.joblib', 'PICKLE-EXEC'],
        ['hostile/proto-6.pkl', 'PICKLE-EXEC'],
        ['hostile/tuple-tower.pkl', 'PICKLE-EXEC'],
        ['hostile/scipy-template-p0.pkl', 'PICKLE-EXEC'],
        ['hostile/scipy-computed-key.pkl', 'PICKLE-GLOBAL-IMPORT'],
        ['real/joblib/malicious-after-array.joblib', 'PICKLE-EXEC'],
      ] as const
    ).map(([rel, rule]) => maliciousSeed(rel, rule)),
  );
  const pickles = [...evil.slice(0, 7), ...seeds(seedFiles('real', (r) => r.endsWith('.pkl')).slice(0, 12))];
  const joblibs = [
    evil[7]!,
    evil[1]!,
    evil[2]!,
    ...seeds(seedFiles('real/joblib')),
    ...seeds(seedFiles('compression/joblib')),
  ];
  return [
    { name: 'pickle-program', ciRuns: 400, arb: pickleProgramArb },
    { name: 'pickle-mutation', ciRuns: 300, arb: mutations(pickles) },
    { name: 'joblib-mutation', ciRuns: 100, arb: mutations(joblibs) },
    { name: 'zip-layout', ciRuns: 100, arb: zipLayoutArb },
    {
      name: 'zip-mutation',
      ciRuns: 50,
      arb: mutations(
        seeds([
          ...seedFiles('containers/zip'),
          ...seedFiles('containers/zip-methods'),
          ...seedFiles('containers/torch-package'),
          'hostile/long-string-arg.zip',
          'hostile/nested-bomb.zip',
        ]),
      ),
    },
    { name: 'tar-layout', ciRuns: 120, arb: tarLayoutArb },
    {
      name: 'tar-mutation',
      ciRuns: 300,
      arb: mutations(seeds([...seedFiles('containers/tar'), 'hostile/tar-base256-size.tar'])),
    },
    { name: 'npy', ciRuns: 300, arb: npyArb },
    { name: 'npy-mutation', ciRuns: 300, arb: mutations(seeds(seedFiles('real/numpy'))) },
    { name: 'compressed-payload', ciRuns: 300, arb: compressedArb },
    {
      name: 'decompressor-mutation',
      ciRuns: 120,
      arb: mutations(seeds(seedFiles('compression', (r) => !r.startsWith('compression/joblib')))),
    },
    {
      name: '7z-listing',
      ciRuns: 2000,
      weight: 0.2,
      arb: sltArb.map((l) => ({ name: 'listing', bytes: Buffer.from(l.join('\u0001'), 'utf8') })),
      check: checkSlt,
    },
    { name: '7z-mutation', ciRuns: 16, arb: mutations(seeds(seedFiles('containers/7z'))) },
  ];
}
