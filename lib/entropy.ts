// Byte statistics of a page (or any bytes): histogram and Shannon entropy.
import { Backend } from "./ffi/abi.ts";
import { checkStatus, TruenoError } from "./ffi/errors.ts";
import { native } from "./ffi/load.ts";
import { requireBytes } from "./compressor/input.ts";

/** Lengths cross the C ABI as int32. */
const MAX_LENGTH = 0x7fffffff;

function requireData(data: Uint8Array): Uint8Array {
  requireBytes(data, "data");
  if (data.length > MAX_LENGTH) throw new TruenoError("InvalidInput", `${data.length} bytes is over the int32 limit`);
  return data;
}

/** Shannon entropy in bits per byte (0..8); 0 for no bytes. */
export function shannonEntropy(data: Uint8Array): number {
  requireData(data);
  const bits = native().tz_entropy(data, data.length, Backend.Auto);
  // The native call returns a negative status instead of an entropy on bad input.
  return bits < 0 ? checkStatus(bits, "shannonEntropy") : bits;
}

/** 256 counts: how often each byte value occurs. */
export function byteHistogram(data: Uint8Array): Uint32Array {
  requireData(data);
  const counts = new Uint32Array(256);
  checkStatus(native().tz_histogram(data, data.length, Backend.Auto, counts), "byteHistogram");
  return counts;
}
