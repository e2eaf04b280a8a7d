/**
 * /proc/PID/maps: one line per mapping, "START-END PERMS OFFSET DEV INODE [PATH]". The pages a zram
 * device would be handed live in private writable mappings (heap, stacks, anonymous mmaps, and the
 * copied-on-write pages of writable file mappings such as a library's .data).
 */
export interface Mapping {
  /** First byte of the mapping (page-aligned). */
  readonly start: number;
  /** One past the last byte. */
  readonly end: number;
  /** "rw-p" and the like. */
  readonly perms: string;
  /** The path, "[heap]", "[stack]", "[anon:name]", or "" for an anonymous mapping. */
  readonly path: string;
}

/** Mappings whose pages the kernel never swaps or that cannot be read through /proc/PID/mem. */
const SPECIAL = new Set(["[vvar]", "[vvar_vclock]", "[vdso]", "[vsyscall]"]);

export function parseMaps(text: string): Mapping[] {
  const out: Mapping[] = [];
  for (const line of text.split("\n")) {
    const m = /^([0-9a-f]+)-([0-9a-f]+)\s+(\S{4})\s+\S+\s+\S+\s+\S+\s*(.*)$/.exec(line);
    if (m === null) continue;
    const [, start = "", end = "", perms = "", path = ""] = m;
    out.push({ start: parseInt(start, 16), end: parseInt(end, 16), perms, path: path.trim() });
  }
  return out;
}

/** Private and writable: where anonymous pages live (a file page becomes anonymous when written). */
export function holdsAnonymousPages(m: Mapping): boolean {
  return m.perms[0] === "r" && m.perms[1] === "w" && m.perms[3] === "p" && !SPECIAL.has(m.path) &&
    Number.isSafeInteger(m.end);
}
