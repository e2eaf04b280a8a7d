//! The optional CUDA part of the build, called by build.zig through `configure`.
//!   -Dcuda=auto  (default) build the kernels when nvcc is found: -Dnvcc=PATH, then PATH, then the
//!                project-local install of scripts/setup-cuda.sh (.cache/cuda), then /usr/local/cuda
//!   -Dcuda=on    require nvcc (the build fails without it)
//!   -Dcuda=off   never build kernels; the GPU entry points return TZ_E_UNSUPPORTED
//! With nvcc, csrc/cuda/page_kernels.cu becomes one fatbin (cubins for sm_75, sm_80, sm_90 and PTX for
//! compute_90, which the driver compiles for newer GPUs), embedded in the library as a C array; the
//! library then defines TZ_HAVE_CUDA_IMAGE. CUDA 13 (what PyPI ships with an nvcc) starts at sm_75.
//! Also adds the GPU path's native tests to `zig build test` (and `zig build test-gpu`); they need no
//! GPU and no nvcc.
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

    addNativeTests(b, target, optimize);

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

/// The GPU path's native tests, none of which needs a GPU or nvcc:
///  - gpu_codec_test: the shared LZ4 page step compiled for the CPU against liblz4, on synthetic pages and
///    every corpus page (../shared/corpus, read through libzstd);
///  - gpu_host_test: the host side (csrc/gpu) against driver_standin, a CPU stand-in for libcuda.so.1.
fn addNativeTests(b: *std.Build, target: std.Build.ResolvedTarget, optimize: std.builtin.OptimizeMode) void {
    // Debug would make the whole-corpus passes slow; ReleaseSafe keeps UBSan's traps on.
    const test_optimize: std.builtin.OptimizeMode = if (optimize == .Debug) .ReleaseSafe else optimize;
    const corpus = b.pathFromRoot("../shared/corpus");
    const step = b.step("test-gpu", "Test the GPU path's codec step and host side without a GPU");

    const codec_test = testExecutable(b, "gpu_codec_test", target, test_optimize, &.{"gpu_codec_test.c"});
    const run_codec = b.addRunArtifact(codec_test);
    run_codec.addArg(corpus);
    step.dependOn(&run_codec.step);

    const standin = b.addLibrary(.{
        .name = "cuda",
        .linkage = .dynamic,
        .version = .{ .major = 1, .minor = 0, .patch = 0 }, // soname libcuda.so.1
        .root_module = b.createModule(.{ .target = target, .optimize = test_optimize, .link_libc = true }),
    });
    standin.root_module.addCSourceFile(.{ .file = b.path("tests/gpu_native/driver_standin.c"), .flags = &test_flags });
    const host_test = testExecutable(b, "gpu_host_test", target, test_optimize, &.{"gpu_host_test.c"});
    host_test.root_module.addCSourceFiles(.{ .root = b.path("csrc/gpu"), .files = &host_sources, .flags = &test_flags });
    host_test.root_module.addCMacro("TZ_HAVE_CUDA_IMAGE", "1");
    const run_host = b.addRunArtifact(host_test);
    run_host.addArtifactArg(standin);
    run_host.addArg(corpus);
    step.dependOn(&run_host.step);

    if (b.top_level_steps.get("test")) |all_tests| all_tests.step.dependOn(step);
}

const test_flags = [_][]const u8{ "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror" };

/// The host side of the GPU path (every C file of csrc/gpu).
const host_sources = [_][]const u8{
    "codec_host.c", "cuda_driver.c", "cuda_image.c", "gpu_compress.c", "gpu_context.c", "gpu_decompress.c", "gpu_device.c",
};

fn testExecutable(
    b: *std.Build,
    name: []const u8,
    target: std.Build.ResolvedTarget,
    optimize: std.builtin.OptimizeMode,
    files: []const []const u8,
) *std.Build.Step.Compile {
    const module = b.createModule(.{ .target = target, .optimize = optimize, .link_libc = true });
    module.addCSourceFiles(.{ .root = b.path("tests/gpu_native"), .files = files, .flags = &test_flags });
    module.addCSourceFile(.{ .file = b.path("tests/gpu_native/corpus_zst.c"), .flags = &test_flags });
    module.linkSystemLibrary("lz4", .{});
    module.linkSystemLibrary("zstd", .{});
    return b.addExecutable(.{ .name = name, .root_module = module });
}
