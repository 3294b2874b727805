// One shared timer for every in-flight push's reply budget. A setTimeout per push showed up in
// the gateway's profile; budgets are seconds long, so checking deadlines every few ms is enough.
interface Waiter {
  deadline: number;
  resolve: () => void;
}

export interface Deadline {
  promise: Promise<undefined>;
  cancel(): void;
}

export class DeadlineTimer {
  private readonly waiting = new Set<Waiter>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly tickMs: number) {}

  /** Resolves with undefined once ms have passed (within one tick), unless cancelled first. */
  after(ms: number): Deadline {
    let waiter!: Waiter;
    const promise = new Promise<undefined>((resolve) => {
      waiter = { deadline: performance.now() + ms, resolve: () => resolve(undefined) };
    });
    this.waiting.add(waiter);
    if (!this.timer) {
      this.timer = setInterval(() => this.check(), this.tickMs);
      this.timer.unref();
    }
    return { promise, cancel: () => this.remove(waiter) };
  }

  private check() {
    const now = performance.now();
    for (const w of this.waiting) {
      if (w.deadline <= now) {
        this.remove(w);
        w.resolve();
      }
    }
  }

  private remove(w: Waiter) {
    this.waiting.delete(w);
    if (this.waiting.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
