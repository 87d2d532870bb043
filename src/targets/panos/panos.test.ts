import { goldenFile } from '../../../test/support/golden.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectContractHolds } from '../../../test/support/contract.js';
import { thrownError as error } from '../../../test/support/errors.js';
import { expandedResolver } from '../../analysis/resolve.js';
import { allowedPackets, REPLIES, type RuleSet } from '../../analysis/rule-set.js';
import { loadRequirementsFile, loadScenario, scenarioIds } from '../../catalogue/index.js';
import { AddressSet } from '../../model/address-set.js';
import { parseHostPattern } from '../../model/hostnames.js';
import { parsePacket } from '../../model/packet.js';
import { PortSet, ProtocolSet } from '../../model/ports.js';
import type { Endpoint, Requirement, RequirementSet } from '../../model/requirement.js';
import { requirementProblem } from '../../model/requirement-check.js';
import { defaultSnapshot } from '../../servicetags/snapshot.js';
import type { Artifact, TargetOptionValues } from '../target.js';
import { buildPanosModel } from './build.js';
import { panosTarget } from './index.js';
import { addressObjects, isAddressColumns, type PanosModel } from './model.js';
import { readPanosSettings } from './options.js';
import { renderPanosSet } from './render-set.js';
import { renderPanosXml } from './render-xml.js';
import { shortHash } from '../names.js';
import { cidrObjectName, cidrObjectNames, cleanText, MAX_EDL_NAME_LENGTH, MAX_NAME_LENGTH, NameScope, panosName, SAFE_NAME } from './names.js';
import { parsePanosConfig } from './parse.js';
import { tokenizeSetLine } from './set-commands.js';
import { parseXml } from './xml.js';

const snapshot = defaultSnapshot('Public');
const resolver = expandedResolver(snapshot);
const context = (options: TargetOptionValues = {}) => ({ snapshot, resolver, options });
const SEED = 20240607;

const xmllint = spawnSync('xmllint', ['--version']).status === 0;
const FIXTURES = new URL('../../../fixtures/panos/', import.meta.url);

/** The same rules in the same order, each matching the same packets with the same action: one rule set. */
function expectSameRules(actual: RuleSet, expected: RuleSet): void {
  expect(actual.rules.map((item) => `${item.id}:${item.action}`)).toEqual(expected.rules.map((item) => `${item.id}:${item.action}`));
  actual.rules.forEach((item, index) => expect(item.match.equals(expected.rules[index]!.match), `rule ${item.id} matches other packets`).toBe(true));
  expect(actual.defaultAction).toBe(expected.defaultAction);
}

/**
 * What a PAN-OS admin can paste into configure mode (targets.md §4.2): every line a `set` command; outside quotes
 * only plain words and list brackets; inside double quotes printable text without `"` (no escape exists), `\` or
 * `?` (names.ts); no control characters anywhere, so one command is one line.
 */
function expectPasteable(set: string): void {
  expect(set.endsWith('\n')).toBe(true);
  for (const line of set.slice(0, -1).split('\n')) {
    expect(line, line).toMatch(/^set /);
    const unquoted = line.replace(/"[^"]*"/g, '""');
    expect(unquoted, line).toMatch(/^[A-Za-z0-9_.:/,\- [\]"]*$/);
    expect((line.match(/"/g) ?? []).length % 2, line).toBe(0);
    for (const quoted of line.match(/"[^"]*"/g) ?? []) expect(quoted, line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\\?]/);
    // The parser's tokenizer sees the same words (a quoted value is one; list brackets stand alone in output).
    const words = unquoted.split(' ').filter((word) => word !== '');
    expect(tokenizeSetLine(line, (message) => {
      throw new Error(`${message}: ${line}`);
    }).length, line).toBe(words.length);
  }
}

/** The rules the config lists, without the default rule parse appends. */
const configuredRules = (ruleSet: RuleSet) => ruleSet.rules.filter((item) => item.id !== 'interzone-default' && item.id !== 'intrazone-default');

/** Parses `content` as a PAN-OS config and returns what it allows. */
function allowed(content: string, options: TargetOptionValues = {}, companions?: Record<string, { content: string; file: string }>) {
  return allowedPackets(parsePanosConfig({ content, file: 'config.xml', ...(companions ? { companions } : {}) }, { resolver, options }));
}

const vsys = (inner: string) => `<config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">${inner}</entry></vsys></entry></devices></config>`;
const rule = (name: string, fields: string) => `<entry name="${name}">${fields}</entry>`;
const m = (tag: string, ...values: string[]) => `<${tag}>${values.map((value) => `<member>${value}</member>`).join('')}</${tag}>`;
const basic = (overrides: Record<string, string> = {}) =>
  Object.entries({
    from: m('from', 'trust'),
    to: m('to', 'untrust'),
    source: m('source', 'any'),
    destination: m('destination', 'any'),
    application: m('application', 'any'),
    service: m('service', 'any'),
    action: '<action>allow</action>',
    ...overrides,
  })
    .map(([, xml]) => xml)
    .join('');
const rulebase = (...rules: string[]) => `<rulebase><security><rules>${rules.join('')}</rules></security></rulebase>`;

describe('XML reader', () => {
  it('reads elements, attributes, entities, CDATA and comments', () => {
    const root = parseXml(`<?xml version="1.0"?>\n<!-- c -->\n<a x='1' y="&lt;&amp;&#65;&#x42;">t&gt;<b/><![CDATA[<raw>]]><!-- in --></a>`, 'f.xml');
    expect(root).toMatchObject({ name: 'a', attributes: { x: '1', y: '<&AB' }, text: 't><raw>', line: 3 });
    expect(root.children.map((child) => child.name)).toEqual(['b']);
  });
  it('refuses malformed XML with a line and column', () => {
    for (const [text, line] of [['<a>\n<b></a>', 2], ['<a>&foo;</a>', 1], ['<a x=1/>', 1], ['<!DOCTYPE a><a/>', 1], ['<a/><b/>', 1], ['<a>\n\n<b x="1" x="2"/></a>', 3], ['<a>x & y</a>', 1], ['<a>\n\uFFFE</a>', 2], ['<a>&#1;</a>', 1], ['<a x="&#xD800;"/>', 1], ['<a>\u0001</a>', 1]] as const) {
      expect(error(() => parseXml(text, 'f.xml'))).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { file: 'f.xml', line } });
    }
  });
});

describe('names (targets.md §4.3)', () => {
  it('are safe, at most 63 characters, stable and unique, whatever the input', () => {
    const nasty = fc.string({ unit: fc.constantFrom('a', 'Z', '0', '-', '_', '.', ' ', '<', '&', '"', "'", '\n', 'é', '/', '*'), maxLength: 200 });
    fc.assert(
      fc.property(fc.uniqueArray(nasty, { maxLength: 20 }), (wanted) => {
        const scope = new NameScope();
        const names = wanted.map((text) => scope.claim(text));
        for (const name of names) {
          expect(name).toMatch(SAFE_NAME);
          expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
        }
        expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(names.length);
        const again = new NameScope();
        expect(wanted.map((text) => again.claim(text))).toEqual(names);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
  it('of CIDR lists are the per-CIDR names, and claiming them known-safe claims what claim does (property)', () => {
    // IPv6 groups drawn mostly from zero, so `::` falls at the start, the middle and the end; every prefix length.
    const group = fc.oneof(fc.constant(0), fc.constant(0), fc.constantFrom(1, 0xf, 0x2603, 0xffff), fc.integer({ min: 0, max: 0xffff }));
    const ipv6 = fc.tuple(fc.array(group, { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 128 })).map(([groups, length]) => `${groups.map((g) => g.toString(16)).join(':')}/${length}`);
    const ipv4 = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([value, length]) => `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}/${length}`);
    // As the build gets them: the minimal CIDR list of a set, canonical text.
    const cidrList = fc.array(fc.oneof(ipv4, ipv6, fc.constantFrom('::/0', '::1/128', '0.0.0.0/0', '2603:1000::/40')), { maxLength: 12 }).map((blocks) => AddressSet.fromStrings(blocks, { normalize: true }).toCidrStrings());
    // Other texts of the address scope, some spelling what a CIDR's name or wanted text is.
    const other = fc.oneof(fc.constantFrom('tw-10-0-0-0_8', 'TW-10-0-0-0_8', 'tw-2603-1000--_40', 'tw-2603-1000-_40', 'tw---1_128', 'tw-1_128', 'tagwall'), fc.string({ maxLength: 20 }));
    fc.assert(
      fc.property(cidrList, fc.array(other, { maxLength: 4 }), fc.nat(), (cidrs, others, split) => {
        const { wanted, names } = cidrObjectNames(cidrs);
        expect(wanted).toEqual(cidrs.map(cidrObjectName));
        expect(names).toEqual(wanted.map((text) => panosName(text)));
        // The same names made as bytes, as for a long list.
        expect(cidrObjectNames(cidrs, 0)).toEqual({ wanted, names });
        // The same claims in the same order, others before and after, through claim and claimSafe.
        const at = split % (others.length + 1);
        const general = new NameScope();
        const fast = new NameScope();
        const claimOthers = (texts: readonly string[]) => texts.map((text) => [general.claim(text), fast.claim(text)]);
        const before = claimOthers(others.slice(0, at));
        const cidrNames = cidrs.map((_, index) => [general.claim(wanted[index]!), fast.claimSafe(wanted[index]!, names[index]!)]);
        const after = claimOthers(others.slice(at));
        for (const [generalName, fastName] of [...before, ...cidrNames, ...after]) expect(fastName).toBe(generalName);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
  it('are handed out by NameScope as by a map of claimed texts and a set of names in use (property)', () => {
    /** The scope as it was written before its two tables became one map (issue 22): the reference. */
    class TwoTableScope {
      readonly byWanted = new Map<string, string>();
      readonly used = new Set<string>();
      reserve(name: string): string {
        this.used.add(name.toLowerCase());
        return name;
      }
      claim(wanted: string, maxLength = MAX_NAME_LENGTH): string {
        const known = this.byWanted.get(wanted);
        if (known !== undefined) return known;
        let name = panosName(wanted, maxLength);
        for (let attempt = 0; this.used.has(name.toLowerCase()); attempt++) {
          const suffix = `-${shortHash(`${wanted}#${attempt}`)}`;
          name = `${panosName(wanted, maxLength - suffix.length)}${suffix}`;
        }
        this.used.add(name.toLowerCase());
        this.byWanted.set(wanted, name);
        return name;
      }
    }
    // Few texts that clash often: the same letters in other cases, safe forms of one another, a name some text of
    // them gets when its own is taken (`a-a090a256` is `a`'s first hash), and texts cut short at the EDL length.
    const long = `tw-${'abcdefghij'.repeat(3)}`;
    const text = fc.constantFrom('a', 'A', 'a-', 'a--', 'a-a090a256', 'A-A090A256', 'x y', 'x-y', 'X-Y', 'tw-2603--_40', 'tw-2603-_40', 'TW-2603-_40', '1st', 't-1st', long, long.toUpperCase(), `${long.slice(0, 10).toUpperCase()}${long.slice(10)}`);
    const step = fc.record({ kind: fc.constantFrom('claim', 'claim', 'reserve'), text, short: fc.boolean() });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
        const scope = new NameScope();
        const reference = new TwoTableScope();
        // Each step twice over (once more at the end): a text claimed again gets its name again.
        for (const { kind, text: wanted, short } of [...steps, ...steps]) {
          if (kind === 'reserve') expect(scope.reserve(panosName(wanted))).toBe(reference.reserve(panosName(wanted)));
          else expect(scope.claim(wanted, short ? MAX_EDL_NAME_LENGTH : MAX_NAME_LENGTH)).toBe(reference.claim(wanted, short ? MAX_EDL_NAME_LENGTH : MAX_NAME_LENGTH));
        }
      }),
      { seed: SEED, numRuns: 500 },
    );
  });
  it('claimed as a run (claimRun) are what claim gives each, and the scope answers the same after (property)', () => {
    // A run as the build makes one: the names of a set's CIDRs when no IPv6 `::` merged hyphens (their own safe
    // form, lower case, distinct). Other texts before and after, some of them a name of the run or its spelling in
    // upper case, some reserved.
    const ipv4 = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 8, max: 32 })).map(([value, length]) => `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}/${length}`);
    const ipv6 = fc.tuple(fc.array(fc.integer({ min: 1, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 112, max: 128 })).map(([groups, length]) => `${groups.map((g) => g.toString(16)).join(':')}/${length}`);
    const run = fc.array(fc.oneof(ipv4, ipv4, ipv6), { maxLength: 10 }).map((blocks) => cidrObjectNames(AddressSet.fromStrings(blocks, { normalize: true }).toCidrStrings()).names);
    const step = (names: readonly string[]) => fc.record({ reserve: fc.boolean(), text: fc.oneof(fc.constantFrom(...names, ...names.map((name) => name.toUpperCase()), 'tagwall', 'tw-10-0-0-0_8'), fc.string({ maxLength: 12 })) });
    const drawn = run.chain((names) => fc.tuple(fc.constant(names), fc.array(step(names), { maxLength: 4 }), fc.array(step(names), { maxLength: 4 })));
    fc.assert(
      fc.property(drawn, ([names, before, after]) => {
        expect(names.every((name) => name === panosName(name) && name === name.toLowerCase())).toBe(true);
        const general = new NameScope();
        const fast = new NameScope();
        const take = (steps: ReadonlyArray<{ reserve: boolean; text: string }>) => {
          for (const { reserve, text } of steps) {
            if (reserve) expect(fast.reserve(panosName(text))).toBe(general.reserve(panosName(text)));
            else expect(fast.claim(text)).toBe(general.claim(text));
          }
        };
        take(before);
        const claimed = names.map((name) => general.claim(name));
        if (fast.claimRun(names)) expect(claimed).toEqual(names);
        // Refused, the run claims nothing: the build claims its names one by one, as the general scope did.
        else expect(names.map((name) => fast.claimSafe(name, name))).toEqual(claimed);
        take(after);
        // Each text again, the run's names included: the same names, from both scopes.
        take([...before, ...after].filter((item) => !item.reserve));
        expect(names.map((name) => fast.claim(name))).toEqual(claimed);
      }),
      { seed: SEED, numRuns: 500 },
    );
    const scope = new NameScope();
    scope.claim('tw-10-0-0-0_24');
    expect(scope.claimRun(['tw-10-0-1-0_24', 'tw-10-0-0-0_24'])).toBe(false);
    expect(scope.claimRun(['tw-10-0-1-0_24', 'tw-10-0-2-0_24'])).toBe(true);
    expect(scope.claim('TW-10-0-1-0_24')).not.toBe('TW-10-0-1-0_24');
    expect(scope.claim('tw-10-0-2-0_24')).toBe('tw-10-0-2-0_24');
  });
  it('keep a hash of a cut name so long names sharing a prefix differ', () => {
    const long = 'a'.repeat(100);
    expect(panosName(`${long}1`)).not.toBe(panosName(`${long}2`));
    expect(panosName(`${long}1`)).toHaveLength(MAX_NAME_LENGTH);
    expect(panosName('1st rule')).toBe('t-1st-rule');
  });
  it('never hand out a reserved name, not even for the same text', () => {
    const scope = new NameScope();
    scope.reserve('tagwall');
    expect(scope.claim('tagwall')).not.toBe('tagwall');
    expect(scope.claim('TagWall').toLowerCase()).not.toBe('tagwall');
  });
  it('clean free text to one line every form carries verbatim, cut by code points (property)', () => {
    const hostile = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: fc.constantFrom('a', ' ', '"', '?', '\\', '\n', '\u0085', '\uFFFE', '\uD800', '\uDC00', '😀', '<', '&'), maxLength: 300 }));
    fc.assert(
      fc.property(hostile, fc.integer({ min: 10, max: 255 }), (text, max) => {
        const clean = cleanText(text, max);
        expect(Array.from(clean).length).toBeLessThanOrEqual(max);
        expect(clean).not.toMatch(/["?\\\u0000-\u001f\u007f-\u009f\ufffe\uffff]/);
        expect(clean).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
        expect(clean).toBe(clean.trim());
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('parsing hand-written policy', () => {
  const objects =
    '<address><entry name="web"><ip-netmask>20.1.0.5/24</ip-netmask></entry><entry name="r"><ip-range>30.0.0.1-30.0.0.10</ip-range></entry>' +
    '<entry name="ms"><fqdn>login.microsoftonline.com</fqdn></entry></address>' +
    '<address-group><entry name="g"><static><member>web</member><member>inner</member></static></entry><entry name="inner"><static><member>r</member></static></entry></address-group>' +
    '<service><entry name="https"><protocol><tcp><port>443,8443-8444</port></tcp></protocol></entry><entry name="ntp"><protocol><udp><port>123</port><source-port>123</source-port></udp></protocol></entry></service>' +
    '<service-group><entry name="both"><members><member>https</member><member>ntp</member></members></entry></service-group>' +
    '<profiles><custom-url-category><entry name="cat"><type>URL List</type><list><member>*.example.com/</member><member>example.org</member></list></entry></custom-url-category></profiles>';

  it('evaluates top-down, first match, with groups, ranges and services', () => {
    const packets = allowed(
      vsys(
        objects +
          rulebase(
            rule('deny-one', basic({ destination: m('destination', '20.1.0.9'), action: '<action>drop</action>' })),
            rule('allow-g', basic({ destination: m('destination', 'g'), service: m('service', 'both') })),
          ),
      ),
    );
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 20.1.0.200:8443'))).toBe(true);
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 20.1.0.9:443'))).toBe(false);
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 30.0.0.10:443'))).toBe(true);
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 30.0.0.11:443'))).toBe(false);
    expect(packets.has(parsePacket('out udp 10.0.0.4:123 -> 30.0.0.1:123'))).toBe(true);
    expect(packets.has(parsePacket('out udp 10.0.0.4:124 -> 30.0.0.1:123'))).toBe(false);
    expect(packets.has(parsePacket('in tcp 20.1.0.200 -> 10.0.0.4:443'))).toBe(false);
  });
  it('reads zones as directions, skips disabled rules, negates', () => {
    const packets = allowed(
      vsys(
        objects +
          rulebase(
            rule('off', basic({ disabled: '<disabled>yes</disabled>' })),
            rule('in', basic({ from: m('from', 'untrust'), to: m('to', 'any'), source: m('source', 'web'), 'negate-source': '<negate-source>yes</negate-source>', service: m('service', 'https') })),
            rule('other-zones', basic({ from: m('from', 'dmz') })),
          ),
      ),
    );
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 1.1.1.1:443'))).toBe(false);
    expect(packets.has(parsePacket('in tcp 8.8.8.8 -> 10.0.0.4:443'))).toBe(true);
    expect(packets.has(parsePacket('in tcp 20.1.0.1 -> 10.0.0.4:443'))).toBe(false);
    const swapped = allowed(vsys(objects + rulebase(rule('r', basic()))), { fromZone: 'untrust', toZone: 'trust' });
    expect(swapped.has(parsePacket('in tcp 8.8.8.8 -> 10.0.0.4:22'))).toBe(true);
    expect(swapped.has(parsePacket('out tcp 10.0.0.4 -> 8.8.8.8:22'))).toBe(false);
  });
  it('reads URL categories and FQDN objects as host names (ending-token semantics)', () => {
    const packets = allowed(
      vsys(
        objects +
          rulebase(
            rule('url', basic({ category: m('category', 'cat'), application: m('application', 'ssl', 'web-browsing'), service: m('service', 'application-default') })),
            rule('fqdn', basic({ destination: m('destination', 'ms'), service: m('service', 'service-https') })),
          ),
      ),
    );
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 1.2.3.4:443 host=a.b.example.com app=ssl'))).toBe(true);
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 1.2.3.4:443 host=a.b.example.com'))).toBe(false);
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 1.2.3.4:443 host=example.com app=ssl'))).toBe(false);
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 1.2.3.4:80 host=example.org app=web-browsing'))).toBe(true);
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 1.2.3.4:443 host=example.org app=web-browsing'))).toBe(false);
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 1.2.3.4:8080 host=example.org app=web-browsing'))).toBe(false);
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 1.2.3.4:443'))).toBe(false);
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 40.126.0.1:443 host=login.microsoftonline.com'))).toBe(true);
  });
  it('refuses what it cannot model, with the XPath', () => {
    const cases: Array<[string, string]> = [
      [basic({ application: m('application', 'bittorrent'), service: m('service', 'application-default') }), "/rules/entry[@name='x']/service"],
      [basic({ 'source-user': m('source-user', 'corp\\alice') }), "/rules/entry[@name='x']/source-user"],
      [basic({ schedule: '<schedule>nights</schedule>' }), "/rules/entry[@name='x']/schedule"],
      [basic({ category: m('category', 'social-networking') }), "/rules/entry[@name='x']/category"],
      [basic({ service: m('service', 'application-default') }), "/rules/entry[@name='x']/service"],
      [basic({ 'source-imsi': m('source-imsi', '1') }), "/rules/entry[@name='x']/source-imsi"],
    ];
    for (const [fields, path] of cases) {
      const caught = error(() => allowed(vsys(rulebase(rule('x', fields)))));
      expect(caught.code).toBe('TW_UNSUPPORTED_CONFIG');
      expect(caught.message).toContain(`/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/rulebase/security`);
      expect(caught.message).toContain(path);
      expect(caught.location?.line).toBe(1);
    }
    expect(error(() => allowed(vsys(rulebase(rule('x', basic({ destination: m('destination', 'nothing') }))))))).toMatchObject({ code: 'TW_INVALID_CONFIG' });
    expect(error(() => allowed(vsys('<address-group><entry name="d"><dynamic><filter>x</filter></dynamic></entry></address-group>' + rulebase(rule('x', basic({ destination: m('destination', 'd') })))))).code).toBe('TW_UNSUPPORTED_CONFIG');
  });
  it('needs the EDL text as a companion file', () => {
    const config = vsys('<external-list><entry name="edl"><type><ip><url>https://x.example/lists/a.txt</url></ip></type></entry></external-list>' + rulebase(rule('x', basic({ destination: m('destination', 'edl') }))));
    expect(error(() => allowed(config)).code).toBe('TW_UNSUPPORTED_CONFIG');
    const packets = allowed(config, {}, { 'a.txt': { content: '# list\n20.0.0.0/8\n30.0.0.1-30.0.0.2 comment\n', file: 'a.txt' } });
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 30.0.0.2:443'))).toBe(true);
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 30.0.0.3:443'))).toBe(false);
  });
  it('chooses the location, and asks when the config has several', () => {
    const two = `<config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">${rulebase()}</entry><entry name="vsys2">${rulebase(rule('x', basic()))}</entry></vsys></entry></devices></config>`;
    expect(error(() => allowed(two)).code).toBe('TW_INVALID_OPTION');
    expect(allowed(two, { location: 'vsys2' }).isEmpty()).toBe(false);
    // An empty rulebase allows no connection; as a stateful device it still passes replies (none exist then).
    expect(allowed(two, { location: 'vsys1' }).equals(REPLIES)).toBe(true);
  });
  it('reads set commands into the same rules, with errors at their line', () => {
    const set = [
      'set address web ip-netmask 20.1.0.0/24',
      'set deviceconfig system hostname fw1',
      'set service "my svc" protocol tcp port 443',
      'set rulebase security rules "allow web" from trust to untrust source any destination [ web ] application any service "my svc" action allow',
      'set rulebase security rules "allow web" description "a rule"',
    ].join('\n');
    const packets = allowed(set);
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 20.1.0.9:443'))).toBe(true);
    expect(packets.has(parsePacket('out tcp 10.0.0.4 -> 20.1.0.9:80'))).toBe(false);
    expect(error(() => allowed('set address a ip-netmask 1.1.1.1\nset address a colour red'))).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG', location: { line: 2 } });
    expect(error(() => allowed('set address a description "open'))).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 1 } });
  });
  it('reads a hand-written running config (fixtures/panos/running-config.xml)', () => {
    const content = readFileSync(new URL('../../../fixtures/panos/running-config.xml', import.meta.url), 'utf8');
    const ruleSet = parsePanosConfig({ content, file: 'running-config.xml' }, { resolver, options: { fromZone: 'inside', toZone: 'outside' } });
    expect(ruleSet.rules.map((item) => `${item.id}:${item.action}`)).toEqual(['block-part-of-storage:deny', 'storage:allow', 'aml-web:allow', 'dns:allow', 'interzone-default:deny']);
    expect(ruleSet.rules[1]!.origin).toMatchObject({ line: 50, path: "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/rulebase/security/rules/entry[@name='storage']" });
    const packets = allowedPackets(ruleSet);
    expect(packets.has(parsePacket('out tcp 10.20.1.4 -> 20.60.1.1:443'))).toBe(true);
    expect(packets.has(parsePacket('out tcp 10.20.1.4 -> 20.60.0.7:443'))).toBe(false);
    expect(packets.has(parsePacket('out tcp 10.21.1.4 -> 20.60.1.1:443'))).toBe(false);
    expect(packets.has(parsePacket('out tcp 10.20.1.4 -> 52.1.1.1:8080 host=x.api.azureml.ms app=web-browsing'))).toBe(true);
    // aml-web names App-IDs ssl and web-browsing: a flow App-ID calls something else is not allowed.
    expect(packets.has(parsePacket('out tcp 10.20.1.4 -> 52.1.1.1:8080 host=x.api.azureml.ms'))).toBe(false);
    expect(packets.has(parsePacket('out udp 10.20.1.4 -> 8.8.8.8:53'))).toBe(true);
    expect(packets.has(parsePacket('out tcp 10.20.1.4 -> 8.8.8.8:22'))).toBe(false);
    expect(packets.has(parsePacket('in tcp 20.60.1.1 -> 10.20.1.4:443'))).toBe(false);
  });
  it('reads the set form of the running config into the same rules as its XML', () => {
    const options = { fromZone: 'inside', toZone: 'outside' };
    const read = (file: string) => parsePanosConfig({ content: readFileSync(new URL(file, FIXTURES), 'utf8'), file }, { resolver, options });
    const fromSet = read('running-config.set');
    expectSameRules(fromSet, read('running-config.xml'));
    expect(fromSet.rules.find((item) => item.id === 'dns')!.origin).toMatchObject({ line: 33, path: "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/rulebase/security/rules/entry[@name='dns']" });
  });
  it('asks for the zones when the vsys does not have the ones given', () => {
    const content = readFileSync(new URL('running-config.xml', FIXTURES), 'utf8');
    const caught = error(() => parsePanosConfig({ content, file: 'running-config.xml' }, { resolver, options: {} }));
    expect(caught).toMatchObject({ code: 'TW_INVALID_OPTION', location: { file: 'running-config.xml', line: 19 } });
    expect(caught.message).toContain("no zone 'trust' or 'untrust' (its zones: inside, outside)");
    expect(error(() => parsePanosConfig({ content, file: 'f' }, { resolver, options: { fromZone: 'inside' } })).message).toContain("no zone 'untrust' (");
  });
  it('refuses regions and application-default with any application, with the XPath', () => {
    const regions = '<region><entry name="hq"><address><member>10.0.0.0/8</member></address></entry></region>';
    const cases: Array<[string, string, string]> = [
      [basic({ source: m('source', 'CN') }), 'region', "/rules/entry[@name='x']/source"],
      [basic({ source: m('source', 'hq') }), 'region', "/region/entry[@name='hq']"],
      [basic({ service: m('service', 'application-default') }), 'application-default with application any', "/rules/entry[@name='x']/service"],
    ];
    for (const [fields, words, path] of cases) {
      const caught = error(() => allowed(vsys(regions + rulebase(rule('x', fields)))));
      expect(caught.code).toBe('TW_UNSUPPORTED_CONFIG');
      expect(caught.message).toContain(words);
      expect(caught.message).toContain(path);
    }
  });
  it('reads EDL files from the edlDir folder, as render -o writes them', () => {
    const requirements = loadScenario('data-exfiltration-prevention', { region: 'westus' });
    const artifacts = artifactsOf(requirements, { tags: 'edl', edlUrl: 'https://lists.example.com/tw' });
    const dir = mkdtempSync(join(tmpdir(), 'tw-panos-edl-'));
    mkdirSync(join(dir, 'edl'));
    for (const artifact of artifacts) writeFileSync(join(dir, artifact.name), artifact.content);
    const input = { content: artifacts[0]!.content, file: join(dir, 'panos-config.xml') };
    expect(error(() => parsePanosConfig(input, { resolver, options: {} })).message).toContain('edlDir');
    expectSameRules(parsePanosConfig(input, { resolver, options: { edlDir: join(dir, 'edl') } }), parseBoth(artifacts));
  });
  it('detects PAN-OS configs', () => {
    expect(panosTarget.detect(vsys(''))).toBe(true);
    expect(panosTarget.detect('set rulebase security rules r action allow')).toBe(true);
    expect(panosTarget.detect('{"resources": []}')).toBe(false);
    expect(panosTarget.detect('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n')).toBe(false);
  });
});

// ─── translation ─────────────────────────────────────────────────────────────────────────────────────────

const requirement = (id: string, destinations: Endpoint[], changes: Partial<Requirement> = {}): Requirement => ({
  id,
  direction: 'out',
  protocols: ProtocolSet.of(6),
  ports: PortSet.of(443),
  sources: [{ kind: 'addresses', addresses: AddressSet.parse('10.0.0.0/24') }],
  destinations,
  purpose: 'test',
  conditions: [],
  provenance: [],
  ...changes,
});
const host = (text: string): Endpoint => ({ kind: 'host', pattern: parseHostPattern(text) });

function artifactsOf(requirements: RequirementSet, options: TargetOptionValues): readonly Artifact[] {
  return panosTarget.translate(requirements, context(options)).artifacts;
}

/**
 * Well-formed for tagwall's reader and for libxml2 (`xmllint --noout`, when installed); with `rules`, libxml2 finds
 * exactly those security rules at `rulesXPath` (the location's XPath, targets.md §4.1), so the two parsers agree.
 */
function expectWellFormed(xml: string, rulesXPath?: string, rules?: readonly string[]): void {
  parseXml(xml, 'generated.xml');
  if (!xmllint) return;
  const file = join(mkdtempSync(join(tmpdir(), 'tw-panos-')), 'config.xml');
  writeFileSync(file, xml);
  execFileSync('xmllint', ['--noout', file]);
  if (rulesXPath === undefined || rules === undefined) return;
  const names = rules.length === 0 ? '' : execFileSync('xmllint', ['--xpath', `${rulesXPath}/entry/@name`, file], { encoding: 'utf8' });
  expect([...names.matchAll(/name="([^"]*)"/g)].map((match) => match[1])).toEqual(rules);
}

const VSYS1_RULES = "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/rulebase/security/rules";
const parseBoth = (artifacts: readonly Artifact[], options: TargetOptionValues = {}) => panosTarget.parseArtifacts(artifacts, { resolver, options });

/** Renders both forms: XML valid for both parsers with its rules at `rulesXPath`, `set` pasteable and the same rules. */
function expectBothForms(requirements: RequirementSet, options: TargetOptionValues, rulesXPath = VSYS1_RULES) {
  const xml = artifactsOf(requirements, { ...options, format: 'xml' });
  const set = artifactsOf(requirements, { ...options, format: 'set' });
  const fromXml = parseBoth(xml, options);
  expectWellFormed(xml[0]!.content, rulesXPath, configuredRules(fromXml).map((item) => item.id));
  expectPasteable(set[0]!.content);
  expectSameRules(parseBoth(set, options), fromXml);
  return { xml, set, fromXml };
}

describe('translation', () => {
  it('lists the apex next to its wildcard, with explicit trailing slashes', () => {
    const [xml] = artifactsOf({ requirements: [requirement('r1', [host('*.example.com'), host('example.com')])] }, {});
    expect(xml!.content).toContain('<member>*.example.com/</member>');
    expect(xml!.content).toContain('<member>example.com/</member>');
    // A URL category matches by name whatever App-ID calls the flow: application any, so nothing is lost.
    expect(xml!.content).not.toContain('<member>ssl</member>');
  });
  it('names App-IDs with the applications option, and reports exactly what they leave out', () => {
    const requirements = {
      requirements: [
        requirement('web', [host('*.example.com')]),
        requirement('ssh', [{ kind: 'addresses', addresses: AddressSet.parse('20.0.0.0/8') }], { ports: PortSet.of(22) }),
        requirement('ping', [{ kind: 'addresses', addresses: AddressSet.parse('20.0.0.0/8') }], { protocols: ProtocolSet.of(1), ports: PortSet.ANY, icmp: [{ type: 8 }] }),
        requirement('unreachable', [{ kind: 'any' }], { protocols: ProtocolSet.of(1), ports: PortSet.ANY, icmp: [{ type: 3, code: 4 }] }),
      ],
    };
    const translation = panosTarget.translate(requirements, context({ applications: 'true', format: 'set' }));
    const set = translation.artifacts[0]!.content;
    expect(set).toContain('set rulebase security rules web application [ ssl web-browsing ]');
    expect(set).toContain('set rulebase security rules ssh application ssh');
    expect(set).toContain('set rulebase security rules ping application ping');
    expect(set).toContain('set rulebase security rules ping service application-default');
    const byRequirement = (id: string) => translation.diagnostics.filter((item) => item.requirementId === id).map((item) => item.code);
    expect(byRequirement('ssh')).toEqual(['PANOS_APPLICATIONS_NARROW']);
    expect(byRequirement('ping')).toEqual(['PANOS_APPLICATIONS_NARROW']);
    expect(byRequirement('unreachable')).toEqual(['PANOS_ICMP_INEXPRESSIBLE']);
    const lost = translation.diagnostics.find((item) => item.requirementId === 'ssh')!.lost!;
    expect(lost.has(parsePacket('out tcp 10.0.0.4 -> 20.1.1.1:22'))).toBe(true);
    expect(lost.has(parsePacket('out tcp 10.0.0.4 -> 20.1.1.1:22 app=ssh'))).toBe(false);
    const pingLost = translation.diagnostics.find((item) => item.requirementId === 'ping')!.lost!;
    expect(pingLost.has(parsePacket('out icmp 10.0.0.4 -> 20.1.1.1 type=8 app=ping'))).toBe(false);
    expect(pingLost.has(parsePacket('out icmp 10.0.0.4 -> 20.1.1.1 type=8 app=icmp'))).toBe(true);
    expectContractHolds(panosTarget, requirements, context({ applications: 'true' }));
  });
  it('renders exact names as FQDN objects and says what the firewall does with them', () => {
    const translation = panosTarget.translate({ requirements: [requirement('r1', [host('graph.windows.net')])] }, context());
    expect(translation.artifacts[0]!.content).toContain('<fqdn>graph.windows.net</fqdn>');
    const diagnostic = translation.diagnostics.find((item) => item.code === 'PANOS_FQDN_RESOLVED');
    expect(diagnostic?.message).toContain('at most 32 per family');
    expect(diagnostic?.lost).toBeUndefined();
  });
  it('reports ICMP and other protocols as lost', () => {
    const translation = panosTarget.translate({ requirements: [requirement('r1', [{ kind: 'any' }], { protocols: ProtocolSet.parse('tcp,gre'), ports: PortSet.ANY })] }, context());
    const lost = translation.diagnostics.find((item) => item.code === 'PANOS_PROTOCOL_INEXPRESSIBLE')?.lost;
    expect(lost?.has(parsePacket('out gre 10.0.0.1 -> 1.1.1.1'))).toBe(true);
  });
  it('writes one EDL file per tag with tags=edl, and needs its URL', () => {
    const requirements = { requirements: [requirement('r1', [{ kind: 'service-tag', name: 'Storage.WestUS' }])] };
    const artifacts = artifactsOf(requirements, { tags: 'edl', edlUrl: 'https://lists.example.com/tw/', format: 'set' });
    expect(artifacts.map((artifact) => artifact.name)).toEqual(['panos-config.set', 'edl/Storage-WestUS.txt']);
    expect(artifacts[0]!.content).toContain('set external-list tw-Storage-WestUS type ip url https://lists.example.com/tw/Storage-WestUS.txt');
    expect(artifacts[1]!.content.split('\n')).toContain(snapshot.addresses('Storage.WestUS').toCidrStrings()[0]);
    expect(error(() => artifactsOf(requirements, { tags: 'edl' })).code).toBe('TW_INVALID_OPTION');
  });
  it('places objects by location', () => {
    const requirements = { requirements: [requirement('r1', [{ kind: 'any' }])] };
    expect(artifactsOf(requirements, { location: 'device-group:Branch', format: 'set' })[0]!.content).toContain('set device-group Branch pre-rulebase security rules r1 from trust');
    expect(artifactsOf(requirements, { location: 'shared' })[0]!.content).toContain('<config>\n  <shared>');
    for (const options of [{ location: 'nowhere' }, { fromZone: 'x', toZone: 'x' }, { format: 'json' }, { fromZone: 'a"b' }]) {
      expect(error(() => artifactsOf(requirements, options)).code).toBe('TW_INVALID_OPTION');
    }
  });
  it('escapes and cuts hostile ids and purposes: names safe, stable and unique, XML valid for libxml2, set pasteable and the same rules (property)', () => {
    const nasty = fc.string({ unit: fc.constantFrom('a', 'B', '1', ' ', '<', '>', '&', '"', "'", '\n', '\t', '-', '.', '/', ']', '[', '?', '\\', 'ü', '\uFFFE', '\u0085', '\uD800'), minLength: 1, maxLength: 200 });
    const text = fc.oneof(nasty, fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }), fc.constantFrom('tagwall', 'TAGWALL', 'any', 'x'.repeat(200)));
    fc.assert(
      fc.property(fc.uniqueArray(text, { minLength: 1, maxLength: 4 }), text, (ids, purpose) => {
        const requirements: RequirementSet = { name: purpose, requirements: ids.map((id, index) => requirement(id, [index % 2 ? host('*.example.com') : { kind: 'addresses', addresses: AddressSet.parse(`20.${index}.0.0/16`) }], { purpose })) };
        const { xml, set, fromXml } = expectBothForms(requirements, {});
        const names = [...xml[0]!.content.matchAll(/<entry name="([^"]*)"/g)].map((match) => match[1]!).filter((name) => !['localhost.localdomain', 'vsys1'].includes(name));
        for (const name of names) expect(name).toMatch(SAFE_NAME);
        // Unique per namespace: tags, address objects, services, URL categories, rules (each a section of its own).
        for (const section of ['tag', 'address', 'service', 'custom-url-category', 'rules']) {
          const body = new RegExp(`<${section}>([\\s\\S]*?)\\n {10,16}</${section}>`).exec(xml[0]!.content)?.[1] ?? '';
          const entries = [...body.matchAll(/^ {12,18}<entry name="([^"]*)"/gm)].map((match) => match[1]!.toLowerCase());
          expect(new Set(entries).size, section).toBe(entries.length);
          if (section === 'rules') expect(entries).toHaveLength(ids.length);
          if (section === 'tag') expect(entries).toHaveLength(ids.length + 1);
        }
        const ruleNames = configuredRules(fromXml).map((item) => item.id);
        expect(fromXml.rules.at(-1)).toMatchObject({ id: 'interzone-default', action: 'deny' });
        expect(ruleNames).toHaveLength(ids.length);
        // Stable: the same input gives the same bytes.
        expect(artifactsOf(requirements, { format: 'set' })[0]!.content).toBe(set[0]!.content);
      }),
      { seed: SEED, numRuns: 40 },
    );
  });
  it('splits a service tag of more prefixes than a static group takes into nested groups (AzureCloud: 3,206)', () => {
    const requirements = { requirements: [requirement('cloud', [{ kind: 'service-tag', name: 'AzureCloud' }])] };
    const translation = panosTarget.translate(requirements, context({ format: 'set' }));
    const set = translation.artifacts[0]!.content;
    const members = (group: string) => set.split('\n').filter((line) => line.startsWith(`set address-group ${group} static `)).flatMap((line) => line.replace(/^.* static /, '').replace(/[[\]]/g, '').trim().split(/\s+/));
    expect(members('tw-AzureCloud')).toEqual(['tw-AzureCloud-1', 'tw-AzureCloud-2']);
    expect(members('tw-AzureCloud-1')).toHaveLength(2500);
    expect(members('tw-AzureCloud-2')).toHaveLength(snapshot.addresses('AzureCloud').toCidrStrings().length - 2500);
    // Defined before the group that names them.
    expect(set.indexOf('set address-group tw-AzureCloud-2 ')).toBeLessThan(set.indexOf('set address-group tw-AzureCloud static'));
    expect(translation.diagnostics.map((item) => item.code)).toEqual(['PANOS_GROUP_SPLIT']);
    expectContractHolds(panosTarget, requirements, context({ format: 'set' }));
  });
  it('holds FQDN objects to the platform class given', () => {
    const names = Array.from({ length: 2001 }, (_, index) => host(`h${index}.example.com`));
    const codes = (platform: string) => panosTarget.translate({ requirements: [requirement('many', names)] }, context({ platform })).diagnostics.map((item) => item.code);
    expect(codes('vm')).toContain('PANOS_FQDN_OBJECT_LIMIT');
    expect(codes('large')).not.toContain('PANOS_FQDN_OBJECT_LIMIT');
    expect(error(() => codes('pa-9000')).code).toBe('TW_INVALID_OPTION');
  });
  it('keeps the provenance tag when a requirement is called tagwall', () => {
    const [xml] = artifactsOf({ requirements: [requirement('tagwall', [{ kind: 'any' }]), requirement('TagWall', [{ kind: 'any' }])] }, {});
    const tags = /<tag>\n([\s\S]*?)\n {10}<\/tag>/.exec(xml!.content)![1]!;
    expect([...tags.matchAll(/<entry name="([^"]*)"/g)].map((match) => match[1]!.toLowerCase()).filter((name) => name.startsWith('tagwall'))).toHaveLength(3);
    expect(tags.match(/<entry name="tagwall">/g)).toHaveLength(1);
  });
  it('leaves out URL paths an entry cannot carry literally, and says so with the exact loss', () => {
    const endpoints: Endpoint[] = ['/a b/', '/p^q/', '/w*/', '/q?x=1', '/"x"/', '/ok/'].map((path) => ({ kind: 'url', pattern: parseHostPattern('x.example.com'), path }));
    const requirements = { requirements: [requirement('r1', endpoints)] };
    const translation = panosTarget.translate(requirements, context({ format: 'set' }));
    expect(translation.artifacts[0]!.content).toContain('list x.example.com/ok/');
    expectPasteable(translation.artifacts[0]!.content);
    const lost = translation.diagnostics.filter((item) => item.code === 'PANOS_URL_PATH_INEXPRESSIBLE');
    expect(lost).toHaveLength(5);
    expect(lost[0]!.lost?.has(parsePacket('out tcp 10.0.0.1 -> 1.1.1.1:443 host=x.example.com path=/p^q/z'))).toBe(false);
    expect(lost[1]!.lost?.has(parsePacket('out tcp 10.0.0.1 -> 1.1.1.1:443 host=x.example.com path=/p^q/z'))).toBe(true);
    expectContractHolds(panosTarget, requirements, context());
  });
  it('keeps URL category entries within 255 characters and lists the apex only when the requirement names it', () => {
    const long: Endpoint = { kind: 'url', pattern: parseHostPattern('x.example.com'), path: `/${'a'.repeat(250)}/` };
    const translation = panosTarget.translate({ requirements: [requirement('r1', [host('*.example.com'), long])] }, context());
    const entries = [...translation.artifacts[0]!.content.matchAll(/<member>([^<]*\/)<\/member>/g)].map((match) => match[1]!);
    expect(entries).toEqual(['*.example.com/']);
    expect(translation.diagnostics.map((item) => item.code)).toContain('PANOS_URL_ENTRY_TOO_LONG');
  });
  it('checks the EDL URL: no query, at most 255 characters, one file per tag', () => {
    const requirements = { requirements: [requirement('r1', [{ kind: 'service-tag', name: 'Storage.WestUS' }, { kind: 'service-tag', name: 'Storage.EastUS' }])] };
    expect(error(() => artifactsOf(requirements, { tags: 'edl', edlUrl: 'https://x.example/list?token=1' })).code).toBe('TW_INVALID_OPTION');
    expect(error(() => artifactsOf(requirements, { tags: 'edl', edlUrl: `https://x.example/${'d'.repeat(230)}` })).message).toContain('255');
    const artifacts = artifactsOf(requirements, { tags: 'edl', edlUrl: 'https://x.example/tw' });
    expect(artifacts.map((artifact) => artifact.name)).toEqual(['panos-config.xml', 'edl/Storage-WestUS.txt', 'edl/Storage-EastUS.txt']);
    expect(artifacts[0]!.content).toContain('<url>https://x.example/tw/Storage-EastUS.txt</url>');
  });
});

// ─── the contract (DESIGN.md laws 1–3) ──────────────────────────────────────────────────────────────────

const tag = (name: string): Endpoint => ({ kind: 'service-tag', name });
const literal = (text: string): Endpoint => ({ kind: 'addresses', addresses: AddressSet.parse(text) });
const SOURCES: readonly Endpoint[] = [tag('VirtualNetwork'), { kind: 'any' }, literal('10.1.0.0/24'), literal('10.2.0.0/16, 2001:db8:1::/48'), host('build.example.com')];
const DESTINATIONS: readonly Endpoint[] = [
  tag('Storage.WestUS'),
  tag('AzureLoadBalancer'),
  tag('Internet'),
  literal('20.150.0.0/24'),
  literal('2603:1000::/40'),
  { kind: 'any' },
  host('graph.windows.net'),
  host('*.blob.core.windows.net'),
  host('example.com'),
  host('*.example.com'),
  { kind: 'url', pattern: parseHostPattern('raw.githubusercontent.com'), path: '/org/repo/' },
  { kind: 'url', pattern: parseHostPattern('*.example.net'), path: '/a' },
];
const randomRequirementSet: fc.Arbitrary<RequirementSet> = fc
  .array(
    fc.record({
      direction: fc.constantFrom('in' as const, 'out' as const),
      protocols: fc.constantFrom(...['tcp', 'udp', 'tcp,udp', 'any', 'icmp', 'gre', 'tcp,esp'].map((text) => ProtocolSet.parse(text))),
      ports: fc.constantFrom(...['any', '443', '80,443', '1000-2000', '0', '65535'].map((text) => PortSet.parse(text))),
      icmp: fc.boolean(),
      sources: fc.uniqueArray(fc.constantFrom(...SOURCES), { minLength: 1, maxLength: 2 }),
      destinations: fc.uniqueArray(fc.constantFrom(...DESTINATIONS), { minLength: 1, maxLength: 3 }),
    })
      // A host-name source and ports on icmp/gre/esp are refused before translation (src/model/requirement-check.ts).
      .filter(({ icmp: _icmp, ...fields }) => requirementProblem({ ...requirement('probe', fields.destinations), ...fields }) === undefined),
    { minLength: 1, maxLength: 4 },
  )
  .map((drafts) => ({
    name: 'random',
    requirements: drafts.map(({ icmp, ...fields }, index) => ({
      ...requirement(`r${index}`, fields.destinations),
      ...fields,
      ...(icmp && fields.protocols.has(1) && fields.ports.isAny() ? { icmp: [{ type: 8 }] } : {}),
    })),
  }));

describe('a long list of CIDRs as columns (issue 22)', () => {
  /** The model with its columns made into objects: what the build makes of every list when none may be columns. */
  const expanded = (model: PanosModel): PanosModel => ({ ...model, addresses: [...addressObjects(model.addresses)] });
  // Lists from a small pool of blocks, so that lists share CIDRs (an object each, shared), mixed with IPv6 with and
  // without `::` (whose names panosName merges), service tags (their groups' objects) and host names (FQDN objects).
  const block = fc.oneof(
    fc.integer({ min: 0, max: 40 }).map((n) => `20.${n >> 3}.${(n & 7) * 2}.0/24`),
    fc.integer({ min: 0, max: 8 }).map((n) => `2603:10${n}:1:2:3:4:5:0/112`),
    fc.integer({ min: 0, max: 8 }).map((n) => `2001:db8:${n}::/48`),
  );
  const endpoint: fc.Arbitrary<Endpoint> = fc.oneof(
    { weight: 4, arbitrary: fc.array(block, { minLength: 1, maxLength: 30 }).map((blocks) => literal(blocks.join(', '))) },
    { weight: 1, arbitrary: fc.constantFrom(tag('AzureLoadBalancer'), tag('AzureCloud.westus'), host('example.com'), host('api.example.com')) },
  );
  const requirements = fc.array(fc.array(endpoint, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }).map(
    (lists): RequirementSet => ({ name: 'columns', requirements: lists.map((destinations, index) => requirement(`r${index}`, destinations, index % 2 && destinations[0]!.kind === 'addresses' ? { sources: destinations.slice(0, 1) } : {})) }),
  );

  it('builds the model the object-per-CIDR build makes, and both writers write the same text (property)', () => {
    fc.assert(
      fc.property(requirements, fc.constantFrom(1, 2, 5), (drawn, columnsFrom) => {
        for (const options of [{}, { format: 'set' as const, tags: 'edl' as const, edlUrl: 'https://edl.example.com' }]) {
          const settings = readPanosSettings(options);
          const general = buildPanosModel(drawn, context(options), settings, Number.POSITIVE_INFINITY);
          const columns = buildPanosModel(drawn, context(options), settings, columnsFrom);
          expect(general.model.addresses.some(isAddressColumns)).toBe(false);
          expect(expanded(columns.model)).toEqual(general.model);
          expect(columns.drafts).toEqual(general.drafts);
          expect(renderPanosXml(columns.model)).toBe(renderPanosXml(general.model));
          expect(renderPanosSet(columns.model)).toBe(renderPanosSet(general.model));
        }
      }),
      { seed: SEED, numRuns: 150 },
    );
  });

  it('holds a list of 5,000 CIDRs as one entry of columns, and a second list sharing one of them as objects', () => {
    const many = literal(Array.from({ length: 5000 }, (_, i) => `30.${i >> 8}.${i & 255}.0/30`).join(', '));
    const drawn: RequirementSet = { name: 'long', requirements: [requirement('long', [many]), requirement('again', [literal('30.0.1.0/30, 31.0.0.0/8')])] };
    const { model } = buildPanosModel(drawn, context(), readPanosSettings({}));
    expect(model.addresses.map((entry) => (isAddressColumns(entry) ? entry.names.length : entry.name))).toEqual(['tw-10-0-0-0_24', 5000, 'tw-31-0-0-0_8']);
    expect(model.rules[0]!.destination).toHaveLength(5000);
    expect(model.rules[1]!.destination).toEqual(['tw-30-0-1-0_30', 'tw-31-0-0-0_8']);
    const general = buildPanosModel(drawn, context(), readPanosSettings({}), Number.POSITIVE_INFINITY).model;
    expect(renderPanosXml(model)).toBe(renderPanosXml(general));
  });
});

describe('contract on random requirement sets', () => {
  for (const options of [{ format: 'xml' }, { format: 'set', tags: 'edl', edlUrl: 'https://lists.example.com', location: 'device-group:DG', fromZone: 'inside', toZone: 'outside' }, { format: 'set', applications: 'true' }] as TargetOptionValues[]) {
    it(`holds with ${JSON.stringify(options)}`, () => {
      fc.assert(
        fc.property(randomRequirementSet, (requirements) => expectContractHolds(panosTarget, requirements, context(options))),
        { seed: SEED, numRuns: 40 },
      );
    });
  }
});

describe('every catalogue scenario', () => {
  for (const scenario of scenarioIds()) {
    it(`${scenario}: golden files, well-formed XML, set = XML`, async () => {
      const requirements = loadScenario(scenario, { region: 'westus' });
      const options = { tags: 'edl', edlUrl: 'https://lists.example.com/tagwall' };
      const { xml, set } = expectBothForms(requirements, options);
      await expect(xml[0]!.content).toMatchFileSnapshot(goldenFile('panos', `${scenario}.xml`));
      await expect(set[0]!.content).toMatchFileSnapshot(goldenFile('panos', `${scenario}.set`));
      expect(set.slice(1)).toEqual(xml.slice(1));
    });
    it(`${scenario}: with address groups, set = XML rule by rule, pasteable, valid XML`, () => {
      expectBothForms(loadScenario(scenario, { region: 'westus' }), {});
    });
  }
  const LOCATIONS: Array<[string, string]> = [
    ['vsys3', "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys3']/rulebase/security/rules"],
    ['device-group:Branch Offices', "/config/devices/entry[@name='localhost.localdomain']/device-group/entry[@name='Branch Offices']/pre-rulebase/security/rules"],
    ['shared', '/config/shared/pre-rulebase/security/rules'],
  ];
  for (const [location, xpath] of LOCATIONS) {
    it(`places objects and rules at ${location} (targets.md §4.1), in both forms`, () => {
      const requirements = loadScenario('data-exfiltration-prevention', { region: 'westus' });
      const options = { location, tags: 'edl', edlUrl: 'https://lists.example.com/tw', fromZone: 'inside zone', toZone: 'outside' };
      const { set, fromXml } = expectBothForms(requirements, options, xpath);
      expect(fromXml.rules.length).toBeGreaterThan(0);
      const prefix = { vsys3: 'set vsys vsys3 ', shared: 'set shared ' }[location] ?? 'set device-group "Branch Offices" ';
      for (const line of set[0]!.content.trimEnd().split('\n')) expect(line.startsWith(prefix), line).toBe(true);
      expect(set[0]!.content).toContain(`from "inside zone"`);
    });
  }
  for (const scenario of ['inbound-udr', 'kubernetes'] as const) {
    it(`${scenario}: golden files with address groups`, async () => {
      const requirements = loadScenario(scenario, { region: 'westus' });
      await expect(artifactsOf(requirements, { format: 'xml' })[0]!.content).toMatchFileSnapshot(goldenFile('panos', `${scenario}.groups.xml`));
      await expect(artifactsOf(requirements, { format: 'set' })[0]!.content).toMatchFileSnapshot(goldenFile('panos', `${scenario}.groups.set`));
    });
  }
  it.skipIf(!xmllint)('checks well-formedness with xmllint too (skipped: xmllint not installed)', () => {
    expect(xmllint).toBe(true);
  });
});

// ─── docs/targets/panos.md shows real output and every code ─────────────────────────────────────────────

describe('docs/targets/panos.md', () => {
  const doc = readFileSync(new URL('../../../docs/targets/panos.md', import.meta.url), 'utf8');
  const blocks = [...doc.matchAll(/```(\w*)\n([\s\S]*?)\n```/g)].map((match) => ({ language: match[1]!, body: match[2]! }));
  const sources = ['build.ts', 'parse.ts'].map((file) => readFileSync(new URL(file, import.meta.url), 'utf8')).join('\n');

  it('lists every diagnostic code the target emits, and no other', () => {
    const emitted = new Set(sources.match(/'PANOS_[A-Z_]+'/g)!.map((code) => code.slice(1, -1)));
    const documented = new Set([...doc.matchAll(/^\| `(PANOS_[A-Z_]+)` \|/gm)].map((match) => match[1]!));
    expect(emitted.size).toBeGreaterThan(10);
    expect([...documented].sort()).toEqual([...emitted].sort());
  });
  it('shows what render prints for fixtures/panos/docs-sample.yaml, in both formats', () => {
    const requirements = loadRequirementsFile('fixtures/panos/docs-sample.yaml');
    expect(blocks.find((block) => block.language === 'yaml')!.body, 'the YAML block is the fixture').toBe(readFileSync('fixtures/panos/docs-sample.yaml', 'utf8').split('\n').slice(1).join('\n').trimEnd());
    const options = { tags: 'edl', edlUrl: 'https://lists.example.com/tw' };
    const set = panosTarget.translate(requirements, context({ ...options, format: 'set' }));
    const xml = artifactsOf(requirements, { ...options, format: 'xml' });
    const command = blocks.find((block) => block.language === 'console' && block.body.includes('docs-sample.yaml'))!.body.split('\n');
    expect(command.slice(1)).toEqual(set.diagnostics.map((item) => `${item.severity}: ${item.code}: ${item.message}`));
    expect(blocks.find((block) => block.body.startsWith('set tag tagwall'))!.body).toBe(set.artifacts[0]!.content.trimEnd());
    // The XML sample is abridged: its lines, without the `...` marks, appear in this order in the real output.
    const sample = blocks.find((block) => block.language === 'xml')!.body.split('\n').filter((line) => line.trim() !== '...');
    const real = xml[0]!.content.split('\n');
    let at = 0;
    for (const line of sample) {
      at = real.indexOf(line, at);
      expect(at, line).toBeGreaterThanOrEqual(0);
    }
    expect(sample.length).toBeGreaterThan(40);
    const edl = blocks.find((block) => /^\d+\.\d+\.\d+\.\d+\/\d+\n/.test(block.body))!.body;
    expect(xml[1]!.content.startsWith(`${edl}\n`)).toBe(true);
  });
  it('shows the error check gives when the zones are not named', () => {
    const file = 'fixtures/panos/running-config.xml';
    const caught = error(() => parsePanosConfig({ content: readFileSync(file, 'utf8'), file }, { resolver, options: {} }));
    const shown = blocks.find((block) => block.language === 'console' && block.body.includes('tagwall check'))!.body.split('\n')[1];
    expect(shown).toBe(`tagwall: ${file}:${caught.location?.line}: ${caught.message}`);
  });
});
