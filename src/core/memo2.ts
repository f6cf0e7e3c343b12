// A bounded memo of answers keyed by two keys, for lookups the analysis repeats object after object and file after
// file. Two levels of maps, so a lookup builds no combined key string. Keys may come from scanned streams, so the
// memory is bounded: when it holds `max` answers it forgets them all before remembering the next.

/** Marks an answer that is `undefined` (so it is told apart from one never asked). */
const ABSENT = Symbol('absent');

export class Memo2<A, B, V> {
  private readonly answers = new Map<A, Map<B, V | typeof ABSENT>>();
  private count = 0;

  constructor(private readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`Memo2: max must be at least 1 (got ${max})`);
  }

  /** How many answers are remembered. */
  get size(): number {
    return this.count;
  }

  /** The remembered answer for (a, b), or undefined (never asked, or remembered as undefined). */
  get(a: A, b: B): V | undefined {
    const seen = this.answers.get(a)?.get(b);
    return seen === ABSENT ? undefined : seen;
  }

  /** Remembers `v` for (a, b); forgets every answer first when `max` are held. */
  set(a: A, b: B, v: V): void {
    let byB = this.answers.get(a);
    if (this.count >= this.max) {
      this.answers.clear();
      this.count = 0;
      byB = undefined;
    }
    if (byB === undefined) {
      byB = new Map();
      this.answers.set(a, byB);
    }
    if (!byB.has(b)) this.count++;
    byB.set(b, v === undefined ? ABSENT : v);
  }

  /** The answer for (a, b): remembered, or `compute(a, b)` remembered (an undefined answer too). */
  remember(a: A, b: B, compute: (a: A, b: B) => V): V {
    const seen = this.answers.get(a)?.get(b);
    if (seen !== undefined) return (seen === ABSENT ? undefined : seen) as V;
    const v = compute(a, b);
    this.set(a, b, v);
    return v;
  }

  /** Forgets every answer. */
  clear(): void {
    this.answers.clear();
    this.count = 0;
  }
}
