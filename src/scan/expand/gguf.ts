// GGUF (llama.cpp): the header, metadata and tensor infos are read and checked the way ggml's reader checks them;
// tensor data is never read. Chat templates in the metadata (tokenizer.chat_template and its named variants, a string
// or an array of strings) are analysed as Jinja. A file named .gguf without the magic is a MODEL-STRUCT finding and is
// offered to other readers.
import { formatLocation } from '../../core/location.js';
import { looksLikeGguf } from '../../formats/gguf/sniff.js';
import type { Expander } from './context.js';
import { extensionOf, reportStruct, reportTemplate } from './model-signals.js';

const MAX_LISTED_KEYS = 200;

export const ggufExpander: Expander = {
  id: 'gguf',
  detect: (head, src) => looksLikeGguf(head) || extensionOf(src) === 'gguf',
  async expand(src, ctx) {
    const { readGguf } = await import('../../formats/gguf/read-gguf.js');
    const g = readGguf(src, { deadline: ctx.deadline });
    if (g.problems[0]?.code === 'MAGIC') {
      reportStruct(ctx, src, 'gguf', g.problems, 'gguf');
      return false;
    }
    ctx.format('gguf');
    reportStruct(ctx, src, 'gguf', g.problems);
    if (g.unknownTypes.length) {
      ctx.incomplete({
        location: src.location,
        kind: 'unsupported',
        reason:
          `GGUF tensor type id(s) ${g.unknownTypes.join(', ')} are newer than this reader: the data bounds of those ` +
          'tensors were not checked',
      });
    }
    for (const m of g.metadata) {
      if (!m.key.startsWith('tokenizer.chat_template')) continue;
      // A chat template stored as an array of strings is read too: gguf-py returns the elements and transformers
      // takes a one-element array as the template; every element is judged.
      if (m.type !== 'str' && m.values === undefined) continue;
      const texts = m.type === 'str' ? (typeof m.value === 'string' ? [m.value] : []) : m.values!;
      const location = { chain: src.location.chain, offset: m.offset };
      if (m.skippedBytes !== undefined) {
        ctx.incomplete({
          location,
          kind: 'unsupported',
          reason:
            m.type === 'str'
              ? `chat template ${m.key} of ${m.skippedBytes} bytes is larger than the 16 MiB this reader analyses`
              : `chat template array ${m.key}: ${m.skippedBytes} bytes of its ${m.count} elements were not analysed ` +
                '(more than 64 elements, or one larger than 16 MiB)',
        });
      }
      const name = m.key === 'tokenizer.chat_template' ? 'default' : m.key.slice('tokenizer.chat_template.'.length);
      for (const [i, template] of texts.entries()) {
        const at = m.type === 'str' ? '' : `[${i}]`;
        await reportTemplate(ctx, template, { location, path: m.key + at, format: 'gguf', name: name + at });
      }
    }
    const dtypes: Record<string, number> = {};
    for (const t of g.tensors) dtypes[t.type] = (dtypes[t.type] ?? 0) + 1;
    const str = (k: string): string | undefined => {
      const v = g.metadata.find((m) => m.key === k)?.value;
      return typeof v === 'string' ? v : undefined;
    };
    const arch = str('general.architecture');
    const name = str('general.name');
    ctx.inventory({
      where: formatLocation(src.location),
      format: 'gguf',
      tensors: g.tensors.length,
      dtypes,
      metadataKeys: g.metadata.slice(0, MAX_LISTED_KEYS).map((m) => m.key),
      details: {
        version: g.version,
        ...(g.bigEndian ? { byteOrder: 'big-endian' } : {}),
        alignment: g.alignment,
        ...(arch !== undefined ? { architecture: arch } : {}),
        ...(name !== undefined ? { name: name.slice(0, 200) } : {}),
        chatTemplates: g.metadata.filter((m) => m.key.startsWith('tokenizer.chat_template')).length,
      },
    });
    return true;
  },
};
