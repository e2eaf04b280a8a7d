// Ordering of the changes to one export, shared by all its connections. The device commits async
// writes in the order they are issued; what needs care is a read-modify-write of a partly written
// page: its read must see every earlier change to that page, and no change that arrives later may be
// issued before the merged page, or bytes outside either request could go back to older contents.

interface Change {
  first: number;
  /** One past the last page. */
  end: number;
  rmw: boolean;
  issued: boolean;
  committed: boolean;
  onIssued: (() => void)[];
  onCommitted: (() => void)[];
}

/** A change in progress: call issued() once it is handed to the device, committed() when stored. */
export interface ChangeTicket {
  issued(): void;
  committed(): void;
}

export class WriteOrder {
  /** Changes not yet committed, in arrival order. */
  #pending = new Set<Change>();
  /** Read-modify-writes not yet issued: while there are none, whole-page changes never wait. */
  #unissuedRmw = 0;

  /**
   * Registers a change of pages [first, end) and returns it with what it must wait for before it is
   * issued: a read-modify-write waits until every earlier overlapping change is committed; any other
   * change waits until the earlier overlapping read-modify-writes are issued.
   */
  begin(first: number, end: number, rmw: boolean): { ticket: ChangeTicket; ready: Promise<void> | undefined } {
    const waits: Promise<void>[] = [];
    if (rmw || this.#unissuedRmw > 0) {
      for (const c of this.#pending) {
        if (c.first >= end || c.end <= first) continue;
        if (rmw && !c.committed) waits.push(new Promise((r) => c.onCommitted.push(r)));
        else if (!rmw && c.rmw && !c.issued) waits.push(new Promise((r) => c.onIssued.push(r)));
      }
    }
    const change: Change = { first, end, rmw, issued: false, committed: false, onIssued: [], onCommitted: [] };
    this.#pending.add(change);
    if (rmw) this.#unissuedRmw++;
    const ticket: ChangeTicket = {
      issued: () => this.#issued(change),
      committed: () => {
        this.#issued(change);
        if (change.committed) return;
        change.committed = true;
        this.#pending.delete(change);
        for (const wake of change.onCommitted) wake();
      },
    };
    return { ticket, ready: waits.length === 0 ? undefined : Promise.all(waits).then(() => {}) };
  }

  #issued(change: Change): void {
    if (change.issued) return;
    change.issued = true;
    if (change.rmw) this.#unissuedRmw--;
    for (const wake of change.onIssued) wake();
  }
}
