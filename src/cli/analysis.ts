/** Analysis commands (`tagwall eval`, `equiv`, `diff`, ...): registered here, implemented in src/analysis. */
import type { Command } from 'commander';
import type { CommandContext } from './context.js';

export function registerAnalysisCommands(_program: Command, _context: CommandContext): void {}
