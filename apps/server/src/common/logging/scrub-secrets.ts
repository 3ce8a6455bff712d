/** Credentials that can hide in a message: bearer tokens, passwords in URLs, signed or token query strings. */
const PATTERNS: [RegExp, string][] = [
  [/\b(Bearer|Token|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, '$1 [redacted]'],
  [/(\/\/[^:/\s@]+):[^@/\s]+@/g, '$1:[redacted]@'],
  [/([?&](?:token|sig|signature|api_key|apikey|key|secret|password)=)[^&\s"']+/gi, '$1[redacted]'],
];

/**
 * Masks what must never reach a log: the process's own secrets (APP_SECRET, passwords, tokens,
 * given at start) wherever they appear, and anything shaped like a credential.
 */
export class SecretScrubber {
  private known: string[] = [];

  constructor(secrets: (string | null | undefined)[]) {
    this.add(...secrets);
  }

  /** A secret learnt later (the app secret made at first start). */
  add(...secrets: (string | null | undefined)[]): void {
    // short values would mask ordinary words
    this.known = [...new Set([...this.known, ...secrets.filter((s): s is string => !!s && s.length >= 8)])].sort((a, b) => b.length - a.length);
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.known) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }
}
