import type { Fleet } from "../core/fleet";
import type { Call, Handler, Layer } from "../types";

/**
 * Picks the upstream for every attempt (see `Fleet.pick`): never one this call already
 * tried while an untried one remains, so retries and hedges fail over; never one whose
 * breaker refuses or that is ejected (unless too few are healthy: panic mode); the first
 * attempt of a call to an absolute URL goes to the upstream it names. Among the eligible
 * upstreams the configured algorithm chooses (`p2c` by default). An attempt that arrives with
 * its upstream set (a hedge, picked apart from the call's other attempts) keeps it.
 *
 * @example
 * ```ts
 * const handler = pipeline([balance(fleet), guard(fleet, clock)])(transport(fetch));
 * ```
 */
export function balance(fleet: Fleet): Layer {
  return (next: Handler): Handler =>
    function balance(call: Call): Promise<Response> {
      let upstream = call.upstream;
      // A hedge arrives with its upstream already picked (see `Fleet.pickApart`).
      if (upstream === undefined) {
        try {
          const scope = call.scope;
          // A first attempt without a body leaves in the tick the call began, so that time will
          // do; a body may have taken a while to buffer, and later attempts follow waits.
          call.sentAt =
            scope.attempts === 0 && call.init.body == null ? scope.started : scope.clock.now();
          upstream = fleet.pick(call, call.sentAt);
        } catch (error) {
          return Promise.reject(error);
        }
        call.upstream = upstream;
      }
      call.url = upstream.base + call.target;
      call.tried.push(upstream);
      return next(call);
    };
}
