// Escaping for the markup reporters (HTML, JUnit XML, Markdown). Evidence holds attacker-controlled strings
// (module names, entry names, code snippets), so every value is escaped where it is written, never trusted.

/** Characters XML 1.0 cannot carry at all (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const XML_INVALID =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visible(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Text or attribute value for HTML and XML: `& < > " '` escaped, characters XML cannot carry made visible. */
export function escapeMarkup(s: string): string {
  return s.replace(XML_INVALID, visible).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Markdown inline text: HTML-escaped, Markdown punctuation backslash-escaped, newlines flattened, mentions broken. */
export function escapeMarkdown(s: string): string {
  return (
    s
      .replace(XML_INVALID, visible)
      .replace(/\r?\n|\r/g, ' ')
      .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      // `@user` and `#123` must not notify anyone or link issues from a PR comment.
      .replace(/(^|[^A-Za-z0-9])([@#])/g, '$1$2\u200b')
  );
}
