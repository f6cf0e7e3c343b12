// Explicit policy wins: PICKLE fail_on/ticket_on without preset or max_acceptable_severity derive the pickle
// threshold (and the report says how); with both set and disagreeing, `sentinel policy` warns. allow_packs turns a
// pack off; an unknown pack is a policy error.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parsePolicy } from '../../src/policy/load-policy.js';
import { withCliOverrides } from '../../src/policy/policy.js';
import { cli } from '../helpers/cli.js';
import { P } from '../helpers/pickle-builder.js';

let dir: string;
const home = process.cwd();
// An unknown framework class: PICKLE-GLOBAL-IMPORT (HIGH), safety POSSIBLY_UNSAFE.
const unknown = new P().proto(4).stackGlobal('torch.nn.modules.fancy', 'Fancy').stop().bytes();
// A pandas frame name: admitted by the pandas pack.
const frame = new P().proto(4).stackGlobal('pandas.core.frame', 'DataFrame').emptyTuple().newobj().stop().bytes();
const HIGH_AS_TICKET = 'categories:\n  - category: PICKLE\n    fail_on: [CRITICAL]\n    ticket_on: [HIGH]\n';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-explicit-'));
  process.chdir(dir);
  writeFileSync(join(dir, 'unknown.pkl'), unknown);
  writeFileSync(join(dir, 'frame.pkl'), frame);
});
after(() => {
  process.chdir(home);
  rmSync(dir, { recursive: true, force: true });
});

describe('threshold derived from explicit PICKLE severities', () => {
  const cases: [string, string, string, string][] = [
    ['seed defaults: strict preset stands', '', 'preset', 'LIKELY_SAFE'],
    ['HIGH as a ticket for PICKLE', HIGH_AS_TICKET, 'fail_on', 'LIKELY_UNSAFE'],
    ['top-level fail_on [CRITICAL]', 'fail_on: [CRITICAL]\n', 'fail_on', 'LIKELY_UNSAFE'],
    [
      'nothing fails for PICKLE',
      'categories:\n  - category: PICKLE\n    fail_on: []\n',
      'fail_on',
      'OVERTLY_MALICIOUS',
    ],
    [
      'one HIGH rule as a ticket',
      'rules:\n  PICKLE-GLOBAL-IMPORT:\n    fail_on: [CRITICAL]\n',
      'fail_on',
      'LIKELY_UNSAFE',
    ],
    ['explicit preset beats the derivation', HIGH_AS_TICKET + 'preset: strict\n', 'policy', 'LIKELY_SAFE'],
    ['explicit max beats it', HIGH_AS_TICKET + 'max_acceptable_severity: SUSPICIOUS\n', 'policy', 'SUSPICIOUS'],
  ];
  for (const [name, yml, from, max] of cases) {
    it(name, () => {
      const r = parsePolicy(yml || '{}\n', 'p.yml');
      assert.ok(r.ok, JSON.stringify(r));
      if (!r.ok) return;
      assert.equal(r.policy.thresholdFrom, from);
      assert.equal(r.policy.maxAcceptableSeverity, max);
      assert.equal(r.policy.thresholdDerivation !== undefined, from === 'fail_on');
    });
  }
  it('--fail-on alone never relaxes the threshold; it re-derives one the policy file derived', () => {
    const plain = parsePolicy('{}\n', 'p.yml');
    const derived = parsePolicy(HIGH_AS_TICKET, 'p.yml');
    assert.ok(plain.ok && derived.ok);
    if (!plain.ok || !derived.ok) return;
    assert.equal(withCliOverrides(plain.policy, { failOn: ['CRITICAL'] }).maxAcceptableSeverity, 'LIKELY_SAFE');
    const again = withCliOverrides(derived.policy, { failOn: ['CRITICAL', 'HIGH'] });
    assert.deepEqual([again.maxAcceptableSeverity, again.thresholdFrom], ['LIKELY_SAFE', 'preset']);
    const preset = withCliOverrides(derived.policy, { preset: 'moderate' });
    assert.deepEqual([preset.maxAcceptableSeverity, preset.thresholdFrom], ['POSSIBLY_UNSAFE', 'cli']);
  });

  it('HIGH as a ticket: the gate passes, the finding is a ticket and the report says how the threshold came', async () => {
    writeFileSync(join(dir, 'ticket.yml'), HIGH_AS_TICKET);
    const strict = await cli(['artifact', 'unknown.pkl', '--format', 'json']);
    assert.equal(strict.code, 1);
    const r = await cli(['artifact', 'unknown.pkl', '--policy', 'ticket.yml', '--format', 'json']);
    assert.equal(r.code, 0, r.stdout);
    const j = JSON.parse(r.stdout);
    assert.equal(j.findings[0].decision, 'ticket');
    assert.equal(j.policy.thresholdFrom, 'fail_on');
    assert.match(j.policy.thresholdDerivation, /PICKLE-GLOBAL-IMPORT \(HIGH\), PICKLE-STRUCT \(HIGH\) not in fail_on/);
    const text = await cli(['artifact', 'unknown.pkl', '--policy', 'ticket.yml']);
    assert.match(text.stdout, /the policy accepts up to LIKELY_UNSAFE, threshold derived from fail_on/);
  });

  it('sentinel policy warns when an explicit threshold disagrees with fail_on/ticket_on', async () => {
    writeFileSync(join(dir, 'both.yml'), HIGH_AS_TICKET + 'preset: strict\n');
    const r = await cli(['policy', 'both.yml']);
    assert.equal(r.code, 0);
    assert.match(
      r.stderr,
      /warning: both\.yml: the threshold LIKELY_SAFE fails the gate for pickles up to LIKELY_UNSAFE/,
    );
    writeFileSync(join(dir, 'agree.yml'), 'preset: strict\n');
    assert.equal((await cli(['policy', 'agree.yml'])).stderr, '');
  });
});

describe('allow_packs', () => {
  it('packs are on by default; `pandas: false` turns the pandas pack off, saying so in the finding', async () => {
    assert.equal((await cli(['artifact', 'frame.pkl'])).code, 0);
    writeFileSync(join(dir, 'nopandas.yml'), 'allow_packs:\n  pandas: false\n');
    const r = await cli(['artifact', 'frame.pkl', '--policy', 'nopandas.yml', '--format', 'json']);
    assert.equal(r.code, 1);
    const f = JSON.parse(r.stdout).findings[0];
    assert.equal(f.ruleId, 'PICKLE-GLOBAL-IMPORT');
    assert.match(f.evidence.signal, /its pack \(pandas\) is turned off by the policy/);
    const p = await cli(['policy', 'nopandas.yml']);
    assert.match(p.stdout, /allow_packs: .*pandas \(off\)/);
  });
  it('an unknown pack is a policy error naming the packs', async () => {
    writeFileSync(join(dir, 'typo.yml'), 'allow_packs:\n  pandsa: false\n');
    const r = await cli(['artifact', 'frame.pkl', '--policy', 'typo.yml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /typo\.yml:2:3: allow_packs\.pandsa: unknown pack "pandsa" \(expected python, numpy/);
  });
});

describe('sentinel explain / rules: what the packs admit and why', () => {
  it('rules lists every pack; explain PICKLE-GLOBAL-IMPORT points to them', async () => {
    const r = await cli(['rules']);
    assert.match(r.stdout, /Allowlist packs/);
    for (const id of ['python', 'numpy', 'scipy', 'pandas', 'pytz-dateutil', 'joblib', 'scikit-learn', 'torch'])
      assert.match(r.stdout, new RegExp(`\\n  ${id} +\\d+ admitted`));
    assert.match((await cli(['explain', 'PICKLE-GLOBAL-IMPORT'])).stdout, /allow_packs: \{PACK: false\}/);
  });
  it('explain PACK lists each admitted name with its reason and rebuild record, then the review log', async () => {
    const r = await cli(['explain', 'pandas']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^allowlist pack pandas: /);
    assert.match(r.stdout, /\n {2}pandas\.core\.frame\.DataFrame \[class\]\n {6}why: {5}pandas DataFrame;/);
    assert.match(r.stdout, /rebuild: .*__setstate__: pandas\.core\.generic\.NDFrame \(python\)/);
    // The review log comes after the admitted names; the sparse frame class read_pickle maps pandas' old one to is
    // found and refused (this pandas does not define it).
    const log = r.stdout.indexOf('\nFound and not admitted (');
    assert.ok(log > 0, 'no review log');
    assert.match(r.stdout.slice(log), /\n {2}pandas\.core\.sparse\.frame\._LoadSparseFrame\n {6}why: \S/);
    const j = JSON.parse((await cli(['explain', 'scipy', '--format', 'json'])).stdout);
    assert.match(j.admitted['scipy.stats._continuous_distns.uniform_gen'].checked, /exec\(self\._parse_arg_template\)/);
  });
  it('explain module.name says which pack admits it, which review refused it, or that it is dangerous', async () => {
    const admitted = JSON.parse(
      (await cli(['explain', 'pandas.core.indexes.base._new_Index', '--format', 'json'])).stdout,
    );
    assert.equal(admitted.verdict, 'admitted');
    assert.equal(admitted.pack, 'pandas');
    assert.equal(admitted.kind, 'reconstructor');
    // A name older releases define is admitted once those releases' own hooks are reviewed (the history pack:
    // pandas 0.10 - 0.19 resolve TimeSeries to a class of their own, read_pickle maps it to Series).
    const old = JSON.parse((await cli(['explain', 'pandas.core.series.TimeSeries', '--format', 'json'])).stdout);
    assert.equal(old.verdict, 'admitted');
    assert.equal(old.pack, 'pandas');
    const py2 = JSON.parse((await cli(['explain', 'copy_reg._reconstructor', '--format', 'json'])).stdout);
    assert.deepEqual([py2.canonical, py2.verdict], ['copyreg._reconstructor', 'admitted']);
    const refused = await cli(['explain', 'numpy.vectorize']);
    assert.match(refused.stdout, /not-admitted \(numpy pack\)\n {2}why: .*callable/);
    const shaped = await cli(['explain', 'dateutil.tz.tz.tzfile']);
    // The record wraps to 100 columns in a pipe: its field continues on lines indented under the field's value.
    assert.match(
      shaped.stdout.replace(/\n {11}/g, ' '),
      /admitted \(pytz-dateutil pack\)\n[^]*\n {2}checked: .*tzfile\(None, <str or None>\)/,
    );
    assert.match((await cli(['explain', 'posix.system'])).stdout, /posix\.system \(= os\.system\): dangerous/);
    assert.match((await cli(['explain', 'mylib.Thing'])).stdout, /unknown/);
  });
});
