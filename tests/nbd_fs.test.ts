// A real filesystem on the export: nbdfuse shows it as a file, a loop device attaches that file,
// mkfs.ext4 formats it, a tree is copied in, fsck finds it clean, and a remount reads every file back.
// Skips with a message where FUSE, loop devices or root are missing or mounting them is not permitted;
// always unmounts and detaches.
// Everything that touches the mount is asynchronous: the server answering it runs in this process.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cp, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import process from "node:process";
import { corpusFile, expect, repoRoot, test } from "./harness.ts";
import { mustRun, run, start, waitFor } from "./nbd/exec.ts";
import { uri, withServer } from "./nbd/fixture.ts";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? filesUnder(path) : [path];
  });
}

/** What a FUSE mount or a loop device says when this machine does not allow it (a container). */
const NOT_ALLOWED =
  /^fuse: |\/dev\/fuse|fusermount|mount failed|not permitted|permission denied|no free loop|unused loop/im;

function missing(): string | null {
  if (process.getuid?.() !== 0) return "not root";
  for (const path of ["/dev/fuse", "/dev/loop-control"]) if (!existsSync(path)) return `${path} is missing`;
  return null;
}

test("filesystem: ext4 over nbdfuse + a loop device survives fsck and a remount", async () => {
  const why = missing();
  if (why !== null) {
    console.log(`SKIP filesystem test: ${why}`);
    return;
  }
  await withServer({ size: 128 << 20 }, async ({ socket, dir, device }) => {
    const fuseDir = join(dir, "fuse");
    const image = join(fuseDir, "disk");
    const mnt = join(dir, "mnt");
    const tree = join(dir, "tree");
    mkdirSync(fuseDir);
    mkdirSync(mnt);
    cpSync(join(repoRoot, "lib"), join(tree, "lib"), { recursive: true });
    writeFileSync(join(tree, "corpus.pages"), corpusFile(0).pages.subarray(0, 8 << 20));
    const pidFile = join(dir, "nbdfuse.pid");
    const fuse = start("nbdfuse", ["-P", pidFile, image, uri(socket)]);
    let loop: string | null = null;
    let mounted = false;
    try {
      await waitFor("nbdfuse", () => (existsSync(pidFile) && existsSync(image)) || fuse.child.exitCode !== null);
      if (fuse.child.exitCode !== null) {
        if (!NOT_ALLOWED.test(fuse.stderr())) throw new Error(`nbdfuse exited: ${fuse.stderr()}`);
        console.log(`SKIP filesystem test: no FUSE mount here: ${fuse.stderr().trim()}`);
        return;
      }
      const attached = await run("losetup", ["--find", "--show", image]);
      if (attached.code !== 0) {
        if (!NOT_ALLOWED.test(attached.stderr)) throw new Error(`losetup failed: ${attached.stderr}`);
        console.log(`SKIP filesystem test: no loop device here: ${attached.stderr.trim()}`);
        return;
      }
      loop = attached.stdout.trim();
      await mustRun("mkfs.ext4", ["-q", "-F", "-E", "nodiscard", loop], { timeoutMs: 120_000 });
      await mustRun("mount", [loop, mnt]);
      mounted = true;
      await cp(tree, join(mnt, "tree"), { recursive: true });
      await mustRun("umount", [mnt]);
      mounted = false;
      // A fresh loop device, so that what follows reads the export rather than the old one's cache.
      await mustRun("losetup", ["--detach", loop]);
      loop = null;
      loop = (await mustRun("losetup", ["--find", "--show", image])).trim();
      expect(device.stats().origDataSize, "the copied tree is stored in the device").toBeGreaterThan(8 << 20);
      const fsck = await run("fsck.ext4", ["-fn", loop], { timeoutMs: 120_000 });
      expect(fsck.code, fsck.stdout + fsck.stderr).toBe(0);
      await mustRun("mount", ["-o", "ro", loop, mnt]);
      mounted = true;
      const files = filesUnder(tree);
      expect(files.length).toBeGreaterThan(20);
      for (const file of files) {
        const copy = join(mnt, "tree", relative(tree, file));
        expect(new Uint8Array(await readFile(copy)), copy).toEqualBytes(new Uint8Array(readFileSync(file)));
      }
    } finally {
      if (mounted) await run("umount", [mnt]);
      if (loop !== null) await run("losetup", ["--detach", loop]);
      await run("fusermount3", ["-u", fuseDir]);
      await new Promise<void>((resolve) => {
        if (fuse.child.exitCode !== null) return resolve();
        const timer = setTimeout(() => fuse.child.kill("SIGKILL"), 5000);
        fuse.child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  });
});
