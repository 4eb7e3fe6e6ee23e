// A number per object, for memo keys: lists shared by many hosts (products, baselines) key by identity, not content.
const numbers = new WeakMap<object, number>();
let last = 0;

/** The same number for the same object for the life of the process; a new object gets a new number. */
export function identityOf(o: object): number {
  let n = numbers.get(o);
  if (n === undefined) numbers.set(o, (n = ++last));
  return n;
}
