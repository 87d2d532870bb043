/**
 * `nft list ruleset` output (and `nft -f` files such as tagwall's own) → a rule set. Tables, interval and dynamic
 * sets, base chains on prerouting/input/forward/output/postrouting with their policies, nat chains that drop
 * nothing (firewalld's), and the statements rules are commonly written with (addresses, protocols, ports, ICMP
 * types, ct state and status, interfaces, tcp flags, fib, marks, rate limits, meters, set updates, quotas,
 * counters, logs, comments, verdicts; conditions.ts decides those the packet model has no field for). Anything
 * else is TW_UNSUPPORTED_CONFIG with its line: a skipped statement would change what the proof says.
 */
import type { RuleOrigin, RuleSet } from '../../../analysis/rule-set.js';
import { TagwallError } from '../../../errors.js';
import { checkSize, INPUT_LIMITS, stripBom, UNICODE_SPACE, unicodeSpaceError } from '../../../internal/input-limits.js';
import { AddressEntries, AddressSet } from '../../../model/address-set.js';
import { IntervalSet } from '../../../model/intervals.js';
import type { Family } from '../../../model/ip.js';
import type { ConnState } from '../../../model/packet.js';
import { icmpTypeCodes, PacketSet } from '../../../model/packet-set.js';
import { ICMP, ICMPV6, PORT_DOMAIN, PortSet, ProtocolSet, TCP, UDP } from '../../../model/ports.js';
import { chainsToRuleSet, familyScope, locationOf, type Chain, type ChainRule, type Hook, type Verdict } from '../common/chains.js';
import { conditionalRules, parseFib, parseMark, parseTcpFlags, type PacketConditions, type Token } from './conditions.js';
import { ICMP_CODES, ICMP_TYPES, ICMPV6_CODES, ICMPV6_TYPES } from '../common/icmp.js';
import {
  emptyMatch,
  matchPackets,
  narrowAddresses,
  narrowConnectionState,
  narrowPacketType,
  narrowStates,
  narrowIcmp,
  narrowPorts,
  narrowProtocols,
  withTcpFlags,
  type MatchState,
} from '../common/match.js';
import type { NetfilterOptions } from '../common/options.js';
import type { ConfigFile } from '../../target.js';
import { SERVICE_PORTS } from '../common/services.js';

/**
 * A word: characters up to white space (as the regular expression `\s` knows it, ASCII or not) or one of `{},;"#`.
 * A sticky expression finds its end in one native scan: the character loop it replaced ran in V8's interpreter and
 * was most of the ~0.8 ms a cold read of the scenario's rendered ruleset spent tokenizing (issue 22).
 */
const WORD = /[^\s{},;"#]+/y;

/** The end of the word starting at `at`, or `at` when the character there ends one. */
function wordEnd(content: string, at: number): number {
  WORD.lastIndex = at;
  return WORD.test(content) ? WORD.lastIndex : at;
}

export function tokenize(text: string, file: string): Token[] {
  checkSize(text, INPUT_LIMITS.configSize, 'the nft ruleset', file);
  const content = stripBom(text);
  const tokens: Token[] = [];
  // For each `{` open, whether it opened a set's body in a table (where an element list may be kept whole).
  const braces: boolean[] = [];
  let line = 1;
  let i = 0;
  while (i < content.length) {
    const code = content.charCodeAt(i);
    if (code === 32 || code === 9 || code === 13) {
      i++;
      continue;
    }
    // UNICODE_SPACE holds VT, FF and non-ASCII characters only: the regular expression is asked about those alone.
    if ((code === 11 || code === 12 || code > 127) && UNICODE_SPACE.test(content[i]!)) throw unicodeSpaceError(content[i]!, { file, line });
    if (code === 10) {
      tokens.push({ kind: 'nl', text: '\n', line });
      line++;
      i++;
    } else if (code === 35 /* # */) {
      const end = content.indexOf('\n', i);
      i = end < 0 ? content.length : end;
    } else if (code === 92 /* \ */ && content.charCodeAt(i + 1) === 10) i++;
    else if (code === 34 /* " */) {
      const end = content.indexOf('"', i + 1);
      if (end < 0 || content.slice(i, end).includes('\n')) throw new TagwallError('TW_INVALID_CONFIG', 'unterminated string', { location: { file, line } });
      tokens.push({ kind: 'string', text: content.slice(i + 1, end), line });
      i = end + 1;
    } else if (code === 123 /* { */ || code === 125 /* } */ || code === 44 /* , */ || code === 59 /* ; */) {
      const char = content[i] as '{' | '}' | ',' | ';';
      const list = char === '{' ? plainElementList(content, i, tokens, braces) : undefined;
      if (char === '{') braces.push(opensSetBody(tokens, braces));
      else if (char === '}') braces.pop();
      tokens.push({ kind: char, text: char, line });
      i++;
      if (list !== undefined) {
        tokens.push({ kind: 'elements', text: list, line });
        line += newlinesIn(list);
        i += list.length;
      }
    } else {
      const end = wordEnd(content, i);
      if (end === i) throw new TagwallError('TW_INVALID_CONFIG', `unexpected character '${content[i]!}'`, { location: { file, line } });
      tokens.push({ kind: 'word', text: content.slice(i, end), line });
      i = end;
    }
  }
  return tokens;
}

/**
 * A set's element list in the two places the reader takes one (`set NAME { … elements = { … } }` in a table, and
 * `add element FAMILY TABLE SET { … }`) is kept as one token of its raw text when it holds only addresses, prefixes,
 * ranges, port numbers and separators: a catalogue set has thousands of elements, and a token per element and comma
 * (made, then walked by the reader) was most of the time to read a rendered ruleset. Split when read, into the
 * words the tokenizer would have made (`elementWords`). Any other list (names, strings, comments, line
 * continuations) is tokenized as before. Returns the text between `{` at `at` and its `}`, or undefined.
 */
function plainElementList(content: string, at: number, tokens: readonly Token[], braces: readonly boolean[]): string | undefined {
  if (!opensElementList(tokens, braces)) return undefined;
  const close = content.indexOf('}', at + 1);
  if (close < 0) return undefined;
  const list = content.slice(at + 1, close);
  return PLAIN_ELEMENTS.test(list) ? list : undefined;
}

const PLAIN_ELEMENTS = /^[0-9A-Fa-f.:/, \t\r\n-]*$/;

/** Does a token end a statement (or is there none), so that the next one starts a statement? */
const startsStatementAfter = (token: Token | undefined): boolean => token === undefined || token.kind === 'nl' || token.kind === ';' || token.kind === '{';
const isWord = (token: Token | undefined, text?: string): boolean => token?.kind === 'word' && (text === undefined || token.text === text);

/**
 * Does the `{` about to be read open an element list the reader takes as a whole: `elements = {` starting a
 * statement in the body of a `set NAME {` that starts a statement in a table's body, or
 * `add element FAMILY TABLE SET {` starting a statement at the top level? `braces`: for each `{` open, whether it
 * opened such a set body.
 */
function opensElementList(tokens: readonly Token[], braces: readonly boolean[]): boolean {
  const n = tokens.length;
  if (braces.length === 0) return isWord(tokens[n - 5], 'add') && isWord(tokens[n - 4], 'element') && isWord(tokens[n - 3]) && isWord(tokens[n - 2]) && isWord(tokens[n - 1]) && startsStatementAfter(tokens[n - 6]);
  return braces[braces.length - 1] === true && isWord(tokens[n - 2], 'elements') && isWord(tokens[n - 1], '=') && startsStatementAfter(tokens[n - 3]);
}

/** Does the `{` about to be read open the body of a set declared in a table's body (`set NAME {` one level down)? */
function opensSetBody(tokens: readonly Token[], braces: readonly boolean[]): boolean {
  const n = tokens.length;
  return braces.length === 1 && isWord(tokens[n - 2], 'set') && isWord(tokens[n - 1]) && startsStatementAfter(tokens[n - 3]);
}

function newlinesIn(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/** The element texts of word and `elements` tokens, in order. */
function elementTexts(tokens: readonly Token[]): string[] {
  const texts: string[] = [];
  for (const token of tokens) {
    if (token.kind !== 'elements') texts.push(token.text);
    else for (const text of token.text.split(ELEMENT_SEPARATORS)) if (text !== '') texts.push(text);
  }
  return texts;
}

const ELEMENT_SEPARATORS = /[ \t\r\n,]+/;

/** Word and `elements` tokens as the word tokens the tokenizer makes of them one by one (with their lines). */
function elementWords(tokens: readonly Token[]): Token[] {
  const words: Token[] = [];
  for (const token of tokens) {
    if (token.kind !== 'elements') {
      words.push(token);
      continue;
    }
    let line = token.line;
    for (const piece of token.text.match(ELEMENT_PIECES) ?? []) {
      if (piece === '\n') line++;
      else words.push({ kind: 'word', text: piece, line });
    }
  }
  return words;
}

const ELEMENT_PIECES = /[^ \t\r\n,]+|\n/g;

const PRIORITY_NAMES: Readonly<Record<string, number>> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };
const PROTOCOLS: Readonly<Record<string, number>> = {
  icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, 'ipv6-icmp': 58, icmpv6: 58, sctp: 132, udplite: 136, dccp: 33,
};
const SERVICES = SERVICE_PORTS;
const SET_TYPES: Readonly<Record<string, Family | 'ports'>> = { ipv4_addr: 'ipv4', ipv6_addr: 'ipv6', inet_service: 'ports' };
const SET_TYPEOFS: Readonly<Record<string, Family | 'ports'>> = {
  'ip saddr': 'ipv4', 'ip daddr': 'ipv4', 'ip6 saddr': 'ipv6', 'ip6 daddr': 'ipv6',
  'tcp dport': 'ports', 'tcp sport': 'ports', 'udp dport': 'ports', 'udp sport': 'ports', 'th dport': 'ports', 'th sport': 'ports',
};

/** The protocols a port condition (`tcp dport`, `udp sport`, `th dport`, a dynamic set's key) admits. */
const PORT_PROTOCOLS: Readonly<Record<'tcp' | 'udp' | 'th', ProtocolSet>> = { tcp: ProtocolSet.of(TCP), udp: ProtocolSet.of(UDP), th: ProtocolSet.of(TCP, UDP) };
const TCP_ONLY = PORT_PROTOCOLS.tcp;

/** `443`, `8000-8080` or a service name nft prints, as an inclusive range. */
function portRange(text: string): [number, number] | undefined {
  const parts = SERVICES[text] !== undefined ? [SERVICES[text]!] : text.split('-').map((part) => (/^\d+$/.test(part) ? Number(part) : NaN));
  const first = parts[0];
  const last = parts[1] ?? first;
  if (parts.length > 2 || first === undefined || last === undefined || Number.isNaN(first) || Number.isNaN(last) || last > 65535 || last < first) return undefined;
  return [first, last];
}

/**
 * `dynamic`: the packet path adds to it (`flags dynamic|timeout`, or an `add|update @set` statement names it).
 * `merges`: how many `add element` statements grew it (addElements).
 */
type SetDefinition = (
  | { readonly kind: 'addresses'; readonly family: Family; readonly addresses: AddressSet; readonly merges?: number }
  | { readonly kind: 'ports'; readonly ports: PortSet }
) & { readonly dynamic?: boolean };

/** How many `add element` growths of one set are merged at once before the rest are deferred (addElements). */
const LINEAR_MERGES = 8;

interface NftChain {
  readonly rules: ChainRule[];
  base?: { hook: Hook; policy: 'accept' | 'drop'; priority: number };
  /** A base chain of another type or hook (ingress): fine while empty. */
  unsupported?: string;
  /** A `type nat` base chain: it sees a connection's first packet only; it may not drop (see natChainsDropNothing). */
  nat?: string;
  /**
   * On prerouting or output at a priority before conntrack's (-200, `raw`): no packet has a connection yet, so
   * `ct state` sees every one as invalid and `ct status` matches none (nft_ct.c: no ct, state INVALID; status
   * breaks). At -200 itself the order is the kernel's to choose: ct conditions are refused there.
   */
  conntrack?: 'before' | 'same';
  readonly line: number;
}

interface TableState {
  readonly family: 'ip' | 'ip6' | 'inet';
  readonly name: string;
  /** `flags dormant`: the table's chains are not registered, so they judge nothing. */
  dormant: boolean;
  readonly sets: Map<string, SetDefinition>;
  readonly chains: Map<string, NftChain>;
  /** Each chain's rule statements as read, so rules can be read again once a later `add element` grows a set. */
  readonly ruleWords?: RuleRead[];
  /** A set of this table grew after its rules were read (`add element`): they are read again at the end. */
  grown?: boolean;
}

/** A rule statement, the rules read from it, and what the reading looked up besides its words. */
interface RuleRead {
  readonly chain: NftChain;
  readonly words: Token[];
  readonly rules: readonly ChainRule[];
  /** Before the reading: the definitions of the sets its words name (`@set`), and its chain's hook and conntrack. */
  readonly named: ReadonlyArray<SetDefinition | undefined>;
  readonly hook: string | undefined;
  readonly conntrack: NftChain['conntrack'];
}

/** Test hook: `everyRule` reads every rule of a grown table again, the reading the selective one is held to. */
export const REREAD = { everyRule: false };

/** Test hook: `eachTime` reads a rule's written-out addresses and ports anew each time, as `literalAddresses` did. */
export const LITERALS = { eachTime: false };

/** The definitions of the sets a rule's words name (`@set`), in order. */
function namedSets(table: TableState, words: readonly Token[]): Array<SetDefinition | undefined> {
  const named: Array<SetDefinition | undefined> = [];
  for (const word of words) if (word.text.charCodeAt(0) === 0x40 /* @ */) named.push(table.sets.get(word.text.slice(1)));
  return named;
}

/**
 * Would reading the rule again give other rules? A rule reads nothing but its words, the sets they name, and its
 * chain's hook and conntrack placement (and the reader's fixed file and options): when none of those changed
 * since, reading it again gives equal rules. Set definitions are replaced, never edited, so identity tells.
 */
function readsOtherwiseNow(table: TableState, read: RuleRead): boolean {
  if (REREAD.everyRule) return true;
  if (read.chain.base?.hook !== read.hook || read.chain.conntrack !== read.conntrack) return true;
  const now = namedSets(table, read.words);
  return now.some((set, index) => set !== read.named[index]);
}

/** A line of the token stream as a file and its own line (see `tokenizeFiles`). */
type Locate = (line: number) => { readonly file: string; readonly line: number };

/**
 * The tokens of several files loaded in order (`nft -f a.nft && nft -f b.nft`) as one stream: each file's lines
 * are numbered on from the previous file's, and `locate` gives a line back as its file and line there, so errors
 * and rule origins name the file the text is in. A file ends its last statement (a line break token between files).
 */
function tokenizeFiles(files: readonly ConfigFile[]): { readonly tokens: Token[]; readonly locate: Locate } {
  if (files.length === 1) {
    const file = files[0]!.file;
    return { tokens: tokenize(files[0]!.content, file), locate: (line) => ({ file, line }) };
  }
  const tokens: Token[] = [];
  const starts: number[] = [];
  let offset = 0;
  for (const { content, file } of files) {
    starts.push(offset);
    for (const token of tokenize(content, file)) tokens.push(offset === 0 ? token : { ...token, line: token.line + offset });
    const lines = newlinesIn(content) + 1;
    tokens.push({ kind: 'nl', text: '\n', line: offset + lines });
    offset += lines;
  }
  const locate: Locate = (line) => {
    let index = starts.length - 1;
    while (index > 0 && starts[index]! >= line) index--;
    return { file: files[index]!.file, line: line - starts[index]! };
  };
  return { tokens, locate };
}

class NftReader {
  #pos = 0;
  readonly tables = new Map<string, TableState>();
  /**
   * The values rules write out (`ip6 saddr fc00::/7`, `tcp dport 443`), read once per text: a rendered ruleset
   * writes the same few in most of its rules, and a set built for each was ~10 us in a cold run (issue 22). Sets are
   * never edited, so rules share them, as they share a named set's.
   */
  readonly #literalAddresses = new Map<string, AddressSet>();
  readonly #literalPorts = new Map<string, PortSet>();

  constructor(
    private readonly tokens: readonly Token[],
    private readonly locate: Locate,
    private readonly options: NetfilterOptions,
  ) {}

  fail(message: string, line: number, code: 'TW_INVALID_CONFIG' | 'TW_UNSUPPORTED_CONFIG' = 'TW_UNSUPPORTED_CONFIG'): TagwallError {
    return new TagwallError(code, message, { location: this.locate(line) });
  }

  peek(): Token | undefined {
    return this.tokens[this.#pos];
  }
  next(): Token {
    const token = this.tokens[this.#pos++];
    if (!token) throw this.fail('unexpected end of input', this.tokens.at(-1)?.line ?? 1, 'TW_INVALID_CONFIG');
    return token;
  }
  skipBreaks(): void {
    while (this.peek()?.kind === 'nl' || this.peek()?.kind === ';') this.#pos++;
  }
  /** The tokens up to the end of the line (or `;`), braces included. */
  statement(stopAtBrace = false): Token[] {
    const out: Token[] = [];
    let depth = 0;
    for (;;) {
      const token = this.peek();
      if (!token) break;
      if (depth === 0 && (token.kind === 'nl' || token.kind === ';' || token.kind === '}' || (stopAtBrace && token.kind === '{'))) break;
      this.#pos++;
      if (token.kind === 'nl') continue;
      if (token.kind === '{') depth++;
      if (token.kind === '}') depth--;
      out.push(token);
    }
    return out;
  }
  /** The statements of a set or chain body, each non-empty, up to and past its closing `}`. */
  *bodyStatements(): Generator<Token[]> {
    for (;;) {
      this.skipBreaks();
      const token = this.peek();
      if (token === undefined || token.kind === '}') {
        this.next(); // at the end of input this throws: the body is never closed
        return;
      }
      yield this.statement();
    }
  }

  readAll(): void {
    for (;;) {
      this.skipBreaks();
      const token = this.peek();
      if (!token) {
        this.rereadGrown();
        return;
      }
      const words = this.statement(true);
      const [first, second, third, fourth] = words.map((word) => word.text);
      if (first === 'flush' && second === 'ruleset') this.tables.clear();
      else if (first === 'table' && third !== undefined) {
        const table = this.table(second!, third, token.line);
        if (this.peek()?.kind === '{') {
          this.next();
          this.tableBody(table);
        }
      } else if ((first === 'delete' || first === 'destroy') && second === 'table' && fourth !== undefined) this.tables.delete(`${third} ${fourth}`);
      else if (first === 'add' && second === 'element' && words.length === 5 && this.peek()?.kind === '{') this.addElements(words, token.line);
      else throw this.fail(`'${words.map((word) => word.text).join(' ')}' is not supported at the top level`, token.line);
    }
  }

  table(family: string, name: string, line: number): TableState {
    if (family !== 'ip' && family !== 'ip6' && family !== 'inet') throw this.fail(`table family '${family}' is not supported (ip, ip6, inet)`, line);
    const key = `${family} ${name}`;
    let table = this.tables.get(key);
    if (!table) {
      table = { family, name, dormant: false, sets: new Map(), chains: new Map(), ruleWords: [] };
      this.tables.set(key, table);
    }
    return table;
  }

  tableBody(table: TableState): void {
    for (;;) {
      this.skipBreaks();
      const token = this.next();
      if (token.kind === '}') return;
      if (token.kind === 'word' && (token.text === 'set' || token.text === 'chain')) {
        const name = this.next();
        const open = this.peek();
        if (open?.kind !== '{') {
          this.statement();
          continue;
        }
        this.next();
        if (token.text === 'set') this.setBody(table, name.text, token.line);
        else this.chainBody(table, name.text, token.line);
      } else if (token.kind === 'word' && token.text === 'flags') {
        const flags = this.statement().filter((word) => word.kind === 'word').map((word) => word.text);
        const unknown = flags.filter((flag) => flag !== 'dormant' && flag !== 'owner' && flag !== 'persist');
        if (unknown.length > 0) throw this.fail(`table flags '${unknown.join(',')}' are not supported`, token.line);
        table.dormant = flags.includes('dormant');
      } else if (token.kind === 'word' && token.text === 'comment') this.statement();
      else throw this.fail(`'${token.text}' in a table is not supported (sets and chains are)`, token.line);
    }
  }

  setBody(table: TableState, name: string, line: number): void {
    let kind: Family | 'ports' | undefined;
    let dynamic = false;
    const items: Token[] = [];
    for (const words of this.bodyStatements()) {
      const first = words[0]!;
      const rest = words.slice(1).map((word) => word.text).join(' ');
      switch (first.text) {
        case 'type':
        case 'typeof':
          // One key only: a concatenation (`ipv4_addr . inet_service`) matches pairs, which the reader does not model.
          kind = (first.text === 'type' ? SET_TYPES : SET_TYPEOFS)[rest];
          if (!kind) throw this.fail(`set ${name}: ${first.text} '${rest}' is not supported (ipv4_addr, ipv6_addr, inet_service)`, first.line);
          break;
        case 'flags':
          for (const flag of words.slice(1).filter((word) => word.kind === 'word')) {
            // A dynamic set's contents come from traffic (`add @set`), not from this text: a lookup in it is read
            // both ways, as a rate limit is.
            if (flag.text === 'dynamic' || flag.text === 'timeout') dynamic = true;
            else if (flag.text !== 'interval' && flag.text !== 'constant') throw this.fail(`set ${name}: flag '${flag.text}' is not supported (interval, constant, dynamic, timeout)`, flag.line);
          }
          break;
        case 'timeout':
        case 'gc-interval':
          dynamic = true;
          break;
        case 'auto-merge':
        case 'size':
        case 'comment':
        case 'policy':
        case 'counter':
          break;
        case 'elements':
          for (const word of words.slice(2)) {
            if (word.kind === 'word' || word.kind === 'elements') items.push(word);
            else if (word.kind !== '{' && word.kind !== '}' && word.kind !== ',') throw this.fail(`set ${name}: element '${word.text}' is not supported`, word.line);
          }
          break;
        default:
          throw this.fail(`set ${name}: '${first.text}' is not supported`, first.line);
      }
    }
    if (!kind) throw this.fail(`set ${name} has no type`, line, 'TW_INVALID_CONFIG');
    if (kind === 'ports') {
      const ranges = elementWords(items).map((item) => {
        const range = portRange(item.text);
        if (!range) throw this.fail(`set ${name}: '${item.text}' is not a port or port range`, item.line, 'TW_INVALID_CONFIG');
        return range;
      });
      table.sets.set(name, { kind: 'ports', ports: PortSet.fromRanges(ranges), ...(dynamic ? { dynamic } : {}) });
      return;
    }
    table.sets.set(name, { kind: 'addresses', family: kind, addresses: this.elementAddresses(items, kind), ...(dynamic ? { dynamic } : {}) });
  }

  /** `add element FAMILY TABLE SET { … }`: more addresses for a set the input declared (tagwall splits large sets so). */
  addElements(words: readonly Token[], line: number): void {
    const [, , family, tableName, setName] = words.map((word) => word.text);
    const table = this.tables.get(`${family!} ${tableName!}`);
    const set = table?.sets.get(setName!);
    if (!set) throw this.fail(`add element: set ${setName!} of table ${family!} ${tableName!} is not declared`, line, 'TW_INVALID_CONFIG');
    if (set.kind !== 'addresses') throw this.fail(`add element: set ${setName!} holds ports, which adding to is not supported`, line);
    const items = this.statement().filter((word) => word.kind === 'word' || word.kind === 'elements');
    const added = this.elementAddresses(items, set.family);
    // The first few growths of a set (a render's later files: one each) merge two sorted sets, linearly; a deferred
    // union sorted the whole set again when first read. Past those (a file adding elements one statement at a
    // time), unions are deferred, so many growths cost one sort, not a copy of the set each.
    const merges = set.merges ?? 0;
    const addresses = merges < LINEAR_MERGES ? AddressSet.fromIntervalSets(set.addresses.ipv4.union(added.ipv4), set.addresses.ipv6.union(added.ipv6)) : set.addresses.union(added);
    table!.sets.set(setName!, { ...set, addresses, merges: merges + 1 });
    table!.grown = true;
  }

  /**
   * Rules look their sets up when read: where `add element` grew a set later, the table's rules are read again, in
   * order; a rule whose sets and chain are as they were when it was read keeps what that reading gave (a render's
   * large sets continue in `add element`, and reading every rule twice was a visible part of a check).
   */
  rereadGrown(): void {
    for (const table of this.tables.values()) {
      if (!table.grown || !table.ruleWords) continue;
      for (const chain of table.chains.values()) chain.rules.length = 0;
      for (const read of table.ruleWords) read.chain.rules.push(...(readsOtherwiseNow(table, read) ? this.rule(table, read.words, read.chain) : read.rules));
    }
  }

  /**
   * A set's elements as one set, in one bulk parse (one union per element is quadratic in a set of thousands, and
   * a set per element was most of reading one). When that fails or holds the other family, the elements are read
   * one by one, so the error names the first bad one and its line.
   */
  elementAddresses(items: readonly Token[], family: Family): AddressSet {
    // A set's one plain list (a render's thousands of elements) goes to WebAssembly as it stands, not split first.
    const listed = items.length === 1 && items[0]!.kind === 'elements' ? AddressEntries.ofSeparatedList(items[0]!.text)?.toSet() : undefined;
    if (listed && listed.families().every((other) => other === family)) return listed;
    const texts = elementTexts(items);
    let set: AddressSet | undefined;
    try {
      set = AddressSet.fromStrings(texts);
    } catch {
      set = undefined;
    }
    if (set && set.families().every((other) => other === family)) return set;
    for (const item of elementWords(items)) this.addresses(item.text, family, item.line);
    return AddressSet.fromStrings(texts);
  }

  addresses(text: string, family: Family, line: number): AddressSet {
    let set: AddressSet;
    try {
      set = AddressSet.parse(text);
    } catch {
      throw this.fail(`'${text}' is not an address, prefix or range`, line, 'TW_INVALID_CONFIG');
    }
    if (set.families().some((other) => other !== family)) throw this.fail(`'${text}' is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`, line, 'TW_INVALID_CONFIG');
    return set;
  }

  /** An address, prefix or range a rule writes out (`addresses`), read once for each family and text (LITERALS). */
  literalAddresses(text: string, family: Family, line: number): AddressSet {
    if (LITERALS.eachTime) return this.addresses(text, family, line);
    const key = `${family} ${text}`;
    let set = this.#literalAddresses.get(key);
    if (set === undefined) {
      set = this.addresses(text, family, line);
      this.#literalAddresses.set(key, set);
    }
    return set;
  }

  /**
   * The ports a rule writes out, read by `read` once for each list (a line break joins the items: no word or
   * string holds one) and negated when `!=` says so.
   */
  literalPorts(items: readonly string[], negated: boolean, read: () => PortSet): PortSet {
    const key = `${negated ? '!=' : '=='}\n${items.join('\n')}`;
    let set = LITERALS.eachTime ? undefined : this.#literalPorts.get(key);
    if (set === undefined) {
      const ports = read();
      set = negated ? ports.complement() : ports;
      this.#literalPorts.set(key, set);
    }
    return set;
  }

  chainBody(table: TableState, name: string, line: number): void {
    const chain: NftChain = table.chains.get(name) ?? { rules: [], line };
    table.chains.set(name, chain);
    for (const words of this.bodyStatements()) {
      const first = words[0]!;
      if (first.text === 'type') {
        const [, type, hookWord, hook, priorityWord, ...priority] = words.map((word) => word.text);
        if (hookWord !== 'hook' || priorityWord !== 'priority') throw this.fail(`chain ${name}: '${words.map((word) => word.text).join(' ')}'`, first.line, 'TW_INVALID_CONFIG');
        const judging = hook === undefined ? undefined : this.judgingHook(hook);
        if (type === 'nat' && hook !== undefined && ['prerouting', 'input', 'output', 'postrouting'].includes(hook)) {
          chain.base = undefined;
          chain.nat = `${type} ${hook}`;
          continue;
        }
        if ((type !== 'filter' && type !== 'route') || judging === undefined || (type === 'route' && hook !== 'output')) {
          chain.base = undefined;
          chain.unsupported = `${type ?? ''} ${hook ?? ''}`;
          continue;
        }
        chain.base = { hook: judging, policy: 'accept', priority: this.priority(priority.join(''), first.line) };
        if ((hook === 'prerouting' || hook === 'output') && chain.base.priority <= -200) chain.conntrack = chain.base.priority < -200 ? 'before' : 'same';
      } else if (first.text === 'policy') {
        const policy = words[1]?.text;
        if (policy !== 'accept' && policy !== 'drop') throw this.fail(`chain ${name}: policy '${policy ?? ''}'`, first.line, 'TW_INVALID_CONFIG');
        if (chain.base) chain.base.policy = policy;
        // A nat chain's policy drop drops every first packet it sees: not modelled (nat chains are read for jumps).
        if (chain.nat && policy === 'drop') throw this.fail(`chain ${name} (${chain.nat}) has policy drop; nat chains are modelled only while they drop nothing`, first.line);
      } else if (first.text === 'comment' && words.length === 2) continue;
      else {
        const unsupported = chain.unsupported;
        if (unsupported) throw this.fail(`chain ${name} (${unsupported}) has rules; only filter chains on prerouting, input, forward, output and postrouting (and nat chains that drop nothing) are understood`, first.line);
        const named = namedSets(table, words);
        const read = { hook: chain.base?.hook, conntrack: chain.conntrack };
        const rules = this.rule(table, words, chain);
        chain.rules.push(...rules);
        table.ruleWords?.push({ chain, words, rules, named, ...read });
      }
    }
  }

  /**
   * The hook whose packets of the model a base chain on `hook` judges. Prerouting sees what input (a host) or
   * forward (a router) sees, before it; postrouting what output or forward sees, after it. Every base chain that
   * sees a packet has to accept it, so the order does not change the verdict (chains.ts).
   */
  judgingHook(hook: string): Hook | undefined {
    const router = this.options.chainHook === 'forward';
    if (hook === 'input' || hook === 'output' || hook === 'forward') return hook;
    if (hook === 'prerouting') return router ? 'forward' : 'input';
    if (hook === 'postrouting') return router ? 'forward' : 'output';
    return undefined;
  }

  priority(text: string, line: number): number {
    const match = /^([a-z]+)?([+-]?\d+)?$/.exec(text);
    if (!match || (match[1] === undefined && match[2] === undefined)) throw this.fail(`priority '${text}'`, line, 'TW_INVALID_CONFIG');
    const base = match[1] === undefined ? 0 : PRIORITY_NAMES[match[1]];
    if (base === undefined) throw this.fail(`priority '${text}'`, line, 'TW_INVALID_CONFIG');
    return base + (match[2] === undefined ? 0 : Number(match[2]));
  }

  /** The rule as chain rules: one, or one per entry of a `ct state vmap`. */
  rule(table: TableState, words: readonly Token[], chain?: NftChain): ChainRule[] {
    const line = words[0]!.line;
    const text = words.map((word) => (word.kind === 'string' ? `"${word.text}"` : word.text)).join(' ').replace(/ ,/g, ',');
    const fail = (message: string, code: 'TW_INVALID_CONFIG' | 'TW_UNSUPPORTED_CONFIG' = 'TW_UNSUPPORTED_CONFIG'): TagwallError =>
      this.fail(`${message}: ${text}`, line, code);
    const state: MatchState = emptyMatch();
    if (table.family !== 'inet') state.family = table.family === 'ip' ? 'ipv4' : 'ipv6';
    let verdict: Verdict = { kind: 'continue' };
    let vmap: Array<{ states?: readonly ConnState[]; family?: Family; verdict: Verdict }> | undefined;
    const conditions: PacketConditions = {};
    let commented = false;
    let i = 0;
    const take = (): Token => {
      const token = words[i++];
      if (!token) throw fail('unexpected end of rule', 'TW_INVALID_CONFIG');
      return token;
    };
    /** An optional `!=` / `==`, then one value, a `{ … }` list, or comma-joined words. */
    const values = (): { items: string[]; negated: boolean } => {
      let negated = false;
      if (words[i]?.text === '!=') {
        negated = true;
        i++;
      } else if (words[i]?.text === '==') i++;
      const first = take();
      const items: string[] = [];
      if (first.kind === '{') {
        for (let token = take(); token.kind !== '}'; token = take()) if (token.kind !== ',') items.push(token.text);
      } else {
        items.push(first.text);
        while (words[i]?.kind === ',') {
          i++;
          items.push(take().text);
        }
      }
      return { items, negated };
    };
    const setFamily = (family: Family): void => {
      if (state.family && state.family !== family) state.never = true;
      state.family = family;
    };
    const namedSet = (reference: string): SetDefinition => {
      const named = table.sets.get(reference.slice(1));
      if (!named) throw fail(`set '${reference.slice(1)}' is not defined in table ${table.family} ${table.name} (nft: No such file or directory)`, 'TW_INVALID_CONFIG');
      return named;
    };
    const addressValue = (family: Family): AddressSet => {
      const { items, negated } = values();
      // The sets of the items, joined once at the end: a lone `@set` stays the set's own object (read once for
      // every rule naming it), where a union with the empty set was a copy re-sorted for each of those rules.
      const sets: AddressSet[] = [];
      for (const item of items) {
        if (item.startsWith('@')) {
          const named = namedSet(item);
          if (named.kind !== 'addresses' || named.family !== family) throw fail(`set '${item.slice(1)}' does not hold ${family === 'ipv4' ? 'IPv4' : 'IPv6'} addresses`, 'TW_INVALID_CONFIG');
          if (named.dynamic) {
            // Traffic fills it: read both ways, matching every address of the family or none (chains.ts).
            state.limited = 'rate';
            return AddressSet.allOf(family);
          }
          sets.push(named.addresses);
        } else sets.push(this.literalAddresses(item, family, line));
      }
      const set = sets.length === 1 ? sets[0]! : AddressSet.unionOf(sets);
      return negated ? AddressSet.allOf(family).difference(set) : set;
    };
    /** The items of a number condition as inclusive ranges, by number or by a name of `names`; another item fails. */
    const numberRanges = (items: readonly string[], names: Readonly<Record<string, number>>, max: number, what: string): Array<[number, number]> =>
      items.map((item): [number, number] => {
        const parts = names[item] !== undefined ? [item] : item.split('-');
        const numbers = parts.map((part) => (names[part] !== undefined ? names[part]! : /^\d+$/.test(part) ? Number(part) : NaN));
        if (parts.length > 2 || numbers.some((n) => Number.isNaN(n) || n > max) || (numbers[1] !== undefined && numbers[1] < numbers[0]!)) {
          throw fail(`'${item}' is not a ${what} this parser knows`);
        }
        return [numbers[0]!, numbers[1] ?? numbers[0]!];
      });
    const numberValue = (names: Readonly<Record<string, number>>, max: number, what: string): { ranges: Array<[number, number]>; negated: boolean } => {
      const { items, negated } = values();
      return { ranges: numberRanges(items, names, max, what), negated };
    };
    const protocolValue = (): ProtocolSet => {
      const { ranges, negated } = numberValue(PROTOCOLS, 255, 'protocol');
      const set = ProtocolSet.fromIntervals(IntervalSet.fromRanges(ProtocolSet.ANY.intervals.domain, ranges));
      return negated ? set.complement() : set;
    };
    const portValue = (): PortSet => {
      const at = words[i]?.text === '!=' || words[i]?.text === '==' ? i + 1 : i;
      const reference = words[at]?.text;
      if (reference?.startsWith('@')) {
        const negated = words[i]?.text === '!=';
        i = at + 1;
        const named = namedSet(reference);
        if (named.kind !== 'ports') throw fail(`set '${reference.slice(1)}' does not hold ports`, 'TW_INVALID_CONFIG');
        if (named.dynamic) {
          state.limited = 'rate';
          return PortSet.ANY;
        }
        return negated ? named.ports.complement() : named.ports;
      }
      const { items, negated } = values();
      return this.literalPorts(items, negated, () => PortSet.fromRanges(numberRanges(items, SERVICES, 65535, 'port')));
    };
    /** A verdict statement at `i` (accept, drop, reject…, return, continue, jump X, goto X), or undefined. */
    const verdictAt = (): Verdict | undefined => {
      const keyword = words[i]?.text;
      if (keyword === 'accept' || keyword === 'drop' || keyword === 'return' || keyword === 'continue') {
        i++;
        return { kind: keyword };
      }
      if (keyword === 'reject') {
        i++;
        if (words[i]?.text === 'with') {
          // `with tcp reset`, `with icmp[v6|x] [type] NAME`: how it refuses, not whether.
          i += 2;
          if (words[i - 1]?.text === 'tcp') i++;
          else {
            if (words[i]?.text === 'type') i++;
            i++;
          }
        }
        return { kind: 'drop' };
      }
      if (keyword === 'jump' || keyword === 'goto') {
        i++;
        return { kind: keyword, chain: `${table.family} ${table.name} ${take().text}` };
      }
      return undefined;
    };
    const icmpValue = (names: Readonly<Record<string, number>>, code: boolean): IntervalSet => {
      const { ranges, negated } = numberValue(names, 255, code ? 'ICMP code' : 'ICMP type');
      let set = IntervalSet.empty(PORT_DOMAIN);
      for (const [first, last] of ranges) {
        for (let value = first; value <= last; value++) {
          // A code condition alone admits that code of every type.
          set = set.union(code ? codeOfEveryType(value) : icmpTypeCodes(value));
        }
      }
      return negated ? set.complement() : set;
    };
    /** A ct condition at conntrack's own priority: which runs first is the kernel's choice. */
    const beforeConntrack = (): void => {
      if (chain?.conntrack === 'same') throw fail('a ct condition in a chain at priority -200, where conntrack also runs (which first is not defined)');
    };
    /** `N UNIT` of a quota: nft refuses any other unit ("Wrong rate format"). */
    const quotaAmount = (what: string): void => {
      const amount = take().text;
      const unit = take().text;
      if (!/^\d+$/.test(amount) || !/^[kmg]?bytes$/.test(unit)) throw fail(`'${what} ${amount} ${unit}' is not an amount of bytes (nft: Wrong rate format)`, 'TW_INVALID_CONFIG');
    };
    /** A dynamic set element `KEY [. KEY …] [statements] }` after its `{`: the key narrows what the rule sees. */
    const dynamicElement = (): void => {
      for (;;) {
        const part = take().text;
        const field = take().text;
        if ((part === 'ip' || part === 'ip6') && (field === 'saddr' || field === 'daddr')) setFamily(part === 'ip' ? 'ipv4' : 'ipv6');
        else if ((part === 'tcp' || part === 'udp' || part === 'th') && (field === 'sport' || field === 'dport')) {
          narrowProtocols(state, PORT_PROTOCOLS[part]);
        } else if (!(part === 'meta' && ['l4proto', 'iifname', 'oifname', 'mark', 'nfproto'].includes(field))) {
          throw fail(`dynamic set key '${part} ${field}' is not supported (ip|ip6 saddr|daddr, tcp|udp|th sport|dport, meta …)`);
        }
        if (words[i]?.text !== '.') break;
        i++;
      }
      for (let token = take(); token.kind !== '}'; token = take()) {
        if (token.text === 'limit' && words[i]?.text === 'rate') {
          i++;
          if (words[i]?.text === 'over') i++;
          const rate = take().text;
          if (/^\d+$/.test(rate)) take();
          if (words[i]?.text === 'burst') i += 3;
        } else if (token.text === 'quota') {
          if (words[i]?.text === 'over' || words[i]?.text === 'until') i++;
          quotaAmount('quota');
        } else if (token.text === 'timeout' || token.text === 'expires') take();
        else if (token.text === 'counter') while (words[i]?.text === 'packets' || words[i]?.text === 'bytes') i += 2;
        else if (token.text === 'ct' && words[i]?.text === 'count') {
          i++;
          if (words[i]?.text === 'over') i++;
          take();
        } else throw fail(`'${token.text}' in a dynamic set element is not supported (limit rate, quota, timeout, counter, ct count)`);
      }
    };
    while (i < words.length) {
      const word = take();
      const keyword = word.text;
      const second = words[i]?.text;
      if ((keyword === 'ip' || keyword === 'ip6') && (second === 'saddr' || second === 'daddr')) {
        i++;
        const family: Family = keyword === 'ip' ? 'ipv4' : 'ipv6';
        setFamily(family);
        narrowAddresses(state, second === 'saddr' ? 'src' : 'dst', addressValue(family));
      } else if ((keyword === 'ip' && second === 'protocol') || (keyword === 'ip6' && second === 'nexthdr')) {
        i++;
        setFamily(keyword === 'ip' ? 'ipv4' : 'ipv6');
        narrowProtocols(state, protocolValue());
      } else if (keyword === 'pkttype' || (keyword === 'meta' && second === 'pkttype')) {
        if (keyword === 'meta') i++;
        const { items, negated } = values();
        narrowPacketType(state, items, negated, (message) => fail(message));
      } else if (keyword === 'tcp' && second === 'flags') {
        const { condition, next } = parseTcpFlags(words, i + 1, fail);
        i = next;
        narrowProtocols(state, TCP_ONLY);
        state.tcpFlags = [...(state.tcpFlags ?? []), condition];
      } else if (keyword === 'fib') {
        const { fib, next } = parseFib(words, i, fail);
        i = next;
        if (conditions.fib && conditions.fib !== fib) state.never = true;
        conditions.fib = fib;
      } else if ((keyword === 'meta' && second === 'mark') || keyword === 'mark') {
        const { holdsForZero, next } = parseMark(words, keyword === 'meta' ? i + 1 : i, fail);
        i = next;
        conditions.mark = (conditions.mark ?? true) && holdsForZero;
      } else if (keyword === 'ct' && second === 'status') {
        // snat/dnat: the nat table rewrote this connection. The parser refuses every address-rewriting statement,
        // so nothing in the ruleset read rewrites a connection and these bits are clear on every packet.
        i++;
        const { items, negated } = values();
        const names = items.flatMap((item) => item.split('|'));
        const unknown = names.filter((name) => !['expected', 'seen-reply', 'assured', 'confirmed', 'snat', 'dnat', 'dying'].includes(name));
        if (unknown.length > 0) throw fail(`'${unknown.join(',')}' is not a conntrack status (nft: Could not parse conntrack status)`, 'TW_INVALID_CONFIG');
        const other = names.filter((name) => name !== 'snat' && name !== 'dnat');
        if (other.length > 0) throw fail(`conntrack status '${other.join(',')}' is not modelled (snat and dnat are)`);
        beforeConntrack();
        if (!negated || chain?.conntrack === 'before') state.never = true;
      } else if ((keyword === 'add' || keyword === 'update') && second?.startsWith('@') && words[i + 1]?.kind === '{') {
        // `add @set { KEY [limit rate …] }`: adds the key from the packet path; it matches under the rate, over
        // it, or not when the set is full: what traffic decides, read both ways (chains.ts).
        const name = second.slice(1);
        const named = namedSet(second);
        if (!named.dynamic) {
          table.sets.set(name, { ...named, dynamic: true });
          table.grown = true; // rules read before this one looked it up as static: read them again
        }
        i += 2;
        dynamicElement();
        state.limited = 'rate';
      } else if (keyword === 'meter') {
        // `meter NAME [size N] { KEY limit rate … }`: a rate limit per key, read both ways.
        take();
        if (words[i]?.text === 'size') i += 2;
        if (take().kind !== '{') throw fail("meter: '{ key statement }' expected", 'TW_INVALID_CONFIG');
        dynamicElement();
        state.limited = 'rate';
      } else if (keyword === 'quota') {
        // `quota [over|until] N UNIT [used N UNIT]`: matches until (or once) N bytes have passed, read both ways.
        if (words[i]?.text === 'over' || words[i]?.text === 'until') i++;
        quotaAmount('quota');
        if (words[i]?.text === 'used') {
          i++;
          quotaAmount('quota … used');
        }
        state.limited = 'rate';
      } else if (keyword === 'limit' && second === 'rate') {
        // `limit rate [over] N/unit [burst N packets|bytes]`: holds while under (or over) the rate; chainsToRuleSet
        // decides whether that can change a verdict.
        i++;
        if (words[i]?.text === 'over') i++;
        const rate = take().text;
        if (!/^\d+\/(second|minute|hour|day|week)$/.test(rate) && !/^\d+$/.test(rate)) throw fail(`'limit rate ${rate}' is not a rate`, 'TW_INVALID_CONFIG');
        if (/^\d+$/.test(rate)) {
          // `N bytes/second` or `N kbytes/second`
          const unit = take().text;
          if (!/^[km]?bytes\/(second|minute|hour|day|week)$/.test(unit)) throw fail(`'limit rate ${rate} ${unit}' is not a rate`, 'TW_INVALID_CONFIG');
        }
        if (words[i]?.text === 'burst') i += 3;
        state.limited = 'rate';
      } else if (keyword === 'meta' && second === 'l4proto') {
        i++;
        narrowProtocols(state, protocolValue());
      } else if (keyword === 'meta' && second === 'nfproto') {
        i++;
        const { items, negated } = values();
        if (items.length !== 1 || negated || (items[0] !== 'ipv4' && items[0] !== 'ipv6')) throw fail('meta nfproto: ipv4 or ipv6 expected');
        setFamily(items[0]);
      } else if ((keyword === 'tcp' || keyword === 'udp' || keyword === 'th') && (second === 'dport' || second === 'sport')) {
        i++;
        narrowProtocols(state, PORT_PROTOCOLS[keyword]);
        narrowPorts(state, second === 'dport' ? 'dstPorts' : 'srcPorts', portValue());
      } else if ((keyword === 'icmp' || keyword === 'icmpv6') && (second === 'type' || second === 'code')) {
        i++;
        const v6 = keyword === 'icmpv6';
        // nft adds the family of the ICMP flavour unless the rule already fixed one (`ip6 daddr … icmp type`).
        if (!state.family) state.family = v6 ? 'ipv6' : 'ipv4';
        narrowProtocols(state, ProtocolSet.of(v6 ? ICMPV6 : ICMP));
        narrowIcmp(state, icmpValue(second === 'type' ? (v6 ? ICMPV6_TYPES : ICMP_TYPES) : v6 ? ICMPV6_CODES : ICMP_CODES, second === 'code'));
      } else if (
        words[i + 1]?.text === 'vmap' &&
        ((keyword === 'ct' && second === 'state') || (keyword === 'meta' && (second === 'protocol' || second === 'nfproto')))
      ) {
        // `ct state vmap { established : accept, … }`, `meta protocol vmap { ip : jump a, ip6 : jump b }`: one rule
        // per entry, each for its state or family; packets no entry names go on.
        const what = `${keyword} ${second}`;
        if (keyword === 'ct' && chain?.conntrack === 'before') throw fail('a ct state vmap before conntrack (priority below -200) is not modelled');
        beforeConntrack();
        i += 2;
        if (take().kind !== '{') throw fail(`'${what} vmap' needs a { key : verdict, … } map`, 'TW_INVALID_CONFIG');
        vmap = [];
        while (words[i]?.kind !== '}') {
          if (words[i]?.kind === ',') {
            i++;
            continue;
          }
          const key = take().text;
          const entry = emptyMatch();
          if (keyword === 'ct') narrowConnectionState(entry, [key], false, 'nft', (message) => fail(message));
          else {
            // meta protocol names the ethertype (ip, ip6), meta nfproto the family (ipv4, ipv6); nothing else is IP.
            const names: Readonly<Record<string, Family>> = second === 'protocol' ? { ip: 'ipv4', ip6: 'ipv6' } : { ipv4: 'ipv4', ipv6: 'ipv6' };
            const family = names[key];
            if (family === undefined) {
              throw fail(`'${key}' is not a ${second === 'protocol' ? 'protocol (ip, ip6)' : 'family (ipv4, ipv6)'} this parser knows`);
            }
            entry.family = family;
          }
          if (take().text !== ':') throw fail(`'${what} vmap' needs a { key : verdict, … } map`, 'TW_INVALID_CONFIG');
          const mapped = verdictAt();
          if (!mapped) throw fail(`'${words[i]?.text ?? ''}' is not a verdict`);
          vmap.push({ ...(entry.states ? { states: entry.states } : {}), ...(entry.family ? { family: entry.family } : {}), verdict: mapped });
        }
        i++;
      } else if (keyword === 'ct' && second === 'state') {
        i++;
        const { items, negated } = values();
        beforeConntrack();
        if (chain?.conntrack === 'before') {
          narrowConnectionState(emptyMatch(), items, negated, 'nft', (message) => fail(message));
          if (items.includes('invalid') === negated) state.never = true;
        } else narrowConnectionState(state, items, negated, 'nft', (message) => fail(message));
      } else if (keyword === 'meta' && (second === 'iifname' || second === 'oifname' || second === 'iif' || second === 'oif')) {
        // `meta iifname` is the long form of `iifname`; read it on the next turn.
        continue;
      } else if (keyword === 'iifname' || keyword === 'oifname' || keyword === 'iif' || keyword === 'oif') {
        // iif/oif compare the interface index, which names one interface just as iifname does (it must exist at load).
        const { items, negated } = values();
        if (items.length !== 1) throw fail(`${keyword} with a list is not supported`);
        state.interfaces.push({ kind: keyword.startsWith('i') ? 'in' : 'out', name: items[0]!.replace(/\*$/, '+'), negated });
      } else if (keyword === 'counter') {
        while (words[i]?.text === 'packets' || words[i]?.text === 'bytes') i += 2;
      } else if (keyword === 'log') {
        while (['prefix', 'level', 'group', 'snaplen', 'queue-threshold', 'flags'].includes(words[i]?.text ?? '')) i += 2;
      } else if (keyword === 'comment') {
        // nft refuses a second one (EMP: "syntax error, unexpected comment").
        if (commented) throw fail('a rule has one comment; nft refuses a second (syntax error, unexpected comment)', 'TW_INVALID_CONFIG');
        commented = true;
        take();
      }
      else {
        i--;
        const found = verdictAt();
        if (!found) throw fail(`'${keyword}${second ? ` ${second}` : ''}' is not supported`);
        verdict = found;
      }
    }
    const origin: RuleOrigin = { ...this.locate(line), text };
    const options = this.options;
    const finish = (rule: ChainRule, ruleState: MatchState): ChainRule[] =>
      withTcpFlags(rule, ruleState, options, origin).flatMap((split) => conditionalRules(split, conditions, options, chain?.base?.hook));
    if (vmap) {
      return vmap.flatMap((entry) => {
        const narrowed: MatchState = { ...state, interfaces: [...state.interfaces] };
        if (entry.states) narrowStates(narrowed, entry.states);
        if (entry.family) {
          if (narrowed.family && narrowed.family !== entry.family) narrowed.never = true;
          narrowed.family = entry.family;
        }
        return finish({ verdict: entry.verdict, origin, match: (hook: Hook) => matchPackets(narrowed, hook, options, origin), ...(state.limited ? { limited: state.limited } : {}) }, narrowed);
      });
    }
    return finish({ verdict, origin, match: (hook) => matchPackets(state, hook, options, origin), ...(state.limited ? { limited: state.limited } : {}) }, state);
  }
}

function codeOfEveryType(code: number): IntervalSet {
  const ranges: Array<[number, number]> = [];
  for (let type = 0; type < 256; type++) ranges.push([(type << 8) | code, (type << 8) | code]);
  return IntervalSet.fromRanges(PORT_DOMAIN, ranges);
}

const TABLE_SCOPE: Readonly<Record<TableState['family'], PacketSet>> = {
  ip: familyScope('ipv4'),
  ip6: familyScope('ipv6'),
  inet: PacketSet.ALL,
};

/**
 * nat chains see the first packet of each connection and may rewrite its addresses (refused: `dnat`, `snat`,
 * `masquerade`, `redirect` are statements the parser does not know) or drop it. firewalld's hold only jumps to
 * per-zone chains that are empty until a forward port is set: such chains change no verdict and are read so. A
 * drop reachable from one is refused with its line.
 */
function natChainsDropNothing(table: TableState): void {
  const seen = new Set<string>();
  const visit = (name: string, from: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const rule of table.chains.get(name)?.rules ?? []) {
      if (rule.verdict.kind === 'drop') {
        throw new TagwallError('TW_UNSUPPORTED_CONFIG', `a drop in a chain that nat chain ${from} reaches (${rule.origin.text ?? ''}); nat chains are modelled only while they drop nothing`, {
          location: locationOf(rule.origin),
        });
      }
      if (rule.verdict.kind === 'jump' || rule.verdict.kind === 'goto') visit(rule.verdict.chain.split(' ').at(-1)!, from);
    }
  };
  for (const [name, chain] of table.chains) if (chain.nat) visit(name, name);
}

/** An nft ruleset text → rule set; a hook no base chain sits on accepts (netfilter's default). */
export function parseNftRuleset(content: string, file: string, options: NetfilterOptions): RuleSet {
  return parseNftFiles([{ content, file }], options);
}

/** nft files loaded in this order (a ruleset and the files its large sets continue in) → one rule set. */
export function parseNftFiles(files: readonly ConfigFile[], options: NetfilterOptions): RuleSet {
  const { tokens, locate } = tokenizeFiles(files);
  const reader = new NftReader(tokens, locate, options);
  reader.readAll();
  const chains = new Map<string, Chain>();
  for (const table of reader.tables.values()) {
    if (table.dormant) continue;
    natChainsDropNothing(table);
    for (const [name, chain] of table.chains) {
      const key = `${table.family} ${table.name} ${name}`;
      chains.set(key, {
        name: key,
        rules: chain.rules,
        origin: locate(chain.line),
        ...(chain.base ? { base: { ...chain.base, scope: TABLE_SCOPE[table.family] } } : {}),
      });
    }
  }
  return chainsToRuleSet({ name: `nftables:${files.map((part) => part.file).join('+')}`, chains, view: options.chainHook, unseen: 'allow', rates: options.rates });
}

