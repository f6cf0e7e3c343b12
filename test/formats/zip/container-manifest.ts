// Loads test/fixtures/containers/manifest.json (written by scripts/fixtures/containers.py): the case table of
// container fixtures with expected anomalies and how zipfile, tarfile, PyTorch and the 7z CLI see each file.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MemorySource } from '../../../src/sources/byte-source.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/containers/', import.meta.url));

export interface ReadView {
  ok: boolean;
  length?: number;
  sha256?: string;
  error?: string;
}

export interface ZipCase {
  file: string;
  description: string;
  expectedAnomalies: string[];
  expectedEntryAnomalies: Record<string, string[]>;
  expectedOpenErrors: Record<string, string>;
  zipfile: {
    opens: boolean;
    error?: string;
    comment?: string;
    entries?: {
      name: string;
      origName: string;
      method: number;
      flags: number;
      crc: number;
      compressSize: number;
      size: number;
      headerOffset: number;
      isDir: boolean;
      read: ReadView;
    }[];
  };
  torch: {
    reader: { opens: boolean; error?: string; records?: string[]; reads?: Record<string, ReadView> };
    load?: { loader: string; ok: boolean; error?: string };
  };
}

export interface TarCase {
  file: string;
  gzip: boolean;
  description: string;
  expectedAnomalies: string[];
  expectError: string | null;
  tarfile: {
    opens: boolean;
    error?: string;
    iterError?: string | null;
    members?: {
      name: string;
      type: string;
      size: number;
      linkname: string;
      offset: number;
      offsetData: number;
      sparse: boolean;
      read?: ReadView;
    }[];
  };
  torch?: { load: { ok: boolean; error?: string } };
}

export interface SevenZipCase {
  file: string;
  description: string;
  expectedAnomalies: string[];
  expectError: string | null;
  contents: Record<string, { length: number; sha256: string }>;
  cli:
    | { ok: true; entries: { name: string; size: number; method: string; encrypted: boolean; isDirectory: boolean }[] }
    | { ok: false; error: string };
}

export interface ContainerManifest {
  python: string;
  torch: string;
  zip: ZipCase[];
  tar: TarCase[];
  sevenzip: SevenZipCase[];
}

export const manifest: ContainerManifest = JSON.parse(
  readFileSync(FIXTURES + 'manifest.json', 'utf8'),
) as ContainerManifest;

export function fixtureBytes(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(FIXTURES + rel));
}

export function fixtureSource(rel: string): MemorySource {
  return new MemorySource({ chain: [rel] }, fixtureBytes(rel));
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function codesOf(list: { code: string }[]): string[] {
  return [...new Set(list.map((a) => a.code))].sort();
}
