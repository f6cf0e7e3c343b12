// ONNX operators that QONNX implements in Python (its numpy code), by domain and operator type, derived from QONNX's
// source at pinned releases (scripts/data/derive-qonnx-ops.py). QONNX runs a node of a non-standard domain by
// importing the Python module the domain names and taking the operator's class from it; for these domains and
// operator types that module is QONNX's own. The operator that executes another ONNX file its attribute names
// (GenericPartition) is left out by review.
import data from './data/qonnx-ops.json' with { type: 'json' };

const DOMAINS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  Object.entries(data.domains).map(([domain, ops]) => [domain, new Set(ops)]),
);
const ALIASES: Readonly<Record<string, string>> = data.aliases;

/** The QONNX module that implements `domain::opType` in Python, or undefined when QONNX defines no such operator. */
export function qonnxPythonOperator(domain: string, opType: string): string | undefined {
  const module = Object.hasOwn(ALIASES, domain) ? ALIASES[domain]! : domain;
  return DOMAINS.get(module)?.has(opType) ? module : undefined;
}
