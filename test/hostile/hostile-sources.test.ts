// Path arguments that are not regular files never block and never pass: a FIFO, a pipe named as /dev/stdin, a
// device. `-` reads standard input as a bounded stream under the name <stdin>. A file that changes while it is
// scanned is SCAN-INCOMPLETE.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { FileSource } from '../../src/sources/byte-source.js';
import { cli } from '../helpers/cli.js';
import { evilPickle } from '../helpers/pickle-builder.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-sources-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  findings: { ruleId: string; where: string; evidence: { signal: string } }[];
}

async function json(args: string[], stdin?: AsyncIterable<Uint8Array>) {
  const r = await cli(['artifact', ...args, '--format', 'json'], {}, stdin ? { stdin } : {});
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

describe('non-regular path arguments', () => {
  it(
    'a FIFO is SCAN-INCOMPLETE without being opened (opening it would block)',
    { skip: process.platform === 'win32' },
    async () => {
      const fifo = join(dir, 'model.pkl');
      execFileSync('mkfifo', [fifo]);
      const { code, report } = await json([fifo]);
      assert.equal(code, 1);
      assert.deepEqual(
        report.findings.map((f) => [f.ruleId, f.evidence.signal]),
        [['SCAN-INCOMPLETE', 'unsupported: a FIFO (named pipe): not read']],
      );
    },
  );
  it('a character device (/dev/zero) is SCAN-INCOMPLETE, never read', { skip: !existsSync('/dev/zero') }, async () => {
    const { code, report } = await json(['/dev/zero']);
    assert.equal(code, 1);
    assert.match(report.findings[0]!.evidence.signal, /character device/);
  });
  it('a regular file still opens; a path that turned into a FIFO after the walk is refused at open', () => {
    const fifo = join(dir, 'late.pkl');
    execFileSync('mkfifo', [fifo]);
    assert.throws(() => new FileSource({ chain: [fifo] }, fifo), /FIFO/);
  });
});

describe('- reads standard input as a bounded stream', () => {
  it('a malicious pickle on stdin is found, under the name <stdin>', async () => {
    const { code, report } = await json(['-'], Readable.from([Buffer.from(evilPickle())]));
    assert.equal(code, 1);
    assert.deepEqual(
      report.findings.map((f) => [f.ruleId, f.where]),
      [['PICKLE-EXEC', '<stdin>@17']],
    );
  });
  it('stdin longer than maxEntryBytes is scanned as far as read and reported incomplete', async () => {
    const policy = join(dir, 'small.yml');
    writeFileSync(policy, 'limits:\n  maxEntryBytes: 1000\n');
    const big = Buffer.concat([Buffer.from(evilPickle()), Buffer.alloc(5000)]);
    const { code, report } = await json(['-', '--policy', policy], Readable.from([big]));
    assert.equal(code, 1);
    const rules = new Set(report.findings.map((f) => f.ruleId));
    assert.ok(rules.has('PICKLE-EXEC') && rules.has('SCAN-INCOMPLETE'), [...rules].join());
  });
  it('stdin that never ends stops at maxFileSeconds: incomplete, not a hang', async () => {
    const policy = join(dir, 'quick.yml');
    writeFileSync(policy, 'limits:\n  maxFileSeconds: 1\n');
    async function* endless(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(evilPickle());
      await new Promise(() => {}); // the writer never closes the pipe
    }
    const { code, report } = await json(['-', '--policy', policy], endless());
    assert.equal(code, 1);
    assert.ok(report.findings.some((f) => f.ruleId === 'SCAN-INCOMPLETE' && /time budget/.test(f.evidence.signal)));
  });
});

describe('a file that changes while it is scanned', () => {
  it('FileSource.changed() reports an append, a rewrite and a replaced path', () => {
    const p = join(dir, 'grow.pkl');
    writeFileSync(p, evilPickle());
    const src = new FileSource({ chain: [p] }, p);
    assert.equal(src.changed(), undefined);
    appendFileSync(p, 'more');
    assert.match(src.changed() ?? '', /size changed/);
    src.close();
    const q = join(dir, 'swap.pkl');
    writeFileSync(q, 'a');
    const src2 = new FileSource({ chain: [q] }, q);
    rmSync(q);
    writeFileSync(q, 'b');
    // Another file at the path and no file at all read the same (under roots, one must not tell them apart).
    assert.match(src2.changed() ?? '', /no longer names the file scanned/);
    rmSync(q);
    assert.match(src2.changed() ?? '', /no longer names the file scanned/);
    src2.close();
  });

  it('FileSource.changed() reports a same-size rewrite in place whose modification time was set back', () => {
    const p = join(dir, 'inplace.pkl');
    writeFileSync(p, 'aaaa');
    utimesSync(p, 1_700_000_000, 1_700_000_000); // whole seconds: set back exactly below
    const before = statSync(p);
    const src = new FileSource({ chain: [p] }, p);
    // File systems keep the change time at a coarse clock tick: the rewrite comes a few ticks later.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    const fd = openSync(p, 'r+');
    writeSync(fd, Buffer.from('bbbb'), 0, 4, 0);
    closeSync(fd);
    utimesSync(p, 1_700_000_000, 1_700_000_000);
    assert.equal(statSync(p).mtimeMs, before.mtimeMs);
    assert.match(src.changed() ?? '', /modified while it was scanned/);
    src.close();
    // The twin: a file left alone is unchanged.
    const q = new FileSource({ chain: [p] }, p);
    assert.equal(q.changed(), undefined);
    q.close();
  });
});
