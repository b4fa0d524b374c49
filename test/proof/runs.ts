/**
 * Case counts for the proof suite. Each file names its default; PROOF_SCALE
 * multiplies them all (0.1 for a quick look, 10 for a long night), and
 * PROOF_RUNS, when set, replaces them all with one number. The soak has its
 * own count, SOAK_EVALUATIONS (10,000 by default), and the signal matrix is
 * always the full eleven cases. PROOF_SEED replays a fast-check failure.
 */
export function proofRuns(base: number): number {
  const fixed = process.env.PROOF_RUNS;
  if (fixed) return Math.max(1, Math.round(Number(fixed)));
  const scale = Number(process.env.PROOF_SCALE ?? "1");
  return Math.max(1, Math.round(base * (Number.isFinite(scale) ? scale : 1)));
}
