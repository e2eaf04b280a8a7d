// The block-device examples run, unchanged, under both runtimes and print what they promise.
import { execFileSync } from "node:child_process";
import { expect, repoRoot, test } from "./harness.ts";

const RUNTIMES: [string, string[]][] = [
  ["bun", [`${repoRoot}node_modules/.bin/bun`]],
  ["deno", [`${repoRoot}node_modules/.bin/deno`, "run", "-A"]],
];

const EXAMPLES: [string, RegExp[]][] = [
  ["block_device", [/read back 3 MiB: identical/, /discarded 1 MiB: reads as zeros/, /pages stored\s+512/, /gpu 0/]],
  ["compression_stats", [
    /disksize <- 128M on a live device: EBUSY/,
    /same_pages\s+512/,
    /huge_pages\s+256/,
    /io_stat:\s+0\s+0 0\s+0/,
    /\/dev\/zram0 lz4\s+64M\s+4M/,
    /after reset, initstate 0/,
  ]],
  ["entropy_routing", [/zeros\s+0\.000\s+same-fill/, /random\s+7\.\d+\s+raw \(entropy, not compressed\)/, /text\s+3\.\d+\s+(simd|scalar) codec/]],
];

for (const [example, expected] of EXAMPLES) {
  for (const [runtime, command] of RUNTIMES) {
    test(`examples/${example}.ts runs under ${runtime}`, () => {
      const output = execFileSync(command[0], [...command.slice(1), `${repoRoot}examples/${example}.ts`], {
        cwd: repoRoot,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      for (const pattern of expected) expect(pattern.test(output), `${pattern} in:\n${output}`).toBeTrue();
    });
  }
}
