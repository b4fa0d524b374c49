// Generated from schema/config.json by scripts/schema-types.mjs; do not edit by hand.

/**
 * a duration such as 500ms, 10s or 2m (a plain number is milliseconds)
 */
export type Duration = string | number;
/**
 * a size such as 512KB or 10MB (a plain number is bytes)
 */
export type Size = string | number;

/**
 * Environments, gate files, defaults and release settings.
 */
export interface RawConfig {
  $schema?: string;
  environments: {
    [k: string]: Environment;
  };
  /**
   * A glob or a list of globs; gates/** /*.yaml by default.
   */
  gates?: string | [string, ...string[]];
  defaults?: {
    timeout?: Duration;
    maxBodySize?: Size;
    concurrency?: number;
  };
  release?: {
    /**
     * The tag name; v{{version}} by default.
     */
    tag?: string;
    /**
     * origin by default.
     */
    remote?: string;
    /**
     * main by default.
     */
    branch?: string;
    /**
     * none by default.
     */
    publish?: "npm" | "none";
    npm?: {
      access?: "public" | "restricted";
      tag?: string;
      provenance?: boolean;
    };
    /**
     * Protected environments need a green rehearsal of each gate; true by default.
     */
    requireRehearsal?: boolean;
  };
}
export interface Environment {
  protected?: boolean;
  hosts: {
    /**
     * an http or https URL such as https://api.example.dev
     */
    [k: string]: string;
  };
}
