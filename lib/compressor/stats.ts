/** Counters of one compressor since it was built or last reset. Times are wall-clock nanoseconds. */
export class CompressionStats {
  pages = 0;
  bytesIn = 0;
  bytesOut = 0;
  compressTimeNs = 0;
  decompressTimeNs = 0;
  samePages = 0;
  rawPages = 0;

  /** bytesIn / bytesOut; 1 before any page, Infinity when every page was SAME. */
  ratio(): number {
    return this.bytesIn === 0 ? 1 : this.bytesIn / this.bytesOut;
  }

  /** Compression throughput in GB/s (bytes per nanosecond); 0 before any timed work. */
  throughputGbps(): number {
    return this.compressTimeNs === 0 ? 0 : this.bytesIn / this.compressTimeNs;
  }

  copy(): CompressionStats {
    return Object.assign(new CompressionStats(), this);
  }
}
