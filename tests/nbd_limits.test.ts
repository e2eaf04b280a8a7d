// Hardening: what one client's requests may cost the server (memory for zeroing, handshake floods,
// connection count), and the control socket with a closed device.
import { Algorithm, BlockDevice, CompressorBuilder, fetchControl, serveNbd } from "../mod.ts";
import { ExportIo, ZERO_PIECE_BYTES } from "../lib/nbd/export_io.ts";
import { expect, test } from "./harness.ts";
import net from "node:net";
import { Cmd, CmdFlag, IHAVEOPT, Opt, Rep } from "../lib/nbd/constants.ts";
import { concat } from "../lib/nbd/bytes.ts";
import { withServer, withTempDir } from "./nbd/fixture.ts";
import { join } from "node:path";
import { infoData, RawClient } from "./nbd/raw_client.ts";
import { waitFor } from "./nbd/exec.ts";

const PAGE = 4096;

/** Resolves true once the socket is closed, false if it is still open after ms. */
function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

test("nbd WRITE_ZEROES with NO_HOLE stores zero pages piecewise, never a buffer the request's size", async () => {
  const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(1).build();
  const device = new BlockDevice(64 << 20, compressor);
  try {
    const data = new Uint8Array(64 << 20).fill(7);
    device.write(0, data);
    let largest = 0;
    const write = device.write.bind(device);
    const writeAsync = device.writeAsync.bind(device);
    device.write = (offset: number, bytes: Uint8Array) => {
      largest = Math.max(largest, bytes.length);
      write(offset, bytes);
    };
    device.writeAsync = (offset: number, bytes: Uint8Array) => {
      largest = Math.max(largest, bytes.length);
      return writeAsync(offset, bytes);
    };
    const io = new ExportIo(device);
    // Sub-page edges at both ends, 64 MiB of whole pages between them.
    await io.zero(100, (64 << 20) - 200, true);
    expect(largest <= ZERO_PIECE_BYTES, `largest write ${largest}`).toBe(true);
    const back = new Uint8Array(64 << 20);
    device.read(0, back);
    expect(back.subarray(0, 100).every((b) => b === 7)).toBe(true);
    expect(back.subarray(100, back.length - 100).every((b) => b === 0)).toBe(true);
    expect(back.subarray(back.length - 100).every((b) => b === 7)).toBe(true);
    // Stored (not holes) as same-filled pages: no pool memory for the zeros.
    expect(device.stats().zeroPages).toBe((64 << 20) / PAGE - 2);
  } finally {
    device.close();
    compressor.close();
  }
});

test("nbd handshake: an error reply quotes at most the start of an unknown export name", () =>
  withServer({ size: 1 << 20 }, async ({ socket }) => {
    const c = await RawClient.connect(socket);
    try {
      await c.greet();
      const reply = (await c.optionReplies(Opt.Info, infoData("\u00e9".repeat(2048))))[0]!;
      expect(reply.type).toBe(Rep.ErrUnknown);
      expect(reply.data.length < 200, `error reply of ${reply.data.length} bytes`).toBe(true);
    } finally {
      c.close();
    }
  }));

test("nbd handshake: a client flooding options without reading replies is cut off", () =>
  withServer({ size: 1 << 20, serve: { handshakeTimeoutMs: 60_000 } }, async ({ socket }) => {
    const s = net.connect(socket);
    s.on("error", () => {});
    await new Promise((resolve) => s.once("connect", resolve));
    s.pause(); // never reads a reply; 8192 options is twice what a handshake may send
    s.write(new Uint8Array([0, 0, 0, 3]));
    const data = infoData("x".repeat(4000));
    const header = new Uint8Array(16);
    const v = new DataView(header.buffer);
    v.setBigUint64(0, IHAVEOPT);
    v.setUint32(8, Opt.Info);
    v.setUint32(12, data.length);
    const batch = concat(...Array<Uint8Array>(256).fill(concat(header, data)));
    const closed = closedWithin(s, 20_000);
    for (let sent = 0; sent < 8192 && !s.destroyed; sent += 256) {
      if (!s.write(batch)) await Promise.race([new Promise((resolve) => s.once("drain", resolve)), closed]);
    }
    expect(await closed).toBe(true);
  }));

test("nbd handshake: a client that stalls in the handshake is closed after handshakeTimeoutMs; one in transmission stays", () =>
  withServer({ size: 1 << 20, serve: { handshakeTimeoutMs: 300 } }, async ({ socket }) => {
    const served = await RawClient.connect(socket);
    const stalled = await RawClient.connect(socket);
    try {
      await served.open();
      await stalled.greet();
      expect(await closedWithin(stalled.socket, 10_000)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect((await served.call(Cmd.Read, 0, PAGE)).error).toBe(0);
    } finally {
      served.close();
      stalled.close();
    }
  }));

test("nbd control socket: an export whose device was closed is listed as unavailable, the others reported", () =>
  withTempDir(async (dir) => {
    const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(1).build();
    const open = new BlockDevice(1 << 20, compressor);
    const closed = new BlockDevice(1 << 20, compressor);
    const server = await serveNbd([{ name: "open", device: open }, { name: "gone", device: closed }], {
      socket: join(dir, "s"),
    });
    try {
      closed.close();
      const document = await fetchControl(server.controlPath!, 5000);
      expect(document.exports.map((e) => e.name)).toEqual(["open"]);
      expect(document.unavailable.map((e) => e.name)).toEqual(["gone"]);
      expect(document.unavailable[0]!.error.length > 0).toBe(true);
      expect((await fetchControl(server.controlPath!, 5000)).exports.length).toBe(1);
    } finally {
      await server.close();
      open.close();
      compressor.close();
    }
  }));

test("nbd maxConnections: a client beyond the limit is refused with NBD_REP_ERR_POLICY and closed; a slot freed is reused", () =>
  withServer({ size: 1 << 20, serve: { maxConnections: 2 } }, async ({ socket, server }) => {
    const a = await RawClient.connect(socket);
    const clients = [a];
    try {
      await a.open();
      const b = await RawClient.connect(socket);
      clients.push(b);
      await b.open();
      const extra = await RawClient.connect(socket);
      clients.push(extra);
      await extra.greet();
      const refused = await extra.optionReplies(Opt.Go, infoData(""));
      expect(refused.map((r) => r.type)).toEqual([Rep.ErrPolicy]);
      expect(await closedWithin(extra.socket, 5000)).toBe(true);
      a.close();
      await waitFor("a's connection to close", () => server.connections === 1);
      const later = await RawClient.connect(socket);
      clients.push(later);
      await later.open();
      expect((await later.call(Cmd.Read, 0, PAGE)).error).toBe(0);
      expect((await b.call(Cmd.Read, 0, PAGE)).error).toBe(0);
    } finally {
      for (const c of clients) c.close();
    }
  }));

test("nbd WRITE_ZEROES with NO_HOLE keeps arrival order: a later write survives, a later flush covers it", () =>
  withServer({ size: 8 << 20 }, async ({ socket, device }) => {
    const c = await RawClient.connect(socket);
    try {
      await c.open();
      const at = (1 << 20) + (1 << 19); // inside the zeroed range's second 1 MiB piece
      const marked = new Uint8Array(PAGE).fill(0xaa);
      expect((await c.call(Cmd.Write, at, PAGE, { payload: marked })).error).toBe(0);
      // Pipelined: zero 2 MiB, then flush; when the flush is answered the zeroing is stored.
      c.request(Cmd.WriteZeroes, 0, 2 << 20, { flags: CmdFlag.NoHole });
      const flush = c.request(Cmd.Flush, 0, 0);
      for (let i = 0; i < 2; i++) {
        const r = await c.reply();
        expect(r.error).toBe(0);
        if (r.cookie === flush) {
          const page = new Uint8Array(PAGE);
          device.read(at, page);
          expect(page.every((b) => b === 0), "the page is zero once the flush is answered").toBe(true);
        }
      }
      // Pipelined: zero 2 MiB, then a write inside it; the later write must win.
      c.request(Cmd.WriteZeroes, 0, 2 << 20, { flags: CmdFlag.NoHole });
      c.request(Cmd.Write, at + PAGE, PAGE, { payload: marked });
      for (let i = 0; i < 2; i++) expect((await c.reply()).error).toBe(0);
      const back = await c.call(Cmd.Read, at + PAGE, PAGE);
      expect(back.data ?? new Uint8Array(), "the later write").toEqualBytes(marked);
    } finally {
      c.close();
    }
  }));

test("serveNbd refuses a handshake deadline setTimeout cannot hold", async () => {
  const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
  const device = new BlockDevice(1 << 20, compressor);
  try {
    for (const handshakeTimeoutMs of [0, 2 ** 31, Infinity, Number.NaN]) {
      await withTempDir(async (dir) => {
        let failed: unknown;
        try {
          const server = await serveNbd(device, { socket: join(dir, "s.sock"), handshakeTimeoutMs });
          await server.close();
        } catch (e) {
          failed = e;
        }
        expect((failed as { code?: string } | undefined)?.code, `handshakeTimeoutMs ${handshakeTimeoutMs}`).toBe(
          "InvalidInput",
        );
      });
    }
  } finally {
    device.close();
    compressor.close();
  }
});
