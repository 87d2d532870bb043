/**
 * Answers a person can act on (issue 21, item 2): the difference between two rule sets grouped by the rule that
 * causes it. Extra packets belong to the rule of the config that allows them (first match), missing packets to the
 * requirement that asks for them, each group with its boxes as fields, a witness packet drawn from the tag's real
 * prefixes, and a reference to the rule (name, position, priority, file:line when known). `check`, `equiv` and
 * `diff` print these as text, as `--json`, and write them to baselines (src/cli/baseline.ts).
 */
import { evaluate } from '../analysis/questions.js';
import { nodeCrypto } from '../internal/lazy.js';
import type { AddressResolver, SymbolicResolver } from '../analysis/resolve.js';
import type { Rule, RuleSet } from '../analysis/rule-set.js';
import { AddressSet } from '../model/address-set.js';
import { formatPacket, type Packet } from '../model/packet.js';
import { boxStateWords, PacketSet, type Box } from '../model/packet-set.js';
import { cidrBlocksOf, cidrCountOf, forEachCidrOf, formatAddress, parseAddress, type Family } from '../model/ip.js';
import { PortSet, protocolName } from '../model/ports.js';
import type { IntervalSet } from '../model/intervals.js';
import type { PrefixShape } from '../servicetags/types.js';
import { prefixShape, prefixShapeColumns, type Snapshot } from '../servicetags/snapshot.js';

/** Where a rule is: enough for a reviewer to find it, and for a baseline to name it. */
export interface RuleRef {
  readonly name: string;
  readonly action: 'allow' | 'deny';
  /** 1-based position in the rule set's first-match order. */
  readonly position: number;
  /** The device's ordering number (NSG priority). */
  readonly priority?: number;
  readonly file?: string;
  readonly line?: number;
  /** JSON path or XPath, when there is no line. */
  readonly path?: string;
  /** The rule as written, one line. */
  readonly text?: string;
  readonly requirementId?: string;
  /** Added by the platform (an NSG default rule). */
  readonly builtIn?: boolean;
}

/** A box as fields: address lists name service tags where a set is exactly a tag's (or a virtual tag's) addresses. */
export interface BoxFields {
  readonly direction: 'in' | 'out' | 'in/out';
  readonly family: Family;
  readonly protocols: string;
  readonly src: readonly string[];
  readonly srcPorts?: string;
  readonly dst: readonly string[];
  readonly dstPorts?: string;
  /** ICMP `type/code` ranges. */
  readonly icmp?: string;
  readonly hosts?: string;
  readonly paths?: string;
  readonly applications?: string;
  /** Connection states, when not those that open a connection. */
  readonly states?: readonly string[];
  /** The same box on one line, as the text output prints it. */
  readonly text: string;
  /** Identifies exactly this box's packets (what a baseline records). */
  readonly digest: string;
}

/** A witness packet as fields, with the tag each address was drawn from. */
export interface WitnessFields {
  readonly direction: 'in' | 'out';
  readonly protocol: string;
  readonly src: string;
  readonly srcPort?: number;
  readonly dst: string;
  readonly dstPort?: number;
  readonly icmp?: { readonly type: number; readonly code: number };
  readonly host?: string;
  readonly path?: string;
  readonly application?: string;
  readonly state?: string;
  readonly srcTag?: string;
  readonly dstTag?: string;
  readonly text: string;
}

export type GroupKind = 'missing' | 'extra' | 'only-left' | 'only-right';

/** One rule's share of a difference. `rule` null: the default action decides it. */
export interface RuleGroup {
  readonly kind: GroupKind;
  readonly rule: RuleRef | null;
  /** For missing packets: the config rule that decides the witness instead (null: its default action). */
  readonly decidedBy?: RuleRef | null;
  readonly boxes: readonly BoxFields[];
  readonly witness: WitnessFields;
}

/** An address set as items (`Storage.WestUS`, `10.0.0.0/24`): the first few at once, the whole list when asked. */
export interface NamedItems {
  /** The first items, at most SHORT_ITEMS of them (all of them when there are no more). */
  readonly head: readonly string[];
  readonly count: number;
  /** Every item; one array for every call, shared by the boxes that name the set: read it, do not change it. */
  all(): readonly string[];
}

/** A set as names (tags, `any`), then the minimal CIDR list of `rest` when there is one. */
interface Naming {
  readonly names: readonly string[];
  readonly rest?: IntervalSet;
}

/**
 * Values computed from an interval set, kept by its content: equal sets built apart (the same tag's complement in
 * every requirement's difference) share one. Keyed by a few of the bounds' words, checked with `equals`.
 */
class ContentCache<T> {
  readonly #entries = new Map<string, Array<{ set: IntervalSet; value: T }>>();

  get(set: IntervalSet, make: () => T): T {
    const key = contentKey(set);
    let bucket = this.#entries.get(key);
    const found = bucket?.find((entry) => entry.set === set || entry.set.equals(set));
    if (found) return found.value;
    const value = make();
    if (!bucket) this.#entries.set(key, (bucket = []));
    bucket.push({ set, value });
    return value;
  }
}

/**
 * The domain, the length and words from across the bounds: equal sets share the key, and the few different sets
 * that share one are told apart by `equals` (hashing every word cost as much as comparing them).
 */
function contentKey(set: IntervalSet): string {
  const bounds = set.bounds;
  const n = bounds.length;
  if (n === 0) return `${set.domain.name}:0`;
  return `${set.domain.name}:${n}:${bounds[0]}:${bounds[n >> 2]}:${bounds[n >> 1]}:${bounds[n - 1 - (n >> 2)]}:${bounds[n - 1]}`;
}

/** How addresses are named and witnesses made real; built once per command. */
export interface Namer {
  /** The set as a reader names it: its first items and how many there are now, every item when asked (`--json`). */
  items(values: IntervalSet, family: Family): NamedItems;
  /** The witness with atom addresses replaced by real addresses of their tags, and the tags named. */
  realWitness(packet: Packet, box: Box): WitnessFields;
  /** The set's intervals in hex (`a:b:c:d-e:f:0:0,…`) as ASCII bytes, as box digests serialise them. */
  ranges(set: IntervalSet): Uint8Array;
}

/** `set`'s intervals as `lo-hi` with each bound's words in hex joined by `:`, the intervals joined by `,`. */
export function hexRanges(set: IntervalSet): Uint8Array {
  // Written as ASCII bytes and hashed as they are: a tag's complement has tens of thousands of intervals, and a
  // string built word by word (toString(16) and concatenation) was most of a check's digest time.
  const bounds = set.bounds;
  const w = set.width;
  const count = set.intervalCount;
  if (count === 0) return new Uint8Array(0);
  // Per interval: 2w words of at most 8 digits, w - 1 colons per bound, a '-' and a ','.
  const out = new Uint8Array(count * (2 * w * 9 + 2));
  let n = 0;
  for (let i = 0, at = 0; i < count; i++) {
    if (i > 0) out[n++] = 0x2c; // ','
    for (let end = 0; end < 2; end++) {
      if (end === 1) out[n++] = 0x2d; // '-'
      for (let k = 0; k < w; k++, at++) {
        if (k > 0) out[n++] = 0x3a; // ':'
        const word = bounds[at]!;
        let shift = 28;
        while (shift > 0 && (word >>> shift) === 0) shift -= 4;
        for (; shift >= 0; shift -= 4) out[n++] = HEX_DIGITS[(word >>> shift) & 15]!;
      }
    }
  }
  return out.subarray(0, n);
}

const HEX_DIGITS = Uint8Array.from('0123456789abcdef', (digit) => digit.charCodeAt(0));

// ─── rule references ─────────────────────────────────────────────────────────────────────────────────────

/** Lines of `"name": "X"` in config texts, read once per file, for JSON configs that carry no positions. */
const nameLines = new Map<string, Map<string, number | null>>();

/** Registers a config file's text so rule references can carry a line (`az network nsg show` JSON has none). */
export function indexRuleNames(file: string, text: string): void {
  const lines = new Map<string, number | null>();
  text.split('\n').forEach((line, index) => {
    const match = /^\s*"name"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(line);
    if (!match) return;
    // A name written twice (a rule and a resource of the same name) gives no line rather than a wrong one.
    lines.set(match[1]!, lines.has(match[1]!) ? null : index + 1);
  });
  nameLines.set(file, lines);
}

export function ruleRef(rule: Rule, position: number): RuleRef {
  const origin = rule.origin ?? {};
  const line = origin.line ?? (origin.file ? nameLines.get(origin.file)?.get(rule.id) ?? undefined : undefined);
  return {
    name: rule.id,
    action: rule.action,
    position,
    ...(origin.priority === undefined ? {} : { priority: origin.priority }),
    ...(origin.file === undefined ? {} : { file: origin.file }),
    ...(line === undefined ? {} : { line }),
    ...(origin.path === undefined || line !== undefined ? {} : { path: origin.path }),
    ...(origin.text === undefined ? {} : { text: origin.text }),
    ...(origin.requirementId === undefined ? {} : { requirementId: origin.requirementId }),
    ...(origin.builtIn ? { builtIn: true } : {}),
  };
}

/** `rule AllowSSHFromInternet (priority 120, fixtures/nsg.json:42)` */
export function ruleRefText(ref: RuleRef | null, kind: 'rule' | 'requirement' = 'rule'): string {
  if (!ref) return 'the default action';
  const where = ref.file ? `${ref.file}${ref.line ? `:${ref.line}` : ''}` : undefined;
  const facts = [ref.priority === undefined ? `#${ref.position}` : `priority ${ref.priority}`, ...(ref.builtIn ? ['platform default'] : []), ...(where ? [where] : [])];
  return `${kind} ${ref.name} (${facts.join(', ')})`;
}

// ─── naming addresses ────────────────────────────────────────────────────────────────────────────────────

/** The virtual tags Azure defines by role, not by a prefix list: named when a set holds all (or all but a little) of one. */
const VIRTUAL_TAGS = ['Internet', 'VirtualNetwork', 'AzureLoadBalancer'] as const;
/** How many items an `X except …` remainder may have before the set is listed as it is instead. */
const MAX_EXCEPT_ITEMS = 4;
/** How many tags a set may be the union of and still be named by them. */
const MAX_TAG_UNION = 6;

function isSymbolic(resolver: AddressResolver): resolver is SymbolicResolver {
  return resolver.mode === 'symbolic' && 'items' in resolver;
}

export function namerFor(resolver: AddressResolver, snapshot: Snapshot): Namer {
  const virtual = VIRTUAL_TAGS.map((name) => ({ name, addresses: resolver.serviceTag(name) }));
  const plain = (values: IntervalSet, family: Family, limit?: number): string[] => (isSymbolic(resolver) ? resolver.items(values, family, limit) : AddressSet.fromFamily(family, values).toCidrStrings());
  // `values` as at most MAX_EXCEPT_ITEMS items, or undefined. Every interval is at least one item, so a set of more
  // intervals is never written out only to be counted (a big tag's complement has thousands: most of a check's time).
  const few = (values: IntervalSet, family: Family): string[] | undefined => {
    if (values.intervalCount > MAX_EXCEPT_ITEMS) return undefined;
    if (!isSymbolic(resolver)) {
      // Expanded, the items are the intervals' CIDR blocks: counted first, written out only when few.
      let blocks = 0;
      for (let i = 0; i < values.intervalCount; i++) blocks += cidrCountOf(values.lo(i), values.hi(i), values.width);
      if (blocks > MAX_EXCEPT_ITEMS) return undefined;
    }
    const listed = plain(values, family, MAX_EXCEPT_ITEMS);
    return listed.length <= MAX_EXCEPT_ITEMS ? listed : undefined;
  };
  // A set as names (`any`, a virtual tag, tags) and, after them, the plain CIDR list of `rest` (expanded analysis).
  const named = (values: IntervalSet, family: Family): Naming => {
    if (values.isFull()) return { names: ['any'] };
    if (values.isEmpty()) return { names: [] };
    // Everything but a block or two (`any except 172.16.0.0/24`) reads better than the long complement.
    const outside = complementIntervalCount(values) > MAX_EXCEPT_ITEMS ? undefined : few(values.complement(), family);
    if (outside) return { names: [`any except ${outside.join(', ')}`] };
    for (const { name, addresses } of virtual) {
      const tag = addresses.of(family);
      if (tag.isEmpty() || !values.overlaps(tag)) continue;
      if (tag.isSubsetOf(values)) return isSymbolic(resolver) ? { names: [name, ...plain(values.difference(tag), family)] } : { names: [name], rest: values.difference(tag) };
      // Most of a virtual tag (Internet but the corporate block a rule before carves out): say so.
      if (values.isSubsetOf(tag)) {
        const left = tag.difference(values);
        const rest = exceptItems(left, family);
        if (rest) return { names: [`${name} except ${rest.join(', ')}`] };
      }
    }
    if (isSymbolic(resolver)) return { names: plain(values, family) };
    const names = tagNames(values, family);
    return names ? { names } : { names: [], rest: values };
  };
  // What no name covers is a plain CIDR list, often thousands long: counted, and written out only when listed.
  const describe = (values: IntervalSet, family: Family): NamedItems => {
    const { names, rest } = named(values, family);
    if (!rest) return { head: names.slice(0, SHORT_ITEMS), count: names.length, all: () => names };
    const head = names.slice(0, SHORT_ITEMS);
    let count = names.length;
    const emit = (network: Uint32Array, prefixLength: number): void => {
      if (count++ < SHORT_ITEMS) head.push(`${formatAddress(family, network)}/${prefixLength}`);
    };
    // The first blocks written out, the rest only counted (thousands of intervals: see cidrBlocksOf).
    const bounds = rest.bounds;
    const w = rest.width;
    let at = 0;
    for (; at < bounds.length && count < SHORT_ITEMS; at += 2 * w) forEachCidrOf(bounds.subarray(at, at + w), bounds.subarray(at + w, at + 2 * w), w, emit);
    count += cidrBlocksOf(bounds, w, at);
    // Written out once: the boxes of one answer share a set (a tag's complement in every requirement's difference),
    // and `--json` listed it for each (check --json of the bench's render: 270,698 CIDR strings for 60,995 distinct).
    let every: readonly string[] | undefined;
    return { head, count, all: () => (every ??= [...names, ...plain(rest, family)]) };
  };
  // The boxes of a difference often share an address set (every requirement's "anywhere but these"): named once.
  const described = new ContentCache<NamedItems>();
  const items = (values: IntervalSet, family: Family): NamedItems => described.get(values, () => describe(values, family));
  // Expanded analysis: a set that is exactly a tag's prefixes, a few tags' union, or a tag but a few tags or blocks
  // is named so (`Storage except Storage.WestUS`), as symbolic analysis names its atoms.
  let tagSets: Map<Family, Array<{ name: string; set: IntervalSet; size: bigint }>> | undefined;
  const tagsOf = (family: Family): Array<{ name: string; set: IntervalSet; size: bigint }> => {
    tagSets ??= new Map();
    let list = tagSets.get(family);
    if (!list) {
      list = snapshot
        .names()
        .map((name) => ({ name, set: safeAddresses(snapshot, name).of(family) }))
        .filter(({ set }) => !set.isEmpty())
        .map((entry) => ({ ...entry, size: entry.set.size() }))
        .sort((a, b) => (a.size > b.size ? -1 : a.size < b.size ? 1 : a.name < b.name ? -1 : 1));
      tagSets.set(family, list);
    }
    return list;
  };
  // Upper bounds of the tags' sizes read from their stored prefix lengths, no tag decoded: enough to see that no
  // tag can hold a set as large as `anywhere but Azure`, nor a few tags make it up, before every tag is decoded.
  const sizeBounds = new Map<Family, SizeBounds>();
  const boundsOf = (family: Family): SizeBounds => {
    let bounds = sizeBounds.get(family);
    if (!bounds) sizeBounds.set(family, (bounds = tagSizeBounds(snapshot, family)));
    return bounds;
  };
  // A set's size is read by both tests below (a bigint sum over thousands of intervals): once per set, and only
  // when a few of its intervals do not already show that it is larger (see holdsMoreThan).
  const sizes = new WeakMap<IntervalSet, bigint>();
  const sizeOf = (values: IntervalSet): bigint => {
    let size = sizes.get(values);
    if (size === undefined) sizes.set(values, (size = values.size()));
    return size;
  };
  const largerThan = (values: IntervalSet, bound: bigint): boolean => holdsMoreThan(values, bound, sizeOf);
  /** `values` as the union of at most MAX_TAG_UNION tags (largest first), or undefined. */
  const unionOfTags = (values: IntervalSet, family: Family): string[] | undefined => {
    // The union of at most MAX_TAG_UNION tags is no larger than the sum of the largest bounds.
    const bounds = boundsOf(family);
    if (largerThan(values, bounds.largest.slice(0, MAX_TAG_UNION).reduce((sum, bound) => sum + bound, 0n))) return undefined;
    const names: string[] = [];
    let rest = values;
    for (const { name, set } of tagsOf(family)) {
      if (rest.isEmpty()) break;
      if (!set.overlaps(rest) || !set.isSubsetOf(values)) continue;
      names.push(name);
      rest = rest.difference(set);
      if (names.length > MAX_TAG_UNION) return undefined;
    }
    return rest.isEmpty() && names.length > 0 ? names : undefined;
  };
  /** What an `X except …` leaves out, as a few tags (expanded analysis) or a few blocks, or undefined when it is more. */
  const exceptItems = (left: IntervalSet, family: Family): string[] | undefined => {
    const tags = isSymbolic(resolver) ? undefined : unionOfTags(left, family);
    return tags ? (tags.length <= MAX_EXCEPT_ITEMS ? tags : undefined) : few(left, family);
  };
  const tagNames = (values: IntervalSet, family: Family): string[] | undefined => {
    if (few(values, family)) return undefined;
    const union = unionOfTags(values, family);
    if (union) return union;
    if (largerThan(values, boundsOf(family).largest[0]!)) return undefined; // no tag is large enough to hold it
    // The smallest tag that holds all of it, less what is left out, when that is a few tags or blocks.
    const holders = tagsOf(family).filter(({ set }) => values.isSubsetOf(set));
    const holder = holders[holders.length - 1];
    if (!holder) return undefined;
    const left = holder.set.difference(values);
    const except = exceptItems(left, family);
    return except ? [`${holder.name} except ${except.join(', ')}`] : undefined;
  };
  const realAddress = (address: string, area: IntervalSet, family: Family): { address: string; tag?: string } => {
    if (!isSymbolic(resolver)) return { address };
    const tag = resolver.describe(address);
    if (tag === undefined) return { address };
    // The atom stands for the tag; a witness a reviewer can paste should be one of its real addresses. A regional
    // tag the box leaves out is left out here too (`Storage except Storage.WestUS`).
    let real = safeAddresses(snapshot, tag).of(family);
    const excluded = snapshot.names().filter((name) => name.toLowerCase().startsWith(`${tag.toLowerCase()}.`) && !resolver.serviceTag(name).of(family).isSubsetOf(area));
    for (const name of excluded) real = real.difference(safeAddresses(snapshot, name).of(family));
    return real.isEmpty() ? { address, tag } : { address: formatAddress(family, real.lo(0)), tag };
  };
  const hex = new ContentCache<Uint8Array>();
  return {
    items,
    ranges: (set) => hex.get(set, () => hexRanges(set)),
    realWitness: (packet, box) => {
      const src = realAddress(packet.src, box.src, box.family);
      const dst = realAddress(packet.dst, box.dst, box.family);
      return witnessFields({ ...packet, src: src.address, dst: dst.address }, src.tag, dst.tag);
    },
  };
}

/**
 * How many intervals `values.complement()` has, without making it: the gaps between the intervals, and before the
 * first and after the last where they do not reach the ends (a large set's complement is as large, and is made only
 * when it is a few items).
 */
export function complementIntervalCount(values: IntervalSet): number {
  const n = values.intervalCount;
  if (n === 0) return 1;
  const bounds = values.bounds;
  const w = values.width;
  const max = values.domain.max;
  let startsAtZero = true;
  let endsAtMax = true;
  for (let k = 0; k < w; k++) {
    if (bounds[k] !== 0) startsAtZero = false;
    if (bounds[bounds.length - w + k] !== max[k]) endsAtMax = false;
  }
  return n - 1 + (startsAtZero ? 0 : 1) + (endsAtMax ? 0 : 1);
}

/**
 * `size(values) > bound`, exactly, reading as few intervals as it takes: the values of an interval whose first word
 * lies strictly between its bounds' first words are a lower bound of its size (a whole multiple of 2^(32(w-1)),
 * exact in a double), summed until they pass `bound`; the exact size (`size`, a bigint sum over every interval) is
 * asked only when they never do. Issue 22: the sets a check names are "any address but the tags", whose first
 * IPv6 interval (::/3) already passes any six tags' bounds, and their bigint sizes were ~0.3 ms of a cold run.
 */
export function holdsMoreThan(values: IntervalSet, bound: bigint, size: (values: IntervalSet) => bigint): boolean {
  const w = values.width;
  const bounds = values.bounds;
  const unit = 2 ** (32 * (w - 1));
  // Number(bound) may round below it: a floor past it is confirmed in bigints before it is believed.
  const near = Number(bound);
  let floor = 0;
  for (let at = 0; at < bounds.length; at += 2 * w) {
    const between = bounds[at + w]! - bounds[at]! - 1;
    if (between <= 0) continue;
    floor += between * unit;
    if (floor > near && BigInt(floor) > bound) return true;
  }
  return size(values) > bound;
}

/** The MAX_TAG_UNION largest tag size bounds in one family (see tagSizeBounds), largest first; a tag not read is unbounded. */
interface SizeBounds {
  readonly largest: readonly bigint[];
}

/**
 * For each tag in one family: its prefix count times the largest of those prefixes' blocks, an upper bound of the
 * size of its addresses (they are the union of those prefixes), from the counts and shortest lengths the embedded
 * snapshot stores per tag (or the stored prefix headers of another snapshot), no tag decoded. A tag whose prefixes
 * cannot be read gets an infinite bound (2^129 is more than any set of addresses), which rules out nothing.
 * One family at a time: a check asks only IPv6 (its IPv4 sets are named by virtual tags first), issue 22.
 */
function tagSizeBounds(snapshot: Snapshot, family: Family): SizeBounds {
  // As doubles while choosing: count · 2^k is exact in a double (count < 2^32, k ≤ 128), and so is their order;
  // only the few kept become bigints (thousands of bigint shifts and a bigint sort were a visible cost).
  const unknown = 2 ** 129;
  const bits = family === 'ipv4' ? 32 : 128;
  const largest: number[] = [];
  const keep = (bound: number): void => {
    let at = largest.length;
    while (at > 0 && largest[at - 1]! < bound) at--;
    largest.splice(at, 0, bound);
    if (largest.length > MAX_TAG_UNION) largest.pop();
  };
  // The embedded snapshot's columns are read in place, in one loop with no call for a bound that is not kept
  // (a shape object per tag, then two calls per tag and family, were most of this in code run once: issue 22).
  const columns = prefixShapeColumns(snapshot);
  if (columns) {
    const counts = family === 'ipv4' ? columns.ipv4 : columns.ipv6;
    const shortest = family === 'ipv4' ? columns.shortest4 : columns.shortest6;
    for (let index = 0; index < snapshot.info.tagCount; index++) {
      const count = counts[index]!;
      const bound = count === 0 ? 0 : count * 2 ** (bits - shortest[index]!);
      if (largest.length < MAX_TAG_UNION || bound > largest[MAX_TAG_UNION - 1]!) keep(bound);
    }
  }
  for (let index = 0; !columns && index < snapshot.info.tagCount; index++) {
    let shape: PrefixShape | undefined;
    try {
      shape = prefixShape(snapshot, index);
    } catch {
      shape = undefined;
    }
    const side = shape ? (family === 'ipv4' ? shape.ipv4 : shape.ipv6) : undefined;
    const bound = !side ? unknown : side.count === 0 ? 0 : side.count * 2 ** (bits - side.shortest);
    if (largest.length < MAX_TAG_UNION || bound > largest[MAX_TAG_UNION - 1]!) keep(bound);
  }
  return { largest: largest.map((value) => BigInt(value)) };
}

function safeAddresses(snapshot: Snapshot, name: string): AddressSet {
  try {
    return snapshot.addresses(name);
  } catch {
    return AddressSet.EMPTY;
  }
}

function witnessFields(packet: Packet, srcTag: string | undefined, dstTag: string | undefined): WitnessFields {
  const text = formatPacket(packet);
  const tags = [srcTag ? `src ${srcTag}` : '', dstTag ? `dst ${dstTag}` : ''].filter(Boolean);
  const src = parseAddress(packet.src);
  const dst = parseAddress(packet.dst);
  return {
    direction: packet.direction,
    protocol: protocolName(packet.protocol),
    src: formatAddress(src.family, src.words),
    ...(packet.srcPort === undefined ? {} : { srcPort: packet.srcPort }),
    dst: formatAddress(dst.family, dst.words),
    ...(packet.dstPort === undefined ? {} : { dstPort: packet.dstPort }),
    ...(packet.icmp ? { icmp: packet.icmp } : {}),
    ...(packet.host === undefined ? {} : { host: packet.host }),
    ...(packet.path === undefined ? {} : { path: packet.path }),
    ...(packet.application === undefined ? {} : { application: packet.application }),
    ...(packet.state === undefined ? {} : { state: packet.state }),
    ...(srcTag ? { srcTag } : {}),
    ...(dstTag ? { dstTag } : {}),
    text: tags.length > 0 ? `${text}  (${tags.join(', ')})` : text,
  };
}

// ─── boxes ───────────────────────────────────────────────────────────────────────────────────────────────

/** The box's exact content, serialised without names, hashed: equal digests mean equal packets. */
export function boxDigest(kind: GroupKind, box: Box, namer: Namer): string {
  // The SHA-256 of the box's canonical text (its fields joined by `|`), fed piece by piece: the same bytes, without
  // joining the address ranges (megabytes for a tag's complement, in every box naming it) into one string that the
  // hash then measured and encoded as UTF-8 (check --json of the bench's render: ~215 M instructions; issue 22).
  const hash = nodeCrypto().createHash('sha256');
  hash.update(`${kind === 'missing' ? 'missing' : 'extra'}|${box.directions}|${box.family}|${box.portClass}|${box.protocols.toString()}|`);
  for (const set of [box.src, box.dst, box.srcPorts, box.dstPorts]) {
    hash.update(namer.ranges(set));
    hash.update('|');
  }
  hash.update(`${box.hosts.toString()}|${box.paths.toString()}|${box.applications.toString()}|${box.states}`);
  return `sha256:${hash.digest('hex').slice(0, 32)}`;
}

/** How many items a line of text lists before it says how many there are. */
const SHORT_ITEMS = 4;

/** An address list for one line of text: a few items, then how many there are (`--json` has them all). */
function shortList(items: NamedItems): string {
  return items.count <= SHORT_ITEMS ? items.head.join(', ') : `${items.head.slice(0, SHORT_ITEMS - 1).join(', ')}, …(${items.count} items; --json lists them)`;
}

/** Each box's exact packets, kept beside its fields (which are plain data for JSON) for baselines. */
const packetsOfBox = new WeakMap<BoxFields, PacketSet>();

export function boxPackets(box: BoxFields): PacketSet {
  return packetsOfBox.get(box) ?? PacketSet.EMPTY;
}

function boxFields(kind: GroupKind, box: Box, namer: Namer): BoxFields {
  const fields = describeBox(kind, box, namer);
  packetsOfBox.set(fields, PacketSet.fromDisjointBoxes([box]));
  return fields;
}

function describeBox(kind: GroupKind, box: Box, namer: Namer): BoxFields {
  const direction = box.directions === 3 ? 'in/out' : box.directions & 2 ? 'out' : 'in';
  const src = namer.items(box.src, box.family);
  const dst = namer.items(box.dst, box.family);
  let digest: string | undefined;
  const srcPorts = box.portClass === 'ports' && !box.srcPorts.isFull() ? PortSet.fromIntervals(box.srcPorts).toString() : undefined;
  const dstPorts = box.portClass === 'ports' && !box.dstPorts.isFull() ? PortSet.fromIntervals(box.dstPorts).toString() : undefined;
  const icmp =
    box.portClass === 'icmp' && !box.dstPorts.isFull()
      ? box.dstPorts.ranges().map(([lo, hi]) => (lo === hi ? `${lo >> 8}/${lo & 255}` : `${lo >> 8}/${lo & 255}-${hi >> 8}/${hi & 255}`)).join(',')
      : undefined;
  const hosts = box.hosts.isAny() ? undefined : box.hosts.toString();
  const paths = box.paths.isAny() ? undefined : box.paths.toString();
  const applications = box.applications.isAny() ? undefined : box.applications.toString();
  // The state wording of the line PacketSet prints for the box (opening states left unsaid).
  const states = boxStateWords(box);
  const parts = [direction, box.family, box.protocols.toString(), shortList(src), ...(srcPorts ? [`port ${srcPorts}`] : []), '->', shortList(dst), ...(dstPorts ? [`port ${dstPorts}`] : [])];
  if (icmp) parts.push(`icmp ${icmp}`);
  if (hosts) parts.push(`host ${hosts}`);
  if (paths) parts.push(`path ${paths}`);
  if (applications) parts.push(`app ${applications}`);
  if (states) parts.push(`state ${states.join(',')}`);
  return {
    direction,
    family: box.family,
    protocols: box.protocols.toString(),
    // Listed in full only when read (--json, reports): text prints the first few and the count.
    get src(): readonly string[] {
      return src.all();
    },
    ...(srcPorts ? { srcPorts } : {}),
    get dst(): readonly string[] {
      return dst.all();
    },
    ...(dstPorts ? { dstPorts } : {}),
    ...(icmp ? { icmp } : {}),
    ...(hosts ? { hosts } : {}),
    ...(paths ? { paths } : {}),
    ...(applications ? { applications } : {}),
    ...(states ? { states } : {}),
    text: parts.join(' '),
    // Made when read (--json, baselines, reports): text output prints no digest, and hashing loads node:crypto.
    get digest(): string {
      return (digest ??= boxDigest(kind, box, namer));
    },
  };
}

// ─── grouping ────────────────────────────────────────────────────────────────────────────────────────────

/** Each allow rule's first-match share of `set`, in rule order; what no rule matches goes to the default action. */
function shares(ruleSet: RuleSet, set: PacketSet): Array<{ rule: Rule | null; position: number; owned: PacketSet }> {
  const owned: Array<{ rule: Rule | null; position: number; owned: PacketSet }> = [];
  let undecided = set;
  ruleSet.rules.forEach((rule, index) => {
    if (undecided.isEmpty()) return;
    const share = undecided.intersection(rule.match);
    if (share.isEmpty()) return;
    undecided = undecided.difference(rule.match);
    owned.push({ rule, position: index + 1, owned: share });
  });
  if (!undecided.isEmpty()) owned.push({ rule: null, position: ruleSet.rules.length + 1, owned: undecided });
  return owned;
}

function groupOf(kind: GroupKind, rule: RuleRef | null, owned: PacketSet, namer: Namer, decider?: RuleSet, decidedPositions?: Map<Rule, number>): RuleGroup {
  const pieces = owned.compact().witnessedBoxes();
  const first = pieces[0]!;
  let decidedBy: RuleRef | null | undefined;
  if (decider) {
    const verdict = evaluate(decider, first.witness).rule;
    decidedBy = verdict ? ruleRef(verdict, decidedPositions?.get(verdict) ?? 0) : null;
  }
  return {
    kind,
    rule,
    ...(decidedBy === undefined ? {} : { decidedBy }),
    boxes: pieces.map(({ box }) => boxFields(kind, box, namer)),
    witness: namer.realWitness(first.witness, first.box),
  };
}

/**
 * `set` (what `owner` allows and the other side does not) split by the rule of `owner` that decides it. Rules the
 * users wrote come before platform defaults, so a wrong rule of theirs is never pushed out of sight by them.
 * With `decider`, each group says which rule of the other side turns its witness away.
 */
export function groupByRule(kind: GroupKind, owner: RuleSet, set: PacketSet, namer: Namer, decider?: RuleSet): RuleGroup[] {
  if (set.isEmpty()) return [];
  const positions = decider ? new Map(decider.rules.map((rule, index) => [rule, index + 1])) : undefined;
  const groups = shares(owner, set).map(({ rule, position, owned }) => groupOf(kind, rule ? ruleRef(rule, position) : null, owned, namer, decider, positions));
  const rank = (group: RuleGroup): number => (group.rule === null ? 2 : group.rule.builtIn ? 1 : 0);
  return groups.map((group, index) => ({ group, index })).sort((a, b) => rank(a.group) - rank(b.group) || a.index - b.index).map(({ group }) => group);
}

/** Missing packets split by the requirement (rule of `needed`) that asks for them, each with the config's verdict. */
export function missingGroups(needed: RuleSet, configured: RuleSet, missing: PacketSet, namer: Namer): RuleGroup[] {
  return groupByRule('missing', needed, missing, namer, configured);
}

// ─── text ────────────────────────────────────────────────────────────────────────────────────────────────

export interface TextStyle {
  /** Terminal columns to fit lines in; undefined: no limit (a pipe or a file). */
  readonly width?: number;
  readonly color: boolean;
}

export const PLAIN: TextStyle = { color: false };

const SGR = { bold: '1', red: '31', yellow: '33', dim: '2' } as const;

export function paint(style: TextStyle, code: keyof typeof SGR, text: string): string {
  return style.color ? `\u001b[${SGR[code]}m${text}\u001b[0m` : text;
}

/** Cuts a line to the terminal width (with an ellipsis); the whole line is in `--json`. */
export function fit(style: TextStyle, line: string): string {
  if (style.width === undefined || line.length <= style.width) return line;
  // Escapes take no columns; a line cut short loses its colour rather than leave an escape open.
  const visible = line.replace(/\u001b\[[0-9;]*m/g, '');
  if (visible.length <= style.width) return line;
  return `${visible.slice(0, Math.max(10, style.width - 1))}…`;
}

/** The groups as text: a heading per rule, up to `limit` boxes each, a witness, and what decides it on the other side. */
export function groupsText(title: string, groups: readonly RuleGroup[], limit: number, style: TextStyle, kind: 'rule' | 'requirement' = 'rule'): string[] {
  const colour = groups[0]?.kind === 'missing' ? 'red' : 'yellow';
  if (groups.length === 0) return [`${title}: none`];
  const boxes = groups.reduce((sum, group) => sum + group.boxes.length, 0);
  const lines = [paint(style, colour, `${title}: ${groups.length} ${kind === 'rule' ? 'rule' : 'requirement'}${groups.length === 1 ? '' : 's'}, ${boxes} box${boxes === 1 ? '' : 'es'}`)];
  for (const group of groups) {
    const name = group.rule === null ? 'the default action' : ruleRefText(group.rule, kind);
    lines.push(fit(style, `  ${paint(style, 'bold', name)}${group.rule?.text ? `  ${paint(style, 'dim', group.rule.text)}` : ''}`));
    for (const box of group.boxes.slice(0, limit)) lines.push(fit(style, `    ${box.text}`));
    if (group.boxes.length > limit) lines.push(`    … ${group.boxes.length - limit} more box${group.boxes.length - limit === 1 ? '' : 'es'} (--limit N, or --json for all)`);
    lines.push(fit(style, `    e.g. ${group.witness.text}`));
    if (group.decidedBy !== undefined) lines.push(fit(style, `    turned away by ${ruleRefText(group.decidedBy)}`));
  }
  return lines;
}

/** The groups as JSON: boxes and witnesses as fields, the rule as a reference. */
export function groupsJson(groups: readonly RuleGroup[]): object[] {
  return groups.map((group) => ({
    rule: group.rule,
    ...(group.decidedBy === undefined ? {} : { decidedBy: group.decidedBy }),
    witness: group.witness,
    boxes: group.boxes,
  }));
}
