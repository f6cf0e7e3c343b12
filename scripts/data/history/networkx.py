"""NetworkX history pack: the graph classes and the views NetworkX's released versions pickle, read by
scripts/data/derive-history.py. REVIEW keys are owner.hook@hash of the hook's syntax tree."""

LIB = "networkx"
PACK = "networkx"
TITLE = "NetworkX graphs and views as released versions pickle them"
PACKAGE = "networkx"
SAVED_BASES = ("networkx.classes.graph.Graph",)
SAVED_WHAT = "a graph, pickled through its __dict__"
_VIEW = "a view a graph's cached properties hold (pickled with the graph, 2.0+)"
HELD = {
    "networkx.classes.coreviews.AtlasView": _VIEW,
    "networkx.classes.coreviews.AdjacencyView": _VIEW,
    "networkx.classes.coreviews.MultiAdjacencyView": _VIEW,
    "networkx.classes.coreviews.FilterAtlas": "the filtered view a subgraph view holds",
    "networkx.classes.coreviews.FilterAdjacency": "the filtered view a subgraph view holds",
    "networkx.classes.reportviews.NodeView": _VIEW,
    "networkx.classes.reportviews.EdgeView": _VIEW,
    "networkx.classes.reportviews.OutEdgeView": _VIEW,
    # The other views the graphs' cached properties hold (edges/in_edges/degree/in_degree/out_degree of the four graph
    # classes): networkx 3.x graphs that a program asked for G.degree or G.in_edges pickle them (public projects'
    # graphs, test/fixtures/real-world/public-manifest.json).
    "networkx.classes.reportviews.InEdgeView": _VIEW,
    "networkx.classes.reportviews.OutMultiEdgeView": _VIEW,
    "networkx.classes.reportviews.MultiEdgeView": _VIEW,
    "networkx.classes.reportviews.InMultiEdgeView": _VIEW,
    "networkx.classes.reportviews.DiDegreeView": _VIEW,
    "networkx.classes.reportviews.DegreeView": _VIEW,
    "networkx.classes.reportviews.OutDegreeView": _VIEW,
    "networkx.classes.reportviews.InDegreeView": _VIEW,
    "networkx.classes.reportviews.MultiDegreeView": _VIEW,
    "networkx.classes.reportviews.DiMultiDegreeView": _VIEW,
    "networkx.classes.reportviews.InMultiDegreeView": _VIEW,
    "networkx.classes.reportviews.OutMultiDegreeView": _VIEW,
}
EXTRA_NAMES = {}
_ABC = ("abstract mixin (collections.abc): no rebuild hook; its __eq__ compares items and its __hash__ is None, so "
        "never a key while loading")
EXTERNAL_BASES = {n: {"why": _ABC, "hooks": {}} for n in (
    "collections.Mapping", "collections.abc.Mapping", "collections.Set", "collections.abc.Set",
    "collections.abc.Mapping", "collections.abc.Sequence", "collections.Sequence")}
EXTERNAL_BASES["abc.ABC"] = {"why": "abstract base: no rebuild hook", "hooks": {}}
_NEW = "object.__new__(cls): the arguments are ignored"
_NAME = ("stores the value in the graph's attribute dict (self.graph['name'] = s: the pickled graph attribute's "
         "__setitem__, as SETITEMS on it would run)")
REVIEW = {
    # Graph classes gained a __new__ in 3.x (for backends): both spellings only allocate.
    "networkx.classes.graph.Graph.__new__@25dc130f65ac": ("data", _NEW),
    "networkx.classes.graph.Graph.__new__@e65874f7cf52": ("data", _NEW),
    "networkx.classes.digraph.DiGraph.__new__@bd0cf13b52ca": ("data", _NEW),
    "networkx.classes.digraph.DiGraph.__new__@fbaa254f467a": ("data", _NEW),
    "networkx.classes.multigraph.MultiGraph.__new__@6df814733365": ("data", _NEW),
    "networkx.classes.multigraph.MultiGraph.__new__@e531ab4dde21": ("data", _NEW),
    "networkx.classes.multidigraph.MultiDiGraph.__new__@36a0d99b0f59": ("data", _NEW),
    "networkx.classes.multidigraph.MultiDiGraph.__new__@6f3aad0cc7de": ("data", _NEW),
    # The views' own __setstate__ (2.0+): each sets the attributes it reads from the state dict.
    "networkx.classes.coreviews.AtlasView.__setstate__@a56f09feff13": ("data", "sets _atlas from the state"),
    "networkx.classes.reportviews.NodeView.__setstate__@2a4c063bee86": ("data", "sets _nodes from the state"),
    "networkx.classes.reportviews.OutEdgeView.__setstate__@83e9e1ba3aa5": (
        "data", "sets _graph from the state, _adjdict to its _succ or _adj (attribute reads), _nodes_nbrs to that "
                "dict's bound items"),
    "networkx.classes.reportviews.OutEdgeView.__setstate__@bc9d71681e08": (
        "data", "sets _graph and _adjdict from the state, _nodes_nbrs to the dict's bound items"),
    # The in-edge views (2.0+) rebuild from the predecessor dict as OutEdgeView does from the successor dict.
    "networkx.classes.reportviews.InEdgeView.__setstate__@4a90818566c6": (
        "data", "sets _graph from the state, _adjdict to its _pred or _adj (attribute reads), _nodes_nbrs to that "
                "dict's bound items"),
    "networkx.classes.reportviews.InEdgeView.__setstate__@bc9d71681e08": (
        "data", "sets _graph and _adjdict from the state, _nodes_nbrs to the dict's bound items"),
    "networkx.classes.reportviews.InMultiEdgeView.__setstate__@4a90818566c6": (
        "data", "sets _graph from the state, _adjdict to its _pred or _adj (attribute reads), _nodes_nbrs to that "
                "dict's bound items"),
    "networkx.classes.reportviews.InMultiEdgeView.__setstate__@bc9d71681e08": (
        "data", "sets _graph and _adjdict from the state, _nodes_nbrs to the dict's bound items"),
    # Property setter: runs only for BUILD's slot state (setattr), which networkx never writes.
    "networkx.classes.graph.Graph.setter name@88d9643de918": ("data", _NAME),
    "networkx.classes.graph.Graph.setter name@dd4a2a64cc11": (
        "data", _NAME + "; then nx._clear_cache(self) calls clear() on the pickled __networkx_cache__ when truthy "
                        "(networkx stores a dict there)"),
}
FUNCTIONS = {
    "networkx.classes.function.frozen": (
        "reference", "nx.freeze stores it as the graph's mutating methods; it raises NetworkXError",
        ("0dee164d8b64", "d6e7f24ebfd5")),
    "networkx.classes.filters.no_filter": (
        "reference", "subgraph views store it as the filter; it returns True", ("8cd5d6ead9e5",)),
}
NOT_ADMITTED = {}
