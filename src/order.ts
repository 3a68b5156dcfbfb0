/** Plain code-unit order: the same in every locale, so models and reports are byte-identical everywhere. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
