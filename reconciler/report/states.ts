// Which update states the report views count as still open for a host: the policy's one OPEN set (deferred is risk
// accepted, so not open; failed is still to be done, so open), named again only as a list for the site's script.
import type { UpdateState } from "../model/plan.js";
import { OPEN } from "../policy/states.js";

export const OPEN_STATES: readonly UpdateState[] = [...OPEN];

export function isOpenState(state: string): boolean {
  return (OPEN as ReadonlySet<string>).has(state);
}
