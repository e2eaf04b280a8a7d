// top: the live view drawn in a real terminal (tmux: send-keys, capture-pane) against a fake control
// socket served by this test, plain lines and JSON when stdout is not a terminal, and clear errors.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join } from "node:path";
import process from "node:process";
import { expect, nth, repoRoot, runtime, test } from "./harness.ts";
import { runCli, runCliAsync, RUNTIMES } from "./cli-helpers.ts";

const dir = join(repoRoot, ".cache", "cli-test", `top-${runtime}`);
mkdirSync(dir, { recursive: true });

interface FakeDevice {
  orig: number;
  compr: number;
  memUsed: number;
  same: number;
  huge: number;
  readSectors: number;
  writeSectors: number;
  /** Sectors added after each answer: a device being written and read at a steady pace. */
  readStep?: number;
  writeStep?: number;
}

const pad = (n: number) => String(n).padStart(8);

function attributes(d: FakeDevice) {
  return {
    mm_stat: [d.orig, d.compr, d.memUsed, 0, d.memUsed, d.same, 0, d.huge, d.huge].map(pad).join(" ") + "\n",
    io_stat: `${pad(0)} ${pad(0)} 0 ${pad(0)}\n`,
    stat: [1, 0, d.readSectors, 0, 1, 0, d.writeSectors, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0].map(pad).join(" ") + "\n",
  };
}

/**
 * A control socket like serve's (lib/cli/top-socket.ts): each connection gets one JSON document with
 * `device` as export "disk" (with or without its block-layer stat), or `answer` verbatim, then EOF.
 */
function fakeControlSocket(
  path: string,
  device: FakeDevice,
  options: { withStat?: boolean; answer?: string } = {},
): Promise<net.Server> {
  rmSync(path, { force: true });
  const server = net.createServer((socket) => {
    socket.on("error", () => {});
    const { stat, ...noStat } = attributes(device);
    const exported = {
      name: "disk",
      size: 1 << 30,
      algorithm: "lz4",
      ...(options.withStat === false ? noStat : { ...noStat, stat }),
    };
    socket.end(options.answer ?? JSON.stringify({ address: "unix:x", connections: 0, exports: [exported] }) + "\n");
    device.readSectors += device.readStep ?? 0;
    device.writeSectors += device.writeStep ?? 0;
  });
  return new Promise((resolve) => server.listen(path, () => resolve(server)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tmux(server: string, ...args: string[]): string {
  const r = spawnSync("tmux", ["-L", server, ...args], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`tmux ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

/** Polls the pane until `check` holds on its text (or fails after a while, showing the pane). */
async function waitForPane(server: string, what: string, check: (pane: string) => boolean): Promise<string> {
  let pane = "";
  for (let i = 0; i < 300; i++) {
    pane = tmux(server, "capture-pane", "-p", "-t", "top");
    if (check(pane)) return pane;
    await sleep(100);
  }
  throw new Error(`waited for ${what}; the pane shows:\n${pane}`);
}

test(`top (${runtime}): under tmux the view refreshes in place from the control socket and quits on q`, async () => {
  const sock = join(dir, "nbd.sock.ctl");
  const device: FakeDevice = {
    orig: 65536,
    compr: 20000,
    memUsed: 32768,
    same: 3,
    huge: 1,
    readSectors: 0,
    writeSectors: 0,
  };
  const server = await fakeControlSocket(sock, device);
  const tmuxServer = `trueno-top-${runtime}-${process.pid}`;
  const cli = RUNTIMES[runtime].map((a) => `'${a}'`).join(" ");
  try {
    tmux(
      tmuxServer,
      "new-session",
      "-d",
      "-s",
      "top",
      "-x",
      "100",
      "-y",
      "20",
      `${cli} top --socket '${join(dir, "nbd.sock")}' --export disk --interval 0.2; echo top-exited-$?; sleep 60`,
    );
    let pane = await waitForPane(tmuxServer, "the first view", (p) => p.includes("ratio") && p.includes("3.28"));
    expect(pane.includes(`trueno-zram top: ${sock} export "disk"`), pane).toBeTrue();
    expect(/same pages\s+3\s+huge pages\s+1/.test(pane), pane).toBeTrue();

    // The device starts being written and read (100 and 10 pages per refresh): the rates become
    // positive, and a new ratio replaces the old one in place.
    device.writeStep = 800;
    device.readStep = 80;
    device.orig = 40000;
    pane = await waitForPane(
      tmuxServer,
      "the new ratio and rates",
      (p) => p.includes("2.00") && !/pages in\/s\s+(-|0\.0)\s/.test(p),
    );
    expect(pane.match(/ratio/g)?.length, pane).toBe(1);
    const rates = /pages in\/s\s+([0-9.]+)\s+pages out\/s\s+([0-9.]+)/.exec(pane);
    expect(Number(rates?.[1]) > 0 && Number(rates?.[2]) > 0, pane).toBeTrue();
    // 10 times as many pages are written as read (the view rounds each rate to 0.1).
    expect(Number(rates?.[1]) / Number(rates?.[2])).toBeCloseTo(10, 0.05);

    tmux(tmuxServer, "send-keys", "-t", "top", "q");
    pane = await waitForPane(tmuxServer, "top to exit", (p) => p.includes("top-exited-"));
    expect(pane.includes("top-exited-0"), pane).toBeTrue();
    // Leaving the alternate screen restores the shell's screen: the view is gone.
    expect(pane.includes("pages in/s"), pane).toBeFalse();
  } finally {
    spawnSync("tmux", ["-L", tmuxServer, "kill-server"]);
    server.close();
  }
});

test(`top (${runtime}): without a terminal, one plain line or JSON object per refresh`, () => {
  const sysfs = join(dir, "sysfs");
  mkdirSync(sysfs, { recursive: true });
  const files = attributes({
    orig: 8192,
    compr: 4096,
    memUsed: 4096,
    same: 2,
    huge: 0,
    readSectors: 16,
    writeSectors: 32,
  });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(sysfs, name), text);
  const plain = runCli(runtime, ["top", "--sysfs", sysfs, "--count", "2", "--interval", "0.1"]);
  expect(plain.status, plain.stderr).toBe(0);
  const lines = plain.stdout.trim().split("\n");
  expect(lines.length).toBe(2);
  expect(
    /^\d\d:\d\d:\d\d pages_in\/s=- pages_out\/s=- ratio=2.00 mem_used=4096 orig_data=8192 compr_data=4096 same=2 huge=0$/
      .test(nth(lines, 0, "line")),
    nth(lines, 0, "line"),
  ).toBeTrue();
  expect(nth(lines, 1, "line").includes(" pages_in/s=0.0 pages_out/s=0.0 "), nth(lines, 1, "line")).toBeTrue();
  const json = runCli(runtime, ["top", "--sysfs", sysfs, "--count", "1", "--json"]);
  expect(json.status, json.stderr).toBe(0);
  const { time: _time, ...row } = JSON.parse(json.stdout);
  expect(row).toEqual({
    pagesInPerSec: null,
    pagesOutPerSec: null,
    ratio: 2,
    origDataSize: 8192,
    comprDataSize: 4096,
    memUsedTotal: 4096,
    memUsedMax: 4096,
    samePages: 2,
    hugePages: 0,
    failedReads: 0,
    failedWrites: 0,
    notifyFree: 0,
  });
});

test(`top (${runtime}): a server without block-layer stat shows unknown rates; bad answers and options are clear`, async () => {
  const missing = runCli(runtime, ["top", "--socket", join(dir, "missing.sock"), "--count", "1"]);
  expect(missing.status).toBe(1);
  expect(missing.stderr).toBe(
    `trueno-zram: ControlSocketError: control socket ${join(dir, "missing.sock.ctl")}: ENOENT\n`,
  );

  const device: FakeDevice = {
    orig: 8192,
    compr: 4096,
    memUsed: 4096,
    same: 0,
    huge: 0,
    readSectors: 0,
    writeSectors: 0,
  };
  const sock = join(dir, "other.ctl");
  const cases: [{ withStat?: boolean; answer?: string }, string[], string][] = [
    [{ withStat: false }, [], ""],
    [{}, ["--export", "nope"], `no export "nope" (exports: "disk")`],
    [{ answer: '{"exports": []}' }, [], "the server exports nothing"],
    [{ answer: "not json" }, [], "the answer is not a JSON document: 'not json'"],
  ];
  for (const [options, extra, message] of cases) {
    const server = await fakeControlSocket(sock, device, options);
    try {
      const r = await runCliAsync(runtime, ["top", "--socket", sock, "--count", "2", "--interval", "0.1", ...extra]);
      if (message === "") {
        expect(r.status, r.stderr).toBe(0);
        const lines = r.stdout.trim().split("\n");
        expect(lines.length).toBe(2);
        expect(nth(lines, 1, "line").includes(" pages_in/s=- pages_out/s=- ratio=2.00 "), nth(lines, 1, "line"))
          .toBeTrue();
      } else {
        expect(r.status, message).toBe(1);
        expect(r.stderr, message).toBe(`trueno-zram: ControlSocketError: control socket ${sock}: ${message}\n`);
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }
  for (
    const [args, message] of [
      [["top"], "give either --socket PATH or --sysfs DIR"],
      [["top", "--sysfs", "x", "--export", "a"], "--export applies to --socket only"],
      [["top", "--sysfs", "x", "--interval", "0.01"], "--interval '0.01': seconds from 0.1 to 3600"],
      [["top", "--sysfs", "x", "--count", "0"], "option '--count' must be between 1"],
    ] as [string[], string][]
  ) {
    const r = runCli(runtime, args);
    expect(r.status, args.join(" ")).toBe(2);
    expect(r.stderr.includes(message), r.stderr).toBeTrue();
  }
});
