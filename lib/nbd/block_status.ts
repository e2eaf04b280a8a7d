// base:allocation extents of a range, from the device's per-page states: never written or discarded
// pages are holes that read as zeros, same-filled zero pages read as zeros, the rest is data.
import { PAGE_SIZE } from "../ffi/abi.ts";
import type { BlockDevice } from "../block/device.ts";
import { STATE_HOLE, STATE_ZERO } from "./constants.ts";

/** Pages looked at per request; a client asking for more gets the first part and asks again. */
const MAX_SCAN_PAGES = 256 * 1024;
/** Extents per reply without REQ_ONE. */
const MAX_EXTENTS = 16 * 1024;
const FLAGS_OF_STATE = [STATE_HOLE | STATE_ZERO, STATE_ZERO, 0];

/** (length, flags) pairs covering [offset, ...) in order, within [offset, offset + length). */
export function allocationExtents(device: BlockDevice, offset: number, length: number, one: boolean): Uint32Array {
  const end = offset + length;
  const first = Math.floor(offset / PAGE_SIZE);
  const pages = Math.min(Math.ceil(end / PAGE_SIZE) - first, MAX_SCAN_PAGES);
  const states = device.pageStates(first, pages);
  const limit = one ? 1 : MAX_EXTENTS;
  const out: number[] = [];
  let at = offset;
  let i = 0;
  while (i < pages && out.length / 2 < limit) {
    const state = states[i];
    let j = i + 1;
    while (j < pages && states[j] === state) j++;
    const extentEnd = Math.min((first + j) * PAGE_SIZE, end);
    out.push(extentEnd - at, FLAGS_OF_STATE[state]);
    at = extentEnd;
    i = j;
  }
  return Uint32Array.from(out);
}
