/**
 * Where each requirement of a requirement file is written, so SARIF results and reports point at the line a
 * reviewer edits. The requirement model carries no positions (scenarios have none), so the file is read again.
 */
import type { Document, Node as YamlNode, ParsedNode } from 'yaml';
import { nodeFs, nodePath } from '../internal/lazy.js';
import { yamlPackage } from '../internal/packages.js';
import type { FindingLocation } from './model.js';


/**
 * Requirement ids to locations, where a piece of a version 2 term (`admin-2`, what a deny term left of `admin`;
 * docs/requirements.md) is located at the term it comes from.
 */
class TermLocations extends Map<string, FindingLocation> {
  override get(id: string): FindingLocation | undefined {
    const own = super.get(id);
    if (own !== undefined || !/-\d+$/.test(id)) return own;
    return this.get(id.replace(/-\d+$/, ''));
  }
}

function topLevel(document: Document.Parsed<ParsedNode>): { version?: unknown; include?: unknown } | undefined {
  try {
    return (document.toJS({ maxAliasCount: 100 }) as { version?: unknown; include?: unknown } | null) ?? undefined;
  } catch {
    // Text the reader refuses (an alias bomb) never gets this far; if it does, there is nothing to follow.
    return undefined;
  }
}

/** Requirement id → line and column of its `id` key's value, from requirement-file text (YAML or JSON). */
export function requirementLocations(text: string, file: string, into: Map<string, FindingLocation> = new TermLocations(), seen: Set<string> = new Set()): Map<string, FindingLocation> {
  const yaml = yamlPackage();
  const lines = new yaml.LineCounter();
  const document = yaml.parseDocument(text, { lineCounter: lines });
  const locations = into;
  // Version 2 `include`: the included files' ids, located in those files (each file once).
  seen.add(nodePath().resolve(file));
  const includes = topLevel(document);
  if (includes?.version === 2 || seen.size > 1) {
    for (const include of Array.isArray(includes?.include) ? includes.include : typeof includes?.include === 'string' ? [includes.include] : []) {
      if (typeof include !== 'string') continue;
      const path = nodePath().join(nodePath().dirname(file), include);
      if (seen.has(nodePath().resolve(path))) continue;
      try {
        requirementLocations(nodeFs().readFileSync(path, 'utf8'), path, locations, seen);
      } catch {
        // An unreadable include: the reader reported it already; the report stands without its locations.
      }
    }
  }
  const list = document.get('requirements', true) as { items?: unknown[] } | undefined;
  const count = Array.isArray(list?.items) ? list.items.length : 0;
  for (let index = 0; index < count; index++) {
    const node = document.getIn(['requirements', index, 'id'], true) as (YamlNode & { value?: unknown }) | undefined;
    const offset = node?.range?.[0];
    if (offset === undefined || typeof node?.value !== 'string' || locations.has(node.value)) continue;
    const { line, col } = lines.linePos(offset);
    locations.set(node.value, { file, line, column: col });
  }
  return locations;
}

/** The same, read from a file; an unreadable file yields no locations (the report still stands without them). */
export function requirementFileLocations(file: string): Map<string, FindingLocation> {
  let text: string;
  try {
    text = nodeFs().readFileSync(file, 'utf8');
  } catch {
    return new Map();
  }
  return requirementLocations(text, file);
}
