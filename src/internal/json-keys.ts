/**
 * `JSON.parse` keeps the last of two equal keys and says nothing; in a requirements file that silently drops a
 * field (a second `destination` replacing the first). This finds the first repeated key in text JSON.parse has
 * already accepted, in one linear pass without building anything but the key sets of the open objects.
 */

/** The first key that repeats within one object (compared after unescaping, as JSON.parse compares them). */
export function duplicateJsonKey(text: string): { key: string; offset: number } | undefined {
  // One entry per open container: the keys seen so far for an object, undefined for an array.
  const open: Array<Set<string> | undefined> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5c) {
          escaped = true;
          i++;
        } else if (c === 0x22) break;
      }
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        const raw = text.slice(start, i + 1);
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (keys.has(key)) return { key, offset: start };
        keys.add(key);
      }
      expectKey = false;
    } else if (char === 0x7b /* { */) {
      open.push(new Set());
      expectKey = true;
    } else if (char === 0x5b /* [ */) {
      open.push(undefined);
      expectKey = false;
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      open.pop();
      expectKey = false;
    } else if (char === 0x2c /* , */) {
      expectKey = open[open.length - 1] !== undefined;
    }
  }
  return undefined;
}
