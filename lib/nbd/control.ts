// The control endpoint: a Unix socket beside the data socket. A client connects and receives one JSON
// document describing the running exports (their mm_stat, io_stat and zramctl views), then EOF.
import net from "node:net";
import { bind, type Bound } from "./endpoint.ts";
import { DeviceView } from "./device_view.ts";
import type { ServedExport } from "./exports.ts";

export interface ExportReport {
  name: string;
  size: number;
  algorithm: string;
  /** The kernel's text of /sys/block/zramN/mm_stat, io_stat and stat (the block-layer counters). */
  mm_stat: string;
  io_stat: string;
  stat: string;
  /** What util-linux zramctl would print for this device. */
  zramctl: string;
  mmStat: Record<string, number>;
  ioStat: Record<string, number>;
}

export interface ControlDocument {
  address: string;
  connections: number;
  exports: ExportReport[];
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
    zramctl: view.zramctl(served.name === "" ? "nbd" : served.name),
    mmStat: { ...mm, memLimit: Number(mm.memLimit) },
    ioStat: { ...view.ioStat() },
  };
}

export function controlDocument(snapshot: ControlSnapshot): ControlDocument {
  return { address: snapshot.address, connections: snapshot.connections, exports: snapshot.exports.map(report) };
}

export function serveControl(path: string, mode: number, snapshot: () => ControlSnapshot): Promise<Bound> {
  return bind({ kind: "unix", path, mode }, (socket: net.Socket) => {
    socket.on("error", () => socket.destroy());
    socket.end(JSON.stringify(controlDocument(snapshot())) + "\n");
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
    const timer = setTimeout(() => socket.destroy(new Error(`no answer from ${controlPathFor(path)} in ${timeoutMs} ms`)), timeoutMs);
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
