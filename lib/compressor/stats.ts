/** Counters of one compressor since it was built or last reset. Times are wall-clock nanoseconds. */
export class CompressionStats {
  /** Pages compressed. */
  pages = 0;
  /** Bytes of the pages compressed (4096 per page). */
  bytesIn = 0;
  /** Bytes those pages are stored in (0 for a SAME page). */
  bytesOut = 0;
  /** Wall-clock nanoseconds spent compressing. */
  compressTimeNs = 0;
  /** Wall-clock nanoseconds spent decompressing. */
  decompressTimeNs = 0;
  /** Pages stored as SAME (one repeated 64-bit word). */
  samePages = 0;
  /** Pages stored as RAW (incompressible, kept as they are). */
  rawPages = 0;

  /** bytesIn / bytesOut; 1 before any page, Infinity when every page was SAME. */
  ratio(): number {
    return this.bytesIn === 0 ? 1 : this.bytesIn / this.bytesOut;
  }

  /** Compression throughput in GB/s (bytes per nanosecond); 0 before any timed work. */
  throughputGbps(): number {
    return this.compressTimeNs === 0 ? 0 : this.bytesIn / this.compressTimeNs;
  }

  /** An independent copy of these counters. */
  copy(): CompressionStats {
    return Object.assign(new CompressionStats(), this);
  }
}
