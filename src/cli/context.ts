import type { CliIo } from './io.js';
import type { TargetFlagSelection } from './target-options.js';

/** What every command registration gets: where to write, and how to report its exit code. */
export interface CommandContext {
  readonly io: CliIo;
  readonly setExitCode: (code: number) => void;
  /**
   * For the commands that use the network (`snapshot fetch`, `import-dependencies --workspace`): hands the CLI the
   * asynchronous rest of the action. `runAsync` (the executable) awaits it; the synchronous `run` refuses it.
   */
  readonly defer: (work: () => Promise<void>) => void;
  /** The target flags the commands declare (target-options.ts); all when left out. */
  readonly targetFlags?: TargetFlagSelection;
}
