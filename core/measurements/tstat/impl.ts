// Tstat's code, behind one namespace the descriptor (index.ts) reads at call time: the Lua
// bundle loads it only when the device offers Tstat (its capabilities and elements), a
// Tstat specification runs, or a restore is due.
export { allTemplates, tstatCapabilities } from "./capabilities";
export { tstatElements } from "./elements";
export { logGroupOf } from "./groups";
export { runLog } from "./run";
export { runCapture } from "./capture";
export { runStatus } from "./status";
export { recover } from "./control";
