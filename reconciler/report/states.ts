// Which update states the report views count as still open for a host (deferred is risk accepted, so not open).
import type { UpdateState } from "../model/plan.js";

export const OPEN_STATES: readonly UpdateState[] = ["missing", "overdue", "blocked", "pending-reboot", "exempt"];
const OPEN: ReadonlySet<string> = new Set(OPEN_STATES);

export function isOpenState(state: string): boolean {
  return OPEN.has(state);
}
