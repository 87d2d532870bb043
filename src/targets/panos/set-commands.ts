/**
 * Configure-mode `set` commands read into the same element tree as the XML form (xml.ts), so one interpreter
 * (parse.ts) gives both their meaning. A `set` path is the XML path with entry names inline
 * (`set address A ip-netmask 10.0.0.0/8` = `address/entry[@name='A']/ip-netmask`), so reading it needs to know
 * which keywords take a name: the grammar below covers the objects and rules tagwall interprets. Top-level
 * commands outside them (`set network`, `set deviceconfig`, `set zone`) are skipped, as the XML interpreter skips
 * those subtrees; an unknown keyword inside an interpreted object is TW_UNSUPPORTED_CONFIG with the line.
 */
import { TagwallError, type SourceLocation } from '../../errors.js';
import { checkSize, INPUT_LIMITS, stripBom, trimAscii, UNICODE_SPACE, unicodeSpaceError } from '../../internal/input-limits.js';
import type { XmlElement } from './xml.js';

type Grammar =
  | { readonly kind: 'node'; readonly children: Readonly<Record<string, Grammar>> }
  | { readonly kind: 'entries'; readonly entry: Grammar }
  | { readonly kind: 'leaf' }
  | { readonly kind: 'members' }
  /** Rest of the line belongs to something tagwall does not interpret. */
  | { readonly kind: 'skip' };

const node = (children: Record<string, Grammar>): Grammar => ({ kind: 'node', children });
const entries = (children: Record<string, Grammar>): Grammar => ({ kind: 'entries', entry: node(children) });
const LEAF: Grammar = { kind: 'leaf' };
const MEMBERS: Grammar = { kind: 'members' };
const SKIP: Grammar = { kind: 'skip' };
const EMPTY = node({});

const PORTS = node({ port: LEAF, 'source-port': LEAF, override: SKIP });
const RULE = entries({
  from: MEMBERS,
  to: MEMBERS,
  source: MEMBERS,
  destination: MEMBERS,
  'source-user': MEMBERS,
  'source-hip': MEMBERS,
  'destination-hip': MEMBERS,
  // The pre-10.0 spelling of source-hip/destination-hip, still in Panorama baselines.
  'hip-profiles': MEMBERS,
  category: MEMBERS,
  application: MEMBERS,
  service: MEMBERS,
  action: LEAF,
  description: LEAF,
  tag: MEMBERS,
  'negate-source': LEAF,
  'negate-destination': LEAF,
  disabled: LEAF,
  'rule-type': LEAF,
  'log-start': LEAF,
  'log-end': LEAF,
  'log-setting': LEAF,
  'group-tag': LEAF,
  schedule: LEAF,
  uuid: LEAF,
  'profile-setting': SKIP,
  option: SKIP,
  qos: SKIP,
  target: SKIP,
});
const DEFAULT_RULE = entries({ action: LEAF, 'log-start': LEAF, 'log-end': LEAF, 'log-setting': LEAF, 'profile-setting': SKIP, description: LEAF, tag: MEMBERS, 'group-tag': LEAF });
const RULEBASE = node({ security: node({ rules: RULE }), 'default-security-rules': node({ rules: DEFAULT_RULE }), '*': SKIP });
const RECURRING = node({ 'five-minute': EMPTY, hourly: EMPTY, daily: SKIP, weekly: SKIP, monthly: SKIP });
const LIST_TYPE = node({ url: LEAF, recurring: RECURRING, description: LEAF, 'certificate-profile': LEAF, 'exception-list': MEMBERS, auth: SKIP, 'expand-domain': LEAF });

/** What a vsys, a device group and `shared` hold, as far as tagwall reads it. */
const SCOPE: Readonly<Record<string, Grammar>> = {
  address: entries({ 'ip-netmask': LEAF, 'ip-range': LEAF, 'ip-wildcard': LEAF, fqdn: LEAF, description: LEAF, tag: MEMBERS }),
  'address-group': entries({ static: MEMBERS, dynamic: node({ filter: LEAF }), description: LEAF, tag: MEMBERS }),
  service: entries({ protocol: node({ tcp: PORTS, udp: PORTS, sctp: PORTS }), description: LEAF, tag: MEMBERS }),
  'service-group': entries({ members: MEMBERS, tag: MEMBERS }),
  tag: entries({ color: LEAF, comments: LEAF }),
  'external-list': entries({ type: node({ ip: LIST_TYPE, domain: LIST_TYPE, url: LIST_TYPE, 'predefined-ip': LIST_TYPE, 'predefined-url': LIST_TYPE, imei: LIST_TYPE, imsi: LIST_TYPE }) }),
  profiles: node({ 'custom-url-category': entries({ type: LEAF, list: MEMBERS, description: LEAF }), '*': SKIP }),
  application: entries({ default: node({ port: MEMBERS, 'ident-by-ip-protocol': LEAF, 'ident-by-icmp-type': node({ type: LEAF, code: LEAF }), 'ident-by-icmp6-type': node({ type: LEAF, code: LEAF }) }), '*': SKIP }),
  'application-group': entries({ members: MEMBERS }),
  'application-filter': entries({ '*': SKIP }),
  // Zones only count (a vsys that defines zones must have the pair asked for); their interfaces do not matter here.
  zone: entries({ '*': SKIP }),
  rulebase: RULEBASE,
  'pre-rulebase': RULEBASE,
  'post-rulebase': RULEBASE,
};

interface Building {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: Building[];
  text: string;
  readonly line: number;
}

const fresh = (name: string, line: number, entryName?: string): Building => ({ name, attributes: entryName === undefined ? {} : { name: entryName }, children: [], text: '', line });

function child(parent: Building, name: string, line: number, entryName?: string): Building {
  const existing = parent.children.find((candidate) => candidate.name === name && candidate.attributes['name'] === entryName);
  if (existing) return existing;
  const created = fresh(name, line, entryName);
  parent.children.push(created);
  return created;
}

/** A subtree the commands wrote into but tagwall does not read: not empty, so the parse note lists it. */
function markSkipped(element: Building): void {
  if (element.children.length === 0 && element.text === '') element.text = '…';
}

/** Splits a line into words: double or single quotes group, `[` and `]` stand alone. */
export function tokenizeSetLine(line: string, report: (message: string) => never, location: (column0: number) => SourceLocation = () => ({})): string[] {
  const tokens: string[] = [];
  let index = 0;
  while (index < line.length) {
    const character = line[index]!;
    if (character === ' ' || character === '\t') index++;
    else if (UNICODE_SPACE.test(character)) throw unicodeSpaceError(character, location(index));
    else if (character === '[' || character === ']') {
      tokens.push(character);
      index++;
    } else if (character === '"' || character === "'") {
      const end = line.indexOf(character, index + 1);
      if (end === -1) report('unterminated quoted value');
      tokens.push(line.slice(index + 1, end));
      index = end + 1;
    } else {
      let end = index;
      while (end < line.length && !/[ \t[\]"']/.test(line[end]!)) {
        if (UNICODE_SPACE.test(line[end]!)) throw unicodeSpaceError(line[end]!, location(end));
        end++;
      }
      tokens.push(line.slice(index, end));
      index = end;
    }
  }
  return tokens;
}

class LineReader {
  position = 0;

  constructor(
    readonly tokens: readonly string[],
    readonly lineNumber: number,
    readonly file: string,
  ) {}

  fail(code: 'TW_INVALID_CONFIG' | 'TW_UNSUPPORTED_CONFIG', message: string): never {
    throw new TagwallError(code, message, { location: { file: this.file, line: this.lineNumber } });
  }

  next(what: string): string {
    const token = this.tokens[this.position];
    if (token === undefined || token === '[' || token === ']') this.fail('TW_INVALID_CONFIG', `${what} expected`);
    this.position++;
    return token;
  }

  done(): boolean {
    return this.position >= this.tokens.length;
  }

  /** Reads keywords of `grammar` into `into` until one belongs to an outer level (or the line ends). */
  readNode(grammar: Readonly<Record<string, Grammar>>, into: Building, path: string): void {
    while (!this.done()) {
      const keyword = this.tokens[this.position]!;
      // `*`: other children of this node are outside what tagwall interprets (`rulebase nat`, `profiles virus`).
      const rule = grammar[keyword] ?? grammar['*'];
      if (!rule) return;
      this.position++;
      this.readRule(rule, keyword, into, `${path}/${keyword}`);
    }
  }

  readRule(rule: Grammar, keyword: string, into: Building, path: string): void {
    switch (rule.kind) {
      case 'skip':
        // Kept as an empty element so the uninterpreted part is listed in the parse note, as in the XML form.
        markSkipped(child(into, keyword, this.lineNumber));
        this.position = this.tokens.length;
        return;
      case 'leaf': {
        child(into, keyword, this.lineNumber).text = this.next(`a value for ${keyword}`);
        return;
      }
      case 'members': {
        const list = child(into, keyword, this.lineNumber);
        const values: string[] = [];
        if (this.tokens[this.position] === '[') {
          this.position++;
          while (this.tokens[this.position] !== ']') {
            if (this.done()) this.fail('TW_INVALID_CONFIG', `']' expected to close the ${keyword} list`);
            values.push(this.next(`a ${keyword} member`));
          }
          this.position++;
        } else values.push(this.next(`a value for ${keyword}`));
        for (const value of values) {
          if (!list.children.some((member) => member.text === value)) list.children.push({ ...fresh('member', this.lineNumber), text: value });
        }
        return;
      }
      case 'node': {
        const element = child(into, keyword, this.lineNumber);
        this.readNode(rule.children, element, path);
        return;
      }
      case 'entries': {
        const name = this.next(`a name after ${keyword}`);
        const container = child(into, keyword, this.lineNumber);
        const entry = child(container, 'entry', this.lineNumber, name);
        if (rule.entry.kind !== 'node') return;
        this.readNode(rule.entry.children, entry, `${path}/entry[@name='${name}']`);
        if (!this.done()) this.fail('TW_UNSUPPORTED_CONFIG', `'${this.tokens[this.position]}' is not understood under ${path}/entry[@name='${name}']`);
      }
    }
  }
}

/** Commands under `set`/`delete` that live above the vsys: `/config/<keyword>` or the device entry. */
const CONFIG_LEVEL = new Set(['mgt-config', 'panorama', 'readonly']);
const DEVICE_LEVEL = new Set(['deviceconfig', 'network', 'platform', 'plugins', 'template', 'template-stack', 'log-collector', 'log-collector-group']);

/**
 * How many words each level of an `edit` path takes, for `up`: one per keyword and one per entry name (`up` from
 * `rules R` is `rules`, as in the Junos-style CLI PAN-OS follows), `device-group G` and `vsys V` two.
 */
function levelsOf(tokens: readonly string[]): number[] {
  const levels: number[] = [];
  let position = 0;
  if (tokens[0] === 'shared') levels.push((position = 1));
  else if (tokens[0] === 'device-group' || tokens[0] === 'vsys') levels.push((position = 2));
  let grammar: Readonly<Record<string, Grammar>> | undefined = SCOPE;
  while (position < tokens.length) {
    const rule: Grammar | undefined = grammar && (grammar[tokens[position]!] ?? grammar['*']);
    const width = rule?.kind === 'entries' ? 2 : rule?.kind === 'node' ? 1 : tokens.length - position;
    if (rule?.kind === 'entries') levels.push(...(position + 1 < tokens.length ? [1, 1] : [1]));
    else levels.push(width);
    position += width;
    grammar = rule?.kind === 'entries' && rule.entry.kind === 'node' ? rule.entry.children : rule?.kind === 'node' ? rule.children : undefined;
  }
  return levels;
}

/**
 * `delete PATH` on the tree read so far, as configure mode applies it: the element at PATH goes (a list member
 * when PATH ends in values). Paths outside what tagwall interprets only mark their subtree as not interpreted.
 */
function deleteAt(reader: LineReader, scope: Building, path: string): void {
  let node: Building = scope;
  let grammar: Readonly<Record<string, Grammar>> = SCOPE;
  const remove = (parent: Building, target: Building | undefined): void => {
    const at = target ? parent.children.indexOf(target) : -1;
    if (at >= 0) parent.children.splice(at, 1);
  };
  for (;;) {
    const keyword = reader.next(`a path after delete (at ${path})`);
    const rule = grammar[keyword] ?? grammar['*'];
    const existing = node.children.find((candidate) => candidate.name === keyword && candidate.attributes['name'] === undefined);
    if (!rule || rule.kind === 'skip' || (rule.kind !== 'members' && rule.kind !== 'leaf' && reader.done())) {
      if (!rule || rule.kind === 'skip') markSkipped(child(node, keyword, reader.lineNumber));
      else remove(node, existing);
      return;
    }
    if (rule.kind === 'leaf') return remove(node, existing);
    if (rule.kind === 'members') {
      const values = reader.done() ? undefined : reader.tokens.slice(reader.position).filter((token) => token !== '[' && token !== ']');
      if (!values || !existing) return remove(node, existing);
      for (const value of values) remove(existing, existing.children.find((member) => member.text === value));
      return;
    }
    if (!existing) return;
    if (rule.kind === 'node') {
      node = existing;
      grammar = rule.children;
      continue;
    }
    const name = reader.next(`a name after ${keyword}`);
    const entry = existing.children.find((candidate) => candidate.attributes['name'] === name);
    if (reader.done() || !entry || rule.entry.kind !== 'node') return remove(existing, entry);
    node = entry;
    grammar = rule.entry.children;
  }
}

/**
 * Reads configure-mode commands into a `<config>` tree shaped like the XML form: `set`, `delete`, and the
 * navigation `edit PATH` / `up` / `top` (a later command's path is relative to the edit level). Blank lines and `#`
 * comments are skipped. Commands outside what tagwall interprets leave an empty element at their place, so the
 * parse note lists them.
 */
export function parseSetCommands(text: string, file: string): XmlElement {
  const config = fresh('config', 1);
  const devices = (line: number): Building => child(child(config, 'devices', line), 'entry', line, 'localhost.localdomain');
  let editLevel: string[] = [];
  checkSize(text, INPUT_LIMITS.configSize, 'the set commands', file);
  stripBom(text).split(/\r?\n/).forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = trimAscii(raw);
    if (line === '' || line.startsWith('#')) return;
    const words = tokenizeSetLine(line, (message) => {
      throw new TagwallError('TW_INVALID_CONFIG', message, { location: { file, line: lineNumber } });
    }, (column0) => ({ file, line: lineNumber, column: raw.indexOf(line) + column0 + 1 }));
    const verb = words[0]!;
    if (verb === 'top' || verb === 'up' || verb === 'edit') {
      if (verb === 'top') editLevel = [];
      else if (verb === 'up') editLevel = editLevel.slice(0, editLevel.length - (levelsOf(editLevel).pop() ?? 0));
      else editLevel = [...editLevel, ...words.slice(1)];
      return;
    }
    const reader = new LineReader([verb, ...editLevel, ...words.slice(1)], lineNumber, file);
    reader.position = 1;
    if (verb !== 'set' && verb !== 'delete') reader.fail('TW_UNSUPPORTED_CONFIG', `only set, delete, edit, up and top are read, not '${verb}'`);
    let scope: Building;
    let path: string;
    const first = reader.tokens[reader.position];
    if (first === 'shared') {
      reader.position++;
      scope = child(config, 'shared', lineNumber);
      path = '/config/shared';
    } else if (first === 'device-group' || first === 'vsys') {
      reader.position++;
      const name = reader.next(`a ${first} name`);
      scope = child(child(devices(lineNumber), first, lineNumber), 'entry', lineNumber, name);
      path = `/config/devices/entry/${first}/entry[@name='${name}']`;
    } else if (first !== undefined && (CONFIG_LEVEL.has(first) || DEVICE_LEVEL.has(first))) {
      // Outside any vsys and outside what tagwall interprets: listed in the note at its real place.
      markSkipped(child(CONFIG_LEVEL.has(first) ? config : devices(lineNumber), first, lineNumber));
      return;
    } else {
      scope = child(child(devices(lineNumber), 'vsys', lineNumber), 'entry', lineNumber, 'vsys1');
      path = "/config/devices/entry/vsys/entry[@name='vsys1']";
    }
    const keyword = reader.tokens[reader.position];
    if (keyword === undefined) return reader.fail('TW_INVALID_CONFIG', `a path is expected after ${verb}`);
    if (!(keyword in SCOPE)) {
      markSkipped(child(scope, keyword, lineNumber)); // outside what tagwall interprets
      return;
    }
    if (verb === 'delete') return deleteAt(reader, scope, path);
    reader.readNode(SCOPE, scope, path);
    if (!reader.done()) reader.fail('TW_UNSUPPORTED_CONFIG', `'${reader.tokens[reader.position]}' is not understood at ${path}`);
  });
  return config;
}
