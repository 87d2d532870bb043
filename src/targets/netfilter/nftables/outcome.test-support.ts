/** What reading an nft text gives, as plain data the property tests compare: its rules, or its error and where. */
import { expandedResolver } from '../../../analysis/resolve.js';
import type { RuleSet } from '../../../analysis/rule-set.js';
import { TagwallError } from '../../../errors.js';
import { defaultSnapshot } from '../../../servicetags/snapshot.js';
import { nftablesTarget } from './index.js';

const resolver = expandedResolver(defaultSnapshot('Public'));

export type Outcome = { readonly rules: ReadonlyArray<readonly [string, string, unknown, readonly string[]]> } | { readonly error: readonly [string, string, unknown] };

export function outcome(content: string): Outcome {
  let set: RuleSet;
  try {
    set = nftablesTarget.parse({ content, file: 'f.nft' }, { resolver, options: {} });
  } catch (error) {
    if (!(error instanceof TagwallError)) throw error;
    return { error: [error.code, error.message, error.location] };
  }
  return { rules: set.rules.map((rule) => [rule.id, rule.action, rule.origin, rule.match.lines()] as const) };
}
