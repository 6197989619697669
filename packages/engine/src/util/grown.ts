/** A typed column of twice the length holding a's live slots [head, tail) at its front. */
export function grown<A extends Float64Array | Int32Array>(a: A, head = 0, tail = a.length): A {
  const out = new (a.constructor as new (n: number) => A)(a.length * 2);
  out.set(a.subarray(head, tail));
  return out;
}
