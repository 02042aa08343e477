/**
 * The README's synth command (`npm run synth`, and `npx cdktf synth` through cdktf.json):
 * synthesizes one example (EXAMPLE, default `flatcar-aws`) and prints a summary of its nodes.
 * EXAMPLE=all synthesizes every example.
 */
import { App } from "cdktf";
import { EXAMPLES, type ExampleName } from "./catalog";
import { printSummary } from "./summary";

const requested = process.env.EXAMPLE ?? "flatcar-aws";
const names = requested === "all" ? (Object.keys(EXAMPLES) as ExampleName[]) : [requested as ExampleName];
for (const name of names) {
  if (!(name in EXAMPLES)) {
    console.error(`unknown example "${name}": choose one of ${Object.keys(EXAMPLES).join(", ")}, or all`);
    process.exit(2);
  }
}
// cdktf-cli passes CDKTF_OUTDIR; App reads it too, but the summary needs to know where.
const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
const app = new App({ outdir });
const built = names.map((name) => ({ name, cluster: EXAMPLES[name](app, name) }));
app.synth();
let ok = true;
for (const { name, cluster } of built) ok = printSummary(outdir, name, cluster) && ok;
if (!ok) process.exitCode = 1;
