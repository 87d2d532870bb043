/**
 * PAN-OS and Panorama configs as they exist in the field (issue 18): default rules, device-group hierarchies and
 * duplicate entries, configs without zones, `set` exports with `delete` and navigation, predefined EDLs.
 */
import { describe, expect, it } from 'vitest';
import { thrownError as error } from '../../../test/support/errors.js';
import { evaluate } from '../../analysis/questions.js';
import { expandedResolver } from '../../analysis/resolve.js';
import type { RuleSet } from '../../analysis/rule-set.js';
import { parsePacket } from '../../model/packet.js';
import { defaultSnapshot } from '../../servicetags/snapshot.js';
import type { TargetOptionValues } from '../target.js';
import { parsePanosConfig } from './parse.js';

const resolver = expandedResolver(defaultSnapshot('Public'));
const parse = (content: string, options: TargetOptionValues = {}): RuleSet => parsePanosConfig({ content, file: 'config' }, { resolver, options });
/** The deciding rule and action for a packet, as `tagwall eval` prints them. */
const decide = (ruleSet: RuleSet, packet: string): string => {
  const verdict = evaluate(ruleSet, parsePacket(packet));
  return `${verdict.action} by ${verdict.rule?.id ?? 'default'}`;
};

const m = (tag: string, ...values: string[]) => `<${tag}>${values.map((value) => `<member>${value}</member>`).join('')}</${tag}>`;
const rule = (name: string, { from = 'any', to = 'any', source = 'any', destination = 'any', service = 'any', action = 'allow', extra = '' } = {}) =>
  `<entry name="${name}">${m('from', from)}${m('to', to)}${m('source', source)}${m('destination', destination)}${m('application', 'any')}${m('service', service)}<action>${action}</action>${extra}</entry>`;
const rules = (...entries: string[]) => `<security><rules>${entries.join('')}</rules></security>`;
const defaults = (interzone?: string, intrazone?: string) =>
  `<default-security-rules><rules>${intrazone ? `<entry name="intrazone-default"><action>${intrazone}</action><log-end>yes</log-end></entry>` : ''}${interzone ? `<entry name="interzone-default"><action>${interzone}</action><log-start>no</log-start></entry>` : ''}</rules></default-security-rules>`;
const zones = '<zone><entry name="trust"/><entry name="untrust"/><entry name="dmz"/></zone>';
const vsys = (inner: string) => `<config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1">${inner}</entry></vsys></entry></devices></config>`;

describe('default security rules (targets.md §4.1 [PAN-SP])', () => {
  it('decide after the rulebase: interzone-default deny, overridden to allow; shown as the deciding rule', () => {
    const only = rule('ssh', { to: 'dmz', service: 'ssh-svc' });
    const svc = '<service><entry name="ssh-svc"><protocol><tcp><port>22</port></tcp></protocol></entry></service>';
    const predefined = parse(vsys(zones + svc + `<rulebase>${rules(only)}</rulebase>`));
    expect(decide(predefined, 'out tcp 10.0.0.4 -> 8.8.8.8:443')).toBe('deny by interzone-default');
    expect(predefined.rules.at(-1)!.origin?.text).toBe('interzone-default: deny (predefined default rule)');
    const open = parse(vsys(zones + svc + `<rulebase>${rules(only)}${defaults('allow')}</rulebase>`));
    expect(decide(open, 'out tcp 10.0.0.4 -> 8.8.8.8:443')).toBe('allow by interzone-default');
    expect(decide(open, 'in udp 8.8.8.8 -> 10.0.0.4:53')).toBe('allow by interzone-default');
    expect(open.rules.at(-1)!.origin).toMatchObject({ line: 1, text: 'interzone-default: allow (overridden)' });
    // The same in set form, as baselines write it.
    const set = parse(['set zone trust network layer3 ethernet1/2', 'set zone untrust network layer3 ethernet1/1', 'set rulebase default-security-rules rules interzone-default action allow', 'set rulebase default-security-rules rules interzone-default log-end yes'].join('\n'));
    expect(decide(set, 'out tcp 10.0.0.4 -> 8.8.8.8:443')).toBe('allow by interzone-default');
  });
  it('within one zone: intrazone-default allows unless overridden; rule types intrazone and interzone', () => {
    const intrazoneOnly = rule('same-zone-deny', { from: 'trust', to: 'trust', action: 'deny', extra: '<rule-type>intrazone</rule-type>', destination: '10.9.0.0/16' });
    const interzoneOnly = rule('between-zones', { extra: '<rule-type>interzone</rule-type>', destination: '10.8.0.0/16' });
    const config = (defaultRules = '') => vsys(zones + `<rulebase>${rules(intrazoneOnly, interzoneOnly)}${defaultRules}</rulebase>`);
    const within = parse(config(), { fromZone: 'trust', toZone: 'trust' });
    expect(decide(within, 'out tcp 10.0.0.4 -> 10.1.0.5:445')).toBe('allow by intrazone-default');
    expect(decide(within, 'in tcp 10.1.0.5 -> 10.9.0.4:445')).toBe('deny by same-zone-deny');
    expect(decide(within, 'out tcp 10.0.0.4 -> 10.8.0.5:445')).toBe('allow by intrazone-default');
    const between = parse(config());
    expect(decide(between, 'out tcp 10.0.0.4 -> 10.9.0.5:445')).toBe('deny by interzone-default');
    expect(decide(between, 'out tcp 10.0.0.4 -> 10.8.0.5:445')).toBe('allow by between-zones');
    const closed = parse(config(defaults(undefined, 'reset-both')), { fromZone: 'dmz', toZone: 'dmz' });
    expect(decide(closed, 'out tcp 10.0.0.4 -> 10.1.0.5:445')).toBe('deny by intrazone-default');
  });
  it('refuses what would change a default rule and is not modelled', () => {
    const caught = error(() => parse(vsys(zones + '<rulebase><default-security-rules><rules><entry name="interzone-default"><action>allow</action><schedule>x</schedule></entry></rules></default-security-rules></rulebase>')));
    expect(caught).toMatchObject({ code: 'TW_UNSUPPORTED_CONFIG' });
    expect(caught.message).toContain("default-security-rules/rules/entry[@name='interzone-default']/schedule");
  });
});

/** A Panorama config: shared, a parent group and a child group (two sibling entries), the hierarchy in `readonly`. */
function panorama({ childFirstHalf = '', childSecondHalf = '', parent = '', shared = '', readonly = true } = {}): string {
  return (
    '<config><devices><entry name="localhost.localdomain"><device-group>' +
    `<entry name="parent">${parent}</entry>` +
    `<entry name="child"><devices><entry name="007951000123456"/></devices>${readonly ? '' : '<parent-dg>parent</parent-dg>'}${childFirstHalf}</entry>` +
    `<entry name="child">${childSecondHalf}</entry>` +
    '</device-group></entry></devices>' +
    `<shared>${shared}</shared>` +
    (readonly ? '<readonly><devices><entry name="localhost.localdomain"><device-group><entry name="parent"><id>11</id></entry><entry name="child"><id>12</id><parent-dg>parent</parent-dg></entry></device-group></entry></devices></readonly>' : '') +
    '</config>'
  );
}

describe('Panorama device groups (layout.ts [PAN-DGP][PAN-DGOBJ])', () => {
  const pre = (...entries: string[]) => `<pre-rulebase>${rules(...entries)}</pre-rulebase>`;
  const post = (...entries: string[]) => `<post-rulebase>${rules(...entries)}</post-rulebase>`;
  const config = (readonly = true) =>
    panorama({
      readonly,
      shared: '<address><entry name="web"><ip-netmask>20.0.0.1</ip-netmask></entry></address>' + pre(rule('shared-pre', { destination: '30.0.0.0/8', action: 'deny' })) + post(rule('shared-post', { destination: 'web' })),
      parent: '<address><entry name="web"><ip-netmask>20.0.0.2</ip-netmask></entry></address>' + pre(rule('parent-pre', { destination: '30.1.0.0/16' }), rule('parent-web', { destination: 'web', service: 'any', action: 'deny' })) + post(rule('parent-post', { destination: '40.0.0.0/8', action: 'deny' })),
      childFirstHalf: pre(rule('child-pre', { destination: '30.1.2.0/24', action: 'deny' })),
      childSecondHalf: '<address><entry name="web"><ip-netmask>20.0.0.3</ip-netmask></entry></address>' + post(rule('child-post', { destination: '40.1.0.0/16' })),
    });
  it('merges duplicate entries, follows the parent, orders shared → parent → child pre, child → parent → shared post', () => {
    for (const readonly of [true, false]) {
      const ruleSet = parse(config(readonly), { location: 'device-group:child' });
      expect(ruleSet.rules.map((item) => item.id)).toEqual(['shared-pre', 'parent-pre', 'parent-web', 'child-pre', 'child-post', 'parent-post', 'shared-post', 'interzone-default']);
      // Pre before post, ancestors' pre first: shared-pre denies 30/8 before parent-pre can allow 30.1/16.
      expect(decide(ruleSet, 'out tcp 10.0.0.4 -> 30.1.0.1:443')).toBe('deny by shared-pre');
      // child-post (allow 40.1/16) comes before parent-post (deny 40/8).
      expect(decide(ruleSet, 'out tcp 10.0.0.4 -> 40.1.0.1:443')).toBe('allow by child-post');
      expect(decide(ruleSet, 'out tcp 10.0.0.4 -> 40.2.0.1:443')).toBe('deny by parent-post');
      // `web` is the child's object (20.0.0.3) in every rule, the parent's and shared rules too.
      expect(decide(ruleSet, 'out tcp 10.0.0.4 -> 20.0.0.3:443')).toBe('deny by parent-web');
      expect(decide(ruleSet, 'out tcp 10.0.0.4 -> 20.0.0.2:443')).toBe('deny by interzone-default');
      expect(ruleSet.notes?.join('\n')).toContain("duplicate entries merged into one, as PAN-OS loads them: /config/devices/entry[@name='localhost.localdomain']/device-group/entry[@name='child']");
    }
    const parentOnly = parse(config(), { location: 'device-group:parent' });
    expect(parentOnly.rules.map((item) => item.id)).toEqual(['shared-pre', 'parent-pre', 'parent-web', 'parent-post', 'shared-post', 'interzone-default']);
    expect(decide(parentOnly, 'out tcp 10.0.0.4 -> 20.0.0.2:443')).toBe('deny by parent-web');
  });
  it('asks for the location naming each group once, and refuses broken hierarchies', () => {
    const ambiguous = error(() => parse(config()));
    expect(ambiguous).toMatchObject({ code: 'TW_INVALID_OPTION' });
    expect(ambiguous.message).toContain('the config has device-group:parent, device-group:child; choose one');
    const cycle = panorama({ readonly: false }).replace('<entry name="parent">', '<entry name="parent"><parent-dg>child</parent-dg>');
    expect(error(() => parse(cycle, { location: 'device-group:child' })).message).toContain('cycle');
    const orphan = panorama({ readonly: false }).replace('<parent-dg>parent</parent-dg>', '<parent-dg>gone</parent-dg>');
    expect(error(() => parse(orphan, { location: 'device-group:child' })).message).toContain("has parent 'gone', which the config does not define");
    expect(error(() => parse(config(), { location: 'device-group:nope' })).message).toContain("no device-group 'nope' (it has parent, child)");
  });
  it('uses the nearest default-rule override: the group, its ancestors, then shared', () => {
    const overrides = (where: 'parent' | 'shared') =>
      panorama({ [where]: `<post-rulebase>${defaults(where === 'parent' ? 'allow' : 'deny')}</post-rulebase>`, ...(where === 'parent' ? { shared: `<post-rulebase>${defaults('deny')}</post-rulebase>` } : {}) });
    expect(decide(parse(overrides('parent'), { location: 'device-group:child' }), 'out tcp 10.0.0.4 -> 8.8.8.8:443')).toBe('allow by interzone-default');
    expect(decide(parse(overrides('shared'), { location: 'device-group:child' }), 'out tcp 10.0.0.4 -> 8.8.8.8:443')).toBe('deny by interzone-default');
  });
});

describe('configs without zone definitions (Panorama device groups, aerleon output)', () => {
  const aerleon = vsys(`<rulebase>${rules(rule('allow-web', { from: 'internal', to: 'external', destination: '20.0.0.0/8', service: 'service-https' }), rule('from-dmz', { from: 'dmz', to: 'external' }))}</rulebase>`);
  it('reads the rules for the zones they name and says which pair it assumed', () => {
    const ruleSet = parse(aerleon);
    expect(decide(ruleSet, 'out tcp 10.0.0.4 -> 20.1.1.1:443')).toBe('allow by allow-web');
    expect(decide(ruleSet, 'in tcp 20.1.1.1 -> 10.0.0.4:443')).toBe('deny by interzone-default');
    expect(ruleSet.notes?.[0]).toBe(
      "/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1'] defines no zones; assumed 'internal' → 'external' (outbound; inbound is 'external' → 'internal'), the first pair a rule names; the rulebase names the zones internal, external, dmz; choose others with --from-zone and --to-zone",
    );
    const dmz = parse(aerleon, { fromZone: 'dmz', toZone: 'external' });
    expect(decide(dmz, 'out udp 10.0.0.4 -> 8.8.8.8:53')).toBe('allow by from-dmz');
    expect(dmz.notes?.[0]).toContain("read for 'dmz' → 'external'");
  });
  it('refuses a zone pair no rule covers, listing the zones the rulebase uses', () => {
    const caught = error(() => parse(aerleon, { fromZone: 'trust', toZone: 'untrust' }));
    expect(caught).toMatchObject({ code: 'TW_INVALID_OPTION' });
    expect(caught.message).toContain("no rule of /config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1'] names the zones 'trust' → 'untrust'");
    expect(caught.message).toContain('the rulebase names the zones internal, external, dmz');
  });
  it('keeps the default pair when every rule says any, and says so', () => {
    const ruleSet = parse(vsys(`<rulebase>${rules(rule('all'))}</rulebase>`));
    expect(decide(ruleSet, 'in tcp 8.8.8.8 -> 10.0.0.4:22')).toBe('allow by all');
    expect(ruleSet.notes?.[0]).toContain("read for 'trust' → 'untrust' (outbound; inbound is 'untrust' → 'trust') (the default pair); no rule names a zone");
  });
});

describe('custom applications (as capirca/aerleon write ICMP)', () => {
  it('read their default ports and ICMP types for application-default, in both forms', () => {
    const xml = vsys(
      zones +
        '<application><entry name="ICMP-echo"><category>networking</category><subcategory>ip-protocol</subcategory><technology>network-protocol</technology><risk>1</risk>' +
        '<default><ident-by-icmp-type><type>8</type><code>0</code></ident-by-icmp-type></default></entry>' +
        '<entry name="app-8443"><default><port><member>tcp/8443,9443</member><member>udp/8443</member></port></default></entry></application>' +
        `<rulebase>${rules(rule('ping', { extra: '' }).replace(m('application', 'any'), m('application', 'ICMP-echo')).replace(m('service', 'any'), m('service', 'application-default')), rule('alt', {}).replace(m('application', 'any'), m('application', 'app-8443')).replace(m('service', 'any'), m('service', 'application-default')))}</rulebase>`,
    );
    const set = [
      'set zone trust network layer3 ethernet1/2',
      'set zone untrust network layer3 ethernet1/1',
      'set application ICMP-echo category networking risk 1',
      'set application ICMP-echo default ident-by-icmp-type type 8 code 0',
      'set application app-8443 default port [ tcp/8443,9443 udp/8443 ]',
      'set rulebase security rules ping from any to any source any destination any application ICMP-echo service application-default action allow',
      'set rulebase security rules alt from any to any source any destination any application app-8443 service application-default action allow',
    ].join('\n');
    for (const ruleSet of [parse(xml), parse(set)]) {
      expect(decide(ruleSet, 'out icmp 10.0.0.4 -> 8.8.8.8 type=8 code=0 app=icmp-echo')).toBe('allow by ping');
      expect(decide(ruleSet, 'out icmp 10.0.0.4 -> 8.8.8.8 type=8 code=1 app=icmp-echo')).toBe('deny by interzone-default');
      expect(decide(ruleSet, 'out tcp 10.0.0.4 -> 8.8.8.8:9443 app=app-8443')).toBe('allow by alt');
      expect(decide(ruleSet, 'out udp 10.0.0.4 -> 8.8.8.8:9443 app=app-8443')).toBe('deny by interzone-default');
      expect(ruleSet.notes?.join('\n') ?? '').not.toContain('matched by name only');
    }
  });
});

describe('set-command exports', () => {
  it('apply delete, edit/up/top, and list every subtree they skip in one note', () => {
    const ruleSet = parse(
      [
        '# exported with: show config running format set',
        'delete mgt-config users admin',
        'set deviceconfig system hostname fw1',
        'set network interface ethernet ethernet1/1 layer3 dhcp-client',
        'set profiles virus Outbound-AV decoder smtp action reset-both',
        'set address web ip-netmask 20.1.0.0/24',
        'set address old ip-netmask 20.2.0.0/24',
        'edit rulebase security rules web',
        'set from any to any source any destination [ web old ] application any service any action allow',
        'set log-setting default',
        'up',
        'set gone from any to any source any destination any application any service any action allow',
        'top',
        'delete rulebase security rules gone',
        'edit rulebase security rules',
        'up',
        'up',
        'set security rules later from any to any source any destination 20.3.0.0/24 application any service any action deny',
        'top',
        'delete rulebase security rules web destination old',
        'set rulebase nat rules snat from trust',
        'set rulebase security rules web source-hip any',
      ].join('\n'),
    );
    expect(ruleSet.rules.map((item) => item.id)).toEqual(['web', 'later', 'interzone-default']);
    expect(decide(ruleSet, 'out tcp 10.0.0.4 -> 20.1.0.9:443')).toBe('allow by web');
    expect(decide(ruleSet, 'out tcp 10.0.0.4 -> 20.3.0.9:443')).toBe('deny by later');
    expect(decide(ruleSet, 'out tcp 10.0.0.4 -> 20.2.0.9:443')).toBe('deny by interzone-default');
    const skipped = ruleSet.notes!.find((note) => note.startsWith('not interpreted'))!;
    for (const part of ['/config/mgt-config', "/config/devices/entry[@name='localhost.localdomain']/deviceconfig", "/config/devices/entry[@name='localhost.localdomain']/network", "vsys/entry[@name='vsys1']/profiles/virus", "vsys/entry[@name='vsys1']/rulebase/nat", 'rule fields log-setting']) {
      expect(skipped).toContain(part);
    }
  });
  it('read hip-profiles any (the pre-10.0 spelling) and refuse other profiles', () => {
    const base = 'set shared pre-rulebase security rules r from any to any source any destination any application any service any action allow';
    expect(parse(`${base}\nset shared pre-rulebase security rules r hip-profiles any`, { location: 'shared' }).rules[0]!.id).toBe('r');
    expect(error(() => parse(`${base}\nset shared pre-rulebase security rules r hip-profiles corp-laptops`, { location: 'shared' })).code).toBe('TW_UNSUPPORTED_CONFIG');
  });
  it('read predefined EDLs as opaque named sets, and say which answers depend on them', () => {
    const ruleSet = parse(
      [
        'set rulebase security rules "Outbound Block Rule" from any to any source any destination [ panw-highrisk-ip-list panw-known-ip-list ] application any service any action deny',
        'set rulebase security rules all from any to any source any destination any application any service any action allow',
      ].join('\n'),
    );
    expect(decide(ruleSet, 'out tcp 10.0.0.4 -> 255.254.1.9:443')).toBe('deny by Outbound Block Rule');
    expect(decide(ruleSet, 'out tcp 10.0.0.4 -> 8.8.8.8:443')).toBe('allow by all');
    expect(ruleSet.rules[0]!.origin?.text).toContain('depends on the live contents of panw-highrisk-ip-list, panw-known-ip-list');
    expect(ruleSet.notes?.join('\n')).toContain('panw-known-ip-list (stands as 255.254.1.0/24, 100::fffe:1:0:0/96; rules Outbound Block Rule)');
    expect(error(() => parse('set rulebase security rules r from any to any source any destination panw-auth-portal-exclude-list application any service any action allow')).code).toBe('TW_UNSUPPORTED_CONFIG');
  });
  it('two XML documents in one file are one error that says so', () => {
    const one = vsys('');
    const caught = error(() => parse(`<?xml version="1.0"?>\n${one}\n<?xml version="1.0"?>\n${one}\n`));
    expect(caught).toMatchObject({ code: 'TW_INVALID_CONFIG', location: { line: 3, column: 1 } });
    expect(caught.message).toContain('a second XML document starts here');
    expect(error(() => parse(`${one}\n<!-- next -->\n${one}`)).message).toContain('a second XML document starts here');
  });
});
