import type { BudgetExhaustedError } from "./budget-exhausted-error";
import type { CircuitOpenError } from "./circuit-open-error";
import type { NetworkError } from "./network-error";
import type { NoUpstreamError } from "./no-upstream-error";
import type { TimeoutError } from "./timeout-error";

interface ResilientErrors {
  TimeoutError: TimeoutError;
  CircuitOpenError: CircuitOpenError;
  NoUpstreamError: NoUpstreamError;
  BudgetExhaustedError: BudgetExhaustedError;
  NetworkError: NetworkError;
}

/**
 * Type guard by `name`, so it also works across realms and bundles (where `instanceof` fails).
 *
 * @example
 * ```ts
 * if (isResilientError(error, "TimeoutError") && error.limit === "total") giveUp();
 * ```
 */
export function isResilientError<K extends keyof ResilientErrors>(
  error: unknown,
  name: K,
): error is ResilientErrors[K] {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { name?: unknown }).name === name &&
    typeof (error as { attempts?: unknown }).attempts === "number"
  );
}
