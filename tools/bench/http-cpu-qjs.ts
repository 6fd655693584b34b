// qjs entry of the HTTP CPU benchmark: the real QuickJS host downloading the segments.
//   qjs --std .cache/bench/http-cpu.js base=http://127.0.0.1:P/seg count=N
import { args, createHost } from "../../targets/quickjs/host";
import { downloadSegments } from "./http-cpu-run";

const host = createHost({ probeId: "bench" });
downloadSegments(host, args(), (code) => host.exit(code));
