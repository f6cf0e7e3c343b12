// Where the shared outside data sits: `../shared` beside this checkout (the labeled corpora, the conformance data).
// Tests that need it skip, naming this path, where it is absent.
import { join } from 'node:path';

/** The checkout's root. */
export const REPO_ROOT = join(import.meta.dirname, '..', '..');

/** `../shared` beside the checkout. */
export const SHARED = join(REPO_ROOT, '..', 'shared');

/** A path under the shared data folder. */
export function sharedPath(...parts: string[]): string {
  return join(SHARED, ...parts);
}

/** Where each shared data set comes from, for skip messages that tell a reader how to get it. */
const SOURCES: Record<string, string> = {
  conformance:
    'the signature conformance data: sigstore/model-transparency (scripts/tests at e3430730) as conformance/model-signing ' +
    'and ossf/model-signing-spec (schemas/v1.0, test-vectors/v1.0 at a0c91e2) as conformance/oms-spec; ' +
    '`git clone https://github.com/sigstore/model-transparency` and `git clone https://github.com/ossf/model-signing-spec`',
  corpus: "the labeled scanner corpus (the project's shared corpus set, not published)",
  'corpus-public':
    'the public fixture set: mmaitre314/picklescan (tests/data at f15d54da) as corpus-public/picklescan; ' +
    '`git clone https://github.com/mmaitre314/picklescan`',
};

/** A skip reason for shared data that is absent: the path looked at, where the data comes from and how to get it. */
export function sharedSkip(path: string): string {
  const rel = path.startsWith(SHARED) ? path.slice(SHARED.length + 1) : path;
  const top = rel.split(/[\\/]/)[0] ?? '';
  const source = SOURCES[top];
  return `${rel} is not in ${SHARED}${source === undefined ? '' : ` (${source})`}`;
}
