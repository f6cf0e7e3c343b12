// Allowlist-extension discipline for the policy loader: the check lives with the rules, whose advice on unknown
// names must suggest only entries this check accepts.
export { checkAllowEntry, DEFAULT_JUSTIFICATION, FORBIDDEN_MODULES, type AllowCheck } from '../rules/allow-entry.js';
