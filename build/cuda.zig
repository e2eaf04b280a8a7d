//! The optional CUDA part of the build: finds nvcc and embeds the kernels (owned by the GPU work).
const std = @import("std");
