// At most two password hashes at a time. libuv's thread pool (4 threads by default) also serves
// every file read, write and fsync of the store: a burst of logins must queue among themselves,
// not in front of the journal writes that WeChat pushes wait for.
const MAX_CONCURRENT = 2;
let running = 0;
const waiting: Array<() => void> = [];

export async function runLimited<T>(job: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await job();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}
