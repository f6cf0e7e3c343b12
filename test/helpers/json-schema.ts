// JSON Schema validators for tests: ajv 2020-12 for Sentinel's own schemas (zod's toJSONSchema target) and
// ajv draft-04 for the official SARIF 2.1.0 schema (ts-stack.md §5: unicodeRegExp must be off for that schema).
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import Ajv2020Module from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';

// CommonJS default exports seen through nodenext typings: the runtime value is the constructor/function itself.
type Ctor = new (opts: Record<string, unknown>) => {
  compile(schema: unknown): ValidateFunction;
};
const Ajv04 = Ajv04Module as unknown as Ctor;
const Ajv2020 = Ajv2020Module as unknown as Ctor;
const addFormats = addFormatsModule as unknown as (ajv: unknown) => void;

export interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

/** Validator for a draft 2020-12 schema (policy and report schemas). */
export function compile2020(schema: unknown): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** Validator for the official SARIF 2.1.0 schema (draft-04). */
export function compileDraft04(schema: unknown): ValidateFunction {
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

/** `/path must …` lines for assertion messages. */
export function errorsText(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('\n');
}
