//! The optional CUDA part of the build, called by build.zig through `configure`.
//!   -Dcuda=auto  (default) build the kernels when nvcc is found: -Dnvcc=PATH, then PATH, then the
//!                project-local install of scripts/setup-cuda.sh (.cache/cuda), then /usr/local/cuda
//!   -Dcuda=on    require nvcc (the build fails without it)
//!   -Dcuda=off   never build kernels; the GPU entry points return TZ_E_UNSUPPORTED
//! With nvcc, csrc/cuda/page_kernels.cu becomes one fatbin (cubins for sm_75, sm_80, sm_90 and PTX for
//! compute_90, which the driver compiles for newer GPUs), embedded in the library as a C array; the
//! library then defines TZ_HAVE_CUDA_IMAGE. CUDA 13 (what PyPI ships with an nvcc) starts at sm_75.
//! Also adds the host-side test of the shared per-page codec step to `zig build test` (and
//! `zig build test-gpu-codec`); it needs no GPU and no nvcc.
const std = @import("std");

pub const Mode = enum { auto, on, off };

const kernel_source = "csrc/cuda/page_kernels.cu";
/// Headers page_kernels.cu includes: a change to one rebuilds the fatbin.
const kernel_headers = [_][]const u8{
    "csrc/gpu/lz4_page_step.h",
    "csrc/gpu/kernel_abi.h",
    "csrc/include/trueno_zram.h",
};
const gencode = [_][]const u8{
    "-gencode=arch=compute_75,code=sm_75",
    "-gencode=arch=compute_80,code=sm_80",
    "-gencode=arch=compute_90,code=sm_90",
    "-gencode=arch=compute_90,code=compute_90",
};

pub fn configure(
    b: *std.Build,
    module: *std.Build.Module,
    target: std.Build.ResolvedTarget,
    optimize: std.builtin.OptimizeMode,
) void {
    const mode = b.option(Mode, "cuda", "Build the CUDA kernels: auto (when nvcc is found), on, off") orelse .auto;
    const nvcc_option = b.option([]const u8, "nvcc", "Path of nvcc (default: searched)");

    addCodecStepTest(b, target, optimize);

    if (mode == .off) return;
    const nvcc = findNvcc(b, nvcc_option) orelse {
        if (mode == .on) {
            const fail = b.addFail("-Dcuda=on but nvcc was not found: run `bash scripts/setup-cuda.sh` or pass -Dnvcc=PATH");
            b.getInstallStep().dependOn(&fail.step);
        }
        return;
    };

    const compile = b.addSystemCommand(&.{ nvcc, "-fatbin", "-O3", "-std=c++17", "-Werror=all-warnings" });
    compile.addArgs(&gencode);
    compile.addFileArg(b.path(kernel_source));
    for (kernel_headers) |header| compile.addFileInput(b.path(header));
    compile.addArg("-o");
    const fatbin = compile.addOutputFileArg("page_kernels.fatbin");

    const embed_tool = b.addExecutable(.{
        .name = "embed_bytes",
        .root_module = b.createModule(.{
            .root_source_file = b.path("build/embed_bytes.zig"),
            .target = b.graph.host,
            .optimize = .ReleaseSafe,
        }),
    });
    const embed = b.addRunArtifact(embed_tool);
    embed.addFileArg(fatbin);
    const image_c = embed.addOutputFileArg("cuda_fatbin.c");
    embed.addArg("tz_cuda_fatbin");

    module.addCSourceFile(.{ .file = image_c, .flags = &.{ "-std=c11", "-fvisibility=hidden" } });
    module.addCMacro("TZ_HAVE_CUDA_IMAGE", "1");
}

fn findNvcc(b: *std.Build, explicit: ?[]const u8) ?[]const u8 {
    if (explicit) |path| return path;
    const local = b.pathFromRoot(".cache/cuda/nvidia/cu13/bin");
    return b.findProgram(&.{"nvcc"}, &.{ local, "/usr/local/cuda/bin" }) catch null;
}

/// tests/gpu_native/gpu_codec_test.c: the shared LZ4 page step compiled for the CPU against liblz4, on
/// synthetic pages and every corpus page (../shared/corpus, read through libzstd).
fn addCodecStepTest(b: *std.Build, target: std.Build.ResolvedTarget, optimize: std.builtin.OptimizeMode) void {
    const test_module = b.createModule(.{ .target = target, .optimize = optimize, .link_libc = true });
    test_module.addCSourceFile(.{
        .file = b.path("tests/gpu_native/gpu_codec_test.c"),
        .flags = &.{ "-std=c11", "-Wall", "-Wextra", "-Werror" },
    });
    test_module.linkSystemLibrary("lz4", .{});
    test_module.linkSystemLibrary("zstd", .{});
    const exe = b.addExecutable(.{ .name = "gpu_codec_test", .root_module = test_module });
    const run = b.addRunArtifact(exe);
    run.addArg(b.pathFromRoot("../shared/corpus"));
    const step = b.step("test-gpu-codec", "Test the GPU's per-page LZ4 step compiled for the CPU");
    step.dependOn(&run.step);
    if (b.top_level_steps.get("test")) |all_tests| all_tests.step.dependOn(&run.step);
}
