// Faults: malformed handshakes and requests from a seeded generator, a stalled client, clients cut off
// mid-request, and shutdown with requests in flight. Other clients must never notice.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Algorithm, BlockDevice, CompressorBuilder, serveNbd } from "../mod.ts";
import { Cmd, Errno, IHAVEOPT, Opt, REQUEST_MAGIC } from "../lib/nbd/constants.ts";
import { expect, test } from "./harness.ts";
import { waitFor } from "./nbd/exec.ts";
import { withServer, withTempDir } from "./nbd/fixture.ts";
import { concat } from "../lib/nbd/bytes.ts";
import { infoData, metaContextData, RawClient } from "./nbd/raw_client.ts";
import { randomBytes } from "./pages.ts";

const PAGE = 4096;

function option(code: number, data: Uint8Array): Uint8Array {
  const header = new Uint8Array(16);
  const v = new DataView(header.buffer);
  v.setBigUint64(0, IHAVEOPT);
  v.setUint32(8, code);
  v.setUint32(12, data.length);
  return concat(header, data);
}

function request(type: number, offset: number, length: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const header = new Uint8Array(28);
  const v = new DataView(header.buffer);
  v.setUint32(0, REQUEST_MAGIC);
  v.setUint16(6, type);
  v.setBigUint64(8, BigInt(offset + 1));
  v.setBigUint64(16, BigInt(offset));
  v.setUint32(24, length);
  return concat(header, payload);
}

/** What a well-behaved client sends on the "fuzz" export: options, then a few requests. */
function validSession(seed: number): Uint8Array {
  return concat(
    new Uint8Array([0, 0, 0, 3]),
    option(Opt.StructuredReply, new Uint8Array(0)),
    option(Opt.SetMetaContext, metaContextData("", ["base:allocation"])),
    option(Opt.Go, infoData("")),
    request(Cmd.Write, (seed % 200) * 512, 1000, randomBytes(1000, seed)),
    request(Cmd.BlockStatus, 0, 1 << 20),
    request(Cmd.Read, 4096, 5000),
    request(Cmd.WriteZeroes, 12345, 6789),
    request(Cmd.Disc, 0, 0),
  );
}

/** The session with seeded damage: flipped bytes, a random cut, or garbage spliced in. */
function damaged(seed: number): Uint8Array {
  const bytes = validSession(seed);
  const random = randomBytes(64, seed * 7919 + 1); // every index below is under 64
  const cut = (random[0]! << 8 | random[1]!) % bytes.length;
  switch (random[2]! % 3) {
    case 0:
      for (let i = 0; i < 1 + (random[3]! % 4); i++) {
        const at = (random[4 + 2 * i]! << 8 | random[5 + 2 * i]!) % bytes.length;
        bytes[at] = bytes[at]! ^ (1 << (random[12 + i]! % 8));
      }
      return bytes;
    case 1:
      return bytes.subarray(0, cut);
    default:
      return concat(bytes.subarray(0, cut), randomBytes(1 + random[20]!, seed), bytes.subarray(cut));
  }
}

function send(socketPath: string, bytes: Uint8Array, lingerMs: number): Promise<void> {
  return RawClient.connect(socketPath).then(async (c) => {
    c.socket.on("data", () => {});
    c.send(bytes);
    await Promise.race([c.closed(), new Promise((r) => setTimeout(r, lingerMs))]);
    c.close();
  });
}

test("nbd faults: seeded malformed handshakes and requests cost only their own connections", () =>
  withTempDir(async (dir) => {
    const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(2).build();
    const fuzzDevice = new BlockDevice(1 << 20, compressor);
    const goodDevice = new BlockDevice(1 << 20, compressor);
    const violations: string[] = [];
    const socket = join(dir, "nbd.sock");
    const server = await serveNbd([
      { name: "victim-of-fuzzing", device: fuzzDevice },
      { name: "g", device: goodDevice },
    ], { socket, log: (line) => violations.push(line) });
    const stalled = await RawClient.connect(socket);
    const good = await RawClient.connect(socket);
    try {
      await good.open("g");
      const model = randomBytes(256 * 1024, 99);
      for (let round = 0; round < 16; round++) {
        const cases = Array.from({ length: 16 }, (_, i) => send(socket, damaged(round * 16 + i + 1), 30));
        const at = round * 16 * 1024;
        const slice = model.subarray(at, at + 16 * 1024 - 7);
        expect((await good.call(Cmd.Write, at + 3, slice.length, { payload: slice })).error).toBe(0);
        await Promise.all(cases);
      }
      // Valid sessions still work too.
      await send(socket, validSession(5), 2000);
      for (let round = 0; round < 16; round++) {
        const at = round * 16 * 1024;
        const read = await good.call(Cmd.Read, at + 3, 16 * 1024 - 7);
        expect(read.data!, `round ${round}`).toEqualBytes(model.subarray(at, at + 16 * 1024 - 7));
      }
      expect(stalled.socket.destroyed).toBeFalse();
      // The generator reaches the checks that close a connection (bad magic, flags, sizes).
      expect(violations.length).toBeGreaterThan(10);
    } finally {
      stalled.close();
      good.close();
      await server.close();
      compressor.close();
    }
  }));

test("nbd faults: a client cut off mid-write leaves every page old or new, whole; others go on", () =>
  withServer({ size: 4 << 20 }, async ({ socket }) => {
    const old = new Uint8Array(64 * PAGE).fill(0xaa);
    const writer = await RawClient.connect(socket);
    const reader = await RawClient.connect(socket);
    try {
      await reader.open();
      expect((await reader.call(Cmd.Write, 0, old.length, { payload: old })).error).toBe(0);
      await writer.open();
      for (let i = 0; i < 16; i++) {
        writer.request(Cmd.Write, i * 4 * PAGE, 4 * PAGE, { payload: new Uint8Array(4 * PAGE).fill(0xbb) });
      }
      // A last write whose payload never fully arrives.
      writer.send(request(Cmd.Write, 0, 8 * PAGE, new Uint8Array(3 * PAGE).fill(0xcc)));
      writer.close();
      await new Promise((r) => setTimeout(r, 100));
      expect((await reader.call(Cmd.Flush, 0, 0)).error).toBe(0);
      const back = (await reader.call(Cmd.Read, 0, old.length)).data!;
      for (let p = 0; p < 64; p++) {
        const page = back.subarray(p * PAGE, (p + 1) * PAGE);
        expect(page.every((b) => b === page[0]) && (page[0] === 0xaa || page[0] === 0xbb), `page ${p} whole`)
          .toBeTrue();
      }
    } finally {
      writer.close();
      reader.close();
    }
  }));

test("nbd shutdown: close() answers the requests in flight, then closes and removes the sockets", () =>
  withTempDir(async (dir) => {
    const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(2).build();
    const device = new BlockDevice(8 << 20, compressor);
    const socket = join(dir, "nbd.sock");
    const server = await serveNbd(device, { socket });
    const c = await RawClient.connect(socket);
    try {
      await c.open();
      // Past the synchronous limit, so that they are stored off the JS thread while close() runs.
      const sent = new Map<bigint, number>();
      for (let i = 0; i < 32; i++) {
        sent.set(
          c.request(Cmd.Write, i * 128 * 1024, 128 * 1024, { payload: new Uint8Array(128 * 1024).fill(i + 1) }),
          i,
        );
      }
      await waitFor("the first write to start", () => device.stats().writeIos > 0);
      const closed = server.close();
      const answered = new Map<bigint, number>();
      try {
        while (answered.size < sent.size) {
          const r = await c.reply();
          answered.set(r.cookie, r.error);
        }
      } catch {
        // The server closed after answering what it had read; requests still unread get no reply.
      }
      await closed;
      await c.closed();
      expect(answered.size).toBeGreaterThan(0);
      const page = new Uint8Array(PAGE);
      for (const [cookie, error] of answered) {
        expect([0, Errno.ESHUTDOWN].includes(error), `error ${error}`).toBeTrue();
        if (error !== 0) continue;
        device.read(sent.get(cookie)! * 128 * 1024, page);
        expect(page[0]).toBe(sent.get(cookie)! + 1);
      }
      expect(existsSync(socket)).toBeFalse();
      expect(existsSync(`${socket}.ctl`)).toBeFalse();
    } finally {
      c.close();
      await server.close();
      compressor.close();
    }
  }));
