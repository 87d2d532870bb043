/** `tagwall expand TAG...`: service tags (names or globs) to their minimal CIDR list. */
import type { Family } from '../model/ip.js';
import { expandTagPatterns } from '../servicetags/search.js';
import { csvField, EXIT_OK, toJson, usageError, type CliIo, type GlobalOptions } from './io.js';
import { selectSnapshot, type SnapshotOptions } from './snapshot-source.js';

export interface ExpandOptions extends SnapshotOptions, GlobalOptions {
  readonly family?: string;
  readonly format?: string;
  readonly ranges?: boolean;
}

const FORMATS = ['text', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

function parseFamily(value: string | undefined): Family | undefined {
  if (value === undefined) return undefined;
  const family = value.toLowerCase();
  if (family === 'ipv4' || family === '4') return 'ipv4';
  if (family === 'ipv6' || family === '6') return 'ipv6';
  throw usageError(`--family must be ipv4 or ipv6, not '${value}'`);
}

export function parseFormat<T extends string>(value: string | undefined, json: boolean | undefined, formats: readonly T[]): T {
  if (json) return 'json' as T;
  const format = (value ?? formats[0]!).toLowerCase();
  if (!(formats as readonly string[]).includes(format)) {
    throw usageError(`--format must be one of ${formats.join(', ')}, not '${value}'`);
  }
  return format as T;
}

export function runExpand(tags: readonly string[], options: ExpandOptions, io: CliIo): number {
  const family = parseFamily(options.family);
  const format: Format = parseFormat(options.format, options.json, FORMATS);
  if (tags.length === 0) throw usageError('name at least one service tag, e.g. tagwall expand Storage.WestUS');
  const snapshot = selectSnapshot(options);
  const { tags: resolved, addresses } = expandTagPatterns(snapshot, tags);
  const families: Family[] = family ? [family] : ['ipv4', 'ipv6'];
  const listOf = (f: Family): string[] => (options.ranges ? addresses.toRanges(f) : addresses.toCidrStrings(f));

  if (format !== 'json') {
    for (const resolution of resolved) if (resolution.note) io.stderr(`tagwall: note: ${resolution.note}\n`);
  }
  if (format === 'json') {
    const { cloud, changeNumber, date, source } = snapshot.info;
    io.stdout(
      toJson({
        snapshot: { cloud, changeNumber, ...(date ? { date } : {}), source },
        tags: resolved,
        ...Object.fromEntries(families.map((f) => [f, listOf(f)])),
      }),
    );
  } else if (format === 'csv') {
    const rows = families.flatMap((f) => listOf(f).map((entry) => `${f},${csvField(entry)}`));
    io.stdout(`family,${options.ranges ? 'range' : 'prefix'}\n${rows.map((row) => `${row}\n`).join('')}`);
  } else {
    io.stdout(families.flatMap(listOf).map((entry) => `${entry}\n`).join(''));
  }
  return EXIT_OK;
}

