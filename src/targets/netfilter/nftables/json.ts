/**
 * `nft -j list ruleset` (libnftables JSON, schema version 1) as input: written back as the ruleset text nft itself
 * prints, then read by the one nft parser, so JSON and text mean the same thing by construction. Expressions the
 * text parser does not know stay unknown: an object this reader cannot write back is TW_UNSUPPORTED_CONFIG with its
 * JSON path, and an error the text parser raises is moved onto the JSON path of the rule it came from.
 */
import type { RuleSet } from '../../../analysis/rule-set.js';
import { TagwallError } from '../../../errors.js';
import type { NetfilterOptions } from '../common/options.js';
import { parseNftRuleset } from './parse.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: Json | undefined): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

class Writer {
  constructor(private readonly file: string) {}

  fail(path: string, message: string, code: 'TW_INVALID_CONFIG' | 'TW_UNSUPPORTED_CONFIG' = 'TW_UNSUPPORTED_CONFIG'): TagwallError {
    return new TagwallError(code, `${message} (nft JSON)`, { location: { file: this.file, jsonPath: path } });
  }

  /** One value on the right of a match, or a set element. */
  value(value: Json, path: string, quote = false): string {
    if (typeof value === 'number') return String(value);
    if (typeof value === 'string') return quote ? `"${value}"` : value;
    if (Array.isArray(value)) return `{ ${value.map((item, i) => this.value(item, `${path}[${i}]`, quote)).join(', ')} }`;
    if (isObject(value)) {
      if ('set' in value && Array.isArray(value['set'])) return this.value(value['set'], `${path}.set`, quote);
      if ('range' in value && Array.isArray(value['range'])) return value['range'].map((end, i) => this.value(end, `${path}.range[${i}]`)).join('-');
      // A flag combination, `syn|ack` (tcp flags { syn, syn|ack }).
      const or = value['|'];
      if (Array.isArray(or)) return or.map((item, i) => this.value(item, `${path}['|'][${i}]`)).join('|');
      const prefix = value['prefix'];
      if (isObject(prefix)) return `${this.value(prefix['addr'] ?? null, `${path}.prefix.addr`)}/${this.value(prefix['len'] ?? null, `${path}.prefix.len`)}`;
    }
    throw this.fail(path, `value ${JSON.stringify(value)} is not supported`);
  }

  /** The left side of a match: a header field, meta or ct key. */
  key(left: Json, path: string): string {
    if (isObject(left)) {
      const payload = left['payload'];
      if (isObject(payload) && typeof payload['protocol'] === 'string' && typeof payload['field'] === 'string') return `${payload['protocol']} ${payload['field']}`;
      const meta = left['meta'];
      if (isObject(meta) && typeof meta['key'] === 'string') return `meta ${meta['key']}`;
      const ct = left['ct'];
      if (isObject(ct) && typeof ct['key'] === 'string' && ct['dir'] === undefined) return `ct ${ct['key']}`;
      const fib = left['fib'];
      if (isObject(fib) && typeof fib['result'] === 'string' && Array.isArray(fib['flags'])) return `fib ${fib['flags'].map(String).join(' . ')} ${fib['result']}`;
      const and = left['&'];
      if (Array.isArray(and) && and.length === 2) return `${this.key(and[0] ?? null, `${path}['&'][0]`)} & ${this.bits(and[1] ?? null, `${path}['&'][1]`)}`;
      const concat = left['concat'];
      if (Array.isArray(concat)) return concat.map((part, i) => this.key(part, `${path}.concat[${i}]`)).join(' . ');
    }
    throw this.fail(path, `expression ${JSON.stringify(left)} is not supported`);
  }

  /** A bitmask operand: `(fin|syn|rst|ack)` from ["fin", …], a flag name, or a number. */
  bits(value: Json, path: string): string {
    if (Array.isArray(value)) return `(${value.map((item, i) => this.value(item, `${path}[${i}]`)).join('|')})`;
    return this.value(value, path);
  }

  /** `limit rate [over] N [UNIT]/PER`, `quota [over] N UNIT [used N UNIT]`, `counter`: stateful statements. */
  stateful(statement: JsonObject): string | undefined {
    const limit = statement['limit'];
    if (isObject(limit)) {
      const rate = limit['rate'];
      const per = limit['per'];
      const unit = typeof limit['rate_unit'] === 'string' && limit['rate_unit'] !== 'packets' ? ` ${limit['rate_unit']}` : '';
      return `limit rate ${limit['inv'] === true ? 'over ' : ''}${String(rate)}${unit ? `${unit}` : ''}/${String(per)}`;
    }
    const quota = statement['quota'];
    if (isObject(quota)) {
      const used = quota['used'] === undefined ? '' : ` used ${String(quota['used'])} ${String(quota['used_unit'] ?? 'bytes')}`;
      return `quota ${quota['inv'] === true ? 'over ' : ''}${String(quota['val'])} ${String(quota['val_unit'] ?? 'bytes')}${used}`;
    }
    if ('counter' in statement) return 'counter';
    return undefined;
  }

  verdict(statement: JsonObject, path: string): string | undefined {
    for (const simple of ['accept', 'drop', 'return', 'continue'] as const) if (simple in statement) return simple;
    for (const jump of ['jump', 'goto'] as const) {
      const target = statement[jump];
      if (isObject(target) && typeof target['target'] === 'string') return `${jump} ${target['target']}`;
      if (jump in statement) throw this.fail(`${path}.${jump}`, `${jump} without a target`, 'TW_INVALID_CONFIG');
    }
    if ('reject' in statement) return 'reject';
    return undefined;
  }

  unsupported(path: string, statement: Json): never {
    throw this.fail(path, `statement ${JSON.stringify(statement)} is not supported`);
  }

  statement(statement: Json, path: string): string {
    if (!isObject(statement)) throw this.fail(path, 'a statement must be an object', 'TW_INVALID_CONFIG');
    const match = statement['match'];
    if (isObject(match)) {
      const op = match['op'];
      const key = this.key(match['left'] ?? null, `${path}.match.left`);
      const quote = /(^| )(iifname|oifname)$/.test(key);
      const rightJson = match['right'] ?? null;
      // A fib result compared with false/true: nft prints `missing` / `exists`.
      if (key.startsWith('fib ') && typeof rightJson === 'boolean') return `${key} ${(op === '!=' ? !rightJson : rightJson) ? 'exists' : 'missing'}`;
      // Bitmask keys: `in` with a list is "any of these bits" (`tcp flags syn,ack`), unlike a `{ … }` set, and
      // `==` is the whole value (`tcp flags == syn`), unlike the implicit match.
      const bitmask = /^(tcp flags|ct status|ct state)/.test(key);
      // A plain list (not a {"set": …}) on the right of a bitmask is its bits together: `(fin|psh|urg)`.
      const list = bitmask && Array.isArray(rightJson);
      const right = !list
        ? this.value(rightJson, `${path}.match.right`, quote)
        : key.startsWith('ct ')
          ? rightJson.map((item, i) => this.value(item, `${path}.match.right[${i}]`)).join(',')
          : this.bits(rightJson, `${path}.match.right`);
      if (op === 'in' || (op === '==' && !bitmask && !key.includes(' & '))) return `${key} ${right}`;
      if (op === '==' || op === '!=' || op === '!') return `${key} ${op} ${right}`;
      throw this.fail(`${path}.match.op`, `operator '${String(op)}' is not supported`);
    }
    const verdict = this.verdict(statement, path);
    if (verdict) return verdict;
    if ('log' in statement) return 'log';
    const stateful = this.stateful(statement);
    if (stateful) return stateful;
    // `add @set { KEY [limit …] }` and `meter NAME size N { KEY limit … }`: dynamic set updates.
    const set = statement['set'];
    if (isObject(set) && typeof set['op'] === 'string' && typeof set['set'] === 'string') {
      const inner = (Array.isArray(set['stmt']) ? set['stmt'] : []).map((item, i) => (isObject(item) ? this.stateful(item) : undefined) ?? this.unsupported(`${path}.set.stmt[${i}]`, item));
      // `{ ip saddr timeout 1m }` comes as {"elem": {"val": KEY, "timeout": 60}}.
      const elem = set['elem'] ?? null;
      const wrapped = isObject(elem) && isObject(elem['elem']) ? elem['elem'] : undefined;
      const key = wrapped ? this.key(wrapped['val'] ?? null, `${path}.set.elem.elem.val`) : this.key(elem, `${path}.set.elem`);
      const timeout = typeof wrapped?.['timeout'] === 'number' ? [`timeout ${wrapped['timeout']}s`] : [];
      return `${set['op']} ${set['set']} { ${[key, ...timeout, ...inner].join(' ')} }`;
    }
    const meter = statement['meter'];
    if (isObject(meter) && typeof meter['name'] === 'string') {
      const inner = isObject(meter['stmt']) ? this.stateful(meter['stmt']) : undefined;
      if (!inner) throw this.fail(`${path}.meter.stmt`, 'a meter statement is not supported');
      const size = typeof meter['size'] === 'number' ? ` size ${meter['size']}` : '';
      return `meter ${meter['name']}${size} { ${this.key(meter['key'] ?? null, `${path}.meter.key`)} ${inner} }`;
    }
    const vmap = statement['vmap'];
    if (isObject(vmap) && isObject(vmap['data']) && Array.isArray(vmap['data']['set'])) {
      const entries = vmap['data']['set'].map((entry, i) => {
        const at = `${path}.vmap.data.set[${i}]`;
        if (!Array.isArray(entry) || entry.length !== 2 || !isObject(entry[1])) throw this.fail(at, 'a vmap entry is [key, verdict]', 'TW_INVALID_CONFIG');
        const verdictText = this.verdict(entry[1], `${at}[1]`);
        if (!verdictText) throw this.fail(`${at}[1]`, 'a vmap entry maps to a verdict', 'TW_INVALID_CONFIG');
        return `${this.value(entry[0] ?? null, `${at}[0]`)} : ${verdictText}`;
      });
      return `${this.key(vmap['key'] ?? null, `${path}.vmap.key`)} vmap { ${entries.join(', ')} }`;
    }
    throw this.fail(path, `statement '${Object.keys(statement)[0] ?? ''}' is not supported`);
  }
}

export interface NftJsonText {
  /** The ruleset as nft text. */
  readonly text: string;
  /** The JSON path each line of `text` came from (1-based lines; index 0 unused). */
  readonly paths: readonly string[];
}

/** `nft -j list ruleset` → the ruleset's text, line by line with the JSON path each line came from. */
export function nftJsonToText(content: string, file: string): NftJsonText {
  let root: Json;
  try {
    root = JSON.parse(content) as Json;
  } catch (error) {
    throw new TagwallError('TW_INVALID_CONFIG', `not JSON: ${(error as Error).message}`, { location: { file } });
  }
  const writer = new Writer(file);
  const items = isObject(root) && Array.isArray(root['nftables']) ? root['nftables'] : undefined;
  if (!items) throw writer.fail('$', 'expected { "nftables": [ … ] }', 'TW_INVALID_CONFIG');
  const tables = new Map<string, { header: [string, string]; body: Array<[string, string]>; chains: Map<string, Array<[string, string]>> }>();
  const tableOf = (object: JsonObject, path: string) => {
    const key = `${String(object['family'])} ${String(object['table'] ?? object['name'])}`;
    const table = tables.get(key);
    if (!table) throw writer.fail(path, `table ${key} is not defined before it is used`, 'TW_INVALID_CONFIG');
    return table;
  };
  items.forEach((item, index) => {
    const path = `$.nftables[${index}]`;
    if (!isObject(item) || 'metainfo' in item) return;
    const [kind] = Object.keys(item);
    const object = item[kind!];
    if (!isObject(object)) throw writer.fail(path, `'${kind ?? ''}' must be an object`, 'TW_INVALID_CONFIG');
    const at = `${path}.${kind!}`;
    if (kind === 'table') {
      const flags = Array.isArray(object['flags']) ? object['flags'].map(String) : [];
      const header = `table ${String(object['family'])} ${String(object['name'])} {${flags.length ? ` flags ${flags.join(',')};` : ''}`;
      tables.set(`${String(object['family'])} ${String(object['name'])}`, { header: [header, at], body: [], chains: new Map() });
    } else if (kind === 'set') {
      if (typeof object['type'] !== 'string') throw writer.fail(`${at}.type`, 'concatenated set types are not supported');
      const flags = Array.isArray(object['flags']) ? ` flags ${object['flags'].map(String).join(',')};` : '';
      const elements = Array.isArray(object['elem']) ? ` elements = ${writer.value(object['elem'], `${at}.elem`)};` : '';
      tableOf(object, at).body.push([`\tset ${String(object['name'])} { type ${object['type']};${flags}${elements} }`, at]);
    } else if (kind === 'chain') {
      const table = tableOf(object, at);
      const base = object['hook'] === undefined ? '' : ` type ${String(object['type'])} hook ${String(object['hook'])} priority ${String(object['prio'])}; policy ${String(object['policy'] ?? 'accept')};`;
      table.chains.set(String(object['name']), [[`\tchain ${String(object['name'])} {${base}`, at]]);
    } else if (kind === 'rule') {
      const chain = tableOf(object, at).chains.get(String(object['chain']));
      if (!chain) throw writer.fail(at, `chain ${String(object['chain'])} is not defined before its rules`, 'TW_INVALID_CONFIG');
      const expr = Array.isArray(object['expr']) ? object['expr'] : [];
      const statements = expr.map((statement, i) => writer.statement(statement, `${at}.expr[${i}]`));
      if (typeof object['comment'] === 'string') statements.push(`comment "${object['comment'].replace(/"/g, '')}"`);
      chain.push([`\t\t${statements.join(' ')}`, at]);
    } else throw writer.fail(at, `'${kind ?? ''}' objects are not supported`);
  });
  const lines: Array<[string, string]> = [];
  for (const table of tables.values()) {
    lines.push(table.header, ...table.body);
    for (const chain of table.chains.values()) lines.push(...chain, ['\t}', chain[0]![1]]);
    lines.push(['}', table.header[1]]);
  }
  return { text: `${lines.map(([line]) => line).join('\n')}\n`, paths: ['', ...lines.map(([, path]) => path)] };
}

/** Parses `nft -j` output through the text parser; its errors point at the JSON object they came from. */
export function parseNftJson(content: string, file: string, options: NetfilterOptions): RuleSet {
  const { text, paths } = nftJsonToText(content, file);
  try {
    return parseNftRuleset(text, file, options);
  } catch (error) {
    const line = error instanceof TagwallError ? error.location?.line : undefined;
    if (!(error instanceof TagwallError) || line === undefined || paths[line] === undefined) throw error;
    throw new TagwallError(error.code, error.message, { location: { file, jsonPath: paths[line] } });
  }
}
