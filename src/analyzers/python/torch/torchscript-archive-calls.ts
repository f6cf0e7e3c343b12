// Calls of a TorchScript archive's own code at load: a method of the same class or of an archive class, a free
// function of the archive. torch resolves them to those definitions before any operator of the same name
// (`self.outer(a, b)`, `__torch__.h.mm(a, b)`), so the load rules never charge them as the operator.
import type { CallSite } from '../module-model.js';

const ARCHIVE_CALLS = new WeakSet<CallSite>();

/** Records a call the archive's index resolved to one of its own definitions. */
export function markArchiveCall(call: CallSite): void {
  ARCHIVE_CALLS.add(call);
}

/** Whether a call names archive code rather than an operator: an indexed definition, or a `__torch__` name. */
export function archiveCode(call: CallSite): boolean {
  return ARCHIVE_CALLS.has(call) || /^\s*__torch__\s*\./.test(call.callee.raw);
}
