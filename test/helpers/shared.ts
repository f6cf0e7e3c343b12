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
