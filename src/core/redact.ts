// Secrets must never reach a log, an error, an output or a file. Every message that
// leaves the HTTP layer or the relay passes through a Redactor that knows them all,
// in the forms they travel in (raw, URL-encoded, base64 as in Basic auth).

const MASK = '***';

export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    this.secrets.add(secret);
    // Vendors may echo a GUID-like key in another case.
    this.secrets.add(secret.toLowerCase());
    this.secrets.add(secret.toUpperCase());
    this.secrets.add(encodeURIComponent(secret));
    this.secrets.add(Buffer.from(secret).toString('base64'));
  }

  list(): string[] {
    return [...this.secrets];
  }

  redact(text: string): string {
    let out = text;
    // Longest first so a secret that contains another is masked whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(secret).join(MASK);
    }
    // Auth headers may carry credentials we were never told about (e.g. a token from a response).
    return out.replace(/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${MASK}`);
  }
}
