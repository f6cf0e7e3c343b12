// PICKLE-STRUCT: structural anomalies that hide execution paths from shallow scanners or break
// loading: stack underflow, mark mismatch, missing memo keys, invalid/truncated opcodes, bytes after STOP,
// duplicate/misplaced PROTO, FRAME straddles, unresolvable STACK_GLOBAL operands, EXT opcodes, persistent ids
// the loader does not expect, and resource-limit exhaustion.
import type { AnomalyCode } from '../analyzers/pickle/facts.js';
import { at } from '../core/location.js';
import type { Rule } from './rule.js';
import { DECISION, OWASP_LLM03, OWNER, streamWhere } from './rule.js';

export const pickleStruct: Rule = {
  meta: {
    id: 'PICKLE-STRUCT',
    category: 'PICKLE',
    severity: 'HIGH',
    title: 'Pickle Opcode Structural Tampering',
    cwe: ['CWE-915'],
    owasp: OWASP_LLM03,
    fpRisk: 'MEDIUM',
    owner: OWNER,
    decision: DECISION.HIGH,
    fixHint: 'Reject structurally abnormal pickle artifacts during intake.',
    fix: 'Re-export the model from a trusted build pipeline and compare the artifact hash against a signed release manifest.',
    description:
      'Finds malformed stack behavior, unexpected reducers, or unusual persistent IDs that can hide execution paths from shallow scanners.',
    firesOn: 'Reducer opcode chains, persistent_load markers, or stack imbalance around object construction.',
  },
  visit: {
    pickle(fact, ctx) {
      const byCode = new Map<AnomalyCode, { first: (typeof fact.run.anomalies)[number]; count: number }>();
      for (const a of fact.run.anomalies) {
        const g = byCode.get(a.code);
        if (g) g.count++;
        else byCode.set(a.code, { first: a, count: 1 });
      }
      for (const [code, g] of byCode) {
        const a = g.first;
        ctx.report(pickleStruct.meta, {
          stream: streamWhere(fact),
          location: at(fact.location, a.offset),
          key: code,
          // Bytes after the last STOP that do not parse as a pickle: no pickle loader reads them (pickle.load stops
          // at STOP; a following pickle is scanned as one). Evidence, not a gate.
          // A record its loader reads only when asked to (torch.jit.load's _restore_shapes): evidence, not a gate.
          ...(code === 'TRAILING_BYTES' || code === 'RECORD_READ_ON_REQUEST' ? { severity: 'LOW' as const } : {}),
          evidence: {
            signal: `${a.opcode} at offset ${a.offset}: ${a.message}${g.count > 1 ? ` (+${g.count - 1} more)` : ''}`,
            opcode: a.opcode,
            offset: a.offset,
            confidence: 'high',
            details: {
              anomaly: code,
              cpythonRaises: a.fatal,
              occurrences: g.count,
              loader: fact.context,
              ...(a.limit ? { limit: a.limit } : {}),
              // Work the load itself does: uncontrolled resource consumption (denial of service) against the consumer.
              ...(code === 'LOAD_COST' ? { cwe: 'CWE-400' } : {}),
              // Out-of-bounds read of the state's items, whose pointers the hook increfs and keeps.
              ...(code === 'NATIVE_STATE' ? { cwe: 'CWE-125' } : {}),
              // A native object whose C fields its constructor never filled: read as pointers by the next code.
              ...(code === 'NATIVE_NEW' ? { cwe: 'CWE-908' } : {}),
              // numpy treats the dtype's items as what its state claims: object pointers read from bytes, fields
              // read and written past the item.
              ...(code === 'DTYPE_STATE' ? { cwe: 'CWE-843' } : {}),
            },
          },
        });
      }
      if (fact.run.droppedAnomalies > 0) {
        ctx.report(pickleStruct.meta, {
          stream: streamWhere(fact),
          location: fact.location,
          key: 'ANOMALY_FLOOD',
          evidence: {
            signal: `${fact.run.droppedAnomalies} further anomalies not recorded individually`,
            confidence: 'high',
          },
        });
      }
    },
  },
};
