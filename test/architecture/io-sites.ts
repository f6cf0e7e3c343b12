// Lists the places Sentinel's own code touches the file system or the network: every use of a function of `node:fs`
// / `node:fs/promises` and every use of `node:http`, `node:https`, `node:net`, `node:tls`, `node:dns`, `node:dgram`,
// `node:http2`, `undici` and the global `fetch`, in src/**/*.ts, in bin/*.js, and in the scripts kept as template text
// inside them (the fetch worker, the HTTP client and its egress checks, the hashing thread). The TypeScript parser
// reads the sources; names are resolved through the binder, so a local that shadows an imported name is not counted.
//
// A site is named by its file, the function (or method) it lies in and the callee (`node:fs.statSync`), never by its
// line, so edits around it do not change it. io-sites.test.ts requires every site to be listed in io-sites.json with a
// category and a reason.
import ts from 'typescript';

export const FS_MODULES: ReadonlySet<string> = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises']);
export const NET_MODULES: ReadonlySet<string> = new Set(
  ['http', 'https', 'net', 'tls', 'dns', 'dns/promises', 'dgram', 'http2']
    .flatMap((m) => [m, `node:${m}`])
    .concat('undici'),
);

const MAY_HOLD =
  /['"`](?:node:)?(?:fs|http|https|net|tls|dns|dgram|http2|undici)\b|\bfetch\b|\brequire\s*\(|\bimport\s*\(/;

function canonical(spec: string): string {
  return spec === 'undici' || spec.startsWith('node:') ? spec : `node:${spec}`;
}

function watched(spec: string): boolean {
  return FS_MODULES.has(spec) || NET_MODULES.has(spec);
}

export interface IoSite {
  /** Path relative to the repository root, `/`-separated; for an embedded script, `file#CONSTANT`. */
  readonly file: string;
  /** Enclosing functions, outermost first, joined by `.` (`FileScanner.scanFile`); `<module>` at top level. */
  readonly in: string;
  /** `node:fs.statSync`, `node:http.request`, `fetch`, `require(<computed>)`, `"node:https"` (a module name as data). */
  readonly call: string;
  /** How many times this callee is used in this function. */
  readonly count: number;
}

export interface SourceText {
  readonly file: string;
  readonly text: string;
  readonly js?: boolean;
}

/** Finds the sites of the given texts (and of the scripts embedded in them as template text). */
export function ioSites(sources: readonly SourceText[]): IoSite[] {
  const all: SourceText[] = [];
  // Only a text that names a watched module, `fetch`, `require(` or `import(` can hold a site (a speed filter: the
  // parser decides what is one).
  const queue = sources.filter((s) => MAY_HOLD.test(s.text));
  // Each text is parsed once: the tree its embedded scripts are found in is the one the program binds.
  const parsed = new Map<string, ts.SourceFile>();
  const fileName = (s: SourceText): string => `/virtual/${all.indexOf(s)}${s.js ? '.js' : '.ts'}`;
  while (queue.length) {
    const s = queue.shift()!;
    all.push(s);
    const sf = parse(fileName(s), s);
    parsed.set(sf.fileName, sf);
    for (const e of embeddedScripts(s, sf)) queue.push(e);
  }
  const byName = new Map(all.map((s) => [fileName(s), s]));
  const options: ts.CompilerOptions = {
    noResolve: true,
    noLib: true,
    types: [],
    allowJs: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
  };
  const host: ts.CompilerHost = {
    getSourceFile: (name) => parsed.get(name),
    getDefaultLibFileName: () => '/virtual/lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/virtual',
    getCanonicalFileName: (f) => f,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (f) => byName.has(f),
    readFile: (f) => byName.get(f)?.text,
  };
  const program = ts.createProgram({ rootNames: [...byName.keys()], options, host });
  const checker = program.getTypeChecker();
  const counts = new Map<string, { site: Omit<IoSite, 'count'>; count: number }>();
  for (const s of all) {
    const sf = program.getSourceFile(fileName(s))!;
    for (const { node, call } of fileUses(sf, checker)) {
      const site = { file: s.file, in: enclosing(node), call };
      const key = JSON.stringify(site);
      const c = counts.get(key);
      if (c) c.count++;
      else counts.set(key, { site, count: 1 });
    }
  }
  return [...counts.values()]
    .map(({ site, count }) => ({ ...site, count }))
    .sort((a, b) => siteKey(a).localeCompare(siteKey(b)));
}

export function siteKey(s: { file: string; in: string; call: string }): string {
  return `${s.file} ${s.in} ${s.call}`;
}

/** `s` parsed as the file `name` (parent links set, for the walk up to a site's enclosing function). */
function parse(name: string, s: SourceText): ts.SourceFile {
  return ts.createSourceFile(name, s.text, ts.ScriptTarget.ES2022, true, s.js ? ts.ScriptKind.JS : ts.ScriptKind.TS);
}

/** Template literals holding a script (a `require(` in their text) in `s` (parsed: `sf`): JavaScript of their own. */
function embeddedScripts(s: SourceText, sf: ts.SourceFile): SourceText[] {
  const out: SourceText[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) {
      const parts = ts.isNoSubstitutionTemplateLiteral(n)
        ? [n.rawText ?? n.text]
        : [n.head.rawText ?? n.head.text, ...n.templateSpans.map((sp) => sp.literal.rawText ?? sp.literal.text)];
      const text = parts.join('\n');
      if (/\brequire\s*\(/.test(text)) {
        let owner: ts.Node = n;
        while (owner.parent && !ts.isVariableDeclaration(owner) && !ts.isSourceFile(owner)) owner = owner.parent;
        const name = ts.isVariableDeclaration(owner) && ts.isIdentifier(owner.name) ? owner.name.text : enclosing(n);
        out.push({ file: `${s.file}#${name}`, text, js: true });
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

interface Binding {
  readonly module: string;
  /** The export name, or undefined for the module object itself (namespace, default, `require`). */
  readonly name: string | undefined;
}

function stripExpr(e: ts.Expression): ts.Expression {
  for (;;) {
    if (ts.isAwaitExpression(e) || ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e))
      e = e.expression;
    else return e;
  }
}

/** `require('m')`, `import('m')`, `createRequire(…)('m')`: the module named, when it is a literal. */
function moduleCall(e: ts.Expression): string | undefined {
  e = stripExpr(e);
  if (!ts.isCallExpression(e) || e.arguments.length !== 1) return undefined;
  const a = e.arguments[0]!;
  if (!ts.isStringLiteralLike(a)) return undefined;
  // require('m'), import('m'), createRequire(…)('m'), and any helper called with a module's name alone
  // (`builtin('node:dns/promises')`): what it returns is taken to be the module.
  return watched(a.text) ? a.text : undefined;
}

function isRequireCall(e: ts.Node): e is ts.CallExpression {
  return (
    ts.isCallExpression(e) &&
    (e.expression.kind === ts.SyntaxKind.ImportKeyword ||
      (ts.isIdentifier(e.expression) && e.expression.text === 'require'))
  );
}

function fileUses(sf: ts.SourceFile, checker: ts.TypeChecker): { node: ts.Node; call: string }[] {
  const bindings = new Map<ts.Symbol, Binding>();
  const uses: { node: ts.Node; call: string }[] = [];
  const bindName = (name: ts.BindingName, module: string, exported: string | undefined): void => {
    if (ts.isIdentifier(name)) {
      const sym = checker.getSymbolAtLocation(name);
      if (sym) bindings.set(sym, { module, name: exported });
      return;
    }
    if (ts.isObjectBindingPattern(name) && exported === undefined) {
      for (const el of name.elements) {
        const prop = el.propertyName ?? el.name;
        if (el.dotDotDotToken || !(ts.isIdentifier(prop) || ts.isStringLiteral(prop))) {
          uses.push({ node: el, call: `${module}.<rest>` });
          continue;
        }
        bindName(el.name, module, prop.text);
      }
      return;
    }
    uses.push({ node: name, call: `${module}${exported ? '.' + exported : ''}.<destructured>` });
  };
  // First pass: what each local name stands for.
  const collect = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && watched(n.moduleSpecifier.text)) {
      const module = canonical(n.moduleSpecifier.text);
      const clause = n.importClause;
      if (clause && !clause.isTypeOnly) {
        if (clause.name) bindName(clause.name, module, undefined);
        const nb = clause.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) bindName(nb.name, module, undefined);
        if (nb && ts.isNamedImports(nb))
          for (const el of nb.elements)
            if (!el.isTypeOnly) bindName(el.name, module, (el.propertyName ?? el.name).text);
      } else if (!clause) uses.push({ node: n, call: `${module}.<side-effect import>` });
      return;
    }
    if (
      ts.isExportDeclaration(n) &&
      n.moduleSpecifier &&
      ts.isStringLiteral(n.moduleSpecifier) &&
      watched(n.moduleSpecifier.text)
    ) {
      if (!n.isTypeOnly) uses.push({ node: n, call: `${canonical(n.moduleSpecifier.text)}.<re-export>` });
      return;
    }
    if (ts.isVariableDeclaration(n) && n.initializer) {
      const m = moduleCall(n.initializer);
      if (m !== undefined && watched(m)) {
        bindName(n.name, canonical(m), undefined);
        return;
      }
    }
    ts.forEachChild(n, collect);
  };
  collect(sf);
  // A function that requires a module whose name it computes from watched names (`name = https ? 'node:https' :
  // 'node:http'; return require(name)`): each call of it is a use of those modules.
  const loaders = new Map<ts.Symbol, string>();
  const findLoaders = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) && n.name && n.body) {
      const names = new Set<string>();
      let computed = false;
      const inner = (m: ts.Node): void => {
        if (ts.isStringLiteralLike(m) && m.text.startsWith('node:') && watched(m.text)) names.add(canonical(m.text));
        if (isRequireCall(m) && !(m.arguments[0] && ts.isStringLiteralLike(m.arguments[0]))) computed = true;
        ts.forEachChild(m, inner);
      };
      inner(n.body);
      const sym = checker.getSymbolAtLocation(n.name);
      if (computed && names.size && sym) loaders.set(sym, [...names].sort().join('|'));
    }
    ts.forEachChild(n, findLoaders);
  };
  findLoaders(sf);
  const symbolOf = (id: ts.Identifier): ts.Symbol | undefined => {
    if (ts.isShorthandPropertyAssignment(id.parent) && id.parent.name === id)
      return checker.getShorthandAssignmentValueSymbol(id.parent);
    return checker.getSymbolAtLocation(id);
  };
  /** From the module object or export at `base`, follows `.a.b` and a call or `new` around it. */
  const record = (base: ts.Expression, prefix: string): void => {
    let e: ts.Expression = base;
    let name = prefix;
    while (ts.isPropertyAccessExpression(e.parent) && e.parent.expression === e) {
      name += '.' + e.parent.name.text;
      e = e.parent;
    }
    if (/^node:fs(\/promises)?\.constants\b/.test(name)) return; // flags, not a call
    while (ts.isParenthesizedExpression(e.parent)) e = e.parent;
    const p = e.parent;
    const called = (ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression === e;
    const tagged = ts.isTaggedTemplateExpression(p) && p.tag === e;
    uses.push({ node: base, call: called || tagged ? name : `${name} (as a value)` });
  };
  const inTypePosition = (n: ts.Node): boolean => {
    for (let p = n.parent; p; p = p.parent) {
      if (ts.isTypeNode(p) && !ts.isExpressionWithTypeArguments(p)) return true;
      if (ts.isHeritageClause(p)) return p.token === ts.SyntaxKind.ImplementsKeyword;
      if (ts.isStatement(p) || ts.isExpression(p) || ts.isSourceFile(p)) return false;
    }
    return false;
  };
  const declarationName = (id: ts.Identifier): boolean => {
    const p = id.parent;
    return (
      ((ts.isVariableDeclaration(p) ||
        ts.isBindingElement(p) ||
        ts.isParameter(p) ||
        ts.isFunctionDeclaration(p) ||
        ts.isFunctionExpression(p) ||
        ts.isClassDeclaration(p) ||
        ts.isPropertyAssignment(p) ||
        ts.isPropertyDeclaration(p) ||
        ts.isMethodDeclaration(p) ||
        ts.isPropertySignature(p) ||
        ts.isImportSpecifier(p) ||
        ts.isImportClause(p) ||
        ts.isNamespaceImport(p)) &&
        (p as ts.NamedDeclaration).name === id) ||
      (ts.isBindingElement(p) && p.propertyName === id) ||
      (ts.isImportSpecifier(p) && p.propertyName === id) ||
      (ts.isPropertyAccessExpression(p) && p.name === id)
    );
  };
  // Second pass: the uses.
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) return;
    if (ts.isIdentifier(n) && !declarationName(n) && !inTypePosition(n)) {
      const sym = symbolOf(n);
      const b = sym && bindings.get(sym);
      if (b) record(n, b.name ? `${b.module}.${b.name}` : b.module);
      else if (!sym && n.text === 'fetch') record(n, 'fetch');
    } else if (
      ts.isPropertyAccessExpression(n) &&
      n.name.text === 'fetch' &&
      ts.isIdentifier(n.expression) &&
      ['globalThis', 'window', 'self', 'global'].includes(n.expression.text) &&
      !(symbolOf(n.expression)?.declarations ?? []).some((d) => d.getSourceFile() === sf)
    ) {
      record(n, 'fetch');
      return;
    } else if (ts.isCallExpression(n) && isRequireCall(n)) {
      const a = n.arguments[0];
      const what = n.expression.kind === ts.SyntaxKind.ImportKeyword ? 'import' : 'require';
      if (!a || !ts.isStringLiteralLike(a)) uses.push({ node: n, call: `${what}(<computed>)` });
      else if (watched(a.text) && !ts.isVariableDeclaration(stripParentsUp(n))) record(n, canonical(a.text));
    } else if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && loaders.has(symbolOf(n.expression)!)) {
      record(n, loaders.get(symbolOf(n.expression)!)!);
    } else if (ts.isCallExpression(n) && moduleCall(n) !== undefined) {
      const m = moduleCall(n)!;
      if (watched(m) && !ts.isVariableDeclaration(stripParentsUp(n))) record(n, canonical(m));
    } else if (
      ts.isStringLiteralLike(n) &&
      (n.text.startsWith('node:') || n.text === 'undici') &&
      watched(n.text) &&
      !isModuleArgument(n)
    ) {
      uses.push({ node: n, call: `"${canonical(n.text)}" (a module name as data)` });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return uses;
}

function stripParentsUp(n: ts.Node): ts.Node {
  let p = n.parent;
  while (
    ts.isAwaitExpression(p) ||
    ts.isParenthesizedExpression(p) ||
    ts.isAsExpression(p) ||
    ts.isNonNullExpression(p)
  )
    p = p.parent;
  return p;
}

function isModuleArgument(n: ts.Node): boolean {
  const p = n.parent;
  if (ts.isImportDeclaration(p) || ts.isExportDeclaration(p) || ts.isExternalModuleReference(p)) return true;
  if (ts.isLiteralTypeNode(p)) return true; // typeof import('node:fs') and similar type positions
  return ts.isCallExpression(p) && p.arguments[0] === n && moduleCall(p) !== undefined;
}

/** Names of the functions around `n`, outermost first. */
export function enclosing(n: ts.Node): string {
  const names: string[] = [];
  for (let p: ts.Node | undefined = n.parent; p && !ts.isSourceFile(p); p = p.parent) {
    const name = scopeName(p);
    if (name !== undefined) names.unshift(name);
  }
  return names.length ? names.join('.') : '<module>';
}

function propName(name: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))
    return name.text;
  if (ts.isComputedPropertyName(name)) return `[${name.expression.getText()}]`;
  return undefined;
}

function scopeName(p: ts.Node): string | undefined {
  if (ts.isClassDeclaration(p) || ts.isClassExpression(p)) return p.name?.text ?? classHolder(p);
  if (ts.isFunctionDeclaration(p)) return p.name?.text ?? 'default';
  if (ts.isConstructorDeclaration(p)) return 'constructor';
  if (ts.isMethodDeclaration(p) || ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isPropertyDeclaration(p)) {
    const n = propName(p.name);
    return ts.isGetAccessor(p) ? `get ${n}` : ts.isSetAccessor(p) ? `set ${n}` : n;
  }
  if (ts.isArrowFunction(p) || ts.isFunctionExpression(p)) {
    if (ts.isFunctionExpression(p) && p.name) return p.name.text;
    const h = p.parent;
    if (ts.isVariableDeclaration(h) || ts.isPropertyAssignment(h)) return propName(h.name);
    if (ts.isBinaryExpression(h) && h.operatorToken.kind === ts.SyntaxKind.EqualsToken && h.right === p)
      return h.left.getText().replace(/^this\./, '');
    return undefined;
  }
  return undefined;
}

function classHolder(c: ts.ClassDeclaration | ts.ClassExpression): string | undefined {
  const h = c.parent;
  return ts.isVariableDeclaration(h) ? propName(h.name) : undefined;
}
