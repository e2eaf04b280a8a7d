// Bun only. Importing the library as a file makes `bun build --compile` carry it inside the executable
// (and `bun build` copy it beside the bundle); the default export is its path there. Pass it to
// trueno-zram's useEmbeddedLibrary().
import library from "./libtrueno_zram.so" with { type: "file" };

export default library;
