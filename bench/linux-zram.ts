/**
 * Linux zram as the reference block device: /dev/zram0 configured through /sys/block/zram0, written and
 * read with dd (O_DIRECT, 1 MiB blocks, one process), always reset afterwards. Used only when the device
 * exists, is writable and is not configured by someone else (disksize 0), under the zram0 lock.
 */
import { spawn, spawnSync } from "node:child_process";
import process from "node:process";
import { accessSync, constants, existsSync, readFileSync, writeFileSync } from "node:fs";

const SYS = "/sys/block/zram0";
const DEV = "/dev/zram0";

export interface LinuxZramPass {
  writeSeconds: number;
  readSeconds: number;
  origDataSize: number;
  comprDataSize: number;
  memUsedTotal: number;
}

const LOCK = "/run/lock/trueno-zram-zram0.lock";

/**
 * Takes the lock every user of zram0 shares (/run/lock/trueno-zram-zram0.lock): a `flock` child holds it
 * until the returned function releases it (or this process ends). Without flock, nothing is locked.
 */
export async function lockZram0(): Promise<() => void> {
  const holder = spawn("flock", [LOCK, "-c", "echo locked; read _"], { stdio: ["pipe", "pipe", "inherit"] });
  const locked = await new Promise<boolean>((resolve) => {
    holder.stdout!.once("data", () => resolve(true));
    holder.once("error", () => resolve(false));
    holder.once("exit", () => resolve(false));
  });
  if (!locked) throw new Error(`cannot take ${LOCK} (is flock installed?)`);
  return () => {
    holder.stdin!.end();
  };
}

/** Why Linux zram cannot be used here, or undefined when it can. */
export function linuxZramUnusable(algorithm: string): string | undefined {
  if (!existsSync(`${SYS}/disksize`) || !existsSync(DEV)) return `${SYS} or ${DEV} does not exist`;
  try {
    accessSync(`${SYS}/disksize`, constants.W_OK);
    accessSync(DEV, constants.W_OK | constants.R_OK);
  } catch {
    return `${SYS} is not writable by this user`;
  }
  const disksize = readFileSync(`${SYS}/disksize`, "utf8").trim();
  if (disksize !== "0") return `zram0 is in use (disksize ${disksize}); not touching it`;
  const offered = readFileSync(`${SYS}/comp_algorithm`, "utf8").replace(/[[\]]/g, "").split(/\s+/);
  if (!offered.includes(algorithm)) return `this kernel's zram offers no ${algorithm} (${offered.join(" ").trim()})`;
  return undefined;
}

/** Runs dd and returns its own timing ("N bytes (...) copied, S s, R MB/s" on stderr). */
function timedDd(args: string[]): number {
  const r = spawnSync("dd", args, { env: { ...process.env, LC_ALL: "C" }, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`dd ${args.join(" ")} failed: ${r.stderr || r.error}`);
  const m = /copied, ([0-9.e+-]+) s/.exec(r.stderr);
  if (!m) throw new Error(`cannot read dd's timing from: ${r.stderr}`);
  return Number(m[1]);
}

function reset(): void {
  writeFileSync(`${SYS}/reset`, "1");
}

/** One configure-write-read-measure-reset cycle of `bytes` bytes of `file` (whole pages). */
export function linuxZramPass(file: string, bytes: number, algorithm: string): LinuxZramPass {
  reset();
  try {
    writeFileSync(`${SYS}/comp_algorithm`, algorithm);
    writeFileSync(`${SYS}/disksize`, String(Math.ceil(bytes / 2 ** 20) * 2 ** 20));
    const writeSeconds = timedDd([
      "if=" + file,
      "of=" + DEV,
      "bs=1M",
      "oflag=direct",
      "iflag=count_bytes",
      `count=${bytes}`,
    ]);
    const readSeconds = timedDd([
      "if=" + DEV,
      "of=/dev/null",
      "bs=1M",
      "iflag=direct,count_bytes",
      `count=${bytes}`,
    ]);
    const [origDataSize, comprDataSize, memUsedTotal] = readFileSync(`${SYS}/mm_stat`, "utf8").trim().split(/\s+/).map(
      Number,
    );
    if (memUsedTotal === undefined || comprDataSize === undefined || origDataSize === undefined) {
      throw new Error(`${SYS}/mm_stat has fewer than 3 fields`);
    }
    return { writeSeconds, readSeconds, origDataSize, comprDataSize, memUsedTotal };
  } finally {
    reset();
  }
}
