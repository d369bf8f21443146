/**
 * SQL LIKE with `%` as the only wildcard, case-insensitive (Profit runs on a CI collation).
 * Returns a matcher over the text representation of a value.
 */
export function compileLike(pattern: string): (text: string) => boolean {
  const parts = pattern.toLowerCase().split('%');
  if (parts.length === 1) {
    const exact = parts[0] ?? '';
    return (text) => text.toLowerCase() === exact;
  }
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  const middle = parts.slice(1, -1).filter((part) => part !== '');
  return (text) => {
    const value = text.toLowerCase();
    if (value.length < first.length + last.length) return false;
    if (!value.startsWith(first) || !value.endsWith(last)) return false;
    const end = value.length - last.length;
    let position = first.length;
    for (const part of middle) {
      const found = value.indexOf(part, position);
      if (found === -1 || found + part.length > end) return false;
      position = found + part.length;
    }
    return true;
  };
}
