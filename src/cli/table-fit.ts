/**
 * A text table fitted to a terminal's width (issue 21: `catalog show` printed 421 columns). The widest column is
 * narrowed one column at a time until the table fits or every column is at its floor; cells wrap at spaces and
 * commas (a long word is cut) onto continuation lines of the same row.
 */

/** No column is narrowed below its title or this many characters. */
const FLOOR = 10;
const GAP = 2;

export function fitTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>, width: number): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const floors = header.map((title, i) => Math.min(widths[i]!, Math.max(title.length, FLOOR)));
  const total = (): number => widths.reduce((sum, w) => sum + w, 0) + GAP * (widths.length - 1);
  while (total() > width) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > floors[i]! && (widest < 0 || w > widths[widest]!)) widest = i;
    });
    if (widest < 0) break;
    widths[widest]! -= 1;
  }
  const render = (cells: readonly string[]): string[] => {
    const wrapped = widths.map((w, i) => wrap(cells[i] ?? '', w));
    const height = Math.max(...wrapped.map((lines) => lines.length));
    return Array.from({ length: height }, (_, line) =>
      wrapped
        .map((lines, i) => (i === wrapped.length - 1 ? (lines[line] ?? '') : (lines[line] ?? '').padEnd(widths[i]!)))
        .join(' '.repeat(GAP))
        .trimEnd(),
    );
  };
  return [...render(header), ...rows.flatMap(render)].join('\n') + '\n';
}

/** `text` in lines of at most `width`, broken after a space or a comma where there is one. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const window = rest.slice(0, width + 1);
    const at = Math.max(window.lastIndexOf(' '), window.lastIndexOf(',') + 1);
    const cut = at > 0 && at <= width ? at : width;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}
