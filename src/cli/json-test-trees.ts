/**
 * Trees for the JSON writers' property tests (io.test.ts toJson, json-pieces.test.ts jsonPieces). Test support only:
 * nothing the package builds imports it.
 */
import fc from 'fast-check';

class Point {
  constructor(
    readonly x: number,
    readonly label: string,
  ) {}
}

/**
 * Trees of what JSON.stringify treats each its own way: primitives (non-ASCII text and lone surrogates among the
 * strings), bigints, values it leaves out (undefined, functions, symbols), toJSON methods that read their key or
 * return what is left out, getters, class instances, boxed primitives, dates, prototype-less objects, keys that look
 * like indices or `__proto__`, arrays with holes, and long runs of primitives (the writer's batches).
 */
export const jsonTrees = fc.letrec((tie) => ({
  primitive: fc.oneof(fc.string({ unit: 'binary' }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(-0, 1e21, 5e-324)),
  leaf: fc.oneof(
    tie('primitive'),
    fc.bigInt(),
    fc.constantFrom<unknown>(undefined, () => 1, Symbol('s'), new Date(0), Object(3), Object('boxed'), Object(false), new Point(1, 'a…')),
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 5 }),
    fc.array(tie('primitive'), { maxLength: 12 }),
    fc.array(tie('node'), { maxLength: 4 }).map((items) => {
      const holes = [...items];
      holes.length += 2;
      return holes;
    }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', '0', '10', '-1', 'toJSON')), tie('node'), { maxKeys: 5 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('node'), { maxKeys: 3 }).map((members) => Object.assign(Object.create(null) as object, members)),
    tie('node').map((inner) => ({ toJSON: (key: string) => [key, inner] })),
    fc.constant({ toJSON: (): undefined => undefined }),
    tie('node').map((inner) => ({
      get lazy(): unknown {
        return inner;
      },
    })),
  ),
})).node;
