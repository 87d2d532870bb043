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
import type { Box, PacketSet } from '../model/packet-set.js';
import type { Requirement, RequirementSet } from '../model/requirement.js';
import type { Snapshot } from '../servicetags/snapshot.js';
import type { DraftDiagnostic } from './diagnostics.js';
import type { OptionSchema, OptionsOf } from './option-schema.js';

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

export interface TranslateContext<Options = TargetOptionValues> {
  /** The snapshot tags are checked against, expanded through, and recorded in artifacts. */
  readonly snapshot: Snapshot;
  /** How the analysis resolves tags for this target's proofs (expanded targets: through `snapshot`). */
  readonly resolver: AddressResolver;
  /** The target's options, checked against its schema before the target reads them (an unknown key is an error). */
  readonly options: Options;
  /**
   * `false`: the diagnostics come without `lost` (contract law 2's exact loss, which can cost a parse-back of the
   * output, is not computed), for a caller that reads only their codes and messages (`impact` compares the older
   * snapshot's diagnostics by those). Default: computed.
   */
  readonly exactLoss?: boolean;
}

export interface Translation {
  readonly artifacts: readonly Artifact[];
  readonly diagnostics: readonly Diagnostic[];
}

/** One file of a config: its text and its name (for error locations and rule origins). */
export interface ConfigFile {
  readonly content: string;
  readonly file: string;
}

/** A config to parse: the text, where it came from (for error locations), and related files (ipset saves). */
export interface ConfigInput {
  readonly content: string;
  readonly file: string;
  /**
   * Files read after this one as one config, each under its own name (iptables: the other family's rules;
   * nftables: the files a large set continues in). Only a target that `readsSeveralFiles` takes them.
   */
  readonly more?: readonly ConfigFile[];
  /** Companion files by role, e.g. `{ ipsets: '<ipset save output>' }`. */
  readonly companions?: Readonly<Record<string, ConfigFile>>;
}

export interface ParseContext<Options = TargetOptionValues> {
  /** Resolves service tags the config names (NSG, Azure Firewall); targets with literal addresses ignore it. */
  readonly resolver: AddressResolver;
  readonly options: Options;
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

/** Packets an output allows beyond the requirements on purpose, and the words reports use for them. */
export interface DeclaredExtras {
  readonly description: string;
  readonly packets: PacketSet;
}

/** Families group targets that share code (`src/targets/<family>/common`) and a config language. */
export type TargetFamily = 'azure' | 'netfilter' | 'panos' | 'test';

/** The object a line of an artifact belongs to, for reports that diff artifacts (`rule tw-storage`, `set tw4_Storage`). */
export interface ObjectLabel {
  readonly kind: string;
  readonly name: string;
}

/** For each line of an artifact of one format, the object it belongs to. */
export type ArtifactLabeller = (lines: readonly string[]) => ObjectLabel[];

/** What `build` returns: the target's own object model and the diagnostics drafted while building it. */
export interface Built<Model> {
  readonly model: Model;
  readonly drafts: readonly DraftDiagnostic[];
}

/** What `render` returns: the files of one format, and drafts about the text itself (a comment cut, a size limit). */
export interface Rendered {
  readonly artifacts: readonly Artifact[];
  readonly drafts?: readonly DraftDiagnostic[];
}

/** What a kit's `build` and `render` see: the translate context with options already validated against the schema. */
export interface BuildContext extends TranslateContext {
  readonly requirements: RequirementSet;
}

/**
 * A target kit (DESIGN.md, "Translators"): what a target declares. The pipeline (pipeline.ts) runs every kit the
 * same way: validate options against `options` → capability gate → `build` → `render` → exact loss accounting
 * against `allowed`; a kit does not re-implement any of those steps. `defineTarget` turns a kit into a `Target`.
 */
export interface TargetKit<Id extends string = string, Format extends string = string, Schema extends OptionSchema = OptionSchema, Model = unknown> {
  /** The `--target` name, kebab-case, equal to its folder's name. */
  readonly id: Id;
  readonly family: TargetFamily;
  readonly description: string;
  /** `--format` values, the first the default. */
  readonly formats: readonly Format[];
  /** See `Target.analysisMode`. */
  readonly analysisMode: 'symbolic' | 'expanded';
  /** Every option the target reads, declared once (option-schema.ts). */
  readonly options: Schema;
  /** What the target can express under these (validated) options; the capability gate and `tagwall targets` read it. */
  capabilities(options: TargetOptionValues): Capabilities;
  /**
   * The capability gate's words for a requirement in a direction the target cannot express (a code and a message);
   * without it such requirements are outside what the target is for (see `yardstick`) and pass the gate unnoted.
   */
  refuseDirection?(requirement: Requirement): { readonly code: string; readonly severity: Severity; readonly message: string };
  /** Requirements → the target's object model plus drafted diagnostics. Pure. */
  build(requirements: RequirementSet, context: BuildContext): Built<Model>;
  /** The model as the files of one format. Pure: same model, same bytes. */
  render(model: Model, format: Format, context: BuildContext): Rendered;
  /** The packets the model allows, exactly: what loss accounting subtracts from each draft's candidate. */
  allowed(model: Model, context: BuildContext): PacketSet;
  /**
   * Optional, the same packets as `allowed` as boxes not yet unioned: loss accounting then subtracts them box by box
   * (netfilter: a union of n rules compacts n times, quadratic for 1,000 requirements; the lost sets are a few boxes).
   */
  allowedBoxes?(model: Model, context: BuildContext): readonly Box[];
  /**
   * The packets of one requirement the target is meant to carry; absent: all of them (requirementPackets). A route
   * table (udr) carries only the inbound source space, whatever the protocol; the contract checks against this.
   */
  yardstick?(requirement: Requirement, resolver: AddressResolver): PacketSet;
  /** With `yardstick`: one line saying what it measures, which `tagwall check` prints ("compared with: …"). */
  readonly yardstickDescription?: string;
  /**
   * Optional: packets the output allows beyond the requirements on purpose under these options (netfilter's platform
   * flows), declared exactly. The contract subtracts them from law 1 and checks every one is really allowed;
   * `tagwall check` reports them apart from other extras under `description`.
   */
  declaredExtras?(options: TargetOptionValues): DeclaredExtras;
  /** Optional: what a deployed config says that the platform would not take (see `Target.findings`). */
  findings?(input: ConfigInput, snapshot: Snapshot): readonly Diagnostic[];
  /** See `Target.readsSeveralFiles`. */
  readonly readsSeveralFiles?: boolean;
  parse(input: ConfigInput, context: ParseContext): RuleSet;
  parseArtifacts(artifacts: readonly Artifact[], context: ParseContext): RuleSet;
  detect(content: string): boolean;
  /** How reports name the objects of each artifact format this target writes (by `Artifact.format`). */
  readonly labels: Readonly<Record<string, ArtifactLabeller>>;
}

/**
 * A target as the library and the CLI use it: the kit's declarations, plus `translate`, which is the shared pipeline
 * run on the kit. Typed by its id, formats and option schema, so `translate(r, { ...context, options: { chainhook:
 * 'output' } })` does not compile for nftables.
 */
export interface Target<Id extends string = string, Format extends string = string, Schema extends OptionSchema = OptionSchema> {
  /** The `--target` name: `azure-firewall`, `azure-firewall-classic`, `nsg`, `udr`, `iptables`, `nftables`, `panos`. */
  readonly id: Id;
  readonly family: TargetFamily;
  readonly description: string;
  /** `--format` values, the first the default. */
  readonly formats: readonly Format[];
  /** Every option the target reads, with its type, choices, default and doc. */
  readonly options: Schema;
  /**
   * `expanded` when the target carries addresses only (iptables, nftables, PAN-OS address objects): its rule sets
   * are compared with requirements expanded through the snapshot. `symbolic` when it names tags itself (NSG,
   * Azure Firewall, UDR): compared symbolically unless the user asks to expand.
   */
  readonly analysisMode: 'symbolic' | 'expanded';
  /** What the target can express under these options (defaults when none are given). */
  capabilities(options?: OptionsOf<Schema>): Capabilities;
  /** Requirements → artifacts + diagnostics, through the pipeline (pipeline.ts); options are validated first. */
  translate(requirements: RequirementSet, context: TranslateContext<OptionsOf<Schema>>): Translation;
  /**
   * Does `parse` read several files as one config (`ConfigInput.more`)? iptables (one file per family) and nftables
   * (a large set continued in further files) do; `parse` refuses several files for any other target (TW_USAGE).
   * Absent: one file.
   */
  readonly readsSeveralFiles?: boolean;
  /** Parses a config of this target (generated or hand-written); TW_INVALID_CONFIG / TW_UNSUPPORTED_CONFIG with a location. */
  parse(input: ConfigInput, context: ParseContext<OptionsOf<Schema>>): RuleSet;
  /**
   * Parses what `translate` produced, as deployed together (rules plus ipset files, IPv4 plus IPv6 files), into
   * one rule set: the other half of the contract check.
   */
  parseArtifacts(artifacts: readonly Artifact[], context: ParseContext<OptionsOf<Schema>>): RuleSet;
  /** The packets of one requirement the target is meant to carry (the contract's yardstick; see TargetKit). */
  yardstick(requirement: Requirement, resolver: AddressResolver): PacketSet;
  /** Set when the yardstick is not the requirements' own packets: what `tagwall check` says it compared with. */
  readonly yardstickDescription?: string;
  /** What the output allows beyond the requirements on purpose under these options (see TargetKit). */
  declaredExtras?(options?: OptionsOf<Schema>): DeclaredExtras;
  /**
   * What a deployed config says that the platform would not take, beyond what it allows (Azure: a service tag
   * where its networkFeatures do not list the resource). `tagwall check` reports these as findings.
   */
  findings?(input: ConfigInput, snapshot: Snapshot): readonly Diagnostic[];
  /** How reports name the objects of each artifact format this target writes. */
  readonly labels: Readonly<Record<string, ArtifactLabeller>>;
  /** Does this text look like this target's config? Used when an operand names no kind. */
  detect(content: string): boolean;
}
