/**
 * The fast path of the service-tag JSON loader (load.ts): one pass over the file's bytes that checks the whole
 * text is JSON and takes out only what a TagTable holds, straight from the bytes: no document is built, and a
 * prefix goes from its bytes into prefix-codec.ts's encoding without becoming a string. JSON.parse of Microsoft's
 * 14 MB Public file makes ~100k strings, arrays and objects that the loader then reads once and drops; building
 * them, and collecting them afterwards, was most of a `tagwall snapshot diff` (issue 22).
 *
 * It answers only when it is sure the full path (JSON.parse, then the shape checks) would give the same table:
 * anything it does not take in its stride — an error of any kind, a byte outside ASCII, a key written twice,
 * nesting deeper than MAX_DEPTH — makes it return undefined, and load.ts then parses the text the full way, which
 * finds the first error and words it with its line:column or JSON path exactly as before. A valid file is read
 * once; a broken one twice.
 *
 * A file shaped exactly as Microsoft writes it is first read by prefix-scan.wat, in WebAssembly, which has no
 * warm-up (prefix-scan.ts); the walk here reads whatever it does not take.
 */
import { parseCloud, type Cloud } from './cloud.js';
import { PrefixWriter } from './prefix-codec.js';
import { nameHash } from './name-index.js';
import { FIELD, readServiceTagFile, RECORD, SAME_AS, type FileRecords } from './prefix-scan.js';
import type { FieldTexts, PrefixCount, ServiceTagInfo } from './types.js';

/** What the scan takes out of a file; load.ts checks the names and builds the table. */
export interface ScannedSnapshot {
  readonly cloud: Cloud;
  readonly changeNumber: number;
  readonly rows: ScannedRows;
  readonly encoded: Uint8Array;
  /** Tag i's prefixes are encoded[offsets[i], offsets[i + 1]). */
  readonly offsets: Uint32Array;
  /** Tag i's prefixes as the file writes them, read on demand from the kept bytes. */
  publishedPrefixes(index: number): readonly string[];
}

/**
 * The tags of a scanned file: every name at once (the table checks and indexes them), each tag's row when it is
 * first asked for, then the same object. A file prefix-scan.wat read keeps its records and text and builds a row
 * from them on demand: `snapshot diff` asks for the ~350 tags of ~3,000 a Public pair changes, and the ~5,300 rows
 * (and their prefix counts) it never reads are not made, nor carried by every scavenge to the end of the run.
 */
export interface ScannedRows {
  readonly count: number;
  readonly names: readonly string[];
  /** The prefix counts of all tags, summed. */
  readonly prefixCount: PrefixCount;
  tagAt(index: number): ServiceTagInfo;
  regionAt(index: number): string;
  /** name-index.ts nameHash of each name: prefix-scan.wat's, from the records; the walk's computed. */
  readonly nameHashes: Int32Array;
  /** Where each tag's values are, for a file prefix-scan.wat read (sameFieldTexts); undefined for one the walk read. */
  readonly texts: FieldTexts | undefined;
  /**
   * `names.join('\n')`, where it is known no name holds a line feed (prefix-scan.wat's copy: printable ASCII only);
   * undefined where it is not made (load.ts validNames joins them).
   */
  readonly joinedNames: string | undefined;
}

/** Rows made already (the walk's, the full path's): each name, row and region read from them. */
export function eagerRows(tags: readonly ServiceTagInfo[]): ScannedRows {
  const names = new Array<string>(tags.length);
  let ipv4 = 0;
  let ipv6 = 0;
  // Indexed, not for-of: run once and cold, for-of made an iterator result per tag for the scavenger.
  for (let i = 0; i < tags.length; i++) {
    const tag = tags[i]!;
    names[i] = tag.name;
    ipv4 += tag.prefixCount.ipv4;
    ipv6 += tag.prefixCount.ipv6;
  }
  return {
    count: tags.length,
    names,
    prefixCount: Object.freeze({ ipv4, ipv6 }),
    tagAt: (index) => tags[index]!,
    regionAt: (index) => tags[index]!.region,
    nameHashes: Int32Array.from(names, nameHash),
    texts: undefined,
    joinedNames: undefined,
  };
}

/** Deeper nesting (only in keys tagwall ignores) is left to JSON.parse, which has no recursion limit to hit. */
const MAX_DEPTH = 64;

/**
 * Each byte's value as a hex digit, -1 for a byte that is not one (model/ip.ts hexDigitValue, as a table): a load
 * instead of a call per digit, and one function less for V8 to compile while it reads the first file (issue 22).
 */
const HEX_DIGIT_VALUE = Int8Array.from({ length: 256 }, (_, c) =>
  c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1,
);

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

/**
 * `buffer.toString('latin1', start, end)` for positions already in range (start <= end), through Node's own
 * latin1Slice, which toString calls once it has checked its arguments and looked the encoding up. fromRecords makes
 * ~3,000 strings a file; with toString at its five call sites V8's optimising compiler inlined those checks and the
 * look-up at each, and took 60-190 ms (on a loaded machine; once on-stack, once whole) to compile the loop, on the
 * core the second file's inflation needs; with latin1Slice under 1 ms (issue 22, round 19). latin1Slice is not
 * documented (Node 20, 22 and 24 have it): a Node without it takes toString.
 */
export const latin1Text: (buffer: Buffer, start: number, end: number) => string =
  typeof (Buffer.prototype as Partial<Latin1Buffer>).latin1Slice === 'function'
    ? (buffer, start, end) => (buffer as Latin1Buffer).latin1Slice(start, end)
    : (buffer, start, end) => buffer.toString('latin1', start, end);

/** Thrown inside the scan to give up; never leaves this module. */
const GIVE_UP = Symbol('give up');

const keyBytes = (keys: readonly string[]): readonly Uint8Array[] => keys.map((key) => Uint8Array.from(key, (c) => c.charCodeAt(0)));
const TOP_KEYS = ['changeNumber', 'cloud', 'values'];
const TAG_KEYS = ['name', 'id', 'properties'];
const PROPERTY_KEYS = ['changeNumber', 'region', 'regionId', 'platform', 'systemService', 'addressPrefixes', 'networkFeatures'];
const TOP = keyBytes(TOP_KEYS);
const TAG = keyBytes(TAG_KEYS);
const PROPERTIES = keyBytes(PROPERTY_KEYS);

/**
 * The snapshot in `bytes` (JSON text after gunzip, maybe with a UTF-8 BOM), or undefined: let JSON.parse decide.
 * The table reads its published prefix strings from the bytes on demand: `owned` says nobody else holds them (a
 * gunzip's output); otherwise they are copied first, so a caller that reuses its buffer cannot change the table.
 * A file shaped as Microsoft writes it is read by prefix-scan.wat (`webAssembly`; the tests compare both ways),
 * any other by the Scanner's walk.
 */
export function scanServiceTags(bytes: Uint8Array, owned = false, webAssembly = true): ScannedSnapshot | undefined {
  try {
    return new Scanner(bytes).snapshot(owned, webAssembly);
  } catch {
    // GIVE_UP, or a check that threw (an unknown cloud, a prefix the strict parser refuses): either way the full
    // path finds the first error in document order and reports it with its place.
    return undefined;
  }
}

function giveUp(): never {
  throw GIVE_UP;
}

class Scanner {
  private p = 0;
  /** The last string read: its content is b[s, e); `escaped` when it holds a backslash escape. */
  private s = 0;
  private e = 0;
  private escaped = false;
  private readonly text: Buffer;
  /**
   * The walk's encoding, made when the walk starts: a file prefix-scan.wat reads is encoded there, and a writer made
   * for it anyway was a zeroed fifth of the text (~820 KB, ~200 fresh pages) per Public file, never written.
   */
  private writer: PrefixWriter | undefined;
  private readonly groups = new Uint16Array(8);
  /**
   * The last value of a field and the bytes it was read from: a value written as the last one was is that string
   * again (a tag's id is its name; tags in a row share their platform, region, service and network features), so
   * ~6,000 strings and arrays per file are not made, nor carried by the garbage collector to the end of the diff.
   */
  private readonly recentName = new Recent<string>();
  private readonly recentRegion = new Recent<string>();
  private readonly recentPlatform = new Recent<string>();
  private readonly recentSystemService = new Recent<string>();
  private readonly recentFeatures = new Recent<readonly string[]>();

  constructor(private readonly b: Uint8Array) {
    this.text = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    // TextDecoder drops one UTF-8 BOM on the full path; a second one is not JSON whitespace (and not ASCII here).
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.p = 3;
  }

  snapshot(owned: boolean, webAssembly: boolean): ScannedSnapshot {
    const read = webAssembly ? readServiceTagFile(this.b, this.p) : undefined;
    return read ? this.fromRecords(read, owned) : this.walk(owned);
  }

  /**
   * The snapshot from what prefix-scan.wat read: the names now, and the rows the walk would make, from the same bytes,
   * when they are asked for (RecordRows).
   */
  private fromRecords(file: FileRecords, owned: boolean): ScannedSnapshot {
    const cloud = parseCloud(this.text.toString('latin1', file.cloudStart, file.cloudEnd));
    // A view of the module's memory, which the module does not write again (prefix-scan.ts KEPT).
    const records = file.records;
    const count = records.length / RECORD;
    const text = owned ? this.text : Buffer.from(this.text);
    const names = new Array<string>(count);
    const offsets = file.offsets;
    let ipv4 = 0;
    let prefixes = 0;
    // Each name cut from the module's copy of them all, a line feed after each: a string builtin per name, not a
    // call into Node's latin1Slice (~0.5 µs each, ~3,000 a file) and then a join for the names check.
    const joined = file.names;
    for (let i = 0, r = 0, at = 0; i < count; i++, r += RECORD) {
      const end = at + records[r + FIELD.nameEnd]! - records[r + FIELD.nameStart]!;
      names[i] = joined.slice(at, end);
      at = end + 1;
      ipv4 += records[r + FIELD.ipv4Count]!;
      prefixes += records[r + FIELD.prefixCount]!;
    }
    const rows = new RecordRows(records, text, names, Object.freeze({ ipv4, ipv6: prefixes - ipv4 }), { text, records }, file.nameHashes, joined);
    return this.scanned(text, cloud, file.changeNumber, rows, file.encoded, offsets, (index) => [
      records[RECORD * index + FIELD.prefixesStart]!,
      records[RECORD * index + FIELD.prefixesEnd]!,
    ]);
  }

  /** The Scanner's own walk over the file, for any shape JSON allows. */
  private walk(owned: boolean): ScannedSnapshot {
    // Microsoft's files encode to a sixth or a seventh of their JSON text: a fifth is one allocation for them.
    const writer = new PrefixWriter(Math.ceil(this.b.length / 5));
    this.writer = writer;
    let changeNumber = -1;
    let cloud: Cloud | undefined;
    let tags: ServiceTagInfo[] | undefined;
    let offsets: Uint32Array | undefined;
    // Per tag: where its addressPrefixes array's text starts and ends, and where its encoding ends in the writer.
    // Sized for a tag per KiB of text (Microsoft's files hold ~1.4 KiB a tag): no growth for them, little for a test.
    const spans = new Uint32List(3 * Math.max(16, Math.ceil(this.b.length / 1024)));
    if (this.ws() !== 0x7b /* { */) giveUp();
    if (this.firstMember()) {
      // Microsoft writes the keys in the order of TOP: each is looked for first after the one before it.
      let expected = 0;
      do {
        const found = this.key(TOP, expected);
        expected = found + 1;
        switch (found) {
          case 0:
            if (changeNumber >= 0) giveUp();
            changeNumber = this.count();
            break;
          case 1:
            if (cloud !== undefined) giveUp();
            cloud = parseCloud(this.string());
            break;
          case 2: {
            if (tags !== undefined) giveUp();
            tags = [];
            if (this.b[this.p] !== 0x5b /* [ */) giveUp();
            if (this.firstElement()) {
              do {
                tags.push(this.tag());
                spans.push(this.prefixesStart, this.prefixesEnd, writer.length);
              } while (this.nextElement());
            }
            offsets = new Uint32Array(tags.length + 1);
            for (let i = 0; i < tags.length; i++) offsets[i + 1] = spans.values[3 * i + 2]!;
            break;
          }
          default:
            this.skipValue(1);
        }
      } while (this.nextMember());
    }
    if (this.ws() !== -1 || changeNumber < 0 || cloud === undefined || tags === undefined || offsets === undefined) giveUp();
    const arrays = spans.values;
    const text = owned ? this.text : Buffer.from(this.text);
    return this.scanned(text, cloud, changeNumber, eagerRows(tags), writer.finish(), offsets, (index) => [arrays[3 * index]!, arrays[3 * index + 1]!]);
  }

  /**
   * What the scan gives, from the walk or the records; `text`: the bytes, or a copy of them when the caller may reuse
   * its buffer (scanServiceTags' `owned`); `prefixesText(i)`: where tag i's addressPrefixes array is in it.
   */
  private scanned(
    text: Buffer,
    cloud: Cloud,
    changeNumber: number,
    rows: ScannedRows,
    encoded: Uint8Array,
    offsets: Uint32Array,
    prefixesText: (index: number) => readonly [number, number],
  ): ScannedSnapshot {
    // Made at the first read (a slot per tag): `snapshot diff` reads none.
    let published: Array<readonly string[] | undefined> | undefined;
    return {
      cloud,
      changeNumber,
      rows,
      encoded,
      offsets,
      publishedPrefixes(index: number): readonly string[] {
        // The array's text is JSON on its own, already checked: JSON.parse of it gives what JSON.parse of the
        // whole file would have (ASCII only, so latin1 is UTF-8 here).
        const [start, end] = prefixesText(index);
        published ??= new Array<readonly string[] | undefined>(rows.count);
        published[index] ??= Object.freeze(JSON.parse(text.toString('latin1', start, end)) as string[]);
        return published[index]!;
      },
    };
  }

  private tag(): ServiceTagInfo {
    if (this.b[this.p] !== 0x7b) giveUp();
    let name: string | undefined;
    let id: string | undefined;
    let properties = false;
    if (this.firstMember()) {
      // Microsoft writes the keys in the order of TAG: each is looked for first after the one before it.
      let expected = 0;
      do {
        const found = this.key(TAG, expected);
        expected = found + 1;
        switch (found) {
          case 0:
            if (name !== undefined) giveUp();
            name = this.repeated(this.recentName);
            break;
          case 1:
            if (id !== undefined) giveUp();
            id = this.repeated(this.recentName);
            break;
          case 2:
            if (properties) giveUp();
            this.properties();
            properties = true;
            break;
          default:
            this.skipValue(3);
        }
      } while (this.nextMember());
    }
    if (name === undefined || id === undefined || !properties) giveUp();
    // The fields in the order the full path writes them (they are printed in this order by --json).
    return Object.freeze({
      name,
      id,
      region: this.region,
      regionId: this.regionId,
      platform: this.platform,
      systemService: this.systemService,
      networkFeatures: this.networkFeatures,
      changeNumber: this.changeNumber,
      prefixCount: Object.freeze({ ipv4: this.ipv4, ipv6: this.ipv6 }),
    });
  }

  // What the last properties() call read, kept here rather than returned as an object: one object fewer per tag
  // for the scavenger (issue 22). Set only by a properties() that returns, so tag() reads a complete set.
  private changeNumber = 0;
  private region = '';
  private regionId = 0;
  private platform = '';
  private systemService = '';
  private networkFeatures: readonly string[] | null = null;
  private ipv4 = 0;
  private ipv6 = 0;
  private prefixesStart = 0;
  private prefixesEnd = 0;

  /** Reads a tag's `properties` object into the fields above. */
  private properties(): void {
    if (this.b[this.p] !== 0x7b) giveUp();
    let changeNumber = -1;
    let regionId = -1;
    let region: string | undefined;
    let platform: string | undefined;
    let systemService: string | undefined;
    let networkFeatures: readonly string[] | null | undefined;
    let prefixesStart = -1;
    let prefixesEnd = -1;
    let ipv4 = 0;
    let ipv6 = 0;
    if (this.firstMember()) {
      // Microsoft writes the keys in the order of PROPERTIES: each is looked for first after the one before it.
      let expected = 0;
      do {
        const found = this.key(PROPERTIES, expected);
        expected = found + 1;
        switch (found) {
          case 0:
            if (changeNumber >= 0) giveUp();
            changeNumber = this.count();
            break;
          case 1:
            if (region !== undefined) giveUp();
            region = this.repeated(this.recentRegion);
            break;
          case 2:
            if (regionId >= 0) giveUp();
            regionId = this.count();
            break;
          case 3:
            if (platform !== undefined) giveUp();
            platform = this.repeated(this.recentPlatform);
            break;
          case 4:
            if (systemService !== undefined) giveUp();
            systemService = this.repeated(this.recentSystemService);
            break;
          case 5: {
            if (prefixesStart >= 0) giveUp();
            prefixesStart = this.p;
            ipv4 = this.prefixes();
            ipv6 = this.prefixCount - ipv4;
            prefixesEnd = this.p;
            break;
          }
          case 6:
            if (networkFeatures !== undefined) giveUp();
            networkFeatures = this.repeatedFeatures();
            break;
          default:
            this.skipValue(5);
        }
      } while (this.nextMember());
    }
    if (
      changeNumber < 0 ||
      regionId < 0 ||
      region === undefined ||
      platform === undefined ||
      systemService === undefined ||
      networkFeatures === undefined ||
      prefixesStart < 0
    ) {
      giveUp();
    }
    this.changeNumber = changeNumber;
    this.region = region;
    this.regionId = regionId;
    this.platform = platform;
    this.systemService = systemService;
    this.networkFeatures = networkFeatures;
    this.ipv4 = ipv4;
    this.ipv6 = ipv6;
    this.prefixesStart = prefixesStart;
    this.prefixesEnd = prefixesEnd;
  }

  /** The network of the last IPv4 prefix quotedIPv4 read, as a signed 32-bit integer. */
  private ipv4Network = 0;

  /** Prefixes read by the last prefixes() call. */
  private prefixCount = 0;

  /** Reads an array of CIDR strings into the writer; returns how many are IPv4 (prefixCount: all of them). */
  private prefixes(): number {
    const b = this.b;
    const writer = this.writer!; // walk() made it before reading any tag
    if (b[this.p] !== 0x5b /* [ */) giveUp();
    let ipv4 = 0;
    let count = 0;
    if (this.firstElement()) {
      do {
        if (b[this.p] !== 0x22) giveUp();
        count++;
        const quoted = this.quotedIPv4();
        if (quoted >= 0) {
          writer.writeIPv4(quoted, this.ipv4Network);
          ipv4++;
          continue;
        }
        const v6 = this.quotedIPv6();
        if (v6 >= 0) {
          writer.writeIPv6(v6, this.groups);
          continue;
        }
        this.scanString();
        // Anything else (an IPv4 tail in IPv6, an escape, an error) through the strict text parser, which throws
        // on what it refuses: then the full path reports it at its JSON path.
        if (writer.push(this.stringValue()) === 'ipv4') ipv4++;
      } while (this.nextPrefix());
    }
    this.prefixCount = count;
    return ipv4;
  }

  private features(): readonly string[] | null {
    const b = this.b;
    if (b[this.p] === 0x6e /* n */) {
      this.literal('null');
      return null;
    }
    if (b[this.p] !== 0x5b) giveUp();
    const features: string[] = [];
    if (this.firstElement()) {
      do features.push(this.string());
      while (this.nextElement());
    }
    return Object.freeze(features);
  }

  // ─── prefixes from bytes ──────────────────────────────────────────────────────────────────────────────

  /**
   * At a '"': the string, when it is an IPv4 prefix as prefix-codec.ts's plainIPv4Prefix reads the same text (a
   * dotted quad without leading zeros, a length without one, no host bits), in the same pass that finds its end
   * (three quarters of Microsoft's prefixes): sets ipv4Network, moves p past the closing quote and returns the
   * length; else -1 with p unmoved, and the string is read the general way.
   */
  private quotedIPv4(): number {
    const b = this.b;
    let i = this.p + 1;
    let value = 0;
    for (let octets = 0; octets < 4; octets++) {
      if (octets > 0) {
        if (b[i] !== 0x2e /* . */) return -1;
        i++;
      }
      // A fourth digit is refused by the '.' or '/' test after.
      const octet = this.smallNumber(i);
      if (octet < 0 || octet > 255) return -1;
      i = this.digitsEnd;
      // A 32-bit integer throughout, not a double past 2^31: unoptimised code boxed those as heap numbers (issue 22).
      value = (value << 8) | octet;
    }
    if (b[i] !== 0x2f /* / */) return -1;
    const length = this.smallNumber(i + 1);
    if (length < 0 || length > 32) return -1;
    i = this.digitsEnd;
    if (b[i] !== 0x22 /* " */) return -1;
    if (length < 32 && value << length !== 0) return -1; // host bits (see prefix-codec.ts plainIPv4Prefix)
    this.ipv4Network = value;
    this.p = i + 1;
    return length;
  }

  /** Where the digits smallNumber read end. */
  private digitsEnd = 0;

  /**
   * At b[i]: 1 to 3 decimal digits without a leading zero (a lone 0 is one) as a number, with digitsEnd after them;
   * -1 for no digit or a leading zero. Past the end of the bytes b[i] is undefined, which is no digit. An octet, and
   * the length of an IPv4 or IPv6 prefix; the callers bound it.
   */
  private smallNumber(i: number): number {
    const b = this.b;
    let c = b[i]! - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    let value = c;
    c = b[++i]! - 48;
    if (c >= 0 && c <= 9) {
      if (value === 0) return -1;
      value = value * 10 + c;
      c = b[++i]! - 48;
      if (c >= 0 && c <= 9) {
        value = value * 10 + c;
        i++;
      }
    }
    this.digitsEnd = i;
    return value;
  }

  /**
   * At a '"': the string, when it is an IPv6 prefix as model/ip.ts's scanIPv6 and parseStrictPrefix read it, for the
   * forms Microsoft writes (hex groups, at most one `::`, a length without a leading zero, no host bits), read in
   * the pass that finds its closing quote: sets groups[0..8), moves p past the quote and returns the length; else
   * -1 with p unmoved (an IPv4 tail, an escape, an error), and the string is read the general way. It accepts only
   * hex digits, ':', '/' and decimal digits before the quote, so what it takes holds no escape (issue 22: a
   * separate scanString pass and a call per IPv6 prefix were a fifth of the unoptimised scan).
   */
  private quotedIPv6(): number {
    const b = this.b;
    const groups = this.groups;
    let count = 0;
    let gapAt = -1;
    let i = this.p + 1;
    // Past the end of the bytes b[i] is undefined, which every test below refuses (no quote: -1).
    if (b[i] === 58 /* : */) {
      if (b[i + 1] !== 58) return -1;
      gapAt = 0;
      i += 2;
    }
    while (true) {
      if (b[i] === 0x22) return -1;
      if (b[i] === 47 /* / */) {
        // `2001:db8::/32`: the address ends right after its '::'
        if (gapAt === count && b[i - 1] === 58) break;
        return -1;
      }
      if (count === 8) return -1;
      const start = i;
      let group = 0;
      for (; ; i++) {
        const digit = HEX_DIGIT_VALUE[b[i]!]!;
        if (!(digit >= 0)) break;
        group = (group << 4) | digit;
      }
      const digits = i - start;
      if (digits === 0 || digits > 4) return -1;
      groups[count++] = group;
      if (b[i] === 47) break;
      if (b[i] !== 58) return -1;
      i++;
      if (b[i] === 58) {
        if (gapAt >= 0) return -1;
        gapAt = count;
        i++;
      } else if (b[i] === 47) {
        return -1; // a single ':' before the length
      }
    }
    if (gapAt >= 0) {
      if (count === 8) return -1;
      const tail = count - gapAt;
      for (let k = 0; k < tail; k++) groups[7 - k] = groups[count - 1 - k]!;
      for (let k = gapAt; k < 8 - tail; k++) groups[k] = 0;
    } else if (count !== 8) {
      return -1;
    }
    // The length after the '/': 1 to 3 digits, without a leading zero, at most 128, then the closing quote.
    const length = this.smallNumber(i + 1);
    if (length < 0 || length > 128) return -1;
    i = this.digitsEnd;
    if (b[i] !== 0x22 /* " */) return -1;
    for (let k = 0; k < 4; k++) {
      // Signed 32-bit words and masks: small integers to V8 throughout.
      const word = (groups[2 * k]! << 16) | groups[2 * k + 1]!;
      const bits = length - 32 * k;
      const hostMask = bits >= 32 ? 0 : bits <= 0 ? -1 : ~(-1 << (32 - bits));
      if ((word & hostMask) !== 0) return -1;
    }
    this.p = i + 1;
    return length;
  }

  // ─── JSON ─────────────────────────────────────────────────────────────────────────────────────────────

  /** Skips JSON whitespace; the byte there, or -1 at the end. */
  private ws(): number {
    const b = this.b;
    const n = b.length;
    let p = this.p;
    let c = -1;
    while (p < n) {
      const byte = b[p]!;
      if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) {
        c = byte;
        break;
      }
      p++;
    }
    // One store for both ends: a second one, reached only at the end of the text, had no type feedback when V8
    // optimised this function, which it then threw away at the end of the first file and compiled again (issue 22).
    this.p = p;
    return c;
  }

  /** At '{': true when a member follows (p at its key), false for an empty object (consumed). */
  private firstMember(): boolean {
    this.p++;
    const c = this.ws();
    if (c === 0x7d /* } */) {
      this.p++;
      return false;
    }
    if (c !== 0x22) giveUp();
    return true;
  }

  /** After a member's value: true when another follows (p at its key), false at the '}' (consumed). */
  private nextMember(): boolean {
    const c = this.ws();
    if (c === 0x2c /* , */) {
      this.p++;
      if (this.ws() !== 0x22) giveUp();
      return true;
    }
    if (c !== 0x7d) giveUp();
    this.p++;
    return false;
  }

  /** At '[': true when an element follows (p at it), false for an empty array (consumed). */
  private firstElement(): boolean {
    this.p++;
    if (this.ws() === 0x5d /* ] */) {
      this.p++;
      return false;
    }
    return true;
  }

  /** After an element: true when another follows (p at it), false at the ']' (consumed). */
  private nextElement(): boolean {
    const c = this.ws();
    if (c === 0x2c) {
      this.p++;
      this.ws();
      return true;
    }
    if (c !== 0x5d) giveUp();
    this.p++;
    return false;
  }

  /**
   * nextElement() for the elements of a prefix array, with the whitespace read here: one call after each of ~91k
   * prefixes a file instead of three (nextElement, and ws twice), which cost more than the bytes they read while
   * the scan runs unoptimised (issue 22).
   */
  private nextPrefix(): boolean {
    const b = this.b;
    let p = this.p;
    let c = b[p];
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
    if (c === 0x2c /* , */) {
      c = b[++p];
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = b[++p];
      this.p = p;
      return true;
    }
    if (c !== 0x5d /* ] */) giveUp();
    this.p = p + 1;
    return false;
  }

  /**
   * Reads a key and its ':', leaving p at the value; the key's index in `keys`, or -1 for another key. `expected`:
   * the index to try first.
   */
  private key(keys: readonly Uint8Array[], expected: number): number {
    const found = this.expectedKey(keys, expected) ? expected : this.anyKey(keys);
    if (this.ws() !== 0x3a /* : */) giveUp();
    this.p++;
    this.ws();
    return found;
  }

  /**
   * Whether the key at p is keys[expected], compared in place, its bytes and then a '"' (no key tagwall reads has a
   * quote or a backslash, so a match is that key however the rest is written); if so, p moves past it. The key
   * Microsoft writes next is read once this way, not found by scanString and then compared (issue 22).
   */
  private expectedKey(keys: readonly Uint8Array[], expected: number): boolean {
    if (expected >= keys.length) return false;
    const b = this.b;
    const key = keys[expected]!;
    const start = this.p + 1;
    const length = key.length;
    if (b[start + length] !== 0x22) return false;
    for (let i = 0; i < length; i++) if (b[start + i] !== key[i]) return false;
    this.p = start + length + 1;
    return true;
  }

  /** The key at p (scanned, p past it): its index in `keys`, or -1 for another key. */
  private anyKey(keys: readonly Uint8Array[]): number {
    this.scanString();
    let found = -1;
    if (this.escaped) {
      const key = this.stringValue();
      const names = keys === TOP ? TOP_KEYS : keys === TAG ? TAG_KEYS : PROPERTY_KEYS;
      found = names.indexOf(key);
    } else {
      const b = this.b;
      const s = this.s;
      const length = this.e - s;
      for (let k = 0; k < keys.length && found < 0; k++) {
        const key = keys[k]!;
        if (key.length !== length) continue;
        let same = true;
        for (let i = 0; i < length && same; i++) same = b[s + i] === key[i];
        if (same) found = k;
      }
    }
    return found;
  }

  /** A string value at p: `recent`'s value when it is written as that was (no escape), else a new one, kept there. */
  private repeated(recent: Recent<string>): string {
    if (this.b[this.p] !== 0x22) giveUp();
    this.scanString();
    if (this.escaped) return this.stringValue();
    const length = this.e - this.s;
    if (recent.value !== undefined && recent.end - recent.start === length && this.sameBytes(recent.start, this.s, length)) return recent.value;
    recent.start = this.s;
    recent.end = this.e;
    recent.value = this.text.toString('latin1', this.s, this.e);
    return recent.value;
  }

  /** features(), or the last list read when the JSON text at p is that list's text, byte for byte. */
  private repeatedFeatures(): readonly string[] | null {
    const recent = this.recentFeatures;
    const length = recent.end - recent.start;
    if (recent.value !== undefined && this.p + length <= this.b.length && this.sameBytes(recent.start, this.p, length)) {
      // The same bytes as an array already checked and read: the same value, ending at the same distance.
      this.p += length;
      return recent.value;
    }
    const start = this.p;
    const features = this.features();
    if (features !== null) {
      recent.start = start;
      recent.end = this.p;
      recent.value = features;
    }
    return features;
  }

  /** Whether b[a, a + length) and b[c, c + length) hold the same bytes. */
  private sameBytes(a: number, c: number, length: number): boolean {
    const b = this.b;
    for (let i = 0; i < length; i++) if (b[a + i] !== b[c + i]) return false;
    return true;
  }

  /** A string value at p. */
  private string(): string {
    if (this.b[this.p] !== 0x22) giveUp();
    this.scanString();
    return this.stringValue();
  }

  private stringValue(): string {
    // With an escape, JSON.parse of the checked string (quotes included) decodes it as the full path would.
    return this.escaped ? (JSON.parse(this.text.toString('latin1', this.s - 1, this.e + 1)) as string) : this.text.toString('latin1', this.s, this.e);
  }

  /** Checks the string at p (at its '"'); sets s, e and escaped, and p past the closing quote. */
  private scanString(): void {
    const b = this.b;
    const n = b.length;
    let p = this.p + 1;
    const start = p;
    let escaped = false;
    while (true) {
      if (p >= n) giveUp();
      const c = b[p]!;
      if (c === 0x22) break;
      // Control characters are not JSON; other bytes over 0x7f are left to TextDecoder's UTF-8 check.
      if (c < 0x20 || c > 0x7e) giveUp();
      if (c === 0x5c /* \ */) {
        escaped = true;
        const next = b[p + 1];
        if (next === 0x75 /* u */) {
          for (let k = 2; k < 6; k++) if (!isHex(b[p + k])) giveUp();
          p += 6;
          continue;
        }
        // " \ / b f n r t
        if (next !== 0x22 && next !== 0x5c && next !== 0x2f && next !== 0x62 && next !== 0x66 && next !== 0x6e && next !== 0x72 && next !== 0x74) giveUp();
        p += 2;
        continue;
      }
      p++;
    }
    this.s = start;
    this.e = p;
    this.escaped = escaped;
    this.p = p + 1;
  }

  /** A non-negative safe integer at p, as JSON.parse would read it (`1.0` and `1e2` are integers too). */
  private count(): number {
    const b = this.b;
    const start = this.p;
    const first = b[start];
    if (first !== 0x2d && !isDigit(first)) giveUp();
    this.number();
    let value = 0;
    let plain = this.p - start <= 15;
    for (let i = start; i < this.p && plain; i++) {
      const c = b[i]!;
      if (c < 0x30 || c > 0x39) plain = false;
      else value = value * 10 + (c - 0x30);
    }
    if (!plain) value = Number(this.text.toString('latin1', start, this.p));
    if (!Number.isSafeInteger(value) || value < 0) giveUp();
    return value;
  }

  /** Checks the number at p (JSON's grammar) and moves p past it. */
  private number(): void {
    const b = this.b;
    let p = this.p;
    if (b[p] === 0x2d) p++;
    if (b[p] === 0x30) p++;
    else if (isDigit(b[p])) while (isDigit(b[p])) p++;
    else giveUp();
    if (b[p] === 0x2e /* . */) {
      p++;
      if (!isDigit(b[p])) giveUp();
      while (isDigit(b[p])) p++;
    }
    if (b[p] === 0x65 || b[p] === 0x45 /* e E */) {
      p++;
      if (b[p] === 0x2b || b[p] === 0x2d) p++;
      if (!isDigit(b[p])) giveUp();
      while (isDigit(b[p])) p++;
    }
    this.p = p;
  }

  private literal(word: 'true' | 'false' | 'null'): void {
    for (let k = 0; k < word.length; k++) if (this.b[this.p + k] !== word.charCodeAt(k)) giveUp();
    this.p += word.length;
  }

  /** Checks any JSON value at p (after whitespace) and moves past it. */
  private skipValue(depth: number): void {
    if (depth > MAX_DEPTH) giveUp();
    const c = this.ws();
    if (c === 0x22) this.scanString();
    else if (c === 0x7b) {
      if (this.firstMember()) {
        do {
          this.scanString();
          if (this.ws() !== 0x3a) giveUp();
          this.p++;
          this.skipValue(depth + 1);
        } while (this.nextMember());
      }
    } else if (c === 0x5b) {
      if (this.firstElement()) {
        do this.skipValue(depth + 1);
        while (this.nextElement());
      }
    } else if (c === 0x74) this.literal('true');
    else if (c === 0x66) this.literal('false');
    else if (c === 0x6e) this.literal('null');
    else if (c === 0x2d || isDigit(c)) this.number();
    else giveUp();
  }
}

/**
 * Whether tag `i` of `a` and tag `j` of `b` (files prefix-scan.wat read) have the same name, id, changeNumber,
 * region, regionId, platform, systemService and networkFeatures, told from their bytes without making either row.
 * The texts are compared byte for byte, the features lists but for the whitespace between their elements (a file
 * written with CRLF against one with LF: the Public pair of the bench). `false` is only "not shown the same": the
 * caller then compares the rows (features as sets). Prefixes are not compared here.
 */
export function sameFieldTexts(a: FieldTexts, i: number, b: FieldTexts, j: number): boolean {
  return sameChangeNumber(a, i, b, j) && sameMetadataTexts(a, i, b, j);
}

/** Whether tag `i` of `a` and tag `j` of `b` (files prefix-scan.wat read) have the same changeNumber. */
export function sameChangeNumber(a: FieldTexts, i: number, b: FieldTexts, j: number): boolean {
  return a.records[RECORD * i + FIELD.changeNumber] === b.records[RECORD * j + FIELD.changeNumber];
}

/**
 * sameFieldTexts but for the changeNumber: whether the two tags have the same name, id, region, regionId, platform,
 * systemService and networkFeatures, told from their bytes (`false`: not shown the same). A tag whose prefixes
 * changed has a new changeNumber; its other fields mostly did not change, and the diff then needs no row (taggedCore).
 */
export function sameMetadataTexts(a: FieldTexts, i: number, b: FieldTexts, j: number): boolean {
  const x = a.records;
  const y = b.records;
  const r = RECORD * i;
  const s = RECORD * j;
  if (x[r + FIELD.regionId] !== y[s + FIELD.regionId]) return false;
  const p = a.text;
  const q = b.text;
  // Each text a start and an end (nameStart, nameEnd, idStart, ...), at the same places in both records.
  // Indexed, not for-of: ~3,000 calls a diff, cold, and for-of made an iterator result per field.
  for (let f = 0; f < TEXT_FIELDS.length; f++) {
    const field = TEXT_FIELDS[f]!;
    if (!sameBytes(p, x[r + field]!, x[r + field + 1]!, q, y[s + field]!, y[s + field + 1]!)) return false;
  }
  const features = x[r + FIELD.featuresStart]!;
  const other = y[s + FIELD.featuresStart]!;
  if (features < 0 || other < 0) return features === other; // null, or a list against null
  return sameList(p, features, x[r + FIELD.featuresEnd]!, q, other, y[s + FIELD.featuresEnd]!);
}

/** A tag's changeNumber and prefix count (both families) from its record (files prefix-scan.wat read). */
export function recordedChangeNumber(texts: FieldTexts, index: number): number {
  return texts.records[RECORD * index + FIELD.changeNumber]!;
}

export function recordedPrefixCount(texts: FieldTexts, index: number): number {
  return texts.records[RECORD * index + FIELD.prefixCount]!;
}

/**
 * What the diff reads of a tag whose metadata is unchanged, from its record: its name (given: the table's), its
 * changeNumber and prefix counts; no row made (a row's strings and features list, ~700 a Public pair).
 */
export function taggedCore(texts: FieldTexts, index: number, name: string): Pick<ServiceTagInfo, 'name' | 'changeNumber' | 'prefixCount'> {
  const records = texts.records;
  const r = RECORD * index;
  const ipv4 = records[r + FIELD.ipv4Count]!;
  return { name, changeNumber: records[r + FIELD.changeNumber]!, prefixCount: { ipv4, ipv6: records[r + FIELD.prefixCount]! - ipv4 } };
}

/** The record fields where a text starts (its end in the next): name, id, region, platform, systemService. */
const TEXT_FIELDS = [FIELD.nameStart, FIELD.idStart, FIELD.regionStart, FIELD.platformStart, FIELD.systemServiceStart];

/** Whether a[aStart, aEnd) and b[bStart, bEnd) hold the same bytes (also diff.ts's test of two tags' encodings). */
export function sameBytes(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, bStart: number, bEnd: number): boolean {
  if (aEnd - aStart !== bEnd - bStart) return false;
  for (let i = aStart, j = bStart; i < aEnd; i++, j++) if (a[i] !== b[j]) return false;
  return true;
}

/**
 * Whether two JSON arrays of strings, checked already (prefix-scan.wat: no escapes, printable ASCII inside the
 * quotes), hold the same strings in the same order: the same bytes but for whitespace outside the strings.
 */
export function sameList(p: Uint8Array, start: number, end: number, q: Uint8Array, other: number, otherEnd: number): boolean {
  let inString = false;
  let k = start;
  let m = other;
  while (true) {
    if (!inString) {
      while (k < end && isJsonSpace(p[k]!)) k++;
      while (m < otherEnd && isJsonSpace(q[m]!)) m++;
    }
    if (k === end || m === otherEnd) return k === end && m === otherEnd;
    const c = p[k]!;
    if (c !== q[m]) return false;
    if (c === 0x22 /* " */) inString = !inString;
    k++;
    m++;
  }
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * The strings of a networkFeatures list prefix-scan.wat checked (`[`, strings of printable ASCII without an escape
 * between `,`s, `]`, whitespace): each string is what lies between a quote and the next. The Scanner's `features`
 * reads the same list through its general string reader, whose Buffer toString per string cost ~10 ms of a cold
 * diff's ~700 rows.
 */
function featureList(text: Buffer, start: number, end: number): readonly string[] {
  const features: string[] = [];
  for (let k = start; k < end; k++) {
    if (text[k] !== 0x22 /* " */) continue;
    let close = k + 1;
    while (text[close] !== 0x22) close++;
    features.push(latin1Text(text, k + 1, close));
    k = close;
  }
  return Object.freeze(features);
}

/**
 * The rows of a file prefix-scan.wat read, from its records (a view of the module's memory, which it does not write
 * again) and its text: a row is made when it is first asked for, with the values fromRecords' walk-alike made for
 * every tag (the same fields in the same order, frozen).
 */
class RecordRows implements ScannedRows {
  /** Made at the first row asked for (a slot per tag): `snapshot diff` of a Public pair asks for few or none. */
  #rows: Array<ServiceTagInfo | undefined> | undefined;
  #regions: string[] | undefined;

  constructor(
    private readonly records: Int32Array,
    private readonly text: Buffer,
    readonly names: readonly string[],
    readonly prefixCount: PrefixCount,
    readonly texts: FieldTexts,
    readonly nameHashes: Int32Array,
    readonly joinedNames: string,
  ) {}

  get count(): number {
    return this.names.length;
  }

  tagAt(index: number): ServiceTagInfo {
    const rows = (this.#rows ??= new Array<ServiceTagInfo | undefined>(this.names.length));
    return (rows[index] ??= this.#row(index));
  }

  regionAt(index: number): string {
    this.#regions ??= this.#allRegions();
    return this.#regions[index]!;
  }


  #row(index: number): ServiceTagInfo {
    const records = this.records;
    const text = this.text;
    const r = RECORD * index;
    const name = this.names[index]!;
    // The module writes every text's own place, whether or not SAME_AS says it repeats the previous tag's.
    const id = records[r + FIELD.sameAs]! & SAME_AS.name ? name : latin1Text(text, records[r + FIELD.idStart]!, records[r + FIELD.idEnd]!);
    const featuresStart = records[r + FIELD.featuresStart]!;
    const ipv4 = records[r + FIELD.ipv4Count]!;
    // The fields in the order tag() writes them.
    return Object.freeze({
      name,
      id,
      region: this.#regions?.[index] ?? latin1Text(text, records[r + FIELD.regionStart]!, records[r + FIELD.regionEnd]!),
      regionId: records[r + FIELD.regionId]!,
      platform: latin1Text(text, records[r + FIELD.platformStart]!, records[r + FIELD.platformEnd]!),
      systemService: latin1Text(text, records[r + FIELD.systemServiceStart]!, records[r + FIELD.systemServiceEnd]!),
      networkFeatures: featuresStart >= 0 ? featureList(text, featuresStart, records[r + FIELD.featuresEnd]!) : null,
      changeNumber: records[r + FIELD.changeNumber]!,
      prefixCount: Object.freeze({ ipv4, ipv6: records[r + FIELD.prefixCount]! - ipv4 }),
    });
  }

  /** Every tag's region, one string for tags in a row that share it (the region index reads them all). */
  #allRegions(): string[] {
    const records = this.records;
    const regions = new Array<string>(this.names.length);
    let region = '';
    for (let i = 0, r = 0; i < regions.length; i++, r += RECORD) {
      if (!(records[r + FIELD.sameAs]! & SAME_AS.region)) region = latin1Text(this.text, records[r + FIELD.regionStart]!, records[r + FIELD.regionEnd]!);
      regions[i] = region;
    }
    return regions;
  }
}

/**
 * Three numbers a tag, in a Uint32Array that doubles when full: two JavaScript arrays grown by push (and copied
 * as they grew) were ~250 KB a file for the scavenger (issue 22).
 */
class Uint32List {
  values: Uint32Array;
  private length = 0;

  constructor(capacity: number) {
    this.values = new Uint32Array(capacity);
  }

  push(a: number, b: number, c: number): void {
    if (this.length + 3 > this.values.length) {
      const grown = new Uint32Array(2 * this.values.length);
      grown.set(this.values);
      this.values = grown;
    }
    const values = this.values;
    values[this.length] = a;
    values[this.length + 1] = b;
    values[this.length + 2] = c;
    this.length += 3;
  }
}

/** A field's last value and where its text is (Scanner.repeated). */
class Recent<T> {
  start = 0;
  end = 0;
  value: T | undefined = undefined;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46));
}
