// Standalone Jinja templates (`chat_template.jinja` beside a tokenizer, `.jinja2`, `.j2`), chosen by name as
// Python source is: the text is a chat template the serving stack renders. The bytes are then offered to the other
// readers too (returns false): a pickle named `x.jinja` is still a pickle.
import { innermostName } from '../../core/location.js';
import { readAll } from '../../sources/byte-source.js';
import type { Expander } from './context.js';
import { reportTemplate } from './model-signals.js';

const JINJA_NAME = /\.(jinja2?|j2)$/i;
const MAX_TEMPLATE_BYTES = 16 * 1024 * 1024;

export const jinjaExpander: Expander = {
  id: 'jinja',
  detect: (_head, src) => JINJA_NAME.test(innermostName(src.location)),
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
    ctx.format('jinja');
    await reportTemplate(ctx, text, { location: src.location, format: 'jinja' });
    return false;
  },
};
