import type { CliIo } from './io.js';

/** What every command registration gets: where to write, and how to report its exit code. */
export interface CommandContext {
  readonly io: CliIo;
  readonly setExitCode: (code: number) => void;
}
