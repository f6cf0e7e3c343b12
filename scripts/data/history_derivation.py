"""Shared by scripts/data/derive-history.py: what each released version of a library defines that its pickles can
name, read from the library's own git history with Python's ast (fetched code is parsed, never imported or run).

For one version (a pinned tag and commit) and one package directory:
- every module-level class of every module: its bases (resolved through the module's imports to dotted names) and
  the source of each hook CPython or the unpickled object's first use can run on pickled state (HOOKS below), with a
  hash of the hook's normalised syntax tree so that a hook reviewed once is recognised in every version it is
  unchanged in;
- every module-level function (a pickled reference names one) and its hash;
- plain assignments of one name to another (`Vocab = CompatVocab`), so an alias resolves to what it names.
A class's effective hooks are found along its bases in the same version (a base outside the package must be in the
pack's EXTERNAL_BASES table, with its own review). Nothing here decides admission: see derive-history.py.
"""

import ast
import hashlib
import re
import subprocess

# Hooks that run on a rebuilt object with pickled state: __new__ (NEWOBJ, copyreg._reconstructor), __setstate__
# (BUILD), __setattr__ (BUILD's slot state), __getattr__/__getattribute__ (BUILD looks __setstate__ up on the
# instance), __setitem__/append/extend (SETITEMS/APPENDS on subclasses), __hash__/__eq__ (an instance used as a dict
# key or set member while loading), __del__ (runs when a partly built object is dropped), __init__ only when the stream
# calls the class (REDUCE), which the pack then has to admit explicitly; __array_finalize__ for numpy.ndarray
# subclasses (numpy's _reconstruct and every view of the array run it: see effective_hooks).
HOOKS = ("__new__", "__setstate__", "__setattr__", "__getattr__", "__getattribute__", "__setitem__", "append",
         "extend", "__hash__", "__eq__", "__del__", "__init__", "__array_finalize__")
# Hooks that run only for a class derived from this base (an external base a review module lists): numpy calls
# __array_finalize__ on every new array of an ndarray subclass (_reconstruct's ndarray.__new__ with None, a view
# with the array it views), nothing else does.
ONLY_UNDER = {"__array_finalize__": "numpy.ndarray"}


PARSER_VERSION = 12  # part of the cache key: bump when what parse_version records changes
# The cache key also carries the hooks recorded, so that parsers that record different hooks never share entries.
PARSER_KEY = f"{PARSER_VERSION}h{hashlib.sha256('|'.join(HOOKS).encode()).hexdigest()[:8]}"


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], capture_output=True, check=True).stdout


def is_store(repo, commit):
    """Whether `repo` is a file store (not a git directory): files saved from a public code index's file reader, kept outside
    the repository as STORE/<commit>/<path> (a library whose repository is too large to mirror here: CatBoost)."""
    import os

    return not os.path.exists(os.path.join(repo, "HEAD")) and os.path.isdir(os.path.join(repo, commit))


def store_files(repo, commit, specs):
    """[(path, blob id)] of the .py files a store holds under `specs` (paths or folders) at `commit`; the blob id is
    'file:' and the file's path, which read_blobs reads."""
    import os

    base = os.path.join(repo, commit)
    out = []
    for spec in specs:
        top = os.path.join(base, spec)
        if os.path.isfile(top):
            out.append((spec, "file:" + top))
            continue
        for d, _dirs, files in sorted(os.walk(top)):
            for f in sorted(files):
                full = os.path.join(d, f)
                out.append((os.path.relpath(full, base), "file:" + full))
    return out


def list_modules(repo, commit, package, root="", paths=None):
    """{dotted module: (path, blob id)} of every .py file under the package directory at `commit` (`root`: the
    folder the package sits in, e.g. LightGBM's python-package/; a list: the first that holds the package)."""
    out = {}
    if isinstance(root, (list, tuple)):  # the folder moved between versions (dateutil's src/ from 2.9)
        for r in root:
            if git(repo, "ls-tree", commit, "--", (f"{r}/" if r else "") + package).strip():
                root = r
                break
        else:
            root = root[0]
    prefix = f"{root}/" if root else ""
    specs = [prefix + p for p in paths] if paths else [prefix + package]
    if is_store(repo, commit):
        listing = [(path, f"100644 blob {blob}") for path, blob in store_files(repo, commit, specs)]
    else:
        listing = [(line.split("\t", 1)[1], line.split("\t", 1)[0])
                   for line in git(repo, "ls-tree", "-r", commit, "--", *specs).decode().split("\n")
                   if line and "\t" in line]
    for path, meta in listing:
        if not path.endswith(".py") or meta.split()[1] != "blob":
            continue
        parts = path[len(prefix):-3].split("/")
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(p in ("test", "tests", "testing") for p in parts):
            continue
        out[".".join(parts)] = (path, meta.split()[2])
    return out


def read_blobs(repo, blobs):
    """{blob id: text} through one `git cat-file --batch` (a store's 'file:' ids are read from the file)."""
    out = {}
    for b in blobs:
        if b.startswith("file:"):
            with open(b[5:], encoding="utf-8") as fh:
                out[b] = fh.read()
    blobs = [b for b in blobs if not b.startswith("file:")]
    if not blobs:
        return out
    proc = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    for b in blobs:
        proc.stdin.write(f"{b}\n".encode())
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) < 3 or header[1] != b"blob":
            continue
        data = proc.stdout.read(int(header[2]))
        proc.stdout.read(1)
        out[b] = data.decode("utf-8-sig", "replace")  # Python honours a UTF-8 BOM (imblearn 0.10 base.py)
    proc.stdin.close()
    proc.wait()
    return out


def tree_hash(node):
    """A hash of the node's syntax (no positions, no docstring), equal across versions when the code is equal."""
    body = getattr(node, "body", None)
    if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) and \
            isinstance(body[0].value.value, str):
        node = ast.FunctionDef(name=node.name, args=node.args, body=body[1:] or [ast.Pass()],
                               decorator_list=node.decorator_list, returns=None, type_comment=None)
    return hashlib.sha256(ast.dump(node, annotate_fields=False).encode()).hexdigest()[:12]


def _dotted(expr):
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        inner = _dotted(expr.value)
        return f"{inner}.{expr.attr}" if inner else None
    if isinstance(expr, ast.Call):  # with_metaclass(ABCMeta, Base) and similar six idioms: the last argument
        name = _dotted(expr.func) or ""
        if name.endswith("with_metaclass") and expr.args:
            return _dotted(expr.args[-1])
    return None


def top_level(body):
    """The module's top-level statements, with those of `try:` bodies (the branch taken when the imports succeed)
    and of `if` bodies and `else`s (both arms: either may define the name) flattened in."""
    for node in body:
        if isinstance(node, ast.Try):
            yield from top_level(node.body)
            yield from top_level(node.orelse)
        elif isinstance(node, ast.If):
            yield from top_level(node.body)
            yield from top_level(node.orelse)
        else:
            yield node


def _imports(tree, module, is_package):
    """{local name: dotted target} from the module's top-level imports (relative ones resolved)."""
    names = {}
    pkg = module if is_package else module.rsplit(".", 1)[0]
    for node in top_level(tree.body):
        if isinstance(node, ast.Import):
            for a in node.names:
                names[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = pkg.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            for a in node.names:
                if a.name != "*":
                    names[a.asname or a.name] = f"{base}.{a.name}"
    return names


_MODULE_CACHE = {}  # (module, blob id) -> what parse_module found: a file unchanged across versions is read once


def two_to_three(text, exclude=()):
    """The module as a `use_2to3` build installed it under Python 3: lib2to3's fixers (all of them but `exclude`, the
    release's use_2to3_exclude_fixers) applied to the source; None when that does not parse either."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from lib2to3 import refactor

        fixers = [f for f in refactor.get_fixers_from_package("lib2to3.fixes") if f not in exclude]
        try:
            return str(refactor.RefactoringTool(fixers).refactor_string(text + "\n", "<module>"))
        except Exception:  # noqa: BLE001 - lib2to3 cannot read it either
            return None


def setup_2to3(repo, commit, root=""):
    """The fixers a release's setup.py excludes when it builds with use_2to3 (pandas 0.10 - 0.12 installed under Python
    3 through 2to3), or None when the release does not use 2to3. A setup.py whose build_py command is distutils'
    build_py_2to3 (docutils up to 0.15 under Python 3) runs every fixer."""
    import re

    try:
        text = git(repo, "show", f"{commit}:{(root + '/') if root else ''}setup.py").decode("utf-8", "replace")
    except subprocess.CalledProcessError:
        return None
    if not re.search(r"['\"]use_2to3['\"]\s*:\s*True", text):
        return () if re.search(r"^\s*from distutils\.command\.build_py import build_py_2to3\b", text, re.M) else None
    m = re.search(r"['\"]use_2to3_exclude_fixers['\"]\s*:\s*\[([^\]]*)\]", text)
    return tuple(re.findall(r"['\"]([\w.]+)['\"]", m.group(1))) if m else ()


def _constant_value(expr):
    """A literal an Enum class body assigns: a str, bytes, number, bool or None constant (a negated number too), a
    tuple of such, or auto() / enum.auto() with no arguments. A name, another call or any other expression may be a
    descriptor (a function, a property, a class), which Enum does not make a member."""
    if isinstance(expr, ast.Constant):
        return expr.value is not Ellipsis
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        return isinstance(expr.operand, ast.Constant) and isinstance(expr.operand.value, (int, float, complex))
    if isinstance(expr, ast.Tuple):
        return all(_constant_value(e) for e in expr.elts)
    if isinstance(expr, ast.Call):
        return _dotted(expr.func) in ("auto", "enum.auto") and not expr.args and not expr.keywords
    return False


def body_names(node):
    """Every name a class body binds at its top level (assignments, annotations, methods, nested classes), sorted; None
    when a statement may bind names the walk does not follow (an if, a for, a with, an import, an unpacking)."""
    names = set()
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(item.name)
        elif isinstance(item, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for t in item.targets if isinstance(item, ast.Assign) else [item.target]:
                if not isinstance(t, ast.Name):
                    return None
                names.add(t.id)
        elif not isinstance(item, (ast.Expr, ast.Pass)):
            return None
    return sorted(names)


def enum_members(node):
    """The names a class body binds once, each to a literal (_constant_value), that start with no underscore: the
    members Enum makes of them when the class is an Enum. A name the body binds again (a method, a property, a nested
    class, another assignment, an annotation) is left out; so is every name of a body that sets _ignore_ (the names it
    lists are deleted, not made members). Sorted."""
    bound, literal = {}, set()
    for item in node.body:
        targets = []
        if isinstance(item, ast.Assign):
            targets = item.targets
        elif isinstance(item, (ast.AnnAssign, ast.AugAssign)):
            targets = [item.target]
        elif isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound[item.name] = bound.get(item.name, 0) + 1
            continue
        else:
            # Any other statement (an if, a for, an import) may bind names the ast walk does not follow: no members.
            if not isinstance(item, (ast.Expr, ast.Pass)):
                return []
            continue
        for t in targets:
            if not isinstance(t, ast.Name):
                return []  # an unpacking or an attribute target: not followed
            bound[t.id] = bound.get(t.id, 0) + 1
            if isinstance(item, ast.Assign) and len(item.targets) == 1 and _constant_value(item.value):
                literal.add(t.id)
    if "_ignore_" in bound:
        return []
    return sorted(n for n in literal if bound[n] == 1 and not n.startswith("_"))


def parse_module(module, text, is_package, fixers=None):
    """What one module defines: classes (bases, hook hashes), functions, aliases, and the sources of the hashes.
    `fixers`: the release builds with use_2to3 (the fixers it excludes): a module in Python 2 syntax is read as 2to3
    rewrote it at install time under Python 3."""
    out = {"classes": {}, "functions": {}, "aliases": {}, "sources": {}}
    classes, functions, aliases, sources = out["classes"], out["functions"], out["aliases"], out["sources"]
    if text is None:
        return out
    try:
        tree = ast.parse(text)
    except SyntaxError:
        tree = None
        # Python 3.12's type alias statement (`type Name = ...`, PEP 695), which the deriving interpreter may not read:
        # it binds a TypeAliasType and defines no class, so it is read as a plain assignment.
        aliased = re.sub(r"^(\s*)type\s+(\w+)\s*(?:\[[^\]\n]*\])?\s*=", r"\1\2 =", text, flags=re.M)
        if aliased != text:
            try:
                tree = ast.parse(aliased)
                text = aliased
            except SyntaxError:
                tree = None
    if tree is None:
        converted = two_to_three(text, fixers) if fixers is not None else None
        if converted is None:
            return out  # Python 2 only syntax: such a module does not import under any Python 3
        text = converted
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return out
    imports = _imports(tree, module, is_package)
    local = {}
    body = list(top_level(tree.body))
    for node in body:
        if isinstance(node, ast.ClassDef):
            local[node.name] = f"{module}.{node.name}"
    for node in body:
        if isinstance(node, ast.ClassDef):
            bases = []
            exprs = []
            for b in node.bases:  # six's with_metaclass(Meta, A, B): the class derives from A and B
                name = _dotted(b.func) if isinstance(b, ast.Call) else None
                exprs.extend(b.args[1:] if name and name.endswith("with_metaclass") and len(b.args) > 2 else [b])
            for b in exprs:
                func = _dotted(b.func) if isinstance(b, ast.Call) else None
                if func is not None and func.partition(".")[0] in imports:
                    head, _, rest = func.partition(".")
                    func = imports[head] + (f".{rest}" if rest else "")
                if func == "collections.namedtuple":
                    # class C(namedtuple("C", "a b")): a tuple subclass the call generates; a pack reviews it as
                    # the external base "collections.namedtuple()" (what every such generated class runs).
                    bases.append("collections.namedtuple()")
                    continue
                d = _dotted(b)
                if d is None and isinstance(b, ast.Subscript) and _dotted(b.value) is not None:
                    # A subscripted generic (Generic[T], Space[NDArray]) is its origin class in the class's bases
                    # once created (the alias's __mro_entries__): recorded as such, read so where the review module
                    # asks for it (parse_version's generic_bases), else as a computed base.
                    bases.append(GENERIC + _resolve_base(_dotted(b.value), local, imports))
                    continue
                if d is None:
                    bases.append("<computed>")
                    continue
                bases.append(_resolve_base(d, local, imports))
            hooks, methods = {}, {}
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    # Every method, for the effect derivation to follow a hook's calls of self.<method>(…) and to
                    # read the special methods an operation runs (derive-history-effects.py); not hooks themselves.
                    mh = tree_hash(item)
                    methods[item.name] = mh
                    sources[mh] = ast.get_source_segment(text, item) or ""
                    if item.name in HOOKS:
                        h = tree_hash(item)
                        hooks[item.name] = h
                        sources[h] = ast.get_source_segment(text, item) or ""
                    for dec in item.decorator_list:
                        if isinstance(dec, ast.Attribute) and dec.attr == "setter":
                            h = tree_hash(item)  # setattr runs it for BUILD's slot state
                            hooks[f"setter {item.name}"] = h
                            sources[h] = ast.get_source_segment(text, item) or ""
                elif isinstance(item, ast.Assign):
                    for t in item.targets:  # __setstate__ = some_function
                        if isinstance(t, ast.Name) and t.id in HOOKS:
                            none = isinstance(item.value, ast.Constant) and item.value.value is None
                            hooks[t.id] = "none" if none else "assigned:" + (_dotted(item.value) or "<expr>")
            if "__eq__" in hooks and "__hash__" not in hooks:
                hooks["__hash__"] = "none"  # CPython sets __hash__ = None in a class that defines only __eq__
            meta = [_dotted(k.value) for k in node.keywords if k.arg == "metaclass"]
            classes[f"{module}.{node.name}"] = {"bases": bases, "hooks": hooks, "methods": methods,
                                                "metaclass": meta[0] if meta else None,
                                                "members": enum_members(node), "body": body_names(node)}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            h = tree_hash(node)
            functions[f"{module}.{node.name}"] = h
            sources[h] = ast.get_source_segment(text, node) or ""
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            d = _dotted(node.value)
            if d:
                head, _, rest = d.partition(".")
                target = local.get(head) if not rest else None
                target = target or (imports[head] + (f".{rest}" if rest else "") if head in imports else None)
                if target:
                    aliases[f"{module}.{node.targets[0].id}"] = target
    for local_name, target in imports.items():  # names a module re-exports by importing them
        aliases.setdefault(f"{module}.{local_name}", target)
    return out


# Prefix of a base written as a subscripted generic (`class Box(Space[NDArray])`), followed by its origin's name.
GENERIC = "<generic>"


def parse_version(repo, commit, package, cache=None, root="", paths=None, two_to_three=False, generic_bases=False):
    """{'classes': {name: {...}}, 'functions': {name: hash}, 'aliases': {name: target}, 'sources': {hash: text}}.
    `cache`: a directory where the result is kept per commit and package (a commit's tree never changes). With
    `two_to_three` (a review module's TWO_TO_THREE), a release whose setup.py builds with use_2to3 has its Python 2
    modules read as 2to3 rewrote them (setup_2to3). With `generic_bases` (a review module's GENERIC_BASES), a base
    written as a subscripted generic is its origin class; without, it is a computed base (never followed)."""
    out = _parse_version(repo, commit, package, cache, root, paths, two_to_three)
    classes = {}
    for name, c in out["classes"].items():
        if any(b.startswith(GENERIC) for b in c["bases"]):
            c = {**c, "bases": [(b[len(GENERIC):] if generic_bases else "<computed>") if b.startswith(GENERIC) else b
                                for b in c["bases"]]}
        classes[name] = c
    return {**out, "classes": classes}


def _parse_version(repo, commit, package, cache=None, root="", paths=None, two_to_three=False):
    import json
    import os

    fixers = setup_2to3(repo, commit, root if isinstance(root, str) else "") if two_to_three else None
    if cache and not is_store(repo, commit):  # a store's files may be re-read: never cached
        scope = package if not paths else package + "-" + hashlib.sha256("|".join(paths).encode()).hexdigest()[:8]
        if fixers is not None:
            scope += "-2to3"
        path = os.path.join(cache, f"v{PARSER_KEY}-{commit}-{scope}.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as fh:
                return json.load(fh)
        out = _parse_version(repo, commit, package, root=root, paths=paths, two_to_three=two_to_three)
        os.makedirs(cache, exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(out, fh)
        return out
    modules = list_modules(repo, commit, package, root, paths)
    missing = sorted({blob for module, (_, blob) in modules.items() if (module, blob, fixers) not in _MODULE_CACHE})
    texts = read_blobs(repo, missing)
    classes, functions, aliases, sources = {}, {}, {}, {}
    for module, (path, blob) in modules.items():
        key = (module, blob, fixers)
        if key not in _MODULE_CACHE:
            _MODULE_CACHE[key] = parse_module(module, texts.get(blob), path.endswith("__init__.py"), fixers)
        part = _MODULE_CACHE[key]
        classes.update(part["classes"])
        functions.update(part["functions"])
        aliases.update(part["aliases"])
        sources.update(part["sources"])
    return {"classes": classes, "functions": functions, "aliases": aliases, "sources": sources}


def star_aliases(repo, commit, package, version, root=""):
    """Adds to `version["aliases"]` the names each module re-exports with `from M import *` (parse_module records
    explicit imports only): every name M defines or re-exports that Python's star import binds - those listed in M's
    literal __all__, else its names that do not start with an underscore. Read from each module's text at `commit`
    (only modules with a star import are parsed); repeated until nothing is added (chains of star imports)."""
    import re

    modules = list_modules(repo, commit, package, root)
    blobs = {m: b for m, (_p, b) in modules.items()}
    texts = read_blobs(repo, sorted(set(blobs.values())))
    stars, alls = {}, {}
    for m, b in blobs.items():
        text = texts.get(b) or ""
        if "import *" not in text:
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        pkg = m if modules[m][0].endswith("__init__.py") else m.rsplit(".", 1)[0]
        for node in top_level(tree.body):
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                base = node.module or ""
                if node.level:
                    parts = pkg.split(".")
                    parts = parts[: len(parts) - (node.level - 1)]
                    base = ".".join(parts + ([node.module] if node.module else []))
                stars.setdefault(m, []).append(base)

    def all_of(m):
        if m not in alls:
            alls[m] = None
            text = texts.get(blobs.get(m, ""), "")
            try:
                for node in ast.parse(text).body if text else []:
                    if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets):
                        alls[m] = set(ast.literal_eval(node.value))
            except (SyntaxError, ValueError):
                alls[m] = None
        return alls[m]

    names = lambda m: {n.rsplit(".", 1)[1] for table in ("classes", "functions", "aliases")  # noqa: E731
                       for n in version[table] if n.rsplit(".", 1)[0] == m}
    for _ in range(8):
        added = 0
        for m, targets in stars.items():
            for t in targets:
                listed = all_of(t)
                for n in (listed if listed is not None else {x for x in names(t) if not x.startswith("_")}):
                    if f"{m}.{n}" not in version["aliases"] and f"{m}.{n}" not in version["classes"] and \
                            f"{m}.{n}" not in version["functions"]:
                        version["aliases"][f"{m}.{n}"] = f"{t}.{n}"
                        added += 1
        if not added:
            break
    return version


def resolve_alias(version, name, limit=8):
    """Follow aliases (assignments and re-exporting imports) to the defining name, bounded."""
    for _ in range(limit):
        if name in version["classes"] or name in version["functions"]:
            return name
        nxt = version["aliases"].get(name)
        if nxt is None or nxt == name:
            return name
        name = nxt
    return name


def _c3(version, name, external, depth=0):
    """CPython's method resolution order of `name` (C3 linearisation), or raises ValueError with the reason."""
    if depth > 32:
        raise ValueError("class hierarchy deeper than the bound")
    name = resolve_alias(version, name)
    if name == "builtins.object":
        return ["builtins.object"]
    if name not in version["classes"]:
        if name in external:
            return [name, "builtins.object"]
        raise ValueError(f"base {name} is outside the package and not reviewed")
    info = version["classes"][name]
    if info["metaclass"] and info["metaclass"] not in ("ABCMeta", "abc.ABCMeta", "ABC"):
        raise ValueError(f"{name} has metaclass {info['metaclass']}")
    bases = [resolve_alias(version, b) for b in info["bases"]] or ["builtins.object"]
    seqs = [_c3(version, b, external, depth + 1) for b in bases] + [list(bases)]
    out = [name]
    for _ in range(256):
        seqs = [q for q in seqs if q]
        if not seqs:
            return out
        for q in seqs:
            head = q[0]
            if not any(head in r[1:] for r in seqs):
                break
        else:
            raise ValueError(f"{name}: no consistent method order")
        out.append(head)
        seqs = [r[1:] if r[0] == head else r for r in seqs]
    raise ValueError("method order longer than the bound")


def effective_hooks(version, name, external):
    """[(owner, hook, hash)] that rebuilding `name` can run: the first definition of each hook along CPython's method
    resolution order (C3) in this version, or (None, reason) when a base cannot be followed (outside the package
    and not in the pack's reviewed external bases, an unknown metaclass, an inconsistent order)."""
    try:
        order = _c3(version, name, external)
    except ValueError as exc:
        return None, str(exc)
    found, out = set(), []
    for cls in order:
        if cls in version["classes"]:
            defined = version["classes"][cls]["hooks"]
        else:
            defined = external.get(cls, {}).get("hooks", {})
        for hook, h in defined.items():
            if hook in ONLY_UNDER and ONLY_UNDER[hook] not in order:
                continue
            if h == "none":  # `__hash__ = None` and the like: the slot is disabled, nothing runs
                found.add(hook)
                continue
            if hook not in found:
                found.add(hook)
                out.append((cls, hook, h))
    return out, None


def effective_method(version, name, method, external):
    """(owner, hash) of the first definition of `method` along `name`'s method resolution order in this version (a
    class of the package; external bases are not read), or None."""
    try:
        order = _c3(version, name, external)
    except ValueError:
        return None
    for cls in order:
        h = version["classes"].get(cls, {}).get("methods", {}).get(method)
        if h is not None:
            return cls, h
    return None


def unhashable(version, name, external):
    """True when instances of `name` cannot be hashed (the first __hash__ along the method order is None): then its
    __eq__ never runs while loading (an instance is never a dict key or set member)."""
    try:
        order = _c3(version, name, external)
    except ValueError:
        return False
    for cls in order:
        hooks = version["classes"].get(cls, external.get(cls, {})).get("hooks", {})
        if "__hash__" in hooks:
            return hooks["__hash__"] == "none"
    return False


# Cython extension classes (.pyx): Python's ast cannot read them, so a review module names the classes it wants
# (CYTHON) and each version's .pyx text is read for the methods that build an instance while loading: __cinit__ and
# __init__ (a stream that calls the class, as their __reduce__ writes), __reduce__/__reduce_cython__ (what the library
# writes), __setstate__/__setstate_cython__ (BUILD) and __getstate__. Each method's text is hashed with comments,
# docstrings and blank lines dropped and indentation normalised, so that unchanged code has one hash in every version.
PYX_HOOKS = ("__cinit__", "__init__", "__reduce__", "__reduce_cython__", "__setstate__", "__setstate_cython__",
             "__getstate__", "__dealloc__")


def _pyx_normalise(text):
    import re

    text = re.sub(r'"""[\s\S]*?"""', "", text)
    lines = [ln.split("#", 1)[0].rstrip() for ln in text.split("\n")]
    lines = [ln for ln in lines if ln.strip()]
    if not lines:
        return ""
    indent = min(len(ln) - len(ln.lstrip()) for ln in lines)
    return "\n".join(ln[indent:] for ln in lines)


def pyx_classes(text):
    """{class: {"bases": [...], "hooks": {method: hash}, "sources": {hash: text}}} of a .pyx file's `cdef class`es
    (top level only; methods found by their `def`/`cpdef` line at the class body's first indentation)."""
    import re

    out = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"cdef class (\w+)\s*(?:\(([^)]*)\))?\s*:", lines[i])
        if not m:
            i += 1
            continue
        name, bases = m.group(1), [b.strip() for b in (m.group(2) or "").split(",") if b.strip()]
        body = []
        i += 1
        while i < len(lines) and (not lines[i].strip() or lines[i][0].isspace() or lines[i].startswith("#")):
            body.append(lines[i])
            i += 1
        hooks, sources = {}, {}
        k = 0
        while k < len(body):
            d = re.match(r"(\s+)(?:c?p?def|def)\s+(?:[\w\[\], ]+\s+)?(\w+)\s*\(", body[k])
            if d and d.group(2) in PYX_HOOKS:
                ind = len(d.group(1))
                block = [body[k]]
                k += 1
                while k < len(body) and (not body[k].strip() or len(body[k]) - len(body[k].lstrip()) > ind):
                    block.append(body[k])
                    k += 1
                src = _pyx_normalise("\n".join(block))
                h = "pyx-" + hashlib.sha256(src.encode()).hexdigest()[:12]
                hooks[d.group(2)] = h
                sources[h] = src
                continue
            k += 1
        out[name] = {"bases": bases, "hooks": hooks, "sources": sources}
    return out


def pyx_functions(text):
    """{function: hash} of a .pyx file's top-level `def`s and `cpdef`s (newObj, the reconstructor scikit-learn's Cython
    classes' __reduce__ writes; a cpdef's return type, as `cpdef np.ndarray[floating] f(`, is skipped), hashed like the
    class methods; and {hash: text}."""
    import re

    out, sources = {}, {}
    lines = text.split("\n")
    for i, line in enumerate(lines):
        m = re.match(r"(?:def|cpdef(?:\s+[\w.]+(?:\[[^\]]*\])?)?)\s+(\w+)\s*\(", line)
        if not m:
            continue
        block = [line]
        for nxt in lines[i + 1:]:
            if nxt.strip() and not nxt[0].isspace() and not nxt.startswith("#"):
                break
            block.append(nxt)
        src = _pyx_normalise("\n".join(block))
        h = "pyx-" + hashlib.sha256(src.encode()).hexdigest()[:12]
        out[m.group(1)] = h
        sources[h] = src
    return out, sources


def expand_template(text):
    """The text a Tempita template (.pyx.tp / .pxi.tp, which scikit-learn >= 1.2's build renders into the .pyx the
    compiler reads) renders to, for the one form scikit-learn's templates use: a `{{py: NAME = [tuples of strings]}}`
    block of literal assignments (read with ast.literal_eval: the template's code is never run), then
    `{{for a, b, ... in NAME}} ... {{endfor}}` blocks (not nested) whose `{{a}}` placeholders are the tuple's items.
    None for any other construct (an {{if}}, an expression, an unknown name): such a template is not read."""
    import ast
    import re

    values = {}
    m = re.match(r"\s*\{\{py:(.*?)\}\}", text, flags=re.S)
    if m:
        try:
            tree = ast.parse(m.group(1))
        except SyntaxError:
            return None
        for node in tree.body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                return None
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return None
            if not (isinstance(value, list) and all(isinstance(t, tuple) and all(isinstance(x, str) for x in t)
                                                    for t in value)):
                return None
            values[node.targets[0].id] = value
        text = text[m.end():]
    out, pos = [], 0
    loop = re.compile(r"\{\{for ([\w, ]+) in (\w+)\}\}\n?(.*?)\{\{endfor\}\}\n?", flags=re.S)
    for m in loop.finditer(text):
        out.append(text[pos:m.start()])
        names = [n.strip() for n in m.group(1).split(",")]
        rows = values.get(m.group(2))
        if rows is None or any(len(r) != len(names) for r in rows) or "{{for" in m.group(3):
            return None
        for row in rows:
            bound = dict(zip(names, row))
            body = re.sub(r"\{\{(\w+)\}\}", lambda x: bound.get(x.group(1), x.group(0)), m.group(3))
            out.append(body)
        pos = m.end()
    out.append(text[pos:])
    text = "".join(out)
    return None if "{{" in text else text


def pyx_text(repo, commit, path, depth=0):
    """A .pyx file's text at `commit` with its `include "x.pxi"` lines replaced by the included file (same folder),
    as Cython compiles it (scikit-learn's kd_tree.pyx and ball_tree.pyx include binary_tree.pxi, which defines
    BinaryTree and newObj in each module). Where the version has no such file but its Tempita template (path + ".tp",
    scikit-learn >= 1.2's _dist_metrics.pyx.tp, >= 1.4's _kd_tree.pyx.tp and _binary_tree.pxi.tp), the template's
    rendering (expand_template). None when neither is there, or the template is not read."""
    import posixpath
    import re

    try:
        text = git(repo, "show", f"{commit}:{path}").decode("utf-8", "replace")
    except subprocess.CalledProcessError:
        try:
            text = expand_template(git(repo, "show", f"{commit}:{path}.tp").decode("utf-8", "replace"))
        except subprocess.CalledProcessError:
            return None
        if text is None:
            return None
    if depth >= 4:
        return text

    def expand(m):
        inner = pyx_text(repo, commit, posixpath.join(posixpath.dirname(path), m.group(1)), depth + 1)
        return inner if inner is not None else m.group(0)

    return re.sub(r'^include\s+"([\w.]+\.pxi)"\s*$', expand, text, flags=re.M)


def deprecated_modules(repo, commit, root=""):
    """{old dotted module: new dotted module} of scikit-learn 0.22 - 0.23's generated deprecation shims
    (sklearn/_build_utils/deprecated_modules.py, _DEPRECATED_MODULES: the build writes each old module as a file whose
    module __getattr__ answers every name from the new module, so an old name resolves to the new module's)."""
    import ast

    path = f"{root + '/' if root else ''}sklearn/_build_utils/deprecated_modules.py"
    try:
        tree = ast.parse(git(repo, "show", f"{commit}:{path}").decode("utf-8", "replace"))
    except (subprocess.CalledProcessError, SyntaxError):
        return {}
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "_DEPRECATED_MODULES" for t in node.targets):
            for new, old, *_ in ast.literal_eval(node.value):
                out[old] = f"{old.rsplit('.', 1)[0]}.{new}"
    return out


def pyx_state_reads(src):
    """The highest item index + 1 a Cython __setstate__ reads from its state by a constant index (`state[i]`) outside any
    condition, and the indices read under a condition (an `if` inside the hook: PyFuncDistance's func and kwargs, which
    its review names), from its text."""
    import re

    reads, conditional, guard = 0, set(), None
    for line in src.split("\n")[1:]:
        ind = len(line) - len(line.lstrip())
        if guard is not None and ind <= guard:
            guard = None
        if re.match(r"\s*if\b", line):
            guard = ind
        for i in re.findall(r"\bstate\[(\d+)\]", line):
            if guard is not None:
                conditional.add(int(i))
            else:
                reads = max(reads, int(i) + 1)
    return reads, sorted(conditional)


def pyx_state_written(src):
    """The lengths of the tuples a Cython __getstate__ returns unconditionally (`return (a, b, ...)` at the body's
    indentation), from its text, with the item positions it converts with int()/float() (the numbers the library
    writes there)."""
    import re

    out = []
    lines = [ln for ln in src.split("\n")[1:] if ln.strip()]
    body = min((len(ln) - len(ln.lstrip()) for ln in lines), default=0)
    for m in re.finditer(r"^( *)return \(([\s\S]*?)\)\s*(?=\n\S|\n\s*(?:if|return|else)|$)", src, flags=re.M):
        if len(m.group(1)) != body:
            continue  # a return under a condition (PyFuncDistance's 5 items): not what every class writes
        items, depth, cur = [], 0, ""
        for ch in m.group(2):
            if ch == "," and depth == 0:
                items.append(cur.strip())
                cur = ""
                continue
            depth += ch in "([{"
            depth -= ch in ")]}"
            cur += ch
        if cur.strip():
            items.append(cur.strip())
        numbers = [i for i, x in enumerate(items) if re.fullmatch(r"(?:int|float)\(self\.\w+\)", x)]
        out.append((len(items), numbers))
    return out


def pyx_aliases(text):
    """{name: class} of a .pyx file's top-level `Name = Other` assignments (scikit-learn <= 0.19: KDTree = BinaryTree)."""
    import re

    return dict(re.findall(r"^(\w+) = (\w+)\s*$", text, flags=re.M))


def pyx_python_classes(text, module):
    """What a .pyx module defines as plain Python classes (`class C(Base):`, not `cdef class`), in parse_module's
    form: {"classes": {name: {"bases", "hooks", "methods", "metaclass"}}, "sources": {hash: text}}. Cython compiles
    such a class into an ordinary Python class (instances pickle through __reduce_ex__ and their __dict__, as a .py
    module's would), but its methods may hold Cython declarations that Python's ast cannot read: each method is found
    by its `def`/`cpdef` line at the class body's first indentation and hashed as pyx_classes hashes a Cython method
    (its text normalised). The bases are resolved through the module's Python imports (its `import`/`from ... import`
    lines; `cimport`s name C declarations, never a base). A class-level assignment of a hook name
    (`__setstate__ = f`) is recorded as "assigned:<text>", which no review admits."""
    import re

    out = {"classes": {}, "sources": {}}
    lines = text.split("\n")
    stmts, i = [], 0
    while i < len(lines):  # the top-level imports, with a parenthesised list's continuation lines
        line = lines[i]
        if re.match(r"(from\s+\S+\s+import\s|import\s)", line) and "cimport" not in line:
            stmt = [line]
            while stmt[-1].count("(") > 0 and ")" not in "".join(stmt) and i + 1 < len(lines):
                i += 1
                stmt.append(lines[i])
            stmts.append("\n".join(stmt))
        i += 1
    try:
        imports = _imports(ast.parse("\n".join(stmts)), module, False)
    except SyntaxError:
        imports = {}
    local = {m.group(1): f"{module}.{m.group(1)}" for m in re.finditer(r"^class (\w+)", text, re.M)}
    i = 0
    while i < len(lines):
        m = re.match(r"class (\w+)\s*(?:\(([^)]*)\))?\s*:", lines[i])
        if not m:
            i += 1
            continue
        name, bases, meta = m.group(1), [], None
        for b in (m.group(2) or "").split(","):
            b = b.strip()
            if not b:
                continue
            if b.startswith("metaclass="):
                meta = b.split("=", 1)[1].strip()
                continue
            if not re.fullmatch(r"[\w.]+", b):
                bases.append("<computed>")
                continue
            bases.append(_resolve_base(b, local, imports))
        body = []
        i += 1
        while i < len(lines) and (not lines[i].strip() or lines[i][0].isspace() or lines[i].startswith("#")):
            body.append(lines[i])
            i += 1
        indents = [len(b) - len(b.lstrip()) for b in body if b.strip() and not b.lstrip().startswith("#")]
        first = min(indents) if indents else 0
        hooks, methods = {}, {}
        k = 0
        while k < len(body):
            line = body[k]
            ind = len(line) - len(line.lstrip())
            d = re.match(r"\s+(?:cpdef|def)\s+(?:[\w\[\], ]+\s+)?(\w+)\s*\(", line) if ind == first else None
            a = re.match(r"\s+(__\w+__)\s*=\s*(.+)$", line) if ind == first else None
            if d:
                block = [line]
                k += 1
                while k < len(body) and (not body[k].strip() or len(body[k]) - len(body[k].lstrip()) > ind):
                    block.append(body[k])
                    k += 1
                src = _pyx_normalise("\n".join(block))
                h = "pyx-" + hashlib.sha256(src.encode()).hexdigest()[:12]
                methods[d.group(1)] = h
                out["sources"][h] = src
                if d.group(1) in HOOKS:
                    hooks[d.group(1)] = h
                continue
            if a and a.group(1) in HOOKS:
                value = a.group(2).split("#", 1)[0].strip()
                hooks[a.group(1)] = "none" if value == "None" else "assigned:" + value
            k += 1
        if "__eq__" in hooks and "__hash__" not in hooks:
            hooks["__hash__"] = "none"
        out["classes"][f"{module}.{name}"] = {"bases": bases, "hooks": hooks, "methods": methods, "metaclass": meta}
    return out


def _resolve_base(d, local, imports):
    """A base class written as a dotted name, as the module defines or imports it (else a builtin)."""
    head, _, rest = d.partition(".")
    if head in local and not rest:
        return local[head]
    if head in imports:
        return imports[head] + (f".{rest}" if rest else "")
    return f"builtins.{d}" if not rest else d
