// serveNbd's writeback option: a served device with a backing file pushes its cold pages there, and a
// client reads them back unchanged.
import { closeSync, ftruncateSync, openSync } from "node:fs";
import { join } from "node:path";
import { Algorithm, BlockDevice, CompressorBuilder, fetchControl, serveNbd } from "../mod.ts";
import { Cmd } from "../lib/nbd/constants.ts";
import { expect, test } from "./harness.ts";
import { waitFor } from "./nbd/exec.ts";
import { withTempDir } from "./nbd/fixture.ts";
import { RawClient } from "./nbd/raw_client.ts";
import { randomBytes } from "./pages.ts";

const PAGE = 4096;
const PAGES = 64;

test("nbd writeback: idle pages of a served device go to its backing file and read back byte-identical", () =>
  withTempDir(async (dir) => {
    const backing = join(dir, "backing");
    const fd = openSync(backing, "w");
    ftruncateSync(fd, 256 * PAGE);
    closeSync(fd);
    let now = 1000;
    const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(1).build();
    const device = new BlockDevice(1 << 20, compressor, { backingFile: backing, clock: () => now });
    const server = await serveNbd(device, { socket: join(dir, "s"), writeback: { idleSeconds: 30, intervalMs: 20 } });
    const client = await RawClient.connect(server.socketPath!);
    try {
      await client.open();
      const data = randomBytes(PAGES * PAGE, 12);
      expect((await client.call(Cmd.Write, 0, data.length, { payload: data })).error).toBe(0);
      // Not idle for 30 s yet: passes leave the pages in memory.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await fetchControl(server.controlPath!)).exports[0]!.backingStats!.writes).toBe(0);

      now += 31;
      await waitFor("the writeback pass", () => device.backingStats().blocksUsed === PAGES);
      const report = (await fetchControl(server.controlPath!)).exports[0]!;
      expect(report.backingStats!.blocksUsed).toBe(PAGES);
      expect(report.backingStats!.writes).toBe(PAGES);
      expect(report.bd_stat).toBe(`${String(PAGES).padStart(8)} ${"0".padStart(8)} ${String(PAGES).padStart(8)}\n`);
      expect(report.mmStat.memUsedTotal).toBe(0); // the pool holds none of them now

      const back = await client.call(Cmd.Read, 0, data.length);
      expect(back.error).toBe(0);
      expect(back.data!).toEqualBytes(data);
      expect(device.backingStats().reads).toBe(PAGES);
    } finally {
      client.close();
      await server.close();
      device.close();
      compressor.close();
    }
  }));
