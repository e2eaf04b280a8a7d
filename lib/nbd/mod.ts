// The NBD server: BlockDevices as block devices for filesystems, VMs and disk tools.
export { type NbdServer, serveNbd, type ServeNbdOptions } from "./server.ts";
export { type NbdExport } from "./exports.ts";
export { type NbdTlsOptions } from "./tls.ts";
export { type ControlDocument, type ControlMmStat, type ExportReport, fetchControl } from "./control.ts";
export { type IdleWritebackOptions } from "./idle_writeback.ts";
