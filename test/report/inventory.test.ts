// The file inventory in every report: each scanned file with its formats and, where the report shows digests, its
// SHA-256; PyTorch archives, legacy torch.save files and joblib files under the model files; a checked chat
// template leaves `checked: template`. Case table: one row per file, checked in each format.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { renderReport, scan, type SentinelReport } from '../../src/api/index.js';
import { renderText } from '../../src/report/text.js';
import { P } from '../helpers/pickle-builder.js';

const FIX = join(import.meta.dirname, '..', 'fixtures');

/** name -> [fixture (or undefined: written here), formats, model format in the inventory, checked] */
const FILES: [string, string | undefined, string, string | undefined, string | undefined][] = [
  ['checkpoint.pt', 'real/torch/adam-optimizer.pt', 'torch-checkpoint', 'torch-checkpoint', undefined],
  ['legacy.pt', 'real/torch/legacy-state-dict.pt', 'torch-legacy', 'torch-legacy', undefined],
  ['script.pt', 'real/torch/jit-script.pt', 'torch-torchscript', 'torch-torchscript', undefined],
  ['model.joblib', 'real/joblib/logreg.joblib', 'pickle', 'joblib', undefined],
  ['model-zlib.joblib', 'real/joblib/logreg-zlib-3.joblib', 'zlib > pickle', 'joblib', undefined],
  ['tokenizer_config.json', 'model/hf-folder/tokenizer_config.json', 'json', undefined, 'template'],
  ['chat_template.jinja', 'model/hf-folder/chat_template.jinja', 'jinja', undefined, 'template'],
  // Benign twins: a plain pickle is no model file, a JSON without a template was not checked for one.
  ['plain.pkl', undefined, 'pickle', undefined, undefined],
  ['config.json', 'model/hf-folder/config.json', 'json', undefined, undefined],
];

let dir: string;
let report: SentinelReport;
const rendered: Record<string, string> = {};

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sentinel-inventory-'));
  for (const [name, from] of FILES) {
    if (from) copyFileSync(join(FIX, from), join(dir, name));
    else writeFileSync(join(dir, name), new P().proto(4).emptyDict().stop().bytes());
  }
  report = await scan([dir]);
  for (const f of ['json', 'sarif', 'cyclonedx', 'html', 'markdown'] as const)
    rendered[f] = await renderReport(report, f);
  rendered['text'] = renderText(report, { verbose: true, width: 400 });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string) => report.files.find((f) => f.path.endsWith(`/${name}`) || f.path.endsWith(`\\${name}`))!;

describe('the file inventory', () => {
  it('every file is scanned, with its formats, its digest, its model format and what was checked', () => {
    assert.equal(report.files.length, FILES.length);
    for (const [name, , formats, model, checked] of FILES) {
      const f = file(name);
      assert.ok(f, name);
      assert.equal(f.formats.join(' > '), formats, name);
      assert.match(f.sha256 ?? '', /^[0-9a-f]{64}$/, name);
      assert.deepEqual(
        (f.models ?? []).map((m) => m.format),
        model ? [model] : [],
        name,
      );
      assert.deepEqual(f.checked, checked ? [checked] : undefined, name);
    }
  });

  it('text --verbose lists each file with digest and format, and the model files', () => {
    const t = rendered['text']!;
    const models = t.slice(t.indexOf('Model files ('));
    for (const [name, , formats, model, checked] of FILES) {
      const f = file(name);
      const line = t.split('\n').find((l) => l.includes(f.sha256!)) ?? '';
      assert.ok(line.includes(f.path), name);
      assert.ok(line.endsWith(`${formats}${checked ? `; checked: ${checked}` : ''}`), line);
      const listed = models.split('\n').some((l) => l.includes(f.path) && model && l.includes(model));
      assert.equal(listed, model !== undefined, `${name} under Model files`);
    }
  });

  it('JSON, SARIF and CycloneDX carry each file with its format and digest', () => {
    const json = JSON.parse(rendered['json']!) as { files: { path: string; formats: string[]; sha256: string }[] };
    const sarif = JSON.parse(rendered['sarif']!) as {
      runs: {
        artifacts: { hashes: Record<string, string>; properties: { formats: string[]; checked?: string[] } }[];
      }[];
    };
    const bom = JSON.parse(rendered['cyclonedx']!) as {
      components: { hashes?: { content: string }[]; properties: { name: string; value: string }[] }[];
    };
    for (const [name, , formats, , checked] of FILES) {
      const f = file(name);
      assert.ok(
        json.files.some((j) => j.path === f.path && j.formats.join(' > ') === formats && j.sha256 === f.sha256),
        name,
      );
      const a = sarif.runs[0]!.artifacts.find((x) => x.hashes['sha-256'] === f.sha256);
      assert.equal(a?.properties.formats.join(' > '), formats, name);
      assert.deepEqual(a.properties.checked, checked ? [checked] : undefined, name);
      const c = bom.components.find((x) => x.hashes?.[0]?.content === f.sha256);
      assert.ok(c, name);
      const prop = (k: string) => c.properties.find((p) => p.name === k)?.value;
      assert.equal(prop('sentinel:format'), formats, name);
      assert.equal(prop('sentinel:checked'), checked, name);
    }
  });

  it('the HTML report has a file list with format, model format and digest', () => {
    const html = rendered['html']!;
    const table = html.slice(
      html.indexOf('<table id="files">'),
      html.indexOf('</table>', html.indexOf('<table id="files">')),
    );
    assert.ok(table.length > 0, 'a file table');
    for (const [name, , formats, model, checked] of FILES) {
      const row = table.split('\n').find((l) => l.includes(file(name).sha256!));
      assert.ok(row, name);
      assert.ok(
        row.includes(
          `<td data-label="Format">${formats.replace('>', '&#62;')}${checked ? `; checked: ${checked}` : ''}</td>`,
        ),
        row,
      );
      assert.ok(row.includes(`<td data-label="Model">${model ?? ''}</td>`), row);
    }
  });

  it('the Markdown report lists each file with its format (and digest when the run took digests)', () => {
    const md = rendered['markdown']!;
    assert.match(md, new RegExp(`<summary>${FILES.length} files scanned</summary>`));
    for (const [name, , formats, , checked] of FILES) {
      const row = md.split('\n').find((l) => l.includes(file(name).sha256!));
      assert.ok(row, name);
      assert.ok(row.includes(`| ${formats.replace('>', '&gt;')}${checked ? `; checked: ${checked}` : ''} |`), row);
    }
  });

  it('a report without digests shows none and says so', async () => {
    const bare = await scan([dir], { sha256: false });
    const html = await renderReport(bare, 'html');
    assert.equal((html.match(/not taken/g) ?? []).length, FILES.length);
    const md = await renderReport(bare, 'markdown');
    assert.ok(!/[0-9a-f]{64}/.test(md));
  });
});
