// Verifies one model against its OMS signature file (OMS v1.0 §8): bundle (§8.1), signature by method (§8.2:
// key, certificate chain, Sigstore keyless), statement and predicate (§8.3), then the model's files against the
// signed manifest (§8.4, §8.5). Returns a verdict; never throws for anything the files contain.
import { closeSync, fstat, read } from 'node:fs';
import { promisify } from 'node:util';
import { createHash, type KeyObject } from 'node:crypto';
import { compareManifest, type Hasher } from './compare-manifest.js';
import { keyFingerprint, keyHint, publicKeyFrom, verifyWithKey } from './dsse-verify.js';
import { hashJobsInThread } from './hash-ranges.js';
import { legacyPreAuthEncoding } from './legacy-pae.js';
import { enumerateModel } from './model-files.js';
import { signatureAt } from './signature-file.js';
import { ConfinementError, openConfined, type Confinement } from '../sources/confine.js';
import { parseBundle, parseStatement, preAuthEncoding, type OmsBundle, type SignedManifest } from './oms-bundle.js';
import type { SignatureCheck, SignatureVerdict, SigningMethod } from './signature-verdict.js';
import { hasAnchors, type TrustAnchors } from './trust.js';
import { verifyChain } from './verify-certificate.js';
import { missingOptionalPackage, missingPackageMessage } from '../core/optional-packages.js';

export interface VerifyModelOptions {
  /** The scanned path as given. */
  readonly target: string;
  /** Absolute model path: a folder, or a single file. */
  readonly modelPath: string;
  readonly isFile: boolean;
  readonly signaturePath: string;
  /** How the signature file is named in the report. */
  readonly signatureShown: string;
  readonly required: boolean;
  readonly anchors: TrustAnchors;
  /** Paths excluded besides the signed ignore_paths (exact relative paths or subtrees). */
  readonly ignorePaths?: readonly string[];
  readonly now: Date;
  readonly maxFiles: number;
  readonly maxSignatureBytes: number;
  /** Hashing back end (default: on this thread). */
  readonly hasher?: Hasher;
  /**
   * Where the signature file must lie (sources/confine.ts; see `signatureAt`). Default: none (a file the user
   * named).
   */
  readonly signatureWithin?: Confinement;
  /** Where the model's files must lie when they are hashed (the scan's confinement). Default: none. */
  readonly filesWithin?: Confinement;
  /**
   * The scan is held to roots: the signed folder's folders are opened, checked on their descriptors and listed through
   * them (model-files.ts `listOpened`). Default: false.
   */
  readonly underRoots?: boolean;
}

/**
 * The one answer for a signature file that is a symbolic link leading out of the folders the scan may read, or to
 * nothing: the same whatever the link names (its target is never opened, and whether it exists is not told).
 */
export const SIGNATURE_LEAVES =
  'the signature file is a symbolic link that does not lead to a file inside the folders this scan may read: not read';

interface SignerResult {
  standing: 'valid' | 'untrusted' | 'invalid';
  reason?: string;
  identity?: string;
  issuer?: string;
  checks: SignatureCheck[];
}

type Verifies = (key: KeyObject) => boolean;

function verifyKeyMethod(b: OmsBundle, verifies: Verifies, keys: TrustAnchors['keys']): SignerResult {
  const trusted = keys.find((k) => verifies(k.key));
  if (trusted) {
    return {
      standing: 'valid',
      identity: keyFingerprint(trusted.key),
      checks: [
        { id: 'dsse-signature', ran: true, passed: true, detail: `verifies with trusted key ${trusted.source}` },
      ],
    };
  }
  const embedded: KeyObject | undefined = b.publicKeyBytes ? publicKeyFrom(b.publicKeyBytes) : undefined;
  if (embedded && verifies(embedded)) {
    const fp = keyFingerprint(embedded);
    return {
      standing: 'untrusted',
      reason: keys.length
        ? `signed by key ${fp}, which is not a trusted key`
        : 'no trusted key is configured (--trust-key)',
      identity: fp,
      checks: [
        { id: 'dsse-signature', ran: true, passed: true, detail: 'verifies with the key embedded in the bundle' },
        {
          id: 'trusted-key',
          ran: keys.length > 0,
          ...(keys.length ? { passed: false } : {}),
          detail: `signer key ${fp}`,
        },
      ],
    };
  }
  if (embedded) {
    return {
      standing: 'invalid',
      reason: 'the DSSE signature does not verify with the bundle key or any trusted key',
      identity: keyFingerprint(embedded),
      checks: [{ id: 'dsse-signature', ran: true, passed: false, detail: 'does not verify' }],
    };
  }
  // Only a key hint (v1.1.0+): the trusted key it names, if any, must verify the signature.
  const hint = b.publicKeyHint?.toLowerCase();
  const named = hint !== undefined ? keys.find((k) => keyHint(k.key) === hint) : undefined;
  if (named) {
    return {
      standing: 'invalid',
      reason: `the DSSE signature does not verify with the trusted key ${named.source} that the bundle names`,
      identity: keyFingerprint(named.key),
      checks: [{ id: 'dsse-signature', ran: true, passed: false, detail: 'does not verify with the named key' }],
    };
  }
  return {
    standing: 'untrusted',
    reason: keys.length
      ? `signed by key sha256:${hint ?? '?'}, which is not a trusted key`
      : 'no trusted key is configured (--trust-key)',
    ...(hint !== undefined ? { identity: `sha256:${hint}` } : {}),
    checks: [
      {
        id: 'trusted-key',
        ran: keys.length > 0,
        ...(keys.length ? { passed: false } : {}),
        detail: keys.length ? 'no trusted key has the bundle key hint' : 'no key to verify with',
      },
      { id: 'dsse-signature', ran: false, detail: 'the signing key is not available (the bundle names it by hint)' },
    ],
  };
}

function verifyCertificateMethod(b: OmsBundle, verifies: Verifies, a: TrustAnchors, now: Date): SignerResult {
  const chain = verifyChain(
    b.certificates,
    a.roots.map((r) => r.cert),
    now,
  );
  const leaf = chain.leaf;
  const checks = [...chain.checks];
  if (!leaf) return { standing: 'invalid', reason: chain.reason ?? 'no certificate', checks };
  const ok = verifies(leaf.publicKey);
  checks.unshift({
    id: 'dsse-signature',
    ran: true,
    passed: ok,
    detail: ok ? 'verifies with the leaf certificate key' : 'does not verify with the leaf certificate key',
  });
  const san = leaf.subjectAltName ? ` (${leaf.subjectAltName})` : '';
  const who = { identity: leaf.subject.replace(/\n/g, ', ') + san, issuer: leaf.issuer.replace(/\n/g, ', ') };
  if (!ok)
    return {
      standing: 'invalid',
      reason: 'the DSSE signature does not verify with the leaf certificate',
      ...who,
      checks,
    };
  return { standing: chain.standing, ...(chain.reason ? { reason: chain.reason } : {}), ...who, checks };
}

function formatOf(b: OmsBundle, m: SignedManifest | undefined): string {
  if (m?.legacy) return 'v0.2.0 layout (Digests/v0.1 predicate)';
  if (b.legacyFields.length || (m && !m.ignorePaths.length)) {
    return `v0.3.1–v1.0.x layout${b.legacyFields.length ? ` (${[...new Set(b.legacyFields)].join(', ')})` : ''}`;
  }
  return 'v1.1.0+ layout';
}

const readAt = promisify(read);
const fstatOf = promisify(fstat);

async function readBounded(path: string, max: number, within?: Confinement): Promise<Uint8Array> {
  // Checked on the opened descriptor before anything is read (a folder on the way replaced by a link is caught).
  const fd = openConfined(path, within);
  try {
    const size = (await fstatOf(fd)).size;
    if (size > max) throw new Error(`the signature file is ${size} bytes, over the ${max}-byte limit`);
    const buf = new Uint8Array(size);
    let pos = 0;
    while (pos < size) {
      const { bytesRead } = await readAt(fd, buf, pos, size - pos, pos);
      if (!bytesRead) break;
      pos += bytesRead;
    }
    return buf.subarray(0, pos);
  } finally {
    closeSync(fd);
  }
}

/** The OMS root digest (§6.5.1): SHA-256 over the raw bytes of the resource digests in name order. */
export function rootDigestOf(hexDigests: readonly string[]): string {
  return createHash('sha256')
    .update(Buffer.concat(hexDigests.map((h) => Buffer.from(h, 'hex'))))
    .digest('hex');
}

export async function verifyModel(o: VerifyModelOptions): Promise<SignatureVerdict> {
  const base = {
    target: o.target,
    signatureFile: o.signatureShown,
    required: o.required,
    trustConfigured: hasAnchors(o.anchors),
    excluded: [] as string[],
    problems: [],
    bytesHashed: 0,
  };
  const at = signatureAt(o.signaturePath, o.signatureWithin);
  if (at === 'absent') {
    return {
      ...base,
      standing: 'missing',
      reason: `no signature file ${o.signatureShown}`,
      manifest: 'not-checked',
      checks: [],
    };
  }
  const checks: SignatureCheck[] = [];
  const fail = (reason: string, extra: Partial<SignatureVerdict> = {}): SignatureVerdict => ({
    ...base,
    ...extra,
    standing: 'invalid',
    reason,
    manifest: 'not-checked',
    checks,
  });
  const refused = (): SignatureVerdict => {
    checks.push({ id: 'bundle', ran: false, detail: SIGNATURE_LEAVES });
    return fail(SIGNATURE_LEAVES);
  };
  if (at === 'refused') return refused();
  let bytes: Uint8Array;
  try {
    bytes = await readBounded(o.signaturePath, o.maxSignatureBytes, o.signatureWithin);
  } catch (e) {
    if (e instanceof ConfinementError) return refused();
    checks.push({ id: 'bundle', ran: false, detail: (e as Error).message });
    return fail(`the signature file cannot be read: ${(e as Error).message}`);
  }
  const parsed = parseBundle(bytes);
  checks.push({
    id: 'bundle',
    ran: true,
    passed: parsed.ok,
    detail: parsed.ok ? `Sigstore bundle ${parsed.value.mediaType}` : parsed.reason,
  });
  if (!parsed.ok) return fail(`malformed signature bundle: ${parsed.reason}`);
  const b = parsed.value;
  const method: SigningMethod = b.method;
  if (b.signatures.length !== 1) {
    return fail(`the DSSE envelope carries ${b.signatures.length} signatures; OMS signs with exactly one`, { method });
  }
  const pae = preAuthEncoding(b.payloadType, b.payload);
  const statement = parseStatement(b.payloadType, b.payload);
  // v0.2.0 signatures were made over a different encoding (legacy-pae.ts); accepted for that layout only.
  const legacyPae =
    statement.ok && statement.value.legacy ? legacyPreAuthEncoding(b.payloadType, b.payload) : undefined;
  const sig = b.signatures[0]!;
  let usedLegacy = false;
  const verifies: Verifies = (key) => {
    if (verifyWithKey(key, pae, sig)) return true;
    if (legacyPae && (verifyWithKey(key, legacyPae, sig, 'sha256') || verifyWithKey(key, legacyPae, sig))) {
      usedLegacy = true;
      return true;
    }
    return false;
  };
  let signer: SignerResult;
  if (method === 'key') signer = verifyKeyMethod(b, verifies, o.anchors.keys);
  else if (method === 'certificate') signer = verifyCertificateMethod(b, verifies, o.anchors, o.now);
  else {
    try {
      const { verifySigstore } = await import('./verify-sigstore.js');
      const r = await verifySigstore(b.json, b.certificates[0]!, pae, b.signatures[0]!, o.anchors);
      signer = { ...r, checks: [...r.checks] };
    } catch (e) {
      // The Sigstore libraries are optional packages: without them the signer is not established (never valid).
      const missing = missingOptionalPackage(e);
      if (!missing) throw e;
      const reason = `not verified: ${missingPackageMessage(missing)}`;
      signer = { standing: 'untrusted', reason, checks: [{ id: 'sigstore', ran: false, detail: reason }] };
    }
  }
  checks.push(...signer.checks);
  if (usedLegacy) {
    checks.push({
      id: 'legacy-encoding',
      ran: true,
      passed: true,
      detail: 'signature over the v0.2.0 signer encoding',
    });
  }
  checks.push({
    id: 'statement',
    ran: true,
    passed: statement.ok,
    detail: statement.ok ? `in-toto Statement v1, predicate ${statement.value.predicateType}` : statement.reason,
  });
  const who = {
    method,
    ...(signer.identity ? { identity: signer.identity } : {}),
    ...(signer.issuer ? { issuer: signer.issuer } : {}),
  };
  if (signer.standing === 'invalid')
    return fail(signer.reason ?? 'the signature does not verify', { ...who, format: formatOf(b, undefined) });
  if (!statement.ok)
    return fail(`the signed statement is not an OMS statement: ${statement.reason}`, {
      ...who,
      format: formatOf(b, undefined),
    });
  const m = statement.value;
  const walk = await enumerateModel(o.modelPath, {
    allowSymlinks: m.allowSymlinks,
    ignorePaths: [...m.ignorePaths, ...(o.ignorePaths ?? [])],
    signatureAbs: o.signaturePath,
    maxFiles: o.maxFiles,
    ...(o.filesWithin ? { within: o.filesWithin } : {}),
    ...(o.underRoots ? { listOpened: true } : {}),
  });
  const cmp = await compareManifest(m, walk, o.isFile, o.hasher ?? hashJobsInThread, rootDigestOf);
  const problems = [...cmp.problems];
  if (walk.truncated)
    problems.push({
      kind: 'unreadable',
      path: '.',
      actual: `more than ${o.maxFiles} files; the rest were not compared`,
    });
  checks.push({
    id: 'manifest',
    ran: true,
    passed: problems.length === 0,
    detail: `${m.resources.length} signed ${m.method === 'shards' ? 'shards' : 'files'} (${m.hashType}), ${walk.files.length} files present, ${problems.length} difference(s)`,
  });
  if (m.rootDigest !== undefined) {
    checks.push({
      id: 'root-digest',
      ran: true,
      passed: cmp.recomputedRoot === m.rootDigest,
      detail:
        cmp.recomputedRoot === m.rootDigest
          ? 'subject digest equals the digest over the signed resources'
          : 'subject digest differs from the digest over the signed resources (informational: older signers computed it differently)',
    });
  }
  return {
    ...base,
    ...who,
    standing: signer.standing,
    ...(signer.reason ? { reason: signer.reason } : {}),
    manifest: problems.length ? 'mismatch' : 'match',
    format: formatOf(b, m),
    predicateType: m.predicateType,
    // The signed subject digest; the v0.2.0 layout has none, so the root digest over its signed digests stands in.
    digest: `sha256:${m.rootDigest ?? cmp.recomputedRoot}`,
    serialization: m.method + (m.shardSize ? ` (shard_size ${m.shardSize})` : ''),
    hashType: m.hashType,
    resources: m.resources.length,
    excluded: walk.excluded,
    checks,
    problems,
    bytesHashed: cmp.bytesHashed,
  };
}
