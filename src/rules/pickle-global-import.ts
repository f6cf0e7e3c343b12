// PICKLE-GLOBAL-IMPORT: any import outside the trusted ML allowlist that is not itself dangerous,
// including imports whose name cannot be resolved statically (dynamic STACK_GLOBAL operands, unregistered EXT).
import { at } from '../core/location.js';
import type { Rule } from './rule.js';
import { DECISION, OWASP_LLM03, OWNER, streamWhere } from './rule.js';
import { describeImport, groupImports, reportedGroups } from './pickle-evidence.js';
import { toolCacheOfStream, unknownNameAdvice } from './unknown-name-advice.js';

export const pickleGlobalImport: Rule = {
  meta: {
    id: 'PICKLE-GLOBAL-IMPORT',
    category: 'PICKLE',
    severity: 'HIGH',
    title: 'Unexpected Global Import',
    cwe: ['CWE-502', 'CWE-829'],
    owasp: OWASP_LLM03,
    fpRisk: 'MEDIUM',
    owner: OWNER,
    decision: DECISION.HIGH,
    fixHint: 'Restrict allowed globals and require signed model artifacts.',
    fix: 'Review the artifact provenance, pin source checksums, and allow only expected model classes and tensor containers.',
    description: 'Detects pickle streams importing modules outside a trusted ML allowlist during artifact load.',
    firesOn:
      'GLOBAL opcode references modules such as posix, nt, subprocess, socket, urllib, importlib, or sitecustomize; every import outside the allowlist counts.',
  },
  visit: {
    pickle(fact, ctx) {
      const { shown, more, moreCount } = reportedGroups(
        groupImports(fact, (v) => v.kind === 'unknown' || v.kind === 'unresolved'),
      );
      if (more > 0) {
        ctx.report(pickleGlobalImport.meta, {
          stream: streamWhere(fact),
          location: fact.location,
          key: 'MORE_IMPORTS',
          evidence: {
            signal: `${more} further distinct imports outside the trusted ML allowlist (${moreCount} occurrences) not listed individually`,
            confidence: 'high',
            details: { distinct: more, occurrences: moreCount, loader: fact.context },
          },
        });
      }
      // A stream rooted at a documentation build cache's own class says so for every name it holds.
      const streamCache = shown.length ? toolCacheOfStream(fact.run.imports.map((i) => i.canonical)) : undefined;
      for (const g of shown) {
        const unresolved = g.verdict.kind === 'unresolved';
        const advice =
          g.verdict.kind === 'unknown' && g.verdict.policyMayAdmit
            ? unknownNameAdvice(g.first.canonical, g.invoked.length > 0, g.verdict.note !== undefined, streamCache)
            : undefined;
        // What the file is (a documentation build cache) and a pack review's reason, each when known.
        const said = [
          advice?.toolCache !== undefined ? `this file is ${advice.toolCache}` : undefined,
          g.verdict.kind === 'unknown' ? g.verdict.note : undefined,
        ].filter((x) => x !== undefined && x !== '');
        const opening = said.length ? said.join('; ') : 'not in the trusted ML allowlist';
        ctx.report(pickleGlobalImport.meta, {
          stream: streamWhere(fact),
          location: at(fact.location, g.first.offset),
          key: unresolved ? `unresolved:${g.first.opcode}` : g.first.canonical,
          evidence: {
            signal: unresolved
              ? describeImport(g.first)
              : `${describeImport(g.first)}: ${opening}${g.invoked.length ? `; invoked by ${g.invoked.join(', ')}` : ''}${advice ? `; ${advice.text}` : ''}`,
            opcode: g.first.opcode,
            offset: g.first.offset,
            ...(unresolved ? {} : { module: g.first.importedModule, name: g.first.importedName }),
            confidence: unresolved ? 'medium' : 'high',
            details: {
              occurrences: g.count,
              loader: fact.context,
              ...(unresolved ? { unresolved: g.first.unresolved ?? '' } : { canonical: g.first.canonical }),
              ...(g.verdict.kind === 'unknown' && g.verdict.framework ? { framework: true } : {}),
              ...(advice
                ? {
                    library: advice.library,
                    ...(advice.toolCache !== undefined ? { toolCache: advice.toolCache } : {}),
                    ...(advice.packs.length ? { packs: advice.packs } : {}),
                    ...(advice.alsoAllow !== undefined ? { alsoAllow: advice.alsoAllow } : {}),
                    ...(advice.refused !== undefined ? { alsoAllowRefused: advice.refused } : {}),
                  }
                : {}),
              ...(g.first.afterError ? { afterError: 'seen after the point where CPython raises' } : {}),
            },
          },
        });
      }
    },
  },
};
