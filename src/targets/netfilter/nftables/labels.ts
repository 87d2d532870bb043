/** How reports name the objects of an nft ruleset (Target.labels). */
import { bracketLabels } from '../../labels.js';
import type { ArtifactLabeller } from '../../target.js';

/** Brace structure, and a rule named by its comment's requirement id, as in iptables (`comment "req: …"`). */
function nftLabels(lines: readonly string[]): ReturnType<ArtifactLabeller> {
  return bracketLabels(lines).map((label, index) => {
    const comment = label.kind === 'chain' ? /\bcomment\s+"([^":]+):/.exec(lines[index]!) : null;
    return comment ? { kind: `rule ${label.name}`, name: comment[1]!.trim() } : label;
  });
}

export const NFTABLES_LABELS: Readonly<Record<string, ArtifactLabeller>> = { nft: nftLabels };
