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
const RULEBASE = node({ security: node({ rules: RULE }), '*': SKIP });
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

/** Reads `set` commands into a `<config>` tree shaped like the XML form; blank lines and `#` comments are skipped. */
export function parseSetCommands(text: string, file: string): XmlElement {
  const config = fresh('config', 1);
  const devices = (line: number): Building => child(child(config, 'devices', line), 'entry', line, 'localhost.localdomain');
  checkSize(text, INPUT_LIMITS.configSize, 'the set commands', file);
  stripBom(text).split(/\r?\n/).forEach((raw, index) => {
    const lineNumber = index + 1;
    const line = trimAscii(raw);
    if (line === '' || line.startsWith('#')) return;
    const reader = new LineReader(
      tokenizeSetLine(line, (message) => {
        throw new TagwallError('TW_INVALID_CONFIG', message, { location: { file, line: lineNumber } });
      }, (column0) => ({ file, line: lineNumber, column: raw.indexOf(line) + column0 + 1 })),
      lineNumber,
      file,
    );
    const verb = reader.next('a command');
    if (verb !== 'set') reader.fail('TW_UNSUPPORTED_CONFIG', `only 'set' commands are read, not '${verb}'`);
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
    } else {
      scope = child(child(devices(lineNumber), 'vsys', lineNumber), 'entry', lineNumber, 'vsys1');
      path = "/config/devices/entry/vsys/entry[@name='vsys1']";
    }
    const keyword = reader.tokens[reader.position];
    if (keyword === undefined || !(keyword in SCOPE)) return; // outside what tagwall interprets
    reader.readNode(SCOPE, scope, path);
    if (!reader.done()) reader.fail('TW_UNSUPPORTED_CONFIG', `'${reader.tokens[reader.position]}' is not understood at ${path}`);
  });
  return config;
}
