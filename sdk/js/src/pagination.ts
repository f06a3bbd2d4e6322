/** One page request of `paginate`: fetch `limit` items starting at `offset`. */
export interface PageRequest {
  limit: number;
  offset: number;
}

/** Options of `paginate`. */
export interface PaginateOptions {
  /** Items per request (the server's `limit`, 1–1000 for most lists). Default 100. */
  pageSize?: number;
  /** Where to start. Default 0. */
  offset?: number;
  /** Stop after this many items in total. Default: all. */
  max?: number;
}

/**
 * Walks an offset-paged list (docs/api.md "Paging": `limit` + `offset`) one page at a time and yields every item; it
 * stops at the first page shorter than `pageSize`. Use it with any list method that takes `{ limit, offset }`:
 * `for await (const d of paginate((p) => ec.devices.list({ ...p, orgId })))`.
 */
export async function* paginate<T>(fetchPage: (page: PageRequest) => Promise<T[]>, options: PaginateOptions = {}): AsyncGenerator<T, void, undefined> {
  const pageSize = options.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError("pageSize must be a positive integer");
  let offset = options.offset ?? 0;
  let left = options.max ?? Infinity;
  while (left > 0) {
    const page = await fetchPage({ limit: pageSize, offset });
    for (const item of page) {
      if (left-- <= 0) return;
      yield item;
    }
    if (page.length < pageSize) return;
    offset += page.length;
  }
}

/** Collects an async iterable into an array (for small lists; `for await` keeps memory flat for large ones). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
