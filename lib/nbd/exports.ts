// The exports a server offers: each a BlockDevice under a name, with the transmission flags and
// block sizes the handshake advertises for it.
import { TruenoError } from "../ffi/errors.ts";
import { BlockDevice } from "../block/device.ts";
import { MAX_STRING_BYTES, TFlag } from "./constants.ts";
import { ExportIo } from "./export_io.ts";

/** One export of serveNbd. */
export interface NbdExport {
  /** The name clients ask for; the first export is also the default ("" asks for it). */
  name: string;
  /** The device served; clients' reads and writes go to it. */
  device: BlockDevice;
  /** Shown by NBD_OPT_LIST and NBD_INFO_DESCRIPTION. */
  description?: string;
  /** The codec's name, for the control endpoint's zramctl view (e.g. "lz4", "zstd-3"). */
  algorithm?: string;
}

/** Any byte offset and length work (sub-page requests are merged); 4 KiB suits the device best. */
export const MIN_BLOCK_BYTES = 1;
export const PREFERRED_BLOCK_BYTES = 4096;
/** The largest READ or WRITE payload; a client that sends a bigger write breaks the protocol. */
export const MAX_BLOCK_BYTES = 32 * 1024 * 1024;

export class ServedExport {
  readonly name: string;
  readonly description: string;
  readonly algorithm: string;
  readonly io: ExportIo;

  constructor(spec: NbdExport) {
    this.name = spec.name;
    this.description = spec.description ?? "";
    this.algorithm = spec.algorithm ?? "";
    this.io = new ExportIo(spec.device);
  }

  get device(): BlockDevice {
    return this.io.device;
  }

  get size(): number {
    return this.io.device.size;
  }
}

/** What the export offers: flush, FUA, trim, zeroing (fast), cache, multi-connection; DF with structured replies. */
export function transmissionFlags(structured: boolean): number {
  return TFlag.HasFlags | TFlag.SendFlush | TFlag.SendFua | TFlag.SendTrim | TFlag.SendWriteZeroes |
    TFlag.CanMultiConn | TFlag.SendCache | TFlag.SendFastZero | (structured ? TFlag.SendDf : 0);
}

export class ExportTable {
  readonly all: readonly ServedExport[];
  /** The default export: the first. */
  readonly first: ServedExport;

  constructor(specs: readonly NbdExport[]) {
    const names = new Set<string>();
    const encoder = new TextEncoder();
    for (const spec of specs) {
      if (spec === null || typeof spec !== "object" || !(spec.device instanceof BlockDevice)) {
        throw new TruenoError("InvalidInput", "each export needs a BlockDevice");
      }
      if (
        typeof spec.name !== "string" || spec.name.includes("\0") || encoder.encode(spec.name).length > MAX_STRING_BYTES
      ) {
        throw new TruenoError(
          "InvalidInput",
          `export name ${JSON.stringify(spec.name)} is not a string of at most ${MAX_STRING_BYTES} bytes without NUL`,
        );
      }
      if (names.has(spec.name)) {
        throw new TruenoError("InvalidInput", `export name ${JSON.stringify(spec.name)} given twice`);
      }
      names.add(spec.name);
    }
    this.all = specs.map((spec) => new ServedExport(spec));
    const first = this.all[0];
    if (first === undefined) throw new TruenoError("InvalidInput", "serveNbd needs at least one export");
    this.first = first;
  }

  /** The export a client names; "" is the first (default) export. */
  find(name: string): ServedExport | undefined {
    if (name === "") return this.first;
    return this.all.find((e) => e.name === name);
  }
}
