import type { NumberRule } from "../options/validate";

/** A retry budget's options, resolved (the `budget` of the `retry` and `hedge` options). */
export interface BudgetOptions {
  ratio: number;
  minPerSecond: number;
  window: number;
}

/** The `window` of a budget option, in ms: the same for the `retry` and `hedge` budgets. */
export const BUDGET_WINDOW: NumberRule = { default: 10_000, min: 1_000, max: 3_600_000 };

/**
 * A retry budget, as in Finagle and Linkerd: retries may add at most `ratio` extra requests
 * over a sliding window, plus a floor of `minPerSecond` so quiet clients can still retry.
 *
 * The window is a ring of one-second buckets of deposits (calls) and withdrawals (retries);
 * the balance is `deposits × ratio + minPerSecond × windowSeconds − withdrawals`. Under an
 * outage this caps the load a fleet of clients adds to `1 + ratio` times normal, instead of
 * `attempts` times, which is what turns a blip into a retry storm.
 *
 * @example
 * ```ts
 * const budget = new RetryBudget(0.2, 10);
 * budget.deposit(now);                 // every call
 * if (budget.tryWithdraw(now)) retry(); // every retry
 * ```
 */
export class RetryBudget {
  readonly #deposits: Float64Array;
  readonly #withdrawals: Float64Array;
  readonly #bucketMs: number;
  readonly #reserve: number;
  #head = 0;
  #headStart = -Infinity;
  #totalDeposits = 0;
  #totalWithdrawals = 0;

  constructor(
    readonly ratio: number,
    readonly minPerSecond: number,
    windowMs = 10_000,
    buckets = 10,
  ) {
    this.#deposits = new Float64Array(buckets);
    this.#withdrawals = new Float64Array(buckets);
    this.#bucketMs = windowMs / buckets;
    this.#reserve = (minPerSecond * windowMs) / 1000;
  }

  /**
   * A budget from resolved options, or `undefined` when the budget is turned off.
   *
   * @example
   * ```ts
   * const budget = RetryBudget.from(resolved.budget); // `false` → undefined
   * ```
   */
  static from(options: BudgetOptions | false): RetryBudget | undefined {
    return options === false
      ? undefined
      : new RetryBudget(options.ratio, options.minPerSecond, options.window);
  }

  /** Counts a call (its first attempt). */
  deposit(now: number): void {
    this.#roll(now);
    this.#deposits[this.#head]!++;
    this.#totalDeposits++;
  }

  /** Takes one retry from the budget; false when it is spent. */
  tryWithdraw(now: number): boolean {
    if (this.available(now) < 1) return false;
    this.#withdrawals[this.#head]!++;
    this.#totalWithdrawals++;
    return true;
  }

  /** Retries that may be made now. */
  available(now: number): number {
    this.#roll(now);
    return this.#totalDeposits * this.ratio + this.#reserve - this.#totalWithdrawals;
  }

  #roll(now: number): void {
    const elapsed = now - this.#headStart;
    if (elapsed < this.#bucketMs) return;
    const size = this.#deposits.length;
    const steps = Math.floor(elapsed / this.#bucketMs);
    if (steps >= size || this.#headStart === -Infinity) {
      this.#deposits.fill(0);
      this.#withdrawals.fill(0);
      this.#totalDeposits = 0;
      this.#totalWithdrawals = 0;
      this.#headStart = now;
      return;
    }
    for (let step = 0; step < steps; step++) {
      this.#head = (this.#head + 1) % size;
      this.#totalDeposits -= this.#deposits[this.#head]!;
      this.#totalWithdrawals -= this.#withdrawals[this.#head]!;
      this.#deposits[this.#head] = 0;
      this.#withdrawals[this.#head] = 0;
    }
    this.#headStart += steps * this.#bucketMs;
  }
}
