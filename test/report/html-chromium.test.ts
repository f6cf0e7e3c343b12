// The HTML report as a person sees it: rendered by headless Chromium (Debian's `chromium`, installed by .ci/run)
// with networking off. Checks the verdict, counts, rows, that the page's own script ran under its CSP, that the
// filter and sort (driven through the URL hash) work, and that attacker-controlled markup never executes.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { renderHtml } from '../../src/report/html.js';
import { sampleReport } from '../helpers/sample-report.js';
import { POLICY_KEYS } from '../../src/policy/policy-schema.js';

const CHROMIUM = process.env['CHROMIUM'] ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);

let dir: string;
let url: string;

function chromium(args: string[]): string {
  const r = spawnSync(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--host-resolver-rules=MAP * ~NOTFOUND',
      `--user-data-dir=${join(dir, 'profile')}`,
      ...args,
    ],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  );
  assert.equal(r.error, undefined, String(r.error));
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The DOM after the page's scripts ran, for the report opened at `hash`. */
function dom(hash = ''): string {
  return chromium(['--dump-dom', url + hash]);
}

function rows(html: string): { hidden: boolean; where: string }[] {
  return [...html.matchAll(/<tr data-index="\d+"([^>]*)>/g)].map((m) => ({
    hidden: /\shidden=""/.test(m[1]!),
    where: /data-sort-where="([^"]*)"/.exec(m[1]!)?.[1] ?? '',
  }));
}

describe('HTML report in headless Chromium', { skip: available ? false : `no Chromium at ${CHROMIUM}` }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sentinel-html-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtml(await sampleReport()));
    url = pathToFileURL(file).href;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the verdict, the counts and every finding; its own script ran; injected markup did not', () => {
    const html = dom();
    assert.match(html, /<html lang="en" data-ready="1">/, 'the inline script ran under the CSP');
    assert.match(html, /<h1>Release gate: <span class="state">FAILED<\/span><\/h1>/);
    assert.match(html, /<b id="n-findings">5<\/b>findings/);
    assert.match(html, /<b id="n-files">6<\/b>files/);
    assert.match(html, /<p id="shown" class="muted">5 of 5 findings shown<\/p>/);
    assert.equal(rows(html).length, 5);
    assert.ok(rows(html).every((r) => !r.hidden));
    // The chart counts a person reads next to the bars.
    assert.match(html, /data-count="CRITICAL">1<\/text>/);
    assert.match(html, /data-count="HIGH">4<\/text>/);
    // Evidence with <script> and <img onerror> in a module name is text, never markup.
    assert.doesNotMatch(html, /data-pwned/);
    assert.doesNotMatch(html, /<img/i);
    assert.equal((html.match(/<script>/g) ?? []).length, 1, 'only the report’s own script element exists');
    assert.match(
      html,
      /&lt;script&gt;document\.body\.dataset\.pwned=1&lt;\/script&gt;&lt;img src=x onerror=alert\(1\)&gt;/,
    );
  });

  it('the severity, decision and category filters, the text filter and the sort work', () => {
    const html = dom('#severity=HIGH&decision=gate&category=SCAN');
    assert.match(html, /1 of 5 findings shown/);
    assert.deepEqual(
      rows(html)
        .filter((r) => !r.hidden)
        .map((r) => r.where),
      ['models/deep.pkl.gz![gzip]'],
    );
    const html2 = dom('#q=pickle-global&sort=where:asc');
    assert.match(html2, /3 of 5 findings shown/);
    const visible = rows(html2)
      .filter((r) => !r.hidden)
      .map((r) => r.where);
    assert.deepEqual(visible, ['models/custom.pkl@26', 'models/framework.pkl@33', 'models/hostile.pkl@94']);
    assert.match(html2, /<th data-key="where" aria-sort="ascending">/);
    const all = rows(html2).map((r) => r.where);
    assert.deepEqual(all, [...all].sort(), 'rows are sorted by location');
  });

  it('renders to pixels (screenshot)', () => {
    const png = join(dir, 'shot.png');
    chromium(['--window-size=1280,1600', `--screenshot=${png}`, url]);
    const bytes = readFileSync(png);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(bytes.length > 20_000, `a blank page would be tiny (${bytes.length} bytes)`);
  });
  // Layout as a person sees it, at a phone's width and a desktop's. Headless Chromium lays a window out at least 500
  // px wide, so the page is shown in a frame of the device's width inside a host page. A copy of the report without
  // its CSP (which would refuse it) gets a measuring script that reports to the host, after layout, whether the page
  // scrolls sideways and every line break inside a location that falls between two characters of one name. The
  // screenshots of both widths are kept in the test output folder (SENTINEL_TEST_OUTPUT, default test-output/).
  for (const [device, width, height] of [
    ['phone', 390, 844],
    ['desktop', 1280, 900],
  ] as const) {
    it(`${device} width (${width} px): no sideways scrolling, no path broken inside a name, no field names`, () => {
      const page = readFileSync(join(dir, 'report.html'), 'utf8').replace(
        /<meta http-equiv="Content-Security-Policy"[^>]*>/,
        '',
      );
      const measure = `<script>addEventListener('load',()=>{const out={width:innerWidth,overflow:document.documentElement.scrollWidth>document.documentElement.clientWidth,wide:[...document.querySelectorAll("body *")].filter((x)=>x.getBoundingClientRect().right>document.documentElement.clientWidth+0.5||x.scrollWidth>x.clientWidth+1&&getComputedStyle(x).overflowX==="visible"&&x.clientWidth>0).slice(0,5).map((x)=>x.tagName+"."+x.className+":"+x.scrollWidth+"/"+x.clientWidth+":"+(x.textContent||"").slice(0,30)),midWord:[]};
for(const el of document.querySelectorAll('.where')){const t=el.textContent;const r=document.createRange();let prev=null;
const walker=document.createTreeWalker(el,NodeFilter.SHOW_TEXT);let n;const chars=[];while((n=walker.nextNode())){for(let i=0;i<n.data.length;i++)chars.push([n,i]);}
for(let k=0;k<chars.length;k++){const [node,i]=chars[k];r.setStart(node,i);r.setEnd(node,i+1);const rect=r.getClientRects()[0];if(!rect)continue;
if(prev&&rect.top>prev.top+2){const a=t[k-1],b=t[k];if(/[A-Za-z0-9_.-]/.test(a)&&/[A-Za-z0-9_.-]/.test(b))out.midWord.push(t.slice(Math.max(0,k-12),k)+'|'+t.slice(k,k+12));}prev=rect;}}
parent.postMessage(JSON.stringify(out),'*');});</script>`;
      const file = join(dir, `measure-${device}.html`);
      writeFileSync(file, page.replace('</body>', `${measure}</body>`));
      const host = join(dir, `host-${device}.html`);
      writeFileSync(
        host,
        `<!doctype html><html><body style="margin:0"><iframe src="${pathToFileURL(file).href}" width="${width}" height="${height}" style="border:0;display:block"></iframe>` +
          `<script>addEventListener('message',(e)=>{const pre=document.createElement('pre');pre.id='measure';pre.textContent=e.data;document.body.append(pre);});</script></body></html>`,
      );
      const win = `--window-size=${Math.max(width, 500)},${height}`;
      const html = chromium([win, '--virtual-time-budget=5000', '--dump-dom', pathToFileURL(host).href]);
      const m = /<pre id="measure">([^<]*)<\/pre>/.exec(html);
      assert.ok(m, 'the measuring script ran');
      const got = JSON.parse(m[1]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&')) as {
        width: number;
        overflow: boolean;
        wide: string[];
        midWord: string[];
      };
      assert.equal(got.width, width, 'laid out at the device width');
      assert.equal(got.overflow, false, `the page scrolls sideways: ${got.wide.join(', ')}`);
      assert.deepEqual(got.midWord, [], 'a location is broken inside a name');
      // No internal field names: camelCase keys are shown as words.
      const dt = [...readFileSync(join(dir, 'report.html'), 'utf8').matchAll(/<dt>([^<]*)<\/dt>/g)].map((x) => x[1]!);
      assert.ok(dt.length > 0);
      // (The policy file's own keys, fail_on, also_allow, ..., are words the person writes.)
      const policyKeys = new RegExp(`\\b(${POLICY_KEYS.top.join('|')})\\b`, 'g');
      for (const k of dt) {
        assert.doesNotMatch(k.replace(policyKeys, ''), /[a-z][A-Z]|_/, `field name shown: ${k}`);
      }
      const out = process.env['SENTINEL_TEST_OUTPUT'] ?? join(import.meta.dirname, '..', '..', 'test-output');
      mkdirSync(out, { recursive: true });
      const png = join(out, `html-report-${device}.png`);
      chromium([win, '--virtual-time-budget=5000', `--screenshot=${png}`, pathToFileURL(host).href]);
      assert.ok(readFileSync(png).length > 10_000, 'a blank page would be tiny');
    });
  }
});
