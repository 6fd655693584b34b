// Lua entry of the HTTP CPU benchmark: the real Lua host downloading the segments.
//   lua5.1 .cache/bench/http-cpu.lua base=http://127.0.0.1:P/seg count=N
import { args, createHost, runLoop } from "../../targets/lua/host";
import { downloadSegments } from "./http-cpu-run";

const host = createHost({ probeId: "bench" });
downloadSegments(host, args(), (code) => host.exit(code));
runLoop();
