// Lua vector runner: the whole vector set on stdin, one result line per case on stdout.
import { runVectors } from "./dispatch";
declare const io: { read(this: void, fmt: string): string; write(this: void, s: string): void };
io.write(runVectors(io.read("*a")));
