// oci:// targets against Debian's docker-registry (started here on 127.0.0.1, pushed to through its HTTP API): a
// CNCF ModelPack-style artifact and a KitOps-style ModelKit (titled layers), an index over them, a plain image layer
// (tar+gzip), a tag resolved to its digest (retest commands pin it), and the report equal to a local scan of the same
// files (findings and fingerprints); a ModelKit with the KitOps specification's media types (tar+gzip layers, no
// titles); bearer-token auth with Docker config credentials through a simulated token service in front of it.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { scan, SentinelError } from '../../src/api/index.js';
import { formatLocation } from '../../src/core/location.js';
import { parseOciRef } from '../../src/sources/remote/oci-target.js';
import { evilPickle } from '../helpers/pickle-builder.js';
import { gguf, safetensors } from '../helpers/model-builders.js';
import { REGISTRY_BIN, startRegistry, type Registry } from '../helpers/registry.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const skip = REGISTRY_BIN ? false : 'docker-registry is not installed (apt-get install docker-registry)';

/** A one-member ustar archive (what an image layer holds). */
function tar(name: string, data: Uint8Array): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([h, data, pad, Buffer.alloc(1024)]);
}

describe('oci references', () => {
  it('parses registry, repository, tag and digest', () => {
    assert.deepEqual(parseOciRef('oci://127.0.0.1:5000/org/m:v1'), {
      registry: '127.0.0.1:5000',
      repo: 'org/m',
      reference: 'v1',
    });
    assert.equal(parseOciRef('oci://r.io/m').reference, 'latest');
    assert.equal(parseOciRef(`oci://r.io/m@sha256:${'0'.repeat(64)}`).reference, `sha256:${'0'.repeat(64)}`);
    assert.throws(() => parseOciRef('oci://r.io/m@sha256:xyz'));
    assert.throws(() => parseOciRef('oci://r.io/UPPER'));
  });
});

describe('oci:// against docker-registry', { skip }, () => {
  let reg: Registry;
  let dir: string;
  const evil = Buffer.from(evilPickle());
  const weights = Buffer.from(safetensors([{ name: 'w', dtype: 'F32', shape: [32, 32] }]));
  let modelDigest = '';
  before(async () => {
    reg = await startRegistry();
    dir = mkdtempSync(join(tmpdir(), 'sentinel-oci-'));
    writeFileSync(join(dir, 'model.safetensors'), weights);
    writeFileSync(join(dir, 'extra.pkl'), evil);
    const config = Buffer.from(JSON.stringify({ descriptor: { name: 'demo' }, modelfs: { type: 'layers' } }));
    writeFileSync(join(dir, 'config.json'), config);
    const repo = 'acme/model';
    const c = await reg.pushBlob(repo, config);
    const w = await reg.pushBlob(repo, weights);
    const e = await reg.pushBlob(repo, evil);
    const title = (t: string) => ({ 'org.opencontainers.image.title': t });
    modelDigest = await reg.putManifest(
      repo,
      'v1',
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        artifactType: 'application/vnd.cncf.model.manifest.v1+json',
        config: { mediaType: 'application/vnd.cncf.model.config.v1+json', ...c },
        layers: [
          { mediaType: 'application/vnd.cncf.model.weight.v1.raw', ...w, annotations: title('model.safetensors') },
          { mediaType: 'application/vnd.cncf.model.weight.v1.raw', ...e, annotations: title('extra.pkl') },
        ],
      },
      OCI_MANIFEST,
    );
    const layer = gzipSync(tar('app/model.pkl', evil));
    const l = await reg.pushBlob('acme/image', layer);
    const ic = await reg.pushBlob('acme/image', Buffer.from('{"architecture":"amd64","os":"linux"}'));
    const imgDoc = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...ic },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...l }],
    };
    const imgSize = Buffer.byteLength(JSON.stringify(imgDoc));
    const img = await reg.putManifest('acme/image', 'latest', imgDoc, OCI_MANIFEST);
    await reg.putManifest(
      'acme/image',
      'multi',
      {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [
          { mediaType: OCI_MANIFEST, digest: img, size: imgSize, platform: { os: 'linux', architecture: 'amd64' } },
        ],
      },
      OCI_INDEX,
    );
  });
  after(async () => {
    await reg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('bearer token auth: the challenge is answered at its realm with the Docker config credentials, layers are read with the token; without credentials the target is refused', async () => {
    const gate = spawn(
      process.execPath,
      [join(import.meta.dirname, '..', 'helpers', 'token-gate.mjs'), reg.host.split(':')[1]!, 'sentinel:s3cret'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const cfg = mkdtempSync(join(tmpdir(), 'sentinel-docker-'));
    try {
      const port = await new Promise<string>((res) =>
        gate.stdout!.once('data', (d: Buffer) => res(d.toString().trim())),
      );
      const host = `127.0.0.1:${port}`;
      writeFileSync(
        join(cfg, 'config.json'),
        JSON.stringify({ auths: { [host]: { auth: Buffer.from('sentinel:s3cret').toString('base64') } } }),
      );
      const r = await scan(`oci://${host}/acme/model:v1`, { remote: { env: { DOCKER_CONFIG: cfg } } });
      const direct = await scan(`oci://${reg.host}/acme/model:v1`);
      assert.deepEqual(
        r.findings.map((f) => [f.ruleId, f.fingerprint]),
        direct.findings.map((f) => [f.ruleId, f.fingerprint]),
      );
      assert.ok(r.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
      const count = (await fetch(`http://${host}/__count`).then((x) => x.json())) as { tokens: number };
      assert.ok(count.tokens >= 1);
      await assert.rejects(
        scan(`oci://${host}/acme/model:v1`, { remote: { env: { DOCKER_CONFIG: join(cfg, 'none') } } }),
        (e: unknown) => e instanceof SentinelError && /token request refused \(HTTP 401\)/.test(e.message),
      );
    } finally {
      gate.kill('SIGTERM');
      rmSync(cfg, { recursive: true, force: true });
    }
  });

  it('a GGUF model artifact as Docker Model Runner lays it out (model config, an untitled GGUF layer): the blob is read as GGUF and its chat template checked, with the fingerprint of the same tree on disk', async () => {
    // Media types of docker/model-distribution (pkg/types/config.go): the config and the GGUF layer carry no title,
    // so the layer is named by its digest and its format comes from its content.
    const repo = 'acme/gguf';
    const model = Buffer.from(
      gguf(
        [
          ['general.architecture', { type: 'str', value: 'llama' }],
          ['tokenizer.chat_template', { type: 'str', value: '{{ lipsum.__globals__ }}' }],
        ],
        [],
      ),
    );
    const layer = await reg.pushBlob(repo, model);
    const config = await reg.pushBlob(
      repo,
      Buffer.from(JSON.stringify({ config: { format: 'gguf', architecture: 'llama' }, rootfs: { type: 'rootfs' } })),
    );
    await reg.putManifest(
      repo,
      'q4',
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.docker.ai.model.config.v1+json', ...config },
        layers: [{ mediaType: 'application/vnd.docker.ai.model.file.v1+gguf', ...layer }],
      },
      OCI_MANIFEST,
    );
    const r = await scan(`oci://${reg.host}/${repo}:q4`);
    const name = `blobs/sha256/${layer.digest.slice('sha256:'.length)}`;
    const hits = r.findings.filter((f) => f.ruleId === 'MODEL-TEMPLATE-INJECTION');
    assert.equal(hits.length, 1, JSON.stringify(r.findings.map((f) => [f.ruleId, formatLocation(f.location)])));
    assert.ok(formatLocation(hits[0]!.location).includes(name));
    assert.ok(!r.findings.some((f) => f.ruleId === 'SCAN-INCOMPLETE'));
    const local = mkdtempSync(join(dir, 'gguf-'));
    try {
      mkdirSync(join(local, 'blobs', 'sha256'), { recursive: true });
      writeFileSync(join(local, name), model);
      const l = await scan(local);
      assert.deepEqual(
        hits.map((f) => [f.ruleId, f.fingerprint]),
        l.findings.filter((f) => f.ruleId === 'MODEL-TEMPLATE-INJECTION').map((f) => [f.ruleId, f.fingerprint]),
      );
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });

  it('a KitOps ModelKit as the ModelKit spec lays it out (Kitfile config, model and code layers as tar+gzip, no titles): each layer is read as the archive it is', async () => {
    // Media types from the KitOps ModelKit specification (docs/src/docs/modelkit/spec.md in jozu-ai/kitops).
    const repo = 'acme/modelkit';
    const kitfile = Buffer.from(
      JSON.stringify({ manifestVersion: '1.0.0', package: { name: 'demo' }, model: { name: 'm', path: 'models' } }),
    );
    const k = await reg.pushBlob(repo, kitfile);
    const model = await reg.pushBlob(repo, gzipSync(tar('models/model.pkl', evil)));
    const code = await reg.pushBlob(repo, gzipSync(tar('src/train.py', Buffer.from('print("train")\n'))));
    const digest = await reg.putManifest(
      repo,
      'v1',
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.kitops.modelkit.config.v1+json', ...k },
        layers: [
          { mediaType: 'application/vnd.kitops.modelkit.model.v1.tar+gzip', ...model },
          { mediaType: 'application/vnd.kitops.modelkit.code.v1.tar+gzip', ...code },
        ],
      },
      OCI_MANIFEST,
    );
    const r = await scan(`oci://${reg.host}/${repo}:v1`);
    const pinned = `oci://${reg.host}/${repo}@${digest}`;
    assert.deepEqual(
      r.files.map((f) => f.path),
      [
        `${pinned}/config/${k.digest.slice(7)}.json`,
        `${pinned}/blobs/sha256/${model.digest.slice(7)}`,
        `${pinned}/blobs/sha256/${code.digest.slice(7)}`,
      ],
    );
    const hit = r.findings.find((f) => f.ruleId === 'PICKLE-EXEC');
    assert.ok(hit, JSON.stringify(r.findings.map((f) => f.ruleId)));
    assert.match(JSON.stringify(hit), /models\/model\.pkl/);
    assert.equal(r.summary.gate.passed, false);
  });

  it('resolves a tag to its digest, reads titled layers, equals the local scan', async () => {
    const r = await scan(`oci://${reg.host}/acme/model:v1`);
    const pinned = `oci://${reg.host}/acme/model@${modelDigest}`;
    assert.deepEqual(r.files.map((f) => f.path).slice(1), [`${pinned}/model.safetensors`, `${pinned}/extra.pkl`]);
    assert.ok(r.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
    assert.ok(r.findings.every((f) => f.retest.startsWith(`sentinel scan ${pinned} `)));
    const local = await scan([join(dir, 'model.safetensors'), join(dir, 'extra.pkl')]);
    // The config blob (JSON, no findings) is listed first; the layers' findings equal the local scan's.
    assert.deepEqual(
      r.findings.map((f) => [f.ruleId, f.fingerprint]),
      local.findings.map((f) => [f.ruleId, f.fingerprint]),
    );
    assert.ok(r.summary.remote!.requests >= 3);
  });

  it('a digest reference is read as such; a wrong digest is refused', async () => {
    const r = await scan(`oci://${reg.host}/acme/model@${modelDigest}`);
    assert.ok(r.findings.some((f) => f.ruleId === 'PICKLE-EXEC'));
    await assert.rejects(
      scan(`oci://${reg.host}/acme/model@sha256:${'1'.repeat(64)}`),
      (e: unknown) => e instanceof SentinelError && /404/.test(e.message),
    );
  });

  it('a plain image layer (tar+gzip) is read as one, through an index', async () => {
    for (const ref of ['latest', 'multi']) {
      const r = await scan(`oci://${reg.host}/acme/image:${ref}`);
      assert.equal(r.files.length, 2, ref);
      assert.ok(
        r.findings.some((f) => f.ruleId === 'PICKLE-EXEC'),
        `${ref}: ${r.findings.map((f) => f.ruleId).join(',')}`,
      );
    }
  });
});

describe('oci:// against docker-registry with htpasswd basic auth', { skip }, () => {
  // The registry's htpasswd backend accepts bcrypt only: the hash of 's3cret' (cost 5), made with /usr/bin/python3's
  // bcrypt: bcrypt.hashpw(b's3cret', bcrypt.gensalt(rounds=5)).
  const user = {
    user: 'sentinel',
    password: 's3cret',
    hash: '$2b$05$xrZI7qxE72.lp6z5nZjvLeYTXV47KNEReQiXUF5c7I0rjJ2n.a4Yi',
  };
  let reg: Registry;
  let cfg: string;
  before(async () => {
    reg = await startRegistry(user);
    cfg = mkdtempSync(join(tmpdir(), 'sentinel-docker-'));
    const layer = await reg.pushBlob('acme/private', Buffer.from(evilPickle()));
    const config = await reg.pushBlob('acme/private', Buffer.from('{}'));
    await reg.putManifest(
      'acme/private',
      'v1',
      {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.cncf.model.config.v1+json', ...config },
        layers: [
          {
            mediaType: 'application/vnd.cncf.model.weight.v1.raw',
            ...layer,
            annotations: { 'org.opencontainers.image.title': 'model.pkl' },
          },
        ],
      },
      OCI_MANIFEST,
    );
  });
  after(async () => {
    await reg?.stop();
    if (cfg) rmSync(cfg, { recursive: true, force: true });
  });

  it('reads manifests and layers with the Docker config credentials; without them, or with a wrong password, the target is refused', async () => {
    const config = (password: string): string => {
      const d = mkdtempSync(join(cfg, 'c-'));
      writeFileSync(
        join(d, 'config.json'),
        JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`sentinel:${password}`).toString('base64') } } }),
      );
      return d;
    };
    const r = await scan(`oci://${reg.host}/acme/private:v1`, { remote: { env: { DOCKER_CONFIG: config('s3cret') } } });
    assert.ok(
      r.findings.some((f) => f.ruleId === 'PICKLE-EXEC' && formatLocation(f.location).includes('/model.pkl')),
      JSON.stringify(r.findings.map((f) => [f.ruleId, formatLocation(f.location)])),
    );
    assert.ok(!r.findings.some((f) => f.ruleId === 'SCAN-INCOMPLETE'));
    for (const env of [{ DOCKER_CONFIG: join(cfg, 'none') }, { DOCKER_CONFIG: config('wrong') }]) {
      await assert.rejects(
        scan(`oci://${reg.host}/acme/private:v1`, { remote: { env } }),
        (e: unknown) => e instanceof SentinelError && /HTTP 401 \(credentials missing or refused\)/.test(e.message),
      );
    }
  });
});
