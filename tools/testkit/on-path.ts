// Where a command resolves on PATH, found in Node (tests start processes from argv arrays,
// never through a shell's `command -v`).
import fs from "node:fs";
import path from "node:path";

/** The file `name` resolves to on PATH (as execvp would find it), else undefined. */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const file = path.join(dir === "" ? "." : dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here: the next directory
    }
  }
  return undefined;
}

/** Whether `name` resolves on PATH. */
export function hasCommand(name: string): boolean {
  return onPath(name) !== undefined;
}
