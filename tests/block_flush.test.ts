// flush() and discards at the edges found in review: a flush that follows a write whose compression failed
// still waits for every earlier write, and discards are not limited to one batch of pages.
import { expect, test } from "./harness.ts";
import { Algorithm, BlockDevice, CompressorBuilder, PAGE_SIZE } from "../mod.ts";

test("flush waits for an earlier write even when a later write's compression fails first", async () => {
  const compressor = new CompressorBuilder().algorithm(Algorithm.Zstd(19)).build();
  const device = new BlockDevice(64 << 20, compressor);
  const data = new Uint8Array(1 << 20); // slow to compress at level 19: its job is still running at close()
  for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) >>> 13) & 0x3f;
  const first = device.writeAsync(0, data);
  compressor.close(); // waits natively for the first write's job; its commit is still to come
  const second = device.writeAsync(32 << 20, new Uint8Array(PAGE_SIZE));
  let secondFailed = false;
  second.catch(() => (secondFailed = true));
  await device.flush();
  expect(secondFailed, "the second write was refused").toBeTrue();
  expect(device.pageStates(0, 1)[0], "the first write is stored when flush resolves").toBe(2);
  await first;
  device.close();
});

test("discard and writeZeroes cover more pages than one batch", () => {
  const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).build();
  const pages = 1_100_000; // more than MAX_BATCH_PAGES (524,287)
  const device = new BlockDevice(pages * PAGE_SIZE, compressor);
  const page = new Uint8Array(PAGE_SIZE).fill(7);
  page[0] = 1;
  for (const at of [0, 600_000, pages - 1]) device.write(at * PAGE_SIZE, page);
  device.discard(0, 700_000 * PAGE_SIZE);
  expect([...device.pageStates(0, 1), ...device.pageStates(600_000, 1)]).toEqual([0, 0]);
  expect(device.stats().pagesStored).toBe(1);
  device.writeZeroes(0, pages * PAGE_SIZE);
  expect(device.stats().pagesStored).toBe(0);
  device.close();
  compressor.close();
});
