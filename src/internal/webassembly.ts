/**
 * tagwall's WebAssembly modules (src/servicetags/prefix-scan.wat, src/model/cidr-list.wat): each compiled when first
 * asked for, and its last instance kept while the garbage collector leaves it. A cold command that reads a second
 * file or list reuses the memory the first already touched (fresh pages cost ~1 ms a snapshot file), and a library
 * that read one keeps no memory once it is collected.
 */

/** What of the WebAssembly API this uses (the project's lib has no DOM types; Node declares little of it). */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => CompiledModule;
  readonly Instance: new (module: CompiledModule) => { readonly exports: unknown };
}
type CompiledModule = { readonly compiled: unique symbol };

/** A module's exported memory. */
export interface ExportedMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** Absent under `node --jitless`, which has no WebAssembly. */
const webAssembly = (globalThis as { WebAssembly?: WebAssemblyApi }).WebAssembly;

const PAGE = 65536;

export class LazyWebAssembly<Exports extends { readonly memory: ExportedMemory }> {
  #compiled: CompiledModule | null | undefined;
  #lastInstance: WeakRef<Exports> | undefined;

  /** `base64`: the module's bytes (a generated -wasm.ts); `usable`: false where the caller cannot read its results. */
  constructor(
    private readonly base64: string,
    private readonly usable = true,
  ) {}

  /** Whether the module runs here: false without WebAssembly (`node --jitless`), or where V8 refuses it. */
  available(): boolean {
    if (this.#compiled === undefined) {
      try {
        this.#compiled = webAssembly && this.usable ? new webAssembly.Module(Buffer.from(this.base64, 'base64')) : null;
      } catch {
        this.#compiled = null;
      }
    }
    return this.#compiled !== null;
  }

  /**
   * An instance whose memory holds at least `needed` bytes (grown to `reserve` bytes when it must grow); throws when it
   * cannot grow that far or is not available. `fits(last)`: whether the last instance may take the request, which a
   * caller that hands out views of the memory says no to where the request would grow it (growing a memory detaches
   * every view of it) or overwrite the views' bytes: a new instance is made then, and is the last from then on; the
   * old one lives while views of its memory do.
   */
  withRoom(needed: number, fits: (last: Exports) => boolean = () => true, reserve = needed): Exports {
    if (!this.available()) throw new Error('WebAssembly is not available');
    let wasm = this.#lastInstance?.deref();
    if (!wasm || !fits(wasm)) {
      wasm = new webAssembly!.Instance(this.#compiled!).exports as Exports;
      this.#lastInstance = new WeakRef(wasm);
    }
    const size = wasm.memory.buffer.byteLength;
    if (needed > size) wasm.memory.grow(Math.ceil((Math.max(needed, reserve) - size) / PAGE));
    return wasm;
  }
}
