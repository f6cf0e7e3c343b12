"""networkx pack: graph classes and the views and functions their pickles reference."""

import networkx as nx

PACK = "networkx"
TITLE = "NetworkX graphs (Graph, DiGraph, MultiGraph, MultiDiGraph, frozen graphs)"
MODULES = ("networkx",)


def versions():
    return {"networkx": nx.__version__}


def objects():
    g = nx.karate_club_graph()
    return [
        ("Graph", g),
        ("Graph with views", (g, g.nodes, g.adj, g.edges)),
        ("DiGraph", nx.gn_graph(6, seed=0)),
        ("DiGraph views", (nx.gn_graph(4, seed=0).succ, nx.gn_graph(4, seed=0).pred)),
        ("MultiGraph", nx.MultiGraph([(1, 2), (1, 2)])),
        ("MultiDiGraph", nx.MultiDiGraph([(1, 2, {"w": 0.5}), (2, 1)])),
        ("frozen", nx.freeze(nx.path_graph(4))),
        ("OrderedGraph-like subgraph view", nx.subgraph_view(nx.path_graph(3))),
    ]


def streams():
    return []


FUNCTIONS = {
    "networkx.classes.function.frozen": (
        "reference",
        "nx.freeze stores frozen (a function that raises NetworkXError) as the graph's mutating methods; library code "
        "calls it only to refuse a change",
    ),
    "networkx.classes.filters.no_filter": ("reference", "subgraph views store it as the node/edge filter (returns True)"),
}
REVIEW = {
    "networkx.classes.graph.Graph.__init__": (
        "data",
        "incoming_graph_data goes through to_networkx_graph (dicts, lists, arrays, other graphs); no I/O",
    ),
    "networkx.classes.coreviews.AtlasView.__setstate__": ("data", "sets _atlas from the state"),
    "networkx.classes.coreviews.AdjacencyView.__setstate__": ("data", "sets _atlas from the state"),
    "networkx.classes.coreviews.MultiAdjacencyView.__setstate__": ("data", "sets _atlas from the state"),
    "networkx.classes.coreviews.UnionAtlas.__setstate__": ("data", "sets _succ/_pred from the state"),
    "networkx.classes.coreviews.FilterAtlas.__init__": ("data", "stores the dict and the filter"),
    "networkx.classes.reportviews.NodeView.__setstate__": ("data", "sets _nodes from the state"),
    "networkx.classes.reportviews.OutEdgeView.__setstate__": ("data", "sets _graph and _adjdict from the state"),
    "networkx.classes.reportviews.EdgeView.__setstate__": ("data", "sets _graph and _adjdict from the state"),
}
