/** The path of libtrueno_zram.so: inside a `bun build --compile` executable, its embedded copy. */
declare const library: string;
export default library;
