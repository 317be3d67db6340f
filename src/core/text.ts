// Small helpers for the sentences TestRelay writes.

/** "1 test", "2 tests"; `many` for irregular plurals. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "a", "a or b", "a, b or c" (with `and` for "a, b and c"). */
export function list(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items[items.length - 1]}`;
}

/** Ends the text with a period unless it already ends a sentence (or a quote or parenthesis). */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?)"]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A GUID such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301 (any case). */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
