/**
 * What every part of a requirement-file reader shares: a file's positions (JSON path → line:column) and the small
 * checks that turn plain data into typed values or a located TW_INVALID_REQUIREMENTS.
 */
import type { Document, LineCounter, Node as YamlNode, ParsedNode } from 'yaml';
import { TagwallError, isTagwallError, type SourceLocation } from '../errors.js';

export type Path = ReadonlyArray<string | number>;

/** A parsed YAML document and its line index: where a JSON path's node starts. */
export interface Positions {
  readonly document: Document.Parsed<ParsedNode>;
  readonly lines: LineCounter;
}

export class FileReader {
  #positions: Positions | undefined;

  /** `positions` is called on the first error only (for JSON, it parses the text again with the YAML parser). */
  constructor(
    private readonly positions: () => Positions | undefined,
    readonly file: string,
  ) {}

  locate(path: Path): SourceLocation {
    this.#positions ??= this.positions();
    const node = this.#positions?.document.getIn(path, true) as YamlNode | undefined;
    const offset = node?.range?.[0];
    const jsonPath = `$${path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('')}`;
    if (offset === undefined) return { file: this.file, jsonPath };
    const { line, col } = this.#positions!.lines.linePos(offset);
    return { file: this.file, line, column: col, jsonPath };
  }

  fail(path: Path, message: string): never {
    throw new TagwallError('TW_INVALID_REQUIREMENTS', message, { location: this.locate(path) });
  }

  /** Runs a model parser; its TagwallError gets this file's position of `path`. */
  attempt<T>(path: Path, parse: () => T): T {
    try {
      return parse();
    } catch (error) {
      // The model's own column counts within the value's text; the file position of the value is what helps here.
      if (isTagwallError(error)) {
        throw new TagwallError(error.code, error.message, { location: this.locate(path), suggestions: error.suggestions });
      }
      throw error;
    }
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

export function readString(reader: FileReader, value: unknown, path: Path, what: string): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number') return String(value);
  return reader.fail(path, `${what} must be a non-empty string`);
}

