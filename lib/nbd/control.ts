// The control endpoint: a Unix socket beside the data socket. A client connects and receives one JSON
// document describing the running exports (their mm_stat, io_stat and zramctl views), then EOF.
import net from "node:net";
import { bind, type Bound } from "./endpoint.ts";
import { DeviceView } from "./device_view.ts";
import type { ServedExport } from "./exports.ts";
import type { IoStat, MmStat } from "../sysfs/format.ts";
import type { BackingStats } from "../block/writeback.ts";

/** mm_stat's fields as the control document carries them: JSON numbers, memLimit too (JSON has no bigint). */
export type ControlMmStat = Omit<MmStat, "memLimit"> & { memLimit: number };

/** One export in the control document: its name, size and codec, its counters as the texts of a kernel zram
 * device's attributes and parsed. */
export interface ExportReport {
  /** The export's name ("" for an unnamed default export). */
  name: string;
  /** Bytes the export holds (the device's size). */
  size: number;
  /** The codec's name as zramctl shows it (e.g. "lz4"). */
  algorithm: string;
  /** The text /sys/block/zramN/mm_stat would hold. */
  mm_stat: string;
  /** The text of io_stat, likewise. */
  io_stat: string;
  /** The text of stat (the block-layer counters), likewise. */
  stat: string;
  /** The text of bd_stat (backing file blocks in use, read, written). */
  bd_stat: string;
  /** The backing file's counters, or null when the device has none. */
  backingStats: BackingStats | null;
  /** What util-linux zramctl would print for this device. */
  zramctl: string;
  /** mm_stat parsed. */
  mmStat: ControlMmStat;
  /** io_stat parsed. */
  ioStat: IoStat;
}

/**
 * What a server's control socket answers (fetchControl reads it): its address, open connections and each export's
 * state.
 */
export interface ControlDocument {
  /** The NBD URI of the default export. */
  address: string;
  /** Connections open now. */
  connections: number;
  /** Every export that could be read (the default first). */
  exports: ExportReport[];
  /** Exports whose device could not be read (e.g. closed while served), with the reason. */
  unavailable: { name: string; error: string }[];
}

export interface ControlSnapshot {
  address: string;
  connections: number;
  exports: readonly ServedExport[];
}

function report(served: ServedExport): ExportReport {
  const view = new DeviceView(served.device, served.algorithm);
  const mm = view.mmStat();
  return {
    name: served.name,
    size: served.size,
    algorithm: served.algorithm,
    mm_stat: view.readAttr("mm_stat"),
    io_stat: view.readAttr("io_stat"),
    stat: view.readAttr("stat"),
    bd_stat: view.readAttr("bd_stat"),
    backingStats: served.device.backingFile === null ? null : { ...served.device.backingStats() },
    zramctl: view.zramctl(served.name === "" ? "nbd" : served.name),
    mmStat: { ...mm, memLimit: Number(mm.memLimit) },
    ioStat: { ...view.ioStat() },
  };
}

export function controlDocument(snapshot: ControlSnapshot): ControlDocument {
  const document: ControlDocument = {
    address: snapshot.address,
    connections: snapshot.connections,
    exports: [],
    unavailable: [],
  };
  for (const served of snapshot.exports) {
    try {
      document.exports.push(report(served));
    } catch (e) {
      document.unavailable.push({ name: served.name, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return document;
}

export function serveControl(path: string, mode: number, snapshot: () => ControlSnapshot): Promise<Bound> {
  return bind({ kind: "unix", path, mode }, (socket: net.Socket) => {
    socket.on("error", () => socket.destroy());
    try {
      socket.end(JSON.stringify(controlDocument(snapshot())) + "\n");
    } catch (e) {
      // Never an exception out of the listener: the client gets the reason instead.
      socket.end(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }) + "\n");
    }
  });
}

/** The control socket of a data socket path (a path ending in .ctl is taken as the control socket). */
export function controlPathFor(path: string): string {
  return path.endsWith(".ctl") ? path : `${path}.ctl`;
}

/** Fetches the document from a running server's control socket. */
export function fetchControl(path: string, timeoutMs = 10_000): Promise<ControlDocument> {
  return new Promise((resolve, reject) => {
    const decoder = new TextDecoder();
    let text = "";
    const socket = net.connect(controlPathFor(path));
    const timer = setTimeout(
      () => socket.destroy(new Error(`no answer from ${controlPathFor(path)} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on("data", (c: Uint8Array) => (text += decoder.decode(c, { stream: true })));
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on("end", () => {
      clearTimeout(timer);
      text += decoder.decode();
      try {
        resolve(JSON.parse(text) as ControlDocument);
      } catch {
        reject(new Error(`the answer is not a JSON document: '${text.slice(0, 80)}'`));
      }
    });
  });
}
