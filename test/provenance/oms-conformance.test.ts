// OpenSSF Model Signing conformance (../shared/conformance/README.md): every signed folder of the reference signer
// (v0.2.0 … v1.1.0; key, certificate, Sigstore) verifies with its verification material; tampered copies (one byte
// changed, a file added, a file removed, a different key/root/identity, an edited signature or payload) are
// rejected with the right SIGN rule; the OMS v1.0 test vectors are accepted or rejected at the level the
// specification says, in agreement with the specification's own JSON schemas.
import { strict as assert } from 'node:assert';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv2020Module from 'ajv/dist/2020.js';
import { scan } from '../../src/api/scan.js';
import type { SignatureScanOptions } from '../../src/api/signature-options.js';
import { parseBundle, parseStatement, preAuthEncoding } from '../../src/provenance/oms-bundle.js';
import { publicKeyFrom, verifyWithKey } from '../../src/provenance/dsse-verify.js';
import { publicGoodTrustedRoot } from '../../src/provenance/verify-sigstore.js';
import type { SentinelReport } from '../../src/report/report-model.js';
import { ecKeyPair, hasOpenssl, makeCa } from '../helpers/oms-sign.js';
import { sharedPath, sharedSkip } from '../helpers/shared.js';

const CONF = sharedPath('conformance');
const MS = join(CONF, 'model-signing');
const OMS = join(CONF, 'oms-spec');
const KEYS = join(MS, 'keys');
const KEY_HINT = 'e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e';
const IDENTITY = 'stefanb@us.ibm.com';
const ISSUER = 'https://sigstore.verify.ibm.com/oauth2';
const present = existsSync(MS) && existsSync(OMS);
const skip = present ? false : sharedSkip(present ? CONF : existsSync(MS) ? OMS : MS);

interface Row {
  readonly dir: string;
  readonly method: 'key' | 'certificate' | 'sigstore';
  /** The model: the folder, or the single file inside it. */
  readonly file?: string;
  /** Excluded when the folder was signed, but not recorded in the bundle (v1.0.1): passed to the verifier. */
  readonly ignore?: string;
}

// The README's table, row by row.
const ROWS: readonly Row[] = [
  { dir: 'v0.2.0-certificate', method: 'certificate' },
  { dir: 'v0.3.1-certificate', method: 'certificate' },
  { dir: 'v1.0.0-certificate', method: 'certificate' },
  { dir: 'v1.0.1-certificate', method: 'certificate', ignore: 'ignore-me' },
  { dir: 'v1.1.0-certificate', method: 'certificate' },
  { dir: 'v0.3.1-elliptic-key', method: 'key', file: 'signme-1' },
  { dir: 'v1.0.0-elliptic-key', method: 'key', file: 'signme-1' },
  { dir: 'v1.0.1-elliptic-key', method: 'key', ignore: 'ignore-me' },
  { dir: 'v1.1.0-elliptic-key', method: 'key' },
  { dir: 'v0.3.1-sigstore', method: 'sigstore' },
  { dir: 'v1.0.0-sigstore', method: 'sigstore' },
  { dir: 'v1.0.1-sigstore', method: 'sigstore', ignore: 'ignore-me' },
  { dir: 'v1.1.0-sigstore', method: 'sigstore' },
];

function anchors(method: Row['method']): SignatureScanOptions {
  if (method === 'key') return { keys: [join(KEYS, 'signing-key-pub.pem')] };
  if (method === 'certificate') return { roots: [join(KEYS, 'ca-cert.pem')] };
  return { identities: [{ identity: IDENTITY, issuer: ISSUER }] };
}

let tmp = '';
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sentinel-oms-'));
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** A private copy of a conformance folder (the shared data is never edited). */
function copyOf(dir: string, tag: string): string {
  const out = join(tmp, `${dir}-${tag}`);
  cpSync(join(MS, dir), out, { recursive: true });
  return out;
}

async function verify(row: Row, root: string, extra: SignatureScanOptions = {}): Promise<SentinelReport> {
  const model = row.file ? join(root, row.file) : root;
  return scan(model, {
    rules: ['SIGN'],
    now: new Date('2026-01-15T00:00:00Z'),
    signatures: {
      require: true,
      ...anchors(row.method),
      ...(row.ignore ? { ignorePaths: [row.ignore] } : {}),
      ...extra,
    },
  });
}

const signIds = (r: SentinelReport): string[] => r.findings.filter((f) => f.category === 'SIGN').map((f) => f.ruleId);

describe('OMS conformance: reference signer folders', { skip }, () => {
  for (const row of ROWS) {
    it(`${row.dir} verifies (${row.method}${row.file ? `, single file ${row.file}` : ''})`, async () => {
      const r = await verify(row, join(MS, row.dir));
      const v = r.signatures?.[0];
      assert.ok(v, 'a signature verdict');
      assert.equal(v.standing, 'valid', v.reason);
      assert.equal(v.manifest, 'match', JSON.stringify(v.problems));
      assert.equal(v.method, row.method);
      assert.deepEqual(signIds(r), []);
      assert.equal(r.summary.gate.passed, true);
      assert.match(v.digest ?? '', /^sha256:[0-9a-f]{64}$/);
      if (row.method === 'sigstore') {
        assert.equal(v.identity, IDENTITY);
        assert.equal(v.issuer, ISSUER);
        // Which checks ran: all of them, offline, against the public-good root shipped with Sigstore JS.
        const byId = new Map(v.checks.map((c) => [c.id, c]));
        for (const id of ['bundle', 'dsse-signature', 'sigstore-verifier', 'identity', 'statement', 'manifest']) {
          assert.equal(byId.get(id)?.ran, true, id);
          assert.equal(byId.get(id)?.passed, true, `${id}: ${byId.get(id)?.detail}`);
        }
      }
      // The key hint of the reference signer names the same key (v1.1.0 bundles carry it).
      if (row.method === 'key') assert.equal(v.identity, `sha256:${KEY_HINT}`);
      if (row.method === 'certificate') assert.equal(v.identity, 'CN=intermediate-ca');
      if (row.ignore || row.dir.startsWith('v1.1.0')) assert.deepEqual(v.excluded, ['ignore-me']);
    });
  }

  it('v1.0.1 folders without the verifier exclusion report ignore-me as unsigned', async () => {
    const r = await verify({ dir: 'v1.0.1-certificate', method: 'certificate' }, join(MS, 'v1.0.1-certificate'));
    const f = r.findings.find((x) => x.ruleId === 'SIGN-MISMATCH');
    assert.equal(f?.evidence.details?.['kind'], 'extra');
    assert.equal(f?.evidence.details?.['path'], 'ignore-me');
  });
});

describe('OMS conformance: tampered copies are rejected', { skip }, () => {
  for (const row of ROWS) {
    const target = row.file ?? 'signme-1';
    it(`${row.dir}: one byte changed → SIGN-MISMATCH (changed)`, async () => {
      const root = copyOf(row.dir, 'byte');
      const p = join(root, target);
      const b = readFileSync(p);
      b[0] = b[0]! ^ 0x01;
      writeFileSync(p, b);
      const r = await verify(row, root);
      const f = r.findings.find((x) => x.ruleId === 'SIGN-MISMATCH');
      assert.equal(f?.evidence.details?.['kind'], 'changed');
      assert.equal(r.summary.gate.passed, false);
      assert.equal(f?.evidence.details?.['identity'], r.signatures?.[0]?.identity);
      assert.equal(f?.evidence.details?.['digest'], r.signatures?.[0]?.digest);
    });
    if (!row.file) {
      it(`${row.dir}: a file added → SIGN-MISMATCH (extra)`, async () => {
        const root = copyOf(row.dir, 'added');
        writeFileSync(join(root, 'added.bin'), 'x');
        const r = await verify(row, root);
        const f = r.findings.filter((x) => x.ruleId === 'SIGN-MISMATCH');
        assert.deepEqual(
          f.map((x) => [x.evidence.details?.['kind'], x.evidence.details?.['path']]),
          [['extra', 'added.bin']],
        );
      });
      it(`${row.dir}: a file removed → SIGN-MISMATCH (missing)`, async () => {
        const root = copyOf(row.dir, 'removed');
        rmSync(join(root, 'signme-2'));
        const r = await verify(row, root);
        const f = r.findings.filter((x) => x.ruleId === 'SIGN-MISMATCH');
        assert.deepEqual(
          f.map((x) => [x.evidence.details?.['kind'], x.evidence.details?.['path']]),
          [['missing', 'signme-2']],
        );
      });
    }
    it(`${row.dir}: a different ${row.method === 'key' ? 'key' : row.method === 'certificate' ? 'root' : 'identity'} → SIGN-UNTRUSTED`, async (t) => {
      let other: SignatureScanOptions;
      if (row.method === 'key') {
        const path = join(tmp, `other-key-${row.dir}.pem`);
        writeFileSync(path, ecKeyPair('P-384').publicKey.export({ type: 'spki', format: 'pem' }));
        other = { keys: [path] };
      } else if (row.method === 'certificate') {
        if (!hasOpenssl()) return t.skip('openssl not installed');
        const ca = makeCa(tmp, `other-${row.dir}`);
        const path = join(tmp, `other-root-${row.dir}.pem`);
        writeFileSync(path, ca.rootPem);
        other = { roots: [path] };
      } else {
        other = { identities: [{ identity: 'someone-else@example.com', issuer: ISSUER }] };
      }
      const r = await verify({ ...row, method: row.method }, join(MS, row.dir), {
        keys: [],
        roots: [],
        identities: [],
        ...other,
      });
      assert.deepEqual(signIds(r), ['SIGN-UNTRUSTED']);
      const f = r.findings[0]!;
      assert.equal(f.severity, 'HIGH');
      assert.equal(r.summary.gate.passed, false);
      assert.equal(r.signatures?.[0]?.manifest, 'match');
    });
    it(`${row.dir}: an edited signature → SIGN-INVALID`, async () => {
      const root = copyOf(row.dir, 'sig');
      const path = join(root, 'model.sig');
      const bundle = JSON.parse(readFileSync(path, 'utf8')) as { dsseEnvelope: { signatures: { sig: string }[] } };
      const sig = Buffer.from(bundle.dsseEnvelope.signatures[0]!.sig, 'base64');
      sig[sig.length - 3] = sig[sig.length - 3]! ^ 0x01;
      bundle.dsseEnvelope.signatures[0]!.sig = sig.toString('base64');
      writeFileSync(path, JSON.stringify(bundle));
      const r = await verify(row, root);
      assert.deepEqual(signIds(r), ['SIGN-INVALID']);
      assert.equal(r.signatures?.[0]?.manifest, 'not-checked');
    });
    it(`${row.dir}: an edited payload → SIGN-INVALID`, async () => {
      const root = copyOf(row.dir, 'payload');
      const path = join(root, 'model.sig');
      const bundle = JSON.parse(readFileSync(path, 'utf8')) as { dsseEnvelope: { payload: string } };
      const st = Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8');
      // Point the signed digest of signme-1 at the changed content: a forged manifest.
      bundle.dsseEnvelope.payload = Buffer.from(st.replace(/"[0-9a-f]{64}"/, `"${'0'.repeat(64)}"`)).toString('base64');
      writeFileSync(path, JSON.stringify(bundle));
      const r = await verify(row, root);
      assert.deepEqual(signIds(r), ['SIGN-INVALID']);
    });
  }

  it('a required signature that is absent → SIGN-MISSING; not required → nothing', async () => {
    const root = copyOf('v1.1.0-elliptic-key', 'missing');
    rmSync(join(root, 'model.sig'));
    const r = await verify({ dir: 'v1.1.0-elliptic-key', method: 'key' }, root);
    assert.deepEqual(signIds(r), ['SIGN-MISSING']);
    const r2 = await scan(root, { rules: ['SIGN'] });
    assert.deepEqual(signIds(r2), []);
    assert.equal(r2.signatures, undefined);
  });

  it('Sigstore bundle under a trusted root that does not anchor it: offline checks run and say so', async () => {
    const pg = publicGoodTrustedRoot() as Record<string, unknown>;
    const path = join(tmp, 'no-fulcio-trusted-root.json');
    writeFileSync(path, JSON.stringify({ ...pg, certificateAuthorities: [] }));
    const r = await verify({ dir: 'v1.1.0-sigstore', method: 'sigstore' }, join(MS, 'v1.1.0-sigstore'), {
      trustedRoots: [path],
    });
    assert.deepEqual(signIds(r), ['SIGN-UNTRUSTED']);
    const v = r.signatures![0]!;
    const byId = new Map(v.checks.map((c) => [c.id, c]));
    assert.equal(byId.get('dsse-signature')?.passed, true);
    assert.equal(byId.get('sigstore-verifier')?.passed, false);
    assert.equal(byId.get('identity')?.passed, true);
    assert.equal(v.manifest, 'match');
    assert.equal(v.identity, IDENTITY);
  });

  it('without trust anchors and without a requirement, a valid signature is recorded as INFO', async () => {
    const r = await scan(join(MS, 'v1.1.0-sigstore'), { rules: ['SIGN'] });
    assert.deepEqual(
      r.findings.map((f) => [f.ruleId, f.severity]),
      [['SIGN-UNTRUSTED', 'INFO']],
    );
    assert.equal(r.summary.gate.passed, true);
  });
});

describe('OMS v1.0 test vectors', { skip }, () => {
  const dir = join(OMS, 'test-vectors', 'v1.0');
  const Ajv = Ajv2020Module as unknown as new (o: Record<string, unknown>) => {
    addSchema(s: unknown): void;
    getSchema(id: string): ((d: unknown) => boolean) | undefined;
  };
  const ajv = new Ajv({ strict: false, allErrors: true });
  for (const f of readdirSync(join(OMS, 'schemas', 'v1.0'))) {
    ajv.addSchema(JSON.parse(readFileSync(join(OMS, 'schemas', 'v1.0', f), 'utf8')));
  }
  const bundleSchema = ajv.getSchema('https://model_signing/bundle/v1.0/schema')!;
  const statementSchema = ajv.getSchema('https://model_signing/statement/v1.0/schema')!;
  const files = (sub: string): string[] => readdirSync(join(dir, sub)).filter((f) => f.endsWith('.json'));

  for (const f of files('valid')) {
    it(`valid/${f} is accepted at bundle and statement level`, () => {
      const text = readFileSync(join(dir, 'valid', f));
      const b = parseBundle(text);
      assert.ok(b.ok, b.ok ? '' : b.reason);
      const s = parseStatement(b.value.payloadType, b.value.payload);
      assert.ok(s.ok, s.ok ? '' : s.reason);
      assert.equal(bundleSchema(JSON.parse(text.toString('utf8'))), true, 'the OMS bundle schema agrees');
      assert.equal(statementSchema(JSON.parse(Buffer.from(b.value.payload).toString('utf8'))), true);
      assert.equal(s.value.predicateType, 'https://model_signing/signature/v1.0');
    });
  }
  it('valid/key.bundle.json verifies with the conformance key', () => {
    const b = parseBundle(readFileSync(join(dir, 'valid', 'key.bundle.json')));
    assert.ok(b.ok);
    const key = publicKeyFrom(readFileSync(join(KEYS, 'signing-key-pub.pem')))!;
    assert.equal(
      verifyWithKey(key, preAuthEncoding(b.value.payloadType, b.value.payload), b.value.signatures[0]!),
      true,
    );
  });
  for (const f of files('invalid')) {
    it(`invalid/${f} is rejected at bundle level`, () => {
      const text = readFileSync(join(dir, 'invalid', f));
      const b = parseBundle(text);
      assert.equal(b.ok, false);
      let json: unknown;
      try {
        json = JSON.parse(text.toString('utf8'));
      } catch {
        json = undefined;
      }
      if (json !== undefined) assert.equal(bundleSchema(json), false, 'the OMS bundle schema agrees');
    });
  }
  for (const f of files('invalid-payload')) {
    it(`invalid-payload/${f} is accepted as a bundle and rejected at statement level`, () => {
      const b = parseBundle(readFileSync(join(dir, 'invalid-payload', f)));
      assert.ok(b.ok, b.ok ? '' : b.reason);
      const s = parseStatement(b.value.payloadType, b.value.payload);
      assert.equal(s.ok, false);
      assert.equal(statementSchema(JSON.parse(Buffer.from(b.value.payload).toString('utf8'))), false);
    });
  }
});
