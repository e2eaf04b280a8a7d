// The absolute path of the library in this package; trueno-zram's loader imports it.
import { fileURLToPath } from "node:url";

export const libraryPath = fileURLToPath(new URL("./libtrueno_zram.so", import.meta.url));
