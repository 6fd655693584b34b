// Tstat's code that runs, behind one namespace the descriptor (index.ts) reads at call
// time: the Lua bundle loads it only when a Tstat specification runs or a restore is due.
export { runLog } from "./run";
export { runCapture } from "./capture";
export { runStatus } from "./status";
export { recover } from "./control";
