/** exitIfIdle (idle-exit.ts): the process is ended only when nothing at all keeps its event loop alive. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exitIfIdle } from './idle-exit.js';

const RESOURCES = ['WriteWrap', 'PipeWrap', 'TTYWrap', 'Timeout', 'FSReqCallback', 'TCPWrap', 'Immediate', 'ShutdownWrap'];

describe('exitIfIdle', () => {
  it('exits exactly when the list of active resources is there and empty', () => {
    fc.assert(
      fc.property(fc.option(fc.array(fc.constantFrom(...RESOURCES), { maxLength: 4 }), { nil: undefined }), (active) => {
        let exits = 0;
        const host = { ...(active === undefined ? {} : { getActiveResourcesInfo: () => [...active] }), exit: () => void exits++ };
        const exited = exitIfIdle(host);
        expect(exited).toBe(active !== undefined && active.length === 0);
        expect(exits).toBe(exited ? 1 : 0);
      }),
    );
  });

  it("in a real process: not while a timer is pending, and the exit code and 'exit' listeners hold", () => {
    // The module itself, as plain JavaScript in a bare `node -e` (a loader such as tsx keeps ports of its own open).
    const source = readFileSync(fileURLToPath(new URL('./idle-exit.ts', import.meta.url)), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
    const script = (pending: string): string =>
      `const module = { exports: {} }; new Function('exports', 'module', ${JSON.stringify(outputText)})(module.exports, module); process.on('exit', () => require('node:fs').writeSync(1, 'exit-listener\\n')); ${pending}; process.exitCode = 3; require('node:fs').writeSync(1, String(module.exports.exitIfIdle()) + '\\n');`;
    const run = (pending: string) => spawnSync(process.execPath, ['-e', script(pending)], { encoding: 'utf8' });
    const idle = run('');
    expect(idle.stdout).toBe('exit-listener\n');
    expect(idle.status).toBe(3);
    const timer = run("setTimeout(() => require('node:fs').writeSync(1, 'timer\\n'), 20)");
    expect(timer.stdout).toBe('false\ntimer\nexit-listener\n');
    expect(timer.status).toBe(3);
  });
});
