// The zram face: configure an emulated /sys/block/zram0, write pages, and read the statistics exactly
// as the kernel prints them (mm_stat, io_stat) and as zramctl shows them.
// Run: bun examples/compression_stats.ts   or   deno run -A examples/compression_stats.ts
import { formatZramctl, PAGE_SIZE, SysfsError, SysfsInterface } from "trueno-zram";

const sys = new SysfsInterface();
sys.writeAttr("comp_algorithm", "lz4");
sys.writeAttr("disksize", "64M");
console.log(`comp_algorithm: ${sys.readAttr("comp_algorithm").trimEnd()}`);
console.log(`disksize:       ${sys.readAttr("disksize").trimEnd()}`);

// A bad write answers with the kernel's errno.
try {
  sys.writeAttr("disksize", "128M");
} catch (e) {
  if (!(e instanceof SysfsError)) throw e;
  console.log(`disksize <- 128M on a live device: ${e.errno}`);
}

const page = new Uint8Array(PAGE_SIZE);
const words = "zram keeps pages compressed in memory; same-filled pages cost nothing. ";
let index = 0;
for (let i = 0; i < 256; i++) sys.writePage(index++, page.fill(0));
for (let i = 0; i < 256; i++) sys.writePage(index++, page.fill(0xab));
for (let i = 0; i < 256; i++) {
  page.set(new TextEncoder().encode(`${i}: ${words.repeat(60)}`).subarray(0, PAGE_SIZE));
  sys.writePage(index++, page);
}
for (let i = 0; i < 256; i++) sys.writePage(index++, crypto.getRandomValues(page));

const mm = sys.mmStat();
console.log(`mm_stat: ${sys.readAttr("mm_stat").trimEnd()}`);
console.log(`  orig_data_size  ${mm.origDataSize}`);
console.log(`  compr_data_size ${mm.comprDataSize}`);
console.log(`  mem_used_total  ${mm.memUsedTotal}`);
console.log(`  same_pages      ${mm.samePages}`);
console.log(`  huge_pages      ${mm.hugePages}`);
console.log(`  ratio           ${(mm.origDataSize / mm.memUsedTotal).toFixed(2)} (orig / mem_used_total)`);
console.log(`io_stat: ${sys.readAttr("io_stat").trimEnd()}`);
process.stdout.write(formatZramctl(sys, "/dev/zram0"));
sys.writeAttr("reset", "1");
console.log(`after reset, initstate ${sys.readAttr("initstate").trimEnd()}`);
