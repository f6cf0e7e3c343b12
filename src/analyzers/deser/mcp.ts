// Model Context Protocol servers as DESER entry points: a tool, resource or prompt function registered on a
// `FastMCP(...)` (the SDK's `mcp.server.fastmcp`, or the standalone `fastmcp` package) with `@mcp.tool()`,
// `@mcp.resource(uri)`, `@mcp.prompt()`, or a low-level `Server(...)` handler (`@server.call_tool()`,
// `@server.read_resource()`, `@server.get_prompt()`) is called with the arguments the MCP client sends (JSON
// values chosen by the client, or by the model driving it). A parameter annotated `Context` is the server's.
import type { CallSite, DecoratorFact, ExpressionFact, FunctionFact } from '../python/module-model.js';
import type { UiDecorated, UiSeed } from './ui-apps.js';

const FAST_MCP =
  /^(?:mcp\.server\.fastmcp(?:\.server)?|fastmcp(?:\.server(?:\.server)?)?)\.FastMCP\(\)\.(tool|resource|prompt)$/;
const LOW_LEVEL = /^mcp\.server(?:\.lowlevel(?:\.server)?)?\.Server\(\)\.(call_tool|read_resource|get_prompt)$/;
/** `mcp.add_tool(fn)`, `mcp.add_resource(fn)`... written as calls (FastMCP's registration methods). */
const FAST_MCP_ADD =
  /^(?:mcp\.server\.fastmcp(?:\.server)?|fastmcp(?:\.server(?:\.server)?)?)\.FastMCP\(\)\.add_(tool|prompt)$/;

/** Method names that register an MCP function when called with it (the pre-filter of the registration pass). */
export const MCP_TRIGGERS: ReadonlySet<string> = new Set(['add_tool', 'add_prompt']);

const SERVER_SIDE: UiSeed = { kind: 'internal', label: 'MCP request context' };

/**
 * The registration a decorator's (or a decorator factory's) qualified name makes, also for a server object defined in
 * another module of the project (`from app import mcp`, then `@mcp.tool()`: `expand` gives the object's own name).
 */
function registrationOf(q: string, expand: ((q: string) => string | undefined) | undefined): RegExpExecArray | null {
  const m = FAST_MCP.exec(q) ?? LOW_LEVEL.exec(q);
  if (m !== null || expand === undefined || !/\.(?:tool|resource|prompt|call_tool|read_resource|get_prompt)$/.test(q))
    return m;
  const x = expand(q);
  return x === undefined ? null : (FAST_MCP.exec(x) ?? LOW_LEVEL.exec(x));
}

function seedsFor(what: string, f: FunctionFact, how: string): UiDecorated {
  const client: UiSeed = { kind: 'text', label: `MCP ${what} argument (sent by the client)` };
  const named = new Map<string, UiSeed>();
  for (const p of f.parameters) {
    const t = (p.annotation ?? '').replace(/\s/g, '');
    if (/(?:^|\.)Context(?:\[.*\])?$/.test(t)) named.set(p.name, SERVER_SIDE);
  }
  return { framework: 'MCP', seeds: [], rest: client, named, how };
}

/** What an MCP server's decorator makes of the function it decorates (undefined for any other decorator). */
export function mcpDecorated(
  d: DecoratorFact,
  f: FunctionFact,
  expand?: (q: string) => string | undefined,
): UiDecorated | undefined {
  const q = d.qualifiedName;
  if (q === null) return undefined;
  const m = registrationOf(q, expand);
  if (m === null) return undefined;
  return seedsFor(m[1]!.replace(/^(?:call_|read_|get_)/, ''), f, '@' + d.text.replace(/\s+/g, ' ').slice(0, 60));
}

/**
 * The function an MCP registration written as a call hands to the server: `mcp.add_tool(fn)` / `add_prompt(fn)`
 * (`targets` are the call's qualified targets), or `mcp.tool(...)(fn)` — the decorator applied by hand, where
 * `factory` is the targets of the inner call. Its parameters are then seeded as a decorated function's.
 */
export function mcpRegistered(
  call: CallSite,
  targets: readonly string[],
  factory: readonly string[] | undefined,
  expand?: (q: string) => string | undefined,
): { fn: ExpressionFact; what: string } | undefined {
  const fn = call.positional[0] ?? call.keywords.find((k) => k.name === 'fn')?.value;
  if (fn === undefined) return undefined;
  if (factory !== undefined) {
    for (const t of factory) {
      const m = registrationOf(t, expand);
      if (m !== null) return { fn, what: m[1]!.replace(/^(?:call_|read_|get_)/, '') };
    }
    return undefined;
  }
  for (const t of targets) {
    let m = FAST_MCP_ADD.exec(t);
    if (m === null && expand !== undefined && /\.add_(?:tool|prompt)$/.test(t)) {
      const x = expand(t);
      if (x !== undefined) m = FAST_MCP_ADD.exec(x);
    }
    if (m !== null) return { fn, what: m[1]! };
  }
  return undefined;
}

/** The seeds of a function registered by a call (see mcpRegistered). */
export function mcpSeeds(what: string, f: FunctionFact, how: string): UiDecorated {
  return seedsFor(what, f, how);
}
