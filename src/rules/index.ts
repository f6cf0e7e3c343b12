// The rule index: every rule Sentinel ships, in report order. Adding a rule = its file + one line here + its test.
import type { Rule } from './rule.js';
import { pickleExec } from './pickle-exec.js';
import { pickleGlobalImport } from './pickle-global-import.js';
import { pickleStruct } from './pickle-struct.js';
import { scanIncomplete } from './scan-incomplete.js';
import { archiveTamper } from './archive-tamper.js';
import { torchLoadUntrusted } from './torch-load-untrusted.js';
import { torchScriptCustomOp } from './torch-script-custom-op.js';
import { torchHubDynamicImport } from './torch-hub-dynamic-import.js';
import { deserNetworkInput } from './deser-network-input.js';
import { deserPickleTransport } from './deser-pickle-transport.js';
import { deserUnsafeLoader } from './deser-unsafe-loader.js';
import { deserSchemalessEndpoint } from './deser-schemaless-endpoint.js';

export const RULES: readonly Rule[] = [
  pickleExec,
  pickleGlobalImport,
  pickleStruct,
  torchLoadUntrusted,
  torchScriptCustomOp,
  torchHubDynamicImport,
  deserNetworkInput,
  deserPickleTransport,
  deserUnsafeLoader,
  deserSchemalessEndpoint,
  scanIncomplete,
  archiveTamper,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

export const CATEGORIES = [...new Set(RULES.map((r) => r.meta.category))];
