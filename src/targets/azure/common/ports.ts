/**
 * Port strings as Azure writes them: `*`, `443`, `1000-2000` (targets.md §1.1, §2.1). The schema accepts any
 * string, so tagwall checks the syntax itself in both directions.
 */
import { PortSet } from '../../../model/ports.js';

/** One string per range, `*` for every port. */
export function azurePortStrings(ports: PortSet): string[] {
  if (ports.isAny()) return ['*'];
  return ports.ranges().map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`));
}

const PORT_ITEM = /^(\d{1,5})(?:-(\d{1,5}))?$/;

/** Parses one Azure port string; undefined when its syntax or range is not valid. */
export function parseAzurePort(text: string): PortSet | undefined {
  const trimmed = text.trim();
  if (trimmed === '*') return PortSet.ANY;
  const match = PORT_ITEM.exec(trimmed);
  if (!match) return undefined;
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  if (first > last || last > 65535) return undefined;
  return PortSet.range(first, last);
}
