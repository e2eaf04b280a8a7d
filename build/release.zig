//! The release libraries that ship in the per-platform npm packages (packages/<platform>/), called by
//! build.zig through `configure`:
//!   zig build release          zig-out/release/<platform>/libtrueno_zram.so for every platform below
//!   zig build test-release     the native test suite against each release library: natively for x86-64,
//!                              under qemu-user (qemu-aarch64-static) for arm64, where NEON is chosen
//! Each library links Debian's static liblz4.a and libzstd.a of its architecture (position-independent,
//! from the multiarch folders), hides their symbols behind a version script, and targets the oldest glibc
//! below through Zig's own glibc stubs, so glibc is its only run-time dependency.
const std = @import("std");

/// glibc 2.17 (2012: RHEL/CentOS 7, Debian 8, Ubuntu 14.04) is the first release with aarch64 and the
/// oldest Zig can target for both architectures; also documented in docs/INSTALL.md.
pub const oldest_glibc: std.SemanticVersion = .{ .major = 2, .minor = 17, .patch = 0 };

pub const Platform = struct {
    /// The npm package suffix and the folder under zig-out/release and packages/.
    name: []const u8,
    arch: std.Target.Cpu.Arch,
    /// Debian's multiarch triple: where the static codec archives live.
    multiarch: []const u8,
    /// How to run a program of this architecture on the build machine (empty: natively).
    runner: []const []const u8,
    /// The backend the library must choose on its own there (TZ_BACKEND_* of trueno_zram.h), or null.
    expected_backend: ?[]const u8,
};

pub const platforms = [_]Platform{
    .{ .name = "linux-x64-gnu", .arch = .x86_64, .multiarch = "x86_64-linux-gnu", .runner = &.{}, .expected_backend = null },
    .{
        .name = "linux-arm64-gnu",
        .arch = .aarch64,
        .multiarch = "aarch64-linux-gnu",
        // -L /: the guest's loader and libc come from Debian's arm64 multiarch packages on this machine.
        .runner = &.{ "qemu-aarch64-static", "-L", "/" },
        .expected_backend = "neon",
    },
};

/// Public ABI only: every tz_ symbol; liblz4's and libzstd's symbols stay inside the library.
const version_script = "build/exports.map";

/// Adds the codec headers and C sources of the library to a module (build.zig's own function).
pub const AddSources = *const fn (module: *std.Build.Module, b: *std.Build, sources: []const []const u8) void;

pub fn configure(
    b: *std.Build,
    sources: []const []const u8,
    test_sources: []const []const u8,
    corpus_dir: []const u8,
    codec_headers: std.Build.LazyPath,
    add_sources: AddSources,
) void {
    const release_step = b.step("release", "Build the release library of every platform into zig-out/release");
    const test_step = b.step("test-release", "Run the native tests against every release library (arm64 under qemu-user)");
    for (platforms) |platform| {
        const target = b.resolveTargetQuery(.{
            .cpu_arch = platform.arch,
            .cpu_model = .baseline,
            .os_tag = .linux,
            .abi = .gnu,
            .glibc_version = oldest_glibc,
        });
        const lib = releaseLibrary(b, platform, target, sources, codec_headers, add_sources);
        const install = b.addInstallArtifact(lib, .{
            .dest_dir = .{ .override = .{ .custom = b.fmt("release/{s}", .{platform.name}) } },
        });
        release_step.dependOn(&install.step);
        test_step.dependOn(&nativeTests(b, platform, target, lib, test_sources, corpus_dir, codec_headers).step);
    }
}

fn archivePath(b: *std.Build, platform: Platform, name: []const u8) std.Build.LazyPath {
    return .{ .cwd_relative = b.fmt("/usr/lib/{s}/{s}", .{ platform.multiarch, name }) };
}

fn releaseLibrary(
    b: *std.Build,
    platform: Platform,
    target: std.Build.ResolvedTarget,
    sources: []const []const u8,
    codec_headers: std.Build.LazyPath,
    add_sources: AddSources,
) *std.Build.Step.Compile {
    const module = b.createModule(.{ .target = target, .optimize = .ReleaseFast, .link_libc = true, .strip = true });
    add_sources(module, b, sources);
    module.addIncludePath(codec_headers);
    module.addObjectFile(archivePath(b, platform, "liblz4.a"));
    module.addObjectFile(archivePath(b, platform, "libzstd.a"));
    module.linkSystemLibrary("pthread", .{});
    module.linkSystemLibrary("m", .{});
    module.linkSystemLibrary("dl", .{});
    const lib = b.addLibrary(.{ .name = "trueno_zram", .linkage = .dynamic, .root_module = module });
    lib.setVersionScript(b.path(version_script));
    return lib;
}

/// The native suite (tests/native/suite) linked against the release library, run with the corpus; on a
/// platform with an expected backend, tests/native_release/backend_check.c first proves the library picks
/// it (so the vector-vs-scalar comparisons of the suite really ran that backend).
fn nativeTests(
    b: *std.Build,
    platform: Platform,
    target: std.Build.ResolvedTarget,
    lib: *std.Build.Step.Compile,
    test_sources: []const []const u8,
    corpus_dir: []const u8,
    codec_headers: std.Build.LazyPath,
) *std.Build.Step.Run {
    const suite = testProgram(b, b.fmt("native-tests-{s}", .{platform.name}), platform, target, lib, codec_headers);
    suite.root_module.addCSourceFiles(.{ .root = b.path("tests/native"), .files = test_sources, .flags = &test_flags });
    const run_suite = runOn(b, platform, suite);
    run_suite.addArg(corpus_dir);

    if (platform.expected_backend) |backend| {
        const check = testProgram(b, b.fmt("backend-check-{s}", .{platform.name}), platform, target, lib, codec_headers);
        check.root_module.addCSourceFile(.{ .file = b.path("tests/native_release/backend_check.c"), .flags = &test_flags });
        const run_check = runOn(b, platform, check);
        run_check.addArg(backend);
        run_suite.step.dependOn(&run_check.step);
    }
    return run_suite;
}

const test_flags = [_][]const u8{ "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Werror" };

fn testProgram(
    b: *std.Build,
    name: []const u8,
    platform: Platform,
    target: std.Build.ResolvedTarget,
    lib: *std.Build.Step.Compile,
    codec_headers: std.Build.LazyPath,
) *std.Build.Step.Compile {
    const module = b.createModule(.{ .target = target, .optimize = .ReleaseSafe, .link_libc = true });
    module.addIncludePath(b.path("csrc/include"));
    module.addIncludePath(b.path("tests/native/support"));
    module.addIncludePath(codec_headers);
    module.linkLibrary(lib);
    module.addRPath(lib.getEmittedBinDirectory());
    // The tests read the corpus through libzstd: the same static archive, linked into the test program.
    module.addObjectFile(archivePath(b, platform, "libzstd.a"));
    module.linkSystemLibrary("m", .{});
    module.linkSystemLibrary("pthread", .{});
    return b.addExecutable(.{ .name = name, .root_module = module });
}

/// Runs `program` on this machine, through the platform's runner when it is foreign; the program finds the
/// release library through its rpath.
fn runOn(b: *std.Build, platform: Platform, program: *std.Build.Step.Compile) *std.Build.Step.Run {
    const run = std.Build.Step.Run.create(b, b.fmt("run {s}", .{program.name}));
    run.addArgs(platform.runner);
    run.addArtifactArg(program);
    run.has_side_effects = true;
    return run;
}
