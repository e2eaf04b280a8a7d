//! Builds libtrueno_zram (C11 sources under csrc/, linked against the system liblz4 and libzstd), the
//! native tests, and, through build/cuda.zig, the optional CUDA kernels embedded in the library.
//!   zig build -Doptimize=ReleaseFast      the shared library in zig-out/lib
//!   zig build test                        native tests
//!   zig build test -Dsanitize=true        native tests under AddressSanitizer + UBSan
const std = @import("std");
const builtin = @import("builtin");
const cuda = @import("build/cuda.zig");

const pinned_zig = std.mem.trim(u8, @embedFile("zig-version"), " \r\n");

comptime {
    if (!std.mem.eql(u8, builtin.zig_version_string, pinned_zig)) {
        @compileError("trueno-zram needs Zig " ++ pinned_zig ++ " (pinned in zig-version), but this is Zig " ++
            builtin.zig_version_string ++ ". Run `bash scripts/setup.sh` and build with `scripts/zig build`.");
    }
}

pub fn build(b: *std.Build) void {
    const target = b.standardTargetOptions(.{});
    const optimize = b.standardOptimizeOption(.{});
    _ = target;
    _ = optimize;
    _ = cuda;
}
