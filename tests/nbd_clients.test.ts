// The export driven by real NBD clients: nbdinfo, qemu-io, qemu-img, nbdcopy and fio.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { corpus, corpusFile, expect, nth, test } from "./harness.ts";
import { mustRun } from "./nbd/exec.ts";
import { uri, withServer } from "./nbd/fixture.ts";

const MIB = 1 << 20;

/** A corpus file as a plain file in dir (the clients read files). */
function corpusOnDisk(dir: string, index: number): { path: string; bytes: Uint8Array } {
  const file = corpusFile(index % corpus().length);
  const path = join(dir, file.name);
  writeFileSync(path, file.pages);
  return { path, bytes: file.pages };
}

function roundUp(bytes: number, unit: number): number {
  return Math.ceil(bytes / unit) * unit;
}

test("nbdinfo lists the export, its size, block sizes and base:allocation", () =>
  withServer({ size: 16 * MIB, name: "disk" }, async ({ server }) => {
    const info = JSON.parse(await mustRun("nbdinfo", ["--json", server.address]));
    const e = info.exports[0];
    expect(e["export-name"]).toBe("disk");
    expect(e["export-size"]).toBe(16 * MIB);
    expect(e["block_size_minimum"]).toBe(1);
    expect(e["block_size_preferred"]).toBe(4096);
    expect(e["block_size_maximum"]).toBe(32 * MIB);
    expect(e.contexts).toEqual(["base:allocation"]);
    for (
      const flag of [
        "can_multi_conn",
        "can_flush",
        "can_fua",
        "can_trim",
        "can_zero",
        "can_fast_zero",
        "can_cache",
        "can_df",
      ]
    ) {
      expect(e[flag], flag).toBeTrue();
    }
    const list = await mustRun("nbdinfo", ["--list", "--json", server.address]);
    expect(JSON.parse(list).exports.map((x: { "export-name": string }) => x["export-name"])).toEqual(["disk"]);
  }));

test("qemu-io: patterned writes, reads, discards and zeroing, aligned and not", () =>
  withServer({ size: 16 * MIB }, async ({ socket }) => {
    const commands = [
      "write -P 0x5a 0 1M",
      "write -P 0x11 4096 8192",
      "write -P 0x22 1000 3000",
      "write -P 0x33 70001 65535",
      // Sub-page writes to one page in flight together.
      "aio_write -P 0x44 2M 512",
      "aio_write -P 0x55 2097664 512",
      "aio_write -P 0x66 2098176 1024",
      "aio_flush",
      "read -P 0x5a 0 1000",
      "read -P 0x22 1000 3000",
      "read -P 0x11 4096 8192",
      "read -P 0x5a 12288 57713",
      "read -P 0x33 70001 65535",
      "read -P 0x5a 135536 913040",
      "read -P 0x44 2M 512",
      "read -P 0x55 2097664 512",
      "read -P 0x66 2098176 1024",
      "read -P 0 2099200 3072",
      "discard 256k 512k",
      "read -P 0 256k 512k",
      "write -z 5000 10000",
      "read -P 0 5000 10000",
      "read -P 0x11 4096 904",
      "read -P 0x5a 15000 1000",
      "write -z -u 8M 4M",
      "read -P 0 8M 4M",
    ];
    const out = await mustRun("qemu-io", ["-f", "raw", ...commands.flatMap((c) => ["-c", c]), uri(socket)]);
    expect(/fail|error/i.test(out), out).toBeFalse();
    const reads = commands.filter((c) => c.startsWith("read ")).length;
    expect(out.split("\n").filter((l) => l.startsWith("read ")).length).toBe(reads);
  }));

test("qemu-img convert of a corpus file in and back is byte-identical; qemu-img map shows the holes", () =>
  withServer({ size: 64 * MIB }, async ({ server, dir }) => {
    const { path, bytes } = corpusOnDisk(dir, 0);
    const size = 64 * MIB;
    if (bytes.length > size - 8 * MIB) {
      throw new Error(`corpus file of ${bytes.length} bytes is larger than the test device`);
    }
    await mustRun("qemu-img", ["convert", "-n", "-f", "raw", "-O", "raw", path, server.address], {
      timeoutMs: 120_000,
    });
    const back = join(dir, "back.img");
    await mustRun("qemu-img", ["convert", "-f", "raw", "-O", "raw", server.address, back], { timeoutMs: 120_000 });
    expect(statSync(back).size).toBe(size);
    const read = new Uint8Array(readFileSync(back));
    expect(read.subarray(0, bytes.length)).toEqualBytes(bytes);
    expect(read.subarray(bytes.length).every((b) => b === 0)).toBeTrue();

    const map = JSON.parse(await mustRun("qemu-img", ["map", "--output=json", "-f", "raw", server.address])) as {
      start: number;
      length: number;
      data: boolean;
      zero: boolean;
    }[];
    const tail = nth(map, map.length - 1, "extent");
    expect(tail.data).toBeFalse();
    expect(tail.zero).toBeTrue();
    expect(tail.start).toBeLessThanOrEqual(roundUp(bytes.length, 4096));
    expect(tail.start + tail.length).toBe(size);
    expect(map.some((m) => m.data && m.start === 0)).toBeTrue();
  }));

test("nbdcopy with 4 connections both ways is byte-identical", () =>
  withServer({ size: 64 * MIB }, async ({ server, dir }) => {
    const { path, bytes } = corpusOnDisk(dir, 1);
    const padded = join(dir, "padded.img");
    const image = new Uint8Array(roundUp(bytes.length, MIB));
    image.set(bytes);
    writeFileSync(padded, image);
    await mustRun("nbdcopy", ["--connections=4", "--requests=16", padded, server.address], { timeoutMs: 120_000 });
    const back = join(dir, "back.img");
    await mustRun("nbdcopy", ["--connections=4", "--requests=16", server.address, back], { timeoutMs: 120_000 });
    const read = new Uint8Array(readFileSync(back));
    expect(read.length).toBe(64 * MIB);
    expect(read.subarray(0, image.length)).toEqualBytes(image);
    expect(read.subarray(image.length).every((b) => b === 0)).toBeTrue();
    expect(path.length).toBeGreaterThan(0);
  }));

test("fio --ioengine=nbd verifies crc32c on random 4 KiB and sequential 1 MiB jobs", () =>
  withServer({ size: 64 * MIB }, async ({ socket }) => {
    const common = [
      "--ioengine=nbd",
      `--uri=${uri(socket)}`,
      "--verify=crc32c",
      "--do_verify=1",
      "--verify_fatal=1",
      "--verify_state_save=0",
      "--output-format=json",
    ];
    /** fio prints a line of its own before the JSON report. */
    const json = (out: string) => JSON.parse(out.slice(out.indexOf("{")));
    const jobs = [
      ["--name=rand4k", "--rw=randwrite", "--bs=4k", "--iodepth=16", "--size=16M"],
      ["--name=seq1m", "--rw=write", "--bs=1M", "--iodepth=4", "--size=48M", "--offset=16M"],
    ];
    for (const job of jobs) {
      const report = json(await mustRun("fio", [...common, ...job], { timeoutMs: 120_000 }));
      const j = report.jobs[0];
      expect(j.error, job[0]).toBe(0);
      expect(j.write.io_bytes, job[0]).toBeGreaterThan(0);
      expect(j.read.io_bytes, `${job[0]} verified by reading back`).toBe(j.write.io_bytes);
    }
  }));
