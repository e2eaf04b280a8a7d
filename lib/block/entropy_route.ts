// Tells, for a page the codec returned RAW, whether entropy routing sent it there (no compression
// attempt) or whether it was tried and came out huge. Pure JS so the write stays one native call.

const LOG2_PAGE = 12;
const histogram = new Uint32Array(256);

/** Shannon entropy (bits per byte) of data[from .. from + 4096). */
export function pageEntropy(data: Uint8Array, from: number): number {
  histogram.fill(0);
  const end = from + 4096;
  for (let i = from; i < end; i++) histogram[data[i]]++;
  let sum = 0;
  for (let b = 0; b < 256; b++) {
    const n = histogram[b];
    if (n !== 0) sum += n * Math.log2(n);
  }
  // H = log2(N) - (1/N) * sum(n log2 n)
  return LOG2_PAGE - sum / 4096;
}
