/** Milliseconds from "500ms", "10s", "2m" or a plain number of milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === "number") return value;
  const m = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m)$/.exec(value);
  if (!m) throw new Error(`not a duration: ${value}`);
  const n = Number(m[1]);
  return Math.round(m[2] === "ms" ? n : m[2] === "s" ? n * 1000 : n * 60_000);
}

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 };

/** Bytes from "512KB", "10MB" or a plain number of bytes. */
export function parseSize(value: string | number): number {
  if (typeof value === "number") return value;
  const m = /^([0-9]+(?:\.[0-9]+)?)(B|KB|MB|GB)$/.exec(value);
  if (!m) throw new Error(`not a size: ${value}`);
  return Math.round(Number(m[1]) * (UNITS[m[2]!] ?? 1));
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  return `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`;
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 2)
    return `${(bytes / 1024 ** 2).toFixed(bytes % 1024 ** 2 === 0 ? 0 : 1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${bytes} B`;
}
