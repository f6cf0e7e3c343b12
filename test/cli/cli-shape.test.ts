// The command line as a user of the peer tools expects it: `sentinel scan PATH…` (and `sentinel PATH…`), with
// `artifact` kept as an alias that behaves the same; short flags -f -o -q -v; "did you mean" on unknown commands,
// options, rule ids, packs and safety levels; help grouped by task with examples; --pickle-threshold with the
// former --max-acceptable-severity still accepted.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cli } from '../helpers/cli.js';
import { didYouMean, terminalColumns } from '../../src/cli/main.js';

let dir: string;
let evil: string;
let clean: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-cli-shape-'));
  evil = join(dir, 'evil.pkl');
  writeFileSync(evil, "cos\nsystem\n(S'id'\ntR.");
  clean = join(dir, 'clean.pkl');
  writeFileSync(clean, '}.');
});
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The JSON report without what differs from run to run, and with each finding's retest command in one spelling
 * (it repeats the command word the user typed: `sentinel artifact ...` after `sentinel artifact`).
 */
function stable(stdout: string): unknown {
  const r = JSON.parse(stdout) as Record<string, unknown>;
  delete r['startedAt'];
  delete r['durationMs'];
  delete r['command'];
  for (const f of r['findings'] as { retest: string }[])
    f.retest = f.retest.replace(/^sentinel artifact /, 'sentinel scan ');
  return r;
}

describe('the scan command', () => {
  it('scan, artifact and a bare path give the same report (retest commands in the word typed) and exit code', async () => {
    const runs = await Promise.all([
      cli(['scan', evil, '--format', 'json']),
      cli(['artifact', evil, '--format', 'json']),
      cli([evil, '--format', 'json']),
    ]);
    for (const r of runs) assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(stable(runs[1]!.stdout), stable(runs[0]!.stdout));
    assert.deepEqual(stable(runs[2]!.stdout), stable(runs[0]!.stdout));
    assert.equal((await cli([clean])).code, 0);
  });

  it('short flags: -f -o -q -v mean --format --output --quiet --verbose', async () => {
    const out = join(dir, 'r.json');
    const o = await cli(['scan', evil, '-f', 'json', '-o', out]);
    assert.equal(o.code, 1);
    assert.equal(o.stdout, '');
    assert.equal((JSON.parse(readFileSync(out, 'utf8')) as { findings: unknown[] }).findings.length > 0, true);
    const q = await cli(['scan', evil, '-q']);
    assert.equal(q.code, 1);
    assert.equal(q.stdout, '');
    const v = await cli(['scan', evil, '-v'], {}, { isTTY: true, columns: 100 });
    assert.match(v.stdout, /fingerprint:/, 'the full record');
  });

  it('--pickle-threshold sets the threshold; the former --max-acceptable-severity still works and is not shown', async () => {
    // mylib.Thing is unknown: LIKELY_UNSAFE (called), above the strict threshold.
    const f = join(dir, 'unknown.pkl');
    writeFileSync(f, 'cmylib\nThing\n(tR.');
    assert.equal((await cli(['scan', f])).code, 1);
    assert.equal((await cli(['scan', f, '--pickle-threshold', 'LIKELY_UNSAFE', '--fail-on', 'CRITICAL'])).code, 0);
    assert.equal(
      (await cli(['scan', f, '--max-acceptable-severity', 'LIKELY_UNSAFE', '--fail-on', 'CRITICAL'])).code,
      0,
    );
    const help = (await cli(['scan', '--help'])).stdout;
    assert.match(help, /--pickle-threshold <safety-level>/);
    assert.doesNotMatch(help, /max-acceptable-severity/);
  });
});

describe('did you mean', () => {
  const cases: [string[], RegExp][] = [
    [['scna', 'models/'], /unknown command 'scna'\n\(Did you mean scan\?\)/],
    [['scan', evil, '--formt', 'json'], /unknown option '--formt'\n\(Did you mean --format\?\)/],
    [['explain', 'PICKLE-EXCE'], /unknown rule, pack or name "PICKLE-EXCE" \(did you mean PICKLE-EXEC\?\)/],
    [['explain', 'pandsa'], /\(did you mean pandas\?\)/],
    [['scan', evil, '--pickle-threshold', 'LIKLY_SAFE'], /\(did you mean LIKELY_SAFE\?\)/],
  ];
  for (const [args, want] of cases) {
    it(`sentinel ${args.map((a) => (a === evil ? 'evil.pkl' : a)).join(' ')}: exit 2 with a suggestion`, async () => {
      const r = await cli(args);
      assert.equal(r.code, 2);
      assert.match(r.stderr, want);
    });
  }

  it('suggests nothing for a word far from every candidate (benign twin), and nothing for an exact match', () => {
    assert.equal(didYouMean('zzzzzzzz', ['PICKLE-EXEC', 'SCAN-INCOMPLETE']), '');
    assert.equal(didYouMean('PICKLE-EXEC', ['PICKLE-EXEC']), '');
    assert.equal(didYouMean('pickle-exe', ['PICKLE-EXEC', 'PICKLE-STRUCT']), ' (did you mean PICKLE-EXEC?)');
    assert.equal(
      didYouMean('DESER', ['DESER-NETWORK-INPUT', 'DESER-UNSAFE-LOADER']),
      ' (did you mean DESER-NETWORK-INPUT or DESER-UNSAFE-LOADER?)',
    );
  });

  it('an unknown word that is no path is an unknown command, never a scan of a missing path', async () => {
    const r = await cli(['no-such-thing-here']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command 'no-such-thing-here'/);
  });
});

describe('help', () => {
  it('sentinel --help groups the commands by task and shows examples', async () => {
    const h = (await cli(['--help'])).stdout;
    const at = (s: string): number => h.indexOf(s);
    for (const s of ['Scan and fix:', 'Service and queue:', 'Rules and policy:', 'Examples:']) assert.ok(at(s) > 0, s);
    assert.ok(at('scan|artifact') > at('Scan and fix:') && at('scan|artifact') < at('Service and queue:'));
  });

  it('scan --help shows the common options first, the signature and remote flags later, then examples', async () => {
    const h = (await cli(['scan', '--help'])).stdout;
    const at = (s: string): number => h.indexOf(s);
    assert.ok(at('-f, --format') > 0 && at('-o, --output') > 0);
    assert.ok(at('-f, --format') < at('--require-signature'), 'output options before signature flags');
    assert.ok(at('Output:') < at('Gate and policy:'));
    assert.ok(at('Gate and policy:') < at('Model signatures'));
    assert.ok(at('Model signatures') < at('Remote targets:'));
    assert.ok(at('Remote targets:') < at('Examples:'));
    assert.match(h, /sentinel scan ~\/\.cache\/huggingface\/hub/);
  });
});

describe('init and policy agree', () => {
  it('the starter policy names every allowlist pack `sentinel policy` shows', async () => {
    const f = join(dir, 'starter.yml');
    assert.equal((await cli(['init', f])).code, 0);
    const shown = /allow_packs: (.*)/.exec((await cli(['policy', f])).stdout)?.[1]?.split(', ') ?? [];
    assert.ok(shown.length >= 14, shown.join());
    const comment = readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('#'))
      .join(' ')
      .replace(/\s*#\s*/g, ' ');
    const listed = /Reviewed allowlist packs \(([^)]*)\)/.exec(comment)?.[1]?.split(', ') ?? [];
    assert.deepEqual(listed, shown);
  });
});

describe('explain', () => {
  it('numpy >= 2 names (numpy._core.…) are called the newer names of what the pack derived, never the old ones', async () => {
    const r = await cli(['explain', 'numpy._core.multiarray._reconstruct']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /newer name of numpy\.core\.multiarray\._reconstruct/);
    assert.doesNotMatch(r.stdout, /old name/);
    // The older spelling numpy.core.… itself is explained as the object (benign twin: no rename wording).
    assert.doesNotMatch((await cli(['explain', 'numpy.core.multiarray._reconstruct'])).stdout, /name of/);
  });

  for (const what of ['PICKLE-EXEC', 'PICKLE-GLOBAL-IMPORT', 'DESER-NETWORK-INPUT', 'pandas', 'os.system'])
    it(`explain ${what} wraps to the terminal (80 columns) or to 100 in a pipe, words kept whole`, async () => {
      const piped = await cli(['explain', what]);
      const narrow = await cli(['explain', what], {}, { isTTY: true, columns: 80 });
      assert.equal(piped.code, 0, piped.stderr);
      const over = (s: string, n: number): string[] => s.split('\n').filter((l) => l.length > n);
      assert.deepEqual(over(piped.stdout, 100), []);
      assert.deepEqual(over(narrow.stdout, 80), []);
      // Only the line breaks and the spaces differ: the same words, in the same order (a line may break after a `/`).
      const words = (s: string): string[] => s.replace(/\/\s+/g, '/').split(/\s+/).filter(Boolean);
      assert.deepEqual(words(narrow.stdout), words(piped.stdout));
      assert.ok(piped.stdout.split('\n').length < narrow.stdout.split('\n').length, 'the narrow terminal wraps more');
    });

  it('--format markdown opens with the rule heading, not a generator comment', async () => {
    const r = await cli(['explain', 'PICKLE-EXEC', '--format', 'markdown']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^# PICKLE-EXEC — /);
    assert.doesNotMatch(r.stdout, /<!--/);
  });
});

describe('terminal width', () => {
  const cases: [number | undefined, string | undefined, number | undefined][] = [
    [120, undefined, 120], // a terminal that reports its size
    [120, '60', 120], // the reported size wins over COLUMNS
    [0, '80', 80], // a pseudo-terminal with no window size: COLUMNS
    [0, undefined, undefined], // neither: the caller's 80
    [undefined, '100', 100], // not a terminal stream: COLUMNS
    [0, 'wide', undefined], // a COLUMNS that is not a width
    [0, '-5', undefined],
  ];
  for (const [reported, variable, want] of cases)
    it(`reported ${String(reported)}, COLUMNS ${String(variable)} → ${String(want)}`, () => {
      assert.equal(terminalColumns(reported, variable), want);
    });
});
