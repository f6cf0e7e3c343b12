// Listings of immutable revisions kept in the result cache's folder (`--cache DIR`): the files of a Hub commit never
// change (the commit names its tree, which names every file's content), so a later run that finds the revision at the
// same commit takes the listing from here and asks the Hub only which commit the revision names now (nothing, when
// the revision given is a full commit id whose listing is kept: entries are stored only for commits the Hub named). Keyed by
// endpoint, repository, commit and path; an entry that does not read back as a listing is ignored (listed again).
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../../core/sha256.js';

/** Entries larger than this are not read (a listing is bounded by the listing reader's own limit, 64 MiB). */
const MAX_ENTRY_BYTES = 64 * 1024 * 1024;

export class ListingCache {
  private readonly dir: string;

  constructor(root: string) {
    this.dir = join(root, 'listings-v1');
  }

  private file(key: string): string {
    const h = sha256Hex(key);
    return join(this.dir, h.slice(0, 2), h.slice(2) + '.json');
  }

  /** The value stored under `key`, or undefined (missing, unreadable, or stored under another key). */
  get(key: string): unknown {
    try {
      const p = this.file(key);
      if (statSync(p).size > MAX_ENTRY_BYTES) return undefined;
      const v = JSON.parse(readFileSync(p, 'utf8')) as { key?: unknown; value?: unknown };
      return v.key === key ? v.value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores a listing; failures to write are ignored (the cache is an optimisation). */
  put(key: string, value: unknown): void {
    try {
      const p = this.file(key);
      mkdirSync(join(p, '..'), { recursive: true });
      const tmp = `${p}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ key, value }));
      renameSync(tmp, p);
    } catch {
      // read-only or full cache directory: list again next time
    }
  }
}
