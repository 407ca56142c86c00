// Builds response bodies the way exchanges write them: some fields as bare JSON numbers with exact
// digits (Binance leverageBracket), which JSON.stringify cannot express from decimal strings.

const MARK = '\u0000num:';

/** Marks a decimal string to be written as a bare JSON number. */
export function num(text: string): string {
  return `${MARK}${text}`;
}

export function toJsonText(value: unknown): string {
  return JSON.stringify(value).replace(/"\\u0000num:([-0-9.eE+]+)"/g, '$1');
}
