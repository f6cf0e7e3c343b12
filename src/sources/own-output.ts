// Sentinel's own outputs met in a walked folder: its JSON reports (and baselines, which are JSON reports), SARIF,
// CycloneDX, GitLab SAST, JUnit, HTML, Markdown and text reports and the policy `sentinel init` writes. Each is
// recognised by its content,
// whole: the file is UTF-8 text, opens with what Sentinel writes first, carries the tool's name where Sentinel puts
// it, and holds nothing else (a JSON document's top-level keys are the report's own, so no loader that reads the
// file by another name finds a chat template or an auto_map in it; an HTML or Markdown report ends the way Sentinel
// ends it). The name only narrows which files are read for it (the extensions these outputs are written with); a
// file of the same name with other content is scanned. Renderers keep these markers (test/api/own-output.test.ts).
import { closeSync, fstatSync, readSync } from 'node:fs';
import { openConfined, type Confinement } from './confine.js';

/** The name Sentinel's reports carry (`tool.name`, SARIF `tool.driver.name`, CycloneDX tool component). */
export const OWN_TOOL_NAME = 'sentinel';
/** The HTML report's generator tag: `<meta name="generator" content="sentinel VERSION">`. */
export const OWN_HTML_GENERATOR = 'sentinel';
/** The first line of the policy `sentinel init` writes. */
export const OWN_POLICY_HEADER =
  '# sentinel-policy.yml: release-gate policy for `sentinel scan` (written by `sentinel init`).';

/** Top-level keys of the JSON report (schemas/report.schema.json). */
export const REPORT_KEYS: ReadonlySet<string> = new Set([
  'schemaVersion',
  'tool',
  'command',
  'targets',
  'startedAt',
  'durationMs',
  'rules',
  'summary',
  'findings',
  'pickles',
  'files',
  'errors',
  'skipped',
  'notes',
  'closed',
  'policy',
  'signatures',
]);

/** Top-level keys of a policy file (schemas/policy.schema.json). */
export const POLICY_KEYS: ReadonlySet<string> = new Set([
  'category',
  'fail_on',
  'ticket_on',
  'retest',
  'owner',
  'categories',
  'rules',
  'preset',
  'max_acceptable_severity',
  'also_allow',
  'allow_packs',
  'torch_safe_globals',
  'test_code',
  'template_runtime',
  'exclude',
  'acceptances',
  'limits',
  'signatures',
]);

const SARIF_KEYS: ReadonlySet<string> = new Set(['$schema', 'version', 'runs']);
const GITLAB_KEYS: ReadonlySet<string> = new Set(['version', 'schema', 'scan', 'vulnerabilities']);
const BOM_KEYS: ReadonlySet<string> = new Set([
  '$schema',
  'bomFormat',
  'specVersion',
  'version',
  'serialNumber',
  'metadata',
  'components',
  'dependencies',
  'vulnerabilities',
]);

/** Extensions these outputs are written with: only such files are read for a marker. */
const CANDIDATE = /\.(json|sarif|cdx|html?|md|markdown|ya?ml|xml|txt|text|log)$/i;
/** Larger files are never taken for an output of Sentinel's (scanned as any file). */
const MAX_OWN_BYTES = 64 * 1024 * 1024;
const HEAD_BYTES = 256;

const HTML_PRELUDE = '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n';
const HTML_END = '</html>\n';
const XML_PRELUDE = '<?xml version="1.0" encoding="UTF-8"?>\n';
/** The JUnit report's root element as Sentinel writes it, then its suites, and its end. */
const JUNIT_ROOT = new RegExp(
  `^<testsuites name="${OWN_TOOL_NAME}" tests="\\d{1,9}" failures="\\d{1,9}" errors="\\d{1,9}" time="[0-9.]{1,20}">\n  <testsuite `,
);
const JUNIT_END = '\n</testsuites>\n';
const MD_HEADS = ['## ✅ Sentinel release gate: **PASSED**\n', '## ❌ Sentinel release gate: **FAILED**\n'];
/**
 * The text report's first line (the full record a file or a pipe receives), as src/report/text.ts writes it. A
 * file that opens with it is neither a pickle (`S` wants a quoted string) nor a requirements list a package
 * installer accepts; the report also ends with its gate line (and that line's indented continuation).
 */
const TEXT_HEAD = 'Sentinel release gate report · ';
const TEXT_FIRST = new RegExp(`^${TEXT_HEAD}${OWN_TOOL_NAME} [^\\n<>]{1,40} · report schema [0-9.]{1,20}\\n\\n`);
const TEXT_END = /\nGate: (?:PASSED|FAILED)[^\n]*\n(?: {2}[^\n]+\n){0,20}$/;
const MD_FOOT = new RegExp(`\\n<sub>${OWN_TOOL_NAME} [^\\n<>]{1,40} · report schema [0-9.]{1,20}</sub>\\n$`);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function keysWithin(o: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  return Object.keys(o).every((k) => allowed.has(k));
}

/** UTF-8 text without NUL or other C0 controls besides tab, LF and CR (no binary container hides in it). */
function decodeText(bytes: Uint8Array): string | undefined {
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * The first `bytes` bytes of the walked file at `path`, opened as the scan opens it (sources/confine.ts: held to
 * `within`, the last name not followed, never waiting on a FIFO) and only when it is still a regular file; undefined
 * otherwise (the scan's own open then reports it). A folder on the way replaced by a link out is refused here, so
 * whether a file outside the folders is a report of Sentinel's never decides what the walk yields.
 */
function readHead(path: string, bytes: number, within: Confinement): Uint8Array | undefined {
  let fd: number | undefined;
  try {
    fd = openConfined(path, within, { noFollow: true });
    if (!fstatSync(fd).isFile()) return undefined;
    const buf = new Uint8Array(bytes);
    let n = 0;
    while (n < bytes) {
      const k = readSync(fd, buf, n, bytes - n, null);
      if (k === 0) break;
      n += k;
    }
    return buf.subarray(0, n);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Which of Sentinel's JSON outputs `text` is, or undefined. */
function jsonKind(text: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(doc)) return undefined;
  const tool = doc['tool'];
  if (
    typeof doc['schemaVersion'] === 'string' &&
    isObject(tool) &&
    tool['name'] === OWN_TOOL_NAME &&
    keysWithin(doc, REPORT_KEYS)
  )
    return 'JSON report';
  const runs = doc['runs'];
  if (
    doc['version'] === '2.1.0' &&
    Array.isArray(runs) &&
    runs.length > 0 &&
    runs.every(
      (r) => isObject(r) && isObject(r['tool']) && (r['tool']['driver'] as { name?: unknown })?.name === OWN_TOOL_NAME,
    ) &&
    keysWithin(doc, SARIF_KEYS)
  )
    return 'SARIF report';
  const meta = doc['metadata'];
  const tools = isObject(meta) && isObject(meta['tools']) ? meta['tools']['components'] : undefined;
  if (
    doc['bomFormat'] === 'CycloneDX' &&
    Array.isArray(tools) &&
    tools.some((t) => isObject(t) && t['name'] === OWN_TOOL_NAME) &&
    keysWithin(doc, BOM_KEYS)
  )
    return 'CycloneDX BOM';
  const scan = doc['scan'];
  if (
    typeof doc['version'] === 'string' &&
    isObject(scan) &&
    isObject(scan['analyzer']) &&
    scan['analyzer']['id'] === OWN_TOOL_NAME &&
    isObject(scan['scanner']) &&
    scan['scanner']['id'] === OWN_TOOL_NAME &&
    Array.isArray(doc['vulnerabilities']) &&
    keysWithin(doc, GITLAB_KEYS)
  )
    return 'GitLab SAST report';
  return undefined;
}

/**
 * A JUnit report Sentinel wrote: its XML declaration, its root element, suites only, its end; no other declaration,
 * document type or entity (nothing an XML reader would expand).
 */
function isOwnJunit(text: string): boolean {
  if (!text.startsWith(XML_PRELUDE) || !text.endsWith(JUNIT_END)) return false;
  const body = text.slice(XML_PRELUDE.length);
  return JUNIT_ROOT.test(body) && !body.includes('<?') && !body.includes('<!');
}

/** A policy `sentinel init` wrote: its header line, and only policy keys at the top level. */
function isOwnPolicy(text: string): boolean {
  if (!text.startsWith(OWN_POLICY_HEADER + '\n')) return false;
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith(' ') || line === '---') continue;
    const m = /^([a-z_]+):( |$)/.exec(line);
    if (!m || !POLICY_KEYS.has(m[1]!)) return false;
  }
  return true;
}

/**
 * What output of Sentinel's the walked file at `path` (`name` its base name, `size` its length, `within` the folders
 * the walk holds its files to) is, e.g. `JSON report`; undefined for any other file (the walk scans it).
 */
export function ownOutputKind(path: string, name: string, size: number, within: Confinement): string | undefined {
  if (!CANDIDATE.test(name) || size === 0 || size > MAX_OWN_BYTES) return undefined;
  const head = readHead(path, Math.min(size, HEAD_BYTES), within);
  if (!head) return undefined;
  const start = new TextDecoder('utf-8').decode(head);
  const kind = start.startsWith('{')
    ? 'json'
    : start.startsWith(HTML_PRELUDE.slice(0, Math.min(HTML_PRELUDE.length, start.length)))
      ? 'html'
      : MD_HEADS.some((h) => start.startsWith(h))
        ? 'markdown'
        : start.startsWith(OWN_POLICY_HEADER.slice(0, Math.min(OWN_POLICY_HEADER.length, start.length)))
          ? 'policy'
          : start.startsWith(XML_PRELUDE)
            ? 'junit'
            : start.startsWith(TEXT_HEAD)
              ? 'text'
              : undefined;
  if (!kind) return undefined;
  const bytes = readHead(path, size, within);
  if (!bytes || bytes.length !== size) return undefined;
  const text = decodeText(bytes);
  if (text === undefined) return undefined;
  switch (kind) {
    case 'json':
      return jsonKind(text);
    case 'html':
      return text.startsWith(HTML_PRELUDE) &&
        text.endsWith(HTML_END) &&
        new RegExp(`<meta name="generator" content="${OWN_HTML_GENERATOR} [^"<>]{1,40}">\\n`).test(
          text.slice(0, text.indexOf('</head>\n') + 1),
        )
        ? 'HTML report'
        : undefined;
    case 'markdown':
      return MD_FOOT.test(text) ? 'Markdown report' : undefined;
    case 'junit':
      return isOwnJunit(text) ? 'JUnit report' : undefined;
    case 'text':
      return TEXT_FIRST.test(text) && TEXT_END.test(text) ? 'text report' : undefined;
    default:
      return isOwnPolicy(text) ? 'policy' : undefined;
  }
}
