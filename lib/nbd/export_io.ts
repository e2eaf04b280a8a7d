// Byte-addressed I/O over a BlockDevice for the requests of every connection to one export: whole
// pages go straight to the device, partly covered pages are read, merged and written back whole (as
// the kernel does for partial I/O), never changing bytes outside the request.
import { PAGE_SIZE } from "../ffi/abi.ts";
import type { BlockDevice } from "../block/device.ts";
import { BufferPool } from "./buffer_pool.ts";
import { WriteOrder } from "./write_order.ts";

/**
 * Writes up to this size are compressed on the JS thread: a few pages take microseconds, less than
 * handing them to a worker and waiting for its completion. Larger ones are compressed off the JS
 * thread (writeAsync), the pages of one request in one batch.
 */
export const SYNC_WRITE_BYTES = 64 * 1024;
/** Reads up to this size are decoded by a synchronous batch call (spread over the library's threads);
 * larger ones off the JS thread (readAsync), which meanwhile sends earlier replies: for 1 MiB reads at
 * queue depth 4 that overlap is worth more than the completion's polling delay (for 256 KiB, even). */
export const SYNC_READ_BYTES = 256 * 1024;

/** WRITE_ZEROES with NO_HOLE stores zero pages from one shared buffer of this size, a piece at a time,
 * so that zeroing gigabytes costs no more memory than this. */
export const ZERO_PIECE_BYTES = 1024 * 1024;
const zeroPiece = new Uint8Array(ZERO_PIECE_BYTES);

/** Room kept in front of read data for a reply header, aligned so the device decodes into an aligned view. */
export const READ_HEADROOM = 32;

export interface ReadResult {
  /** The data lies at [start, start + length); at least READ_HEADROOM bytes before start are free. */
  buffer: Uint8Array;
  start: number;
  /** Gives the buffer back for reuse: call once it has been sent (and never touch it afterwards). */
  release(): void;
}

export class ExportIo {
  readonly device: BlockDevice;
  #order = new WriteOrder();
  #buffers = new BufferPool();

  constructor(device: BlockDevice) {
    this.device = device;
  }

  /** Reads [offset, offset + length), which must lie inside the device. */
  async read(offset: number, length: number): Promise<ReadResult> {
    const first = Math.floor(offset / PAGE_SIZE);
    const end = Math.ceil((offset + length) / PAGE_SIZE);
    const buffer = this.#buffers.take(READ_HEADROOM + (end - first) * PAGE_SIZE);
    const release = () => this.#buffers.give(buffer);
    const pages = buffer.subarray(READ_HEADROOM);
    try {
      if (pages.length <= SYNC_READ_BYTES) this.device.read(first * PAGE_SIZE, pages);
      else await this.device.readAsync(first * PAGE_SIZE, pages);
    } catch (e) {
      release();
      throw e;
    }
    return { buffer, start: READ_HEADROOM + offset - first * PAGE_SIZE, release };
  }

  /** Reads whole pages at a page-aligned offset into out, on the JS thread (up to SYNC_READ_BYTES). */
  readPagesNow(offset: number, out: Uint8Array): void {
    this.device.read(offset, out);
  }

  /**
   * Stores a small write of whole pages on the JS thread when nothing orders it behind an earlier
   * change; false (nothing done): it needs write().
   */
  writeNow(offset: number, data: Uint8Array): boolean {
    if (offset % PAGE_SIZE !== 0 || data.length % PAGE_SIZE !== 0 || data.length > SYNC_WRITE_BYTES) return false;
    if (!this.#order.quiet) return false;
    this.device.write(offset, data);
    return true;
  }

  /** Stores data at offset; resolves once it is stored (rejects with the device's error). */
  async write(offset: number, data: Uint8Array): Promise<void> {
    const first = Math.floor(offset / PAGE_SIZE);
    const end = Math.ceil((offset + data.length) / PAGE_SIZE);
    const aligned = offset % PAGE_SIZE === 0 && data.length % PAGE_SIZE === 0;
    const { ticket, ready } = this.#order.begin(first, end, !aligned);
    try {
      if (ready !== undefined) await ready;
      const pages = aligned ? data : this.#merge(offset, data, first, end);
      if (pages.length <= SYNC_WRITE_BYTES) {
        this.device.write(first * PAGE_SIZE, pages);
      } else {
        const stored = this.device.writeAsync(first * PAGE_SIZE, pages);
        ticket.issued();
        await stored;
      }
    } finally {
      ticket.committed();
    }
  }

  /**
   * Zeroes [offset, offset + length): whole pages become holes (discarded), or with `allocate`
   * stored zero pages; the partly covered pages at either end are merged with zeros.
   */
  async zero(offset: number, length: number, allocate: boolean): Promise<void> {
    const end = offset + length;
    const wholeFrom = Math.ceil(offset / PAGE_SIZE) * PAGE_SIZE;
    const wholeTo = Math.floor(end / PAGE_SIZE) * PAGE_SIZE;
    if (wholeFrom >= wholeTo) return this.write(offset, new Uint8Array(length));
    const parts: Promise<void>[] = [];
    if (offset < wholeFrom) parts.push(this.write(offset, new Uint8Array(wholeFrom - offset)));
    parts.push(this.#zeroPages(wholeFrom, wholeTo - wholeFrom, allocate));
    if (wholeTo < end) parts.push(this.write(wholeTo, new Uint8Array(end - wholeTo)));
    await Promise.all(parts);
  }

  /** Resolves once every write issued before it is stored. */
  flush(): Promise<void> {
    return this.device.flush();
  }

  async #zeroPages(offset: number, length: number, allocate: boolean): Promise<void> {
    // One change, registered on arrival, for the whole range: no later request lands between its pieces.
    const { ticket, ready } = this.#order.begin(offset / PAGE_SIZE, (offset + length) / PAGE_SIZE, false);
    try {
      if (ready !== undefined) await ready;
      if (!allocate) {
        this.device.writeZeroes(offset, length);
        return;
      }
      // A zero page written is stored as a same-filled page (no pool memory, and no hole); the pieces
      // are stored synchronously, so nothing runs between them either.
      for (let at = offset; at < offset + length; at += ZERO_PIECE_BYTES) {
        this.device.write(at, zeroPiece.subarray(0, Math.min(ZERO_PIECE_BYTES, offset + length - at)));
      }
    } finally {
      ticket.committed();
    }
  }

  /** The whole pages [first, end) with data laid over their current contents. */
  #merge(offset: number, data: Uint8Array, first: number, end: number): Uint8Array {
    const pages = new Uint8Array((end - first) * PAGE_SIZE);
    const base = first * PAGE_SIZE;
    if (offset % PAGE_SIZE !== 0) this.device.read(base, pages.subarray(0, PAGE_SIZE));
    if ((offset + data.length) % PAGE_SIZE !== 0 && (end - 1 > first || offset % PAGE_SIZE === 0)) {
      this.device.read((end - 1) * PAGE_SIZE, pages.subarray(pages.length - PAGE_SIZE));
    }
    pages.set(data, offset - base);
    return pages;
  }
}
