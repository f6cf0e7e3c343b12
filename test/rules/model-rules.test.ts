// MODEL rule case tables: each invalid case names the rule and what the evidence must point at (JSON path, graph
// path, metadata key, offset); each benign twin gives no MODEL finding at all. Fixtures under test/fixtures/model/
// are made by the real tools (scripts/fixtures/model-onnx.py, model-onnx-inline.py, model-keras.py) or by spec builders.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanBytes, scanPaths, type ScanResult } from '../../src/scan/engine.js';
import { RULES } from '../../src/rules/index.js';
import { gguf, safetensors } from '../helpers/model-builders.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'model');
const fixture = (p: string): Uint8Array => readFileSync(join(FIX, p));
const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const json = (v: unknown): Uint8Array => text(JSON.stringify(v));

interface Case {
  readonly name: string;
  readonly file: string;
  readonly bytes: () => Uint8Array;
  readonly rule?: string;
  /** Evidence path (JSON path, graph path, GGUF key) of the first finding of that rule. */
  readonly path?: string;
  /** A substring of the evidence signal. */
  readonly says?: string;
}

const CHATML =
  "{% for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n' }}{% endfor %}";
const tmplGguf = (t: string): Uint8Array =>
  gguf(
    [
      ['general.architecture', { type: 'str', value: 'llama' }],
      ['tokenizer.chat_template', { type: 'str', value: t }],
    ],
    [],
  );

const INVALID: Case[] = [
  // MODEL-TEMPLATE-INJECTION
  {
    name: 'GGUF template reaching __globals__ through cycler',
    file: 'model.gguf',
    bytes: () => tmplGguf("{{ cycler.__init__.__globals__.os.popen('id').read() }}"),
    rule: 'MODEL-TEMPLATE-INJECTION',
    path: 'tokenizer.chat_template',
    says: 'cycler',
  },
  {
    name: 'named GGUF template (tokenizer.chat_template.tool_use)',
    file: 'model.gguf',
    bytes: () => gguf([['tokenizer.chat_template.tool_use', { type: 'str', value: '{{ lipsum.__globals__ }}' }]], []),
    rule: 'MODEL-TEMPLATE-INJECTION',
    path: 'tokenizer.chat_template.tool_use',
  },
  {
    // gguf-py returns an array's strings, and transformers 4.x took a one-element array as the template itself; every
    // element is judged (the array was skipped, so the gadget passed).
    name: 'GGUF template stored as an array of strings',
    file: 'model.gguf',
    bytes: () =>
      gguf(
        [
          ['general.architecture', { type: 'str', value: 'llama' }],
          ['tokenizer.chat_template', { type: 'arr', elem: 'str', value: ['{{ cycler.__init__.__globals__.os }}'] }],
        ],
        [],
      ),
    rule: 'MODEL-TEMPLATE-INJECTION',
    path: 'tokenizer.chat_template[0]',
    says: 'cycler',
  },
  {
    name: 'named GGUF template array, gadget in its second element',
    file: 'model.gguf',
    bytes: () =>
      gguf(
        [['tokenizer.chat_template.rag', { type: 'arr', elem: 'str', value: [CHATML, '{{ lipsum.__globals__ }}'] }]],
        [],
      ),
    rule: 'MODEL-TEMPLATE-INJECTION',
    path: 'tokenizer.chat_template.rag[1]',
  },
  {
    name: 'tokenizer_config.json template with attr() of an assembled name',
    file: 'tokenizer_config.json',
    bytes: () => json({ chat_template: "{{ messages|attr('__cla' ~ 'ss__') }}" }),
    rule: 'MODEL-TEMPLATE-INJECTION',
    path: '$.chat_template',
    says: '__class__',
  },
  {
    name: 'tokenizer_config.json list of named templates',
    file: 'tokenizer_config.json',
    bytes: () =>
      json({
        chat_template: [
          { name: 'default', template: CHATML },
          { name: 'rag', template: '{{ self._TemplateReference__context }}' },
        ],
      }),
    rule: 'MODEL-TEMPLATE-INJECTION',
    path: '$.chat_template[1].template',
  },
  {
    // transformers takes a map of name -> template as it is (a list becomes such a map): get_chat_template picks
    // "default", or "tool_use" when tools are given. Read as a map; it passed as a config with no template before.
    name: 'tokenizer_config.json map of named templates',
    file: 'tokenizer_config.json',
    bytes: () => json({ chat_template: { default: CHATML, tool_use: '{{ cycler.__init__.__globals__.os }}' } }),
    rule: 'MODEL-TEMPLATE-INJECTION',
    path: '$.chat_template.tool_use',
  },
  {
    name: 'chat_template.json (processor) map of named templates',
    file: 'chat_template.json',
    bytes: () => json({ chat_template: { 'my template': '{{ lipsum.__globals__ }}' } }),
    rule: 'MODEL-TEMPLATE-INJECTION',
    path: '$.chat_template["my template"]',
  },
  {
    name: 'standalone .jinja: subclasses walk',
    file: 'chat_template.jinja',
    bytes: () => text('{% for c in [].__class__.__base__.__subclasses__() %}{{ c.__name__ }}{% endfor %}'),
    rule: 'MODEL-TEMPLATE-INJECTION',
    says: '__class__',
  },
  {
    name: 'unparseable template (a named string escape): token-level fallback says so',
    file: 'chat_template.jinja',
    bytes: () => text("{{ '\\N{DIGIT ZERO}'.__class__.__base__.__subclasses__() }}"),
    rule: 'MODEL-TEMPLATE-INJECTION',
    says: 'could not parse',
  },
  {
    name: 'the empty tuple as jinja2 reads it: the internal it reaches is named',
    file: 'chat_template.jinja',
    bytes: () => text('{{ ().__class__.__base__.__subclasses__() }}'),
    rule: 'MODEL-TEMPLATE-INJECTION',
    says: 'attribute .__class__',
  },
  {
    name: 'attr() with a computed name',
    file: 'chat_template.jinja',
    bytes: () => text('{% for m in messages %}{{ m|attr(m.role) }}{% endfor %}'),
    rule: 'MODEL-TEMPLATE-INJECTION',
    says: 'computed',
  },
  {
    name: 'name reversed from a literal',
    file: 'chat_template.jinja',
    bytes: () => text("{{ messages[0]['__ssalg__'[::-1]] }}"),
    rule: 'MODEL-TEMPLATE-INJECTION',
    says: 'assembled',
  },
  // MODEL-LAMBDA-CODE
  {
    name: 'legacy .h5 Lambda with bytecode',
    file: 'lambda-legacy.h5',
    bytes: () => fixture('keras/lambda-legacy.h5'),
    rule: 'MODEL-LAMBDA-CODE',
    path: 'model_config:$.config.layers[2].config.function',
    says: 'system',
  },
  {
    name: '.keras Lambda (__lambda__)',
    file: 'lambda.keras',
    bytes: () => fixture('keras/lambda.keras'),
    rule: 'MODEL-LAMBDA-CODE',
    path: '$.config.layers[2].config.function.config.code',
  },
  {
    name: '.keras function from module os',
    file: 'custom-module.keras',
    bytes: () => fixture('keras/custom-module.keras'),
    rule: 'MODEL-LAMBDA-CODE',
    says: 'module os',
  },
  {
    name: '.keras get_file gadget',
    file: 'get-file.keras',
    bytes: () => fixture('keras/get-file.keras'),
    rule: 'MODEL-LAMBDA-CODE',
    says: 'get_file',
  },
  {
    name: '.keras registered custom layer',
    file: 'custom-layer.keras',
    bytes: () => fixture('keras/custom-layer.keras'),
    rule: 'MODEL-LAMBDA-CODE',
    says: 'mypackage.layers',
  },
  {
    name: 'model.to_json() file with a Lambda',
    file: 'model.json',
    bytes: () => fixture('keras/to-json-lambda.json'),
    rule: 'MODEL-LAMBDA-CODE',
  },
  // MODEL-EXTERNAL-DATA
  {
    name: 'ONNX external data at an absolute path',
    file: 'm.onnx',
    bytes: () => fixture('onnx/external-absolute.onnx'),
    rule: 'MODEL-EXTERNAL-DATA',
    path: 'graph.initializer[0].external_data',
    says: '/etc/passwd',
  },
  {
    name: 'ONNX external data climbing out with ..',
    file: 'm.onnx',
    bytes: () => fixture('onnx/external-parent.onnx'),
    rule: 'MODEL-EXTERNAL-DATA',
    says: '..',
  },
  {
    name: 'ONNX external data on a device',
    file: 'm.onnx',
    bytes: () => fixture('onnx/external-device.onnx'),
    rule: 'MODEL-EXTERNAL-DATA',
    says: 'device',
  },
  {
    name: 'HDF5 external link to /etc/shadow',
    file: 'w.h5',
    bytes: () => fixture('keras/external-link.h5'),
    rule: 'MODEL-EXTERNAL-DATA',
    path: '/model_weights',
  },
  {
    name: 'safetensors index shard outside the folder',
    file: 'model.safetensors.index.json',
    bytes: () => json({ metadata: {}, weight_map: { w: '../../other/model.safetensors' } }),
    rule: 'MODEL-EXTERNAL-DATA',
    path: '$.weight_map.w',
  },
  // MODEL-CUSTOM-OP
  {
    name: 'ONNX node in a custom domain',
    file: 'm.onnx',
    bytes: () => fixture('onnx/custom-domain.onnx'),
    rule: 'MODEL-CUSTOM-OP',
    path: 'graph.node[0]',
    says: 'com.example.ops::FancyGelu',
  },
  {
    name: 'custom op inside an If branch',
    file: 'm.onnx',
    bytes: () => fixture('onnx/subgraph-custom.onnx'),
    rule: 'MODEL-CUSTOM-OP',
    path: 'graph.node[0].attribute[then_branch].g.node[0]',
  },
  {
    name: 'ONNX external data outside the folder beside inline weights',
    file: 'm.onnx',
    bytes: () => fixture('onnx-inline/inline-external.onnx'),
    rule: 'MODEL-EXTERNAL-DATA',
    path: 'graph.initializer[1].external_data',
    says: '/etc/passwd',
  },
  // MODEL-REMOTE-CODE (single file: no folder view)
  {
    name: 'config.json auto_map',
    file: 'config.json',
    bytes: () => json({ auto_map: { AutoModel: 'modeling_x.XModel', AutoConfig: 'configuration_x.XConfig' } }),
    rule: 'MODEL-REMOTE-CODE',
    path: '$.auto_map',
    says: 'modeling_x.py',
  },
  {
    name: 'cross-repository reference',
    file: 'config.json',
    bytes: () => json({ auto_map: { AutoModel: 'org/other--modeling_x.XModel' } }),
    rule: 'MODEL-REMOTE-CODE',
    path: '$.auto_map.AutoModel',
    says: 'org/other',
  },
  {
    name: 'custom_pipelines',
    file: 'config.json',
    bytes: () =>
      json({ custom_pipelines: { 'pair-classification': { impl: 'pair_pipeline.PairPipeline', pt: ['AutoModel'] } } }),
    rule: 'MODEL-REMOTE-CODE',
    says: 'pair_pipeline.py',
  },
  // MODEL-STRUCT
  {
    name: 'safetensors with overlapping offsets',
    file: 'm.safetensors',
    bytes: () =>
      safetensors([
        { name: 'a', dtype: 'F32', shape: [2] },
        { name: 'b', dtype: 'F32', shape: [1], offsets: [4, 8] },
      ]),
    rule: 'MODEL-STRUCT',
    path: '$.b.data_offsets',
  },
  {
    name: 'a pickle named .safetensors',
    file: 'model.safetensors',
    bytes: () => new Uint8Array([0x80, 2, 0x7d, 0x2e]),
    rule: 'MODEL-STRUCT',
    says: 'promises safetensors',
  },
  {
    name: 'a Git LFS pointer named .safetensors',
    file: 'model.safetensors',
    bytes: () => text('version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n'),
    rule: 'MODEL-STRUCT',
    says: 'LFS pointer',
  },
  {
    name: 'GGUF with misaligned tensor',
    file: 'm.gguf',
    bytes: () => gguf([], [{ name: 'w', dims: [4], type: 0, offset: 8 }]),
    rule: 'MODEL-STRUCT',
    path: 'w',
  },
  {
    name: 'text named .gguf',
    file: 'm.gguf',
    bytes: () => text('not a model'),
    rule: 'MODEL-STRUCT',
    says: 'GGUF magic',
  },
  {
    name: 'truncated ONNX',
    file: 'm.onnx',
    bytes: () => fixture('onnx/truncated.onnx'),
    rule: 'MODEL-STRUCT',
    says: 'does not parse',
  },
];

const VALID: Case[] = [
  { name: 'real ChatML template in GGUF', file: 'model.gguf', bytes: () => tmplGguf(CHATML) },
  {
    name: 'ChatML template in GGUF as a one-element array of strings',
    file: 'model.gguf',
    bytes: () => gguf([['tokenizer.chat_template', { type: 'arr', elem: 'str', value: [CHATML] }]], []),
  },
  {
    name: 'tokenizer_config.json map of named benign templates',
    file: 'tokenizer_config.json',
    bytes: () => json({ chat_template: { default: CHATML, tool_use: CHATML } }),
  },
  {
    name: 'namespace() used as templates use it',
    file: 'chat_template.jinja',
    bytes: () =>
      text(
        '{% set ns = namespace(found=false) %}{% for m in messages %}{% set ns.found = true %}{% endfor %}{{ ns.found }}',
      ),
  },
  {
    name: 'attr() with a literal ordinary name',
    file: 'chat_template.jinja',
    bytes: () => text("{{ messages[0]|attr('content') }}"),
  },
  {
    name: 'special tokens with underscores in text',
    file: 'chat_template.jinja',
    bytes: () => text("{{ '<__media__>' + '<|start_header_id|>' }}"),
  },
  { name: 'legacy .h5 without Lambda', file: 'clean-legacy.h5', bytes: () => fixture('keras/clean-legacy.h5') },
  { name: 'weights-only .h5', file: 'weights.h5', bytes: () => fixture('keras/weights-only.h5') },
  { name: 'clean .keras (keras.* modules only)', file: 'clean.keras', bytes: () => fixture('keras/clean.keras') },
  { name: 'clean model.to_json() file', file: 'model.json', bytes: () => fixture('keras/to-json-clean.json') },
  { name: 'ONNX with standard operators', file: 'm.onnx', bytes: () => fixture('onnx/standard.onnx') },
  {
    name: 'ONNX with inline tensors in every encoding',
    file: 'm.onnx',
    bytes: () => fixture('onnx-inline/inline-all.onnx'),
  },
  {
    name: 'custom domain defined as a local function',
    file: 'm.onnx',
    bytes: () => fixture('onnx/local-function.onnx'),
  },
  { name: 'ONNX Runtime contrib op (com.microsoft)', file: 'm.onnx', bytes: () => fixture('onnx/com-microsoft.onnx') },
  { name: 'external data beside the model', file: 'model.onnx', bytes: () => fixture('onnx/external/model.onnx') },
  { name: 'external data in a subfolder', file: 'm.onnx', bytes: () => fixture('onnx/external-subfolder.onnx') },
  {
    name: 'config.json without auto_map',
    file: 'config.json',
    bytes: () => json({ architectures: ['LlamaForCausalLM'], model_type: 'llama' }),
  },
  {
    name: 'safetensors index with plain shard names',
    file: 'model.safetensors.index.json',
    bytes: () => json({ weight_map: { w: 'model-00001-of-00002.safetensors' } }),
  },
  {
    name: 'well-formed safetensors',
    file: 'm.safetensors',
    bytes: () => safetensors([{ name: 'w', dtype: 'BF16', shape: [4, 4] }], { metadata: { format: 'pt' } }),
  },
  {
    name: 'safetensors whose header length byte is 0x80',
    file: 'weights.bin',
    bytes: () => safetensors([{ name: 'w', dtype: 'F32', shape: [2] }], { headerBytes: 0x80 }),
  },
  {
    name: 'well-formed GGUF',
    file: 'm.gguf',
    bytes: () =>
      gguf([['general.architecture', { type: 'str', value: 'llama' }]], [{ name: 'w', dims: [32, 2], type: 8 }]),
  },
];

async function scan(c: Case): Promise<ScanResult> {
  return scanBytes(c.file, c.bytes());
}

describe('MODEL rules', () => {
  it('the family has its six rules, each with the MODEL record fields', () => {
    const model = RULES.filter((r) => r.meta.category === 'MODEL').map((r) => r.meta);
    assert.deepEqual(
      model.map((m) => m.id),
      [
        'MODEL-TEMPLATE-INJECTION',
        'MODEL-LAMBDA-CODE',
        'MODEL-EXTERNAL-DATA',
        'MODEL-CUSTOM-OP',
        'MODEL-REMOTE-CODE',
        'MODEL-STRUCT',
      ],
    );
    for (const m of model) {
      assert.equal(m.owasp, 'LLM03 — Supply Chain');
      assert.equal(m.owner, 'AI/ML platform or model release owner');
      assert.match(m.cwe[0]!, /^CWE-\d+$/);
    }
  });

  for (const c of INVALID) {
    it(`fires: ${c.name}`, async () => {
      const r = await scan(c);
      const f = r.findings.find((x) => x.ruleId === c.rule);
      assert.ok(f, `${c.rule} expected; got ${r.findings.map((x) => `${x.ruleId}: ${x.evidence.signal}`).join(' | ')}`);
      assert.equal(f.category, 'MODEL');
      assert.ok(f.fingerprint && f.retest.includes('--rule MODEL'));
      if (c.path !== undefined) assert.equal(f.evidence.path, c.path);
      if (c.says !== undefined) assert.ok(f.evidence.signal.includes(c.says), f.evidence.signal);
    });
  }

  for (const c of VALID) {
    it(`benign: ${c.name}`, async () => {
      const r = await scan(c);
      const bad = r.findings.filter((x) => x.category === 'MODEL' || x.ruleId === 'SCAN-INCOMPLETE');
      assert.deepEqual(
        bad.map((x) => `${x.ruleId}: ${x.evidence.signal}`),
        [],
      );
    });
  }

  it('ONNX with inline weights: custom ops in an If branch and a training graph, none for a local function', async () => {
    const r = await scanBytes('m.onnx', fixture('onnx-inline/inline-nested.onnx'));
    assert.deepEqual(r.findings.map((f) => `${f.ruleId} ${f.evidence.path}`).sort(), [
      'MODEL-CUSTOM-OP graph.node[0].attribute[then_branch].g.node[0]',
      'MODEL-CUSTOM-OP training_info[0].algorithm.node[0]',
    ]);
  });

  it('a template the parser cannot read and the token check finds clean is SCAN-INCOMPLETE, not a pass', async () => {
    // `do` is a statement only with jinja2's `do` extension, which the parser does not read.
    const r = await scanBytes('chat_template.jinja', text('{% do messages|length %}{{ messages }}'));
    assert.ok(r.findings.some((f) => f.ruleId === 'SCAN-INCOMPLETE' && f.evidence.signal.includes('token-level')));
  });

  it('a template with a with block and tests taking arguments is parsed and passes', async () => {
    const r = await scanBytes(
      'chat_template.jinja',
      text(
        '{% with sep = "\\n" %}{% for m in messages %}{% if loop.index0 is divisibleby(2) %}{{ m.content }}' +
          '{% elif loop.index is divisibleby 3 and m.role is sameas none %}{{ sep }}{% endif %}{% endfor %}{% endwith %}',
      ),
    );
    assert.deepEqual(r.findings, []);
  });

  it('an extension that promises a format carries the mismatch as evidence', async () => {
    const r = await scanBytes('model.safetensors', new Uint8Array([0x80, 2, 0x7d, 0x2e]));
    const f = r.findings.find((x) => x.ruleId === 'MODEL-STRUCT')!;
    assert.match(String(f.evidence.details?.['extensionMismatch']), /\.safetensors but its content is pickle/);
  });

  it('a TorchModuleWrapper payload is scanned as the pickle torch.load would read', async () => {
    const r = await scanBytes('torch-wrapper.keras', fixture('keras/torch-wrapper.keras'));
    assert.ok(
      r.findings.some((f) => f.ruleId === 'MODEL-LAMBDA-CODE' && f.evidence.signal.includes('TorchModuleWrapper')),
    );
    assert.ok(r.pickles.some((p) => p.where.includes('[base64 $.config.layers[1].config.module]')));
  });
});

describe('model folders', () => {
  it('a typical Hugging Face repository passes clean with every file listed', async () => {
    const r = await scanPaths([join(FIX, 'hf-folder')]);
    assert.deepEqual(
      r.findings.map((f) => `${f.ruleId} ${f.where}: ${f.evidence.signal}`),
      [],
    );
    const byName = new Map(r.files.map((f) => [f.path.slice(f.path.indexOf('hf-folder/') + 10), f]));
    assert.equal(byName.size, 13);
    for (const [name, f] of byName) assert.ok(f.formats.length > 0, `${name} has no format`);
    assert.deepEqual(byName.get('model-00001-of-00002.safetensors')?.models?.[0]?.dtypes, { BF16: 2 });
    assert.equal(byName.get('tiny-llama-Q8_0.gguf')?.models?.[0]?.tensors, 2);
    assert.deepEqual(byName.get('onnx/model.onnx')?.formats, ['onnx']);
    assert.deepEqual(byName.get('chat_template.jinja')?.formats, ['jinja']);
  });

  it('auto_map modules are listed with their presence; import-time calls of the named modules are findings', async () => {
    const r = await scanPaths([join(FIX, 'hf-remote-code')], { only: ['MODEL'] });
    const rc = r.findings.filter((f) => f.ruleId === 'MODEL-REMOTE-CODE');
    const config = rc.find((f) => f.where.endsWith('hf-remote-code/config.json'))!;
    assert.deepEqual(config.evidence.details?.['presence'], [
      'configuration_evil.py: analysed',
      'modeling_evil.py: analysed',
      'modeling_missing.py: missing',
    ]);
    const calls = rc
      .filter((f) => f.where.includes('.py:'))
      .map((f) => `${f.where.replace(/.*\//, '')} ${f.evidence.details?.['category']}`);
    assert.deepEqual(calls.sort(), [
      'helpers.py:3:1 fetch-and-exec',
      'modeling_evil.py:8:1 pip-install',
      'modeling_evil.py:9:10 download',
    ]);
    assert.ok(
      rc.some(
        (f) =>
          f.where.endsWith('tokenizer_config.json') && f.evidence.details?.['repository'] === 'someorg/tokenizer-repo',
      ),
    );
  });

  it('modelling code that does nothing on import: only the auto_map finding', async () => {
    const r = await scanPaths([join(FIX, 'hf-remote-code-clean')], { only: ['MODEL'] });
    assert.deepEqual(
      r.findings.map((f) => f.where.replace(/.*\//, '')),
      ['config.json'],
    );
  });
});
