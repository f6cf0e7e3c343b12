// No existence oracle outside the roots, in the looks a scan makes besides opening files: the walk's filter (a link
// named like tool data, a virtual environment's marker), the DESER phase's project layout (a package's __init__.py,
// project metadata, the local modules a script imports) and the walk's recognition of Sentinel's own reports. Under
// roots (what `sentinel serve` and `sentinel worker` pass), whatever a link leads to outside them — a folder, a file,
// nothing — gives one report, word for word; links and markers inside are honoured as before (benign twins).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { scan } from '../../src/api/scan.js';
import { FOLDER_NOT_INSIDE, walk, type WalkItem } from '../../src/sources/walker.js';
import { renderReport } from '../../src/api/render-report.js';

type Outside = 'a folder' | 'a file' | 'nothing';
const OUTSIDE: readonly Outside[] = ['a folder', 'a file', 'nothing'];

const top = realpathSync(mkdtempSync(join(tmpdir(), 'sentinel-outside-oracle-')));
after(() => rmSync(top, { recursive: true, force: true }));
let n = 0;

/** A fresh `root` (the scan's root) and `away` beside it, outside the root. */
function layout(): { base: string; root: string; away: string } {
  const base = join(top, String(n++));
  const root = join(base, 'root');
  const away = join(base, 'away');
  mkdirSync(root, { recursive: true });
  mkdirSync(away, { recursive: true });
  return { base, root, away };
}

/** `away/target` made to be `what` (a folder holding `inner` files, a file, or nothing). */
function outside(away: string, what: Outside, inner: readonly string[] = []): string {
  const t = join(away, 'target');
  if (what === 'a folder') {
    mkdirSync(t);
    for (const f of inner) writeFileSync(join(t, f), 'x = 1\n');
  } else if (what === 'a file') writeFileSync(t, 'x = 1\n');
  return t;
}

/** The report's findings, skipped entries and notes, the scan's own folder written as one placeholder. */
async function answer(base: string, paths: readonly string[], roots: readonly string[] | undefined): Promise<string> {
  const r = await scan(paths, roots ? { roots } : {});
  const { findings, skipped, notes } = r as unknown as { findings: unknown; skipped: unknown; notes: unknown };
  return JSON.stringify({ findings, skipped, notes }).split(base).join('<base>');
}

async function oneAnswer(make: (o: Outside) => { base: string; paths: string[]; roots: string[] }): Promise<string> {
  const seen = new Map<Outside, string>();
  for (const o of OUTSIDE) {
    const { base, paths, roots } = make(o);
    const a = await answer(base, paths, roots);
    assert.ok(!a.includes('away'), a);
    seen.set(o, a);
  }
  assert.equal(seen.get('a file'), seen.get('a folder'));
  assert.equal(seen.get('nothing'), seen.get('a folder'));
  return seen.get('a folder')!;
}

describe('no existence oracle in the looks a scan makes under roots', () => {
  describe('the walk filter', () => {
    for (const name of ['node_modules', '__pycache__', 'env']) {
      it(`a link named ${name} leading out (to a folder, a virtual environment, a file, nothing): one answer`, async () => {
        const a = await oneAnswer((o) => {
          const { base, root, away } = layout();
          writeFileSync(join(root, 'a.txt'), 'hello\n');
          symlinkSync(outside(away, o, ['pyvenv.cfg']), join(root, name));
          return { base, paths: [root], roots: [root] };
        });
        assert.ok(a.includes('symlink does not lead inside the scan root'), a);
      });
    }

    it('a folder inside whose pyvenv.cfg is a link out: one answer, taken for a virtual environment', async () => {
      const a = await oneAnswer((o) => {
        const { base, root, away } = layout();
        mkdirSync(join(root, 'v'));
        writeFileSync(join(root, 'v', 'm.txt'), 'hello\n');
        symlinkSync(outside(away, o), join(root, 'v', 'pyvenv.cfg'));
        return { base, paths: [root], roots: [root] };
      });
      assert.ok(a.includes('virtual environment (skipped by default)'), a);
    });

    it('benign twins: links and virtual environments inside are left out as before, and so is a link out without roots', async () => {
      const { base, root, away } = layout();
      mkdirSync(join(root, 'real-env'));
      writeFileSync(join(root, 'real-env', 'pyvenv.cfg'), 'home = /usr\n');
      symlinkSync(join(root, 'real-env'), join(root, 'env'));
      mkdirSync(join(root, 'deps'));
      symlinkSync(join(root, 'deps'), join(root, 'node_modules'));
      const a = await answer(base, [root], [root]);
      assert.match(a, /"path":"<base>\/root\/env","reason":"virtual environment \(skipped by default\)"/);
      assert.match(a, /"path":"<base>\/root\/node_modules","reason":"JavaScript dependencies \(skipped by default\)"/);
      assert.ok(!a.includes('SCAN-INCOMPLETE'), a);
      symlinkSync(outside(away, 'a folder'), join(root, 'elsewhere'));
      rmSync(join(root, 'node_modules'));
      symlinkSync(join(away, 'target'), join(root, 'node_modules'));
      const cli = await answer(base, [root], undefined);
      assert.match(
        cli,
        /"path":"<base>\/root\/node_modules","reason":"JavaScript dependencies \(skipped by default\)"/,
      );
    });
  });

  describe("the DESER phase's project layout", () => {
    const SCRIPT = 'import pickle\nimport helper\n\ndef handle(body):\n    return pickle.loads(body)\n';

    it('a script named alone whose imported module is a link out: one answer', async () => {
      const a = await oneAnswer((o) => {
        const { base, root, away } = layout();
        writeFileSync(join(root, 's.py'), SCRIPT);
        symlinkSync(outside(away, o), join(root, 'helper.py'));
        return { base, paths: [join(root, 's.py')], roots: [root] };
      });
      assert.ok(a.includes('imports-not-followed'), a);
    });

    it('a script whose imported package is a link out to a folder (holding __init__.py or not): one answer', async () => {
      await oneAnswer((o) => {
        const { base, root, away } = layout();
        writeFileSync(join(root, 's.py'), SCRIPT);
        symlinkSync(outside(away, o, ['__init__.py']), join(root, 'helper'));
        return { base, paths: [join(root, 's.py')], roots: [root] };
      });
    });

    it('project metadata that is a link out: one answer', async () => {
      await oneAnswer((o) => {
        const { base, root, away } = layout();
        writeFileSync(join(root, 's.py'), SCRIPT);
        writeFileSync(join(root, 'helper.py'), 'def f():\n    return 1\n');
        symlinkSync(outside(away, o), join(root, 'pyproject.toml'));
        return { base, paths: [join(root, 's.py')], roots: [root] };
      });
    });

    it('a package at the top of the root: the project never reaches above the root, whatever lies there', async () => {
      const a = await oneAnswer((o) => {
        const { base, root, away } = layout();
        mkdirSync(join(root, 'pkg'));
        writeFileSync(join(root, '__init__.py'), '');
        writeFileSync(join(root, 'pkg', '__init__.py'), '');
        writeFileSync(join(root, 'pkg', 's.py'), SCRIPT.replace('import helper', 'from .. import helper'));
        // Beside the root: a package marker and a module the project would otherwise list.
        if (o !== 'nothing') writeFileSync(join(base, '__init__.py'), '');
        if (o === 'a folder') writeFileSync(join(base, 'helper.py'), 'import pickle\npickle.loads(open(0).read())\n');
        void away;
        return { base, paths: [join(root, 'pkg')], roots: [root] };
      });
      assert.ok(!a.includes('helper.py'), a);
    });
  });

  it('a named folder that leads out, with or without a signature file there: one answer', async () => {
    const a = await oneAnswer((o) => {
      const { base, root, away } = layout();
      const t = outside(away, o, ['model.sig', 'm.txt']);
      symlinkSync(t, join(root, 'sub'));
      return { base, paths: [join(root, 'sub')], roots: [root] };
    });
    assert.ok(!a.includes('SIGN-') && a.includes('SCAN-INCOMPLETE'), a);
  });

  it('a walked folder whose subfolder is replaced by a link out while the walk runs: nothing outside is listed', async () => {
    const seen = new Map<Outside, string>();
    for (const o of OUTSIDE) {
      const { base, root, away } = layout();
      mkdirSync(join(root, 'sub'));
      writeFileSync(join(root, 'sub', 'm.txt'), 'inside\n');
      writeFileSync(join(root, 'z.txt'), 'hello\n');
      const t = outside(away, o, ['secret-name.txt']);
      if (o === 'a folder') mkdirSync(join(t, 'deeper'));
      const items: WalkItem[] = [];
      for (const item of walk([root], { confineTo: [root] })) {
        items.push(item);
        // The walk has looked at `sub` (a folder) and yields the root's last file; `sub` is listed next.
        if (item.path.endsWith('z.txt')) {
          renameSync(join(root, 'sub'), join(root, 'sub.was'));
          if (o !== 'nothing') symlinkSync(t, join(root, 'sub'));
        }
      }
      const shown = JSON.stringify(items.map((i) => [i.kind, i.stable, 'reason' in i ? i.reason : '']))
        .split(base)
        .join('');
      assert.ok(!shown.includes('secret-name') && !shown.includes('deeper'), shown);
      seen.set(o, shown);
    }
    assert.ok(seen.get('a folder')!.includes(FOLDER_NOT_INSIDE), seen.get('a folder'));
    assert.equal(seen.get('a file'), seen.get('a folder'));
    assert.equal(seen.get('nothing'), seen.get('a folder'));
  });

  it("a folder swapped for a link out while its entries are looked at: each entry is the listed folder's own", () => {
    const { root, away } = layout();
    mkdirSync(join(root, 'sub'));
    writeFileSync(join(root, 'sub', 'a.txt'), 'a');
    writeFileSync(join(root, 'sub', 'b.txt'), 'bb');
    mkdirSync(join(away, 'other'));
    writeFileSync(join(away, 'other', 'a.txt'), 'x'.repeat(5000));
    writeFileSync(join(away, 'other', 'b.txt'), 'x'.repeat(5000));
    const sizes = new Map<string, number>();
    for (const item of walk([root], { confineTo: [root] })) {
      if (item.kind === 'file') sizes.set(item.stable, item.size);
      // `sub` was opened and listed; its second entry is looked at after this yield, with `sub` now leading out.
      if (item.kind === 'file' && item.stable === join('sub', 'a.txt')) {
        renameSync(join(root, 'sub'), join(root, 'sub.was'));
        symlinkSync(join(away, 'other'), join(root, 'sub'));
      }
    }
    assert.equal(sizes.get(join('sub', 'a.txt')), 1);
    assert.equal(sizes.get(join('sub', 'b.txt')), 2, JSON.stringify([...sizes]));
  });

  describe("the walk's recognition of Sentinel's own reports", () => {
    it('a folder replaced by a link out while the walk runs: a report of Sentinel outside is not told apart', async () => {
      const report = await renderReport(await scan([join(top, 'nothing-here')], { roots: [top] }), 'json');
      const seen = new Map<string, string>();
      for (const content of ['a report', 'other JSON']) {
        const { root, away } = layout();
        writeFileSync(join(root, 'z.txt'), 'hello\n');
        mkdirSync(join(root, 'sub'));
        writeFileSync(join(root, 'sub', 'report.json'), '{"a": 1}\n');
        writeFileSync(join(away, 'report.json'), content === 'a report' ? report : '{"b": 2}\n');
        const items: WalkItem[] = [];
        for (const item of walk([root], { confineTo: [root] })) {
          items.push(item);
          // The walk has looked at `sub` (a folder) and yields the root's last file; `sub` is listed next, by its path.
          if (item.path.endsWith('z.txt')) {
            renameSync(join(root, 'sub'), join(root, 'sub.was'));
            symlinkSync(away, join(root, 'sub'));
          }
        }
        const shown = items.map((i) => `${i.kind} ${i.stable} ${'reason' in i ? i.reason : ''}`);
        assert.ok(!shown.some((s) => s.includes('written by Sentinel')), shown.join('\n'));
        seen.set(content, JSON.stringify(shown));
      }
      assert.equal(seen.get('a report'), seen.get('other JSON'));
    });
  });
});
