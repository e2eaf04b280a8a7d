// The library built without and with nvcc: both export every tz_gpu_* symbol and load; only the build
// with nvcc embeds the kernels (tz_gpu_built() = 1), and without a GPU both refuse a GpuBatchCompressor
// with GpuNotAvailable. The nvcc build is skipped, with a message, where no nvcc is found.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";
import { expect, repoRoot, runtime, test } from "./harness.ts";

const GPU_SYMBOLS = [
  "tz_gpu_available",
  "tz_gpu_built",
  "tz_gpu_device_count",
  "tz_gpu_device_info",
  "tz_gpu_context_new",
  "tz_gpu_context_free",
  "tz_gpu_compress_batch",
  "tz_gpu_decompress_batch",
  "tz_gpu_codec_compress_page_host",
];

/** Where build/cuda.zig looks for nvcc (PATH, the setup-cuda.sh install, /usr/local/cuda). */
function nvccFound(): boolean {
  const dirs = [
    ...(process.env.PATH ?? "").split(":"),
    `${repoRoot}.cache/cuda/nvidia/cu13/bin`,
    "/usr/local/cuda/bin",
  ];
  return dirs.some((d) => d !== "" && existsSync(`${d}/nvcc`));
}

function build(cuda: "on" | "off"): string {
  const prefix = `${repoRoot}.cache/gpu-build/${cuda}`;
  execFileSync(`${repoRoot}scripts/zig`, ["build", "-Doptimize=ReleaseFast", `-Dcuda=${cuda}`, "--prefix", prefix], {
    cwd: repoRoot,
    stdio: ["ignore", "ignore", "inherit"],
  });
  return `${prefix}/lib/libtrueno_zram.so`;
}

/** What the library at `path` says about its GPU side, asked from a fresh process of this runtime. */
function probe(path: string): { built: number; error: string } {
  const script = `
    import { gpuBuilt, GpuBatchCompressor } from "${repoRoot}mod.ts";
    let error = "none";
    try { new GpuBatchCompressor({ batchSize: 8 }).close(); } catch (e) { error = e.code; }
    console.log(JSON.stringify({ built: gpuBuilt() ? 1 : 0, error }));`;
  const args = runtime === "bun" ? ["-e", script] : ["eval", script];
  const out = execFileSync(process.execPath, args, { env: { ...process.env, TRUENO_ZRAM_LIB: path } });
  return JSON.parse(new TextDecoder().decode(out).trim().split("\n").pop()!);
}

function symbols(path: string): { exported: string; all: string } {
  const nm = (args: string[]) => new TextDecoder().decode(execFileSync("nm", [...args, path]));
  return { exported: nm(["-D", "--defined-only"]), all: nm([]) };
}

test("gpu build: -Dcuda=off exports the whole GPU ABI without kernels", () => {
  const lib = build("off");
  const { exported, all } = symbols(lib);
  for (const name of GPU_SYMBOLS) expect(exported.includes(` ${name}\n`), name).toBe(true);
  expect(all.includes("tz_cuda_fatbin"), "no fatbin").toBe(false);
  const answer = probe(lib);
  expect(answer.built).toBe(0);
  expect(answer.error).toBe("GpuNotAvailable");
});

test("gpu build: -Dcuda=on embeds the kernels' fatbin without exporting it", () => {
  if (!nvccFound()) {
    console.log("gpu build with nvcc: skipped, no nvcc found (bash scripts/setup-cuda.sh installs one)");
    return;
  }
  const lib = build("on");
  const { exported, all } = symbols(lib);
  for (const name of GPU_SYMBOLS) expect(exported.includes(` ${name}\n`), name).toBe(true);
  expect(all.includes("tz_cuda_fatbin"), "fatbin embedded").toBe(true);
  expect(exported.includes("tz_cuda_fatbin"), "fatbin not exported").toBe(false);
  const answer = probe(lib);
  expect(answer.built).toBe(1);
  // With a usable GPU the compressor opens; without one it is refused with GpuNotAvailable.
  if (answer.error !== "none") expect(answer.error).toBe("GpuNotAvailable");
});
