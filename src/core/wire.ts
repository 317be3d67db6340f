// Reading what vendors answer, leniently: their JSON says ids as numbers or strings, counts as
// numbers, strings or null, and their error bodies may or may not be JSON. These helpers read
// one value without ever throwing; each vendor's wire.ts decides what a missing value means.

/** A JSON object as parsed, its fields still unchecked. */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A scalar as text (12 → "12", true → "true"); undefined for null, objects and arrays. */
export function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') return undefined;
  return String(value);
}

/** Like text(), trimmed; undefined for blank text too. */
export function nonBlank(value: unknown): string | undefined {
  return text(value)?.trim() || undefined;
}

/** A finite number, also from a numeric string ("12"); undefined for anything else ("", true, null). */
export function num(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '' || typeof value === 'boolean') {
    return undefined;
  }
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** The text as JSON, or undefined when it is not JSON (an empty body, an HTML page). */
export function parseJsonOrUndefined(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/** The first of `fields` that holds a string in a JSON object; undefined otherwise. */
export function stringField(value: unknown, fields: readonly string[]): string | undefined {
  if (!isJsonObject(value)) return undefined;
  for (const field of fields) {
    const found = value[field];
    if (typeof found === 'string') return found;
  }
  return undefined;
}

/**
 * The vendor's own words in a JSON error body such as `{"code": 400, "message": "…"}`: the
 * first of `fields` that holds a string. Undefined when the body is not a JSON object or names
 * none of them; each vendor then falls back to the body its own way.
 */
export function messageInJsonBody(
  body: string,
  fields: readonly string[] = ['message'],
): string | undefined {
  return stringField(parseJsonOrUndefined(body), fields);
}
