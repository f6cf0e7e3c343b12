// MODEL-TEMPLATE-INJECTION: a Jinja chat template (GGUF tokenizer.chat_template*, tokenizer_config.json
// chat_template, standalone .jinja) whose parsed AST reaches Python object internals (analyzers/model/chat-template.ts).
import type { Rule } from './rule.js';
import { modelMeta, reportModelFact } from './model-family.js';

export const modelTemplateInjection: Rule = {
  meta: modelMeta({
    id: 'MODEL-TEMPLATE-INJECTION',
    severity: 'CRITICAL',
    title: 'Chat Template Reaches Python Internals',
    cwe: ['CWE-1336'],
    fpRisk: 'LOW',
    fixHint: "Use the model family's published template; render templates only in a sandboxed Jinja environment.",
    fix:
      "Replace the template with the model family's published chat template, and make every consumer render chat " +
      'templates in an immutable sandboxed Jinja environment (jinja2.sandbox.ImmutableSandboxedEnvironment); never ' +
      'render a model-supplied template with a plain jinja2.Environment.',
    description:
      'A chat template is code the serving stack runs on every request. A template that reaches Python object ' +
      'internals is a server-side template injection: rendered outside a sandbox it executes commands. A template ' +
      'whose render cost is unbounded hangs or exhausts the memory of every renderer, sandboxed or not.',
    firesOn:
      'A Jinja chat template (GGUF tokenizer.chat_template*, tokenizer_config.json chat_template, standalone .jinja) ' +
      'whose parsed AST reaches object internals: dunder or private attributes, attr()/|attr with computed names, ' +
      'known escape gadgets (cycler, joiner, namespace, lipsum, self, request, config used as objects), names ' +
      'assembled from string pieces, any attribute or subscript name the template computes and that cannot be worked ' +
      'out statically, Python builtins called as globals; and a template whose render cost is unbounded (over ' +
      '1,000,000 estimated loop iterations, a value over 64 MiB, a value doubling itself in a loop, macro recursion ' +
      'on computed arguments). A template the Jinja parser cannot read is checked token by token and said so.',
  }),
  visit: {
    model(fact, ctx) {
      reportModelFact(modelTemplateInjection.meta, fact, ctx);
    },
  },
};
