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
