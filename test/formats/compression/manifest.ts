// Loads test/fixtures/compression/manifest.json (written by scripts/fixtures/compression.py) and the
// fixture bytes it describes; shared by the compression tests.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Codec } from '../../../src/formats/compression/index.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'compression');

export interface FixtureEntry {
  file: string;
  codec: Codec;
  madeBy: string;
  reader: string;
  /** What the reference reader returned (before raising, when `error` is set). */
  length: number;
  sha256: string;
  payload: string | null;
  error?: string;
  cliLength?: number;
  cliSha256?: string;
}

export interface Manifest {
  payloads: Record<string, { length: number; sha256: string }>;
  fixtures: FixtureEntry[];
  lz4Property: { file: string; length: number; sha256: string; options: Record<string, unknown> }[];
  joblibPrefixes: { name: string; prefix: string }[];
  pythonFacts: { call: string; result: string }[];
}

export const manifest = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')) as Manifest;

export function fixture(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, file)));
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function entry(file: string): FixtureEntry {
  const e = manifest.fixtures.find((f) => f.file === file);
  if (!e) throw new Error(`no manifest entry for ${file}`);
  return e;
}

/** The result of one Python call recorded by the generator (see `pythonFacts`). */
export function pythonFact(call: string): string {
  const f = manifest.pythonFacts.find((x) => x.call === call);
  if (!f) throw new Error(`no python fact ${call}`);
  return f.result;
}
