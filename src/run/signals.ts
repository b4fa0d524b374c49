/** Why a run was cut short: the reason carried by the run's abort signal. */
export class RunStop extends Error {
  constructor(readonly kind: "deadline" | "interrupted") {
    super(kind === "deadline" ? "the run's deadline passed" : "the run was interrupted");
    this.name = "RunStop";
  }
}

export function abortReasonKind(reason: unknown): "deadline" | "interrupted" | undefined {
  return reason instanceof RunStop ? reason.kind : undefined;
}
