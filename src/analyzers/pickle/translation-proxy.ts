// Sphinx's translated labels (the sphinx history pack): sphinx.locale._TranslationProxy, which a build environment's
// configuration and domain labels hold. Its released versions store either a translation function and its string
// arguments (Sphinx 1.6 - 5.x: NEWOBJ of the class with the function and its arguments, then a BUILD of the pair
// (function, arguments)) or three strings (6.0 on: the catalogue, the namespace and the message, a BUILD of the
// triple). Its string form, comparisons, hash and attribute lookups call the stored function with the stored arguments
// (up to 5.x) or look the message up in Sphinx's translators (6.0 on): the pack admits the class only in the shapes
// Sphinx writes (HistoryCheck 'translation-proxy'), so that what the object calls is Sphinx's own translation function
// on strings. Its __new__ of 1.6 - 5.x returns str() of its first argument when given no others.
import { K, type PyVal, kindName } from './values.js';

/** The translation functions Sphinx's releases hand the proxy (stored references of the pack, never called by a load). */
const TRANSLATORS = new Set(['sphinx.locale._lazy_translate', 'sphinx.locale.mygettext']);

function isTranslator(v: PyVal | undefined): boolean {
  return typeof v === 'object' && v.k === K.Global && TRANSLATORS.has(v.imp.canonical);
}

/** A str of the stream (short ones are kept as JS strings; a long or lost one is still a str). */
export function isStr(v: PyVal | undefined): boolean {
  return typeof v === 'string' || (typeof v === 'object' && v.k === K.Str);
}

/** The items of a tuple whose items were all kept, else undefined. */
function tupleItems(v: PyVal | undefined): readonly PyVal[] | undefined {
  return typeof v === 'object' && v.k === K.Tuple && v.more === 0 ? v.items : undefined;
}

function noKeywords(kwargs: PyVal | undefined): boolean {
  return kwargs === undefined || (typeof kwargs === 'object' && kwargs.k === K.Dict && kwargs.n === 0);
}

/**
 * Why NEWOBJ's arguments are not a shape Sphinx writes: none (6.0 on, copyreg's __newobj__ of the class alone), or
 * a translation function of Sphinx followed by one or more strings (1.6 - 5.x, the proxy's __getnewargs__).
 * `args` undefined: arguments the analysis does not hold.
 */
export function translationProxyArgsProblem(args: PyVal | undefined, kwargs: PyVal | undefined): string | undefined {
  if (!noKeywords(kwargs)) return 'keyword arguments';
  const items = tupleItems(args);
  if (items === undefined) return 'arguments the analysis does not hold';
  if (items.length === 0) return undefined;
  if (!isTranslator(items[0]))
    return `a first argument that is ${typeof items[0] === 'object' && items[0].k === K.Global ? items[0].imp.canonical : kindName(items[0]!)}, not one of Sphinx's translation functions`;
  if (items.length < 2) return 'a translation function with no message (its __new__ then returns str() of it)';
  const other = items.slice(1).find((x) => !isStr(x));
  return other === undefined ? undefined : `a translation argument that is ${kindName(other)}, not a str`;
}

/**
 * Why a BUILD state is not one Sphinx writes: three strings (6.0 on) or a pair of a translation function of Sphinx and
 * a tuple of strings (1.6 - 5.x).
 */
export function translationProxyStateProblem(state: PyVal): string | undefined {
  const items = tupleItems(state);
  if (items === undefined) return `a state that is ${kindName(state)}, not a tuple whose items were all kept`;
  if (items.length === 3 && items.every(isStr)) return undefined;
  if (items.length === 2 && isTranslator(items[0])) {
    const args = tupleItems(items[1]);
    if (args !== undefined && args.length > 0 && args.every(isStr)) return undefined;
    return 'a translation function whose arguments are not a tuple of strings';
  }
  return "a state other than three strings or (one of Sphinx's translation functions, a tuple of strings)";
}
