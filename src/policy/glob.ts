// Path globs for policy acceptances and excludes: the matcher lives in core (the walker uses it too).
export { globToRegExp, normalizeGlobPath } from '../core/glob.js';
