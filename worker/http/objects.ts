import { boundedMemo } from "./bounded-memo";

// `idFromName` hashes the name on every call; ids are plain values, kept per isolate and
// namespace. Stubs belong to a request and are not kept.
// biome-ignore lint/suspicious/noExplicitAny: any namespace; the stub type comes from the caller's
type AnyNamespace = DurableObjectNamespace<any>;
const idsByNamespace = new WeakMap<AnyNamespace, (name: string) => DurableObjectId>();

/**
 * The stub of the Durable Object named `name` in `namespace`, for this request.
 *
 * @example
 * ```ts
 * const hub = objectOf(env.HUB, "payments");
 * const relay = objectOf(env.RELAY, relayName("payments", "AMS"));
 * ```
 */
export function objectOf<T extends Rpc.DurableObjectBranded | undefined>(
  namespace: DurableObjectNamespace<T>,
  name: string,
): DurableObjectStub<T> {
  let idOf = idsByNamespace.get(namespace);
  if (idOf === undefined) {
    idOf = boundedMemo((key: string) => namespace.idFromName(key));
    idsByNamespace.set(namespace, idOf);
  }
  return namespace.get(idOf(name));
}

/**
 * The name of a location's relay for a service. Service names and locations never hold a
 * `/`, so two pairs never share a name.
 *
 * @example
 * ```ts
 * relayName("payments", "AMS"); // "payments/AMS"
 * ```
 */
export const relayName = (service: string, colo: string) => `${service}/${colo}`;
