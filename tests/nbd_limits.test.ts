// Hardening: what one client's requests may cost the server (memory for zeroing, handshake floods,
// connection count), and the control socket with a closed device.
import { Algorithm, BlockDevice, CompressorBuilder } from "../mod.ts";
import { ExportIo, ZERO_PIECE_BYTES } from "../lib/nbd/export_io.ts";
import { expect, test } from "./harness.ts";

const PAGE = 4096;

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
