// Facts the dashboard derives from one stored document and the build (a ticket's promised instant
// and its reply time in working minutes, an application's completion date against its due date),
// kept while that document object lives. A store that hands the stored objects to its list filter
// (the file store) stores a new object on every write, so a changed document is worked out afresh;
// a store that copies every document (PostgreSQL, memory) simply misses every time.
export function perDoc<D extends object, V>(): (doc: D, build: object, compute: () => V) => V {
  const memo = new WeakMap<D, { build: object; value: V }>();
  return (doc, build, compute) => {
    const hit = memo.get(doc);
    if (hit && hit.build === build) return hit.value;
    const value = compute();
    memo.set(doc, { build, value });
    return value;
  };
}
