// Compares the chat-template constant folder with what CPython's jinja2 rendered for the same expression: a fold
// that claims one exact string must equal jinja2's output; a fold that says unknown is always allowed.
import { parse, tokenize } from '@huggingface/jinja';
import { emptyEnv, foldString, startFoldBudget } from '../../src/analyzers/model/template-fold.js';
import type { JNode } from '../../src/analyzers/model/template-print.js';

export interface OracleCase {
  readonly expr: string;
  readonly value?: string;
  readonly error?: string;
}

export interface OracleResult {
  readonly folded: number;
  readonly unknown: number;
  readonly unparsed: number;
  readonly wrong: string[];
}

export function checkFolds(cases: readonly OracleCase[]): OracleResult {
  let folded = 0;
  let unknown = 0;
  let unparsed = 0;
  const wrong: string[] = [];
  for (const c of cases) {
    let node: JNode;
    try {
      const program = parse(tokenize(`{{ ${c.expr} }}`)) as unknown as { body: JNode[] };
      node = program.body[0]!;
    } catch {
      unparsed++;
      continue;
    }
    startFoldBudget();
    const f = foldString(node, emptyEnv());
    const exact = !f.unknown && !f.safe && !f.items && f.values.length === 1;
    if (!exact) {
      unknown++;
      continue;
    }
    folded++;
    if (c.error !== undefined || f.values[0] !== c.value)
      wrong.push(`${c.expr}: folded ${JSON.stringify(f.values[0])}, jinja2 ${c.error ?? JSON.stringify(c.value)}`);
  }
  return { folded, unknown, unparsed, wrong };
}
