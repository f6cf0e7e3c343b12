// TORCH-LOAD-UNTRUSTED, two sources of evidence:
// - code: torch.load / torch.serialization.load (aliases, partials, hub helpers) without weights_only=True, from
//   the Python analyzer's signals;
// - artifacts: a torch checkpoint (zip or legacy) whose pickles cannot load under PyTorch's weights-only
//   unpickler (globals outside its allowlist, opcodes it does not implement, targets it refuses), which forces
//   every consumer onto the unsafe loader.
import { at } from '../core/location.js';
import { opcodeName } from '../formats/pickle/opcodes.js';
import { DECISION, OWASP_LLM03, OWNER, streamWhere, type PickleFact, type Rule } from './rule.js';
import {
  WEIGHTS_ONLY_BLOCKED_MODULES,
  WEIGHTS_ONLY_OPCODES,
  weightsOnlyAllowed,
  weightsOnlyName,
} from './data/torch-weights-only.js';
import { allowEntry } from './data/allowlist.js';
import { reportCodeSignals } from './code-evidence.js';

const CHECKPOINT_CONTEXTS = new Set(['torch-zip', 'torch-legacy']);

export const torchLoadUntrusted: Rule = {
  meta: {
    id: 'TORCH-LOAD-UNTRUSTED',
    category: 'TORCH',
    severity: 'CRITICAL',
    title: 'Untrusted torch.load Deserialization',
    cwe: ['CWE-502'],
    owasp: OWASP_LLM03,
    fpRisk: 'MEDIUM',
    owner: OWNER,
    decision: DECISION.CRITICAL,
    fixHint: 'Load tensors, not executable Python objects.',
    fix: 'Use weights_only=True where supported, load signed state_dict files, and block arbitrary object checkpoint loading in CI.',
    description:
      'Flags code or artifacts that rely on torch.load for untrusted checkpoints without weights_only or an equivalent safe loader path.',
    firesOn:
      'AST call expression torch.load(...) without weights_only=True or artifact metadata showing pickle-backed checkpoint loading.',
  },
  visit: {
    code(fact, ctx) {
      reportCodeSignals(torchLoadUntrusted.meta, fact, ctx);
    },
    pickle(fact, ctx) {
      if (!CHECKPOINT_CONTEXTS.has(fact.context)) return;
      const reasons = weightsOnlyViolations(fact);
      if (reasons.globals.length === 0 && reasons.opcodes.length === 0 && reasons.other.length === 0) return;
      const parts: string[] = [];
      if (reasons.globals.length)
        parts.push(`globals outside the weights-only allowlist: ${reasons.globals.join(', ')}`);
      if (reasons.opcodes.length)
        parts.push(`opcodes the weights-only unpickler does not implement: ${reasons.opcodes.join(', ')}`);
      parts.push(...reasons.other);
      const advice = safeGlobalsAdvice(reasons);
      ctx.report(torchLoadUntrusted.meta, {
        location: at(fact.location, reasons.firstOffset ?? fact.run.start),
        stream: streamWhere(fact),
        key: `weights-only:${[...reasons.globals, ...reasons.opcodes, ...reasons.other].join(',')}`,
        evidence: {
          signal: `pickle-backed checkpoint cannot load with torch.load(weights_only=True): ${parts.join('; ')}${advice}`,
          ...(reasons.firstOffset !== undefined ? { offset: reasons.firstOffset } : {}),
          confidence: 'high',
          details: {
            loader: fact.context,
            globals: reasons.globals,
            opcodes: reasons.opcodes,
            ...(reasons.other.length ? { other: reasons.other } : {}),
          },
        },
      });
    },
  },
};

/** Globals named one by one in the evidence (a stream may import many thousands). */
const MAX_LISTED_GLOBALS = 200;

interface Violations {
  globals: string[];
  opcodes: string[];
  other: string[];
  /** The refused globals a trusted pack admits (the pickle analysis judges their use like any other stream's). */
  admitted: number;
  firstOffset?: number;
}

/**
 * What a reviewer can do when the only obstacle is globals the trusted packs admit (numpy scalars in a training
 * checkpoint's scores, say): torch's own remedy is add_safe_globals in the loader, and the policy's torch_safe_globals
 * says the loader does so. Any other obstacle (an opcode, a container, a persistent id, a name no pack admits) gets
 * no such advice.
 */
function safeGlobalsAdvice(v: Violations): string {
  if (v.opcodes.length || v.other.length || v.globals.length === 0 || v.admitted !== v.globals.length) return '';
  return (
    `. Each of these names is one the trusted packs admit, and the pickle analysis judged how this stream uses them; ` +
    `a loader that calls torch.serialization.add_safe_globals for them loads the file with weights_only=True. If ` +
    `yours does, add each to the policy's torch_safe_globals (${v.globals.map((g) => `name: ${g}`).join('; ')}; each ` +
    `with a justification); otherwise re-save the checkpoint with tensors and Python values only`
  );
}

/** Why PyTorch's weights-only unpickler would refuse this stream. */
export function weightsOnlyViolations(fact: PickleFact): Violations {
  const out: Violations = { globals: [], opcodes: [], other: [], admitted: 0 };
  const seen = new Set<string>();
  const note = (offset: number): void => {
    if (out.firstOffset === undefined || offset < out.firstOffset) out.firstOffset = offset;
  };
  for (const imp of fact.run.imports) {
    if (imp.derivedVia) continue;
    const full =
      imp.unresolved !== undefined && imp.module === '?' ? `<${imp.opcode}>` : weightsOnlyName(imp.module, imp.name);
    const blocked = WEIGHTS_ONLY_BLOCKED_MODULES.has(imp.module);
    if (!blocked && weightsOnlyAllowed(full, fact.torchSafeGlobals)) continue;
    if (!seen.has(full)) {
      seen.add(full);
      if (out.globals.length < MAX_LISTED_GLOBALS) {
        out.globals.push(blocked ? `${full} (blocked module)` : full);
        if (!blocked && imp.unresolved === undefined && allowEntry(imp.canonical) !== undefined) out.admitted++;
      }
    }
    note(imp.offset);
  }
  if (seen.size > MAX_LISTED_GLOBALS) out.globals.push(`… and ${seen.size - MAX_LISTED_GLOBALS} more`);
  fact.run.opcodeCounts.forEach((count, op) => {
    if (count > 0 && !WEIGHTS_ONLY_OPCODES.has(op)) out.opcodes.push(opcodeName(op));
  });
  for (const c of fact.run.calls) {
    // SETITEM(S) may target dict, OrderedDict or Counter; APPEND(S) only list (or user-allowlisted subclasses).
    const dictLike =
      c.callee && (c.callee.canonical === 'collections.OrderedDict' || c.callee.canonical === 'collections.Counter');
    if ((c.kind === 'SETITEM' && !dictLike) || c.kind === 'APPEND' || c.kind === 'ADDITEMS') {
      out.other.push(`${c.kind} on a non-builtin container at offset ${c.offset}`);
      note(c.offset);
      break;
    }
  }
  for (const p of fact.run.persistentIds) {
    if (!(p.shape === 'int' || (p.shape === 'tuple' && p.tag === 'storage'))) {
      out.other.push(
        `persistent id of kind ${p.tag ? `'${p.tag}'` : p.shape} at offset ${p.offset} (only storage tuples or ints load)`,
      );
      note(p.offset);
      break;
    }
  }
  return out;
}
