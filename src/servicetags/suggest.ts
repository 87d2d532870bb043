/** "Did you mean": the candidates closest to a misspelt name. Runs only on the error path. */

/**
 * Up to `limit` candidates nearest to `input` by edit distance on lower-case text, best first (ties keep the
 * candidates' order). Unless `maxDistance` says otherwise, candidates further than about a third of the input's
 * length are left out, as a suggestion that shares little with what was typed does not help; a candidate that
 * contains the input whole (`AzureChina` in `AzureChinaCloud`) still counts, after the close ones.
 */
export function nearest(input: string, candidates: Iterable<string>, limit = 5, maxDistance?: number): string[] {
  const wanted = input.trim().toLowerCase();
  const budget = maxDistance ?? Math.max(2, Math.floor(wanted.length / 3));
  const scored: Array<{ candidate: string; distance: number; order: number }> = [];
  const seen = new Set<string>();
  let order = 0;
  for (const candidate of candidates) {
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    const lower = candidate.toLowerCase();
    const distance = editDistance(wanted, lower, budget);
    if (distance <= budget) scored.push({ candidate, distance, order: order++ });
    else if (wanted.length >= 3 && lower.includes(wanted)) scored.push({ candidate, distance: budget + 1, order: order++ });
  }
  scored.sort((a, b) => a.distance - b.distance || a.order - b.order);
  return scored.slice(0, limit).map((entry) => entry.candidate);
}

/** Levenshtein distance, or `bound + 1` as soon as it must exceed `bound` (keeps a scan of 3,000 names cheap). */
export function editDistance(a: string, b: string, bound = Infinity): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  let previous = new Uint32Array(b.length + 1);
  let current = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1);
      const value = Math.min(substitution, previous[j]! + 1, current[j - 1]! + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > bound) return bound + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}
