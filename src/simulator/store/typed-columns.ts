// Typed-array columns that grow by copying into a larger array of the same kind.

type Column =
  Int32Array<ArrayBuffer> | Int16Array<ArrayBuffer> | Uint8Array<ArrayBuffer> | Float64Array<ArrayBuffer>;

/** A copy of `source` with room for `capacity` values; the new slots hold `fill`. */
export function grown<C extends Column>(source: C, capacity: number, fill = 0): C {
  const target = new (source.constructor as new (length: number) => C)(capacity);
  if (fill !== 0) target.fill(fill);
  target.set(source);
  return target;
}
