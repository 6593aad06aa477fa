/**
 * A pending timer in a {@link TimerHeap} (the manual clock's, or the system clock's shared
 * queue); its own `index` makes removal O(log n).
 */
export interface ManualTimer {
  readonly due: number;
  readonly seq: number;
  readonly callback: () => void;
  /** Whether the timer may not hold a process open on its own (see `Clock.setTimeout`). */
  readonly weak?: boolean;
  /** Position in the heap, or -1 once fired or cleared. */
  index: number;
}

function before(a: ManualTimer, b: ManualTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/**
 * A binary min-heap of timers ordered by (due time, insertion sequence), so timers due at the
 * same instant fire in the order they were set, as in every JavaScript runtime.
 *
 * @example
 * ```ts
 * const heap = new TimerHeap();
 * heap.push({ due: 10, seq: 0, callback, index: -1 });
 * heap.peek()?.due; // → 10
 * ```
 */
export class TimerHeap {
  readonly #items: ManualTimer[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): ManualTimer | undefined {
    return this.#items[0];
  }

  push(timer: ManualTimer): void {
    this.#up(this.#items.push(timer) - 1);
  }

  /** Removes `timer` if it is in this heap; returns whether it was. */
  remove(timer: ManualTimer): boolean {
    const items = this.#items;
    const i = timer.index;
    if (i < 0 || items[i] !== timer) return false;
    const last = items.pop()!;
    timer.index = -1;
    if (last !== timer) {
      items[i] = last;
      last.index = i;
      this.#down(i);
      this.#up(last.index);
    }
    return true;
  }

  #up(i: number): void {
    const items = this.#items;
    const timer = items[i]!;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = items[parentIndex]!;
      if (!before(timer, parent)) break;
      items[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    items[i] = timer;
    timer.index = i;
  }

  #down(i: number): void {
    const items = this.#items;
    const n = items.length;
    const timer = items[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && before(items[right]!, items[child]!)) child = right;
      const next = items[child]!;
      if (!before(next, timer)) break;
      items[i] = next;
      next.index = i;
      i = child;
    }
    items[i] = timer;
    timer.index = i;
  }
}
