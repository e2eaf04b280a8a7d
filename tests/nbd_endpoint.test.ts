// Where the server listens: a stale socket file is replaced, a live one or any other file is refused,
// and the socket's mode is what was asked.
import { execFileSync } from "node:child_process";
import { statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Algorithm, BlockDevice, CompressorBuilder, serveNbd } from "../mod.ts";
import { expect, test } from "./harness.ts";
import { mustRun } from "./nbd/exec.ts";
import { withTempDir } from "./nbd/fixture.ts";

test("nbd endpoint: stale sockets are replaced, live ones and other files refused, modes applied", () =>
  withTempDir(async (dir) => {
    const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(1).build();
    const device = new BlockDevice(1 << 20, compressor);
    try {
      const stale = join(dir, "stale.sock");
      // A socket file whose server is gone (bound by another process that exits without removing it).
      execFileSync("python3", ["-c", `import socket; socket.socket(socket.AF_UNIX).bind(${JSON.stringify(stale)})`]);
      const first = await serveNbd(device, { socket: stale, socketMode: 0o660 });
      try {
        expect(statSync(stale).mode & 0o777).toBe(0o660);
        await mustRun("nbdinfo", ["--size", first.address]);
        await expect(serveNbd(device, { socket: stale, control: false })).toReject("InvalidInput");
      } finally {
        await first.close();
      }
      const file = join(dir, "file");
      writeFileSync(file, "not a socket");
      await expect(serveNbd(device, { socket: file })).toReject("InvalidInput");
      await expect(serveNbd(device, { socket: join(dir, "a"), listen: ":0" })).toReject("InvalidInput");
      await expect(serveNbd(device, { listen: "nowhere" })).toReject("InvalidInput");
      await expect(serveNbd([], {})).toReject("InvalidInput");
      await expect(serveNbd([{ name: "a", device }, { name: "a", device }], {})).toReject("InvalidInput");
    } finally {
      compressor.close();
    }
  }));
