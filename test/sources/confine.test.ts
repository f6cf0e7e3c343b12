// Root confinement (sources/confine.ts): every file a scan opens is checked on the opened descriptor. A companion file
// (joblib < 0.10's NDArrayWrapper names a file beside the pickle) that is a link leaving the folder is reported and
// never read; a folder replaced by a link between the check of a path and its open (made deterministic by the test
// seam that runs right before each confined open) is refused, by the walk's open, the service's whole-file read and
// the worker's; links and swaps that stay inside are read as before (benign twins).
import assert from 'node:assert/strict';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { factsScanner, scan } from '../../src/api/scan.js';
import { readWholeFile } from '../../src/sources/byte-source.js';
import {
  ConfinementError,
  NOT_OPENED_INSIDE,
  confineHooks,
  confinementProblem,
  openConfined,
  type Confinement,
} from '../../src/sources/confine.js';

/** BINUNICODE of `s`. */
function uni(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const n = Buffer.alloc(4);
  n.writeUInt32LE(b.length);
  return Buffer.concat([Buffer.from('X'), n, b]);
}

/** A joblib < 0.10 pickle: an NDArrayWrapper whose state names `file` beside it (joblib.load np.loads that file). */
function wrapperPickle(file: string): Buffer {
  return Buffer.concat([
    Buffer.from('\x80\x02cjoblib.numpy_pickle\nNDArrayWrapper\n)\x81}(', 'latin1'),
    uni('filename'),
    uni(file),
    Buffer.from('ub.', 'latin1'),
  ]);
}

const EVIL = "cposix\nsystem\n(S'id'\ntR.";
const BENIGN = '\x80\x02]q\x00(K\x01K\x02e.';

const ids = (r: { findings: readonly { ruleId: string }[] }): string[] => r.findings.map((f) => f.ruleId).sort();

describe('root confinement', () => {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'sentinel-confine-')));
  let n = 0;
  /** A fresh root and a folder outside it holding an exec payload. */
  const layout = (): { root: string; out: string } => {
    const base = join(top, String(n++));
    const root = join(base, 'root');
    const out = join(base, 'outside');
    mkdirSync(root, { recursive: true });
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'evil.pkl'), EVIL);
    return { root, out };
  };
  after(() => rmSync(top, { recursive: true, force: true }));
  afterEach(() => {
    delete confineHooks.beforeOpen;
  });

  describe('a companion file that is a link', () => {
    const cases = [
      { name: 'leaving the folder', inside: false },
      { name: 'staying inside the folder (benign twin)', inside: true },
    ];
    for (const c of cases) {
      const make = (): { root: string; pkl: string } => {
        const { root } = layout();
        if (c.inside) writeFileSync(join(root, 'kept.bin'), EVIL);
        symlinkSync(c.inside ? 'kept.bin' : '../outside/evil.pkl', join(root, 'c.npy'));
        const pkl = join(root, 'm.pkl');
        writeFileSync(pkl, wrapperPickle('c.npy'));
        return { root, pkl };
      };
      // What reading the companion gives: the payload's PICKLE-EXEC. Outside: the wrapper's stream is reported instead
      // (PICKLE-STRUCT, HIGH) and nothing from the outside file.
      const check = (found: string[]): void => {
        if (c.inside) assert.ok(found.includes('PICKLE-EXEC'), found.join(','));
        else {
          assert.ok(!found.includes('PICKLE-EXEC'), found.join(','));
          assert.ok(found.includes('PICKLE-STRUCT'), found.join(','));
        }
      };
      it(`${c.name}: a file named alone`, async () => {
        const { pkl } = make();
        check(ids(await scan([pkl])));
      });
      it(`${c.name}: its folder walked`, async () => {
        const { root } = make();
        check(ids(await scan([root])));
      });
      it(`${c.name}: a service scan under --root`, async () => {
        const { root, pkl } = make();
        check(ids(await scan([pkl], { roots: [root] })));
      });
      it(`${c.name}: a worker's whole-file read under --root`, async () => {
        const { root, pkl } = make();
        const read = readWholeFile(pkl, 1 << 20, [[root]]);
        assert.ok(read);
        const facts = await (await factsScanner({ roots: [root] })).file(read);
        check(ids(facts.result));
      });
    }
  });

  describe("gensim's optional sibling (`<file>.state`) that is a link out of the folder", () => {
    // gensim reads the sibling only when it exists; whether a link's target outside the folder exists must not change
    // the answer (an existence oracle for any server path). Both links get the one "not read" answer.
    const lda = Buffer.concat([
      Buffer.from('\x80\x02cgensim.models.ldamodel\nLdaModel\n)\x81}(', 'latin1'),
      uni('num_topics'),
      Buffer.from('K\x03ub.', 'latin1'),
    ]);
    const answer = async (target: string, roots: boolean): Promise<string> => {
      const { root } = layout();
      const pkl = join(root, 'lda.model');
      writeFileSync(pkl, lda);
      symlinkSync(target, join(root, 'lda.model.state'));
      const r = await scan([pkl], roots ? { roots: [root] } : {});
      return JSON.stringify(r.findings.map((f) => [f.ruleId, f.severity, f.evidence.signal]))
        .split(root)
        .join('<r>');
    };
    for (const roots of [false, true]) {
      it(`an existing and a missing target give one answer${roots ? ' (under --root)' : ''}`, async () => {
        const present = await answer('/etc/hostname', roots);
        const missing = await answer('/etc/hostname-missing-for-this-test', roots);
        assert.equal(missing, present);
        assert.match(present, /PICKLE-STRUCT/);
      });
    }
    it('benign twin: no sibling at all is no finding', async () => {
      const { root } = layout();
      const pkl = join(root, 'lda.model');
      writeFileSync(pkl, lda);
      assert.deepEqual(ids(await scan([pkl])), []);
    });
  });

  describe('a folder replaced by a link between the check and the open', () => {
    /** root/sub/m.pkl is benign when checked; right before it is opened, sub becomes a link to `to`. */
    const swapped = (toInside: boolean): { root: string; path: string } => {
      const { root, out } = layout();
      mkdirSync(join(root, 'sub'));
      writeFileSync(join(root, 'sub', 'm.pkl'), BENIGN);
      const dest = toInside ? join(root, 'other') : join(out, 'sub');
      mkdirSync(dest);
      writeFileSync(join(dest, 'm.pkl'), EVIL);
      const path = join(root, 'sub', 'm.pkl');
      let done = false;
      confineHooks.beforeOpen = (p) => {
        if (done || String(p) !== path) return;
        done = true;
        renameSync(join(root, 'sub'), join(root, 'sub.was'));
        symlinkSync(dest, join(root, 'sub'));
      };
      return { root, path };
    };
    for (const toInside of [false, true]) {
      const what = toInside ? 'a link inside the root (benign twin: read)' : 'a link leaving the root';
      const check = (found: string[]): void => {
        if (toInside) assert.ok(found.includes('PICKLE-EXEC'), found.join(','));
        else {
          assert.ok(!found.includes('PICKLE-EXEC'), found.join(','));
          assert.ok(found.includes('SCAN-INCOMPLETE'), found.join(','));
        }
      };
      it(`${what}: the walk's open`, async () => {
        const { root } = swapped(toInside);
        check(ids(await scan([root])));
      });
      it(`${what}: a path the service checked, scanned under --root`, async () => {
        const { root, path } = swapped(toInside);
        check(ids(await scan([path], { roots: [root] })));
      });
      it(`${what}: the worker's whole-file read`, () => {
        const { root, path } = swapped(toInside);
        const read = (): unknown => readWholeFile(path, 1 << 20, [[root]]);
        if (toInside) assert.equal(Buffer.from((read() as { bytes: Uint8Array }).bytes).toString('latin1'), EVIL);
        else assert.throws(read, ConfinementError);
      });
    }
    it('a walked file replaced by a link is not followed (the walk saw a plain file there)', async () => {
      const { root, out } = layout();
      writeFileSync(join(root, 'm.pkl'), BENIGN);
      const path = join(root, 'm.pkl');
      confineHooks.beforeOpen = (p) => {
        if (String(p) !== path) return;
        delete confineHooks.beforeOpen;
        rmSync(path);
        symlinkSync(join(out, 'evil.pkl'), path);
      };
      const found = ids(await scan([root]));
      assert.ok(!found.includes('PICKLE-EXEC') && found.includes('SCAN-INCOMPLETE'), found.join(','));
    });
  });

  describe('the check on the opened descriptor', () => {
    for (const procFd of [true, false]) {
      const how = procFd ? "the kernel's name for the descriptor" : 'the portable check (real path, same inode)';
      it(`${how}: inside passes, outside and a swap back after the open are refused`, () => {
        const { root, out } = layout();
        mkdirSync(join(root, 'sub'));
        writeFileSync(join(root, 'sub', 'evil.pkl'), BENIGN);
        const within: Confinement = [[root]];
        const inside = openSync(join(root, 'sub', 'evil.pkl'), 'r');
        assert.equal(confinementProblem(inside, join(root, 'sub', 'evil.pkl'), within, procFd), undefined);
        closeSync(inside);
        // Opened through a link to the outside folder, then the folder put back before the check.
        renameSync(join(root, 'sub'), join(root, 'sub.was'));
        symlinkSync(out, join(root, 'sub'));
        const fd = openSync(join(root, 'sub', 'evil.pkl'), 'r');
        assert.match(confinementProblem(fd, join(root, 'sub', 'evil.pkl'), within, procFd) ?? '', /outside|could not/);
        rmSync(join(root, 'sub'));
        renameSync(join(root, 'sub.was'), join(root, 'sub'));
        assert.notEqual(confinementProblem(fd, join(root, 'sub', 'evil.pkl'), within, procFd), undefined);
        closeSync(fd);
        // A second group (a service's roots) must hold too.
        const again = openSync(join(root, 'sub', 'evil.pkl'), 'r');
        assert.notEqual(confinementProblem(again, join(root, 'sub', 'evil.pkl'), [[root], [out]], procFd), undefined);
        assert.equal(
          confinementProblem(again, join(root, 'sub', 'evil.pkl'), [[root], [out, root]], procFd),
          undefined,
        );
        closeSync(again);
      });
    }
    it('a root that is a prefix of another name does not admit it', () => {
      const { root } = layout();
      mkdirSync(root + '-x');
      writeFileSync(join(root + '-x', 'f'), BENIGN);
      assert.throws(() => openConfined(join(root + '-x', 'f'), [[root]]), ConfinementError);
      closeSync(openConfined(join(root + '-x', 'f'), [[root + '-x']]));
    });
  });
});

// No existence oracle: under roots, whatever a path that cannot be opened inside them leads to (an outside file, an
// outside folder without it, nothing at all) gives one answer, word for word; it never depends on what lies outside.
describe('one answer for a path that cannot be opened inside the roots', () => {
  const top = realpathSync(mkdtempSync(join(tmpdir(), 'sentinel-oracle-')));
  let n = 0;
  after(() => rmSync(top, { recursive: true, force: true }));
  afterEach(() => {
    delete confineHooks.beforeOpen;
  });
  type Outside = 'outside file present' | 'outside file missing' | 'nothing there';
  const OUTSIDE: readonly Outside[] = ['outside file present', 'outside file missing', 'nothing there'];
  /** root/sub/m.pkl (benign) and an outside folder `away` holding m.pkl (an exec payload) or not. */
  const layout = (outside: Outside): { base: string; root: string; away: string } => {
    const base = join(top, String(n++));
    const root = join(base, 'root');
    const away = join(base, 'away');
    mkdirSync(join(root, 'sub'), { recursive: true });
    mkdirSync(away);
    writeFileSync(join(root, 'sub', 'm.pkl'), BENIGN);
    if (outside === 'outside file present') writeFileSync(join(away, 'm.pkl'), EVIL);
    return { base, root, away };
  };
  /** root/sub replaced: by a link to the outside folder, or by nothing. */
  const replace = (root: string, away: string, outside: Outside): void => {
    renameSync(join(root, 'sub'), join(root, 'sub.was'));
    if (outside !== 'nothing there') symlinkSync(away, join(root, 'sub'));
  };
  /** The report's findings as text, the scan's own folder written as one placeholder. */
  const answer = async (base: string, path: string, root: string): Promise<string> => {
    const r = await scan([path], { roots: [root] });
    return JSON.stringify(r.findings).split(base).join('<base>');
  };

  for (const when of ['at the open (after the path was looked at)', 'before the scan (when it looks at the path)']) {
    it(`a named file whose folder is replaced ${when}: one answer, no 500`, async () => {
      const seen = new Map<Outside, string>();
      for (const outside of OUTSIDE) {
        const { base, root, away } = layout(outside);
        const path = join(root, 'sub', 'm.pkl');
        if (when.startsWith('at the open')) {
          confineHooks.beforeOpen = (p) => {
            if (String(p) !== path) return;
            delete confineHooks.beforeOpen;
            replace(root, away, outside);
          };
        } else replace(root, away, outside);
        const a = await answer(base, path, root);
        assert.ok(!a.includes('PICKLE-EXEC') && a.includes('SCAN-INCOMPLETE'), a);
        assert.ok(a.includes(NOT_OPENED_INSIDE), a);
        assert.ok(!a.includes('away') && !/ENOENT|ELOOP|EACCES/.test(a), a);
        seen.set(outside, a);
      }
      assert.equal(seen.get('outside file missing'), seen.get('outside file present'));
      assert.equal(seen.get('nothing there'), seen.get('outside file present'));
    });
  }

  it('a walked folder whose subfolder is replaced at the open: one answer', async () => {
    const seen = new Map<Outside, string>();
    for (const outside of OUTSIDE) {
      const { base, root, away } = layout(outside);
      const path = join(root, 'sub', 'm.pkl');
      confineHooks.beforeOpen = (p) => {
        if (String(p) !== path) return;
        delete confineHooks.beforeOpen;
        replace(root, away, outside);
      };
      seen.set(outside, await answer(base, root, root));
    }
    assert.ok(seen.get('outside file present')!.includes(NOT_OPENED_INSIDE));
    assert.equal(seen.get('outside file missing'), seen.get('outside file present'));
    assert.equal(seen.get('nothing there'), seen.get('outside file present'));
  });

  it('a walked folder holding a link out to a file and a link to nothing: one reason for both', async () => {
    const { root, away } = layout('outside file present');
    symlinkSync(join(away, 'm.pkl'), join(root, 'a.pkl'));
    symlinkSync(join(away, 'none.pkl'), join(root, 'b.pkl'));
    const r = await scan([root], { roots: [root] });
    const reasons = (name: string): string[] =>
      r.findings
        .filter((f) => JSON.stringify(f).includes(name))
        .map((f) => String((f.evidence as { signal?: unknown }).signal));
    assert.equal(reasons('a.pkl').length, 1);
    assert.deepEqual(reasons('b.pkl'), reasons('a.pkl'));
  });

  it('benign twin: the same file left in place is scanned, with no SCAN-INCOMPLETE', async () => {
    const { base, root } = layout('outside file present');
    const a = await answer(base, join(root, 'sub', 'm.pkl'), root);
    assert.ok(!a.includes('SCAN-INCOMPLETE'), a);
  });

  it('without roots, a missing named path is still a usage error (the command line: exit 2)', async () => {
    const { root } = layout('nothing there');
    await assert.rejects(scan([join(root, 'gone.pkl')]), /no such file or directory/);
  });
});
