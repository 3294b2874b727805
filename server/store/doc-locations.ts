// Where each document of an on-disk collection is: a file (a journal seq, or a shard file), the
// byte offset of its line and the line's length. Packed in typed arrays behind a slot number (a
// small integer, stored unboxed in a Map), so a document costs 16 bytes here and no object:
// 200,000 bindings' locations take ~3 MB.
const INITIAL = 1024;

/** A location's file: a journal file by its seq (>= 1), or shard file n as -(n + 1). */
export const shardFile = (n: number) => -(n + 1);
export const isShardFile = (file: number) => file < 0;
export const shardOfFile = (file: number) => -file - 1;

export class DocLocations {
  private files = new Int32Array(INITIAL);
  private offsets = new Float64Array(INITIAL);
  private lengths = new Uint32Array(INITIAL);
  private readonly free: number[] = [];
  private used = 0;

  alloc(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.used === this.files.length) this.grow();
    return this.used++;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  set(slot: number, file: number, offset: number, length: number): void {
    this.files[slot] = file;
    this.offsets[slot] = offset;
    this.lengths[slot] = length;
  }

  file(slot: number): number {
    return this.files[slot]!;
  }

  offset(slot: number): number {
    return this.offsets[slot]!;
  }

  length(slot: number): number {
    return this.lengths[slot]!;
  }

  private grow() {
    const size = this.files.length * 2;
    const files = new Int32Array(size);
    files.set(this.files);
    const offsets = new Float64Array(size);
    offsets.set(this.offsets);
    const lengths = new Uint32Array(size);
    lengths.set(this.lengths);
    this.files = files;
    this.offsets = offsets;
    this.lengths = lengths;
  }
}
