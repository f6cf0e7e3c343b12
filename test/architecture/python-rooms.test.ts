// The Python analysis is three rooms, lower to higher: the front end (src/analyzers/python/*.ts: parser, scopes,
// name resolution, literals), the TORCH code rules (src/analyzers/python/torch/) and the DESER data flow
// (src/analyzers/deser/). A room never imports a higher one, and no file in them takes part in an import cycle.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';

const SRC = resolve(import.meta.dirname, '..', '..', 'src');
const ROOMS = ['analyzers/python', 'analyzers/python/torch', 'analyzers/deser'];

function* tsFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (e.endsWith('.ts')) yield p;
  }
}

/** The Python room of a file (its folder, when it is one of ROOMS), else undefined. */
function roomOf(file: string): string | undefined {
  const d = relative(SRC, dirname(file)).split(sep).join('/');
  return ROOMS.includes(d) ? d : undefined;
}

/** The import graph of src/ (every relative `from '…'` / `import('…')`, `import type` included). */
function importGraph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of tsFiles(SRC)) {
    const text = readFileSync(f, 'utf8');
    const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
    g.set(
      f,
      specs.map((s) => resolve(dirname(f), s.replace(/\.js$/, '.ts'))),
    );
  }
  return g;
}

/** Strongly connected components with more than one file (or a self-import): the import cycles. */
function cycles(g: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  // Iterative Tarjan (the graph is small, but recursion depth should not depend on it).
  for (const start of g.keys()) {
    if (index.has(start)) continue;
    const work: { v: string; i: number }[] = [{ v: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const succ = (g.get(top.v) ?? []).filter((w) => g.has(w));
      if (top.i < succ.length) {
        const w = succ[top.i++]!;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1]!.v;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!));
      }
      if (low.get(top.v) === index.get(top.v)) {
        const comp: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          comp.push(w);
        } while (w !== top.v);
        if (comp.length > 1 || (g.get(top.v) ?? []).includes(top.v)) out.push(comp);
      }
    }
  }
  return out;
}

describe('Python analysis rooms', () => {
  const g = importGraph();

  it('a room never imports a higher one (front end ← torch ← deser)', () => {
    const bad: string[] = [];
    for (const [f, targets] of g) {
      const from = roomOf(f);
      if (from === undefined) continue;
      for (const t of targets) {
        const to = roomOf(t);
        if (to !== undefined && ROOMS.indexOf(to) > ROOMS.indexOf(from))
          bad.push(`${relative(SRC, f)} → ${relative(SRC, t)}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('no file of the three rooms is part of an import cycle', () => {
    const inRooms = cycles(g)
      .filter((c) => c.some((f) => roomOf(f) !== undefined))
      .map((c) => c.map((f) => relative(SRC, f)).sort());
    assert.deepEqual(inRooms, []);
  });

  it('the cycle check sees a cycle (self-test on a synthetic graph)', () => {
    const synthetic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    assert.deepEqual(
      cycles(synthetic).map((c) => [...c].sort()),
      [['a', 'b', 'c']],
    );
  });

  it('every file of src/analyzers/python and src/analyzers/deser is in one of the rooms', () => {
    const stray = [...g.keys()]
      .filter((f) => /analyzers[\\/](python|deser)[\\/]/.test(relative(SRC, f)) && roomOf(f) === undefined)
      .map((f) => relative(SRC, f));
    assert.deepEqual(stray, []);
  });
});
