// A test-side OMS v1.0 signer (spec §6): enumerates and hashes a model folder (files or shards), builds the in-toto
// statement with the OMS predicate and signs its DSSE pre-authentication encoding with a key, or with a leaf
// certificate whose chain goes in the bundle. Keys and a small CA are generated per test (node:crypto, openssl).
import { createHash, createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after } from 'node:test';

export interface StatementOptions {
  readonly method?: 'files' | 'shards';
  readonly shardSize?: number;
  readonly ignorePaths?: readonly string[];
  readonly signatureName?: string;
  /** OMS hash_type (default sha256); blake3 needs `digest` (node:crypto has no BLAKE3). */
  readonly hashType?: 'sha256' | 'blake2b' | 'blake3';
  /** Hex digest of a file or shard in `hashType` (default: node:crypto's sha256 / blake2b512). */
  readonly digest?: (bytes: Uint8Array) => string;
}

const DEFAULT_IGNORED = ['.git', '.gitignore', '.gitattributes', '.github'];

function walk(root: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = statSync(join(root, r));
    if (st.isDirectory()) out.push(...walk(root, r));
    else if (st.isFile()) out.push(r);
  }
  return out;
}

/** The OMS statement for a model folder or single file. */
export function omsStatement(model: string, o: StatementOptions = {}): Record<string, unknown> {
  const method = o.method ?? 'files';
  const single = statSync(model).isFile();
  const ignore = [...DEFAULT_IGNORED, ...(o.ignorePaths ?? []), o.signatureName ?? 'model.sig'];
  const files = single
    ? [basename(model)]
    : walk(model).filter((f) => !ignore.some((i) => f === i || f.startsWith(i + '/')));
  const abs = (f: string): string => (single ? model : join(model, f));
  const resources: { name: string; digest: string; algorithm: string }[] = [];
  const algorithm = o.hashType ?? 'sha256';
  const digest =
    o.digest ??
    ((b: Uint8Array): string =>
      createHash(algorithm === 'blake2b' ? 'blake2b512' : algorithm)
        .update(b)
        .digest('hex'));
  for (const f of files) {
    const bytes = readFileSync(abs(f));
    if (method === 'files') {
      resources.push({ name: f, digest: digest(bytes), algorithm });
      continue;
    }
    for (let start = 0; start < bytes.length; start += o.shardSize!) {
      const end = Math.min(bytes.length, start + o.shardSize!);
      resources.push({
        name: `${f}:${start}:${end}`,
        digest: digest(bytes.subarray(start, end)),
        algorithm,
      });
    }
  }
  resources.sort((a, b) => (a.name < b.name ? -1 : 1));
  const root = createHash('sha256')
    .update(Buffer.concat(resources.map((r) => Buffer.from(r.digest, 'hex'))))
    .digest('hex');
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: basename(model), digest: { sha256: root } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: {
      resources,
      serialization: {
        method,
        hash_type: algorithm,
        ...(method === 'shards' ? { shard_size: o.shardSize } : {}),
        allow_symlinks: false,
        ignore_paths: [...(o.ignorePaths ?? []), ...DEFAULT_IGNORED],
      },
    },
  };
}

export type Signer =
  | { readonly kind: 'key'; readonly privateKey: KeyObject; readonly publicKey: KeyObject; readonly hintOnly?: boolean }
  | { readonly kind: 'certificate'; readonly privateKey: KeyObject; readonly chainPem: readonly string[] };

const PAYLOAD_TYPE = 'application/vnd.in-toto+json';

function pae(payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${PAYLOAD_TYPE.length} ${PAYLOAD_TYPE} ${payload.length} `), payload]);
}

function hashOf(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === 'secp384r1' ? 'sha384' : curve === 'secp521r1' ? 'sha512' : 'sha256';
}

function derOf(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, '');
}

/** The Sigstore bundle (v0.3) with the signed statement. */
export function signStatement(statement: Record<string, unknown>, s: Signer): Record<string, unknown> {
  const payload = Buffer.from(JSON.stringify(statement, null, 2));
  const sig = sign(hashOf(s.privateKey), pae(payload), { key: s.privateKey, dsaEncoding: 'der' });
  const material =
    s.kind === 'key'
      ? {
          publicKey: s.hintOnly
            ? {
                hint: createHash('sha256')
                  .update(s.publicKey.export({ type: 'spki', format: 'der' }))
                  .digest('hex'),
              }
            : { rawBytes: Buffer.from(s.publicKey.export({ type: 'spki', format: 'pem' })).toString('base64') },
          tlogEntries: [],
        }
      : { x509CertificateChain: { certificates: s.chainPem.map((p) => ({ rawBytes: derOf(p) })) }, tlogEntries: [] };
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: material,
    dsseEnvelope: {
      payload: payload.toString('base64'),
      payloadType: PAYLOAD_TYPE,
      signatures: [{ sig: sig.toString('base64'), keyid: '' }],
    },
  };
}

/** Signs a model and writes the bundle to `out`. */
export function signModel(model: string, out: string, s: Signer, o: StatementOptions = {}): void {
  writeFileSync(out, JSON.stringify(signStatement(omsStatement(model, o), s)));
}

export function ecKeyPair(curve: 'P-256' | 'P-384' = 'P-256'): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: curve });
}

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** A root CA, an intermediate CA and a code-signing leaf made with openssl in `dir` (EC P-256). */
export function makeCa(dir: string, name: string): { rootPem: string; chainPem: string[]; leafKey: KeyObject } {
  const run = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    [
      '[ca]',
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
      '[leaf]',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=codeSigning',
      '',
    ].join('\n'),
  );
  const key = (n: string): void =>
    run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}-${n}.key`]);
  key('root');
  key('int');
  key('leaf');
  run([
    'req',
    '-x509',
    '-new',
    '-key',
    `${name}-root.key`,
    '-subj',
    `/CN=${name} root`,
    '-days',
    '3650',
    '-out',
    `${name}-root.pem`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  run(['req', '-new', '-key', `${name}-int.key`, '-subj', `/CN=${name} intermediate`, '-out', `${name}-int.csr`]);
  run([
    'x509',
    '-req',
    '-in',
    `${name}-int.csr`,
    '-CA',
    `${name}-root.pem`,
    '-CAkey',
    `${name}-root.key`,
    '-CAcreateserial',
    '-days',
    '3650',
    '-extfile',
    ext,
    '-extensions',
    'ca',
    '-out',
    `${name}-int.pem`,
  ]);
  run(['req', '-new', '-key', `${name}-leaf.key`, '-subj', `/CN=${name} release signer`, '-out', `${name}-leaf.csr`]);
  run([
    'x509',
    '-req',
    '-in',
    `${name}-leaf.csr`,
    '-CA',
    `${name}-int.pem`,
    '-CAkey',
    `${name}-int.key`,
    '-CAcreateserial',
    '-days',
    '365',
    '-extfile',
    ext,
    '-extensions',
    'leaf',
    '-out',
    `${name}-leaf.pem`,
  ]);
  return {
    rootPem: readFileSync(join(dir, `${name}-root.pem`), 'utf8'),
    chainPem: [readFileSync(join(dir, `${name}-leaf.pem`), 'utf8'), readFileSync(join(dir, `${name}-int.pem`), 'utf8')],
    leafKey: createPrivateKey(readFileSync(join(dir, `${name}-leaf.key`))),
  };
}

/**
 * A test file's signing kit: a temporary folder (`tmp`, removed after the file's tests) and a P-256 key pair
 * (`signer`) whose public key is written there as release.pub.pem (`keyPem`).
 */
export function signingKit(prefix: string): { tmp: string; keyPem: string; signer: Signer } {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const pair = ecKeyPair('P-256');
  const keyPem = join(tmp, 'release.pub.pem');
  writeFileSync(keyPem, pair.publicKey.export({ type: 'spki', format: 'pem' }));
  return { tmp, keyPem, signer: { kind: 'key', ...pair } };
}
