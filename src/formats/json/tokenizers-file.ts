// `tokenizer.json`: the file transformers hands to the tokenizers library (FULL_TOKENIZER_FILE, passed as
// `tokenizer_file` to `TokenizerFast.from_file`). That parser reads nine keys into data structures (version,
// truncation, padding, added_tokens, normalizer, pre_tokenizer, post_processor, decoder, model) and skips any other
// key; transformers takes chat templates from tokenizer_config.json, chat_template.jinja and
// additional_chat_templates/, and auto_map from tokenizer_config.json and config.json — never from tokenizer.json.
// Nothing a real loader renders, imports or executes can live in it, so a JSON object under this exact name is
// judged as the tokenizers format: its first bytes are checked to start a JSON object and the rest (tens of MB of
// vocabulary and merges) is not read. Any other name, and any other casing, is parsed whole as before. The rule
// depends on the name alone, never on how the bytes are reached: a local and a remote scan judge the file alike.

/** The one file name transformers loads with the tokenizers library (case-sensitive, as the lookup is). */
export const TOKENIZERS_FILE = 'tokenizer.json';

/** Bytes of a tokenizers file the scan reads for its structure check (its head). */
export const TOKENIZERS_HEAD_BYTES = 4096;

/** Whether a file named `name` (a base name) is judged as the tokenizers format, from its head only. */
export function isTokenizersFile(name: string): boolean {
  return name === TOKENIZERS_FILE;
}

/**
 * Whether a scan reads only the head of a file named `name` of `size` bytes: a tokenizers file larger than its head
 * (a remote one is then never fetched whole).
 */
export function readsHeadOnly(name: string, size: number): boolean {
  return size > TOKENIZERS_HEAD_BYTES && isTokenizersFile(name);
}
