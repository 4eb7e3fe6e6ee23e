// Appends to a list kept in a map: the one idiom for grouping, linear rather than copying the list each time.

export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
