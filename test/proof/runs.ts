/**
 * Case counts for the proof suite: PROOF_RUNS scales every property (1 by
 * default = the counts written in each file; 0.1 for a quick look).
 */
export function proofRuns(base: number): number {
  const scale = Number(process.env.PROOF_SCALE ?? "1");
  const fixed = process.env.PROOF_RUNS;
  if (fixed) return Math.max(1, Math.round(Number(fixed)));
  return Math.max(1, Math.round(base * (Number.isFinite(scale) ? scale : 1)));
}
