// Regenerates schemas/policy.schema.json and schemas/report.schema.json from the zod schemas.
// Run: node --import tsx scripts/gen-schemas.ts  (test/policy/policy-schema.test.ts and test/report/ check drift)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyJsonSchema } from '../src/policy/policy-schema.js';
import { reportJsonSchema } from '../src/report/report-schema.js';

const dir = join(import.meta.dirname, '..', 'schemas');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'policy.schema.json'), JSON.stringify(policyJsonSchema(), null, 2) + '\n');
writeFileSync(join(dir, 'report.schema.json'), JSON.stringify(reportJsonSchema(), null, 2) + '\n');
console.log('wrote schemas/policy.schema.json and schemas/report.schema.json');
