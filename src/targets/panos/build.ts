/**
 * Requirements → the PAN-OS object model (model.ts), then one renderer per format. Per requirement: one security
 * rule for addresses and tags (address objects, or address groups / External Dynamic Lists per tag), one for exact
 * host names (FQDN address objects, resolved by the firewall), one for wildcards and URLs (a custom URL category).
 * Rules say `application any` unless the `applications` option asks for App-IDs (applications.ts), whose
 * narrowing is reported with its exact loss. Outbound requirements go from the `fromZone` to the `toZone`, inbound
 * ones back; the final deny stays the user's (interzone traffic is denied by default, targets.md §4.1 [PAN-SP]).
 */
import { expandedResolver, literalAddresses, requirementPackets, type AddressResolver } from '../../analysis/resolve.js';
import { allowedPackets } from '../../analysis/rule-set.js';
import { TagwallError } from '../../errors.js';
import { AddressSet } from '../../model/address-set.js';
import { ApplicationSet } from '../../model/applications.js';
import { formatHostPattern } from '../../model/hostnames.js';
import { PacketSet } from '../../model/packet-set.js';
import { PortSet, ProtocolSet, TCP, UDP } from '../../model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../../model/requirement.js';
import { tagSpelling } from '../../servicetags/virtual.js';
import type { DraftDiagnostic } from '../diagnostics.js';
import type { Artifact, Rendered, Severity, TranslateContext } from '../target.js';
import { APP_IDS, KNOWN_APP_IDS } from './applications.js';
import { PANOS_LIMITS, PANOS_PLATFORMS } from './capabilities.js';
import type { PanosAddressColumns, PanosAddressEntry, PanosAddressGroup, PanosExternalList, PanosModel, PanosRule, PanosService, PanosUrlCategory } from './model.js';
import { cidrObjectNames, cleanText, MAX_EDL_NAME_LENGTH, NameScope } from './names.js';
import { PANOS_TARGET_ID, readPanosSettings, type PanosFormat, type PanosSettings } from './options.js';
import { parsePanosArtifacts } from './parse.js';
import { renderPanosSet } from './render-set.js';
import { renderPanosXml } from './render-xml.js';

const TAGWALL_TAG = 'tagwall';

type HostEndpoint = Extract<Endpoint, { kind: 'host' | 'url' }>;
const isHostEndpoint = (endpoint: Endpoint): endpoint is HostEndpoint => endpoint.kind === 'host' || endpoint.kind === 'url';
const HTTP_APPLICATIONS = ['ssl', 'web-browsing'];
const OTHER_THAN_HTTP = PacketSet.of({ applications: ApplicationSet.of(...HTTP_APPLICATIONS).complement() });
/**
 * Path characters a URL category entry takes literally (§4.5): RFC 3986 path characters without `*` and `^` (the
 * entry wildcards) and `?` (a token separator that starts the query, and CLI help, names.ts). Anything else
 * (spaces, quotes, `<`, `#`) cannot be written as an entry that means the same path.
 */
const LITERAL_URL_PATH = /^[A-Za-z0-9._~!$&'()+,;=:@%/-]*$/;

/** `443,8787,29876-29877` strings of at most `limit` characters that together cover `ports`. */
function portStrings(ports: PortSet, limit: number): string[] {
  const pieces = ports.ranges().map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`));
  const strings: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current !== '' && current.length + 1 + piece.length > limit) {
      strings.push(current);
      current = '';
    }
    current = current === '' ? piece : `${current},${piece}`;
  }
  if (current !== '') strings.push(current);
  return strings;
}

/**
 * The tags of an address object tagwall makes: one frozen list for all of them (the model is read-only; at 100k
 * CIDRs a list per object was 100k more objects for the render's young-generation collections to carry).
 */
const PROVENANCE_TAGS: readonly string[] = Object.freeze([TAGWALL_TAG]);

/** The name of the object `objects` holds under `key`, made by `make` the first time: rules naming it share it. */
function sharedObject<T extends { readonly name: string }>(objects: Map<string, T>, key: string, make: () => T): string {
  let object = objects.get(key);
  if (!object) {
    object = make();
    objects.set(key, object);
  }
  return object.name;
}

/**
 * Lists of at least this many CIDRs that share none with the objects made so far become one entry of columns
 * (model.ts, PanosAddressColumns) when their names are free. A render of one list of 100k CIDRs made 100k objects and
 * two tables of 100k entries (objects by CIDR, names claimed), all live to the end, which the young-generation
 * collections copied: ~4 scavenges of ~50 ms a render, the part of its time that grew faster than the list (issue 22,
 * render-growth bench). Shorter lists gain little and keep the object per CIDR.
 */
const COLUMNS_FROM = 4096;

class Builder {
  /** Address objects in the order they were made; a long list's as one entry of columns (`cidrMembers`). */
  readonly addressEntries: PanosAddressEntry[] = [];
  /** The name of the object of each CIDR (`20.150.0.0/17`) made so far, but those of #unindexed. */
  readonly #cidrObjects = new Map<string, string>();
  /** Columns not yet in #cidrObjects: entered when a list is next looked up (never, when the long list is the last). */
  #unindexed: PanosAddressColumns[] = [];
  /** The name of the FQDN object of each host name. */
  readonly #fqdnObjects = new Map<string, string>();
  readonly groups = new Map<string, PanosAddressGroup>();
  readonly lists = new Map<string, PanosExternalList>();
  readonly services = new Map<string, PanosService>();
  readonly categories: PanosUrlCategory[] = [];
  readonly rules: PanosRule[] = [];
  /** One tag per requirement, by name: looked up, not scanned for (quadratic in the requirements; issue 22). */
  readonly requirementTags = new Map<string, { name: string; comments: string }>();
  readonly drafts: DraftDiagnostic[] = [];
  /** Address objects, groups and EDLs share one namespace: all of them can stand in a rule's source. */
  readonly #addressNames = new NameScope();
  readonly #serviceNames = new NameScope();
  readonly #ruleNames = new NameScope();
  readonly #tagNames = new NameScope();
  /** EDL file names, compared case-insensitively as a web server on a case-insensitive file system would. */
  readonly #edlFiles = new NameScope(120);
  readonly #categoryNames = new NameScope();
  readonly #expand: AddressResolver;

  constructor(
    readonly settings: PanosSettings,
    readonly context: TranslateContext,
    /** Lists of this many CIDRs or more may become columns (COLUMNS_FROM; tests lower it, or raise it past any list). */
    readonly columnsFrom = COLUMNS_FROM,
  ) {
    this.#expand = context.resolver.mode === 'expanded' ? context.resolver : expandedResolver(context.snapshot);
    // The provenance tag: a requirement with the id `tagwall` gets another tag name, not a second entry.
    this.#tagNames.reserve(TAGWALL_TAG);
  }

  /** Rule members for literal addresses: one address object per CIDR, shared by every rule that names it. */
  cidrMembers(addresses: AddressSet): readonly string[] {
    const cidrs = addresses.toCidrStrings();
    this.#indexColumns();
    // The list's names, made once for all of them when the first CIDR without an object yet is met.
    let names = cidrs.length >= this.columnsFrom ? cidrObjectNames(cidrs) : undefined;
    if (names !== undefined && this.#asColumns(cidrs, names)) return names.names;
    // sharedObject written out: its closure a CIDR (and the context it captures) was 100k more objects for the
    // young generation at 100k CIDRs (render 224-245 -> 208-223 ms CPU, 3 interleaved runs; issue 22).
    const members: string[] = [];
    for (let at = 0; at < cidrs.length; at++) {
      const cidr = cidrs[at]!;
      let name = this.#cidrObjects.get(cidr);
      if (name === undefined) {
        names ??= cidrObjectNames(cidrs);
        name = this.#addressNames.claimSafe(names.wanted[at]!, names.names[at]!);
        this.#cidrObjects.set(cidr, name);
        this.addressEntries.push({ name, kind: 'ip-netmask', value: cidr, tags: PROVENANCE_TAGS });
      }
      members.push(name);
    }
    return members;
  }

  /**
   * The objects of `cidrs` as one entry of columns, when each would be a new object named as wanted: no CIDR of the
   * list has an object yet (its wanted name would be claimed) and every wanted name is free and its own safe form
   * (not so for an IPv6 `::`, whose hyphens panosName merges). The CIDRs are distinct (one set's blocks), and so
   * are their names, in lower case (IPv6 is written in lower case): what the loop of cidrMembers would make, object
   * for object (property test in panos.test.ts). False when not, with nothing changed.
   */
  #asColumns(cidrs: readonly string[], names: { wanted: readonly string[]; names: readonly string[] }): boolean {
    if (names.names !== names.wanted || !this.#addressNames.claimRun(names.names)) return false;
    const columns: PanosAddressColumns = { names: names.names, values: cidrs, tags: PROVENANCE_TAGS };
    this.addressEntries.push(columns);
    this.#unindexed.push(columns);
    return true;
  }

  /** The CIDRs of columns made so far, entered in #cidrObjects so that a list naming one of them shares its object. */
  #indexColumns(): void {
    if (this.#unindexed.length === 0) return;
    for (const { names, values } of this.#unindexed) for (let at = 0; at < values.length; at++) this.#cidrObjects.set(values[at]!, names[at]!);
    this.#unindexed = [];
  }

  /** A service tag as one rule member: an address group of its prefixes, or an EDL; none when it is empty. */
  tagMember(name: string): string | undefined {
    const tag = tagSpelling(name, this.context.snapshot);
    const addresses = this.#expand.serviceTag(tag);
    if (addresses.isEmpty()) return undefined;
    const { cloud, changeNumber } = this.context.snapshot.info;
    const description = cleanText(`Azure service tag ${tag} (${cloud} snapshot, change ${changeNumber})`, PANOS_LIMITS.descriptionChars);
    if (this.settings.tags === 'edl') {
      return sharedObject(this.lists, tag, () => {
        const name = this.#addressNames.claim(`tw-${tag}`, MAX_EDL_NAME_LENGTH);
        const file = `${this.#edlFiles.claim(tag)}.txt`;
        const url = `${this.settings.edlUrl}/${file}`;
        if (url.length > PANOS_LIMITS.edlUrlChars) {
          throw new TagwallError('TW_INVALID_OPTION', `target ${PANOS_TARGET_ID}: the EDL URL ${url} is longer than the ${PANOS_LIMITS.edlUrlChars} characters PAN-OS takes for an External Dynamic List source URL; use a shorter edlUrl`);
        }
        return { name, url, file, entries: addresses.toCidrStrings(), description };
      });
    }
    return sharedObject(this.groups, tag, () => {
      const name = this.#addressNames.claim(`tw-${tag}`);
      const members = this.cidrMembers(addresses);
      const limit = PANOS_LIMITS.groupMembers;
      if (members.length <= limit) return { name, members, description, tags: [TAGWALL_TAG] };
      // Too many members for one group (capabilities.ts): nested groups of at most `limit`, defined before the
      // group naming them so pasted `set` lines never refer forward.
      const parts = Math.ceil(members.length / limit);
      const nested = Array.from({ length: parts }, (_, index) => {
        const part: PanosAddressGroup = {
          name: this.#addressNames.claim(`tw-${tag}-${index + 1}`),
          members: members.slice(index * limit, (index + 1) * limit),
          description: cleanText(`${description}, part ${index + 1} of ${parts}`, PANOS_LIMITS.descriptionChars),
          tags: [TAGWALL_TAG],
        };
        this.groups.set(`${tag}#${index + 1}`, part);
        return part.name;
      });
      this.drafts.push({ code: 'PANOS_GROUP_SPLIT', severity: 'info', message: `service tag ${tag} has ${members.length} prefixes, over the ${limit} members a static address group takes: ${name} holds ${parts} nested groups (${nested.join(', ')})` });
      return { name, members: nested, description, tags: [TAGWALL_TAG] };
    });
  }

  fqdnMember(host: string): string {
    let name = this.#fqdnObjects.get(host);
    if (name === undefined) {
      name = this.#addressNames.claim(`tw-fqdn-${host}`);
      this.#fqdnObjects.set(host, name);
      this.addressEntries.push({ name, kind: 'fqdn', value: host, description: `FQDN ${host}, resolved by the firewall`, tags: [TAGWALL_TAG] });
    }
    return name;
  }

  service(protocol: 'tcp' | 'udp', ports: PortSet): string[] {
    return portStrings(ports, PANOS_LIMITS.servicePortChars).map((text) =>
      sharedObject(this.services, `${protocol}:${text}`, () => ({ name: this.#serviceNames.claim(`tw-${protocol}-${text.replace(/,/g, '_')}`), protocol, ports: text, description: `${protocol.toUpperCase()} ${text}` })),
    );
  }

  /** Members for an endpoint list other than hosts; `any` for the any endpoint. */
  addressMembers(endpoints: readonly Endpoint[]): readonly string[] {
    if (endpoints.some((endpoint) => endpoint.kind === 'any')) return ['any'];
    const members: string[] = [];
    for (let at = 0; at < endpoints.length; at++) {
      const endpoint = endpoints[at]!;
      if (endpoint.kind !== 'service-tag') continue;
      const member = this.tagMember(endpoint.name);
      if (member !== undefined && !members.includes(member)) members.push(member);
    }
    // The list's literal addresses as resolving it merged them (kept per long list: a list of 100k CIDRs was
    // merged again here, a tenth of the render).
    const literal = this.cidrMembers(literalAddresses(endpoints));
    // A list of CIDRs only (the common long list) keeps its array: spread, 100k members grew a new one step by step.
    return members.length === 0 ? literal : [...members, ...literal];
  }

  draft(code: string, severity: Severity, requirement: Requirement, message: string, candidate?: PacketSet): void {
    this.drafts.push({ code, severity, requirement, message, ...(candidate ? { candidate } : {}) });
  }

  translate(requirement: Requirement): void {
    const packets = (changes: Partial<Requirement>): PacketSet => requirementPackets({ ...requirement, ...changes }, this.context.resolver);
    const id = requirement.id;
    if (requirement.icmp?.length) {
      const icmpApps = this.settings.applications ? this.icmpApplications(requirement) : [];
      if (icmpApps.length === 0) {
        const why = this.settings.applications ? 'no App-ID in tagwall\'s table (ping, icmp, ipv6-icmp) matches only these types' : 'tagwall names App-IDs only with the applications option';
        this.draft('PANOS_ICMP_INEXPRESSIBLE', 'error', requirement, `${id}: ICMP types are matched by App-ID applications, and ${why}; the requirement is left out`, packets({}));
        return;
      }
      this.draft('PANOS_APPLICATIONS_NARROW', 'warning', requirement, `${id}: ICMP allowed as App-ID ${icmpApps.join(', ')} on their standard types (application-default); ICMP App-ID identifies otherwise is not allowed`, packets({}));
      this.icmpRule(requirement, icmpApps);
      return;
    }
    const everyProtocol = requirement.protocols.isAny() && requirement.ports.isAny();
    const named = requirement.protocols.intersection(ProtocolSet.of(TCP, UDP));
    const others = requirement.protocols.difference(named);
    if (!everyProtocol && requirement.ports.isAny() && !others.isEmpty()) {
      this.draft('PANOS_PROTOCOL_INEXPRESSIBLE', 'error', requirement, `${id}: service objects name TCP or UDP only (other protocols need App-ID applications); protocols ${others.toString()} left out`, packets({ protocols: others }));
    }
    const services = everyProtocol
      ? ['any']
      : [...(named.has(TCP) ? this.service('tcp', requirement.ports) : []), ...(named.has(UDP) ? this.service('udp', requirement.ports) : [])];
    if (services.length === 0) return;

    const hostSources = requirement.sources.filter(isHostEndpoint);
    if (hostSources.length > 0) {
      this.draft('PANOS_SOURCE_HOST_INEXPRESSIBLE', 'error', requirement, `${id}: security rules cannot match a source by host name; ${hostSources.map((endpoint) => formatHostPattern(endpoint.pattern)).join(', ')} left out`, packets({}));
    }
    const source = this.addressMembers(requirement.sources.filter((endpoint) => !isHostEndpoint(endpoint)));
    if (source.length === 0) return;

    const base = {
      description: cleanText(`${id}: ${requirement.purpose}`, PANOS_LIMITS.descriptionChars),
      tags: [TAGWALL_TAG, this.requirementTag(requirement)],
      from: [requirement.direction === 'out' ? this.settings.fromZone : this.settings.toZone],
      to: [requirement.direction === 'out' ? this.settings.toZone : this.settings.fromZone],
      source,
      action: 'allow' as const,
    };
    const destinations = requirement.destinations;
    const hosts = destinations.filter(isHostEndpoint);
    // The requirement's own list when it names no host, so literalAddresses finds the union resolving it merged.
    const network = hosts.length === 0 ? destinations : destinations.filter((endpoint) => !isHostEndpoint(endpoint));
    const rules: Array<Omit<PanosRule, 'name' | keyof typeof base> & { suffix: string }> = [];
    // With the applications option, the App-IDs whose standard ports meet the requirement's (on its own ports).
    const apps = this.settings.applications && !everyProtocol ? this.portApplications(named, requirement.ports) : [];
    const application = apps.length > 0 ? apps : ['any'];
    if (network.length > 0) {
      const destination = this.addressMembers(network);
      if (destination.length > 0) rules.push({ suffix: 'net', destination, application, service: services, category: ['any'] });
    }
    if (hosts.length > 0 && !network.some((endpoint) => endpoint.kind === 'any')) {
      // Mixed with addresses or tags, the requirement means the union of the parts (analysis/resolve.ts): one rule each.
      const hostPackets = packets({ destinations: hosts });
      if (hosts.every((endpoint) => endpoint.kind === 'host' && endpoint.pattern.kind === 'exact')) {
        const names = hosts.map((endpoint) => formatHostPattern(endpoint.pattern));
        this.draft(
          'PANOS_FQDN_RESOLVED',
          'warning',
          requirement,
          `${id}: ${names.join(', ')} rendered as FQDN address objects: the firewall resolves each name every 30 minutes and matches the addresses it got, at most ${PANOS_LIMITS.fqdnAddressesPerFamily} per family (PAN-OS 7.1 and later). So the rule allows any traffic to those addresses, also for other names that share them (CDNs), and misses addresses beyond the ${PANOS_LIMITS.fqdnAddressesPerFamily} or that clients resolve differently; tagwall models the object as the name itself`,
        );
        rules.push({ suffix: 'fqdn', destination: names.map((name) => this.fqdnMember(name)), application, service: services, category: ['any'] });
      } else {
        const category = this.urlCategory(requirement, hosts);
        const tcpServices = everyProtocol ? this.service('tcp', PortSet.ANY) : named.has(TCP) ? this.service('tcp', requirement.ports) : [];
        if (everyProtocol || !requirement.protocols.equals(ProtocolSet.of(TCP))) {
          this.draft('PANOS_URL_CATEGORY_TCP_ONLY', 'error', requirement, `${id}: wildcard host names and URLs are matched by a custom URL category, which sees HTTP and TLS over TCP only; other protocols left out`, hostPackets);
        }
        if (category !== undefined && tcpServices.length > 0) {
          // A URL category matches by the name the client sent, whatever App-ID calls the flow; naming ssl and
          // web-browsing (applications option) leaves out flows App-ID identifies more specifically (github-base).
          rules.push({ suffix: 'url', destination: ['any'], application: this.settings.applications ? HTTP_APPLICATIONS : ['any'], service: tcpServices, category: [category] });
          if (this.settings.applications) {
            this.draft('PANOS_APPLICATIONS_NARROW', 'warning', requirement, `${id}: the URL category rule names App-ID ${HTTP_APPLICATIONS.join(' and ')} (applications option); traffic to these names that App-ID identifies as another application is not allowed`, hostPackets.intersection(OTHER_THAN_HTTP));
          }
        }
      }
    }
    if (apps.length > 0 && rules.some((rule) => rule.suffix !== 'url')) {
      this.draft('PANOS_APPLICATIONS_NARROW', 'warning', requirement, `${id}: rules name App-ID ${apps.join(', ')} (applications option); traffic on these ports that App-ID identifies as another application is not allowed`, packets({}).intersection(PacketSet.of({ applications: ApplicationSet.of(...apps).complement() })));
    }
    const unique = rules.length === 1;
    for (const rule of rules) {
      const { suffix, ...fields } = rule;
      this.rules.push({ name: this.#ruleNames.claim(unique ? id : `${id}-${suffix}`), ...base, ...fields });
    }
  }

  /** App-IDs of the table whose standard TCP/UDP ports meet `ports` (container App-IDs `*-base` left to their parent). */
  portApplications(protocols: ProtocolSet, ports: PortSet): string[] {
    return KNOWN_APP_IDS.filter(
      (app) => !app.endsWith('-base') && APP_IDS[app]!.defaults.some((standard) => standard.dstPorts !== undefined && standard.protocols !== undefined && standard.protocols.overlaps(protocols) && standard.dstPorts.overlaps(ports)),
    );
  }

  /** ICMP App-IDs whose standard types lie inside the requirement's: with application-default they allow no more. */
  icmpApplications(requirement: Requirement): string[] {
    const needed = requirementPackets(requirement, this.context.resolver);
    const { icmp: _types, ...withoutTypes } = requirement;
    // What the rule's sources and destinations would let each App-ID through on its standard types.
    const endpoints = requirementPackets({ ...withoutTypes, protocols: ProtocolSet.ANY, ports: PortSet.ANY }, this.context.resolver);
    return KNOWN_APP_IDS.filter((app) => {
      const standard = APP_IDS[app]!.defaults.filter((item) => item.dstPorts === undefined);
      if (standard.length === 0) return false;
      const allowed = endpoints.intersection(standard.reduce((set, item) => set.union(PacketSet.of(item)), PacketSet.EMPTY));
      return !allowed.isEmpty() && allowed.isSubsetOf(needed);
    });
  }

  /** One rule for ICMP requirements named by App-ID, on the applications' standard types. */
  icmpRule(requirement: Requirement, apps: readonly string[]): void {
    const source = this.addressMembers(requirement.sources.filter((endpoint) => !isHostEndpoint(endpoint)));
    const destination = this.addressMembers(requirement.destinations.filter((endpoint) => !isHostEndpoint(endpoint)));
    if (source.length === 0 || destination.length === 0) return;
    this.rules.push({
      name: this.#ruleNames.claim(requirement.id),
      description: cleanText(`${requirement.id}: ${requirement.purpose}`, PANOS_LIMITS.descriptionChars),
      tags: [TAGWALL_TAG, this.requirementTag(requirement)],
      from: [requirement.direction === 'out' ? this.settings.fromZone : this.settings.toZone],
      to: [requirement.direction === 'out' ? this.settings.toZone : this.settings.fromZone],
      source,
      destination,
      application: [...apps],
      service: ['application-default'],
      category: ['any'],
      action: 'allow',
    });
  }

  requirementTag(requirement: Requirement): string {
    const name = this.#tagNames.claim(requirement.id);
    // A map of the tags made, not a scan of a list: the scan was ~130 ms of a ~470 ms render of 10k requirements.
    if (!this.requirementTags.has(name)) this.requirementTags.set(name, { name, comments: cleanText(`${requirement.id}: ${requirement.purpose}`, PANOS_LIMITS.descriptionChars) });
    return name;
  }

  /**
   * A custom URL category for the requirement's host names (targets.md §4.5): every entry ends in `/` so PAN-OS
   * reads it the same whether "Append Ending Token" is on (≥ 10.2 default) or not, and `*.x.com/` matches names
   * under x.com only, like the requirement; an apex the requirement names is its own entry.
   */
  urlCategory(requirement: Requirement, hosts: readonly HostEndpoint[]): string | undefined {
    const entries: string[] = [];
    let withPath = false;
    for (const endpoint of hosts) {
      const host = formatHostPattern(endpoint.pattern);
      const path = endpoint.kind === 'url' && endpoint.path !== '' && endpoint.path !== '/' ? endpoint.path : '';
      const endpointPackets = (): PacketSet => requirementPackets({ ...requirement, destinations: [endpoint] }, this.context.resolver);
      if (!LITERAL_URL_PATH.test(path)) {
        this.draft('PANOS_URL_PATH_INEXPRESSIBLE', 'error', requirement, `${requirement.id}: the path ${JSON.stringify(path)} has characters a URL category entry cannot take literally (wildcards *, ^, the query separator ?, spaces, quotes); ${host}${path} left out`, endpointPackets());
        continue;
      }
      if (path !== '') withPath = true;
      const entry = `${host}${path.startsWith('/') ? path : `/${path}`}`.replace(/([^/])$/, '$1/');
      if (path !== '' && !path.endsWith('/')) {
        // `x.com/a` would read as `x.com/a*` on PAN-OS ≤ 10.1 and as `x.com/a/` after (§4.5): the explicit `/` is
        // the one reading both agree on, and it misses `/a` itself and `/ab…`, which the prefix `/a` includes.
        this.draft('PANOS_URL_PATH_TOKEN', 'warning', requirement, `${requirement.id}: the path prefix ${path} is rendered as ${path}/ (URL category entries match whole path tokens)`, endpointPackets());
      }
      if (entry.length > PANOS_LIMITS.urlEntryChars) {
        this.draft('PANOS_URL_ENTRY_TOO_LONG', 'error', requirement, `${requirement.id}: URL category entries take at most ${PANOS_LIMITS.urlEntryChars} characters; ${entry.slice(0, 60)}... left out`, endpointPackets());
      } else if (!entries.includes(entry)) entries.push(entry);
    }
    if (withPath) {
      this.draft('PANOS_URL_PATH_NEEDS_DECRYPTION', 'info', requirement, `${requirement.id}: URL paths are seen only in HTTP or decrypted HTTPS; without decryption PAN-OS matches HTTPS by host name only and entries with a path do not match`);
    }
    if (entries.length === 0) return undefined;
    const name = this.#categoryNames.claim(`tw-${requirement.id}-urls`);
    this.categories.push({ name, entries, description: cleanText(`${requirement.id}: host names`, PANOS_LIMITS.descriptionChars) });
    return name;
  }

  checkLimits(): void {
    const fqdns = this.#fqdnObjects.size;
    const push = (code: string, message: string): void => {
      this.drafts.push({ code, severity: 'warning', message });
    };
    const { fqdnObjects } = PANOS_PLATFORMS[this.settings.platform];
    if (fqdns > fqdnObjects) push('PANOS_FQDN_OBJECT_LIMIT', `${fqdns} FQDN address objects exceed the ${fqdnObjects} that platform class ${this.settings.platform} resolves (Palo Alto Networks knowledge base, FQDN object limits)`);
    if (this.lists.size > PANOS_LIMITS.externalLists) push('PANOS_EDL_LIMIT', `${this.lists.size} External Dynamic Lists exceed the ${PANOS_LIMITS.externalLists} sources per firewall (PAN-OS External Dynamic Lists documentation)`);
    const listed = [...this.lists.values()].reduce((sum, list) => sum + list.entries.length, 0);
    if (listed > PANOS_LIMITS.externalListAddresses) push('PANOS_EDL_LIMIT', `External Dynamic Lists hold ${listed} entries, over the ${PANOS_LIMITS.externalListAddresses} most models accept; the rest are skipped with a system log (PAN-OS External Dynamic Lists documentation)`);
    for (const rule of this.rules) {
      for (const side of ['source', 'destination'] as const) {
        if (rule[side].length > PANOS_LIMITS.ruleMembers) push('PANOS_RULE_MEMBER_LIMIT', `rule ${rule.name} has ${rule[side].length} ${side} members, over ${PANOS_LIMITS.ruleMembers}`);
      }
    }
  }
}

export function buildPanosModel(requirements: RequirementSet, context: TranslateContext, settings: PanosSettings, columnsFrom = COLUMNS_FROM): { model: PanosModel; drafts: DraftDiagnostic[] } {
  const builder = new Builder(settings, context, columnsFrom);
  for (const requirement of requirements.requirements) builder.translate(requirement);
  builder.checkLimits();
  const { cloud, changeNumber, date } = context.snapshot.info;
  const provenance = cleanText(
    `generated by tagwall from ${requirements.origin ?? requirements.name ?? 'requirements'}; Azure service tags: ${cloud} snapshot, change ${changeNumber}${date ? ` (${date})` : ''}`,
    PANOS_LIMITS.descriptionChars,
  );
  const model: PanosModel = {
    location: settings.location,
    provenance,
    tags: [{ name: TAGWALL_TAG, comments: provenance }, ...builder.requirementTags.values()],
    addresses: builder.addressEntries,
    addressGroups: [...builder.groups.values()],
    externalLists: [...builder.lists.values()],
    services: [...builder.services.values()],
    urlCategories: builder.categories,
    rules: builder.rules,
  };
  return { model, drafts: builder.drafts };
}

export function edlArtifacts(model: PanosModel): Artifact[] {
  return model.externalLists.map((list) => ({ name: `edl/${list.file}`, format: 'edl', content: `${list.entries.join('\n')}\n` }));
}

/** The pipeline's build: the settings read from the (validated) options, then the model. */
export function buildPanos(requirements: RequirementSet, context: TranslateContext): { model: PanosModel; drafts: DraftDiagnostic[] } {
  return buildPanosModel(requirements, context, readPanosSettings(context.options));
}

const xmlArtifact = (model: PanosModel): Artifact => ({ name: 'panos-config.xml', format: 'xml', content: renderPanosXml(model) });

/** The model as XML or set commands, with the EDL files the config points at. */
export function renderPanos(model: PanosModel, format: PanosFormat): Rendered {
  const main: Artifact = format === 'xml' ? xmlArtifact(model) : { name: 'panos-config.set', format: 'set', content: renderPanosSet(model) };
  return { artifacts: [main, ...edlArtifacts(model)] };
}

/** What the model allows, read back from its XML (set commands say the same, panos.test.ts) by the parser users' configs go through. */
export function panosAllowed(model: PanosModel, context: TranslateContext): PacketSet {
  return allowedPackets(parsePanosArtifacts([xmlArtifact(model), ...edlArtifacts(model)], { resolver: context.resolver, options: context.options }));
}
