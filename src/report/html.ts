// HTML reporter: ONE self-contained page (no network, no external fonts or scripts; a CSP with hashes allows only
// its own inline style and script): gate verdict, counts by severity and category as inline SVG bar charts, and a
// filterable, sortable findings table with evidence, location, fix hint and decision. Every value is escaped.
import { createHash } from 'node:crypto';
import type { RuleCategory } from '../core/finding.js';
import { SAFETY_LEVELS, SEVERITIES, safetyRank, type Severity } from '../core/severity.js';
import type { GatedFinding } from '../policy/gate.js';
import { ruleById } from '../rules/index.js';
import { escapeMarkup as e } from './escape-markup.js';
import {
  CLOSURE_WORDS,
  decisionCounts,
  gateReasons,
  onLoad,
  plainReason,
  plainWhere,
  streamWhere,
} from './plain-words.js';
import type { SentinelReport } from './report-model.js';
import { fileFormat } from './text.js';

export interface HtmlOptions {
  /** Page title prefix (default "Sentinel report"). */
  readonly title?: string;
}

const SEV_COLOR: Record<Severity, string> = {
  CRITICAL: '#b3001b',
  HIGH: '#d9480f',
  MEDIUM: '#b08800',
  LOW: '#1c7ed6',
  INFO: '#6c757d',
};

const DECISIONS = ['block', 'gate', 'ticket', 'pass'] as const;
const SEV_RANK: Record<Severity, number> = { CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1, INFO: 0 };

const STYLE = `
:root{color-scheme:light dark;--fg:#1d2125;--bg:#fff;--muted:#5c6670;--line:#d8dee4;--pass:#1a7f37;--fail:#b3001b;--chip:#f1f3f5}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9aa5b1;--line:#30363d;--chip:#161b22}}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1200px;margin:0 auto;padding:24px}h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px}
.verdict{border-left:8px solid var(--pass);padding:12px 16px;background:var(--chip)}.verdict.failed{border-color:var(--fail)}
.verdict .state{font-weight:700}.verdict.failed .state{color:var(--fail)}.verdict.passed .state{color:var(--pass)}
.verdict ul{margin:6px 0 0;padding-left:20px}.muted{color:var(--muted)}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}.tile{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:120px}
.tile b{display:block;font-size:20px}.charts{display:flex;flex-wrap:wrap;gap:24px}.charts figure{margin:0}
.charts figcaption{font-weight:600;margin-bottom:4px}svg text{fill:var(--fg);font-size:12px}
.controls{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}.controls input,.controls select{font:inherit;padding:4px 6px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{position:sticky;top:0;background:var(--bg)}th button{font:inherit;font-weight:600;background:none;border:0;color:inherit;cursor:pointer;padding:0}
th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
.sev{font-weight:700;white-space:nowrap}.sev-CRITICAL{color:${SEV_COLOR.CRITICAL}}.sev-HIGH{color:${SEV_COLOR.HIGH}}
.sev-MEDIUM{color:${SEV_COLOR.MEDIUM}}.sev-LOW{color:${SEV_COLOR.LOW}}.sev-INFO{color:${SEV_COLOR.INFO}}
.dec{display:inline-block;border-radius:10px;padding:0 8px;background:var(--chip);border:1px solid var(--line);white-space:nowrap}
.dec-block,.dec-gate{border-color:var(--fail)}.where,code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;overflow-wrap:break-word}
pre{white-space:pre-wrap;margin:4px 0}details summary{cursor:pointer}dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 12px;margin:6px 0}
dt{color:var(--muted)}dd{margin:0;overflow-wrap:break-word}.over{color:var(--fail);font-weight:700}footer{margin-top:32px;color:var(--muted)}
@media (max-width:640px){main{padding:12px}table,tbody,tr,td{display:block;width:100%}thead{display:none}
tr{border-bottom:1px solid var(--line);padding:6px 0}tr[hidden]{display:none}td{border:0;padding:2px 4px;overflow-wrap:break-word}dl{grid-template-columns:minmax(0,1fr)}
td[data-label]::before{content:attr(data-label);display:block;color:var(--muted);font-size:11px;font-weight:400}}
`;

// Static: reads the table from the DOM (never from strings), keeps filter state in the URL hash.
const SCRIPT = `
(function () {
  'use strict';
  var d = document;
  var table = d.getElementById('findings');
  var ready = function () { d.documentElement.setAttribute('data-ready', '1'); };
  if (!table) { ready(); return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = d.getElementById('q');
  var sel = { severity: d.getElementById('f-severity'), decision: d.getElementById('f-decision'), category: d.getElementById('f-category') };
  var shown = d.getElementById('shown');
  var sortKey = 'severity', sortDir = -1;
  function readHash() {
    var out = {};
    location.hash.slice(1).split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i > 0) { try { out[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1)); } catch (err) { /* ignore */ } }
    });
    return out;
  }
  function writeHash() {
    var parts = [];
    if (q.value) parts.push('q=' + encodeURIComponent(q.value));
    Object.keys(sel).forEach(function (k) { if (sel[k].value) parts.push(k + '=' + encodeURIComponent(sel[k].value)); });
    parts.push('sort=' + sortKey + (sortDir < 0 ? ':desc' : ':asc'));
    try { history.replaceState(null, '', '#' + parts.join('&')); } catch (err) { /* file: URLs may refuse */ }
  }
  function apply() {
    var text = q.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var ok = !text || r.textContent.toLowerCase().indexOf(text) >= 0;
      Object.keys(sel).forEach(function (k) { if (sel[k].value && r.getAttribute('data-' + k) !== sel[k].value) ok = false; });
      r.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' findings shown';
  }
  function sortRows() {
    rows.sort(function (a, b) {
      var x = a.getAttribute('data-sort-' + sortKey) || '', y = b.getAttribute('data-sort-' + sortKey) || '';
      var c = x < y ? -1 : x > y ? 1 : 0;
      if (c === 0) c = Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index'));
      else c *= sortDir;
      return c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      var k = th.getAttribute('data-key');
      if (k) th.setAttribute('aria-sort', k === sortKey ? (sortDir < 0 ? 'descending' : 'ascending') : 'none');
    });
  }
  var h = readHash();
  if (h.q) q.value = h.q;
  Object.keys(sel).forEach(function (k) {
    if (h[k] && Array.prototype.some.call(sel[k].options, function (o) { return o.value === h[k]; })) sel[k].value = h[k];
  });
  if (h.sort) {
    var p = h.sort.split(':');
    if (table.tHead.querySelector('[data-key="' + p[0].replace(/[^a-z]/g, '') + '"]')) { sortKey = p[0]; sortDir = p[1] === 'asc' ? 1 : -1; }
  }
  q.addEventListener('input', function () { apply(); writeHash(); });
  Object.keys(sel).forEach(function (k) { sel[k].addEventListener('change', function () { apply(); writeHash(); }); });
  Array.prototype.forEach.call(table.tHead.querySelectorAll('th[data-key] button'), function (b) {
    b.addEventListener('click', function () {
      var k = b.parentNode.getAttribute('data-key');
      if (k === sortKey) sortDir = -sortDir; else { sortKey = k; sortDir = k === 'severity' || k === 'decision' ? -1 : 1; }
      sortRows(); writeHash();
    });
  });
  sortRows();
  apply();
  ready();
})();
`;

function hash(s: string): string {
  return `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
}

function barChart(label: string, bars: readonly { name: string; value: number; color: string }[]): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rowH = 24;
  const labelW = 96;
  const barW = 200;
  const h = bars.length * rowH + 4;
  const items = bars.map((b, i) => {
    const y = i * rowH + 4;
    const w = b.value === 0 ? 0 : Math.max(2, Math.round((b.value / max) * barW));
    return (
      `<g><title>${e(`${b.name}: ${b.value}`)}</title>` +
      `<text x="0" y="${y + 13}">${e(b.name)}</text>` +
      `<rect x="${labelW}" y="${y}" width="${w}" height="16" rx="2" fill="${b.color}"/>` +
      `<text x="${labelW + w + 6}" y="${y + 13}" data-count="${e(b.name)}">${b.value}</text></g>`
    );
  });
  return (
    `<figure><figcaption>${e(label)}</figcaption>` +
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelW + barW + 48}" height="${h}" viewBox="0 0 ${labelW + barW + 48} ${h}" role="img" aria-label="${e(label)}">` +
    items.join('') +
    `</svg></figure>`
  );
}

/** A detail key as words (`extensionMismatch` → `extension mismatch`): the page shows no field names. */
function label(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}

/** A path, escaped, with line-break opportunities after its separators (never inside a name unless it must). */
function pathHtml(p: string): string {
  return e(p).replace(/([/\\!@])/g, '$1<wbr>');
}

function evidenceDetails(f: GatedFinding): string {
  const ev = f.evidence;
  const rows: [string, string][] = [];
  const add = (k: string, v: string | number | undefined): void => {
    if (v !== undefined && v !== '') rows.push([k, String(v)]);
  };
  add('opcode', ev.opcode);
  add('offset', ev.offset);
  add('module', ev.module);
  add('name', ev.name);
  add('line', ev.line);
  add('confidence', ev.confidence);
  for (const [k, v] of Object.entries(ev.details ?? {})) add(label(k), Array.isArray(v) ? v.join(', ') : String(v));
  add('owner', f.owner);
  add('decision', `${f.decision}: ${plainReason(f.decisionReason)}`);
  add('baseline', f.baseline);
  if (f.accepted) {
    add(
      'accepted',
      `${f.accepted.expired ? 'EXPIRED ' : ''}by ${f.accepted.owner} until ${f.accepted.expires}: ${f.accepted.reason}`,
    );
  }
  add('fix', f.fix);
  add('retest', f.retest);
  add('cwe', f.cwe.join(', '));
  add('owasp', f.owasp);
  add('fingerprint', f.fingerprint);
  return (
    `<details><summary>${e(ev.signal)}</summary>` +
    (ev.snippet ? `<pre>${e(ev.snippet)}</pre>` : '') +
    `<dl>${rows.map(([k, v]) => `<dt>${e(k)}</dt><dd>${e(v)}</dd>`).join('')}</dl></details>`
  );
}

function findingRow(f: GatedFinding, i: number): string {
  const decRank = 3 - DECISIONS.indexOf(f.decision);
  return (
    `<tr data-index="${i}" data-severity="${e(f.severity)}" data-decision="${e(f.decision)}" data-category="${e(f.category)}"` +
    ` data-sort-severity="${SEV_RANK[f.severity]}" data-sort-decision="${decRank}" data-sort-rule="${e(f.ruleId)}"` +
    ` data-sort-where="${e(f.where)}">` +
    `<td class="sev sev-${e(f.severity)}" data-label="Severity">${e(f.severity)}</td>` +
    `<td data-label="Rule"><b>${e(f.ruleId)}</b><br>${e(f.title)}${onLoad(f) ? `<br><span class="muted">${e(onLoad(f)!)}</span>` : ''}</td>` +
    `<td data-label="Decision"><span class="dec dec-${e(f.decision)}">${e(f.decision)}</span>${f.accepted ? `<br><span class="muted">${f.accepted.expired ? 'acceptance expired' : 'accepted'}</span>` : ''}${f.baseline ? `<br><span class="muted">${e(f.baseline)}</span>` : ''}</td>` +
    `<td class="where" data-label="Where">${pathHtml(plainWhere(f.where))}</td>` +
    `<td data-label="Evidence">${evidenceDetails(f)}</td>` +
    `<td data-label="Fix hint">${e(f.fixHint)}</td></tr>`
  );
}

function options(name: string, label: string, values: readonly string[]): string {
  return (
    `<label>${e(label)} <select id="f-${name}"><option value="">all</option>` +
    values.map((v) => `<option value="${e(v)}">${e(v)}</option>`).join('') +
    `</select></label>`
  );
}

/** Renders the report as one self-contained HTML page. */
export function renderHtml(report: SentinelReport, opts: HtmlOptions = {}): string {
  const s = report.summary;
  const g = s.gate;
  const state = g.passed ? 'PASSED' : 'FAILED';
  const categories: RuleCategory[] = [];
  for (const id of [...report.rules, ...report.findings.map((f) => f.ruleId)]) {
    const c = ruleById(id)?.meta.category ?? report.findings.find((f) => f.ruleId === id)?.category;
    if (c !== undefined && !categories.includes(c)) categories.push(c);
  }
  const byCategory = categories.map((c) => ({
    name: c,
    value: report.findings.filter((f) => f.category === c).length,
    color: '#495057',
  }));
  const decisions = DECISIONS.map((d) => `${report.findings.filter((f) => f.decision === d).length} ${d}`).join(' · ');
  const over = new Set(g.overThreshold.map((v) => v.where));
  const title = `${opts.title ?? 'Sentinel report'} — gate ${state}`;
  const body = [
    `<main>`,
    `<section class="verdict ${g.passed ? 'passed' : 'failed'}" id="verdict">`,
    `<h1>Release gate: <span class="state">${state}</span></h1>`,
    `<div class="muted">exit code ${s.exitCode} · ${e(report.command)} ${report.targets.map(e).join(' ')}</div>`,
    g.passed
      ? ''
      : `<ul>${gateReasons(g)
          .map((r) => `<li>${e(r)}</li>`)
          .join('')}</ul>`,
    `</section>`,
    `<div class="tiles">`,
    `<div class="tile"><b id="n-files">${s.files}</b>files</div>`,
    `<div class="tile"><b id="n-pickles">${s.pickles}</b>pickle streams</div>`,
    `<div class="tile"><b id="n-findings">${s.findings}</b>findings</div>`,
    `<div class="tile"><b>${e(s.worstSafety ?? 'n/a')}</b>worst pickle safety</div>`,
    `<div class="tile"><b>${e(g.maxAcceptableSeverity)}</b>highest pickle safety accepted (preset ${e(g.preset)})</div>`,
    `</div>`,
    `<p class="muted">Decisions: ${e(decisionCounts(g).join(' · ') || 'none')} (${decisions})</p>`,
    `<div class="charts">`,
    barChart(
      'Findings by severity',
      SEVERITIES.map((k) => ({ name: k, value: s.bySeverity[k], color: SEV_COLOR[k] })),
    ),
    barChart('Findings by category', byCategory),
    `</div>`,
    `<h2>Findings</h2>`,
    report.findings.length
      ? [
          `<div class="controls"><label>Filter <input id="q" type="search" placeholder="text in any column"></label>`,
          options(
            'severity',
            'Severity',
            SEVERITIES.filter((k) => s.bySeverity[k] > 0),
          ),
          options(
            'decision',
            'Decision',
            DECISIONS.filter((d) => report.findings.some((f) => f.decision === d)),
          ),
          options(
            'category',
            'Category',
            categories.filter((c) => report.findings.some((f) => f.category === c)),
          ),
          `</div>`,
          `<p id="shown" class="muted">${report.findings.length} of ${report.findings.length} findings shown</p>`,
          `<table id="findings"><thead><tr>`,
          `<th data-key="severity"><button type="button">Severity</button></th>`,
          `<th data-key="rule"><button type="button">Rule</button></th>`,
          `<th data-key="decision"><button type="button">Decision</button></th>`,
          `<th data-key="where"><button type="button">Where</button></th>`,
          `<th>Evidence</th><th>Fix hint</th></tr></thead><tbody>`,
          report.findings.map(findingRow).join('\n'),
          `</tbody></table>`,
        ].join('\n')
      : `<p id="no-findings">No findings.</p>`,
    report.pickles.length
      ? [
          `<h2>Pickle streams (safety scale)</h2>`,
          `<p class="muted">${e(report.policy.thresholdRule)}</p>`,
          `<table id="pickles"><thead><tr><th>Safety</th><th>Where</th><th>Loader</th><th>Protocol</th><th>Opcodes</th><th>Imports</th></tr></thead><tbody>`,
          [...report.pickles]
            .sort((a, b) => safetyRank(b.safety) - safetyRank(a.safety))
            .map(
              (p) =>
                `<tr><td${over.has(p.where) ? ' class="over"' : ''} data-label="Safety">${e(p.safety)}${over.has(p.where) ? ' (above what the policy accepts)' : ''}</td>` +
                `<td class="where" data-label="Where">${pathHtml(streamWhere(p.where))}</td><td data-label="Loader">${e(p.context)}</td>` +
                `<td data-label="Protocol">${p.protocol ?? '0/1'}</td><td data-label="Opcodes">${p.opcodes}</td><td data-label="Imports">${p.imports}</td></tr>`,
            )
            .join('\n'),
          `</tbody></table>`,
        ].join('\n')
      : '',
    g.baseline
      ? [
          `<h2>Baseline</h2>`,
          `<p>${e(g.baseline.source)}: ${g.baseline.new} new, ${g.baseline.existing} existing, ${g.baseline.closed} closed.</p>`,
          report.closed.length
            ? `<table id="closed"><thead><tr><th>Rule</th><th>Where</th><th>Closure</th><th>Fingerprint</th></tr></thead><tbody>` +
              report.closed
                .map(
                  (c) =>
                    `<tr><td data-label="Rule">${e(c.ruleId)}</td><td class="where" data-label="Where">${pathHtml(c.where ?? '')}</td>` +
                    `<td data-label="Closure">${e(CLOSURE_WORDS[c.closure])}</td><td data-label="Fingerprint"><code>${e(c.fingerprint)}</code></td></tr>`,
                )
                .join('\n') +
              `</tbody></table>`
            : '',
        ].join('\n')
      : '',
    report.files.length
      ? [
          `<h2>Files</h2>`,
          `<table id="files"><thead><tr><th>File</th><th>Format</th><th>Model</th><th>Bytes</th><th>SHA-256</th></tr></thead><tbody>`,
          report.files
            .map(
              (f) =>
                `<tr><td class="where" data-label="File">${pathHtml(f.path)}</td><td data-label="Format">${e(fileFormat(f))}</td>` +
                `<td data-label="Model">${e([...new Set((f.models ?? []).map((m) => m.format))].join(', '))}</td><td data-label="Bytes">${f.bytes}</td>` +
                `<td data-label="SHA-256">${f.sha256 ? `<code>${e(f.sha256)}</code>` : '<span class="muted">not taken</span>'}</td></tr>`,
            )
            .join('\n'),
          `</tbody></table>`,
        ].join('\n')
      : '',
    report.errors.length
      ? `<h2>Errors</h2><ul id="errors">${report.errors.map((x) => `<li><span class="where">${pathHtml(x.where)}</span>: ${e(x.message)}</li>`).join('')}</ul>`
      : '',
    `<h2>Policy</h2><dl>`,
    `<dt>source</dt><dd>${e(report.policy.source ?? 'built-in default (fail on CRITICAL/HIGH, ticket MEDIUM, strict threshold)')}</dd>`,
    `<dt>fail_on / ticket_on</dt><dd>${e(g.failOn.join(', '))} / ${e(g.ticketOn.join(', ') || '—')}</dd>`,
    `<dt>threshold</dt><dd>${e(g.maxAcceptableSeverity)} (preset ${e(g.preset)}, from ${e(report.policy.thresholdFrom)}${report.policy.thresholdDerivation ? `: ${e(report.policy.thresholdDerivation)}` : ''}; levels: ${SAFETY_LEVELS.join(' < ')})</dd>`,
    `<dt>also_allow</dt><dd>${report.policy.alsoAllow.map((a) => `${e(a.name)} — ${e(a.justification)}`).join('<br>') || '—'}</dd>`,
    `<dt>torch_safe_globals</dt><dd>${report.policy.torchSafeGlobals.map((a) => `${e(a.name)} — ${e(a.justification)}`).join('<br>') || '—'}</dd>`,
    `<dt>acceptances</dt><dd>${report.policy.acceptances} (${report.policy.unusedAcceptances.length} unused)</dd>`,
    `</dl>`,
    `<footer>${e(report.tool.name)} ${e(report.tool.version)} · report schema ${e(report.schemaVersion)} · started ${e(report.startedAt)} · ${report.durationMs} ms</footer>`,
    `</main>`,
  ]
    .filter(Boolean)
    .join('\n');
  const csp = `default-src 'none'; style-src ${hash(STYLE)}; script-src ${hash(SCRIPT)}; img-src 'none'; base-uri 'none'; form-action 'none'`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    // Marks the page as Sentinel's own output: a later scan of the folder it is written into leaves it out.
    `<meta name="generator" content="${e(report.tool.name)} ${e(report.tool.version)}">`,
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${e(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    body,
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
