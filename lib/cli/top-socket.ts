/**
 * `top --socket PATH`: the attributes of a running `serve`, read through its control socket.
 *
 * The request top sends, one line of JSON per sample on one connection kept open:
 *   {"read":["mm_stat","io_stat","stat"]}\n
 * and the answer it expects, one line of JSON with each attribute's text in the kernel's format:
 *   {"mm_stat":"   65536 ...\n","io_stat":"       0        0 0        0\n","stat":"..."}\n
 * An answer {"error":"..."} is reported as it is. This file is the only place that knows the protocol.
 */
import net from "node:net";
import { type AttributeSource, TOP_ATTRIBUTES, type TopAttribute } from "./top-source.ts";

export class ControlSocketError extends Error {
  constructor(path: string, what: string) {
    super(`control socket ${path}: ${what}`);
    this.name = "ControlSocketError";
  }
}

export function socketSource(path: string): Promise<AttributeSource> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ path });
    let buffered = "";
    let waiting: { resolve: (v: Record<TopAttribute, string>) => void; reject: (e: Error) => void } | undefined;
    const fail = (e: Error) => {
      const w = waiting;
      waiting = undefined;
      w?.reject(e);
    };
    socket.setEncoding("utf8");
    socket.on("error", (e: Error & { code?: string }) => {
      const error = new ControlSocketError(path, e.code ?? e.message);
      reject(error);
      fail(error);
    });
    socket.on("close", () => fail(new ControlSocketError(path, "closed by the server")));
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf("\n");
      if (newline < 0 || waiting === undefined) return;
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const w = waiting;
      waiting = undefined;
      try {
        const answer = JSON.parse(line);
        if (typeof answer?.error === "string") throw new ControlSocketError(path, answer.error);
        for (const a of TOP_ATTRIBUTES) {
          if (typeof answer?.[a] !== "string") throw new ControlSocketError(path, `the answer has no ${a}`);
        }
        w.resolve(answer);
      } catch (e) {
        w.reject(e instanceof ControlSocketError ? e : new ControlSocketError(path, `unreadable answer (${(e as Error).message})`));
      }
    });
    socket.on("connect", () =>
      resolve({
        label: path,
        read: () =>
          new Promise((res, rej) => {
            waiting = { resolve: res, reject: rej };
            socket.write(JSON.stringify({ read: TOP_ATTRIBUTES }) + "\n");
          }),
        close: () => socket.destroy(),
      })
    );
  });
}
