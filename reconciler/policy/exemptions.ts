// When an exemption is in force: policy semantics shared by validate, plan and the diff.

const DAY = 86_400_000;

/** The instant an exemption stops applying: the end of its expiry day, UTC. */
export function exemptionEnd(expires: string): number {
  return Date.parse(`${expires}T00:00:00Z`) + DAY;
}
