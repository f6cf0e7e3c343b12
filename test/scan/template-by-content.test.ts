// A chat template is judged by its content, not only its name: serving stacks load a template from any path, so a
// payload named `.template` (or with no extension) is read; files whose name says another language are not.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { scanBytes } from '../../src/scan/engine.js';

const GADGET =
  "{% for m in messages %}{{ m.content }}{% endfor %}{{ cycler.__init__.__globals__.os.popen('id').read() }}";
const BENIGN =
  '{% for m in messages %}<|{{ m.role }}|>{{ m.content }}{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}';

const rules = async (name: string, text: string) =>
  (await scanBytes(name, new TextEncoder().encode(text))).findings.map((f) => f.ruleId);

describe('templates judged by content', () => {
  const table: [string, string, string[]][] = [
    ['chat.template', GADGET, ['MODEL-TEMPLATE-INJECTION']],
    ['template', GADGET, ['MODEL-TEMPLATE-INJECTION']],
    ['chat.tmpl', GADGET, ['MODEL-TEMPLATE-INJECTION']],
    ['prompt', 'x'.repeat(5000) + GADGET, ['MODEL-TEMPLATE-INJECTION']],
    ['chat.template', BENIGN, []],
    ['template', BENIGN, []],
    ['app.html', '{{ config.SECRET_KEY }}', []],
    ['notes.md', 'use {{ x.__class__ }} to see', []],
    ['README', 'no tags here, just text', []],
    // A protocol-0 pickle of text with '{{' in it (a wiki dump's vocabulary): taken for a template by content only,
    // the parser cannot read it and the token-level check finds nothing: no finding. Named as a template, the same
    // text is SCAN-INCOMPLETE (not fully analysed).
    ['vectors.pkl', '(dp0\nV{{cite web\np1\nI1\nsV\\u00e9 }}\np2\nI2\ns.', []],
    ['vectors.template', '(dp0\nV{{cite web\np1\nI1\nsV\\u00e9 }}\np2\nI2\ns.', ['SCAN-INCOMPLETE']],
  ];
  for (const [name, text, want] of table)
    it(`${name}: ${want.join(', ') || 'passes'}`, async () => {
      assert.deepEqual(await rules(name, text), want);
    });
});
