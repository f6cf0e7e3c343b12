// Shared by the model-format expanders: what a file name promises, MODEL-STRUCT facts from reader problems, and
// chat-template analysis turned into MODEL-TEMPLATE-INJECTION facts (or SCAN-INCOMPLETE when a template could not be
// parsed and the token check found nothing: never a pass).
import { innermostName, type Location } from '../../core/location.js';
import type { ByteSource } from '../../sources/byte-source.js';
import type { UnitContext } from './context.js';
import type { TemplateSignal } from '../../analyzers/model/chat-template.js';

/** Lower-case extension of the innermost name (`model.safetensors` → `safetensors`), or ''. */
export function extensionOf(src: ByteSource): string {
  const name = innermostName(src.location);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

export interface StructProblem {
  readonly code: string;
  readonly message: string;
  readonly offset?: number;
  readonly path?: string;
}

/**
 * MODEL-STRUCT facts for a reader's problems. `promisedBy` names the extension when only the file name says the
 * bytes are this format (the content did not sniff as it): the finding says so.
 */
export function reportStruct(
  ctx: UnitContext,
  src: ByteSource,
  format: string,
  problems: readonly StructProblem[],
  promisedBy?: string,
): void {
  for (const p of problems) {
    ctx.model({
      rule: 'MODEL-STRUCT',
      location: { chain: src.location.chain, ...(p.offset !== undefined ? { offset: p.offset } : {}) },
      format,
      signal: promisedBy
        ? `file extension .${promisedBy} promises ${format}, but the reference reader refuses it: ${p.message}`
        : `${format}: ${p.message}`,
      key: `${p.code}:${p.path ?? ''}`,
      ...(p.path !== undefined ? { path: p.path } : {}),
      confidence: 'high',
      details: { problem: p.code, ...(promisedBy ? { extensionOnly: true } : {}) },
    });
  }
}

export interface TemplateOrigin {
  /** The file or entry holding the template. */
  readonly location: Location;
  /** Where inside it (JSON path or GGUF key); absent for a standalone template file. */
  readonly path?: string;
  readonly format: string;
  /** Template name (tokenizer configs may carry several: default, tool_use, …). */
  readonly name?: string;
  /**
   * Taken for a template by its content only (text with Jinja-looking tags under a name that does not say so): when
   * the parser cannot read it and the token-level check finds no Python internals, it is no template this reader
   * can judge and no finding is made (a protocol-0 pickle or a wiki dump with `{{` in it is not a chat template).
   */
  readonly guessed?: boolean;
}

/**
 * Templates longer than this are not parsed: real chat templates are kilobytes, and the Jinja parser's tokens and
 * tree weigh ~45 times the text (a 16 MiB template peaked at 631-776 MB). A longer one gets the token-level check
 * (regular expressions over the text, no parse) and, unless it was only taken for a template by its content, a
 * limit finding.
 */
export const MAX_TEMPLATE_CHARS = 1024 * 1024;
/** Templates longer than this are not checked token by token either (the matches alone would grow with it). */
const MAX_TOKEN_CHECK_CHARS = 16 * 1024 * 1024;

/** Analyses one chat template and reports what it reaches (one finding per template), or that it could not be read. */
export async function reportTemplate(ctx: UnitContext, text: string, origin: TemplateOrigin): Promise<void> {
  const tooLong = text.length > MAX_TEMPLATE_CHARS;
  if (tooLong && !origin.guessed) {
    ctx.incomplete({
      location: origin.location,
      kind: 'limit',
      limit: 'templateChars',
      reason: (
        `chat template ${origin.path ?? ''} of ${text.length} characters is longer than the ${MAX_TEMPLATE_CHARS} ` +
        (text.length > MAX_TOKEN_CHECK_CHARS
          ? `this reader parses and the ${MAX_TOKEN_CHECK_CHARS} it checks token by token: not analysed`
          : 'this reader parses: only a token-level check was made')
      ).replace('  ', ' '),
    });
  }
  if (!tooLong) ctx.checked('template');
  const { analyzeChatTemplate, tokenCheck } = await import('../../analyzers/model/chat-template.js');
  const a = tooLong
    ? {
        parsed: false,
        parseError: `not parsed: longer than ${MAX_TEMPLATE_CHARS} characters`,
        signals: text.length > MAX_TOKEN_CHECK_CHARS ? [] : tokenCheck(text),
        incomplete: undefined,
      }
    : await analyzeChatTemplate(text);
  if (a.incomplete)
    ctx.incomplete({
      location: origin.location,
      kind: 'limit',
      limit: a.incompleteLimit ?? 'templateFoldBudget',
      reason: `chat template ${origin.path ?? ''}: ${a.incomplete}`.replace('  ', ' '),
    });
  const where = origin.path ?? 'template';
  const standalone = origin.path === undefined;
  const signals = [...a.signals].sort((x, y) => (x.line ?? 0) - (y.line ?? 0) || (x.column ?? 0) - (y.column ?? 0));
  if (signals.length) {
    const first = signals.find((s) => s.confidence === 'high') ?? signals[0]!;
    const names = [...new Set(signals.map((s) => s.name))];
    const fallback = a.parsed
      ? ''
      : ` (the Jinja parser could not parse the template — ${a.parseError} — so a conservative token-level check ` +
        'was used instead)';
    ctx.model({
      rule: 'MODEL-TEMPLATE-INJECTION',
      location:
        standalone && first.line !== undefined
          ? {
              chain: origin.location.chain,
              line: first.line,
              ...(first.column !== undefined ? { column: first.column } : {}),
            }
          : origin.location,
      format: origin.format,
      signal:
        `chat template ${standalone ? '' : `${where} `}${templateVerdict(signals)}: ${first.message}` +
        (signals.length > 1 ? ` (${signals.length} signals: ${names.slice(0, 8).join(', ')})` : '') +
        fallback,
      key: `${where}:${[...names].sort().join(',')}`,
      ...(origin.path !== undefined ? { path: origin.path } : {}),
      snippet: first.snippet,
      ...(first.line !== undefined ? { line: first.line } : {}),
      ...(first.column !== undefined ? { column: first.column } : {}),
      confidence: signals.some((s) => s.confidence === 'high') ? 'high' : first.confidence,
      // A render cost that only a request at its bounds drives past the budget: the caller's limits decide it.
      ...(signals.every((s) => s.kind === 'request-cost')
        ? {
            severity: 'MEDIUM' as const,
            title: 'Chat Template Render Cost Grows with the Request',
            fixHint:
              'Bound the length of the messages the serving stack accepts, or use a template that does not run ' +
              'quadratic filters (urlize, striptags) on request content.',
          }
        : signals.every((s) => s.kind === 'render-cost')
          ? { title: 'Chat Template Render Cost Has No Bound' }
          : {}),
      details: {
        check: a.parsed ? 'ast' : 'token-fallback',
        reached: names.slice(0, 32),
        kinds: [...new Set(signals.map((s) => s.kind))],
        // Every name signal the AST check makes is a reach through an underscore name, an internal attribute or a
        // template global's module globals: jinja2's sandbox refuses each at render time (the gadget case table,
        // rendered by the real jinja2). Render cost is not the sandbox's to stop, and a token-level fallback is
        // not known to be blocked.
        sandbox:
          a.parsed &&
          signals.every((s) => s.kind !== 'token-check' && s.kind !== 'render-cost' && s.kind !== 'request-cost')
            ? 'blocked'
            : 'unknown',
        snippets: signals.slice(0, 8).map((s) => `${s.line ?? '?'}:${s.column ?? '?'} ${s.snippet}`),
        ...(origin.name !== undefined ? { template: origin.name } : {}),
        ...(a.parseError !== undefined ? { parseError: a.parseError } : {}),
      },
    });
  } else if (!a.parsed && !origin.guessed && !tooLong) {
    ctx.incomplete({
      location: origin.location,
      kind: 'unsupported',
      reason:
        `chat template ${where} could not be parsed by the Jinja parser (${a.parseError}); a token-level check ` +
        'found no Python internals, but the template was not fully analysed',
    });
  }
}

/** What a template's signals say it does: reach Python internals, cost without bound, or cost that grows with the request. */
function templateVerdict(signals: readonly TemplateSignal[]): string {
  if (signals.every((s) => s.kind === 'request-cost')) return 'has a render cost that grows with the request data';
  if (signals.every((s) => s.kind === 'render-cost' || s.kind === 'request-cost'))
    return 'has a render cost with no bound';
  return 'reaches Python internals';
}
