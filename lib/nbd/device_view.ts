// The zram face of a served BlockDevice for the control endpoint: mm_stat, io_stat and the zramctl
// row, in the kernel's formats.
import type { BlockDevice } from "../block/device.ts";
import { SysfsError } from "../sysfs/errors.ts";
import {
  blockLayerStat,
  formatBlockStat,
  formatIoStat,
  formatMmStat,
  type IoStat,
  type MmStat,
} from "../sysfs/format.ts";
import { formatBdStat } from "../sysfs/writeback.ts";
import { formatZramctl, type ZramctlSource } from "../sysfs/zramctl.ts";

export class DeviceView implements ZramctlSource {
  #device: BlockDevice;
  #algorithm: string;

  constructor(device: BlockDevice, algorithm: string) {
    this.#device = device;
    this.#algorithm = algorithm;
  }

  mmStat(): MmStat {
    const s = this.#device.stats();
    return {
      origDataSize: s.origDataSize,
      comprDataSize: s.comprDataSize,
      memUsedTotal: s.memUsedTotal,
      memLimit: BigInt(s.memLimit),
      memUsedMax: s.memUsedMax,
      samePages: s.samePages,
      pagesCompacted: s.pagesCompacted,
      hugePages: s.hugePages,
      hugePagesSince: s.hugePagesSince,
    };
  }

  ioStat(): IoStat {
    const s = this.#device.stats();
    return { failedReads: s.failedReads, failedWrites: s.failedWrites, notifyFree: s.notifyFree };
  }

  /** The attribute files a served device shows: disksize, comp_algorithm, mm_stat, io_stat, stat, bd_stat. */
  readAttr(name: string): string {
    switch (name) {
      case "disksize":
        return `${this.#device.size}\n`;
      case "comp_algorithm":
        return `[${this.#algorithm}]\n`;
      case "mm_stat":
        return formatMmStat(this.mmStat());
      case "io_stat":
        return formatIoStat(this.ioStat());
      case "stat":
        return formatBlockStat(blockLayerStat(this.#device.stats()));
      case "bd_stat":
        return formatBdStat(this.#device.backingFile === null ? null : this.#device.backingStats());
      default:
        throw new SysfsError("ENOENT", `a served device has no attribute ${JSON.stringify(name)}`);
    }
  }

  zramctl(name: string): string {
    return formatZramctl(this, name);
  }
}
