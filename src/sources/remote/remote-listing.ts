// What a remote target expands to before the scan: its files (with everything needed to read them) and the entries
// that could not be listed or probed (reported SCAN-INCOMPLETE). The remote counterpart of the directory walk.
import type { ScanTarget } from '../../core/scan-target.js';
import type { RemoteFile } from './remote-file.js';

export interface RemoteEntry {
  /** Shown in locations (a URL, `hf://org/name@commit/path`). */
  readonly path: string;
  /** Path relative to the target, `/`-separated (fingerprint input; equal to a local scan of the same tree). */
  readonly stable: string;
  readonly size: number;
  /** Undefined when the entry could not be probed; `reason` then says why. */
  readonly file?: RemoteFile;
  readonly reason?: string;
}

export interface RemoteListing {
  /** `arg` is what the retest command names (pinned to an immutable revision when the scheme has one). */
  readonly target: ScanTarget;
  readonly entries: readonly RemoteEntry[];
  /** The immutable revision the target was resolved to (a commit, a manifest digest), when it has one. */
  readonly resolved?: string;
}
