// TLS through NBD_OPT_STARTTLS with certificates made by openssl, driven by libnbd's nbds:// URIs.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Algorithm, BlockDevice, CompressorBuilder, type NbdServer, serveNbd, type ServeNbdOptions } from "../mod.ts";
import { Opt, Rep } from "../lib/nbd/constants.ts";
import { expect, nth, test } from "./harness.ts";
import { type Certs, makeCerts } from "./nbd/certs.ts";
import { mustRun, run } from "./nbd/exec.ts";
import { withTempDir } from "./nbd/fixture.ts";
import { infoData, RawClient } from "./nbd/raw_client.ts";
import { randomBytes } from "./pages.ts";

async function withTlsServer(
  options: (certs: Certs, dir: string) => ServeNbdOptions,
  fn: (s: NbdServer, certs: Certs, dir: string) => Promise<void>,
) {
  await withTempDir(async (dir) => {
    mkdirSync(join(dir, "certs"));
    const certs = await makeCerts(join(dir, "certs"));
    const compressor = new CompressorBuilder().algorithm(Algorithm.Lz4).threads(2).build();
    const server = await serveNbd(new BlockDevice(8 << 20, compressor), options(certs, dir));
    try {
      await fn(server, certs, dir);
    } finally {
      await server.close();
      compressor.close();
    }
  });
}

test("nbd tls require: nbds:// clients read and write; plain clients and options are refused", () =>
  withTlsServer(
    (certs, dir) => ({ socket: join(dir, "s.sock"), tls: { ...certs, require: true } }),
    async (server, certs, dir) => {
      const socket = server.socketPath!;
      const secure = `nbds+unix:///?socket=${socket}&tls-certificates=${certs.dir}`;
      const info = JSON.parse(await mustRun("nbdinfo", ["--json", secure]));
      expect(info.exports[0]["export-size"]).toBe(8 << 20);
      const data = join(dir, "data.img");
      const back = join(dir, "back.img");
      const bytes = randomBytes(8 << 20, 4);
      writeFileSync(data, bytes);
      await mustRun("nbdcopy", ["--connections=2", data, secure]);
      await mustRun("nbdcopy", [secure, back]);
      expect(new Uint8Array(readFileSync(back))).toEqualBytes(bytes);

      const plain = await run("nbdinfo", [`nbd+unix:///?socket=${socket}`]);
      expect(plain.code === 0, plain.stdout).toBeFalse();
      const c = await RawClient.connect(socket);
      try {
        await c.greet();
        expect(nth(await c.optionReplies(Opt.List), 0, "reply").type).toBe(Rep.ErrTlsReqd);
        expect(nth(await c.optionReplies(Opt.Go, infoData("")), 0, "reply").type).toBe(Rep.ErrTlsReqd);
        expect(nth(await c.optionReplies(Opt.StartTls, new Uint8Array(1)), 0, "reply").type).toBe(Rep.ErrInvalid);
        c.sendOption(Opt.ExportName);
        await c.closed();
      } finally {
        c.close();
      }
    },
  ));

test("nbd tls optional over TCP: nbds://localhost and plain nbd:// both work", () =>
  withTlsServer((certs) => ({ listen: "127.0.0.1:0", tls: certs }), async (server, certs) => {
    const secure = `nbds://localhost:${server.port}/?tls-certificates=${certs.dir}`;
    const plain = `nbd://127.0.0.1:${server.port}/`;
    expect(JSON.parse(await mustRun("nbdinfo", ["--json", secure])).exports[0]["export-size"]).toBe(8 << 20);
    expect(JSON.parse(await mustRun("nbdinfo", ["--json", plain])).exports[0]["export-size"]).toBe(8 << 20);
    // A certificate the client does not trust fails the TLS handshake, not the server.
    const wrongCa = join(certs.dir, "..", "other");
    mkdirSync(wrongCa);
    await makeCerts(wrongCa);
    const untrusted = await run("nbdinfo", [`nbds://localhost:${server.port}/?tls-certificates=${wrongCa}`]);
    expect(untrusted.code === 0).toBeFalse();
    expect(JSON.parse(await mustRun("nbdinfo", ["--json", secure])).exports[0]["export-size"]).toBe(8 << 20);
  }));
