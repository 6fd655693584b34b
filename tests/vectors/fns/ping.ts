import { VectorFn } from "./types";

export const fns: { [name: string]: VectorFn } = {};
