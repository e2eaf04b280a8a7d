//! Builds libtrueno_zram (C11 sources under csrc/, linked against the system liblz4 and libzstd), the
//! native tests, and, through build/cuda.zig, the optional CUDA kernels embedded in the library.
//!   zig build -Doptimize=ReleaseFast      the shared library in zig-out/lib
//!   zig build test                        native tests
//!   zig build test -Dsanitize=true        native tests under AddressSanitizer + UBSan (built by gcc)
//!   zig build cross-aarch64               the C sources compiled for aarch64-linux-gnu (NEON included)
//!   zig build release                     the npm packages' libraries: linux-x64-gnu and linux-arm64-gnu,
//!                                         liblz4/libzstd linked statically, oldest glibc (build/release.zig)
//!   zig build test-release                the native tests against those (arm64 under qemu-user)
//!   zig build measure                     Adaptive against LZ4 and Zstd-1 on the corpus (optimized build)
const std = @import("std");
const builtin = @import("builtin");
const cuda = @import("build/cuda.zig");
const release = @import("build/release.zig");

const pinned_zig = std.mem.trim(u8, @embedFile("zig-version"), " \r\n");

comptime {
    if (!std.mem.eql(u8, builtin.zig_version_string, pinned_zig)) {
        @compileError("trueno-zram needs Zig " ++ pinned_zig ++ " (pinned in zig-version), but this is Zig " ++
            builtin.zig_version_string ++ ". Run `bash scripts/setup.sh` and build with `scripts/zig build`.");
    }
}

/// Flags for every C file of the library. The vector variants get their instruction sets from target
/// attributes in the source, so the baseline CPU stays generic: never -march=native.
const c_flags = [_][]const u8{
    "-std=c11",
    "-D_GNU_SOURCE",
    "-fvisibility=hidden",
    "-Wall",
    "-Wextra",
    "-Werror",
};

const test_flags = [_][]const u8{ "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror" };

const system_libs = [_][]const u8{ "lz4", "zstd", "pthread", "m" };

/// The codec headers the cross build needs: only these from the host's /usr/include, which are
/// architecture-independent, so no other host header can leak into a foreign-target compile.
const codec_headers = [_][]const u8{ "lz4.h", "lz4hc.h", "zstd.h", "zstd_errors.h" };

pub fn build(b: *std.Build) void {
    // Baseline CPU by default: the library must run on any x86-64 and pick its vector code at run time.
    const target = b.standardTargetOptions(.{ .default_target = .{ .cpu_model = .baseline } });
    const optimize = b.standardOptimizeOption(.{});
    const sanitize = b.option(bool, "sanitize", "Run the native tests under ASan + UBSan (gcc build)") orelse false;

    const sources = collectSources(b, "csrc", &.{"cuda"});
    const test_sources = collectSources(b, "tests/native", &.{"measure"});
    const corpus_dir = b.pathFromRoot("../shared/corpus");

    // The shared library.
    const lib_module = libraryModule(b, target, optimize, sources);
    const lib = b.addLibrary(.{ .name = "trueno_zram", .linkage = .dynamic, .root_module = lib_module });
    b.installArtifact(lib);

    // Native tests: a C runner against the library's public ABI, printing `native: N passed, N failed`.
    const test_step = b.step("test", "Run the native tests (-Dsanitize=true: under ASan + UBSan)");
    // After the test step exists: configure adds the GPU codec step's test to it.
    cuda.configure(b, lib_module, target, optimize);
    if (sanitize) {
        test_step.dependOn(&sanitizedTests(b, sources, test_sources, corpus_dir).step);
    } else {
        const tests = nativeExecutable(b, "native-tests", target, optimize, lib, test_sources);
        const run = b.addRunArtifact(tests);
        run.addArg(corpus_dir);
        run.has_side_effects = true;
        test_step.dependOn(&run.step);
    }

    // Adaptive measured against plain LZ4 and Zstd-1 on the corpus (single thread), always against an
    // optimized build of the library (without the GPU kernels, which it does not time).
    const measure_lib = b.addLibrary(.{
        .name = "trueno_zram",
        .linkage = .dynamic,
        .root_module = libraryModule(b, target, .ReleaseFast, sources),
    });
    const measure_sources = collectSources(b, "tests/native", &.{"suite"});
    const measure = nativeExecutable(b, "measure-adaptive", target, .ReleaseFast, measure_lib, measure_sources);
    const run_measure = b.addRunArtifact(measure);
    run_measure.addArg(corpus_dir);
    run_measure.has_side_effects = true;
    b.step("measure", "Ratio and speed of Adaptive vs LZ4 and Zstd-1 on the corpus").dependOn(&run_measure.step);

    // The C sources compiled for aarch64 (the NEON variant included), as a static library.
    const cross_target = b.resolveTargetQuery(.{ .cpu_arch = .aarch64, .os_tag = .linux, .abi = .gnu });
    const cross_module = b.createModule(.{ .target = cross_target, .optimize = .ReleaseFast, .link_libc = true });
    addLibrarySources(cross_module, b, sources);
    const headers = b.addWriteFiles();
    for (codec_headers) |name| _ = headers.addCopyFile(.{ .cwd_relative = b.fmt("/usr/include/{s}", .{name}) }, name);
    cross_module.addIncludePath(headers.getDirectory());
    const cross_lib = b.addLibrary(.{ .name = "trueno_zram", .linkage = .static, .root_module = cross_module });
    const install_cross = b.addInstallArtifact(cross_lib, .{ .dest_dir = .{ .override = .{ .custom = "lib/aarch64-linux-gnu" } } });
    b.step("cross-aarch64", "Compile the C sources for aarch64-linux-gnu").dependOn(&install_cross.step);

    release.configure(b, sources, test_sources, corpus_dir, headers.getDirectory(), addLibrarySources);
}

fn libraryModule(b: *std.Build, target: std.Build.ResolvedTarget, optimize: std.builtin.OptimizeMode, sources: []const []const u8) *std.Build.Module {
    const module = b.createModule(.{ .target = target, .optimize = optimize, .link_libc = true });
    addLibrarySources(module, b, sources);
    for (system_libs) |name| module.linkSystemLibrary(name, .{});
    return module;
}

fn addLibrarySources(module: *std.Build.Module, b: *std.Build, sources: []const []const u8) void {
    module.addIncludePath(b.path("csrc/include"));
    module.addIncludePath(b.path("csrc/internal"));
    module.addCSourceFiles(.{ .root = b.path("csrc"), .files = sources, .flags = &c_flags });
}

/// A test-side program from C files under tests/native, linked against the library (so only its public ABI
/// is visible) and libzstd (to read the corpus).
fn nativeExecutable(
    b: *std.Build,
    name: []const u8,
    target: std.Build.ResolvedTarget,
    optimize: std.builtin.OptimizeMode,
    lib: *std.Build.Step.Compile,
    files: []const []const u8,
) *std.Build.Step.Compile {
    const module = b.createModule(.{ .target = target, .optimize = optimize, .link_libc = true });
    module.addIncludePath(b.path("csrc/include"));
    module.addIncludePath(b.path("tests/native/support"));
    module.addCSourceFiles(.{ .root = b.path("tests/native"), .files = files, .flags = &test_flags });
    module.linkLibrary(lib);
    module.linkSystemLibrary("zstd", .{});
    module.linkSystemLibrary("m", .{});
    return b.addExecutable(.{ .name = name, .root_module = module });
}

/// The library sources and the test runner built as one program by the system gcc with
/// -fsanitize=address,undefined (Zig cannot link the sanitizer runtimes for C), then run.
fn sanitizedTests(b: *std.Build, sources: []const []const u8, test_sources: []const []const u8, corpus_dir: []const u8) *std.Build.Step.Run {
    const gcc = b.addSystemCommand(&.{
        "gcc",                        "-std=c11",             "-D_GNU_SOURCE", "-O1",                  "-g",
        "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer", "-Wall",
        "-Wextra",
    });
    gcc.addPrefixedDirectoryArg("-I", b.path("csrc/include"));
    gcc.addPrefixedDirectoryArg("-I", b.path("csrc/internal"));
    for (sources) |file| gcc.addFileArg(b.path(b.fmt("csrc/{s}", .{file})));
    gcc.addPrefixedDirectoryArg("-I", b.path("tests/native/support"));
    for (test_sources) |file| gcc.addFileArg(b.path(b.fmt("tests/native/{s}", .{file})));
    gcc.addArg("-o");
    const exe = gcc.addOutputFileArg("native-tests-sanitized");
    for (system_libs) |name| gcc.addArg(b.fmt("-l{s}", .{name}));

    const run = std.Build.Step.Run.create(b, "run native tests under ASan + UBSan");
    run.addFileArg(exe);
    run.addArg(corpus_dir);
    run.setEnvironmentVariable("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1");
    run.setEnvironmentVariable("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1");
    run.has_side_effects = true;
    return run;
}

/// Every .c file under `dir` (recursively, relative to it, sorted), except those under `skip` folders.
fn collectSources(b: *std.Build, dir: []const u8, skip: []const []const u8) []const []const u8 {
    var root = b.build_root.handle.openDir(dir, .{ .iterate = true }) catch |err|
        std.debug.panic("cannot open {s}: {s}", .{ dir, @errorName(err) });
    defer root.close();
    var walker = root.walk(b.allocator) catch @panic("OOM");
    defer walker.deinit();
    var files: std.ArrayList([]const u8) = .empty;
    walk: while (walker.next() catch |err| std.debug.panic("cannot walk {s}: {s}", .{ dir, @errorName(err) })) |entry| {
        if (entry.kind != .file or !std.mem.endsWith(u8, entry.path, ".c")) continue;
        for (skip) |folder| {
            if (std.mem.startsWith(u8, entry.path, folder) and entry.path.len > folder.len and
                entry.path[folder.len] == std.fs.path.sep) continue :walk;
        }
        files.append(b.allocator, b.dupe(entry.path)) catch @panic("OOM");
    }
    std.mem.sort([]const u8, files.items, {}, lessThan);
    return files.items;
}

fn lessThan(_: void, a: []const u8, b: []const u8) bool {
    return std.mem.lessThan(u8, a, b);
}
