/**
 * The translator contract (DESIGN.md, "Translators"): every target turns a requirement set into artifacts plus
 * diagnostics, and parses its own artifacts (and hand-written or deployed configs) back into a rule set.
 *
 * 1. Sound: allowed(parse(translate(R))) ⊆ allowed(R).
 * 2. Complete up to diagnostics: allowed(R) − allowed(parse(translate(R))) = ∪ diagnostics' `lost`.
 * 3. Deterministic: same input, byte-identical artifacts.
 * 4. Within the target's limits, or a diagnostic that names the limit and how it was split.
 */
import type { AddressResolver } from '../analysis/resolve.js';
import type { RuleSet } from '../analysis/rule-set.js';
import type { PacketSet } from '../model/packet-set.js';
import type { RequirementSet } from '../model/requirement.js';
import type { Snapshot } from '../servicetags/snapshot.js';

/** One generated file. */
export interface Artifact {
  /** A file name, relative: `firewall-policy.json`, `sets.ipset`, `tags/Storage.WestUS.txt`. */
  readonly name: string;
  /** `arm`, `bicep`, `terraform`, `iptables-restore`, `ipset`, `nft`, `xml`, `set`, `edl`, `dnsmasq`, ... */
  readonly format: string;
  readonly content: string;
}

export type Severity = 'error' | 'warning' | 'info';

/** A finding about a requirement on a target (DESIGN.md, "Diagnostics and errors"); codes in docs/diagnostics.md. */
export interface Diagnostic {
  /** Stable code, e.g. `NSG_FQDN_INEXPRESSIBLE`. */
  readonly code: string;
  readonly severity: Severity;
  readonly target: string;
  readonly requirementId?: string;
  readonly message: string;
  /** Packets the requirement allows that the output does not (contract law 2). Absent when nothing is lost. */
  readonly lost?: PacketSet;
}

/** Target options as the CLI collects them (`--format arm`, `--chain-hook output`); each target validates its own. */
export type TargetOptionValues = Readonly<Record<string, string | boolean | undefined>>;

export interface TranslateContext {
  /** The snapshot tags are checked against, expanded through, and recorded in artifacts. */
  readonly snapshot: Snapshot;
  /** How the analysis resolves tags for this target's proofs (expanded targets: through `snapshot`). */
  readonly resolver: AddressResolver;
  readonly options: TargetOptionValues;
}

export interface Translation {
  readonly artifacts: readonly Artifact[];
  readonly diagnostics: readonly Diagnostic[];
}

/** A config to parse: the text, where it came from (for error locations), and related files (ipset saves). */
export interface ConfigInput {
  readonly content: string;
  readonly file: string;
  /** Companion files by role, e.g. `{ ipsets: '<ipset save output>' }`. */
  readonly companions?: Readonly<Record<string, { readonly content: string; readonly file: string }>>;
}

export interface ParseContext {
  /** Resolves service tags the config names (NSG, Azure Firewall); targets with literal addresses ignore it. */
  readonly resolver: AddressResolver;
  readonly options: TargetOptionValues;
}

/**
 * What a target can express, declared once per target (`capabilities.ts`, as aerleon's generators declare theirs)
 * and shown as the capability table in docs/targets/. Anything outside it becomes a diagnostic with `lost`.
 */
export interface Capabilities {
  readonly directions: readonly ('in' | 'out')[];
  /** `any` = every IP protocol; otherwise the protocols it can name. */
  readonly protocols: 'any' | readonly ('tcp' | 'udp' | 'icmp' | 'icmpv6')[];
  readonly icmpTypes: boolean;
  readonly families: readonly ('ipv4' | 'ipv6')[];
  /** Service tags by name (NSG, Azure Firewall) or only their expanded prefixes. */
  readonly serviceTags: 'named' | 'expanded';
  /** Host names: exact and `*.suffix` at the application layer, exact only, or none. */
  readonly hosts: 'wildcard' | 'exact' | 'none';
  readonly urlPaths: boolean;
  readonly sourcePorts: boolean;
}

export interface Target {
  /** The `--target` name: `azure-firewall`, `azure-firewall-classic`, `nsg`, `udr`, `iptables`, `nftables`, `panos`. */
  readonly id: string;
  readonly description: string;
  /** `--format` values, the first the default. */
  readonly formats: readonly string[];
  /**
   * `expanded` when the target carries addresses only (iptables, nftables, PAN-OS address objects): its rule sets
   * are compared with requirements expanded through the snapshot. `symbolic` when it names tags itself (NSG,
   * Azure Firewall, UDR): compared symbolically unless the user asks to expand.
   */
  readonly analysisMode: 'symbolic' | 'expanded';
  readonly capabilities: Capabilities;
  translate(requirements: RequirementSet, context: TranslateContext): Translation;
  /** Parses a config of this target (generated or hand-written); TW_INVALID_CONFIG / TW_UNSUPPORTED_CONFIG with a location. */
  parse(input: ConfigInput, context: ParseContext): RuleSet;
  /**
   * Parses what `translate` produced, as deployed together (rules plus ipset files, IPv4 plus IPv6 files), into
   * one rule set: the other half of the contract check.
   */
  parseArtifacts(artifacts: readonly Artifact[], context: ParseContext): RuleSet;
  /**
   * What a config of this target is meant to allow for these requirements, when that is not the requirements'
   * own packets: a route table routes (by source) rather than filters. `check` compares with this instead.
   */
  readonly yardstick?: { readonly describe: string; ruleSet(requirements: RequirementSet, resolver: AddressResolver): RuleSet };
  /**
   * What a deployed config says that the platform would not take, beyond what it allows (Azure: a service tag
   * where its networkFeatures do not list the resource). `tagwall check` reports these as findings.
   */
  findings?(input: ConfigInput, snapshot: Snapshot): readonly Diagnostic[];
  /** Does this text look like this target's config? Used when an operand names no kind. */
  detect(content: string): boolean;
}
