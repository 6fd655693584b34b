import { Host } from "../../core/host";
export declare function createHost(this: void, opts?: { probeId?: string }): Host;
export declare function args(this: void): string[];
export declare function runLoop(this: void): void;
