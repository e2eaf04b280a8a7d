// `trueno-zram serve` as a user runs it (under the runtime running this test), read from another
// process with `stat --socket` and `zramctl --socket`, stopped with SIGTERM.
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { expect, runtime, test } from "./harness.ts";
import { RUNTIMES } from "./cli-helpers.ts";
import { mustRun, run } from "./nbd/exec.ts";
import { withTempDir } from "./nbd/fixture.ts";
import { randomBytes } from "./pages.ts";

const [program, ...programArgs] = RUNTIMES[runtime];

function hasLine(text: string, pattern: RegExp): boolean {
  return text.split("\n").some((line) => pattern.test(line));
}

function cli(args: string[]) {
  return run(program, [...programArgs, ...args], { timeoutMs: 60_000 });
}

/** Starts `serve`; resolves with its first "serving" line, its stderr so far, and a stop() that SIGTERMs it. */
function serve(args: string[]) {
  const child = spawn(program, [...programArgs, "serve", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      stdout += d;
      const match = /serving (\S+)\n/.exec(stdout);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`serve did not start: ${stdout} ${stderr}`)), 30_000);
  });
  return {
    ready,
    stderr: () => stderr,
    stop: async () => {
      // Not child.kill(): Deno then reports the exit as "killed by SIGTERM" whatever the status was.
      process.kill(child.pid!, "SIGTERM");
      return await exited;
    },
  };
}

test("cli serve: a Unix socket owner-only, stat and zramctl --socket from another process, SIGTERM", () =>
  withTempDir(async (dir) => {
    const socket = join(dir, "z.sock");
    const server = serve(["--size", "32M", "--algorithm", "zstd:3", "--socket", socket, "--name", "disk"]);
    try {
      const address = await server.ready;
      expect(address).toBe(`nbd+unix:///disk?socket=${socket}`);
      expect(statSync(socket).mode & 0o777).toBe(0o600);
      expect(statSync(`${socket}.ctl`).mode & 0o777).toBe(0o600);
      await mustRun("qemu-io", ["-f", "raw", "-c", "write -P 0x61 0 1M", "-c", "write -z 1M 1M", address]);

      const stat = await cli(["stat", "--socket", socket]);
      expect(stat.code, stat.stderr).toBe(0);
      expect(hasLine(stat.stdout, /^mm_stat: +2097152 +\d+ +\d+ +0 +\d+ +512 /), stat.stdout).toBeTrue();
      expect(hasLine(stat.stdout, /^io_stat: +0 +0 0 +0$/), stat.stdout).toBeTrue();
      expect(hasLine(stat.stdout, /^disk +zstd-3 +32M +2M /), stat.stdout).toBeTrue();
      const json = JSON.parse((await cli(["stat", "--socket", `${socket}.ctl`, "--json"])).stdout);
      expect(json.exports[0].name).toBe("disk");
      expect(json.exports[0].mmStat.origDataSize).toBe(2 << 20);
      expect(json.exports[0].mmStat.samePages).toBe(512);
      const zramctl = await cli(["zramctl", "--socket", socket]);
      expect(zramctl.stdout.split("\n")[0]).toBe("NAME ALGORITHM DISKSIZE DATA COMPR TOTAL STREAMS MOUNTPOINT");
      const rows = JSON.parse((await cli(["zramctl", "--socket", socket, "--json"])).stdout);
      expect(rows[0].disksize).toBe(32 << 20);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(hasLine(server.stderr(), /SIGTERM: finishing requests in flight and closing/), server.stderr()).toBeTrue();
    expect(existsSync(socket)).toBeFalse();
    expect(existsSync(`${socket}.ctl`)).toBeFalse();
  }));

test("cli serve: TCP on loopback, a warning beyond it, and usage errors", () =>
  withTempDir(async (dir) => {
    const local = serve(["--size", "8M", "--listen", "127.0.0.1:0", "--control", join(dir, "c.ctl")]);
    try {
      const address = await local.ready;
      expect(/^nbd:\/\/127\.0\.0\.1:[0-9]+\/trueno-zram$/.test(address), address).toBeTrue();
      const info = JSON.parse(await mustRun("nbdinfo", ["--json", address]));
      expect(info.exports[0]["export-size"]).toBe(8 << 20);
      const stat = await cli(["stat", "--socket", join(dir, "c.ctl")]);
      expect(hasLine(stat.stdout, new RegExp(`^address: ${address.replace(/[/.]/g, "\\$&")}$`)), stat.stdout)
        .toBeTrue();
    } finally {
      expect(await local.stop()).toBe(0);
    }
    expect(local.stderr().includes("warning")).toBeFalse();

    const open = serve(["--size", "8M", "--listen", "0.0.0.0:0"]);
    try {
      await open.ready;
      expect(hasLine(open.stderr(), /warning: serving plain TCP on 0\.0\.0\.0/), open.stderr()).toBeTrue();
    } finally {
      await open.stop();
    }

    const usageErrors = [
      ["serve"],
      ["serve", "--size", "8M", "--socket", "a", "--listen", ":1"],
      ["serve", "--size", "x"],
      ["serve", "--size", "8M", "--tls", "require"],
      ["serve", "--size", "8M", "--tls-cert", "c.pem"],
      ["serve", "--size", "8M", "--max-connections", "0"],
      ["stat"],
    ];
    for (const args of usageErrors) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
    }
    const missing = await cli(["stat", "--socket", join(dir, "nothing.sock")]);
    expect(missing.code).toBe(1);
  }));

test("cli serve: --backing-file with --writeback-idle pushes cold pages to the file; they read back intact", () =>
  withTempDir(async (dir) => {
    const socket = join(dir, "w.sock");
    const backing = join(dir, "backing");
    writeFileSync(backing, new Uint8Array(4 << 20));
    const server = serve(["--size", "8M", "--socket", socket, "--backing-file", backing, "--writeback-idle", "1"]);
    try {
      const address = await server.ready;
      // Not same-filled pages: those are never idle, and never written back.
      const data = randomBytes(256 << 10, 5);
      writeFileSync(join(dir, "data"), data);
      await mustRun("qemu-io", ["-f", "raw", "-c", `write -s ${join(dir, "data")} 0 256k`, address]);
      let blocksUsed = 0;
      for (let tries = 0; tries < 100 && blocksUsed < 64; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        blocksUsed =
          JSON.parse((await cli(["stat", "--socket", socket, "--json"])).stdout).exports[0].backingStats.blocksUsed;
      }
      expect(blocksUsed).toBe(64);
      await mustRun("nbdcopy", [address, join(dir, "out")]);
      expect(new Uint8Array(readFileSync(join(dir, "out"))).subarray(0, data.length)).toEqualBytes(data);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect((await cli(["serve", "--size", "8M", "--writeback-idle", "5"])).code).toBe(2);
  }));
