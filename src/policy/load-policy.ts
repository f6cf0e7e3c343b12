// Loads sentinel-policy.yml: YAML 1.2 via `yaml` (duplicate keys and unknown tags are errors), shape via zod,
// then the semantic checks zod cannot express (allowlist discipline, duplicate categories, fail_on/ticket_on
// overlap, glob syntax). Every problem is path-addressed (`rules.PICKLE-EXEC.fail_on[1]`) with its line:column.
import { signaturePolicyOf } from './signature-policy.js';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import type { Limits } from '../core/limits.js';
import type { Severity } from '../core/severity.js';
import { packIds, type AllowEntry } from '../rules/data/allowlist.js';
import { withDerivedThreshold } from './derived-threshold.js';
import { checkAllowEntry, DEFAULT_JUSTIFICATION } from './also-allow.js';
import { globToRegExp } from './glob.js';
import { DEFAULT_POLICY, type Acceptance, type GateLevel, type Policy } from './policy.js';
import { POLICY_KEYS, PolicyFileSchema, type PolicyFile } from './policy-schema.js';
import { DEFAULT_PRESET, PRESETS } from './presets.js';

export interface PolicyIssue {
  /** Path into the policy (`rules.PICKLE-EXEC.fail_on[1]`), '' for the document itself. */
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly col?: number;
}

export type PolicyLoad =
  { readonly ok: true; readonly policy: Policy } | { readonly ok: false; readonly issues: readonly PolicyIssue[] };

type PathItem = string | number;

/** `rules.PICKLE-EXEC.fail_on[1]` */
export function formatPath(path: readonly PathItem[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s;
}

/** One line per issue: `file:line:col: path: message`. */
export function formatPolicyIssues(source: string, issues: readonly PolicyIssue[]): string {
  return issues
    .map((i) => {
      const pos = i.line !== undefined ? `:${i.line}:${i.col ?? 1}` : '';
      return `${source}${pos}: ${i.path ? `${i.path}: ` : ''}${i.message}`;
    })
    .join('\n');
}

class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lc: LineCounter,
  ) {}

  /** Position of the value at `path`, or of the nearest existing ancestor. */
  value(path: readonly PathItem[]): { line?: number; col?: number } {
    for (let n = path.length; n >= 0; n--) {
      const node = (n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true)) as Node | null | undefined;
      if (node && typeof node === 'object' && 'range' in node && node.range) return this.pos(node.range[0]);
    }
    return {};
  }

  /** Position of the key `key` in the map at `path`. */
  key(path: readonly PathItem[], key: string): { line?: number; col?: number } {
    const map = path.length === 0 ? this.doc.contents : this.doc.getIn(path, true);
    if (isMap(map)) {
      for (const item of map.items) {
        if (isPair(item) && isScalar(item.key) && String(item.key.value) === key && item.key.range) {
          return this.pos(item.key.range[0]);
        }
      }
    }
    return this.value(path);
  }

  private pos(offset: number): { line: number; col: number } {
    const p = this.lc.linePos(offset);
    return { line: p.line, col: p.col };
  }
}

function knownKeys(path: readonly PathItem[]): readonly string[] {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (path.length === 0) return POLICY_KEYS.top;
  if (last === 'limits') return POLICY_KEYS.limits;
  if (last === 'signatures') return POLICY_KEYS.signatures;
  if (last === 'rules') return [];
  if (parent === 'rules') return POLICY_KEYS.rule;
  if (parent === 'categories') return POLICY_KEYS.category;
  if (parent === 'acceptances') return POLICY_KEYS.acceptance;
  if (parent === 'also_allow' || parent === 'torch_safe_globals') return POLICY_KEYS.allow;
  return [];
}

function zodIssues(error: z.ZodError, loc: Locator): PolicyIssue[] {
  const out: PolicyIssue[] = [];
  for (const iss of error.issues) {
    const path = iss.path.filter((p): p is PathItem => typeof p !== 'symbol');
    if (iss.code === 'unrecognized_keys') {
      const known = knownKeys(path);
      for (const k of iss.keys) {
        const what = path[path.length - 1] === 'rules' ? 'unknown rule' : 'unknown key';
        const hint = known.length ? ` (expected ${known.join(', ')})` : '';
        out.push({ path: formatPath([...path, k]), message: `${what} "${k}"${hint}`, ...loc.key(path, k) });
      }
    } else {
      out.push({ path: formatPath(path), message: iss.message, ...loc.value(path) });
    }
  }
  return out;
}

/** Parses and validates policy text. `source` names the file in messages. */
export function parsePolicy(text: string, source: string): PolicyLoad {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false });
  const issues: PolicyIssue[] = [];
  for (const e of [...doc.errors, ...doc.warnings]) {
    const p = lc.linePos(e.pos[0]);
    const msg = e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    issues.push({ path: '', message: `YAML ${e.code}: ${msg}`, line: p.line, col: p.col });
  }
  if (issues.length) return { ok: false, issues };
  keepFingerprintsAsText(doc);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { ok: false, issues: [{ path: '', message: `YAML: ${(e as Error).message}` }] };
  }
  if (raw === null || raw === undefined) raw = {};
  const loc = new Locator(doc, lc);
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, issues: [{ path: '', message: 'the policy must be a mapping of keys', ...loc.value([]) }] };
  }
  const parsed = PolicyFileSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error, loc) };
  return resolve(parsed.data, source, loc);
}

/** An unquoted all-digit fingerprint would load as a number (losing leading zeros): keep its source text. */
function keepFingerprintsAsText(doc: Document): void {
  const list = doc.get('acceptances', true);
  if (!isSeq(list)) return;
  for (const item of list.items) {
    if (!isMap(item)) continue;
    const fp = item.get('fingerprint', true);
    if (isScalar(fp) && typeof fp.value === 'number' && typeof fp.source === 'string') fp.value = fp.source;
  }
}

function level(
  b: { fail_on?: Severity[] | undefined; ticket_on?: Severity[] | undefined; retest?: string; owner?: string },
  path: PathItem[],
  loc: Locator,
  issues: PolicyIssue[],
): GateLevel {
  if (b.fail_on && b.ticket_on) {
    b.ticket_on.forEach((s, i) => {
      if (b.fail_on!.includes(s)) {
        const p = [...path, 'ticket_on', i];
        issues.push({ path: formatPath(p), message: `${s} is also in fail_on`, ...loc.value(p) });
      }
    });
  }
  return {
    ...(b.fail_on ? { failOn: b.fail_on } : {}),
    ...(b.ticket_on ? { ticketOn: b.ticket_on } : {}),
    ...(b.retest !== undefined ? { retest: b.retest } : {}),
    ...(b.owner !== undefined ? { owner: b.owner } : {}),
  };
}

function extensions(
  items: PolicyFile['also_allow'],
  key: 'also_allow' | 'torch_safe_globals',
  loc: Locator,
  issues: PolicyIssue[],
): Map<string, string> {
  const out = new Map<string, string>();
  (items ?? []).forEach((item, i) => {
    const name = typeof item === 'string' ? item : item.name;
    const justification = typeof item === 'string' ? DEFAULT_JUSTIFICATION : item.justification;
    const p: PathItem[] = typeof item === 'string' ? [key, i] : [key, i, 'name'];
    const check = checkAllowEntry(name, key);
    if (!check.ok) {
      issues.push({ path: formatPath(p), message: `refused "${name}": ${check.reason}`, ...loc.value(p) });
    } else if (out.has(check.canonical)) {
      issues.push({ path: formatPath(p), message: `"${name}" is listed twice`, ...loc.value(p) });
    } else out.set(check.canonical, justification);
  });
  return out;
}

function resolve(f: PolicyFile, source: string, loc: Locator): PolicyLoad {
  const issues: PolicyIssue[] = [];
  const top = level(f, [], loc, issues);
  const categories = new Map<string, GateLevel>();
  const blocks: { block: NonNullable<PolicyFile['categories']>[number]; path: PathItem[] }[] = [];
  if (f.category !== undefined) {
    blocks.push({ block: { category: f.category, ...pick(f) }, path: [] });
  }
  (f.categories ?? []).forEach((b, i) => blocks.push({ block: b, path: ['categories', i] }));
  for (const { block, path } of blocks) {
    if (categories.has(block.category)) {
      const p = [...path, 'category'];
      issues.push({ path: formatPath(p), message: `category ${block.category} has two blocks`, ...loc.value(p) });
      continue;
    }
    categories.set(block.category, path.length === 0 ? top : level(block, path, loc, issues));
  }
  const rules = new Map<string, GateLevel>();
  for (const [id, r] of Object.entries(f.rules ?? {})) {
    if (r) rules.set(id, level(r, ['rules', id], loc, issues));
  }
  // A top-level block without `category` sets the defaults for every category.
  const base = DEFAULT_POLICY.defaults;
  const defaults =
    f.category === undefined
      ? {
          failOn: top.failOn ?? base.failOn,
          ticketOn: (top.ticketOn ?? base.ticketOn).filter((s) => !(top.failOn ?? base.failOn).includes(s)),
          ...(top.retest !== undefined ? { retest: top.retest } : {}),
          ...(top.owner !== undefined ? { owner: top.owner } : {}),
        }
      : base;
  const alsoAllow = new Map<string, AllowEntry>();
  for (const [k, reason] of extensions(f.also_allow, 'also_allow', loc, issues)) {
    alsoAllow.set(k, { reason, source: 'policy' });
  }
  const torchSafeGlobals = extensions(f.torch_safe_globals, 'torch_safe_globals', loc, issues);
  const disabledPacks = new Set<string>();
  const known = packIds();
  for (const [id, on] of Object.entries(f.allow_packs ?? {})) {
    if (!known.includes(id)) {
      issues.push({
        path: formatPath(['allow_packs', id]),
        message: `unknown pack "${id}" (expected ${known.join(', ')})`,
        ...loc.key(['allow_packs'], id),
      });
    } else if (!on) disabledPacks.add(id);
  }
  (f.exclude ?? []).forEach((g, i) => {
    try {
      globToRegExp(g);
    } catch (e) {
      const p = ['exclude', i];
      issues.push({ path: formatPath(p), message: (e as Error).message, ...loc.value(p) });
    }
  });
  const acceptances: Acceptance[] = [];
  (f.acceptances ?? []).forEach((a, i) => {
    if (a.path !== undefined) {
      try {
        globToRegExp(a.path);
      } catch (e) {
        const p = ['acceptances', i, 'path'];
        issues.push({ path: formatPath(p), message: (e as Error).message, ...loc.value(p) });
      }
    }
    acceptances.push({
      ...(a.fingerprint !== undefined ? { fingerprint: a.fingerprint } : {}),
      ...(a.rule !== undefined ? { rule: a.rule } : {}),
      ...(a.path !== undefined ? { path: a.path } : {}),
      owner: a.owner,
      reason: a.reason,
      expires: a.expires,
      index: i,
    });
  });
  if (issues.length) return { ok: false, issues };
  const preset = f.preset ?? DEFAULT_PRESET;
  const limits: Partial<Limits> = {};
  for (const [k, v] of Object.entries(f.limits ?? {})) if (v !== undefined) limits[k as keyof Limits] = v;
  return {
    ok: true,
    policy: withDerivedThreshold({
      source,
      defaults,
      categories,
      rules,
      preset,
      maxAcceptableSeverity: f.max_acceptable_severity ?? PRESETS[preset].max,
      thresholdFrom: f.max_acceptable_severity !== undefined || f.preset !== undefined ? 'policy' : 'preset',
      alsoAllow,
      disabledPacks,
      torchSafeGlobals,
      acceptances,
      limits,
      testCode: f.test_code ?? 'ticket',
      templateRuntime: f.template_runtime ?? 'unsandboxed',
      ...(f.exclude?.length ? { exclude: f.exclude } : {}),
      ...(f.signatures ? { signatures: signaturePolicyOf(f.signatures) } : {}),
    }),
  };
}

function pick(f: PolicyFile): Omit<NonNullable<PolicyFile['categories']>[number], 'category'> {
  return {
    ...(f.fail_on ? { fail_on: f.fail_on } : {}),
    ...(f.ticket_on ? { ticket_on: f.ticket_on } : {}),
    ...(f.retest !== undefined ? { retest: f.retest } : {}),
    ...(f.owner !== undefined ? { owner: f.owner } : {}),
  };
}
