// Builds dist/esm (ES modules) and dist/cjs (CommonJS), each with its .d.ts files, from src/ with the TypeScript
// compiler (the only dev dependency). Each output folder gets a package.json naming its module kind, so Node loads
// dist/esm/*.js as ESM and dist/cjs/*.js as CommonJS whatever the root package.json says.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
rmSync(join(root, "dist"), { recursive: true, force: true });
for (const [config, dir, type] of [["tsconfig.json", "esm", "module"], ["tsconfig.cjs.json", "cjs", "commonjs"]]) {
  execFileSync(process.execPath, [tsc, "-p", join(root, config)], { stdio: "inherit", cwd: root });
  mkdirSync(join(root, "dist", dir), { recursive: true });
  writeFileSync(join(root, "dist", dir, "package.json"), JSON.stringify({ type }) + "\n");
}
console.log("built dist/esm and dist/cjs");
