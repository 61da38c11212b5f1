/**
 * The one spelling of an e-mail address that Closeness compares, stores in `users.email_key`
 * (unique) and throttles logins by. Every path that takes an e-mail (login, user creation, the
 * first admin, look-ups, the throttle key) goes through this function, and Postgres never folds
 * case itself: it only compares the stored key byte for byte. That is what closes #19.5, where
 * JavaScript's `toLowerCase` ("İ" → "i̇") and Postgres `lower()` ("İ" → "i") disagreed.
 *
 * Definition: trim, NFKC, then per code point lower → upper → lower (a full, context-free case
 * fold: "ß"/"ẞ" → "ss", final "ς" → "σ", "İ" → "i" + U+0307 as Unicode's default folding has it),
 * then NFKC again, repeated until nothing changes. See apps/api/src/auth/README.md.
 */
export function normalizeEmail(raw: string): string {
  let s = raw;
  for (let i = 0; i < 4; i++) {
    const next = foldOnce(s);
    if (next === s) break;
    s = next;
  }
  return s;
}

function foldOnce(s: string): string {
  let out = '';
  // Code point by code point: String#toLowerCase on a whole string applies context rules (Final_Sigma).
  for (const ch of s.normalize('NFKC')) out += ch.toLowerCase().toUpperCase().toLowerCase();
  // NFKC can turn a character into a space and a combining mark (U+00A8): trim after it, not before.
  return out.normalize('NFKC').trim();
}
