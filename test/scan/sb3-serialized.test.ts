// Pickles inside JSON as base64 (stable-baselines3's `data` member): every ":serialized:" value is analysed as the
// pickle its loader hands to cloudpickle.loads, decoded as Python's base64.b64decode decodes it. Fixtures:
// scripts/fixtures/sb3-data.py (Debian's cloudpickle).
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scan } from '../../src/api/index.js';
import { pythonB64decode, serializedValues } from '../../src/formats/json/serialized-values.js';
import { scanBytes } from '../../src/scan/engine.js';
import { P } from '../helpers/pickle-builder.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'sb3-data');

describe('":serialized:" values in JSON are read as the pickles their loader unpickles', () => {
  const cases: { file: string; exit: number; at?: string }[] = [
    { file: 'benign.zip', exit: 0 },
    { file: 'bad-base64.zip', exit: 0 },
    { file: 'payload.zip', exit: 1, at: '[base64 #/clip_range]' },
    { file: 'payload-deep.zip', exit: 1, at: '[base64 #/extra/inner/0]' },
    { file: 'code-schedule.zip', exit: 1, at: '[base64 #/lr_schedule]' },
    { file: 'code-schedule-model.zip', exit: 1, at: '[base64 #/lr_schedule]' },
  ];
  for (const c of cases) {
    it(`${c.file}: exit ${c.exit}`, async () => {
      const r = await scan(join(DIR, c.file));
      assert.equal(r.summary.exitCode, c.exit, JSON.stringify(r.findings.map((f) => [f.ruleId, f.location])));
      if (c.at) {
        const exec = r.findings.filter((f) => f.ruleId === 'PICKLE-EXEC');
        assert.ok(exec.length > 0);
        for (const f of exec) assert.deepEqual(f.location.chain.slice(1), ['/data', c.at]);
      }
    });
  }
});

describe("a model's function pickled by value names the key stable-baselines3's custom_objects replaces", () => {
  const note = /unless custom_objects names "lr_schedule".*custom_objects=\{"lr_schedule": <a value>\}/;
  it('in a model\'s data (its policy class a ":serialized:" value): every code finding names it', async () => {
    const exec = (await scan(join(DIR, 'code-schedule-model.zip'))).findings.filter((f) => f.ruleId === 'PICKLE-EXEC');
    assert.ok(exec.length > 0);
    for (const f of exec) assert.match(f.evidence.signal, note);
  });
  it('not in other JSON (no policy class), and not for a call that is no function by value', async () => {
    for (const file of ['code-schedule.zip', 'payload.zip']) {
      const exec = (await scan(join(DIR, file))).findings.filter((f) => f.ruleId === 'PICKLE-EXEC');
      assert.ok(exec.length > 0, file);
      for (const f of exec) assert.doesNotMatch(f.evidence.signal, /custom_objects/, file);
    }
  });
});

describe("Python's base64.b64decode (not strict)", () => {
  // Expected values from CPython 3.11's base64.b64decode; undefined where it raises binascii.Error.
  const table: [string, string | undefined][] = [
    ['QUJD', '414243'],
    ['QUI=', '4142'],
    ['QQ==', '41'],
    ['QQ==QUJD', '41'],
    ['QUJD=QUJD', '414243414243'],
    ['Q=Q==', '41'],
    ['QUI=x', '4142'],
    ['Q', undefined],
    ['QU', undefined],
    ['QUJ', undefined],
    ['QU\nJD*', '414243'],
    ['QQ=Q=', '4104'],
    ['=QUJD', '414243'],
    ['QUJDRA', undefined],
  ];
  for (const [text, hex] of table) {
    it(JSON.stringify(text), () => {
      const d = pythonB64decode(new TextEncoder().encode(text));
      assert.equal(d.bytes === undefined ? undefined : Buffer.from(d.bytes).toString('hex'), hex);
    });
  }

  it('finds ":serialized:" strings at any depth, with JSON Pointer paths, and no other value', () => {
    const { values, truncated } = serializedValues({
      a: { ':serialized:': 'QUJD' },
      'b/c': [{ x: { ':serialized:': 'QQ==' } }],
      d: { ':serialized:': 5 },
      e: ':serialized:',
    });
    assert.equal(truncated, false);
    assert.deepEqual(
      values.map((v) => [v.path, Buffer.from(v.bytes!).toString('hex')]),
      [
        ['/a', '414243'],
        ['/b~1c/0/x', '41'],
      ],
    );
  });
});

describe("a model's data naming a class its load calls", () => {
  /** A ":serialized:" value whose pickle is the global `module.name` alone (how cloudpickle writes a class). */
  const ref = (module: string, name: string) => ({
    ':type:': "<class 'abc.ABCMeta'>",
    ':serialized:': Buffer.from(new P().proto(5).stackGlobal(module, name).stop().bytes()).toString('base64'),
  });
  const data = (policy: [string, string], kwargs?: [string, string]) =>
    new TextEncoder().encode(
      JSON.stringify({
        policy_class: ref(...policy),
        ...(kwargs ? { policy_kwargs: ref(...kwargs) } : {}),
        n_steps: 2048,
      }),
    );
  const rules = async (bytes: Uint8Array) => (await scanBytes('data.json', bytes)).findings.map((f) => f.ruleId);
  it("passes stable-baselines3's own policy class and torch's optimizer", async () => {
    assert.deepEqual(
      await rules(data(['stable_baselines3.common.policies', 'ActorCriticPolicy'], ['torch.optim.adam', 'Adam'])),
      [],
    );
  });
  it("reports another library's admitted class where the load calls the policy class", async () => {
    const found = await rules(data(['sklearn.linear_model._base', 'LinearRegression']));
    assert.ok(found.includes('MODEL-LAMBDA-CODE'), found.join(', '));
  });
  it("reports a torch layer that is no activation in the policy's keyword arguments", async () => {
    const found = await rules(
      data(
        ['stable_baselines3.common.policies', 'ActorCriticPolicy'],
        ['torch.nn.modules.transformer', 'TransformerEncoder'],
      ),
    );
    assert.ok(found.includes('MODEL-LAMBDA-CODE'), found.join(', '));
  });
});
