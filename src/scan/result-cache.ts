// A content-addressed cache of per-file scan results (pre-policy outcomes: findings, pickle verdicts, file facts),
// keyed by the content hash a listing published (the Hub's LFS sha256, an OCI digest) once the scan has verified it
// on the bytes it read whole (the engine stores nothing else), the file's name (formats and
// rules depend on it), the scanner version and the scan setup (rules, limits, allowlist). The policy is applied to
// the outcome afresh on every run. Results are only stored when the scan was complete (no SCAN-INCOMPLETE, no error);
// an entry written by another scanner version or setup lives under another key and is never read. An entry's path
// is the content hash and the name themselves (URI-encoded; a name longer than MAX_NAME is hashed): no hashing per
// file, and the setup is hashed once in JavaScript (core/sha256.ts). A run whose files all come from here thus loads
// no node:crypto (19 M instructions) and runs no hash often enough for V8 to optimise it (measured: hashing each
// key in JavaScript cost 72 M more, mostly that compile).
import { sha256, sha256Hex } from '../core/sha256.js';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { FileOutcome } from './file-outcome.js';

const MAX_ENTRY_BYTES = 64 * 1024 * 1024;
/** Encoded names up to this length are an entry's file name as they are (file systems allow 255 bytes). */
const MAX_NAME = 200;
/**
 * The layout of the stored outcomes. Raised whenever what an outcome holds changes (v3: entries stored only under
 * digests verified on the bytes read; v4: each file's inventory facts, its format and digest, are part of the
 * outcome). Entries of another layout live in another folder and carry their layout: they are never read.
 */
export const CACHE_LAYOUT = 4;

export interface CachedOutcome {
  readonly outcome: FileOutcome;
  readonly keys: readonly string[];
}

export class ResultCache {
  private readonly dir: string;

  constructor(root: string, version: string, setup: unknown) {
    const setupHash = Buffer.from(sha256(serialize(setup)))
      .toString('hex')
      .slice(0, 16);
    this.dir = join(root, `results-v${CACHE_LAYOUT}`, version.replace(/[^\w.+-]/g, '_'), setupHash);
  }

  private file(digest: string, name: string): string {
    // encodeURIComponent is injective and never writes `#`: a hashed name cannot meet an encoded one.
    // Concatenated, not path.join: the parts hold no separator, and 50 joins made V8 optimise path.normalize (a
    // compile a short run then waits for at exit).
    const n = encodeURIComponent(name);
    return `${this.dir}${sep}${encodeURIComponent(digest)}${sep}${n.length <= MAX_NAME ? n : '#' + sha256Hex(name)}.bin`;
  }

  has(digest: string, name: string): boolean {
    try {
      return statSync(this.file(digest, name)).isFile();
    } catch {
      return false;
    }
  }

  /** The stored outcome, or undefined (missing, unreadable or not an outcome: scanned again). */
  get(digest: string, name: string): CachedOutcome | undefined {
    try {
      const p = this.file(digest, name);
      if (statSync(p).size > MAX_ENTRY_BYTES) return undefined;
      const v = deserialize(readFileSync(p)) as {
        layout?: unknown;
        digest?: unknown;
        name?: unknown;
        value?: CachedOutcome;
      };
      if (
        v.layout !== CACHE_LAYOUT ||
        v.digest !== digest ||
        v.name !== name ||
        !v.value ||
        !Array.isArray(v.value.keys)
      )
        return undefined;
      if (!Array.isArray(v.value.outcome?.findings) || typeof v.value.outcome.path !== 'string') return undefined;
      return v.value;
    } catch {
      return undefined;
    }
  }

  /** Stores a complete outcome; failures to write are ignored (the cache is an optimisation). */
  put(digest: string, name: string, value: CachedOutcome): void {
    const complete =
      value.outcome.errors.length === 0 && !value.outcome.findings.some((f) => f.ruleId === 'SCAN-INCOMPLETE');
    if (!complete) return;
    try {
      const p = this.file(digest, name);
      mkdirSync(join(p, '..'), { recursive: true });
      const tmp = `${p}.${process.pid}.tmp`;
      writeFileSync(tmp, serialize({ layout: CACHE_LAYOUT, digest, name, value }));
      renameSync(tmp, p);
    } catch {
      // read-only or full cache directory: scan without it
    }
  }
}
