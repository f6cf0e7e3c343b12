// The commented starter policy `sentinel init` writes: the default CI policy per category (from the rule index at
// run time), the strict preset, and commented examples of every other key. It must load cleanly (tested).
import { CATEGORIES, RULES } from '../rules/index.js';
import { packIds } from '../rules/data/allowlist.js';
import { PRESETS } from './presets.js';

export { POLICY_FILE_NAME } from './policy.js';

export function starterPolicy(): string {
  const firstRule = RULES[0]?.meta;
  const lines = [
    '# sentinel-policy.yml: release-gate policy for `sentinel scan` (written by `sentinel init`).',
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
    "# Each finding's retest command rescans the file it was found in (sentinel scan <file> --rule <category>);",
    '# set retest only to replace it with a command that covers at least as much, e.g.:',
    '# retest: "sentinel scan ."',
    '',
    '# Per-category blocks. A rule entry beats its category; a category beats the default.',
    'categories:',
    ...CATEGORIES.flatMap((c) => [
      `  - category: ${c}`,
      '    fail_on: [CRITICAL, HIGH]',
      '    ticket_on: [MEDIUM]',
      `    # retest: "sentinel scan . --rule ${c}"`,
    ]),
    '',
    '# Per-rule overrides: owner, fail_on, ticket_on, retest.',
    ...(firstRule
      ? [
          'rules:',
          `  ${firstRule.id}:`,
          `    owner: "${firstRule.owner}"`,
          '    fail_on: [CRITICAL, HIGH]',
          `    # retest: "sentinel scan . --rule ${firstRule.category}"`,
        ]
      : ['rules: {}']),
    '',
    ...wrapComment(
      `Reviewed allowlist packs (${packIds().join(', ')}) are all on; \`sentinel explain PACK\` lists what one ` +
        'admits and why. Turn one off for the strictest sites:',
    ),
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
    '# Paths left out of folder walks (globs relative to the scanned folder; a glob without / matches a name at any',
    '# depth). .git/.hg/.svn, virtualenvs and tool caches are left out already; every left-out path is listed as',
    '# skipped in the report. --exclude adds to this list.',
    'exclude: []',
    '#  - "docs/**"',
    '#  - "*.log"',
    '',
    '# Extra globals accepted by the torch weights-only check (torch.serialization.add_safe_globals counterpart).',
    'torch_safe_globals: []',
    '',
    '# Findings in test code (test_*.py, *_test.py, conftest.py, tests/): kept in the report, decided as tickets.',
    '# `gate` decides them by severity like any other finding.',
    'test_code: ticket',
    '',
    '# How chat templates will be rendered: unsandboxed (a plain jinja2.Environment, the weaker case) or sandboxed',
    "# (jinja2's SandboxedEnvironment, as transformers renders them): template findings the sandbox blocks then pass.",
    'template_runtime: unsandboxed',
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
    '# Scan budgets (see docs/formats.md, Limits). Raise them deliberately; hitting one is a finding, never a pass.',
    '# limits:',
    '#   maxEntryBytes: 1073741824',
    '',
    '# Model signatures (OpenSSF Model Signing; model.sig at a folder root or beside a file). A present signature is',
    '# always verified; `require` makes one mandatory for matching scanned paths. Trust: keys, root CAs, Sigstore',
    '# identities with their issuers (the public-good Sigstore root is built in; trusted_roots adds others).',
    '# signatures:',
    '#   require: ["models/**"]',
    '#   keys: [keys/release-signing.pub.pem]',
    '#   roots: [keys/release-ca.pem]',
    '#   identities:',
    '#     - identity: release-bot@example.com',
    '#       issuer: https://accounts.google.com',
    '',
  ];
  return lines.join('\n');
}

/** `# `-prefixed comment lines of at most 118 columns, broken between words. */
function wrapComment(text: string): string[] {
  const lines: string[] = [];
  let line = '#';
  for (const word of text.split(' ')) {
    if (line.length + 1 + word.length > 118 && line !== '#') {
      lines.push(line);
      line = '#';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}
