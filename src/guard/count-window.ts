/**
 * The last `size` calls as a ring of marks (e.g. "failed", "slow"), with a running count of
 * the marked ones. Fixed memory, no allocation per call.
 *
 * @example
 * ```ts
 * const w = new CountWindow(20);
 * w.push(true);
 * w.push(false);
 * w.exceeds(0.5, 2); // true: half of the 2 calls are marked
 * ```
 */
export class CountWindow {
  readonly #marks: Uint8Array;
  readonly #size: number;
  #head = 0;
  /** Calls in the window (at most `size`). */
  #calls = 0;
  /** Marked calls in the window. */
  #marked = 0;

  constructor(size: number) {
    this.#size = size;
    this.#marks = new Uint8Array(size);
  }

  /** Adds one call, evicting the oldest once the window is full. */
  push(mark: boolean): void {
    const bit = mark ? 1 : 0;
    if (this.#calls === this.#size) this.#marked -= this.#marks[this.#head]!;
    else this.#calls++;
    this.#marks[this.#head] = bit;
    this.#marked += bit;
    this.#head = this.#head + 1 === this.#size ? 0 : this.#head + 1;
  }

  /** Whether at least `minCalls` calls are in the window and the marked share is >= `rate`. */
  exceeds(rate: number, minCalls: number): boolean {
    return this.#calls >= minCalls && this.#marked / this.#calls >= rate;
  }

  /** Forgets every call. */
  reset(): void {
    this.#marks.fill(0);
    this.#head = 0;
    this.#calls = 0;
    this.#marked = 0;
  }
}
