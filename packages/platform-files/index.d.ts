/** The absolute path of libtrueno_zram.so in this package. */
export declare const libraryPath: string;
