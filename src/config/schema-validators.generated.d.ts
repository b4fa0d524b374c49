// Types of the module scripts/build.mjs generates beside this file (not committed):
// ajv standalone validators for schema/config.json and schema/gate.json.
import type { ValidateFunction } from "ajv";

export declare const config: ValidateFunction;
export declare const gate: ValidateFunction;
/** sha256 of each schema file's text at generation time. */
export declare const schemaHashes: Record<"config" | "gate", string>;
