/**
 * src/reports/renderers.ts as the CLI bundle has it (scripts/tsup.config.ts swaps one for the other): each renderer's
 * module is required on the getter's first call, which esbuild turns into that module's lazy initialiser in
 * dist/cli-main.cjs. Only the format a run writes is initialised (issue 22).
 */
import { lazy } from '../internal/lazy.js';
import type { ReportRenderers } from '../reports/renderers.js';

type Renderer<Format extends keyof ReportRenderers> = ReturnType<ReportRenderers[Format]>;

export const RENDERERS: ReportRenderers = {
  html: lazy(() => require('../reports/html.js') as Renderer<'html'>),
  markdown: lazy(() => require('../reports/markdown.js') as Renderer<'markdown'>),
  sarif: lazy(() => require('../reports/sarif.js') as Renderer<'sarif'>),
  text: lazy(() => require('../reports/text.js') as Renderer<'text'>),
};
