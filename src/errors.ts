/**
 * The one error class tagwall throws for bad input. Anything else that escapes is a bug.
 *
 * Parsers deep in the model know *what* is wrong ("prefix length 33 is out of range") but not *where* the text
 * came from; callers that do (a file loader, a JSON walker, the CLI) add the location with `at()` on the way out.
 */

/** Stable error codes; documented in docs/errors.md. */
export type ErrorCode =
  | 'TW_INVALID_ADDRESS'
  | 'TW_INVALID_PREFIX_LENGTH'
  | 'TW_HOST_BITS_SET'
  | 'TW_INVALID_RANGE'
  | 'TW_INVALID_PORT'
  | 'TW_INVALID_PROTOCOL'
  | 'TW_INVALID_HOSTNAME'
  | 'TW_WILDCARD_PUBLIC_SUFFIX'
  | 'TW_INVALID_PACKET'
  | 'TW_INVALID_JSON'
  /** Input over a size or nesting cap (src/internal/input-limits.ts). */
  | 'TW_INPUT_LIMIT'
  | 'TW_SNAPSHOT_SHAPE'
  | 'TW_INVALID_TAG_NAME'
  | 'TW_UNKNOWN_TAG'
  | 'TW_UNKNOWN_CLOUD'
  | 'TW_UNKNOWN_REGION'
  /** A snapshot older than --max-age, or of unknown date under --max-age. */
  | 'TW_STALE_SNAPSHOT'
  | 'TW_FILE'
  /** A download or API call that failed: the URL and the HTTP status or network error. */
  | 'TW_NETWORK'
  | 'TW_USAGE'
  // catalogue and requirement files
  | 'TW_INVALID_REQUIREMENTS'
  | 'TW_DUPLICATE_ID'
  | 'TW_UNKNOWN_SCENARIO'
  | 'TW_UNKNOWN_OPTION'
  | 'TW_INVALID_OPTION'
  | 'TW_NO_REGIONAL_TAG'
  | 'TW_HOST_SOURCE'
  | 'TW_CONTRADICTORY_REQUIREMENT'
  // requirements format v2 and the project file (docs/requirements.md)
  | 'TW_UNKNOWN_NAME'
  | 'TW_NAME_CYCLE'
  | 'TW_INCLUDE_CYCLE'
  | 'TW_DENY_INEXPRESSIBLE'
  | 'TW_INVALID_PROJECT'
  // analysis and targets
  | 'TW_INVALID_OPERAND'
  | 'TW_UNKNOWN_TARGET'
  | 'TW_INVALID_CONFIG'
  | 'TW_UNSUPPORTED_CONFIG'
  | 'TW_MODE_MISMATCH'
  // paths (issue 23)
  | 'TW_INVALID_TOPOLOGY'
  | 'TW_INVALID_BASELINE';

/** Where bad input was found. Every field is optional; the more the caller knows, the more it fills in. */
export interface SourceLocation {
  /** A file path, or a label such as `embedded:Public` or `<argument 2>`. */
  readonly file?: string;
  /** 1-based line. */
  readonly line?: number;
  /** 1-based column. */
  readonly column?: number;
  /** A JSON path such as `$.values[12].properties.addressPrefixes[3]`. */
  readonly jsonPath?: string;
}

/**
 * The brand every TagwallError carries, in the global symbol registry: a consumer that loads both the ESM and the
 * CommonJS build (two copies of this class) still recognises the other copy's errors, with `isTagwallError` and
 * with `instanceof`.
 */
const TAGWALL_ERROR: unique symbol = Symbol.for('tagwall.TagwallError') as never;

export class TagwallError extends Error {
  /** `error instanceof TagwallError` is the brand check, so it holds across copies of tagwall too. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return isTagwallError(value);
  }

  readonly [TAGWALL_ERROR] = true;
  override readonly name = 'TagwallError';
  readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;
  /** Close matches for an unknown name, best first (e.g. tag names), when the error is about a lookup. */
  readonly suggestions: readonly string[];

  constructor(
    code: ErrorCode,
    message: string,
    options: { location?: SourceLocation; suggestions?: readonly string[]; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.location = options.location;
    this.suggestions = options.suggestions ?? [];
  }

  /**
   * The same error with more location filled in. Fields already known win over the new ones, so the innermost
   * caller's precise position is never overwritten by an outer, coarser one.
   */
  at(location: SourceLocation): TagwallError {
    const merged: SourceLocation = { ...location, ...definedFields(this.location ?? {}) };
    return new TagwallError(this.code, this.message, {
      location: merged,
      suggestions: this.suggestions,
      cause: this.cause,
    });
  }

  /** `file:line:col`, `file: $.json.path`, or '' when nothing is known. */
  where(): string {
    return formatLocation(this.location);
  }

  /** The whole error as the CLI prints it, without the `tagwall: ` prefix. */
  describe(): string {
    const where = this.where();
    const hint = this.suggestions.length > 0 ? ` (did you mean ${this.suggestions.join(', ')}?)` : '';
    return `${where ? `${where}: ` : ''}${this.message}${hint}`;
  }

  toJSON(): { code: ErrorCode; message: string; location?: SourceLocation; suggestions?: readonly string[] } {
    return {
      code: this.code,
      message: this.message,
      ...(this.location ? { location: this.location } : {}),
      ...(this.suggestions.length > 0 ? { suggestions: this.suggestions } : {}),
    };
  }
}

export function isTagwallError(value: unknown): value is TagwallError {
  return typeof value === 'object' && value !== null && (value as { [TAGWALL_ERROR]?: unknown })[TAGWALL_ERROR] === true;
}

export function formatLocation(location: SourceLocation | undefined): string {
  if (!location) return '';
  let text = location.file ?? '';
  if (location.line !== undefined) {
    text += `${text ? ':' : ''}${location.line}`;
    if (location.column !== undefined) text += `:${location.column}`;
  } else if (location.column !== undefined) {
    text += `${text ? ': ' : ''}column ${location.column}`;
  }
  if (location.jsonPath !== undefined) text += `${text ? ': ' : ''}${location.jsonPath}`;
  return text;
}

/**
 * Runs `fn`, adding `location` to any TagwallError it throws. Keeps call sites that walk structured input
 * (one JSON element at a time) free of try/catch noise.
 */
export function withLocation<T>(location: SourceLocation, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof TagwallError) throw error.at(location);
    throw error;
  }
}

function definedFields(location: SourceLocation): SourceLocation {
  return Object.fromEntries(Object.entries(location).filter(([, value]) => value !== undefined));
}
