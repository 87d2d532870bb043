/** Catalogue commands (`tagwall catalog ...`, `import-dependencies`): registered here, implemented in src/catalogue. */
import type { Command } from 'commander';
import type { CommandContext } from './context.js';

export function registerCatalogCommands(_program: Command, _context: CommandContext): void {}
