// The NBD server at the wire level, through a raw client: handshake options and their errors,
// command errors, sub-page read-modify-write under concurrency, several connections.
import { Cmd, CmdFlag, Errno, Info, Opt, Rep, STATE_HOLE, STATE_ZERO, TFlag } from "../lib/nbd/constants.ts";
import { expect, nth, test } from "./harness.ts";
import { withServer } from "./nbd/fixture.ts";
import { infoData, metaContextData, RawClient } from "./nbd/raw_client.ts";
import { randomBytes } from "./pages.ts";

const PAGE = 4096;
const decoder = new TextDecoder();

test("nbd handshake: greeting flags, LIST, INFO with block sizes, unknown export and option errors", () =>
  withServer({ size: 1 << 20, name: "disk" }, async ({ socket }) => {
    const c = await RawClient.connect(socket);
    try {
      expect(await c.greet()).toBe(3); // FIXED_NEWSTYLE | NO_ZEROES
      const list = await c.optionReplies(Opt.List);
      expect(list.map((r) => r.type)).toEqual([Rep.Server, Rep.Ack]);
      expect(decoder.decode(nth(list, 0, "reply").data.subarray(4))).toBe("disk");
      expect(nth(await c.optionReplies(Opt.List, new Uint8Array(1)), 0, "reply").type).toBe(Rep.ErrInvalid);

      const info = await c.optionReplies(Opt.Info, infoData("disk", [Info.Name, Info.BlockSize]));
      expect(info.map((r) => r.type)).toEqual([Rep.Info, Rep.Info, Rep.Info, Rep.Ack]);
      const exportInfo = new DataView(nth(info, 0, "reply").data.buffer);
      expect(exportInfo.getUint16(0)).toBe(Info.Export);
      expect(Number(exportInfo.getBigUint64(2))).toBe(1 << 20);
      const flags = exportInfo.getUint16(10);
      for (
        const f of [
          TFlag.SendFlush,
          TFlag.SendFua,
          TFlag.SendTrim,
          TFlag.SendWriteZeroes,
          TFlag.CanMultiConn,
          TFlag.SendCache,
          TFlag.SendFastZero,
        ]
      ) {
        expect(flags & f, `flag ${f}`).toBe(f);
      }
      expect(flags & TFlag.SendDf).toBe(0); // structured replies not negotiated yet
      const block = new DataView(nth(info, 2, "reply").data.buffer);
      expect([block.getUint16(0), block.getUint32(2), block.getUint32(6), block.getUint32(10)]).toEqual([
        Info.BlockSize,
        1,
        4096,
        32 << 20,
      ]);

      expect(nth(await c.optionReplies(Opt.Info, infoData("nope")), 0, "reply").type).toBe(Rep.ErrUnknown);
      expect(nth(await c.optionReplies(Opt.Go, new Uint8Array([0, 0, 0, 9, 1])), 0, "reply").type).toBe(Rep.ErrInvalid);
      expect(nth(await c.optionReplies(99), 0, "reply").type).toBe(Rep.ErrUnsup);
      expect(nth(await c.optionReplies(Opt.StartTls), 0, "reply").type).toBe(Rep.ErrPolicy);
      // Meta contexts need structured replies first.
      expect(nth(await c.optionReplies(Opt.ListMetaContext, metaContextData("disk", [])), 0, "reply").type).toBe(
        Rep.ErrInvalid,
      );
      expect(nth(await c.optionReplies(Opt.StructuredReply, new Uint8Array(2)), 0, "reply").type).toBe(Rep.ErrInvalid);
      expect(nth(await c.optionReplies(Opt.StructuredReply), 0, "reply").type).toBe(Rep.Ack);
      const listed = await c.optionReplies(Opt.ListMetaContext, metaContextData("", ["base:"]));
      expect(listed.map((r) => r.type)).toEqual([Rep.MetaContext, Rep.Ack]);
      expect(decoder.decode(nth(listed, 0, "reply").data.subarray(4))).toBe("base:allocation");
      expect((await c.optionReplies(Opt.ListMetaContext, metaContextData("", ["x-other:thing"]))).map((r) => r.type))
        .toEqual([Rep.Ack]);
      expect(
        (await c.optionReplies(Opt.SetMetaContext, metaContextData("disk", ["base:allocation"]))).map((r) => r.type),
      )
        .toEqual([Rep.MetaContext, Rep.Ack]);
      const aborted = await c.optionReplies(Opt.Abort);
      expect(nth(aborted, 0, "reply").type).toBe(Rep.Ack);
      await c.closed();
    } finally {
      c.close();
    }
  }));

test("nbd handshake: EXPORT_NAME enters transmission; an unknown name or client flag closes only that connection", () =>
  withServer({ size: 1 << 20, name: "disk" }, async ({ socket }) => {
    const bad = await RawClient.connect(socket);
    await bad.greet(1 << 7);
    await bad.closed();
    const unknown = await RawClient.connect(socket);
    await unknown.greet();
    unknown.sendOption(Opt.ExportName, new TextEncoder().encode("nope"));
    await unknown.closed();

    const c = await RawClient.connect(socket);
    try {
      await c.greet();
      c.sendOption(Opt.ExportName, new TextEncoder().encode("disk"));
      const reply = await c.reader.read(10); // NO_ZEROES negotiated: no 124 zero bytes
      expect(Number(new DataView(reply.buffer, reply.byteOffset).getBigUint64(0))).toBe(1 << 20);
      expect((await c.call(Cmd.Write, 0, PAGE, { payload: new Uint8Array(PAGE).fill(5) })).error).toBe(0);
      const read = await c.call(Cmd.Read, 0, 8);
      expect(read.data!).toEqualBytes(new Uint8Array(8).fill(5));
    } finally {
      c.close();
    }
  }));

test("nbd commands: protocol errors per request, block status, zeroing, flush and cache", () =>
  withServer({ size: 1 << 20 }, async ({ socket, device }) => {
    expect(() => device.pageStates(255, 2)).toThrow("InvalidInput");
    expect(() => device.pageStates(-1, 1)).toThrow("InvalidInput");
    expect(device.pageStates(0, 256)).toEqualBytes(new Uint8Array(256));
    const c = await RawClient.connect(socket);
    try {
      const { flags } = await c.open();
      expect(flags & TFlag.SendDf).toBe(TFlag.SendDf);
      const size = 1 << 20;
      expect((await c.call(Cmd.Read, size - 4, 8)).error).toBe(Errno.EINVAL);
      expect((await c.call(Cmd.Write, size - 4, 8, { payload: new Uint8Array(8) })).error).toBe(Errno.ENOSPC);
      expect((await c.call(Cmd.Trim, size, 1)).error).toBe(Errno.ENOSPC);
      expect((await c.call(Cmd.Read, 0, (32 << 20) + 1)).error).toBe(Errno.EINVAL);
      expect((await c.call(42, 0, 0)).error).toBe(Errno.EINVAL);
      expect((await c.call(Cmd.Write, 0, 1, { flags: CmdFlag.ReqOne, payload: new Uint8Array(1) })).error).toBe(
        Errno.EINVAL,
      );
      expect((await c.call(Cmd.BlockStatus, 0, 0)).error).toBe(Errno.EINVAL);
      expect((await c.call(Cmd.BlockStatus, size - PAGE, 2 * PAGE)).error).toBe(Errno.EINVAL);

      // Page 0 data, page 1 zeros written (stored, not a hole), pages 2..3 trimmed, the rest never written.
      expect((await c.call(Cmd.Write, 0, 2 * PAGE, { flags: CmdFlag.Fua, payload: randomBytes(2 * PAGE, 7) })).error)
        .toBe(0);
      expect((await c.call(Cmd.WriteZeroes, PAGE, PAGE, { flags: CmdFlag.NoHole | CmdFlag.FastZero })).error).toBe(0);
      expect((await c.call(Cmd.Write, 2 * PAGE, 2 * PAGE, { payload: randomBytes(2 * PAGE, 8) })).error).toBe(0);
      expect((await c.call(Cmd.Trim, 2 * PAGE, 2 * PAGE)).error).toBe(0);
      const status = await c.call(Cmd.BlockStatus, 100, 6 * PAGE);
      expect(status.extents!).toEqual([PAGE - 100, 0, PAGE, STATE_ZERO, 4 * PAGE + 100, STATE_HOLE | STATE_ZERO]);
      const one = await c.call(Cmd.BlockStatus, 0, 6 * PAGE, { flags: CmdFlag.ReqOne });
      expect(one.extents!).toEqual([PAGE, 0]);
      const zeros = await c.call(Cmd.Read, PAGE, 3 * PAGE, { flags: CmdFlag.Df });
      expect(zeros.data!).toEqualBytes(new Uint8Array(3 * PAGE));
      expect((await c.call(Cmd.Flush, 0, 0)).error).toBe(0);
      expect((await c.call(Cmd.Cache, 0, PAGE)).error).toBe(0);
      expect((await c.call(Cmd.Read, 0, 0)).error).toBe(0);
    } finally {
      c.close();
    }
  }));

test("nbd simple replies: without structured replies reads carry data and errors carry none", () =>
  withServer({ size: 1 << 20 }, async ({ socket }) => {
    const c = await RawClient.connect(socket);
    try {
      const { flags } = await c.open("", { structured: false });
      expect(flags & TFlag.SendDf).toBe(0);
      await c.call(Cmd.Write, 10, 3, { payload: new Uint8Array([1, 2, 3]) });
      expect((await c.call(Cmd.Read, 9, 5)).data!).toEqualBytes(new Uint8Array([0, 1, 2, 3, 0]));
      expect((await c.call(Cmd.Read, 1 << 20, 1)).error).toBe(Errno.EINVAL);
      expect((await c.call(Cmd.BlockStatus, 0, PAGE)).error).toBe(Errno.EINVAL);
      expect((await c.call(Cmd.Read, 0, 2)).data!).toEqualBytes(new Uint8Array(2));
    } finally {
      c.close();
    }
  }));

test("nbd sub-page requests in flight together change only their own bytes", () =>
  withServer({ size: 4 << 20 }, async ({ socket }) => {
    const region = 256 * PAGE;
    const model = randomBytes(region, 1);
    const c = await RawClient.connect(socket);
    try {
      await c.open();
      expect((await c.call(Cmd.Write, 0, region, { payload: model })).error).toBe(0);
      // Many small writes and zeroings at odd offsets, adjacent and overlapping pages, plus whole-page
      // writes, all sent before any reply is read; no two requests touch the same byte.
      const random = randomBytes(16384, 2);
      const cookies = new Set<bigint>();
      let at = 0;
      let r = 0;
      const nextRandom = () => nth(random, r++, "random byte");
      while (at < region - 18 * PAGE) {
        const length = 1 + ((nextRandom() << 8 | nextRandom()) % 900);
        const kind = nextRandom() % 8;
        if (kind === 0) {
          // Past the synchronous limit (stored off the JS thread), sharing its edge pages with neighbours.
          const payload = randomBytes(17 * PAGE - 99, at + 3);
          model.set(payload, at);
          cookies.add(c.request(Cmd.Write, at, payload.length, { payload }));
          at += payload.length;
        } else if (kind <= 2) {
          model.fill(0, at, at + length);
          cookies.add(c.request(nth(random, r, "random byte") % 2 === 0 ? Cmd.WriteZeroes : Cmd.Trim, at, length));
          at += length;
        } else {
          const payload = randomBytes(length, at + 5);
          model.set(payload, at);
          cookies.add(c.request(Cmd.Write, at, length, { payload }));
          at += length;
        }
        at += nextRandom() % 3;
      }
      expect(cookies.size).toBeGreaterThan(100);
      while (cookies.size > 0) {
        const reply = await c.reply();
        expect(reply.error, `cookie ${reply.cookie}`).toBe(0);
        expect(cookies.delete(reply.cookie)).toBeTrue();
      }
      expect((await c.call(Cmd.Read, 0, region)).data!).toEqualBytes(model);
    } finally {
      c.close();
    }
  }));

test("nbd multi-conn: a write completed on one connection is read on another; replies come out of order", () =>
  withServer({ size: 8 << 20 }, async ({ socket }) => {
    const a = await RawClient.connect(socket);
    const b = await RawClient.connect(socket);
    try {
      await a.open();
      await b.open();
      const data = randomBytes(4 << 20, 3);
      const big = a.request(Cmd.Write, 0, data.length, { payload: data });
      const small = a.request(Cmd.Write, 6 << 20, 512, { payload: data.subarray(0, 512) });
      const order = [(await a.reply()).cookie, (await a.reply()).cookie];
      expect(order.sort()).toEqual([big, small].sort());
      expect((await b.call(Cmd.Flush, 0, 0)).error).toBe(0);
      expect((await b.call(Cmd.Read, 0, data.length)).data!).toEqualBytes(data);
      expect((await b.call(Cmd.Read, 6 << 20, 512)).data!).toEqualBytes(data.subarray(0, 512));
    } finally {
      a.close();
      b.close();
    }
  }));

test("nbd memory limit: a refused write answers ENOSPC and the old data stays readable", () =>
  withServer({ size: 8 << 20, memLimit: 256 * 1024 }, async ({ socket, device }) => {
    const c = await RawClient.connect(socket);
    try {
      await c.open();
      const old = new Uint8Array(PAGE).fill(0x11);
      old.set(new TextEncoder().encode("old contents of the first page"), 100);
      expect((await c.call(Cmd.Write, 0, PAGE, { payload: old })).error).toBe(0);
      const incompressible = randomBytes(2 << 20, 9);
      expect((await c.call(Cmd.Write, 0, incompressible.length, { payload: incompressible })).error).toBe(Errno.ENOSPC);
      // A sub-page write needing a new pooled page is refused the same way.
      expect((await c.call(Cmd.Write, 6 << 20, 700, { payload: incompressible.subarray(0, 700) })).error).toBe(
        Errno.ENOSPC,
      );
      expect(device.stats().failedWrites).toBeGreaterThan(0);
      const stored = (await c.call(Cmd.Read, 0, PAGE)).data!;
      const firstPageKept = stored.every((v, i) => v === old[i]) || stored.every((v, i) => v === incompressible[i]);
      expect(firstPageKept, "page 0 holds one write whole").toBeTrue();
      const lastPage = (await c.call(Cmd.Read, (2 << 20) - PAGE, PAGE)).data!;
      expect(lastPage).toEqualBytes(new Uint8Array(PAGE));
    } finally {
      c.close();
    }
  }));
