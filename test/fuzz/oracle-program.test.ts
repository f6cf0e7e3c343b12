// The oracle fuzzer's own parts (scripts/fuzz-oracle/): programs are reproducible from (seed, index), are pickles the
// VM reads to STOP or to a CPython error (never an analyser failure), and use the admitted names given; the audit
// events it counts against Sentinel are the ones a load of data must never raise.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { flaggedEvent } from '../../scripts/fuzz-oracle/events.js';
import { coverUnion, outcomeOf, type CoverSummary } from '../../scripts/fuzz-oracle/coverage.js';
import {
  ARG_KINDS,
  composeProgram,
  composeTargeted,
  ORACLE_MARKER,
  SHAPES,
  type AdmittedName,
} from '../../scripts/fuzz-oracle/program.js';
import { reviewedHooks } from '../../scripts/fuzz-oracle/reviewed.js';
import { allPacks } from '../../src/rules/data/allowlist.js';
import { scanFixture } from '../helpers/proof-fixtures.js';
import { runPickle, PLAIN_LOADER } from '../../src/analyzers/pickle/vm.js';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { MemorySource } from '../../src/sources/byte-source.js';
import { buildZip } from '../formats/zip/zip-builder.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const PYTHON = '/usr/bin/python3';

/** Whether PYTHON can import `name`: found on its path, not imported (an import of torch or xgboost takes seconds). */
function hasPythonModule(name: string): boolean {
  if (!existsSync(PYTHON)) return false;
  const code = `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(${JSON.stringify(name)}) else 1)`;
  return spawnSync(PYTHON, ['-c', code], { encoding: 'utf8' }).status === 0;
}

/** One load server probe: a file or a program's text, the loader bits it is loaded under, one after the other. */
interface ProbeJob {
  file?: string;
  program?: string;
  bits: number[];
  roots: string[];
  reviewed?: string;
  torchMode?: boolean;
  /** Probed as by an interpreter without audit hooks (Python < 3.8): sys.addaudithook is deleted in the job's child. */
  emulated?: boolean;
}
type ProbeResult = [string, [string, string, string?][], boolean];
interface ProbeOutcome {
  status: number | null;
  stderr: string;
  results: { results?: ProbeResult[]; mode?: string; error?: string }[];
}

/**
 * worker.probe for each job in one PYTHON process: the loaders' libraries are imported once (worker.preload: torch,
 * pandas, xgboost... take seconds), then each job runs in a child forked from that process, as the load server forks
 * its load children, so no job sees another's audit hook, imports or state: a job's child starts where a fresh
 * process's probe would after its preload.
 * An `emulated` job's child deletes sys.addaudithook before its probe (none of the preloaded libraries calls it, so
 * they are imported as in an interpreter without audit hooks; the emulated monitor is installed by the probe itself).
 */
function probeEach(jobs: ProbeJob[]): ProbeOutcome {
  const code = [
    'import json, os, sys',
    `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'scripts/fuzz-oracle'))})`,
    'import worker',
    'worker.preload([])',
    'jobs = json.loads(sys.stdin.read())',
    'out = []',
    'for job in jobs:',
    '    r, w = os.pipe()',
    '    pid = os.fork()',
    '    if pid == 0:',
    '        os.close(r)',
    '        try:',
    "            if job.get('emulated'):",
    '                del sys.addaudithook',
    "            data = open(job['file'], 'rb').read() if 'file' in job else job['program'].encode('utf-8')",
    "            reviewed = worker.read_reviewed(job['reviewed']) if 'reviewed' in job else []",
    "            res = {'results': [worker.probe(data, bit, set(job['roots']), reviewed) for bit in job['bits']]}",
    "            if job.get('torchMode'):",
    "                res['mode'] = worker.torch_load_mode()",
    '        except BaseException as e:',
    "            res = {'error': repr(e)}",
    "        with os.fdopen(w, 'w') as f:",
    '            f.write(json.dumps(res))',
    '        os._exit(0)',
    '    os.close(w)',
    '    with os.fdopen(r) as f:',
    '        text = f.read()',
    '    _, status = os.waitpid(pid, 0)',
    "    out.append(json.loads(text) if text else {'error': 'probe child ended with status %d' % status})",
    'print(json.dumps(out))',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', code], { input: JSON.stringify(jobs), encoding: 'utf8', maxBuffer: 1 << 26 });
  const last = r.status === 0 ? r.stdout.trim().split('\n').pop()! : '[]';
  return { status: r.status, stderr: r.stderr, results: JSON.parse(last) as ProbeOutcome['results'] };
}

/** `make()` once, on first use (a skipped test never runs it). */
function once<T>(make: () => T): () => T {
  let value: { v: T } | undefined;
  return () => (value ??= { v: make() }).v;
}

/** Job `i` of a batch: its results, after checking the batch and the job ran. */
function probed(batch: ProbeOutcome, i: number): { results: ProbeResult[]; mode?: string } {
  assert.equal(batch.status, 0, batch.stderr);
  const job = batch.results[i];
  assert.ok(job !== undefined && job.error === undefined && job.results !== undefined, JSON.stringify(job));
  return { results: job.results, mode: job.mode };
}

const NAMES: AdmittedName[] = [
  { module: 'collections', name: 'OrderedDict', kind: 'class' },
  { module: 'numpy.core.multiarray', name: '_reconstruct', kind: 'reconstructor' },
  { module: 'pandas.core.frame', name: 'DataFrame', kind: 'class' },
];

describe('oracle fuzzer programs', () => {
  it('program (seed, index) is always the same bytes; other indexes differ', () => {
    const a = composeProgram(NAMES, 7, 3);
    assert.deepEqual(composeProgram(NAMES, 7, 3), a);
    const distinct = new Set(
      Array.from({ length: 50 }, (_, i) => Buffer.from(composeProgram(NAMES, 7, i)).toString('hex')),
    );
    assert.ok(distinct.size > 45, `${distinct.size}`);
  });

  it('composer version 1 writes the programs of the runs that recorded no composer, byte for byte (their replays hold)', () => {
    const h = createHash('sha256');
    for (let i = 0; i < 500; i++) h.update(composeProgram(NAMES, 7, i, [], undefined, 1));
    // Pinned from the composer before it took a version parameter.
    assert.equal(h.digest('hex'), '0c85af7459c2ccef01e7827f571771f4e192176c5976feedf23d087c0e43962e');
  });

  it('composer version 2 also BUILDs an earlier call result again and NEWOBJs with one as the class', () => {
    // BINGET of a memoized call result followed by a one-opcode state and BUILD, or by () and NEWOBJ (a coarse scan
    // of the bytes, the same for both versions: version 2 must show more of them).
    const count = (version: 1 | 2, re: RegExp): number =>
      Array.from({ length: 300 }, (_, i) =>
        re.test(Buffer.from(composeProgram(NAMES, 11, i, [], undefined, version)).toString('latin1')),
      ).filter(Boolean).length;
    const rebuild = /\x68[\s\S](?:\x68[\s\S]|\x4e|\x88|\x89)\x62/;
    const newobj = /\x68[\s\S]\x29\x81/;
    const rebuilds = count(2, rebuild) - count(1, rebuild);
    const newobjs = count(2, newobj) - count(1, newobj);
    let differ = 0;
    for (let i = 0; i < 300; i++) {
      const b = composeProgram(NAMES, 11, i, [], undefined, 2);
      if (Buffer.compare(Buffer.from(b), Buffer.from(composeProgram(NAMES, 11, i, [], undefined, 1))) !== 0) differ++;
      const run = runPickle(new MemorySource({ chain: ['p.pkl'] }, b), 0, b.length, {
        limits: DEFAULT_LIMITS,
        loader: PLAIN_LOADER,
      });
      assert.ok(!run.anomalies.some((x) => x.code === 'INTERNAL_ERROR'), `program ${i}`);
    }
    assert.ok(differ > 10 && differ < 300, `${differ} of 300 differ from version 1`);
    assert.ok(rebuilds > 0 && newobjs > 0, `${rebuilds} second BUILDs, ${newobjs} NEWOBJs on an object`);
  });

  it('the drawn observer sees each name the program imports and leaves the bytes as they are', () => {
    const tagged = NAMES.map((n, i) => ({ ...n, pack: `p${i}` }));
    let seenNone = 0;
    for (let i = 0; i < 100; i++) {
      const drawn: AdmittedName[] = [];
      const b = composeProgram(tagged, 13, i, [], (n) => drawn.push(n));
      assert.deepEqual(b, composeProgram(tagged, 13, i));
      const run = runPickle(new MemorySource({ chain: ['p.pkl'] }, b), 0, b.length, {
        limits: DEFAULT_LIMITS,
        loader: PLAIN_LOADER,
      });
      const imported = new Set(
        run.imports.filter((x) => x.derivedVia === undefined && /GLOBAL/.test(x.opcode)).map((x) => x.canonical),
      );
      // Every import the VM reached was reported (a program the VM stops early reaches fewer than were drawn).
      for (const c of imported)
        assert.ok(
          drawn.some((n) => `${n.module}.${n.name}` === c),
          `${c} in program ${i}`,
        );
      assert.ok(drawn.every((n) => n.pack !== undefined));
      if (drawn.length === 0) seenNone++;
    }
    assert.ok(seenNone < 100, 'no program drew a name');
  });

  it('programs are protocol-4 pickles the VM reads without an analyser failure, importing only the given names', () => {
    const allowed = new Set(NAMES.map((n) => `${n.module}.${n.name}`));
    let stopped = 0;
    for (let i = 0; i < 300; i++) {
      const b = composeProgram(NAMES, 11, i);
      assert.deepEqual([b[0], b[1], b[b.length - 1]], [0x80, 4, 0x2e]);
      const run = runPickle(new MemorySource({ chain: ['p.pkl'] }, b), 0, b.length, {
        limits: DEFAULT_LIMITS,
        loader: PLAIN_LOADER,
      });
      assert.ok(!run.anomalies.some((x) => x.code === 'INTERNAL_ERROR'), `program ${i}`);
      // Names the program imports with GLOBAL/STACK_GLOBAL; facts derived from a modelled effect (a state hook
      // reported as the exec it runs, a planted method) carry derivedVia or another opcode and are not imports.
      for (const imp of run.imports.filter((x) => x.derivedVia === undefined && /GLOBAL/.test(x.opcode))) {
        assert.ok(allowed.has(`${imp.module}.${imp.name}`), `${imp.canonical} (${imp.opcode})`);
      }
      if (run.stopped && !run.errored) stopped++;
    }
    // Random argument types often make a call the library rejects (the effect model stops there as CPython would);
    // still, a good share of programs must run to STOP, or the fuzzer would only exercise error paths.
    assert.ok(stopped > 100, `${stopped} of 300 read to STOP`);
  });
});

describe('oracle fuzzer coverage programs (one admitted name, every argument kind)', () => {
  const target = NAMES[1]!;
  it('each (name, kind, variant) is always the same bytes and calls the name; kinds and shapes differ', () => {
    const seen = new Set<string>();
    for (const kind of ARG_KINDS)
      for (let v = 0; v < SHAPES; v++) {
        const b = composeTargeted(target, kind, v, NAMES, 5);
        assert.deepEqual(composeTargeted(target, kind, v, NAMES, 5), b);
        assert.deepEqual([b[0], b[1], b[b.length - 1]], [0x80, 4, 0x2e]);
        const run = runPickle(new MemorySource({ chain: ['p.pkl'] }, b), 0, b.length, {
          limits: DEFAULT_LIMITS,
          loader: PLAIN_LOADER,
        });
        assert.ok(!run.anomalies.some((x) => x.code === 'INTERNAL_ERROR'), `${kind}/${v}`);
        assert.ok(
          run.imports.some((x) => x.canonical === `${target.module}.${target.name}`),
          `${kind}/${v} imports the target`,
        );
        seen.add(Buffer.from(b).toString('hex'));
      }
    assert.ok(seen.size > ARG_KINDS.length * SHAPES * 0.9, `${seen.size} distinct programs`);
  });

  it('the stream-callable kind reaches os.system or builtins.eval without admitting them (Sentinel blocks)', () => {
    const text = Array.from({ length: SHAPES }, (_, v) =>
      Buffer.from(composeTargeted(target, 'stream-callable', v, NAMES, 5)).toString('latin1'),
    ).join('');
    assert.match(text, /(os|posix|builtins|subprocess)\n(system|eval|exec|__import__|getattr|open|getoutput)\n/);
  });

  it('a load is classed by its most harmful flagged event, a crash or a hang', () => {
    assert.equal(outcomeOf('crash:SIGSEGV', []), 'crash');
    assert.equal(outcomeOf('timeout', []), 'hang');
    assert.equal(outcomeOf('ok', []), 'clean');
    assert.equal(outcomeOf('vetoed', [['open', "('/tmp/x', 'r', 524288)"]]), 'file-open');
    assert.equal(outcomeOf('vetoed', [['open', "('/tmp/x', 'wb', 524288)"]]), 'file-write');
    assert.equal(
      outcomeOf('vetoed', [
        ['import', "('x',)"],
        ['os.system', "(b'echo',)"],
      ]),
      'code',
    );
    assert.equal(outcomeOf('vetoed', [['ctypes.dlsym', '(1, 2)']]), 'native');
    assert.equal(outcomeOf('vetoed', [['import', "('sentinel_oracle_module',)"]]), 'import');
  });
});

describe('oracle fuzzer: coverage over several runs (--cover-union)', () => {
  const run = (mode: CoverSummary['mode'], fields: Partial<CoverSummary>): CoverSummary =>
    ({ mode, interpreter: '/usr/bin/python3', admittedNames: 0, notExercised: [], ...fields }) as CoverSummary;
  const pool = [
    { key: 'a.A', packs: ['a'] },
    { key: 'a.B', packs: ['a', 'history/a'] },
    { key: 'b.C', packs: ['b'] },
    { key: 'b.D', packs: ['b'] },
  ];
  const keys = pool.map((p) => p.key);

  it('a name counts once when any run exercised it; a refusal is not an exercise', () => {
    const u = coverUnion(pool, [
      { file: 'one.json', summary: run('cover', { exercised: ['a.A', 'a.B'] }), drawnPool: keys },
      { file: 'two.json', summary: run('cover', { exercised: ['a.B', 'b.C'] }), drawnPool: keys },
      { file: 'three.json', summary: run('cover-unresolved', { exercised: ['b.D'] }), drawnPool: keys },
    ]);
    assert.equal(u.exercisedNames, 3);
    assert.equal(u.coverage, 0.75);
    assert.deepEqual(u.notExercised, ['b.D']);
    assert.equal(u.refusedNames, 1);
    assert.deepEqual(
      u.runs.map((r) => r.newlyExercised),
      [2, 1, 0],
    );
    assert.deepEqual(u.byPack['history/a'], { names: 1, exercised: 1, refused: 0, notExercised: [] });
    assert.equal(u.byPack.b!.exercised, 1);
  });

  it('a summary without its exercised list is read against the pool it drew, and refused with another pool', () => {
    const old = run('cover', { only: '^b\\.', admittedNames: 2, notExercised: ['b.D'] });
    assert.deepEqual(coverUnion(pool, [{ file: 'old.json', summary: old, drawnPool: keys }]).notExercised, [
      'a.A',
      'a.B',
      'b.D',
    ]);
    assert.throws(
      () => coverUnion(pool, [{ file: 'old.json', summary: old, drawnPool: [...keys, 'b.E'] }]),
      /the run drew 2/,
    );
    // A name of the run's pool that the current packs no longer admit does not count.
    const gone = run('cover', { exercised: ['z.Z'] });
    assert.equal(coverUnion(pool, [{ file: 'gone.json', summary: gone, drawnPool: keys }]).exercisedNames, 0);
  });
});

describe('oracle fuzzer: audit events counted against Sentinel', () => {
  const roots = new Set(['numpy', 'pandas']);
  const cases: [string, string, boolean][] = [
    ['exec', `(<code object <module> at 0x1, file "<string>", line 1>,)`, false],
    ['compile', `(b"print('${ORACLE_MARKER}')", '<string>')`, true],
    ['compile', `(b"{'descr': '|O', 'fortran_order': False, 'shape': (1,), }   \\n", '<unknown>')`, false],
    ['import', `('numpy.core._dtype', None, [], [], [])`, false],
    ['import', `('os2emxpath', None, [], [], [])`, true],
    ['open', `('/usr/share/zoneinfo/UTC', 'rb', 524288)`, false],
    ['open', `('/usr/lib/python3/dist-packages/pytz/zoneinfo/UTC', 'r', 524288)`, false],
    ['open', `('/home/user/.ssh/id_rsa', 'r', 524288)`, true],
    ['open', `('/usr/share/x', 'w+', 524288)`, true],
    ['os.system', `(b'id',)`, true],
    ['os.listdir', `('/usr/share/zoneinfo',)`, false],
    ['subprocess.Popen', `('ls', ['ls'], None, None)`, true],
    ['socket.connect', `(<socket>, ('127.0.0.1', 80))`, true],
    ['ctypes.dlopen', `('libc.so.6',)`, true],
  ];
  for (const [event, args, expect] of cases) {
    it(`${event} ${args.slice(0, 40)} → ${expect ? 'flagged' : 'not flagged'}`, () => {
      assert.equal(flaggedEvent(event, args, roots), expect);
    });
  }

  // The load server vetoes (raises on) the events it flags, so its Python copy of the rule must agree with this one:
  // a veto the driver would not flag would end a load before it reached what the driver counts.
  it('the load server (worker.py flagged) decides every case as events.ts does', { skip: !existsSync(PYTHON) }, () => {
    const code = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'scripts/fuzz-oracle'))})`,
      'from worker import flagged',
      'cases = json.loads(sys.stdin.read())',
      `print(json.dumps([flagged(e, a, {'numpy', 'pandas'}) for e, a, _ in cases]))`,
    ].join('\n');
    const r = spawnSync(PYTHON, ['-c', code], { input: JSON.stringify(cases), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout) as boolean[],
      cases.map(([, , expect]) => expect),
    );
  });
});

// Reviewed native parses (scripts/fuzz-oracle/worker.py Allowance): a flagged native event is allowed only when the
// reviewed hook the packs name (`rebuild`) is, on the stack at the event, the unpickler's entry into library code with
// nothing but its own module and ctypes in between. The same native function reached any other way stays flagged.
// The probes of the next three suites (the interpreter's audit hooks, then the emulated monitor), run together on
// first use: see probeEach.
const probeJobs: ProbeJob[] = [];
const probes = once(() => probeEach(probeJobs));

describe('oracle fuzzer: allowance for reviewed native parses', () => {
  const hasXgboost = hasPythonModule('xgboost');
  const skip = hasXgboost ? false : `needs ${PYTHON} with xgboost (apt-get install python3-xgboost)`;
  const reviewedFile = join(tmpdir(), `sentinel-oracle-reviewed-test-${process.pid}.txt`);

  it('the reviewed hooks are read from the packs (XGBoost Booster.__setstate__ among them; no __del__)', () => {
    const hooks = reviewedHooks(allPacks);
    assert.ok(hooks.includes('xgboost.core Booster xgboost.core Booster __setstate__'));
    assert.ok(!hooks.some((h) => h.endsWith(' __del__')));
    assert.ok(
      hooks.every((h) => / __setstate__$/.test(h) && h.split(' ').length === 5),
      hooks[0],
    );
  });

  // [fixture, loader bit (worker.py LOADERS), reviewed parse allowed?]
  const cases: [string, number, boolean][] = [
    ['oracle-s40/booster-reviewed-parse.pkl', 1, true],
    ['oracle-s40/booster-reviewed-parse.pkl', 2, true],
    ['oracle-s40/booster-reviewed-parse.pkl', 4, true],
    ['oracle-s40/booster-planted-call.pkl', 1, false],
    ['oracle-s40/booster-planted-call.pkl', 4, false],
    ['soundness-s39-pandas/h1-frame-tuple-state-p4-pickle.pkl', 1, false],
    ['soundness-s39-pandas/h1-frame-tuple-state-p4-pickle.pkl', 2, false],
  ];
  if (hasXgboost) writeFileSync(reviewedFile, reviewedHooks(allPacks).join('\n'));
  for (const [file, bit, allowed] of cases) {
    const job = hasXgboost
      ? probeJobs.push({
          file: join(ROOT, 'test/fixtures', file),
          bits: [bit],
          roots: ['xgboost', 'pandas', 'numpy'],
          reviewed: reviewedFile,
        }) - 1
      : -1;
    it(
      `${file} under loader ${bit}: ${allowed ? 'the reviewed parse is allowed' : 'still flagged'}`,
      { skip },
      async () => {
        const [end, events, veto] = probed(probes(), job).results[0]!;
        const out = { end, events, veto };
        const native = out.events.filter(([e]) => e.startsWith('ctypes.'));
        assert.ok(native.length > 0, `no native event: ${JSON.stringify(out)}`);
        const flagged = out.events.filter(
          ([e, a, hook]) => hook === undefined && flaggedEvent(e, a, new Set(['xgboost'])),
        );
        // Sentinel's verdict agrees: the reviewed parse passes, every other route is blocked.
        const scan = await scanFixture(join(ROOT, 'test/fixtures', file));
        if (allowed) {
          assert.equal(out.veto, false, JSON.stringify(out));
          assert.equal(out.end, 'ok');
          assert.deepEqual(flagged, []);
          assert.ok(native.every(([, , hook]) => hook === 'xgboost.core.Booster.__setstate__'));
          assert.ok(
            native.some(([e]) => e === 'ctypes.cdata/buffer'),
            'the parse read the model bytes',
          );
          assert.equal(scan.blocking.length, 0, scan.why);
        } else {
          assert.equal(out.veto, true, JSON.stringify(out));
          assert.ok(
            flagged.some(([e, a]) => e === 'ctypes.dlsym' && a.includes('XGBoosterCreate')),
            JSON.stringify(flagged),
          );
          assert.ok(scan.blocking.length > 0, 'Sentinel passes a planted native call');
        }
      },
    );
  }
});

// torch.load's default became weights_only=True in torch 2.6 (a restricted unpickler): the oracle's torch loader is
// the pickle loader route (the user who loads a checkpoint with weights_only=False), so it says so explicitly, and a
// call planted in a checkpoint's data.pkl reaches the audit hook under it (seen and vetoed).
describe('oracle fuzzer: the torch.load it runs', () => {
  const hasTorch = hasPythonModule('torch');
  let job = -1;
  if (hasTorch) {
    const pkl = new TextEncoder().encode(`cos\nsystem\n(Vecho ${ORACLE_MARKER}\ntR.`);
    const zip = buildZip([
      { name: 'archive/data.pkl', data: pkl },
      { name: 'archive/version', data: new TextEncoder().encode('3\n') },
    ]);
    const file = join(tmpdir(), `sentinel-oracle-torch-test-${process.pid}.pt`);
    writeFileSync(file, zip);
    job = probeJobs.push({ file, bits: [8], roots: ['torch'], torchMode: true }) - 1;
  }
  it(
    'torch.load(f, weights_only=False); a planted os.system in archive/data.pkl is seen and vetoed',
    { skip: hasTorch ? false : `needs ${PYTHON} with torch` },
    () => {
      const { results, mode } = probed(probes(), job);
      const [end, events, veto] = results[0]!;
      const out = { mode, end, events, veto };
      assert.equal(out.mode, 'torch.load(f, weights_only=False)');
      assert.equal(out.veto, true, JSON.stringify(out));
      assert.equal(out.end, 'vetoed');
      assert.ok(
        out.events.some(([e, a]) => e === 'os.system' && a.includes(ORACLE_MARKER)),
        JSON.stringify(out.events),
      );
    },
  );
});

// Under Python < 3.8 (no audit hooks) the load server raises the same events from its own wrappers (emulate_audit).
// Here the host's interpreter is made to look like one without them, so the emulation is what records and vetoes.
describe('oracle fuzzer: the emulated monitor of an interpreter without audit hooks', () => {
  const cases: [string, string, string, boolean][] = [
    ['os.system', `cos\nsystem\n(Vecho ${ORACLE_MARKER}\ntR.`, 'os.system', true],
    ['posix.system', `cposix\nsystem\n(Vecho ${ORACLE_MARKER}\ntR.`, 'os.system', true],
    ['open for writing', `cbuiltins\nopen\n(V/tmp/${ORACLE_MARKER}/canary\nVw\ntR.`, 'open', true],
    ['exec', `cbuiltins\nexec\n(Vprint('${ORACLE_MARKER}')\ntR.`, 'exec', true],
    ['an import outside the admitted libraries', 'cftplib\nFTP\n)R.', 'import', true],
    ['a benign call', 'ccollections\nOrderedDict\n)R.', '', false],
  ];
  // Each program under pickle.loads and joblib.load (bits 1 and 4), one forked child per program: see probeEach.
  const jobs = cases.map(
    ([, program]) =>
      probeJobs.push({ program, bits: [1, 4], roots: ['collections', 'numpy', 'pandas'], emulated: true }) - 1,
  );
  for (const [i, [label, , event, vetoed]] of cases.entries()) {
    it(
      `${label}: ${vetoed ? `${event} recorded and vetoed` : 'no event, no veto'} under pickle.loads and joblib.load`,
      { skip: existsSync(PYTHON) ? false : `needs ${PYTHON}` },
      () => {
        const out = probed(probes(), jobs[i]!).results;
        assert.equal(out.length, 2);
        for (const [end, events, veto] of out) {
          assert.equal(veto, vetoed, JSON.stringify(out));
          if (vetoed) {
            assert.equal(end, 'vetoed');
            assert.ok(
              events.some(([e]) => e === event),
              JSON.stringify(events),
            );
          } else assert.equal(end, 'ok', JSON.stringify(out));
        }
      },
    );
  }

  it('eval and exec without namespaces still run in their caller’s', { skip: !existsSync(PYTHON) }, () => {
    const code = [
      'import sys',
      'del sys.addaudithook',
      `sys.path.insert(0, ${JSON.stringify(join(ROOT, 'scripts/fuzz-oracle'))})`,
      'import worker',
      'worker.emulate_audit()',
      'def f():',
      '    y = 3',
      "    return eval('y * 2')",
      'x = 5',
      "exec('z = x + 1')",
      "print(f(), eval('x + 1'), z)",
    ].join('\n');
    const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '6 6 6');
  });
});
