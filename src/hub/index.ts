// `resilient-fetch/hub`: hub sync, a health source for `createClient({ health })`. Its own
// entry point, so that clients without it do not bundle it. Names are exported one by one.
export type { HubSyncEvent } from "./hub-events";
export { hubSync } from "./hub-sync";
export type { HubBinding, HubSyncOptions } from "./hub-sync-options";
