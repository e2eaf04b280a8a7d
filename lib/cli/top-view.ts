/**
 * What `top` shows for two consecutive samples: rates from the block layer's sector counters (pages in =
 * written, pages out = read, 8 sectors per page), the ratio orig_data_size / compr_data_size, memory and
 * page counts from mm_stat and io_stat. Pure functions: the terminal handling lives in top.ts.
 */
import { mib } from "./table.ts";
import type { DeviceSample } from "./top-source.ts";

const SECTORS_PER_PAGE = 8;

/** The sample's mm_stat and io_stat figures, with rates in place of the sector counters. */
export interface TopRow extends Omit<DeviceSample, "at" | "readSectors" | "writeSectors"> {
  /** Rates since the previous sample; null on the first one, and where the source has no stat. */
  pagesInPerSec: number | null;
  pagesOutPerSec: number | null;
  /** orig_data_size / compr_data_size; null while nothing compressed is stored. */
  ratio: number | null;
}

export function topRow(now: DeviceSample, previous: DeviceSample | undefined): TopRow {
  const seconds = previous === undefined ? 0 : (now.at - previous.at) / 1000;
  const rate = (a: number | null, b: number | null | undefined) =>
    a === null || b === null || b === undefined || seconds <= 0 ? null : (a - b) / SECTORS_PER_PAGE / seconds;
  const { at: _at, readSectors, writeSectors, ...figures } = now;
  return {
    pagesInPerSec: rate(writeSectors, previous?.writeSectors),
    pagesOutPerSec: rate(readSectors, previous?.readSectors),
    ratio: now.comprDataSize > 0 ? now.origDataSize / now.comprDataSize : null,
    ...figures,
  };
}

function num(x: number | null, digits: number): string {
  return x === null ? "-" : x.toFixed(digits);
}

/** The full-screen view: a title and two columns of label / value pairs. */
export function renderScreen(row: TopRow, title: string): string[] {
  const pair = (a: string, av: string, b: string, bv: string) =>
    `  ${a.padEnd(16)}${av.padStart(12)}    ${b.padEnd(16)}${bv.padStart(12)}`;
  return [
    title,
    "",
    pair("pages in/s", num(row.pagesInPerSec, 1), "pages out/s", num(row.pagesOutPerSec, 1)),
    pair("ratio", num(row.ratio, 2), "", ""),
    pair("mem_used MiB", mib(row.memUsedTotal), "mem_used_max MiB", mib(row.memUsedMax)),
    pair("orig_data MiB", mib(row.origDataSize), "compr_data MiB", mib(row.comprDataSize)),
    pair("same pages", String(row.samePages), "huge pages", String(row.hugePages)),
    pair("failed reads", String(row.failedReads), "failed writes", String(row.failedWrites)),
    pair("notify_free", String(row.notifyFree), "", ""),
  ].map((line) => line.trimEnd());
}

/** One plain line per sample, for pipes and logs. */
export function renderLine(row: TopRow, time: string): string {
  return `${time} pages_in/s=${num(row.pagesInPerSec, 1)} pages_out/s=${num(row.pagesOutPerSec, 1)} ` +
    `ratio=${num(row.ratio, 2)} mem_used=${row.memUsedTotal} orig_data=${row.origDataSize} ` +
    `compr_data=${row.comprDataSize} same=${row.samePages} huge=${row.hugePages}`;
}
