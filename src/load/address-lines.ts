/**
 * The line of each resource's first `"address"` in a plan's text, found when the plan is read so that
 * the text itself need not outlive the load stage. `terraform show -json` writes one line, where every
 * address is on line 1: that needs no scan of a text of hundreds of megabytes. Otherwise one regex
 * pass, whose newline search only ever moves forward (searching from each match to the end of the
 * text made it quadratic).
 */
export function addressLines(text: string): (address: string) => number | null {
  // No text (a view built in memory, as the prior state's is): no lines.
  if (text === "") return () => null;
  const firstNewline = text.indexOf("\n");
  if (firstNewline === -1 || text.slice(firstNewline).trim() === "") return () => 1;
  const lines = new Map<string, number>();
  const pattern = /"address"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
  let line = 1;
  let nextNewline = text.indexOf("\n");
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    while (nextNewline !== -1 && nextNewline < m.index) {
      line++;
      nextNewline = text.indexOf("\n", nextNewline + 1);
    }
    const address = JSON.parse(`"${m[1]}"`) as string;
    if (!lines.has(address)) lines.set(address, line);
  }
  return (address) => lines.get(address) ?? null;
}
