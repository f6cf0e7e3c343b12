// The Node API from source: scan() returns exactly the report the JSON reporter writes (schema-valid, JSON
// round-trip identical), scans bytes and streams under a virtual name, fails closed on over-long and stalled
// streams, honours an AbortSignal, never prints or exits; loadPolicy and renderReport; option errors.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { loadPolicy, renderReport, scan, SentinelError, type SentinelReport } from '../../src/api/index.js';
import { scanFacts } from '../../src/api/scan.js';
import { compile2020, errorsText } from '../helpers/json-schema.js';
import { evilPickle, P } from '../helpers/pickle-builder.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-api-'));
  writeFileSync(join(dir, 'a-evil.pkl'), evilPickle());
  writeFileSync(join(dir, 'b-clean.pkl'), new P().proto(4).emptyDict().stop().bytes());
  writeFileSync(join(dir, 'c-unknown.pkl'), new P().proto(4).stackGlobal('mylib', 'Net').stop().bytes());
});
after(() => rmSync(dir, { recursive: true, force: true }));

const schema = compile2020(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'report.schema.json'), 'utf8')),
);

function assertContract(r: SentinelReport): void {
  assert.ok(schema(r), errorsText(schema.errors));
  // Exactly the JSON reporter's object: no undefined members, no class instances, nothing JSON would drop.
  assert.deepStrictEqual(JSON.parse(JSON.stringify(r)), r);
}

function chunks(bytes: Uint8Array, size: number): Readable {
  const parts: Buffer[] = [];
  for (let o = 0; o < bytes.length; o += size) parts.push(Buffer.from(bytes.subarray(o, o + size)));
  return Readable.from(parts);
}

describe('scan()', () => {
  it('returns the report the JSON reporter writes, for a directory', async () => {
    const r = await scan(dir, { now: new Date('2025-01-01T00:00:00Z') });
    assertContract(r);
    assert.equal(await renderReport(r, 'json'), JSON.stringify(r, null, 2) + '\n');
    assert.deepEqual(r.targets, [dir]);
    assert.equal(r.startedAt, '2025-01-01T00:00:00.000Z');
    assert.equal(r.summary.files, 3);
    assert.equal(r.summary.exitCode, 1);
    assert.equal(r.summary.gate.passed, false);
    assert.deepEqual([...new Set(r.findings.map((f) => f.ruleId))].sort(), ['PICKLE-EXEC', 'PICKLE-GLOBAL-IMPORT']);
  });

  it('scans bytes and streams under a virtual name, in order, with the same findings as the file', async () => {
    const evil = evilPickle();
    const fromFile = await scan(join(dir, 'a-evil.pkl'));
    const r = await scan([
      { name: 'upload/model.safetensors', bytes: evil },
      { name: 'upload/stream.pkl', stream: chunks(evil, 3) },
      { name: 'upload/web.pkl', stream: Readable.toWeb(chunks(evil, 7)) as unknown as AsyncIterable<Uint8Array> },
    ]);
    assertContract(r);
    assert.deepEqual(
      r.files.map((f) => [f.path, f.bytes]),
      [
        ['upload/model.safetensors', evil.length],
        ['upload/stream.pkl', evil.length],
        ['upload/web.pkl', evil.length],
      ],
    );
    assert.deepEqual(r.targets, ['upload/model.safetensors', 'upload/stream.pkl', 'upload/web.pkl']);
    const sig = (x: SentinelReport, file: string) =>
      x.findings.filter((f) => f.location.chain[0] === file).map((f) => `${f.ruleId} ${f.evidence.signal}`);
    const expected = sig(fromFile, join(dir, 'a-evil.pkl'));
    assert.ok(expected.length > 0);
    for (const f of ['upload/model.safetensors', 'upload/stream.pkl', 'upload/web.pkl']) {
      assert.deepEqual(
        sig(r, f).filter((s) => !s.startsWith('MODEL-STRUCT')),
        expected,
      );
    }
    // The extension check sees the virtual name: a pickle called .safetensors is flagged.
    assert.ok(r.files[0]!.extensionMismatch);
    assert.ok(sig(r, 'upload/model.safetensors').some((s) => s.includes('promises safetensors')));
    assert.equal(r.files[1]!.extensionMismatch, undefined);
  });

  it('mixes paths and virtual inputs and counts progress across them', async () => {
    const seen: [number, string][] = [];
    const r = await scan([dir, { name: 'x.pkl', bytes: new P().proto(2).none().stop().bytes() }], {
      onFile: (n, p) => seen.push([n, p]),
    });
    assert.equal(r.summary.files, 4);
    assert.deepEqual(
      seen.map(([n]) => n),
      [1, 2, 3, 4],
    );
    assert.equal(seen[3]![1], 'x.pkl');
  });

  it('fails closed on a stream longer than maxEntryBytes: the prefix is scanned, the file is SCAN-INCOMPLETE', async () => {
    const evil = evilPickle();
    const padded = new Uint8Array(evil.length + 1000);
    padded.set(evil);
    const r = await scan({ name: 'big.pkl', stream: chunks(padded, 64) }, { limits: { maxEntryBytes: evil.length } });
    assertContract(r);
    const inc = r.findings.find((f) => f.ruleId === 'SCAN-INCOMPLETE');
    assert.ok(inc, 'no SCAN-INCOMPLETE');
    assert.match(inc.evidence.signal + JSON.stringify(inc.evidence.details ?? {}), /maxEntryBytes/);
    assert.ok(
      r.findings.some((f) => f.ruleId === 'PICKLE-EXEC'),
      'the prefix was not scanned',
    );
    assert.equal(r.summary.gate.passed, false);
  });

  it('fails closed on a stream that stalls past maxFileSeconds', async () => {
    async function* stalled(): AsyncGenerator<Uint8Array> {
      yield new P().proto(4).emptyDict().stop().bytes();
      await new Promise(() => {}); // never ends
    }
    const r = await scan({ name: 'stalled.pkl', stream: stalled() }, { limits: { maxFileSeconds: 0.2 } });
    const inc = r.findings.find((f) => f.ruleId === 'SCAN-INCOMPLETE');
    assert.ok(inc);
    assert.match(JSON.stringify(inc.evidence), /maxFileSeconds|time budget/);
    assert.equal(r.summary.gate.passed, false);
  });

  it('a stream that yields strings is a usage error of the caller, not a pass', async () => {
    await assert.rejects(
      scan({ name: 's.pkl', stream: Readable.from(['text']) as unknown as AsyncIterable<Uint8Array> }),
      /expected bytes/,
    );
  });

  it('honours an AbortSignal: before the scan, between files, and while waiting on a stream', async () => {
    const pre = AbortSignal.abort(new Error('stop now'));
    await assert.rejects(scan(dir, { signal: pre }), /stop now/);

    const ctl = new AbortController();
    let calls = 0;
    await assert.rejects(
      scan(dir, {
        signal: ctl.signal,
        onFile: () => {
          calls++;
          ctl.abort();
        },
      }),
      { name: 'AbortError' },
    );
    assert.equal(calls, 1, 'the scan went on after the abort');

    const waiting = new AbortController();
    const never: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({ next: () => new Promise<IteratorResult<Uint8Array>>(() => {}) }),
    };
    setTimeout(() => waiting.abort(), 50);
    await assert.rejects(scan({ name: 'n.pkl', stream: never }, { signal: waiting.signal }), { name: 'AbortError' });
  });

  it('an abort stops the worker pool too (jobs > 1)', async () => {
    const many = mkdtempSync(join(tmpdir(), 'sentinel-api-pool-'));
    try {
      for (let i = 0; i < 70; i++) writeFileSync(join(many, `m${i}.pkl`), new P().proto(4).int(i).stop().bytes());
      const ctl = new AbortController();
      let calls = 0;
      await assert.rejects(
        scan(many, {
          jobs: 2,
          signal: ctl.signal,
          onFile: () => {
            if (++calls === 1) ctl.abort();
          },
        }),
        { name: 'AbortError' },
      );
      assert.ok(calls < 70, `all ${calls} files were reported after the abort`);
      const full = await scan(many, { jobs: 2 });
      assert.equal(full.summary.files, 70);
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
  });

  it('never prints and never exits (a process that only scans, renders and loads a policy writes nothing)', () => {
    const api = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'api', 'index.ts')).href;
    const script = [
      `const { scan, renderReport, loadPolicy, REPORT_FORMATS } = await import(${JSON.stringify(api)});`,
      'process.exit = () => { throw new Error("exit called"); };',
      `const r = await scan([${JSON.stringify(dir)}]);`,
      `const miss = await scan([${JSON.stringify(join(dir, 'missing.pkl'))}]).then(() => undefined, (e) => e);`,
      'if (miss?.code !== "usage") throw new Error("a missing path is a usage error");',
      'for (const f of REPORT_FORMATS) await renderReport(r, f);',
      'await loadPolicy({ text: "preset: moderate\\n", source: "inline" });',
      'if (r.summary.exitCode !== 1) throw new Error("unexpected exit code " + r.summary.exitCode);',
    ].join('\n');
    const res = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout, '');
    assert.equal(res.stderr, '');
  });

  it('a missing path is a usage error (as the command line and the service answer it), an unreadable one a finding', async () => {
    for (const missing of [join(dir, 'missing.pkl'), join(dir, 'missing', 'deeper.pkl'), 'relative-missing.pkl']) {
      await assert.rejects(scan([dir, missing]), (e: unknown) => {
        assert.ok(e instanceof SentinelError);
        assert.equal(e.code, 'usage');
        assert.equal(e.message, `${missing}: no such file or directory`);
        return true;
      });
      await assert.rejects(scanFacts([missing]), SentinelError);
    }
    // Benign twin: the folder alone is scanned.
    assert.ok((await scan([dir])).summary.files > 0);
  });

  it('options: rules, thresholds, fail-on and a baseline (text or object)', async () => {
    const only = await scan(dir, { rules: ['pickle-exec'] });
    assert.deepEqual([...new Set(only.findings.map((f) => f.ruleId))], ['PICKLE-EXEC']);
    assert.ok(only.rules.includes('SCAN-INCOMPLETE'), 'coverage rules always run');

    const first = await scan(dir);
    const again = await scan(dir, { baseline: first, baselineSource: 'prev.json' });
    assert.equal(again.summary.gate.passed, true);
    assert.equal(again.summary.gate.baseline?.source, 'prev.json');
    assert.ok(again.findings.every((f) => f.baseline === 'existing'));
    const fromText = await scan(dir, { baseline: JSON.stringify(first) });
    assert.equal(fromText.summary.gate.baseline?.source, 'baseline');

    // An unknown import is LIKELY_UNSAFE: above the moderate preset, within an explicit LIKELY_UNSAFE threshold.
    const moderate = await scan(join(dir, 'c-unknown.pkl'), { preset: 'moderate' });
    assert.equal(moderate.policy.preset, 'moderate');
    assert.equal(moderate.summary.gate.passed, false);
    const lenient = await scan(join(dir, 'c-unknown.pkl'), { maxAcceptableSeverity: 'LIKELY_UNSAFE' });
    assert.equal(lenient.summary.gate.passed, true);
    assert.equal(lenient.findings[0]!.decision, 'ticket');
    const failOnNothing = await scan(join(dir, 'a-evil.pkl'), {
      failOn: [],
      maxAcceptableSeverity: 'OVERTLY_MALICIOUS',
    });
    assert.equal(failOnNothing.summary.gate.passed, true);
  });

  it('invalid options are SentinelErrors with a code', async () => {
    const cases: [() => Promise<unknown>, string, RegExp][] = [
      [() => scan(dir, { rules: ['NOPE'] }), 'usage', /unknown rule or category "NOPE"/],
      [() => scan(dir, { preset: 'lax' as never }), 'usage', /unknown preset/],
      [() => scan(dir, { failOn: ['HIHG' as never] }), 'usage', /unknown severity "HIHG"/],
      [() => scan(dir, { maxAcceptableSeverity: 'OK' as never }), 'usage', /unknown safety level/],
      [() => scan([]), 'usage', /nothing to scan/],
      [() => scan(dir, { jobs: 0 }), 'usage', /jobs must be a whole number/],
      [() => scan(dir, { jobs: 'all' as never }), 'usage', /jobs must be a whole number from 1 or 'auto'/],
      [() => scan({ name: '', bytes: new Uint8Array() }), 'usage', /non-empty name/],
      [() => scan(dir, { baseline: '{"schemaVersion":"9"}' }), 'baseline', /not a Sentinel JSON report/],
      [() => loadPolicy({ text: 'preset: lax\n', source: 'p.yml' }), 'policy', /p\.yml:1:9/],
      [() => loadPolicy(join(dir, 'none.yml')), 'io', /cannot read policy/],
      [() => renderReport({} as SentinelReport, 'pdf' as never), 'usage', /unknown report format "pdf"/],
    ];
    for (const [run, code, message] of cases) {
      await assert.rejects(run, (e: unknown) => {
        assert.ok(e instanceof SentinelError, String(e));
        assert.equal(e.code, code);
        assert.match(e.message, message);
        return true;
      });
    }
  });
});

describe('loadPolicy()', () => {
  it('reads a file relative to cwd, text in memory, the directory default, or the built-in policy', async () => {
    writeFileSync(join(dir, 'sentinel-policy.yml'), 'preset: permissive\n');
    try {
      assert.equal((await loadPolicy('sentinel-policy.yml', { cwd: dir })).preset, 'permissive');
      assert.equal((await loadPolicy(undefined, { cwd: dir })).source, 'sentinel-policy.yml');
    } finally {
      rmSync(join(dir, 'sentinel-policy.yml'));
    }
    const builtIn = await loadPolicy(undefined, { cwd: dir });
    assert.equal(builtIn.source, undefined);
    assert.deepEqual(builtIn.defaults.failOn, ['CRITICAL', 'HIGH']);
    const p = await loadPolicy({ text: 'fail_on: [CRITICAL]\n', source: 'inline.yml' });
    const r = await scan(join(dir, 'a-evil.pkl'), { policy: p });
    assert.equal(r.summary.gate.passed, false, 'PICKLE-EXEC is CRITICAL');
    const ok = await scan(join(dir, 'c-unknown.pkl'), { policy: p, maxAcceptableSeverity: 'LIKELY_UNSAFE' });
    assert.equal(ok.policy.source, 'inline.yml');
    assert.equal(ok.summary.gate.passed, true);
  });
});
