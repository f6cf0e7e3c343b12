// Model Context Protocol servers as DESER entry points: a tool, resource or prompt function registered on a
// `FastMCP(...)` (the SDK's `mcp.server.fastmcp`, or the standalone `fastmcp` package) with `@mcp.tool()`,
// `@mcp.resource(uri)`, `@mcp.prompt()`, or a low-level `Server(...)` handler (`@server.call_tool()`,
// `@server.read_resource()`, `@server.get_prompt()`) is called with the arguments the MCP client sends (JSON
// values chosen by the client, or by the model driving it). A parameter annotated `Context` is the server's.
import type { DecoratorFact, FunctionFact } from '../python/module-model.js';
import type { UiDecorated, UiSeed } from './ui-apps.js';

const FAST_MCP =
  /^(?:mcp\.server\.fastmcp(?:\.server)?|fastmcp(?:\.server(?:\.server)?)?)\.FastMCP\(\)\.(tool|resource|prompt)$/;
const LOW_LEVEL = /^mcp\.server(?:\.lowlevel(?:\.server)?)?\.Server\(\)\.(call_tool|read_resource|get_prompt)$/;

const SERVER_SIDE: UiSeed = { kind: 'internal', label: 'MCP request context' };

/** What an MCP server's decorator makes of the function it decorates (undefined for any other decorator). */
export function mcpDecorated(d: DecoratorFact, f: FunctionFact): UiDecorated | undefined {
  const q = d.qualifiedName;
  if (q === null) return undefined;
  const m = FAST_MCP.exec(q) ?? LOW_LEVEL.exec(q);
  if (m === null) return undefined;
  const what = m[1]!.replace(/^(?:call_|read_|get_)/, '');
  const client: UiSeed = { kind: 'text', label: `MCP ${what} argument (sent by the client)` };
  const named = new Map<string, UiSeed>();
  for (const p of f.parameters) {
    const t = (p.annotation ?? '').replace(/\s/g, '');
    if (/(?:^|\.)Context(?:\[.*\])?$/.test(t)) named.set(p.name, SERVER_SIDE);
  }
  return { framework: 'MCP', seeds: [], rest: client, named, how: '@' + d.text.replace(/\s+/g, ' ').slice(0, 60) };
}
