// JS vector runner bundle: exposes runVectors as a global for quickjs-emscripten and qjs.
import { runVectors } from "./dispatch";
(globalThis as unknown as { runVectors: typeof runVectors }).runVectors = runVectors;
