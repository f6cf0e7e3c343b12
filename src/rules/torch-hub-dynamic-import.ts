// TORCH-HUB-DYNAMIC-IMPORT: torch.hub.load/list/help from GitHub without a full commit SHA, with
// trust_repo/skip_validation bypasses, and hubconf.py files that run shell/exec/downloads at import or in an
// entrypoint.
import { DECISION, OWASP_LLM03, OWNER, type Rule } from './rule.js';
import { reportCodeSignals } from './code-evidence.js';

export const torchHubDynamicImport: Rule = {
  meta: {
    id: 'TORCH-HUB-DYNAMIC-IMPORT',
    category: 'TORCH',
    severity: 'MEDIUM',
    title: 'Dynamic Torch Hub Import',
    cwe: ['CWE-829', 'CWE-494'],
    owasp: OWASP_LLM03,
    fpRisk: 'MEDIUM',
    owner: OWNER,
    decision: DECISION.MEDIUM,
    fixHint: 'Replace remote hub execution with pinned, vendored model code.',
    fix: 'Pin a commit SHA, mirror trusted code internally, and review hubconf.py before execution.',
    description:
      'torch.hub imports and runs repository code (hubconf.py) at load time; an unpinned ref runs whatever the branch holds today.',
    firesOn:
      'torch.hub.load with branch names, unpinned refs, or trust_repo bypasses; hubconf.py that pulls code from an unpinned repository.',
  },
  visit: {
    code(fact, ctx) {
      reportCodeSignals(torchHubDynamicImport.meta, fact, ctx);
    },
  },
};
