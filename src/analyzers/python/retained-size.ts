// What a module's facts cost to keep: an estimate, in bytes of JavaScript heap, of a PythonModule (plain data:
// objects, arrays, strings, numbers). Used where many modules are kept at once (the DESER project phase), so that
// the memory they hold is bounded by what they hold rather than by their syntax nodes alone: the bytes a node
// leaves behind differ several-fold with the code's shape (a function definition keeps its span, parameters,
// bindings and returns; a long expression keeps little).
import type { PythonModule } from './module-model.js';

/** Header of a heap object, and one slot (a property value or an array element): 64-bit V8, no pointer compression. */
const OBJECT = 24;
const SLOT = 8;
/** An array: its object plus its elements' backing store header. */
const ARRAY = 32 + 16;
/** A string's header; its characters are counted one byte each (one-byte strings) or two. */
const STRING = 16;
/** A number that is not a small integer lives in its own heap box. */
const HEAP_NUMBER = 16;

/**
 * The estimated heap bytes of a module's facts (every object, array and string reachable from it; an object or
 * array shared by two facts is counted once, a string where it is met). Walked with an explicit stack, so a deeply
 * nested expression cannot overflow the call stack; linear in the facts.
 */
export function retainedBytes(mod: PythonModule): number {
  let bytes = 0;
  const stack: object[] = [mod];
  const seen = new Set<object>([mod]);
  const add = (x: unknown): void => {
    if (typeof x === 'object') {
      if (x !== null && !seen.has(x)) {
        seen.add(x);
        stack.push(x);
      }
    } else if (typeof x === 'string') {
      // One byte a character (a two-byte string is rare in facts; the slack of the constants covers it).
      bytes += STRING + x.length;
    } else if (typeof x === 'number' && (x % 1 !== 0 || x >= 2 ** 30 || x < -(2 ** 30))) {
      bytes += HEAP_NUMBER;
    }
  };
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (Array.isArray(v)) {
      bytes += ARRAY + SLOT * v.length;
      for (let i = 0; i < v.length; i++) add(v[i]);
    } else {
      bytes += OBJECT;
      const o = v as Record<string, unknown>;
      for (const k in o) {
        bytes += SLOT;
        add(o[k]);
      }
    }
  }
  return bytes;
}
