import { JsonValue } from "../../../core/util/json";
/** A core function exposed to conformance vectors: JSON in, JSON out (throw = typed error). */
export type VectorFn = (input: JsonValue) => JsonValue;
