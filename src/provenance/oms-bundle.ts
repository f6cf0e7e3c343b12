// Parses an OMS signature file: the Sigstore bundle (mediaType, verificationMaterial, dsseEnvelope), the DSSE
// envelope and its in-toto Statement v1, and the OMS predicate (OMS v1.0 §4, §5, §8.1, §8.3, §11). Accepts the
// older layouts the reference signer still verifies: v0.2.0 (predicate `Digests/v0.1`, digests in `subject`),
// v0.3.1–v1.0.x (`publicKey.rawBytes`, `keyid: null`, no `ignore_paths`). Pure: bytes in, data or a reason out.
import type { SigningMethod } from './signature-verdict.js';

export const OMS_PREDICATE_TYPE = 'https://model_signing/signature/v1.0';
export const LEGACY_PREDICATE_TYPE = 'https://model_signing/Digests/v0.1';
export const INTOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const BUNDLE_MEDIA_TYPE = /^application\/vnd\.dev\.sigstore\.bundle(?:\.v0\.[123]\+json|\+json;version=0\.[123])$/;

/** Hash algorithms of the OMS algorithm registry, with their digest length in hex characters. */
export const OMS_HASHES: Readonly<Record<string, number>> = { sha256: 64, blake2b: 128, blake3: 64 };

/** One signed resource: a file, or a byte range of one (`shards`). */
export interface SignedResource {
  readonly name: string;
  readonly digest: string;
  readonly algorithm: string;
  /** For shards: the file path and the byte range [start, end). */
  readonly file?: string;
  readonly start?: number;
  readonly end?: number;
}

/** The signed manifest: what the signer hashed and how. */
export interface SignedManifest {
  readonly predicateType: string;
  readonly method: 'files' | 'shards';
  readonly hashType: string;
  readonly shardSize?: number;
  readonly allowSymlinks: boolean;
  readonly ignorePaths: readonly string[];
  readonly resources: readonly SignedResource[];
  /** `subject[0].digest.sha256` (OMS root digest), when the layout has one. */
  readonly rootDigest?: string;
  readonly subjectName?: string;
  /** v0.2.0 layout: digests in `subject`. */
  readonly legacy: boolean;
}

export interface OmsBundle {
  readonly mediaType: string;
  readonly method: SigningMethod;
  /** key: PEM or DER bytes from `publicKey.rawBytes` (pre-v1.1.0); undefined when only a hint is given. */
  readonly publicKeyBytes?: Uint8Array;
  readonly publicKeyHint?: string;
  /** certificate: DER certificates, leaf first; sigstore: the single Fulcio certificate. */
  readonly certificates: readonly Uint8Array[];
  readonly payloadType: string;
  readonly payload: Uint8Array;
  readonly signatures: readonly Uint8Array[];
  /** The bundle JSON (handed to the Sigstore verifier for the keyless method). */
  readonly json: unknown;
  /** Older field encodings seen (for the report). */
  readonly legacyFields: readonly string[];
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64(x: unknown, what: string): ParseResult<Uint8Array> {
  if (typeof x !== 'string' || x.length === 0) return { ok: false, reason: `${what} is not a base64 string` };
  const s = x.replace(/-/g, '+').replace(/_/g, '/').replace(/\s+/g, '');
  if (!BASE64.test(s) || s.length % 4 === 1) return { ok: false, reason: `${what} is not valid base64` };
  return { ok: true, value: new Uint8Array(Buffer.from(s, 'base64')) };
}

/** Parses the bundle layer (§8.1): JSON, mediaType, verification material for one method, DSSE envelope. */
export function parseBundle(bytes: Uint8Array): ParseResult<OmsBundle> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
  if (!isObject(json)) return { ok: false, reason: 'the bundle is not a JSON object' };
  const mediaType = json['mediaType'];
  if (typeof mediaType !== 'string' || !BUNDLE_MEDIA_TYPE.test(mediaType)) {
    return { ok: false, reason: `unsupported or missing mediaType ${JSON.stringify(mediaType ?? null)}` };
  }
  const vm = json['verificationMaterial'];
  if (!isObject(vm)) return { ok: false, reason: 'verificationMaterial is missing' };
  const env = json['dsseEnvelope'];
  if (!isObject(env)) {
    return {
      ok: false,
      reason: json['messageSignature'] ? 'a message signature, not a DSSE envelope' : 'dsseEnvelope is missing',
    };
  }
  const legacyFields: string[] = [];
  const present = ['publicKey', 'x509CertificateChain', 'certificate'].filter((k) => vm[k] !== undefined);
  if (present.length !== 1) {
    return {
      ok: false,
      reason: present.length
        ? `verificationMaterial holds ${present.join(' and ')}; exactly one is allowed`
        : 'verificationMaterial has no publicKey, x509CertificateChain or certificate',
    };
  }
  const tlog = vm['tlogEntries'];
  if (tlog !== undefined && !Array.isArray(tlog)) return { ok: false, reason: 'tlogEntries is not an array' };
  let method: SigningMethod;
  let publicKeyBytes: Uint8Array | undefined;
  let publicKeyHint: string | undefined;
  const certificates: Uint8Array[] = [];
  if (present[0] === 'publicKey') {
    method = 'key';
    const pk = vm['publicKey'];
    if (!isObject(pk)) return { ok: false, reason: 'publicKey is not an object' };
    if (pk['hint'] !== undefined) {
      if (typeof pk['hint'] !== 'string') return { ok: false, reason: 'publicKey.hint is not a string' };
      publicKeyHint = pk['hint'];
    }
    if (pk['rawBytes'] !== undefined) {
      const raw = base64(pk['rawBytes'], 'publicKey.rawBytes');
      if (!raw.ok) return raw;
      publicKeyBytes = raw.value;
      legacyFields.push('publicKey.rawBytes');
    }
    if (publicKeyHint === undefined && publicKeyBytes === undefined) {
      return { ok: false, reason: 'publicKey has neither hint nor rawBytes' };
    }
  } else if (present[0] === 'x509CertificateChain') {
    method = 'certificate';
    const chain = vm['x509CertificateChain'];
    const certs = isObject(chain) ? chain['certificates'] : undefined;
    if (!Array.isArray(certs) || certs.length === 0) {
      return { ok: false, reason: 'x509CertificateChain.certificates is empty' };
    }
    for (const [i, c] of certs.entries()) {
      const der = base64(isObject(c) ? c['rawBytes'] : undefined, `certificate ${i}`);
      if (!der.ok) return der;
      certificates.push(der.value);
    }
  } else {
    method = 'sigstore';
    const cert = vm['certificate'];
    const der = base64(isObject(cert) ? cert['rawBytes'] : undefined, 'certificate.rawBytes');
    if (!der.ok) return der;
    certificates.push(der.value);
    if (!Array.isArray(tlog) || tlog.length === 0) {
      return { ok: false, reason: 'a Sigstore (keyless) bundle without tlogEntries' };
    }
  }
  const payloadType = env['payloadType'];
  if (typeof payloadType !== 'string') return { ok: false, reason: 'dsseEnvelope.payloadType is missing' };
  const payload = base64(env['payload'], 'dsseEnvelope.payload');
  if (!payload.ok) return payload;
  const sigs = env['signatures'];
  if (!Array.isArray(sigs) || sigs.length === 0) return { ok: false, reason: 'dsseEnvelope.signatures is empty' };
  const signatures: Uint8Array[] = [];
  for (const [i, s] of sigs.entries()) {
    if (!isObject(s)) return { ok: false, reason: `signature ${i} is not an object` };
    const keyid = s['keyid'];
    if (keyid !== undefined && keyid !== null && typeof keyid !== 'string') {
      return { ok: false, reason: `signature ${i} has a keyid that is not a string` };
    }
    if (keyid === null) legacyFields.push('keyid: null');
    const sig = base64(s['sig'], `signature ${i}`);
    if (!sig.ok) return sig;
    signatures.push(sig.value);
  }
  return {
    ok: true,
    value: {
      mediaType,
      method,
      ...(publicKeyBytes ? { publicKeyBytes } : {}),
      ...(publicKeyHint !== undefined ? { publicKeyHint } : {}),
      certificates,
      payloadType,
      payload: payload.value,
      signatures,
      json,
      legacyFields,
    },
  };
}

const HEX = /^[0-9a-f]+$/;

function resourceOf(r: unknown, i: number, method: 'files' | 'shards', hashType: string): ParseResult<SignedResource> {
  if (!isObject(r)) return { ok: false, reason: `resource ${i} is not an object` };
  const { name, digest, algorithm } = r;
  if (typeof name !== 'string' || !name) return { ok: false, reason: `resource ${i} has no name` };
  if (typeof algorithm !== 'string' || OMS_HASHES[algorithm] === undefined) {
    return { ok: false, reason: `resource ${name}: unknown algorithm ${JSON.stringify(algorithm ?? null)}` };
  }
  if (algorithm !== hashType) return { ok: false, reason: `resource ${name}: algorithm differs from hash_type` };
  if (typeof digest !== 'string' || !HEX.test(digest) || digest.length !== OMS_HASHES[algorithm]) {
    return { ok: false, reason: `resource ${name}: digest is not a ${algorithm} hex digest` };
  }
  if (method === 'files') return { ok: true, value: { name, digest, algorithm } };
  // The byte range is the last two colon-separated decimal components (names may contain colons).
  const m = /^(.+):(\d{1,16}):(\d{1,16})$/.exec(name);
  if (!m) return { ok: false, reason: `shard resource ${name} has no :start:end suffix` };
  const start = Number(m[2]);
  const end = Number(m[3]);
  if (!(end > start) || !Number.isSafeInteger(end)) return { ok: false, reason: `shard ${name}: empty range` };
  return { ok: true, value: { name, digest, algorithm, file: m[1]!, start, end } };
}

/** Parses and validates the DSSE payload as an in-toto Statement v1 with an OMS predicate (§8.3, §11). */
export function parseStatement(payloadType: string, payload: Uint8Array): ParseResult<SignedManifest> {
  if (payloadType !== INTOTO_PAYLOAD_TYPE) return { ok: false, reason: `payloadType ${payloadType} is not in-toto` };
  let st: unknown;
  try {
    st = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch (e) {
    return { ok: false, reason: `payload is not JSON: ${(e as Error).message}` };
  }
  if (!isObject(st)) return { ok: false, reason: 'the statement is not a JSON object' };
  if (st['_type'] !== INTOTO_STATEMENT_V1) {
    return { ok: false, reason: `_type ${JSON.stringify(st['_type'] ?? null)} is not in-toto Statement v1` };
  }
  const subject = st['subject'];
  if (!Array.isArray(subject) || subject.length === 0) return { ok: false, reason: 'the statement has no subject' };
  const predicateType = st['predicateType'];
  if (predicateType === LEGACY_PREDICATE_TYPE) return legacyManifest(subject);
  if (predicateType !== OMS_PREDICATE_TYPE) {
    return { ok: false, reason: `predicateType ${JSON.stringify(predicateType ?? null)} is not the OMS predicate` };
  }
  const s0 = subject[0];
  const rootDigest = isObject(s0) && isObject(s0['digest']) ? s0['digest']['sha256'] : undefined;
  if (typeof rootDigest !== 'string' || !HEX.test(rootDigest) || rootDigest.length !== 64) {
    return { ok: false, reason: 'subject[0].digest.sha256 is not a SHA-256 hex digest' };
  }
  const subjectName = isObject(s0) && typeof s0['name'] === 'string' ? s0['name'] : undefined;
  if (!subjectName) return { ok: false, reason: 'subject[0].name is empty' };
  const pred = st['predicate'];
  if (!isObject(pred)) return { ok: false, reason: 'the statement has no predicate' };
  const ser = pred['serialization'];
  if (!isObject(ser)) return { ok: false, reason: 'predicate.serialization is missing' };
  const method = ser['method'];
  if (method !== 'files' && method !== 'shards') {
    return { ok: false, reason: `serialization.method ${JSON.stringify(method ?? null)} is not files or shards` };
  }
  const hashType = ser['hash_type'];
  if (typeof hashType !== 'string' || OMS_HASHES[hashType] === undefined) {
    return { ok: false, reason: `serialization.hash_type ${JSON.stringify(hashType ?? null)} is not registered` };
  }
  if (typeof ser['allow_symlinks'] !== 'boolean') return { ok: false, reason: 'allow_symlinks is not a boolean' };
  const shardSize = ser['shard_size'];
  if (method === 'shards' && !(Number.isSafeInteger(shardSize) && (shardSize as number) > 0)) {
    return { ok: false, reason: 'shards serialization without a positive shard_size' };
  }
  if (method === 'files' && shardSize !== undefined) return { ok: false, reason: 'shard_size with files method' };
  const ignore = ser['ignore_paths'] ?? [];
  if (!Array.isArray(ignore) || ignore.some((p) => typeof p !== 'string')) {
    return { ok: false, reason: 'ignore_paths is not a list of strings' };
  }
  const list = pred['resources'];
  if (!Array.isArray(list) || list.length === 0) return { ok: false, reason: 'predicate.resources is empty' };
  const resources: SignedResource[] = [];
  const names = new Set<string>();
  for (const [i, r] of list.entries()) {
    const res = resourceOf(r, i, method, hashType);
    if (!res.ok) return res;
    if (names.has(res.value.name)) return { ok: false, reason: `resource ${res.value.name} is listed twice` };
    names.add(res.value.name);
    resources.push(res.value);
  }
  return {
    ok: true,
    value: {
      predicateType,
      method,
      hashType,
      ...(method === 'shards' ? { shardSize: shardSize as number } : {}),
      allowSymlinks: ser['allow_symlinks'],
      ignorePaths: ignore as string[],
      resources,
      rootDigest,
      subjectName,
      legacy: false,
    },
  };
}

/** v0.2.0 (`Digests/v0.1`): one subject per file, sha256 digests, no serialization object. */
function legacyManifest(subject: unknown[]): ParseResult<SignedManifest> {
  const resources: SignedResource[] = [];
  for (const [i, s] of subject.entries()) {
    const r = resourceOf(
      isObject(s)
        ? { name: s['name'], digest: isObject(s['digest']) ? s['digest']['sha256'] : undefined, algorithm: 'sha256' }
        : s,
      i,
      'files',
      'sha256',
    );
    if (!r.ok) return r;
    resources.push(r.value);
  }
  return {
    ok: true,
    value: {
      predicateType: LEGACY_PREDICATE_TYPE,
      method: 'files',
      hashType: 'sha256',
      allowSymlinks: false,
      ignorePaths: [],
      resources,
      legacy: true,
    },
  };
}

/** DSSE pre-authentication encoding: `DSSEv1 <len(type)> <type> <len(body)> <body>` (DSSE protocol). */
export function preAuthEncoding(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}
