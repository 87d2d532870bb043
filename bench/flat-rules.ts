/**
 * A rule set as plain intervals (IPv4 TCP/UDP, outbound), in the text format the native sampler reads
 * (bench/native/sampler.c): "rules N default D", then per rule "rule ALLOW BOXES" and per box five lines
 * "COUNT lo hi lo hi ..." (protocols, src, dst, srcPorts, dstPorts). The analysis bench writes these files; the
 * sampler and the Z3 child (bench/z3-child.ts) read them, so every baseline sees the very same rules.
 */
export type Ranges = ReadonlyArray<readonly [number, number]>;

export interface FlatBox {
  readonly protocols: Ranges;
  readonly src: Ranges;
  readonly dst: Ranges;
  readonly srcPorts: Ranges;
  readonly dstPorts: Ranges;
}

export interface FlatRule {
  readonly allow: boolean;
  readonly boxes: readonly FlatBox[];
}

export interface FlatRuleSet {
  readonly defaultAllow: boolean;
  readonly rules: readonly FlatRule[];
}

export function formatRulesFile(set: FlatRuleSet): string {
  const lines = [`rules ${set.rules.length} default ${set.defaultAllow ? 1 : 0}`];
  for (const rule of set.rules) {
    lines.push(`rule ${rule.allow ? 1 : 0} ${rule.boxes.length}`);
    for (const box of rule.boxes) for (const dim of [box.protocols, box.src, box.dst, box.srcPorts, box.dstPorts]) lines.push(`${dim.length} ${dim.map(([lo, hi]) => `${lo} ${hi}`).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function parseRulesFile(text: string): FlatRuleSet {
  const numbers = text.split(/\s+/).filter((word) => word !== '' && word !== 'rules' && word !== 'default' && word !== 'rule').map(Number);
  let at = 0;
  const next = (): number => {
    const value = numbers[at++];
    if (value === undefined || !Number.isInteger(value)) throw new Error(`rules file: bad or missing number at word ${at}`);
    return value;
  };
  const dimension = (): Ranges => Array.from({ length: next() }, () => [next(), next()] as const);
  const count = next();
  const defaultAllow = next() === 1;
  const rules = Array.from({ length: count }, (): FlatRule => {
    const allow = next() === 1;
    const boxes = Array.from({ length: next() }, (): FlatBox => ({ protocols: dimension(), src: dimension(), dst: dimension(), srcPorts: dimension(), dstPorts: dimension() }));
    return { allow, boxes };
  });
  if (at !== numbers.length) throw new Error(`rules file: ${numbers.length - at} words left after ${count} rules`);
  return { defaultAllow, rules };
}
