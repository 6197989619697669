/** The last `size` completed windows of something, oldest first: what a baseline keeps. */
export class WindowRing<T> {
  readonly items: T[] = [];

  constructor(
    private readonly size: number,
    private readonly empty: T,
  ) {}

  push(w: T): void {
    this.items.push(w);
    if (this.items.length > this.size) this.items.shift();
  }

  /** Windows without a request enter the baseline too (more than its size leave nothing else). */
  pushEmpty(n: number): void {
    for (let i = 0; i < Math.min(n, this.size); i++) this.push(this.empty);
  }
}
