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
import { modelTemplateInjection } from './model-template-injection.js';
import { modelLambdaCode } from './model-lambda-code.js';
import { modelExternalData } from './model-external-data.js';
import { modelCustomOp } from './model-custom-op.js';
import { modelRemoteCode } from './model-remote-code.js';
import { modelStruct } from './model-struct.js';
import { signMissing } from './sign-missing.js';
import { signInvalid } from './sign-invalid.js';
import { signMismatch } from './sign-mismatch.js';
import { signUntrusted } from './sign-untrusted.js';

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
  modelTemplateInjection,
  modelLambdaCode,
  modelExternalData,
  modelCustomOp,
  modelRemoteCode,
  modelStruct,
  scanIncomplete,
  archiveTamper,
  signMissing,
  signInvalid,
  signMismatch,
  signUntrusted,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

export const CATEGORIES = [...new Set(RULES.map((r) => r.meta.category))];
