/**
 * A PAN-OS config (XML or `set` commands) → a rule set over the packet space. What the analysis models:
 *
 * - Zones are not part of a packet. The pair `fromZone`/`toZone` (zones.ts: given, or read from a config without
 *   zone definitions) stands for the path under analysis: a rule whose from/to zones cover (fromZone → toZone)
 *   matches outbound packets, one that covers (toZone → fromZone) inbound ones (`any` covers every zone); rule
 *   types `intrazone`/`interzone` match only a pair of one zone / of two.
 * - Rules top-down, first match (§4.1), in the order layout.ts gives (Panorama: the device-group hierarchy), then
 *   the default rule that applies (intrazone-default or interzone-default, overridden or predefined [PAN-SP]) as
 *   an explicit last rule. Disabled rules are skipped. allow = allow; deny, drop and the reset actions = deny.
 * - Addresses: ip-netmask (host bits masked as PAN-OS does), ip-range, static groups (nested), IP External
 *   Dynamic Lists whose text is given as a companion file, literal addresses, `any`, negate-source/destination;
 *   predefined IP EDLs as opaque blocks of reserved space (their contents are not in the config).
 * - FQDN address objects are modelled as the name itself (packets carrying that host name, any address): the
 *   firewall really matches the addresses it resolved (at most 32 per family), which tagwall cannot know offline.
 * - Services: TCP/UDP port lists (and source ports), service groups, `service-http`/`service-https`, `any`
 *   (every protocol).
 * - Applications are the packet's application dimension (App-ID): a rule matches the applications it names
 *   (groups expanded); `application-default` is each application on its standard ports (applications.ts, or a
 *   custom application's `default`).
 * - Custom URL categories (type URL List) match packets that carry a host name (SNI / Host header) the entries
 *   cover: `x.com/` the name x.com, `*.x.com/` names below x.com (PAN-OS ≥ 10.2 ending-token semantics, §4.5);
 *   an entry with a path matches only packets carrying a path under it (HTTP, or HTTPS with decryption).
 *
 * Anything that changes what a rule matches and is not listed is TW_UNSUPPORTED_CONFIG with its XPath; what does
 * not change it (logging, profiles, other subtrees) is listed in the rule set's notes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisMode, Rule, RuleSet } from '../../analysis/rule-set.js';
import { TagwallError } from '../../errors.js';
import { INPUT_LIMITS } from '../../internal/input-limits.js';
import { AddressSet } from '../../model/address-set.js';
import { HostSet, parseHostPattern, type HostPattern } from '../../model/hostnames.js';
import type { Direction } from '../../model/packet.js';
import { ApplicationSet } from '../../model/applications.js';
import type { IntervalSet } from '../../model/intervals.js';
import { icmpTypeCodes, PacketSet } from '../../model/packet-set.js';
import { PathSet } from '../../model/path-set.js';
import { ICMP, ICMPV6, PortSet, ProtocolSet, TCP, UDP } from '../../model/ports.js';
import { unionAll } from '../../servicetags/union.js';
import { stringOption } from '../options.js';
import type { Artifact, ConfigInput, ParseContext } from '../target.js';
import { APP_IDS, KNOWN_APP_IDS, type AppDefault } from './applications.js';
import { childrenNamed, entryPath, firstChild, mergeDuplicates, place, type Located, type Placement } from './layout.js';
import { locationOption, type PanosZones } from './options.js';
import { parseSetCommands } from './set-commands.js';
import { parseXml, type XmlElement } from './xml.js';
import { chooseZones } from './zones.js';
import { isXmlText } from './detect.js';

const MODE: AnalysisMode = 'expanded';

type FailCode = 'TW_INVALID_CONFIG' | 'TW_UNSUPPORTED_CONFIG' | 'TW_INPUT_LIMIT';

interface Destination {
  readonly addresses: AddressSet;
  /** FQDN objects, modelled as the names themselves. */
  readonly hosts: readonly HostPattern[];
  /** Predefined EDLs among the members: opaque sets, the answer depends on their live contents. */
  readonly opaque: readonly string[];
}

/**
 * A predefined IP EDL (Palo Alto Networks' feeds: panw-highrisk-ip-list, panw-known-ip-list,
 * panw-bulletproof-ip-list, panw-torexit-ip-list) is named in policy but its addresses are not in the config. It
 * stands as an opaque set: a block of its own inside reserved space no real packet uses (240.0.0.0/4, RFC 1112;
 * 100::/64, RFC 6666), disjoint from every real address and from the other lists, so rules naming it match only
 * packets to or from "an address on that list". List i (in order of first use) is 255.254.i.0/24 and
 * 100::fffe:i:0:0/96.
 */
function opaqueListAddresses(index: number): AddressSet {
  return AddressSet.parse(`255.254.${index}.0/24, 100::fffe:${index.toString(16)}:0:0/96`);
}
const PREDEFINED_IP_LIST = /^panw-[a-z0-9-]+-ip-list$/;

/** What a URL category entry (or `any`) lets through: these names with these paths. */
interface UrlMatch {
  readonly hosts: HostSet;
  readonly paths: PathSet;
}

interface Service {
  readonly protocols: ProtocolSet;
  readonly dstPorts?: PortSet;
  readonly srcPorts?: PortSet;
  /** ICMP types (an App-ID's standard set). */
  readonly icmp?: IntervalSet;
  /** The address family the App-ID's protocol exists in (ICMP: IPv4, ICMPv6: IPv6), as all its sources. */
  readonly src?: AddressSet;
  /** Only these applications (application-default: each App-ID on its own standard ports). */
  readonly applications?: ApplicationSet;
}

const EVERY_SERVICE: Service = { protocols: ProtocolSet.ANY };
const PREDEFINED_SERVICES: Readonly<Record<string, Service>> = {
  'service-http': { protocols: ProtocolSet.of(TCP), dstPorts: PortSet.of(80, 8080) },
  'service-https': { protocols: ProtocolSet.of(TCP), dstPorts: PortSet.of(443) },
};
const DENY_ACTIONS = ['deny', 'drop', 'reset-client', 'reset-server', 'reset-both'];
/** Rule fields that do not change what a rule matches. */
const IGNORED_RULE_FIELDS = ['description', 'tag', 'log-start', 'log-end', 'log-setting', 'group-tag', 'uuid', 'profile-setting', 'option', 'qos', 'target', 'icmp-unreachable'];
/** Fields that must be `any` (or absent) to be modelled. */
const ANY_ONLY_RULE_FIELDS = ['source-user', 'source-hip', 'destination-hip', 'hip-profiles'];

function membersOf(element: XmlElement): string[] {
  const members = childrenNamed(element, 'member').map((member) => member.text);
  return members.length > 0 ? members : element.text === '' ? [] : [element.text];
}

class Interpreter {
  readonly #resolving = new Set<string>();
  /** Rule fields read as not changing what a rule matches (for the note). */
  readonly ignoredFields = new Set<string>();
  /** Rule applications outside the App-ID table (for the note). */
  readonly unknownApplications = new Set<string>();
  /** Custom applications the rules name (lower-cased name → its entry). */
  readonly #customApplications = new Map<string, Located>();
  /** Predefined EDLs in order of first use, with the rules that name them. */
  readonly #opaque = new Map<string, string[]>();
  readonly #addressCache = new Map<string, Destination>();
  /** A group named by several groups is expanded once: without this, groups of groups grow exponentially. */
  readonly #serviceCache = new Map<string, Service[]>();

  constructor(
    readonly file: string,
    /** Object scopes, innermost first (vsys or device group, then shared). */
    readonly scopes: readonly Located[],
    readonly companions: ConfigInput['companions'],
    readonly zones: PanosZones,
    /** `edlDir` option: a folder holding the EDL text files (as `tagwall render --tags edl -o DIR` writes them). */
    readonly edlDir: string | undefined,
  ) {}

  /** The text of an EDL: a companion given by the caller (list or file name), else `<edlDir>/<file>`. */
  listText(name: string, file: string): { content: string; file: string } | undefined {
    const companion = this.companions?.[name] ?? (file === '' ? undefined : this.companions?.[file]);
    if (companion || this.edlDir === undefined || file === '') return companion;
    const path = join(this.edlDir, file);
    return existsSync(path) ? { content: readFileSync(path, 'utf8'), file: path } : undefined;
  }

  fail(code: FailCode, message: string, at: Located): never {
    throw new TagwallError(code, `${message} (at ${at.path})`, { location: { file: this.file, line: at.element.line } });
  }

  /** `parse()`, a TagwallError from it (a bad address, port or name) becoming `code` at `at`, its message after `what: `. */
  parseOrFail<T>(code: FailCode, what: string, at: Located, parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      if (error instanceof TagwallError) this.fail(code, `${what}: ${error.message}`, at);
      throw error;
    }
  }

  readonly #indexes = new Map<string, ReadonlyMap<string, Located>>();

  /** The entry named `name` in the first scope whose `section` has one (indexed: groups name thousands). */
  lookup(section: string, name: string): Located | undefined {
    let index = this.#indexes.get(section);
    if (!index) {
      const built = new Map<string, Located>();
      for (const scope of [...this.scopes].reverse()) {
        let container: XmlElement | undefined = scope.element;
        let path = scope.path;
        for (const step of section.split('/')) {
          container = container && firstChild(container, step);
          path = `${path}/${step}`;
        }
        for (const entry of container ? childrenNamed(container, 'entry') : []) built.set(entry.attributes['name'] ?? '', { element: entry, path: entryPath(path, entry) });
      }
      index = built;
      this.#indexes.set(section, index);
    }
    return index.get(name);
  }

  /** Children of an object entry must all be known; `fields` lists them. */
  expectFields(at: Located, fields: readonly string[]): void {
    for (const child of at.element.children) {
      if (!fields.includes(child.name)) this.fail('TW_UNSUPPORTED_CONFIG', `<${child.name}> is not modelled`, { element: child, path: `${at.path}/${child.name}` });
    }
  }

  addresses(text: string, at: Located): AddressSet {
    return this.parseOrFail('TW_INVALID_CONFIG', `'${text}'`, at, () => AddressSet.fromStrings([text], { normalize: true }));
  }

  address(name: string, at: Located): Destination {
    const cached = this.#addressCache.get(name);
    if (cached) return cached;
    if (this.#resolving.has(name)) this.fail('TW_INVALID_CONFIG', `address group ${name} contains itself`, at);
    if (this.#resolving.size >= INPUT_LIMITS.groupDepth) this.fail('TW_INPUT_LIMIT', `groups nest more than ${INPUT_LIMITS.groupDepth} deep`, at);
    this.#resolving.add(name);
    const resolved = this.resolveAddress(name, at);
    this.#resolving.delete(name);
    this.#addressCache.set(name, resolved);
    return resolved;
  }

  resolveAddress(name: string, at: Located): Destination {
    const object = this.lookup('address', name);
    if (object) {
      this.expectFields(object, ['ip-netmask', 'ip-range', 'fqdn', 'description', 'tag', 'ip-wildcard']);
      const value = (field: string): XmlElement | undefined => firstChild(object.element, field);
      const netmask = value('ip-netmask') ?? value('ip-range');
      if (netmask) return { addresses: this.addresses(netmask.text, object), hosts: [], opaque: [] };
      const fqdn = value('fqdn');
      if (fqdn) {
        const pattern = this.parseOrFail('TW_INVALID_CONFIG', `fqdn '${fqdn.text}'`, object, () => parseHostPattern(fqdn.text));
        if (pattern.kind !== 'exact') this.fail('TW_INVALID_CONFIG', `fqdn '${fqdn.text}': an FQDN object takes one name, not a wildcard`, object);
        return { addresses: AddressSet.EMPTY, hosts: [pattern], opaque: [] };
      }
      if (value('ip-wildcard')) this.fail('TW_UNSUPPORTED_CONFIG', 'ip-wildcard address objects are not modelled', object);
      this.fail('TW_INVALID_CONFIG', `address ${name} has no ip-netmask, ip-range or fqdn`, object);
    }
    const group = this.lookup('address-group', name);
    if (group) {
      this.expectFields(group, ['static', 'dynamic', 'description', 'tag']);
      const members = firstChild(group.element, 'static');
      if (!members) this.fail('TW_UNSUPPORTED_CONFIG', 'dynamic address groups (tag filters) are not modelled', group);
      return this.union(membersOf(members).map((member) => this.address(member, { element: members, path: `${group.path}/static` })));
    }
    const list = this.lookup('external-list', name);
    if (list) return { addresses: this.externalList(name, list), hosts: [], opaque: [] };
    if (/^[0-9a-fA-F:.]+(\/[0-9]+|-[0-9a-fA-F:.]+)?$/.test(name) && /[.:]/.test(name)) return { addresses: this.addresses(name, at), hosts: [], opaque: [] };
    if (PREDEFINED_IP_LIST.test(name)) {
      if (!this.#opaque.has(name)) this.#opaque.set(name, []);
      return { addresses: opaqueListAddresses([...this.#opaque.keys()].indexOf(name)), hosts: [], opaque: [name] };
    }
    // Predefined URL lists and the like: valid on the firewall, but not an address set.
    if (name.startsWith('panw-')) this.fail('TW_UNSUPPORTED_CONFIG', `'${name}' is a predefined external dynamic list fed by Palo Alto Networks that does not hold IP addresses`, at);
    const region = this.lookup('region', name);
    if (region || /^[A-Z][A-Z0-9]$/.test(name)) this.fail('TW_UNSUPPORTED_CONFIG', `'${name}' is a region (geolocation); regions are not modelled`, region ?? at);
    return this.fail('TW_INVALID_CONFIG', `no address, address group or external list named '${name}'`, at);
  }

  /** As a balanced tree (unionAll): a group of thousands of prefixes would make a running union quadratic. */
  union(parts: readonly Destination[]): Destination {
    return { addresses: unionAll(parts.map((part) => part.addresses)), hosts: parts.flatMap((part) => part.hosts), opaque: [...new Set(parts.flatMap((part) => part.opaque))] };
  }

  /** An IP External Dynamic List: its entries come from the companion file named like the list or its URL's file. */
  externalList(name: string, list: Located): AddressSet {
    const type = firstChild(list.element, 'type');
    const ip = type && firstChild(type, 'ip');
    if (!ip) this.fail('TW_UNSUPPORTED_CONFIG', 'only IP external dynamic lists can stand for addresses', list);
    const url = firstChild(ip, 'url')?.text ?? '';
    const file = url.slice(url.lastIndexOf('/') + 1);
    const companion = this.listText(name, file);
    if (!companion) this.fail('TW_UNSUPPORTED_CONFIG', `the entries of external dynamic list ${name} (${url}) are not given; pass the folder holding ${file || 'its file'} with the edlDir option (tagwall check: --option edlDir=DIR)`, list);
    const entries: string[] = [];
    companion.content.split(/\r?\n/).forEach((raw, index) => {
      const entry = raw.trim().split(/\s+/)[0] ?? '';
      if (entry === '' || entry.startsWith('#') || entry.startsWith('//')) return;
      try {
        AddressSet.fromStrings([entry], { normalize: true });
      } catch (error) {
        if (error instanceof TagwallError) throw new TagwallError('TW_INVALID_CONFIG', `'${entry}': ${error.message}`, { location: { file: companion.file, line: index + 1 } });
        throw error;
      }
      entries.push(entry);
    });
    return AddressSet.fromStrings(entries, { normalize: true });
  }

  service(name: string, at: Located, applications: readonly string[]): Service[] {
    if (name === 'any') return [EVERY_SERVICE];
    if (name === 'application-default') {
      // Each application on its own standard ports: a custom application's own `default`, else the App-ID table
      // (applications.ts); other applications' ports are not known.
      const unknown = applications.filter((application) => !APP_IDS[application] && !this.#customApplications.has(application));
      if (applications.length === 0 || unknown.length > 0) {
        this.fail(
          'TW_UNSUPPORTED_CONFIG',
          applications.length === 0
            ? 'application-default with application any is not modelled (every App-ID has its own standard ports)'
            : `application-default: the standard ports of ${unknown.join(', ')} are not in tagwall's App-ID table (it knows ${KNOWN_APP_IDS.join(', ')}); name the service ports instead`,
          at,
        );
      }
      return applications.flatMap((application) => {
        const custom = this.#customApplications.get(application);
        const defaults = custom ? this.customDefaults(custom) : APP_IDS[application]!.defaults;
        return defaults.map((standard) => ({ protocols: standard.protocols ?? ProtocolSet.ANY, ...standard, applications: ApplicationSet.of(application) }));
      });
    }
    if (this.#resolving.has(`service:${name}`)) this.fail('TW_INVALID_CONFIG', `service group ${name} contains itself`, at);
    const object = this.lookup('service', name);
    if (object) {
      this.expectFields(object, ['protocol', 'description', 'tag']);
      const protocol = firstChild(object.element, 'protocol');
      const choice = protocol?.children[0];
      if (!protocol || !choice || protocol.children.length !== 1) this.fail('TW_INVALID_CONFIG', `service ${name} needs exactly one protocol`, object);
      const path = `${object.path}/protocol/${choice.name}`;
      if (choice.name !== 'tcp' && choice.name !== 'udp') this.fail('TW_UNSUPPORTED_CONFIG', `${choice.name} services are not modelled`, { element: choice, path });
      this.expectFields({ element: choice, path }, ['port', 'source-port', 'override']);
      const ports = (field: string): PortSet | undefined => {
        const text = firstChild(choice, field)?.text;
        return text === undefined ? undefined : this.parseOrFail('TW_INVALID_CONFIG', `${field} '${text}'`, { element: choice, path }, () => PortSet.parse(text));
      };
      const dstPorts = ports('port');
      if (!dstPorts) this.fail('TW_INVALID_CONFIG', `service ${name} has no destination port`, { element: choice, path });
      const srcPorts = ports('source-port');
      return [{ protocols: ProtocolSet.of(choice.name === 'tcp' ? TCP : UDP), dstPorts, ...(srcPorts ? { srcPorts } : {}) }];
    }
    const group = this.lookup('service-group', name);
    if (group) {
      const key = `${name}\u0000${applications.join(',')}`;
      const cached = this.#serviceCache.get(key);
      if (cached) return cached;
      if (this.#resolving.size >= INPUT_LIMITS.groupDepth) this.fail('TW_INPUT_LIMIT', `groups nest more than ${INPUT_LIMITS.groupDepth} deep`, at);
      this.expectFields(group, ['members', 'tag']);
      const members = firstChild(group.element, 'members');
      this.#resolving.add(`service:${name}`);
      const services = [...new Set((members ? membersOf(members) : []).flatMap((member) => this.service(member, group, applications)))];
      this.#resolving.delete(`service:${name}`);
      this.#serviceCache.set(key, services);
      return services;
    }
    const predefined = PREDEFINED_SERVICES[name];
    if (predefined) return [predefined];
    return this.fail('TW_INVALID_CONFIG', `no service or service group named '${name}'`, at);
  }

  /** A custom URL category as the (host names, paths) pairs it matches. */
  category(name: string, at: Located): UrlMatch[] {
    const category = this.lookup('profiles/custom-url-category', name);
    if (!category) this.fail('TW_UNSUPPORTED_CONFIG', `'${name}' is not a custom URL category here; predefined categories are not modelled`, at);
    this.expectFields(category, ['type', 'list', 'description']);
    const type = firstChild(category.element, 'type')?.text;
    if (type !== undefined && type !== 'URL List') this.fail('TW_UNSUPPORTED_CONFIG', `custom URL categories of type '${type}' are not modelled`, category);
    const list = firstChild(category.element, 'list');
    const entries = (list ? membersOf(list) : []).map((entry) => this.urlEntry(entry, { element: list!, path: `${category.path}/list` }));
    // Whole-site entries share one host set; entries with paths stay pairs (host × path is not a product).
    const wholeSites = entries.filter((entry) => entry.paths.isAny()).map((entry) => entry.pattern);
    return [
      ...(wholeSites.length > 0 ? [{ hosts: HostSet.fromPatterns(wholeSites), paths: PathSet.ANY }] : []),
      ...entries.filter((entry) => !entry.paths.isAny()).map((entry) => ({ hosts: HostSet.fromPatterns([entry.pattern]), paths: entry.paths })),
    ];
  }

  /**
   * §4.5: an entry as a host pattern and a path set. `*` must be the whole first label of the host; `^` and
   * wildcards in paths are refused. `x.com/` is the whole site (any path, or none: HTTPS without decryption);
   * `x.com/a/` the paths under `/a/`; `x.com/a` gets the ending token, so `/a` itself and the paths under `/a/`.
   */
  urlEntry(entry: string, at: Located): { pattern: HostPattern; paths: PathSet } {
    const slash = entry.indexOf('/');
    const host = (slash === -1 ? entry : entry.slice(0, slash)).toLowerCase();
    const rest = slash === -1 ? '' : entry.slice(slash);
    if (entry.includes('://') || host.includes('^') || host.slice(2).includes('*') || (host.startsWith('*') && !host.startsWith('*.')) || (slash === -1 && entry.endsWith('*'))) {
      this.fail('TW_UNSUPPORTED_CONFIG', `URL category entry '${entry}' uses a form tagwall does not model (only 'name/…' and '*.name/…')`, at);
    }
    if (/[*^]/.test(rest)) this.fail('TW_UNSUPPORTED_CONFIG', `URL category entry '${entry}': wildcards in paths are not modelled`, at);
    const paths = rest === '' || rest === '/' ? PathSet.ANY : rest.endsWith('/') ? PathSet.prefix(rest) : PathSet.prefix(`${rest}/`).union(PathSet.exact(rest));
    return { pattern: this.parseOrFail('TW_UNSUPPORTED_CONFIG', `URL category entry '${entry}'`, at, () => parseHostPattern(host)), paths };
  }

  /**
   * The directions a rule matches for the zone pair. `intrazone` rules match traffic within one zone only,
   * `interzone` rules traffic between two different zones only, `universal` rules both [CG]; with fromZone =
   * toZone both directions are traffic within that zone.
   */
  /**
   * Rule applications as App-ID names: application groups expanded (nested, cycles refused); application filters
   * (characteristics, not names) refused. Names outside the App-ID table are kept (a packet `app=NAME` matches) and
   * listed in a note; only `application-default` needs the table.
   */
  applications(members: readonly string[], at: Located, seen: ReadonlySet<string> = new Set()): string[] {
    return [
      ...new Set(
        members.flatMap((member) => {
          const group = this.lookup('application-group', member);
          if (group) {
            if (seen.has(member)) this.fail('TW_INVALID_CONFIG', `application group ${member} contains itself`, group);
            const list = firstChild(group.element, 'members') ?? group.element;
            return this.applications(membersOf(list), group, new Set([...seen, member]));
          }
          if (this.lookup('application-filter', member)) this.fail('TW_UNSUPPORTED_CONFIG', `application filter ${member} selects App-IDs by characteristics, which are not modelled`, at);
          const name = member.toLowerCase();
          const custom = this.lookup('application', member);
          if (custom) this.#customApplications.set(name, custom);
          else if (!APP_IDS[name]) this.unknownApplications.add(member);
          return [name];
        }),
      ),
    ];
  }

  /**
   * A custom application's standard ports or types (`default`: `port` members such as `tcp/80,8080`,
   * `ident-by-ip-protocol`, `ident-by-icmp-type`, `ident-by-icmp6-type`), as capirca/aerleon write them for ICMP.
   */
  customDefaults(application: Located): AppDefault[] {
    const located = (element: XmlElement, step: string): Located => ({ element, path: `${application.path}/default/${step}` });
    const standard = firstChild(application.element, 'default');
    if (!standard || standard.children.length === 0) this.fail('TW_UNSUPPORTED_CONFIG', 'application-default with a custom application that has no default ports is not modelled', application);
    return standard.children.flatMap((kind): AppDefault[] => {
      if (kind.name === 'port') {
        return membersOf(kind).map((member) => {
          const match = /^(tcp|udp)\/(.+)$/.exec(member);
          if (!match) this.fail('TW_UNSUPPORTED_CONFIG', `default port '${member}' is not tcp/PORTS or udp/PORTS`, located(kind, 'port'));
          const dstPorts = this.parseOrFail('TW_INVALID_CONFIG', `default port '${member}'`, located(kind, 'port'), () => PortSet.parse(match[2]!));
          return { protocols: ProtocolSet.of(match[1] === 'tcp' ? TCP : UDP), dstPorts };
        });
      }
      if (kind.name === 'ident-by-ip-protocol') return [{ protocols: this.parseOrFail('TW_INVALID_CONFIG', `ident-by-ip-protocol '${kind.text}'`, located(kind, kind.name), () => ProtocolSet.parse(kind.text)) }];
      if (kind.name === 'ident-by-icmp-type' || kind.name === 'ident-by-icmp6-type') {
        const number = (field: string): number | undefined => {
          const text = firstChild(kind, field)?.text;
          if (text === undefined || text === '') return undefined;
          if (!/^[0-9]{1,3}$/.test(text) || Number(text) > 255) this.fail('TW_INVALID_CONFIG', `${field} '${text}' is not 0-255`, located(kind, kind.name));
          return Number(text);
        };
        const type = number('type');
        if (type === undefined) this.fail('TW_INVALID_CONFIG', `${kind.name} has no type`, located(kind, kind.name));
        const v4 = kind.name === 'ident-by-icmp-type';
        return [{ protocols: ProtocolSet.of(v4 ? ICMP : ICMPV6), src: AddressSet.parse(v4 ? '0.0.0.0/0' : '::/0'), icmp: icmpTypeCodes(type, number('code')) }];
      }
      return this.fail('TW_UNSUPPORTED_CONFIG', `<${kind.name}> in a custom application's default is not modelled`, located(kind, kind.name));
    });
  }

  /** What answers depend on beyond the config: the predefined EDLs the rules name. */
  notes(): string[] {
    const notes =
      this.unknownApplications.size > 0
        ? [`applications matched by name only (not in tagwall's App-ID table, so packets must say app=NAME): ${[...this.unknownApplications].sort().join(', ')}`]
        : [];
    if (this.#opaque.size === 0) return notes;
    const lists = [...this.#opaque.entries()].map(([list, rules], index) => `${list} (stands as ${opaqueListAddresses(index).toCidrStrings().join(', ')}; rules ${[...new Set(rules)].join(', ')})`);
    return [
      ...notes,
      `predefined external dynamic lists are Palo Alto Networks feeds whose addresses are not in the config; each is an opaque set of its own: ${lists.join('; ')}. Verdicts for real addresses assume they are not on these lists`,
    ];
  }

  directions(from: readonly string[], to: readonly string[], ruleType: string): Direction[] {
    const intrazonePair = this.zones.fromZone === this.zones.toZone;
    if ((ruleType === 'intrazone' && !intrazonePair) || (ruleType === 'interzone' && intrazonePair)) return [];
    const covers = (zones: readonly string[], zone: string): boolean => zones.includes('any') || zones.includes(zone);
    const directions: Direction[] = [];
    const { fromZone, toZone } = this.zones;
    if (covers(from, fromZone) && covers(to, toZone)) directions.push('out');
    if (covers(from, toZone) && covers(to, fromZone)) directions.push('in');
    return directions;
  }

  rule(at: Located): Rule | undefined {
    const known = ['from', 'to', 'source', 'destination', 'category', 'application', 'service', 'action', 'negate-source', 'negate-destination', 'disabled', 'rule-type', 'schedule'];
    this.expectFields(at, [...known, ...IGNORED_RULE_FIELDS, ...ANY_ONLY_RULE_FIELDS]);
    const field = (name: string): Located | undefined => {
      const element = firstChild(at.element, name);
      return element && { element, path: `${at.path}/${name}` };
    };
    const required = (name: string): Located => field(name) ?? this.fail('TW_INVALID_CONFIG', `rule has no <${name}>`, at);
    const list = (name: string): string[] => membersOf(required(name).element);
    const yes = (name: string): boolean => {
      const value = field(name)?.element.text;
      if (value !== undefined && value !== 'yes' && value !== 'no') this.fail('TW_INVALID_CONFIG', `<${name}> must be yes or no, not '${value}'`, field(name)!);
      return value === 'yes';
    };
    if (yes('disabled')) return undefined;
    if (field('schedule')) this.fail('TW_UNSUPPORTED_CONFIG', 'schedules are not modelled (a packet has no time)', field('schedule')!);
    for (const name of ANY_ONLY_RULE_FIELDS) {
      const located = field(name);
      if (located && membersOf(located.element).some((member) => member !== 'any')) this.fail('TW_UNSUPPORTED_CONFIG', `<${name}> other than any is not modelled`, located);
    }
    const name = at.element.attributes['name'] ?? '';
    const actionText = required('action').element.text;
    if (actionText !== 'allow' && !DENY_ACTIONS.includes(actionText)) this.fail('TW_INVALID_CONFIG', `unknown action '${actionText}'`, field('action')!);
    const ruleType = field('rule-type')?.element.text ?? 'universal';
    if (!['universal', 'intrazone', 'interzone'].includes(ruleType)) this.fail('TW_INVALID_CONFIG', `unknown rule-type '${ruleType}'`, field('rule-type')!);
    const directions = this.directions(list('from'), list('to'), ruleType);
    if (directions.length === 0) return undefined;

    const sourceField = required('source');
    const sources = list('source');
    let src = AddressSet.ALL;
    const opaque: string[] = [];
    if (!sources.includes('any')) {
      const resolved = this.union(sources.map((member) => this.address(member, sourceField)));
      if (resolved.hosts.length > 0) this.fail('TW_UNSUPPORTED_CONFIG', 'FQDN objects as sources are not modelled (a packet carries the destination name only)', sourceField);
      src = resolved.addresses;
      opaque.push(...resolved.opaque);
    }
    if (yes('negate-source')) src = src.complement();

    const destinationField = required('destination');
    const destinationMembers = list('destination');
    let destination: Destination = { addresses: AddressSet.ALL, hosts: [], opaque: [] };
    if (!destinationMembers.includes('any')) destination = this.union(destinationMembers.map((member) => this.address(member, destinationField)));
    if (yes('negate-destination')) {
      if (destination.hosts.length > 0) this.fail('TW_UNSUPPORTED_CONFIG', 'negated destinations with FQDN objects are not modelled', destinationField);
      destination = { addresses: destination.addresses.complement(), hosts: [], opaque: destination.opaque };
    }
    opaque.push(...destination.opaque);
    for (const list of new Set(opaque)) this.#opaque.get(list)!.push(name);

    const applicationField = required('application');
    const applications = list('application').includes('any') ? [] : this.applications(list('application'), applicationField);
    const appSet = applications.length === 0 ? ApplicationSet.ANY : ApplicationSet.of(...applications);
    const serviceField = required('service');
    const services = list('service').flatMap((member) => this.service(member, serviceField, applications));

    const categoryField = field('category');
    const categories = categoryField ? membersOf(categoryField.element) : ['any'];
    const urls: UrlMatch[] = categories.includes('any') ? [{ hosts: HostSet.ANY, paths: PathSet.ANY }] : categories.flatMap((category) => this.category(category, categoryField!));

    let match = PacketSet.EMPTY;
    for (const service of services) {
      const common = {
        directions,
        protocols: service.protocols,
        ...(service.dstPorts ? { dstPorts: service.dstPorts } : {}),
        ...(service.srcPorts ? { srcPorts: service.srcPorts } : {}),
        ...(service.icmp ? { icmp: service.icmp } : {}),
        applications: service.applications ?? appSet,
        src: service.src ? src.intersection(service.src) : src,
      };
      for (const { hosts, paths } of urls) {
        match = match.union(PacketSet.of({ ...common, dst: destination.addresses, hosts, paths }));
        if (destination.hosts.length > 0) match = match.union(PacketSet.of({ ...common, hosts: HostSet.fromPatterns(destination.hosts).intersection(hosts), paths }));
      }
    }
    for (const child of at.element.children) if (IGNORED_RULE_FIELDS.includes(child.name)) this.ignoredFields.add(child.name);
    const depends = opaque.length > 0 ? ` — depends on the live contents of ${[...new Set(opaque)].join(', ')} (predefined EDL, not in the config)` : '';
    const requirementTag = firstChild(at.element, 'tag');
    const tags = requirementTag ? membersOf(requirementTag) : [];
    return {
      id: name,
      action: actionText === 'allow' ? 'allow' : 'deny',
      match,
      origin: {
        file: this.file,
        line: at.element.line,
        path: at.path,
        text: `${name}: ${actionText}${depends}`,
        ...(tags.length > 1 && tags[0] === 'tagwall' ? { requirementId: tags[1]! } : {}),
      },
    };
  }
}

/** The `<config>` element of a config export or of an XML API response. */
function configOf(root: XmlElement, file: string): XmlElement {
  if (root.name === 'config') return root;
  const result = root.name === 'response' ? firstChild(root, 'result') : undefined;
  const config = result && firstChild(result, 'config');
  if (config) return config;
  throw new TagwallError('TW_INVALID_CONFIG', `expected a PAN-OS <config> document, found <${root.name}>`, { location: { file, line: root.line } });
}

/** PAN-OS's predefined default rules [PAN-SP]: within a zone allow, between zones deny (both overridable). */
const DEFAULT_RULES = { 'intrazone-default': 'allow', 'interzone-default': 'deny' } as const;
/** Fields of a default-rule override that do not change what it matches or does (logging, profiles). */
const DEFAULT_RULE_FIELDS = ['action', 'log-start', 'log-end', 'log-setting', 'profile-setting', 'description', 'tag', 'group-tag', 'uuid', 'icmp-unreachable'];

/**
 * The default rule that decides what no rule matched: `intrazone-default` when the pair is one zone, else
 * `interzone-default`; its action from the nearest override, else the predefined one. Always an explicit last rule
 * matching everything, so `eval` names it as the deciding rule.
 */
function defaultRule(placement: Placement, zones: PanosZones, file: string): Rule {
  const name = zones.fromZone === zones.toZone ? 'intrazone-default' : 'interzone-default';
  for (const list of placement.defaultRuleLists) {
    const entry = childrenNamed(list.element, 'entry').find((candidate) => candidate.attributes['name'] === name);
    if (!entry) continue;
    const path = entryPath(list.path, entry);
    for (const child of entry.children) {
      if (!DEFAULT_RULE_FIELDS.includes(child.name)) throw new TagwallError('TW_UNSUPPORTED_CONFIG', `<${child.name}> is not modelled in a default rule (at ${path}/${child.name})`, { location: { file, line: child.line } });
    }
    const action = firstChild(entry, 'action')?.text ?? DEFAULT_RULES[name];
    if (action !== 'allow' && !DENY_ACTIONS.includes(action)) throw new TagwallError('TW_INVALID_CONFIG', `unknown action '${action}' (at ${path}/action)`, { location: { file, line: entry.line } });
    return { id: name, action: action === 'allow' ? 'allow' : 'deny', match: PacketSet.ALL, origin: { file, line: entry.line, path, text: `${name}: ${action} (overridden)` } };
  }
  return { id: name, action: DEFAULT_RULES[name], match: PacketSet.ALL, origin: { text: `${name}: ${DEFAULT_RULES[name]} (predefined default rule)` } };
}

/** One note listing every part of the document the analysis does not interpret, so nothing is skipped silently. */
function notesOf(placement: Placement, zoneNote: string | undefined, ignoredRuleFields: ReadonlySet<string>): string[] {
  const notes: string[] = [];
  if (zoneNote) notes.push(zoneNote);
  if (placement.merged.length > 0) notes.push(`duplicate entries merged into one, as PAN-OS loads them: ${placement.merged.join(', ')}`);
  const parts = [...placement.uninterpreted, ...(ignoredRuleFields.size > 0 ? [`rule fields ${[...ignoredRuleFields].sort().join(', ')} (logging, profiles, tags: no effect on which packets match)`] : [])];
  if (parts.length > 0) notes.push(`not interpreted (they do not decide which packets the security rules allow): ${parts.join('; ')}`);
  return notes;
}

export function parsePanosConfig(input: ConfigInput, context: ParseContext): RuleSet {
  const root = isXmlText(input.content) ? parseXml(input.content, input.file) : parseSetCommands(input.content, input.file);
  const merged: string[] = [];
  const config = mergeDuplicates(configOf(root, input.file), '/config', merged);
  const placement = place(config, input.file, locationOption(context.options), merged);
  const zones = chooseZones(placement, context.options, input.file);
  const interpreter = new Interpreter(input.file, placement.scopes, input.companions, zones, stringOption(context.options, 'edlDir'));
  const rules: Rule[] = [];
  const ids = new Set<string>();
  for (const rulebase of placement.rulebases) {
    for (const entry of childrenNamed(rulebase.element, 'entry')) {
      const rule = interpreter.rule({ element: entry, path: entryPath(rulebase.path, entry) });
      if (!rule) continue;
      let id = rule.id;
      for (let counter = 2; ids.has(id); counter++) id = `${rule.id}#${counter}`;
      ids.add(id);
      rules.push(id === rule.id ? rule : { ...rule, id });
    }
  }
  const last = defaultRule(placement, zones, input.file);
  const notes = [...notesOf(placement, zones.note, interpreter.ignoredFields), ...interpreter.notes()];
  return { name: `panos:${input.file}`, rules: [...rules, last], defaultAction: last.action, mode: MODE, ...(notes.length > 0 ? { notes } : {}) };
}

/** What `translate` produced: the XML or `set` artifact, with the EDL files as companions by file name. */
export function parsePanosArtifacts(artifacts: readonly Artifact[], context: ParseContext): RuleSet {
  const main = artifacts.find((artifact) => artifact.format === 'xml' || artifact.format === 'set');
  if (!main) throw new TagwallError('TW_UNSUPPORTED_CONFIG', 'target panos: no xml or set artifact to parse');
  const companions = Object.fromEntries(
    artifacts.filter((artifact) => artifact.format === 'edl').map((artifact) => [artifact.name.slice(artifact.name.lastIndexOf('/') + 1), { content: artifact.content, file: artifact.name }]),
  );
  return parsePanosConfig({ content: main.content, file: main.name, companions }, context);
}

