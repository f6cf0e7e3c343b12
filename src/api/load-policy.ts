// Policy loading for the API and the CLI: a file, text held in memory, or the working directory's
// sentinel-policy.yml when present, else the built-in default (seed CI policy). yaml and zod load on first use.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_POLICY, POLICY_FILE_NAME, type Policy } from '../policy/policy.js';
import { SentinelError } from './errors.js';

/** A policy given as text (from a secret, a database, a request) with the name used in error messages. */
export interface PolicyText {
  /** The YAML text of a sentinel-policy.yml. */
  readonly text: string;
  /** Name shown in messages and recorded as the report's `policy.source`. */
  readonly source: string;
}

/** Where `loadPolicy` looks. */
export interface LoadPolicyOptions {
  /** Directory a relative file, and the default sentinel-policy.yml, are resolved against. Default `process.cwd()`. */
  readonly cwd?: string;
}

/** Reads a file for the API; a failure is a SentinelError naming what could not be read. */
export function readInputText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new SentinelError(
      'io',
      `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}

/**
 * Loads and validates a release-gate policy.
 *
 * - `loadPolicy('ci/policy.yml')` reads that file (relative to `cwd`);
 * - `loadPolicy({ text, source })` parses YAML held in memory;
 * - `loadPolicy()` reads `sentinel-policy.yml` in `cwd` when it exists, else returns the built-in default policy
 *   (fail on CRITICAL and HIGH, ticket MEDIUM, strict pickle threshold).
 *
 * @throws SentinelError (`policy`) listing every problem with its line and column; (`io`) when the file cannot be read.
 */
export async function loadPolicy(policy?: string | PolicyText, options: LoadPolicyOptions = {}): Promise<Policy> {
  const cwd = options.cwd ?? process.cwd();
  let text: string;
  let source: string;
  if (typeof policy === 'object') {
    ({ text, source } = policy);
  } else {
    const path = resolve(cwd, policy ?? POLICY_FILE_NAME);
    if (policy === undefined && !existsSync(path)) return DEFAULT_POLICY;
    source = policy ?? POLICY_FILE_NAME;
    text = readInputText(path, 'policy');
  }
  const { formatPolicyIssues, parsePolicy } = await import('../policy/load-policy.js');
  const r = parsePolicy(text, source);
  if (!r.ok) throw new SentinelError('policy', `invalid policy:\n${formatPolicyIssues(source, r.issues)}`);
  return r.policy;
}
