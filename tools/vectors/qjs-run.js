// Native qjs: `qjs --std tests/vectors/qjs-run.js dist/vectors.js < cases.json`
std.loadScript(scriptArgs[1]);
std.out.puts(globalThis.runVectors(std.in.readAsString()));
std.out.flush();
