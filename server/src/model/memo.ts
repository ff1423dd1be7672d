/**
 * Values computed from a parsed object are cached on the object itself, as hidden (non-enumerable,
 * symbol-keyed) properties, so whole-object comparisons do not see them.
 *
 * Not in WeakMaps: V8's young-generation collector keeps WeakMap entries, and everything their values
 * reach, alive until a full collection. Keyed by parts of a model, WeakMaps kept every analysed model
 * alive through the scavenges, which copied them again and again: garbage collection took a third of
 * the analysis time (measured with --trace-gc and --cpu-prof over the corpus).
 */
type Holder<Value> = Record<symbol, Value | undefined>;

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the type it stored
export function getHidden<Value>(owner: object, key: symbol): Value | undefined {
  return (owner as Holder<Value>)[key];
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- pairs with getHidden
export function setHidden<Value>(owner: object, key: symbol, value: Value): void {
  Object.defineProperty(owner, key, { value, enumerable: false, writable: true, configurable: true });
}

/** The cached value of `key` on `owner`, computed once (undefined is a cached value too). */
export function memoOn<Value>(owner: object, key: symbol, compute: () => Value): Value {
  if (Object.prototype.hasOwnProperty.call(owner, key)) return (owner as Holder<Value>)[key] as Value;
  const value = compute();
  setHidden(owner, key, value);
  return value;
}
