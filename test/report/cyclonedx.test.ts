// --format cyclonedx: the ML bill of materials validates against the official CycloneDX 1.6 JSON schema (the copy
// the CycloneDX JS library ships, with its SPDX and JSF sub-schemas) for every shared corpus, the bundled examples,
// the signature conformance folders and a Hugging Face-style folder with a model card; models are
// machine-learning-model components with hashes and inventory fields; findings are vulnerabilities tied to them.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import AjvModule from 'ajv';
import addFormatsModule from 'ajv-formats';
import { renderReport } from '../../src/api/render-report.js';
import { scan } from '../../src/api/scan.js';
import type { SignatureScanOptions } from '../../src/api/signature-options.js';
import { cli } from '../helpers/cli.js';
import { safetensors } from '../helpers/model-builders.js';
import { SHARED, sharedSkip } from '../helpers/shared.js';

const require = createRequire(import.meta.url);
const SCHEMAS = join(dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')), 'res', 'schema');
const ROOT = join(import.meta.dirname, '..', '..');

type Validate = ((d: unknown) => boolean) & { errors?: unknown };
function bomValidator(): Validate {
  const Ajv = AjvModule as unknown as new (o: Record<string, unknown>) => {
    addSchema(s: unknown): void;
    compile(s: unknown): Validate;
  };
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  (addFormatsModule as unknown as (a: unknown) => void)(ajv);
  const load = (f: string): Record<string, unknown> =>
    JSON.parse(readFileSync(join(SCHEMAS, f), 'utf8')) as Record<string, unknown>;
  // The bom schema refers to its sub-schemas by these file names.
  ajv.addSchema({ ...load('spdx.SNAPSHOT.schema.json'), $id: 'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json' });
  ajv.addSchema({
    ...load('jsf-0.82.SNAPSHOT.schema.json'),
    $id: 'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json',
  });
  return ajv.compile(load('bom-1.6.SNAPSHOT.schema.json'));
}

interface Bom {
  specVersion: string;
  components: {
    type: string;
    name: string;
    'bom-ref': string;
    hashes?: { alg: string; content: string }[];
    properties?: { name: string; value: string }[];
    licenses?: { license: { id?: string; name?: string } }[];
    modelCard?: { modelParameters?: Record<string, unknown>; properties?: { name: string; value: string }[] };
    pedigree?: { ancestors: { name: string }[] };
  }[];
  vulnerabilities?: { id: string; affects: { ref: string }[]; ratings: { severity: string }[]; cwes?: number[] }[];
}

let tmp = '';
let validate: Validate;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sentinel-bom-'));
  validate = bomValidator();
});
after(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function bomOf(path: string, signatures?: SignatureScanOptions): Promise<Bom> {
  const report = await scan(path, { ...(signatures ? { signatures } : {}) });
  const text = await renderReport(report, 'cyclonedx');
  const bom = JSON.parse(text) as Bom;
  assert.equal(validate(bom), true, JSON.stringify(validate.errors, null, 1)?.slice(0, 3000));
  assert.equal(bom.specVersion, '1.6');
  // Every finding is a vulnerability tied to a component of the BOM.
  const refs = new Set(bom.components.map((c) => c['bom-ref']));
  assert.equal(bom.vulnerabilities?.length ?? 0, report.findings.length);
  for (const v of bom.vulnerabilities ?? []) {
    assert.equal(v.affects.length, 1);
    assert.ok(refs.has(v.affects[0]!.ref), v.affects[0]!.ref);
  }
  return bom;
}

describe('CycloneDX 1.6 ML-BOM', () => {
  const corpora = [
    join(SHARED, 'corpus', 'files'),
    join(SHARED, 'corpus-public', 'picklescan'),
    join(SHARED, 'conformance', 'model-signing'),
    join(SHARED, 'conformance', 'oms-spec'),
    join(ROOT, 'examples'),
  ];
  for (const c of corpora) {
    it(
      `validates for ${c.slice(c.indexOf('shared') >= 0 ? c.indexOf('shared') : ROOT.length + 1)}`,
      { skip: existsSync(c) ? false : sharedSkip(c) },
      async () => {
        const bom = await bomOf(c);
        assert.ok(bom.components.length > 0);
      },
    );
  }

  it('a model folder: ML component with hash, tensors, dtypes, parameters, framework and model card; signer when verified', async () => {
    const dir = join(tmp, 'hf-model');
    mkdirSync(dir);
    const st = safetensors(
      [
        { name: 'w', dtype: 'BF16', shape: [4, 8] },
        { name: 'b', dtype: 'F32', shape: [8] },
      ],
      {
        metadata: { format: 'pt' },
      },
    );
    writeFileSync(join(dir, 'model.safetensors'), st);
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({ model_type: 'llama', architectures: ['LlamaForCausalLM'] }),
    );
    writeFileSync(
      join(dir, 'README.md'),
      '---\nlicense: apache-2.0\nbase_model: meta-llama/Llama-3.1-8B\ndatasets:\n  - tatsu-lab/alpaca\npipeline_tag: text-generation\n---\n# card\n',
    );
    const bom = await bomOf(dir);
    const c = bom.components.find((x) => x.name.endsWith('model.safetensors'))!;
    assert.equal(c.type, 'machine-learning-model');
    assert.deepEqual(c.hashes, [{ alg: 'SHA-256', content: createHash('sha256').update(st).digest('hex') }]);
    const p = Object.fromEntries((c.properties ?? []).map((x) => [x.name, x.value]));
    assert.equal(p['sentinel:model:tensors'], '2');
    assert.equal(p['sentinel:model:dtypes'], 'BF16:1,F32:1');
    assert.equal(p['sentinel:model:parameters'], '40');
    assert.equal(p['sentinel:model:framework'], 'pt');
    assert.deepEqual(c.licenses, [{ license: { id: 'Apache-2.0' } }]);
    assert.equal(c.modelCard?.modelParameters?.['task'], 'text-generation');
    assert.equal(c.modelCard?.modelParameters?.['architectureFamily'], 'llama');
    assert.equal(c.modelCard?.modelParameters?.['modelArchitecture'], 'LlamaForCausalLM');
    assert.deepEqual(
      c.pedigree?.ancestors.map((a) => a.name),
      ['meta-llama/Llama-3.1-8B'],
    );
    assert.ok(c.modelCard?.properties?.some((x) => x.name === 'baseModel' && x.value === 'meta-llama/Llama-3.1-8B'));
  });

  it('card files that are links out of the model folder are not read; links inside it are (benign twin)', async () => {
    const outside = join(tmp, 'card-outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'config.json'), JSON.stringify({ model_type: 'SECRET-OUTSIDE', architectures: ['X'] }));
    writeFileSync(join(outside, 'README.md'), '---\nlicense: outside-secret\n---\n');
    const st = safetensors([{ name: 'w', dtype: 'F32', shape: [2] }]);
    const family = async (name: string, inside: boolean): Promise<unknown> => {
      const dir = join(tmp, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'model.safetensors'), st);
      if (inside) {
        mkdirSync(join(dir, 'cards'));
        writeFileSync(join(dir, 'cards', 'config.json'), JSON.stringify({ model_type: 'inside-family' }));
        symlinkSync(join(dir, 'cards', 'config.json'), join(dir, 'config.json'));
      } else {
        symlinkSync(join(outside, 'config.json'), join(dir, 'config.json'));
        symlinkSync(join(outside, 'README.md'), join(dir, 'README.md'));
      }
      const bom = await bomOf(dir);
      assert.doesNotMatch(JSON.stringify(bom), /SECRET-OUTSIDE|outside-secret/);
      return bom.components.find((x) => x.name.endsWith('model.safetensors'))?.modelCard?.modelParameters?.[
        'architectureFamily'
      ];
    };
    assert.equal(await family('card-links-out', false), undefined);
    assert.equal(await family('card-links-in', true), 'inside-family');
  });

  const signedFolder = join(SHARED, 'conformance', 'model-signing', 'v1.1.0-sigstore');
  it(
    'a verified signature puts the signer on the covered files, not on the excluded ones',
    { skip: existsSync(signedFolder) ? false : sharedSkip(signedFolder) },
    async () => {
      const m = signedFolder;
      const bom = await bomOf(m, {
        identities: [{ identity: 'stefanb@us.ibm.com', issuer: 'https://sigstore.verify.ibm.com/oauth2' }],
      });
      const prop = (name: string, key: string): string | undefined =>
        bom.components.find((x) => x.name.endsWith(name))?.properties?.find((p) => p.name === key)?.value;
      assert.equal(prop('signme-1', 'sentinel:signature:identity'), 'stefanb@us.ibm.com');
      assert.equal(prop('ignore-me', 'sentinel:signature:identity'), undefined);
      const model = bom.components.find((x) => x['bom-ref'] === `model:${m}`)!;
      assert.equal(model.type, 'machine-learning-model');
    },
  );

  it('findings become vulnerabilities with severity and CWE, tied to the pickle', async () => {
    const dir = join(tmp, 'bad');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'evil.pkl'),
      readFileSync(join(ROOT, 'test', 'fixtures', 'real', 'malicious', 'builtins-exec-p4.pkl')),
    );
    const bom = await bomOf(dir);
    const v = bom.vulnerabilities!.find((x) => x.id === 'PICKLE-EXEC')!;
    assert.equal(v.ratings[0]!.severity, 'critical');
    assert.deepEqual(v.cwes, [502]);
    assert.equal(v.affects[0]!.ref, `file:${join(dir, 'evil.pkl')}`);
  });

  it('--write cyclonedx=FILE writes the BOM beside the main report', async () => {
    const out = join(tmp, 'bom.json');
    const r = await cli(['artifact', join(ROOT, 'examples'), '--quiet', '--write', `cyclonedx=${out}`]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.equal(validate(JSON.parse(readFileSync(out, 'utf8'))), true);
  });
});
