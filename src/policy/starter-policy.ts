// The commented starter policy `sentinel init` writes: the seed CI policy per category (from the rule index at
// run time), the strict preset, and commented examples of every other key. It must load cleanly (tested).
import { CATEGORIES, RULES } from '../rules/index.js';
import { PRESETS } from './presets.js';

export { POLICY_FILE_NAME } from './policy.js';

export function starterPolicy(): string {
  const firstRule = RULES[0]?.meta;
  const lines = [
    '# sentinel-policy.yml: release-gate policy for `sentinel artifact` (written by `sentinel init`).',
    '# Editors: schemas/policy.schema.json in the sentinel-ml package completes and checks this file, e.g.',
    '# yaml-language-server: $schema=node_modules/sentinel-ml/schemas/policy.schema.json',
    '',
    '# Pickle threshold on the safety scale: LIKELY_SAFE < POSSIBLY_UNSAFE < SUSPICIOUS < LIKELY_UNSAFE',
    '# < LIKELY_OVERTLY_MALICIOUS < OVERTLY_MALICIOUS. Presets:',
    ...Object.entries(PRESETS).map(([k, v]) => `#   ${k.padEnd(10)} max ${v.max.padEnd(16)} ${v.use}`),
    '# PICKLE findings on a pickle within the threshold become tickets; a pickle above it fails the gate.',
    '# max_acceptable_severity beats the preset; the CLI flags --preset / --max-acceptable-severity beat both.',
    'preset: strict',
    '# max_acceptable_severity: LIKELY_SAFE',
    '',
    '# Default decisions for every category: CRITICAL blocks, HIGH gates, MEDIUM becomes a ticket.',
    'fail_on: [CRITICAL, HIGH]',
    'ticket_on: [MEDIUM]',
    '# owner: "release-owner@example.com"     # default owner for every finding (rules keep theirs otherwise)',
    '# retest: "sentinel artifact ./models/"  # default retest command',
    '',
    '# Per-category blocks. A rule entry beats its category; a category beats the default.',
    'categories:',
    ...CATEGORIES.flatMap((c) => [
      `  - category: ${c}`,
      '    fail_on: [CRITICAL, HIGH]',
      '    ticket_on: [MEDIUM]',
      `    retest: "sentinel artifact ./models/ --rule ${c}"`,
    ]),
    '',
    '# Per-rule overrides: owner, fail_on, ticket_on, retest.',
    ...(firstRule
      ? [
          'rules:',
          `  ${firstRule.id}:`,
          `    owner: "${firstRule.owner}"`,
          '    fail_on: [CRITICAL, HIGH]',
          `    retest: "sentinel artifact ./models/ --rule ${firstRule.category}"`,
        ]
      : ['rules: {}']),
    '',
    '# Reviewed allowlist packs (python, numpy, scipy, pandas, pytz-dateutil, joblib, scikit-learn, torch, statsmodels,',
    '# xgboost, gensim, networkx) are all on; `sentinel explain PICKLE-GLOBAL-IMPORT` lists what each admits and why.',
    '# Turn one off for the strictest sites:',
    'allow_packs: {}',
    '#  gensim: false',
    '',
    '# Allowlist extensions for this scan only: fully-qualified module.name, each with a justification.',
    '# Whole modules, os/subprocess/sys/builtins/eval/exec/shutil/socket/pickle/_pickle/code/pty and their aliases,',
    '# and anything the dangerous-call table lists are refused.',
    'also_allow: []',
    '#  - name: mylib.layers.Residual',
    '#    justification: "plain nn.Module subclass; rebuilt from tensors only"',
    '',
    '# Extra globals accepted by the torch weights-only check (torch.serialization.add_safe_globals counterpart).',
    'torch_safe_globals: []',
    '',
    '# Findings in test code (test_*.py, *_test.py, conftest.py, tests/): kept in the report, decided as tickets.',
    '# `gate` decides them by severity like any other finding.',
    'test_code: ticket',
    '',
    '# Explicit, expiring risk acceptances: by fingerprint (from any report), or by rule + a glob on the file path.',
    '# Accepted findings stay in every report; an expired acceptance fails the gate again.',
    'acceptances: []',
    '#  - rule: PICKLE-GLOBAL-IMPORT',
    '#    path: "models/legacy/**"',
    '#    owner: "ml-platform@example.com"',
    '#    reason: "legacy checkpoint, being replaced by safetensors"',
    '#    expires: 2030-12-31',
    '',
    '# Scan budgets (see README, Limits). Raise them deliberately; hitting one is a finding, never a pass.',
    '# limits:',
    '#   maxEntryBytes: 1073741824',
    '',
  ];
  return lines.join('\n');
}
