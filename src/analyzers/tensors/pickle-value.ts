// Runs one pickle in the VM's value-keeping mode and returns the value at STOP. A pickle the loader would refuse
// (an error CPython or the loader raises before STOP) has no value to convert: that is a CorruptError naming the
// first fatal anomaly. Kept values cost memory, so the opcode budget is lower than a scan's (a checkpoint's pickle
// has thousands of opcodes; the tensor bytes are elsewhere) and the file's time budget applies.
import { CorruptError, LimitError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import type { ByteSource } from '../../sources/byte-source.js';
import type { PickleRun } from '../pickle/facts.js';
import type { PyVal } from '../pickle/values.js';
import { runPickle, type LoaderModel } from '../pickle/vm.js';

/** Opcodes a value-keeping run executes at most (each may keep a value: memory stays in the low GB at worst). */
export const MAX_KEPT_OPCODES = 10_000_000;

export function pickleValue(
  src: ByteSource,
  start: number,
  loader: LoaderModel,
  limits: Limits,
  what: string,
): { value: PyVal; run: PickleRun } {
  const run = runPickle(src, start, src.size, {
    limits: { ...limits, maxOpcodes: Math.min(limits.maxOpcodes, MAX_KEPT_OPCODES) },
    loader,
    keepValues: true,
    deadline: Date.now() + limits.maxFileSeconds * 1000,
  });
  const fatal = run.anomalies.find((a) => a.fatal);
  if (!run.stopped || run.errored || run.value === undefined) {
    const why = fatal ? `${fatal.message} at offset ${fatal.offset} (${fatal.opcode})` : 'it does not reach STOP';
    if (fatal?.code === 'LIMIT') throw new LimitError(fatal.limit ?? 'limit', `${what} cannot be converted: ${why}`);
    throw new CorruptError(`${what} does not load: ${why}`, fatal?.offset ?? start);
  }
  return { value: run.value, run };
}
