// Cutting a list of items into request bodies of bounded size. A count alone is not enough:
// vendor text (messages, stack traces) makes some items far larger than others, and servers
// and proxies refuse a body over their limit (413; commonly 1 MiB, the simulators too).

/** Bytes of items per body by default: half the common 1 MiB limit, room for the rest. */
export const DEFAULT_BATCH_MAX_BYTES = 512 * 1024;
/** Items per body by default. */
export const DEFAULT_BATCH_MAX_ITEMS = 50;

/**
 * Consecutive slices of at most `maxItems` items and (unless one alone is larger) `maxBytes`
 * of what `payload` gives for each, as JSON (UTF-8). Order is kept and no item is left out.
 */
export function batchesOf<T>(
  items: T[],
  payload: (item: T) => unknown,
  maxBytes = DEFAULT_BATCH_MAX_BYTES,
  maxItems = DEFAULT_BATCH_MAX_ITEMS,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(payload(item)));
    if (current.length > 0 && (current.length >= maxItems || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
