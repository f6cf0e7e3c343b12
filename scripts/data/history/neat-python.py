"""neat-python history pack (no Debian package, so no pack of an installed version): the genomes, networks, config
and population objects users pickle (a winning genome, a phenotype network, a Checkpointer's (generation, config,
population, species, random state) tuple), as neat-python's released versions define them, read by
scripts/data/derive-history.py. REVIEW keys are owner.hook@hash of the hook's syntax tree;
docs/packs/history/neat-python.json lists the versions each name is found in. Not admitted: the evaluators that hold
process pools, managers or sockets (neat.distributed, neat.parallel, neat.threaded) and the exception classes."""

LIB = "neat-python"
PACK = "neat-python"
TITLE = "neat-python genomes, networks, config and population objects, as released versions pickle them"
PACKAGE = "neat"
SAVED_BASES = ()
_WHY = "a neat-python object users pickle (a genome, a network, the config or a checkpoint's population)"
HELD = {name: _WHY for name in (
    "neat.activations.ActivationFunctionSet", "neat.aggregations.AggregationFunctionSet",
    "neat.attributes.BaseAttribute", "neat.attributes.BoolAttribute", "neat.attributes.FloatAttribute",
    "neat.attributes.IntegerAttribute", "neat.attributes.StringAttribute", "neat.checkpoint.Checkpointer",
    "neat.config.Config", "neat.config.ConfigParameter", "neat.config.DefaultClassConfig", "neat.ctrnn.CTRNN",
    "neat.ctrnn.CTRNNNodeEval", "neat.genes.BaseGene", "neat.genes.DefaultConnectionGene", "neat.genes.DefaultNodeGene",
    "neat.genome.DefaultGenome", "neat.genome.DefaultGenomeConfig", "neat.innovation.InnovationTracker",
    "neat.iznn.IZGenome", "neat.iznn.IZNN", "neat.iznn.IZNeuron", "neat.iznn.IZNodeGene",
    "neat.nn.feed_forward.FeedForwardNetwork", "neat.nn.recurrent.RecurrentNetwork", "neat.population.Population",
    "neat.reporting.BaseReporter", "neat.reporting.ReporterSet", "neat.reporting.StdOutReporter",
    "neat.reproduction.DefaultReproduction", "neat.species.DefaultSpeciesSet", "neat.species.GenomeDistanceCache",
    "neat.species.Species", "neat.stagnation.DefaultStagnation", "neat.statistics.StatisticsReporter",
    # Re-exported at the package's top level (neat.DefaultGenome is how users name the genome type in a config).
    "neat.DefaultGenome", "neat.Config", "neat.Population", "neat.DefaultReproduction", "neat.DefaultSpeciesSet",
    "neat.DefaultStagnation", "neat.StatisticsReporter", "neat.StdOutReporter", "neat.Checkpointer")}
EXTRA_NAMES = {}
EXTERNAL_BASES = {}
# The effect model of the admitted classes (src/analyzers/pickle/data/history-effects-neat-python.json), read from
# each hook's source.
EFFECTS = True
_COUNT = ("pops the saved counter value from the state, __dict__.update(state), then itertools.count(value) (a "
          "number check, no call) or None")
REVIEW = {
    # neat-python 1.1+: the innovation-number genes compare and hash by their innovation attribute.
    "neat.genes.DefaultConnectionGene.__eq__@752d46a7f917": (
        "data", "isinstance check, then self.innovation == other.innovation"),
    "neat.genes.DefaultConnectionGene.__hash__@0b1f7c502bed": ("data", "hash(self.innovation)"),
    "neat.genome.DefaultGenomeConfig.__setstate__@63991b703bc0": ("data", _COUNT),
    "neat.species.DefaultSpeciesSet.__setstate__@73ba6f3b5e4a": ("data", _COUNT),
    "neat.innovation.InnovationTracker.__setstate__@cdae30f4a751": (
        "data", "stores state['global_counter'] and state['generation_innovations']"),
    "neat.population.Population.__del__@19d6c2a18903": (
        "data", "Species.clear_indexer(): resets a class-level counter (no value of the stream is read)"),
}
# The activation and aggregation functions a config's function sets and a network's node evaluations hold: stored
# references the network calls on its own inputs when activated, never called by a load (calls: none).
_ACT = ("sigmoid", "tanh", "sin", "gauss", "relu", "elu", "lelu", "selu", "softplus", "identity", "clamped", "inv",
        "log", "exp", "abs", "hat", "square", "cube")
_AGG = ("product", "sum", "max", "min", "maxabs", "median", "mean")
FUNCTION_HASHES = {  # every released version's body hash (the functions are stored references, never called by a load)
    'neat.activations.abs_activation': ('99032e10f31d',),
    'neat.activations.clamped_activation': ('464644f715b1',),
    'neat.activations.cube_activation': ('244aac65d50e',),
    'neat.activations.elu_activation': ('74304faac1c0',),
    'neat.activations.exp_activation': ('b300c8f6361a',),
    'neat.activations.gauss_activation': ('ce60033da120', 'da23fdce2623'),
    'neat.activations.hat_activation': ('e01af4c3561d',),
    'neat.activations.identity_activation': ('07d44acc5ad4',),
    'neat.activations.inv_activation': ('2baa33f80912', '35c19ee0bb56'),
    'neat.activations.lelu_activation': ('adf3dd38db38',),
    'neat.activations.log_activation': ('7feaeae90acc',),
    'neat.activations.relu_activation': ('b16162e6490b', 'b86820a16ab3'),
    'neat.activations.selu_activation': ('3a82141c5d4b',),
    'neat.activations.sigmoid_activation': ('12124f3bf7fd', '95b1f8b50c71'),
    'neat.activations.sin_activation': ('a6d787b13070', 'e01f40290203'),
    'neat.activations.softplus_activation': ('efc4c59b464b',),
    'neat.activations.square_activation': ('40b97dc8ba2d',),
    'neat.activations.tanh_activation': ('0fd03a3178d8', '26aa42e0fd72'),
    'neat.aggregations.max_aggregation': ('731a921785ca', '9284866b52c0'),
    'neat.aggregations.maxabs_aggregation': ('54e95be8d2ed', '8ad0cf85050d'),
    'neat.aggregations.mean_aggregation': ('140be6f4807d', 'f19a48a39fb2'),
    'neat.aggregations.median_aggregation': ('5f4c971b1fb2', 'aa4143b996b9'),
    'neat.aggregations.min_aggregation': ('0b758c11fbfd', 'a2cb01e8a85e'),
    'neat.aggregations.product_aggregation': ('144ddefcd7db',),
    'neat.aggregations.sum_aggregation': ('1f7bbb31fe45',),
}
FUNCTIONS = {
    **{f"neat.activations.{n}_activation": ("reference", "an activation function a network or config holds", FUNCTION_HASHES.get(f"neat.activations.{n}_activation", ()))
       for n in _ACT},
    **{f"neat.aggregations.{n}_aggregation": ("reference", "an aggregation function a network or config holds", FUNCTION_HASHES.get(f"neat.aggregations.{n}_aggregation", ()))
       for n in _AGG},
}
NOT_ADMITTED = {}
