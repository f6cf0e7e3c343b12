// PICKLE-EXEC: an import opcode (GLOBAL, STACK_GLOBAL, INST, OBJ target, EXT, or a name resolved
// through getattr/import_module chains) that resolves to a high-risk callable or module, and BUILD applied to an
// imported class/module (attribute overwrite).
import { at, type Location } from '../core/location.js';
import { SB3_DATA, sb3DataKey } from '../formats/json/serialized-values.js';
import type { Rule } from './rule.js';
import { DECISION, OWASP_LLM03, OWNER, streamWhere } from './rule.js';
import { describeImport, groupImports, MAX_REPORTED_GROUPS, reportedGroups } from './pickle-evidence.js';

export const pickleExec: Rule = {
  meta: {
    id: 'PICKLE-EXEC',
    category: 'PICKLE',
    severity: 'CRITICAL',
    title: 'Dangerous Pickle Execution',
    cwe: ['CWE-502'],
    owasp: OWASP_LLM03,
    fpRisk: 'LOW',
    owner: OWNER,
    decision: DECISION.CRITICAL,
    fixHint: 'Do not load untrusted pickle files. Convert the artifact to a non-executable format.',
    fix: 'Replace pickle with safetensors or ONNX. If pickle is unavoidable, use a restricted unpickler with an explicit allowlist and load only trusted artifacts.',
    description:
      'Flags pickle opcode flows that resolve dangerous Python callables such as os.system, subprocess.run, eval, exec, or loader functions that execute code.',
    firesOn: 'GLOBAL or STACK_GLOBAL opcode followed by a high-risk module/function pair.',
  },
  visit: {
    pickle(fact, ctx) {
      const { shown, more, moreCount } = reportedGroups(groupImports(fact, (v) => v.kind === 'dangerous'));
      if (more > 0) {
        ctx.report(pickleExec.meta, {
          stream: streamWhere(fact),
          location: fact.location,
          key: 'MORE_IMPORTS',
          evidence: {
            signal: `${more} further distinct dangerous imports (${moreCount} occurrences) not listed individually`,
            confidence: 'high',
            details: { distinct: more, occurrences: moreCount, loader: fact.context },
          },
        });
      }
      for (const g of shown) {
        const v = g.verdict;
        if (v.kind !== 'dangerous') continue;
        ctx.report(pickleExec.meta, {
          stream: streamWhere(fact),
          location: at(fact.location, g.first.offset),
          key: g.first.canonical,
          evidence: {
            signal: `${describeImport(g.first)} → ${v.reason}${g.invoked.length ? `; invoked by ${g.invoked.join(', ')}` : ''}${readingNote(fact.context, fact.location, v.matched)}`,
            opcode: g.first.opcode,
            offset: g.first.offset,
            module: g.first.importedModule,
            name: g.first.importedName,
            confidence: g.first.afterError ? 'medium' : 'high',
            details: {
              category: v.category,
              matched: v.matched,
              canonical: g.first.canonical,
              occurrences: g.count,
              invoked: g.invoked.length > 0,
              ...(g.first.afterError
                ? { afterError: 'seen after the point where CPython raises; other loaders differ' }
                : {}),
              ...(g.first.derivedVia ? { derivedVia: g.first.derivedVia } : {}),
              ...(g.first.protocol ? { protocol: g.first.protocol } : {}),
              loader: fact.context,
            },
          },
        });
      }
      const buildTargets = new Set<string>();
      for (const c of fact.run.calls) {
        if (c.kind !== 'BUILD_GLOBAL' || !c.callee) continue;
        if (buildTargets.has(c.callee.canonical) || buildTargets.size >= MAX_REPORTED_GROUPS) continue;
        buildTargets.add(c.callee.canonical);
        ctx.report(pickleExec.meta, {
          stream: streamWhere(fact),
          location: at(fact.location, c.offset),
          key: `BUILD_GLOBAL:${c.callee.canonical}`,
          evidence: {
            signal: `BUILD applies attribute state to the imported object ${c.callee.importedModule}.${c.callee.importedName} (rewrites a class/module the process will run)`,
            opcode: c.opcode,
            offset: c.offset,
            module: c.callee.importedModule,
            name: c.callee.importedName,
            confidence: 'high',
            details: { category: 'code-execution', loader: fact.context },
          },
        });
      }
    },
  },
};

/**
 * What a stable-baselines3 user can do about a value of a model's `data` that runs code: its load takes a key given
 * in custom_objects as is, without unpickling it (releases before 2.7 save their schedules as functions, pickled by
 * value with their code).
 */
function readingNote(context: string, location: Location, matched: string | undefined): string {
  // A function cloudpickle wrote by value (its code rebuilt); any other call is no schedule.
  if (context !== SB3_DATA || matched !== 'cloudpickle') return '';
  const key = sb3DataKey(location.chain);
  if (key === undefined) return '';
  return (
    `; stable-baselines3's load unpickles this value unless custom_objects names ${JSON.stringify(key)} ` +
    `(releases before 2.7 save schedules as functions, with their code): where the file is trusted, load it with ` +
    `custom_objects={${JSON.stringify(key)}: <a value>} and save it again with 2.7 or newer`
  );
}
