/**
 * Requirements → the rules both netfilter targets render. Each requirement is turned into its exact packet set
 * (the analysis engine's own `requirementPackets`, so the output can only agree with the yardstick) and each box of
 * that set into rules: one per protocol, with addresses as a literal prefix or a named set and ports as ranges.
 * What netfilter cannot carry becomes a diagnostic with exactly the packets it loses: host names (targets.md §3.5:
 * rules hold addresses only), ICMP types of the other family's ICMP, directions the chosen hook does not see, and
 * on the forward hook the ICMPv6 messages a router never forwards (hoplimit.ts).
 */
import { requirementPackets, type AddressResolver } from '../../../analysis/resolve.js';
import { openingInvalidPackets, openingPackets } from '../../../analysis/rule-set.js';
import { AddressSet } from '../../../model/address-set.js';
import type { HostPattern } from '../../../model/hostnames.js';
import { IntervalSet } from '../../../model/intervals.js';
import type { Family } from '../../../model/ip.js';
import { CidrBlocks } from '../../../model/cidr-text.js';
import { PacketSet, type Box } from '../../../model/packet-set.js';
import type { ConnState, Direction } from '../../../model/packet.js';
import { ICMP, ICMPV6, PORT_DOMAIN, PortSet, ProtocolSet, TCP } from '../../../model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../../../model/requirement.js';
import type { Diagnostic } from '../../target.js';
import type { DraftDiagnostic } from '../../diagnostics.js';
import { unforwardedPackets } from './hoplimit.js';
import { icmpEntries, type IcmpEntry } from './icmp.js';
import { NameRegistry, objectName } from './names.js';
import { hookedDirections, type NetfilterOptions } from './options.js';
import { platformRules } from './platform.js';

/** A named address set: an ipset `hash:net` or an nft interval set. */
export interface NetSet {
  readonly name: string;
  readonly family: Family;
  /**
   * Canonical, merged prefixes (as numbers, written as text by the renderers: a set of 100k prefixes as 100k
   * strings was most of a render's garbage); empty for a set dnsmasq fills at run time.
   */
  readonly blocks: CidrBlocks;
  /** What it stands for: a service tag, `<requirement> destinations`, or the domains dnsmasq feeds it. */
  readonly label: string;
  /** Domains dnsmasq adds resolved addresses for (fqdn=dnsmasq). */
  readonly dnsmasqDomains?: readonly string[];
  /** The addresses `cidrs` were written from, so loss accounting need not parse the text back. */
  readonly values?: IntervalSet;
}

export type AddressMatch =
  | { readonly kind: 'any' }
  /** `values`: the addresses `cidr` was written from, when the lowering had them (as for NetSet). */
  | { readonly kind: 'prefix'; readonly cidr: string; readonly values?: IntervalSet }
  | { readonly kind: 'set'; readonly set: NetSet };

export interface LoweredRule {
  readonly requirementId: string;
  readonly direction: Direction;
  readonly family: Family;
  /** IP protocol number; undefined = every protocol. */
  readonly protocol: number | undefined;
  readonly src: AddressMatch;
  readonly dst: AddressMatch;
  /** Inclusive ranges; undefined = any. */
  readonly srcPorts?: ReadonlyArray<readonly [number, number]>;
  readonly dstPorts?: ReadonlyArray<readonly [number, number]>;
  readonly icmp?: readonly IcmpEntry[];
  /** `id: purpose`, unabridged; renderers fit it to their limit. */
  readonly comment: string;
}

export interface DnsmasqEntry {
  readonly domains: readonly string[];
  readonly sets: readonly NetSet[];
}

export interface NetfilterModel {
  readonly sets: readonly NetSet[];
  readonly rules: readonly LoweredRule[];
  readonly dnsmasq: readonly DnsmasqEntry[];
  /** What the lowering could not express, with the packets it may have lost (the pipeline makes them exact). */
  readonly drafts: readonly DraftDiagnostic[];
  /** Packets no chain of the hook sees, whatever its rules say (`unseenPackets`): the rules allow none of them. */
  readonly unseen: PacketSet;
}

const INVALID = PacketSet.of({ states: ['invalid'] });

/**
 * The packets tagwall's chains never see under `options.chainHook`: on the forward hook, the ICMPv6 messages whose
 * RFCs fix hop limit 1 (MLD, multicast router discovery), which ip6_forward drops before the hook (hoplimit.ts), in
 * every state but ESTABLISHED/RELATED (their reply forms are no real packet and are left to the chains, as in
 * chains.ts). A rule for them is emitted (harmless, dead) and the loss reported.
 */
export function unseenPackets(options: Pick<NetfilterOptions, 'chainHook'>): PacketSet {
  return options.chainHook === 'forward' ? unforwardedPackets() : PacketSet.EMPTY;
}

const FAMILY_PREFIX: Readonly<Record<Family, string>> = { ipv4: 'tw4_', ipv6: 'tw6_' };

function sideLabel(requirement: Requirement, endpoints: readonly Endpoint[], side: 'src' | 'dst'): string {
  const [only] = endpoints;
  return endpoints.length === 1 && only?.kind === 'service-tag' ? only.name : `${requirement.id}.${side}`;
}

/** The host patterns a requirement's destinations name, as dnsmasq domains (a wildcard's suffix; dnsmasq adds the apex). */
function dnsmasqDomains(requirement: Requirement): string[] {
  const patterns: HostPattern[] = requirement.destinations.flatMap((endpoint) =>
    endpoint.kind === 'host' || endpoint.kind === 'url' ? [endpoint.pattern] : [],
  );
  return [...new Set(patterns.map((pattern) => (pattern.kind === 'exact' ? pattern.name : pattern.suffix)))].sort();
}

/**
 * FNV-1a over the domain's width, the length and the bounds: equal sets hash equal (a collision costs one `equals`).
 * A long set is hashed by BOUNDS_SAMPLE words spread over it and its last: hashing every word of each tag's sets
 * was ~0.4 ms of a cold `render --target nftables` (cpu-prof, mean of 12; issue 22), and two different sets of one
 * length that agree on the sample only cost their `equals`.
 */
function boundsHash(values: IntervalSet): number {
  const bounds = values.bounds;
  const length = bounds.length;
  let hash = Math.imul(Math.imul(0x811c9dc5 ^ values.width, 0x01000193) ^ length, 0x01000193);
  if (length <= BOUNDS_SAMPLE) {
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ bounds[i]!, 0x01000193);
    return hash >>> 0;
  }
  const stride = length / BOUNDS_SAMPLE;
  for (let k = 0; k < BOUNDS_SAMPLE; k++) hash = Math.imul(hash ^ bounds[Math.floor(k * stride)]!, 0x01000193);
  return Math.imul(hash ^ bounds[length - 1]!, 0x01000193) >>> 0;
}

const BOUNDS_SAMPLE = 64;

/**
 * Does a box of `packets` hold ICMP or ICMPv6, the only protocols of `openingInvalidPackets()`? A requirement that
 * holds neither (TCP and UDP, as most do) then misses that set without it being built: building it was ~0.5 ms of
 * a cold `render --target nftables` (cpu-prof, mean of 12; issue 22).
 */
function holdsIcmp(packets: PacketSet): boolean {
  // One overlap test a box (`has` builds an array per number asked).
  for (const box of packets.boxes) if (box.protocols.overlaps(ICMPS)) return true;
  return false;
}

const ICMPS = ProtocolSet.of(ICMP, ICMPV6);

function portRanges(values: IntervalSet): ReadonlyArray<readonly [number, number]> | undefined {
  return values.isFull() ? undefined : values.ranges();
}

function protocolNumbers(box: Box): number[] {
  const numbers: number[] = [];
  for (const [first, last] of box.protocols.ranges()) for (let p = first; p <= last; p++) numbers.push(p);
  return numbers;
}

class Lowering {
  readonly sets: NetSet[] = [];
  readonly rules: LoweredRule[] = [];
  /** The dnsmasq entries by their first set: looked up, not scanned for, per host requirement (issue 22). */
  readonly dnsmasq = new Map<NetSet, DnsmasqEntry>();
  readonly diagnostics: Diagnostic[] = [];
  readonly #names = new NameRegistry();
  readonly #setsByName = new Map<string, NetSet>();

  constructor(
    private readonly target: string,
    private readonly codePrefix: string,
    private readonly options: NetfilterOptions,
  ) {}

  lose(code: string, requirement: Requirement, message: string, lost: PacketSet, severity: 'warning' | 'error' | 'info' = 'warning'): void {
    this.diagnostics.push({ code: `${this.codePrefix}_${code}`, severity, target: this.target, requirementId: requirement.id, message, lost });
  }

  note(code: string, requirement: Requirement | undefined, message: string): void {
    this.diagnostics.push({
      code: `${this.codePrefix}_${code}`,
      severity: 'info',
      target: this.target,
      ...(requirement ? { requirementId: requirement.id } : {}),
      message,
    });
  }

  /** A set holding exactly these addresses, shared by every rule that needs the same ones. */
  setFor(family: Family, blocks: CidrBlocks, label: string, domains?: readonly string[], values?: IntervalSet): NetSet {
    // addressMatch already shares sets by content, so only dnsmasq sets need a content key here.
    const key = domains ? `dnsmasq ${family} ${domains.join(' ')}` : `${family} #${this.sets.length}`;
    const { name, isNew } = this.#names.nameFor(key, objectName(FAMILY_PREFIX[family], label));
    if (!isNew) return this.#setsByName.get(name)!;
    const set: NetSet = { name, family, blocks, label, ...(domains ? { dnsmasqDomains: domains } : {}), ...(values ? { values } : {}) };
    this.sets.push(set);
    this.#setsByName.set(name, set);
    return set;
  }

  /**
   * Matches already made, by a hash of their address values: the same tag on many requirements is formatted once.
   * A hash, not a scan of every earlier match: a file of 10k requirements each to its own prefix made the lookup
   * quadratic (a quarter of a 10k render).
   */
  readonly #matches = new Map<number, Array<{ values: IntervalSet; match: AddressMatch }>>();

  addressMatch(values: IntervalSet, family: Family, label: string): AddressMatch {
    if (values.isFull()) return { kind: 'any' };
    const hash = boundsHash(values);
    const bucket = this.#matches.get(hash);
    if (bucket) {
      // A loop, no closure per lookup; the same set object (a tag's, on every requirement naming it) skips `equals`.
      for (const entry of bucket) if (entry.values === values || (entry.values.domain === values.domain && entry.values.equals(values))) return entry.match;
    }
    const blocks = CidrBlocks.of(family, values);
    const match: AddressMatch = blocks.length === 1 ? { kind: 'prefix', cidr: blocks.text(0), values } : { kind: 'set', set: this.setFor(family, blocks, label, undefined, values) };
    if (bucket) bucket.push({ values, match });
    else this.#matches.set(hash, [{ values, match }]);
    return match;
  }

  requirement(requirement: Requirement, resolver: AddressResolver): void {
    const packets = requirementPackets(requirement, resolver);
    if (packets.isEmpty()) return;
    if (!hookedDirections(this.options.chainHook).includes(requirement.direction)) {
      this.lose(
        'DIRECTION_NOT_HOOKED',
        requirement,
        `${requirement.id}: ${requirement.direction === 'in' ? 'inbound' : 'outbound'} traffic, but chainHook ${this.options.chainHook} renders only the other direction`,
        packets,
      );
      return;
    }
    const unseen = unseenPackets(this.options);
    const unforwarded = packets.overlaps(unseen) ? packets.intersection(unseen) : PacketSet.EMPTY;
    if (!unforwarded.isEmpty()) {
      this.lose(
        'NOT_FORWARDED',
        requirement,
        `${requirement.id}: a router never forwards an ICMPv6 message with hop limit 1: MLD (130-132, 143) and multicast router discovery (151-153) are link-local, and the kernel drops them before the forward hook, so no forward chain sees them`,
        unforwarded,
      );
    }
    // The chains drop INVALID first; a first packet conntrack calls INVALID (an ICMP reply or error no connection
    // explains) is what the requirement asks for, and it passes only as a reply (ESTABLISHED/RELATED).
    // Where the two meet (ICMP replies and errors in state INVALID): a requirement that misses it, as nearly all do,
    // skips the two intersections, which were a fifth of a 10k-requirement render (and never builds the opening set).
    const invalidFirst = holdsIcmp(packets) && packets.overlaps(openingInvalidPackets()) ? packets.intersection(openingPackets()).intersection(INVALID) : PacketSet.EMPTY;
    if (!invalidFirst.isEmpty()) {
      this.lose(
        'ICMP_INVALID_FIRST',
        requirement,
        `${requirement.id}: conntrack classes an unsolicited ICMP reply or error as INVALID, which the chains drop; it passes as the reply (ESTABLISHED/RELATED) of a connection`,
        invalidFirst,
        'info',
      );
    }
    const comment = `${requirement.id}: ${requirement.purpose}`.trim();
    const dnsmasqBoxes: Box[] = [];
    for (const family of ['ipv4', 'ipv6'] as const) {
      const boxes = packets.boxes.filter((box) => box.family === family);
      const named = boxes.filter((box) => box.hosts.isAny());
      const hosted = boxes.filter((box) => !box.hosts.isAny());
      dnsmasqBoxes.push(...hosted);
      if (named.length === 0) continue;
      const srcLabel = sideLabel(requirement, requirement.sources, 'src');
      const dstLabel = sideLabel(requirement, requirement.destinations, 'dst');
      const first = named[0]!;
      const anyProtocol =
        named.every((box) => box.srcPorts.isFull() && box.dstPorts.isFull() && box.src.equals(first.src) && box.dst.equals(first.dst)) &&
        named.reduce((sum, box) => sum + box.protocols.count(), 0) === 256;
      if (anyProtocol) {
        this.push(requirement, comment, family, undefined, first, srcLabel, dstLabel);
        continue;
      }
      for (const box of named) this.box(requirement, comment, box, srcLabel, dstLabel);
    }
    if (dnsmasqBoxes.length === 0) return;
    const hosts = dnsmasqBoxes[0]!.hosts.toString();
    this.lose(
      'FQDN_INEXPRESSIBLE',
      requirement,
      `${requirement.id}: host names (${hosts}) cannot be matched by ${this.target} rules, which see addresses only; ` +
        (this.options.fqdn === 'dnsmasq' ? 'the dnsmasq-fed sets fill only at run time, so the rules claim nothing for them' : 'allow them through a proxy, or use fqdn=dnsmasq'),
      PacketSet.fromBoxes(dnsmasqBoxes),
    );
    if (this.options.fqdn === 'dnsmasq') this.dnsmasqRules(requirement, comment, dnsmasqBoxes);
  }

  box(requirement: Requirement, comment: string, box: Box, srcLabel: string, dstLabel: string): void {
    for (const protocol of protocolNumbers(box)) {
      if (box.portClass === 'icmp' && !box.dstPorts.isFull()) {
        const native = (protocol === ICMP && box.family === 'ipv4') || (protocol === ICMPV6 && box.family === 'ipv6');
        if (!native) {
          this.lose(
            'ICMP_FAMILY',
            requirement,
            `${requirement.id}: ${protocol === ICMP ? 'ICMP' : 'ICMPv6'} types over ${box.family === 'ipv4' ? 'IPv4' : 'IPv6'} cannot be matched (the type match exists only for the family's own ICMP)`,
            PacketSet.fromBoxes([{ ...box, protocols: ProtocolSet.of(protocol) }]),
          );
          continue;
        }
      }
      this.push(requirement, comment, box.family, protocol, box, srcLabel, dstLabel);
    }
  }

  push(requirement: Requirement, comment: string, family: Family, protocol: number | undefined, box: Box, srcLabel: string, dstLabel: string, dst?: AddressMatch): void {
    const ported = protocol !== undefined && box.portClass === 'ports';
    const srcPorts = ported ? portRanges(box.srcPorts) : undefined;
    const dstPorts = ported ? portRanges(box.dstPorts) : undefined;
    const icmp = protocol !== undefined && box.portClass === 'icmp' && !box.dstPorts.isFull() ? icmpEntries(box.dstPorts) : undefined;
    const rule: LoweredRule = {
      requirementId: requirement.id,
      direction: requirement.direction,
      family,
      protocol,
      src: this.addressMatch(box.src, family, srcLabel),
      dst: dst ?? this.addressMatch(box.dst, family, dstLabel),
      ...(srcPorts ? { srcPorts } : {}),
      ...(dstPorts ? { dstPorts } : {}),
      ...(icmp ? { icmp } : {}),
      comment,
    };
    this.rules.push(rule);
    // One protocol of a box of ports or of no ports, to the box's own addresses: what the rule admits is that box
    // (loweredBox). ICMP entries and dnsmasq sets are written from something else than the box: not recorded.
    if (protocol !== undefined && dst === undefined && box.portClass !== 'icmp') LOWERED_FROM.set(rule, box);
  }

  /**
   * fqdn=dnsmasq: sets dnsmasq fills with the addresses it resolves for the requirement's domains, and rules on
   * them. They are empty as rendered, so the rules claim nothing and the loss above stands (the host dimension is
   * still not checked: any name that resolves into the set is let through).
   */
  dnsmasqRules(requirement: Requirement, comment: string, boxes: readonly Box[]): void {
    const domains = dnsmasqDomains(requirement);
    const label = `fqdn.${requirement.id}`;
    const sets = (['ipv4', 'ipv6'] as const).map((family) => this.setFor(family, CidrBlocks.empty(family), label, domains));
    if (!this.dnsmasq.has(sets[0]!)) this.dnsmasq.set(sets[0]!, { domains, sets });
    for (const box of boxes) {
      const set = sets.find((candidate) => candidate.family === box.family)!;
      for (const protocol of protocolNumbers(box)) {
        if (box.portClass === 'icmp' && !box.dstPorts.isFull()) continue;
        this.push(requirement, comment, box.family, protocol, box, sideLabel(requirement, requirement.sources, 'src'), '', { kind: 'set', set });
      }
    }
    this.diagnostics.push({
      code: `${this.codePrefix}_FQDN_DNSMASQ_BROADER`,
      severity: 'warning',
      target: this.target,
      requirementId: requirement.id,
      message:
        `${requirement.id}: dnsmasq adds the addresses of ${domains.join(', ')} and of every name under them, the apex included ` +
        `(dnsmasq's --ipset/--nftset option matches a domain and all its subdomains), and any other name on those addresses passes too; only clients resolving through that dnsmasq are covered`,
    });
  }
}


/** Lowers a requirement set; `codePrefix` (`IPT`, `NFT`) starts every diagnostic code. */
export function lowerRequirements(
  requirements: RequirementSet,
  resolver: AddressResolver,
  options: NetfilterOptions,
  target: string,
  codePrefix: string,
): NetfilterModel {
  const lowering = new Lowering(target, codePrefix, options);
  // The platform flows (platform.ts) come first: the contract counts them as declared extras, not requirements.
  lowering.rules.push(...platformRules(options));
  for (const requirement of requirements.requirements) lowering.requirement(requirement, resolver);
  // Each loss is the part of its requirement a rule could not carry: the pipeline subtracts what other rules allow.
  const drafts = lowering.diagnostics.map(({ target: _target, lost, ...rest }): DraftDiagnostic => (lost ? { ...rest, candidate: lost } : rest));
  return { sets: lowering.sets, rules: lowering.rules, dnsmasq: [...lowering.dnsmasq.values()], drafts, unseen: unseenPackets(options) };
}

/**
 * The requirement box each rule of one protocol was lowered from (Lowering.push), when the rule matches exactly that
 * box's addresses and ports: what the rule admits is then the box narrowed to the protocol (loweredBox), built
 * without reading the rule back. Kept beside the rules, not on them: a rule is plain data its readers spread and
 * compare, and parsed rules have no box.
 */
const LOWERED_FROM = new WeakMap<LoweredRule, Box>();

/**
 * What a rule allows of the packets its chain sees. A rule recorded in LOWERED_FROM is its box directly; any other
 * is read back by loweredPackets. Issue 22: loss accounting read every rule back, parsing its port ranges, protocol
 * and addresses into a packet spec again (~4% of a cold 1k-requirement nftables render's instructions, 6.6% with
 * the spec's own work; the scenario's 49 rules ~1.3 M instructions).
 */
export function seenPackets(rule: LoweredRule, unseen: PacketSet): PacketSet {
  const box = LOWERED_FROM.get(rule);
  return seenOf(box ? PacketSet.fromDisjointBoxes([loweredBox(rule, box)]) : loweredPackets(rule), unseen);
}

/** `seenPackets` of a rule read back by loweredPackets alone: its reference (exported for the test). */
export function seenPacketsReadBack(rule: LoweredRule, unseen: PacketSet): PacketSet {
  return seenOf(loweredPackets(rule), unseen);
}

function seenOf(packets: PacketSet, unseen: PacketSet): PacketSet {
  return packets.overlaps(unseen) ? packets.difference(unseen) : packets;
}

/**
 * loweredPackets' one box for a rule of one protocol lowered from `box` (a box of ports or of no ports): the box's
 * family, class, addresses and ports, that protocol alone, the rule's direction and the states the chains accept,
 * any host, path and application. loweredPackets makes the same box (PacketSet.of keeps a protocol of the box's
 * class as it is and makes one box of one family), in the same key order.
 */
function loweredBox(rule: LoweredRule, box: Box): Box {
  const template = acceptedTemplate(rule.direction);
  return {
    directions: template.directions,
    family: box.family,
    portClass: box.portClass,
    protocols: protocolSetOf(rule.protocol!),
    src: box.src,
    dst: box.dst,
    srcPorts: box.srcPorts,
    dstPorts: box.dstPorts,
    hosts: template.hosts,
    paths: template.paths,
    applications: template.applications,
    states: template.states,
  };
}

/** The states every rule accepts after the chains' INVALID drop (loweredPackets). */
const ACCEPTED_STATES: readonly ConnState[] = ['new', 'untracked', 'established', 'related'];

/** A box of what a rule in `direction` accepts, for its direction, states, hosts, paths and applications. */
function acceptedTemplate(direction: Direction): Box {
  let template = ACCEPTED_TEMPLATES.get(direction);
  if (!template) {
    template = PacketSet.of({ directions: [direction], protocols: ProtocolSet.of(TCP), states: ACCEPTED_STATES }).boxes[0]!;
    ACCEPTED_TEMPLATES.set(direction, template);
  }
  return template;
}

const ACCEPTED_TEMPLATES = new Map<Direction, Box>();

function protocolSetOf(protocol: number): ProtocolSet {
  let set = PROTOCOL_SETS.get(protocol);
  if (!set) PROTOCOL_SETS.set(protocol, (set = ProtocolSet.of(protocol)));
  return set;
}

const PROTOCOL_SETS = new Map<number, ProtocolSet>();

/** The boxes of every lowered rule, not unioned: what loss accounting subtracts (TargetKit.allowedBoxes). */
export function netfilterAllowedBoxes(model: NetfilterModel): Box[] {
  return model.rules.flatMap((rule) => seenPackets(rule, model.unseen).boxes);
}

/** What a lowered model allows: the union of its rules (dnsmasq-fed sets empty, as they are when loaded). */
export function netfilterAllowed(model: NetfilterModel): PacketSet {
  return model.rules.reduce((set, rule) => set.union(seenPackets(rule, model.unseen)), PacketSet.EMPTY);
}

function matchAddresses(match: AddressMatch, family: Family): AddressSet {
  if (match.kind === 'any') return AddressSet.allOf(family);
  const values = match.kind === 'prefix' ? match.values : match.set.values;
  // The values the text was written from when the lowering kept them (exact: the CIDRs are their minimal cover).
  if (values) return AddressSet.fromFamily(family, values);
  if (match.kind === 'prefix') return parsedPrefix(match.cidr);
  return AddressSet.fromStrings(match.set.blocks.strings());
}

/**
 * The ICMP values of a rule's entries: each a whole type or one type/code pair, read by one `fromRanges` (which
 * merges them into the same canonical set as their union). A union per entry was ~0.5 ms of a cold
 * `render --target nftables`, whose platform rules list the neighbour-discovery types (cpu-prof, mean of 15; issue 22).
 */
function icmpValues(entries: readonly IcmpEntry[]): IntervalSet {
  const ranges: Array<readonly [number, number]> = [];
  for (const { type, code } of entries) ranges.push(code === undefined ? [type << 8, (type << 8) | 255] : [(type << 8) | code, (type << 8) | code]);
  return IntervalSet.fromRanges(PORT_DOMAIN, ranges);
}

/**
 * A prefix the lowering wrote without its values (the platform flows' link-local and multicast blocks), parsed once
 * per text: the same few recur in every render, and each parse of an IPv6 one was ~50 µs cold (issue 22).
 */
function parsedPrefix(cidr: string): AddressSet {
  let set = PARSED_PREFIXES.get(cidr);
  if (!set) PARSED_PREFIXES.set(cidr, (set = AddressSet.parse(cidr)));
  return set;
}

const PARSED_PREFIXES = new Map<string, AddressSet>();

/** The packets a lowered rule admits (sets as rendered: dnsmasq-fed ones empty), after the chains' INVALID drop. */
export function loweredPackets(rule: LoweredRule): PacketSet {
  const ranges = (values: LoweredRule['srcPorts']): PortSet | undefined => (values ? PortSet.fromRanges(values) : undefined);
  const srcPorts = ranges(rule.srcPorts);
  const dstPorts = ranges(rule.dstPorts);
  const icmp = rule.icmp ? icmpValues(rule.icmp) : undefined;
  return PacketSet.of({
    directions: [rule.direction],
    ...(rule.protocol === undefined ? {} : { protocols: ProtocolSet.of(rule.protocol) }),
    src: matchAddresses(rule.src, rule.family),
    dst: matchAddresses(rule.dst, rule.family),
    ...(srcPorts ? { srcPorts } : {}),
    ...(dstPorts ? { dstPorts } : {}),
    ...(icmp ? { icmp } : {}),
    states: ACCEPTED_STATES,
  });
}
