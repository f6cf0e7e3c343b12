// Renders @huggingface/jinja AST nodes back to compact Jinja text for evidence snippets (bounded length; the
// parser keeps no source positions, so the snippet is how the finding shows what the template does).

/** A node of the @huggingface/jinja AST, handled structurally (its classes are not exported). */
export interface JNode {
  readonly type: string;
  readonly [field: string]: unknown;
}

const MAX_SNIPPET = 200;

function str(n: unknown, depth: number): string {
  if (depth > 24) return '…';
  if (typeof n !== 'object' || n === null) return '';
  const node = n as JNode;
  const p = (x: unknown): string => str(x, depth + 1);
  const list = (xs: unknown): string => ((xs as unknown[]) ?? []).map(p).join(', ');
  switch (node.type) {
    case 'Identifier':
      return String(node['value']);
    case 'StringLiteral':
      return JSON.stringify(node['value']).replace(/^"|"$/g, "'");
    case 'IntegerLiteral':
    case 'FloatLiteral':
      return String(node['value']);
    case 'ArrayLiteral':
      return `[${list(node['value'])}]`;
    case 'TupleLiteral':
      return `(${list(node['value'])})`;
    case 'ObjectLiteral': {
      const m = node['value'] as Map<unknown, unknown>;
      return `{${[...m].map(([k, v]) => `${p(k)}: ${p(v)}`).join(', ')}}`;
    }
    case 'MemberExpression':
      return node['computed']
        ? `${p(node['object'])}[${p(node['property'])}]`
        : `${p(node['object'])}.${p(node['property'])}`;
    case 'SliceExpression':
      return `${p(node['start'])}:${p(node['stop'])}${node['step'] ? ':' + p(node['step']) : ''}`;
    case 'CallExpression':
      return `${p(node['callee'])}(${list(node['args'])})`;
    case 'KeywordArgumentExpression':
      return `${p(node['key'])}=${p(node['value'])}`;
    case 'FilterExpression':
      return `${p(node['operand'])}|${p(node['filter'])}`;
    case 'BinaryExpression':
      return `${p(node['left'])} ${(node['operator'] as { value?: string })?.value ?? '?'} ${p(node['right'])}`;
    case 'UnaryExpression':
      return `${(node['operator'] as { value?: string })?.value ?? '?'}${p(node['argument'])}`;
    case 'TestExpression':
      return (
        `${p(node['operand'])} is ${node['negate'] ? 'not ' : ''}${p(node['test'])}` +
        (Array.isArray(node['args']) ? `(${list(node['args'])})` : '')
      );
    case 'Ternary':
      return `${p(node['trueExpr'])} if ${p(node['condition'])} else ${p(node['falseExpr'])}`;
    case 'Set':
      return `{% set ${p(node['assignee'])} = ${p(node['value'])} %}`;
    case 'FilterStatement':
      return `{% filter ${p(node['filter'])} %}`;
    default:
      return node.type;
  }
}

/** Compact Jinja text for a node, cut to about 200 characters. */
export function printNode(n: JNode): string {
  const s = str(n, 0);
  return s.length > MAX_SNIPPET ? s.slice(0, MAX_SNIPPET - 3) + '...' : s;
}

/** Whether `v` is a node of the parsed template. */
export function isNode(v: unknown): v is JNode {
  return typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string';
}

/** A node's operands and sub-nodes in source order (map entries as key then value), without its type and operator. */
export function children(n: JNode): unknown[] {
  const out: unknown[] = [];
  for (const [k, v] of Object.entries(n)) {
    if (k === 'type' || k === 'operator') continue;
    if (v instanceof Map) for (const [a, b] of v) out.push(a, b);
    else out.push(v);
  }
  return out;
}

/** A call's keyword argument `key`, if passed. */
export function keywordArg(args: readonly JNode[], key: string): JNode | undefined {
  for (const a of args)
    if (a.type === 'KeywordArgumentExpression' && (a['key'] as JNode | undefined)?.['value'] === key)
      return a['value'] as JNode;
  return undefined;
}

/** A call's positional argument `i`, or its keyword argument `key` when passed. */
export function callArg(args: readonly JNode[], i: number, key: string): JNode | undefined {
  return keywordArg(args, key) ?? args.filter((a) => a.type !== 'KeywordArgumentExpression')[i];
}

/** Syntax nodes of one template walked at most (an object so tests can lower it). */
export const TEMPLATE_LIMITS = { nodes: 2_000_000 };
