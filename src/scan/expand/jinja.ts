// Jinja templates: `chat_template.jinja` beside a tokenizer, `.jinja2`, `.j2`, `.template`, `.tmpl` — and, since
// serving stacks load a chat template from any path (vLLM's --chat-template, llama.cpp's --chat-template-file), any
// UTF-8 text file with Jinja tags whose name does not say it is another language's source. The text is analysed as
// a chat template the serving stack renders; the bytes are then offered to the other readers too (returns false):
// a pickle named `x.jinja` is still a pickle.
import { innermostName } from '../../core/location.js';
import { looksLikeText } from '../../formats/text.js';
import { readAll } from '../../sources/byte-source.js';
import type { Expander } from './context.js';
import { reportTemplate } from './model-signals.js';

const JINJA_NAME = /\.(jinja2?|j2|template|tmpl)$/i;
/**
 * Names whose Jinja-looking braces belong to another language (Python f-strings and format strings, web
 * templates rendered by a web framework, documentation): judged by their own readers, not as chat templates.
 */
const OTHER_LANGUAGE =
  /\.(py|pyw|pyi|ipynb|js|mjs|cjs|ts|tsx|jsx|html?|xml|svg|css|scss|md|markdown|rst|txt|ya?ml|toml|ini|cfg|json|jsonl|c|cc|cpp|h|hpp|go|rs|java|kt|rb|php|sh|bash|ps1|sql|tex|csv|tsv)$/i;
const MAX_TEMPLATE_BYTES = 16 * 1024 * 1024;
const TAG = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/;

function byName(name: string): boolean {
  return JINJA_NAME.test(name);
}

const UTF8 = new TextDecoder('utf-8');

/**
 * Whether the bytes hold `{{` or `{%`: TAG cannot match text decoded from bytes without them (UTF-8 decoding gives
 * `{` only for the byte 0x7b, replacement characters included), so most files are told apart without decoding.
 */
function hasTagOpener(b: Uint8Array): boolean {
  for (let i = b.indexOf(0x7b); i >= 0 && i + 1 < b.length; i = b.indexOf(0x7b, i + 1)) {
    const next = b[i + 1];
    if (next === 0x7b || next === 0x25) return true;
  }
  return false;
}

function byContent(head: Uint8Array, name: string, size: number): boolean {
  // A short file is a template only when its tags are in it; the byte check first spares the text checks.
  if (size <= head.length && !hasTagOpener(head)) return false;
  if (size > MAX_TEMPLATE_BYTES || OTHER_LANGUAGE.test(name) || !looksLikeText(head)) return false;
  // Tags in the first bytes, or a longer text file (read whole by expand, which decides on the tags).
  return size > head.length || TAG.test(UTF8.decode(head));
}

export const jinjaExpander: Expander = {
  id: 'jinja',
  detect: (head, src) => {
    const name = innermostName(src.location);
    return byName(name) || byContent(head, name, src.size);
  },
  async expand(src, ctx) {
    if (src.size > MAX_TEMPLATE_BYTES) {
      ctx.incomplete({
        location: src.location,
        kind: 'unsupported',
        reason: `template of ${src.size} bytes is larger than the 16 MiB this reader analyses`,
      });
      return false;
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(readAll(src));
    } catch {
      return false;
    }
    const named = byName(innermostName(src.location));
    if (!named && !TAG.test(text)) return false;
    ctx.format('jinja');
    await reportTemplate(ctx, text, { location: src.location, format: 'jinja', ...(named ? {} : { guessed: true }) });
    return false;
  },
};
