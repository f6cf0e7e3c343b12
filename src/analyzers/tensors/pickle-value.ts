// Runs one pickle in the VM's value-keeping mode and returns the value at STOP. A pickle the loader would refuse
// (an error CPython or the loader raises before STOP) has no value to convert: that is a CorruptError naming the
// first fatal anomaly.
import { CorruptError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import type { ByteSource } from '../../sources/byte-source.js';
import type { PickleRun } from '../pickle/facts.js';
import type { PyVal } from '../pickle/values.js';
import { runPickle, type LoaderModel } from '../pickle/vm.js';

export function pickleValue(
  src: ByteSource,
  start: number,
  loader: LoaderModel,
  limits: Limits,
  what: string,
): { value: PyVal; run: PickleRun } {
  const run = runPickle(src, start, src.size, { limits, loader, keepValues: true });
  const fatal = run.anomalies.find((a) => a.fatal);
  if (!run.stopped || run.errored || run.value === undefined) {
    const why = fatal ? `${fatal.message} at offset ${fatal.offset} (${fatal.opcode})` : 'it does not reach STOP';
    throw new CorruptError(`${what} does not load: ${why}`, fatal?.offset ?? start);
  }
  return { value: run.value, run };
}
