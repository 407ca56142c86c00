// Exchanges send some numbers as bare JSON numbers (Binance leverageBracket, Hyperliquid leverage).
// JSON.parse would round them through a float; this keeps every number as the exact text sent.

/** Rewrites bare JSON numbers as strings ("0.0065" stays "0.0065", never 0.006500000000000001). */
export function quoteJsonNumbers(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (ch === '"') {
      const start = i++;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
      out += text.slice(start, i);
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      const start = i++;
      while (i < n && /[0-9eE.+-]/.test(text[i]!)) i++;
      out += `"${text.slice(start, i)}"`;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

export function parseLosslessJson(text: string): unknown {
  return JSON.parse(quoteJsonNumbers(text));
}
