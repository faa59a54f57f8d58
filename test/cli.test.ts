// The built `leaklint` binary, run as a child process on scratch projects: exit
// codes, every output format (SARIF checked against the SARIF 2.1.0 schema), --fix,
// config discovery and errors, directives, parse errors and a throwing plugin rule.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import Ajv from "ajv-draft-04";
import ts from "typescript";
import { SARIF_SCHEMA, runLeaklint } from "./lib/cli-run";
import { CLEAN, LEAKY, STREAM_LEAK, scratchProjects } from "./lib/scratch";

/** `path:rule-id` of every finding in `dir`, relative paths with forward slashes, sorted. */
function findingIds(dir: string): string[] {
  return (JSON.parse(leaklint(dir, "--format", "json").stdout) as Array<{ filePath: string; ruleId: string }>)
    .map((d) => `${path.relative(dir, d.filePath).split(path.sep).join("/")}:${d.ruleId}`).sort();
}

const project = scratchProjects("leaklint-cli-");

function leaklint(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  return runLeaklint(cwd, args);
}

describe("leaklint CLI", () => {
  test("--version and --help exit 0", () => {
    const dir = project({});
    assert.match(leaklint(dir, "--version").stdout, /^\d+\.\d+\.\d+\n$/);
    const help = leaklint(dir, "--help");
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: leaklint/);
  });

  test("usage errors exit 2 with a message", () => {
    const dir = project({ "a.ts": CLEAN });
    for (const args of [["--bogus"], ["--format", "xml"], ["--rule", "nope:error"], ["--rule", "uncleared-interval:loud"], ["--max-warnings", "-1"], ["missing-dir"]]) {
      const result = leaklint(dir, ...args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, /^leaklint: /);
    }
  });

  test("clean project exits 0 with no output", () => {
    const dir = project({ "src/a.ts": CLEAN });
    const result = leaklint(dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
  });

  test("error-level findings exit 1 and print stylish output", () => {
    const dir = project({ "src/poller.ts": LEAKY, "src/ok.ts": CLEAN });
    const result = leaklint(dir);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /poller\.ts\n {2}3:5 {2}error {2}The handle of this `setInterval` is dropped.* {2}uncleared-interval/);
    assert.match(result.stdout, /1 problem \(1 error, 0 warnings\)/);
  });

  test("--rule, --max-warnings and --quiet", () => {
    const dir = project({ "poller.ts": LEAKY });
    assert.equal(leaklint(dir, "--rule", "uncleared-interval:warn").code, 0);
    assert.equal(leaklint(dir, "--rule", "uncleared-interval:warn", "--max-warnings", "0").code, 1);
    assert.equal(leaklint(dir, "--rule", "uncleared-interval:off").stdout, "");
    const quiet = leaklint(dir, "--rule", "uncleared-interval:warn", "--quiet");
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stdout, "");
  });

  test("json output has exactly the documented shape", () => {
    const dir = project({ "poller.ts": LEAKY });
    const result = leaklint(dir, "--format", "json");
    assert.equal(result.code, 1);
    const findings = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.deepEqual(Object.keys(finding).sort(),
      ["column", "endColumn", "endLine", "family", "filePath", "fixes", "line", "message", "ruleId", "severity"]);
    assert.equal(finding.filePath, path.join(dir, "poller.ts"));
    assert.deepEqual([finding.ruleId, finding.family, finding.severity, finding.line, finding.column, finding.endLine, finding.endColumn],
      ["uncleared-interval", "timer", "error", 3, 5, 3, 16]);
    const [fix] = finding.fixes as Array<{ description: string; safe: boolean; edits: Array<{ range: [number, number]; newText: string }> }>;
    assert.equal(fix.safe, true);
    assert.ok(fix.edits.every((e) => e.range.length === 2 && typeof e.newText === "string"));
  });

  test("sarif output validates against the SARIF 2.1.0 schema", () => {
    const dir = project({ "poller.ts": LEAKY, "broken.ts": "const = ;\n" });
    const result = leaklint(dir, "--format", "sarif");
    assert.equal(result.code, 1);
    const log = JSON.parse(result.stdout) as SarifLog;
    const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false }).compile(JSON.parse(fs.readFileSync(SARIF_SCHEMA, "utf8")));
    assert.ok(validate(JSON.parse(result.stdout)), JSON.stringify(validate.errors, null, 2));
    assert.equal(validate({ ...JSON.parse(result.stdout), version: "2.0.0" }), false, "the schema check can fail");
    const results = log.runs[0].results;
    const interval = results.find((r) => r.ruleId === "uncleared-interval")!;
    assert.equal(interval.locations[0].physicalLocation.artifactLocation.uri, "poller.ts");
    assert.equal(interval.fixes.length, 1);
    assert.ok(results.some((r) => r.ruleId === "parse-error"));
    const rules = log.runs[0].tool.driver.rules;
    assert.ok(rules.some((r) => r.id === "uncleared-interval" && r.helpUri.endsWith("uncleared-interval.md")));
  });

  test("github output prints workflow commands", () => {
    const dir = project({ "src/poller.ts": LEAKY });
    const result = leaklint(dir, "--format", "github");
    assert.match(result.stdout, /^::error file=src\/poller\.ts,line=3,col=5,endLine=3,endColumn=16,title=leaklint\(uncleared-interval\)::The handle/);
  });

  test("--fix applies safe fixes to the file and reports what remains", () => {
    const dir = project({ "poller.ts": LEAKY });
    const result = leaklint(dir, "--fix");
    assert.equal(result.code, 0, result.stdout);
    const fixed = fs.readFileSync(path.join(dir, "poller.ts"), "utf8");
    assert.match(fixed, /this\.interval = setInterval/);
    assert.match(fixed, /dispose\(\): void \{\n {4}clearInterval\(this\.interval\);/);
    assert.equal(leaklint(dir).code, 0);
  });

  test("--fix keeps a CRLF file's line breaks and a UTF-8 byte order mark", () => {
    const dir = project({ "poller.ts": `\uFEFF${LEAKY.replace(/\n/g, "\r\n")}` });
    const result = leaklint(dir, "--fix");
    assert.equal(result.code, 0, result.stdout);
    const fixed = fs.readFileSync(path.join(dir, "poller.ts"), "utf8");
    assert.ok(fixed.startsWith("\uFEFF"), "byte order mark kept");
    assert.match(fixed, /clearInterval\(this\.interval\)/);
    assert.deepEqual(fixed.match(/(?<!\r)\n/g), null, "every line break is CRLF");
  });

  test("config files: leaklint.config.json, .leaklintrc.json and package.json", () => {
    const off = JSON.stringify({ rules: { "uncleared-interval": "off" } });
    assert.equal(leaklint(project({ "a.ts": LEAKY, "leaklint.config.json": off })).code, 0);
    assert.equal(leaklint(project({ "a.ts": LEAKY, ".leaklintrc.json": off })).code, 0);
    assert.equal(leaklint(project({ "a.ts": LEAKY, "package.json": JSON.stringify({ name: "x", leaklint: JSON.parse(off) }) })).code, 0);
    const ignored = project({ "gen/a.ts": LEAKY, "src/ok.ts": CLEAN, "leaklint.config.json": JSON.stringify({ ignores: ["gen/"] }) });
    assert.equal(leaklint(ignored).code, 0);
  });

  test("a broken config is a clear error naming file, path and problem (exit 2)", () => {
    const cases: Array<[string, RegExp]> = [
      ["{ rules: ", /leaklint\.config\.json: invalid JSON/],
      [JSON.stringify({ rules: { "no-such-rule": "error" } }), /leaklint\.config\.json: rules\.no-such-rule: unknown rule "no-such-rule"/],
      [JSON.stringify({ rules: { "uncleared-interval": "loud" } }), /leaklint\.config\.json: rules\.uncleared-interval: must be one of "off", "warn", "error", "info"/],
      [JSON.stringify({ colour: true }), /leaklint\.config\.json: unknown property "colour"/],
      [JSON.stringify({ resources: [{ module: "db", call: "open" }] }), /leaklint\.config\.json: resources\[0\]: missing required property "release"/],
      [JSON.stringify({ rules: { "uncleared-interval": ["error", { checkEntryPoints: "yes" }] } }), /rules\.uncleared-interval\[1\]\.checkEntryPoints: must be boolean/],
      [JSON.stringify({ overrides: [{ files: ["*.test.ts"], rules: { "no-such-rule": "error" } }] }), /overrides\[0\]\.rules\.no-such-rule: unknown rule "no-such-rule"/],
      [JSON.stringify({ overrides: [{ rules: {} }] }), /overrides\[0\]: missing required property "files"/],
    ];
    for (const [content, expected] of cases) {
      const result = leaklint(project({ "a.ts": CLEAN, "leaklint.config.json": content }));
      assert.equal(result.code, 2, content);
      assert.match(result.stderr, expected);
    }
  });

  test("directives silence findings; unused ones are reported on request", () => {
    const silenced = LEAKY.replace("    setInterval", "    // leaklint-disable-next-line uncleared-interval -- polls for the whole session\n    setInterval");
    const dir = project({ "a.ts": silenced, "b.ts": `/* leaklint-disable */\n${LEAKY}`, "c.ts": `${CLEAN}// leaklint-disable-line uncleared-interval\n` });
    assert.equal(leaklint(dir).code, 0);
    const unused = leaklint(dir, "--report-unused-directives", "--format", "json");
    const findings = JSON.parse(unused.stdout) as Array<{ filePath: string; ruleId: string; line: number }>;
    assert.deepEqual(findings.map((f) => [path.basename(f.filePath), f.ruleId, f.line]), [["c.ts", "unused-directive", 4]]);
  });

  test("a file with syntax errors is reported and the others are still linted", () => {
    const dir = project({ "broken.ts": "export function (\n", "poller.ts": LEAKY, "junk.js": "\u0000\u0001\u0002ELF\u0000" });
    const result = leaklint(dir, "--format", "json");
    const findings = JSON.parse(result.stdout) as Array<{ filePath: string; ruleId: string; message: string }>;
    const byFile = new Map(findings.map((f) => [path.basename(f.filePath), f]));
    assert.equal(byFile.get("broken.ts")?.ruleId, "parse-error");
    assert.match(byFile.get("broken.ts")!.message, /^Parsing error: /);
    assert.equal(byFile.get("junk.js")?.ruleId, "parse-error");
    assert.equal(byFile.get("poller.ts")?.ruleId, "uncleared-interval");
  });

  test("a rule that throws is isolated to one internal-error per file", () => {
    const plugin = `module.exports.rules = [{
      id: "always-throws",
      meta: { family: "resource", description: "test rule that throws", fix: "none", requiresTypeInfo: false, requires: [], defaultSeverity: "error" },
      messages: { x: "x" }, schema: {}, defaultOptions: {},
      create() { return { [${callExpressionKind()}]: () => { throw new Error("boom"); } }; },
    }];\n`;
    const dir = project({ "a.ts": LEAKY, "b.ts": LEAKY, "plugin.js": plugin });
    const result = leaklint(dir, "--plugin", "./plugin.js", "--format", "json");
    const findings = JSON.parse(result.stdout) as Array<{ filePath: string; ruleId: string; message: string }>;
    const internal = findings.filter((f) => f.ruleId === "internal-error");
    assert.equal(internal.length, 2, "one per file");
    assert.match(internal[0].message, /Rule "always-throws" failed on this file and was skipped for it: Error: boom/);
    assert.equal(findings.filter((f) => f.ruleId === "uncleared-interval").length, 2, "other rules still run");
  });

  test("--explain prints the rule documentation", () => {
    const dir = project({});
    const result = leaklint(dir, "--explain", "uncleared-interval");
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^# uncleared-interval\n/);
    assert.equal(leaklint(dir, "--explain", "nope").code, 2);
  });

  test("skips node_modules, .gitignore'd files and declaration files", () => {
    const dir = project({
      "node_modules/dep/index.js": "setInterval(() => {}, 1);\nmodule.exports = 1;\n",
      "build/out.ts": LEAKY,
      ".gitignore": "build/\n",
      "types.d.ts": "declare const x: number;\n",
      "src/ok.ts": CLEAN,
    });
    const result = leaklint(dir, "--format", "json");
    assert.equal(result.code, 0, result.stdout);
    assert.deepEqual(JSON.parse(result.stdout), []);
  });

  test("test files: no growth, timer, listener, context or unread-body findings by default; other resource findings stay; overrides change it", () => {
    const files = {
      "src/poller.test.ts": LEAKY,
      "test/helpers.ts": LEAKY,
      "src/stream.spec.ts": STREAM_LEAK,
      "src/poller.ts": LEAKY,
    };
    assert.deepEqual(findingIds(project(files)), ["src/poller.ts:uncleared-interval", "src/stream.spec.ts:unclosed-stream"]);
    // Test folders by other names; a signal listener and an unread body in a test helper are the test's own.
    const bodyLeak = "export async function ping(url: string): Promise<boolean> {\n  const res = await fetch(url);\n  return res.ok;\n}\n";
    const signalLeak = "export function wait(signal: AbortSignal, done: () => void): void {\n  signal.addEventListener(\"abort\", done);\n}\n";
    const helpers = {
      "packages/integration-tests/src/helpers/session.ts": bodyLeak,
      "e2e/wait.ts": signalLeak,
      "spec/support/api.ts": bodyLeak,
      "api-tests/stream.ts": STREAM_LEAK,
      "src/ping.ts": bodyLeak,
      "src/wait.ts": signalLeak,
    };
    assert.deepEqual(findingIds(project(helpers)),
      ["api-tests/stream.ts:unclosed-stream", "src/ping.ts:unconsumed-response-body", "src/wait.ts:abort-signal-listener-leak"]);
    const reEnabled = JSON.stringify({ overrides: [{ files: ["*.test.ts"], rules: { "uncleared-interval": "error" } }] });
    assert.deepEqual(findingIds(project({ ...files, "leaklint.config.json": reEnabled })),
      ["src/poller.test.ts:uncleared-interval", "src/poller.ts:uncleared-interval", "src/stream.spec.ts:unclosed-stream"]);
    const offInSrc = JSON.stringify({ overrides: [{ files: ["src/"], rules: { "unclosed-stream": "off" } }] });
    assert.deepEqual(findingIds(project({ ...files, "leaklint.config.json": offInSrc })), ["src/poller.ts:uncleared-interval"]);
    const noBuiltins = JSON.stringify({ builtinOverrides: false });
    assert.equal(findingIds(project({ ...files, "leaklint.config.json": noBuiltins })).length, 4);
  });

  test("one-shot scripts: no resource findings in scripts/ and examples/ by default; timers stay; overrides change it", () => {
    const files = { "scripts/release.ts": `${STREAM_LEAK}\n${LEAKY}`, "src/stream.ts": STREAM_LEAK };
    assert.deepEqual(findingIds(project(files)), ["scripts/release.ts:uncleared-interval", "src/stream.ts:unclosed-stream"]);
    // Example folders named for what they show are examples too; a folder merely containing the word is not.
    const named = { "extra/push-examples/node/index.ts": STREAM_LEAK, ".scripts/compare.ts": STREAM_LEAK, "src/examplesParser/stream.ts": STREAM_LEAK };
    assert.deepEqual(findingIds(project(named)), ["src/examplesParser/stream.ts:unclosed-stream"]);
    const reEnabled = JSON.stringify({ overrides: [{ files: ["scripts/"], rules: { "unclosed-stream": "warn" } }] });
    assert.deepEqual(findingIds(project({ ...files, "leaklint.config.json": reEnabled })),
      ["scripts/release.ts:uncleared-interval", "scripts/release.ts:unclosed-stream", "src/stream.ts:unclosed-stream"]);
  });

  test("components: .vue and .svelte script blocks are linted at their own lines; <script setup> runs per instance; --fix keeps the template", () => {
    const vue = [
      "<template><p>{{ n }}</p></template>",
      "<script lang=\"ts\">",
      "export class Poller {",
      "  start(): void {",
      "    setInterval(() => this.poll(), 1000);",
      "  }",
      "  poll(): void {}",
      "  dispose(): void {}",
      "}",
      "</script>",
      "<script setup lang=\"ts\">",
      "import { ref, onMounted } from \"vue\";",
      "const n = ref(0);",
      "const seen = new Map<string, number>();",
      "window.addEventListener(\"resize\", () => seen.set(String(window.innerWidth), 1));",
      "onMounted(() => {",
      "  setInterval(() => n.value++, 1000);",
      "});",
      "const data = await fetch(\"/api/x\").then((r) => r.json());",
      "</script>",
      "<style>p { color: red; }</style>",
      "",
    ].join("\n");
    const svelte = "<script>\n  import { onMount } from \"svelte\";\n  let count = 0;\n  onMount(() => {\n    setInterval(() => count++, 1000);\n  });\n</script>\n<p>{count}</p>\n";
    const dir = project({ "src/Clock.vue": vue, "src/Counter.svelte": svelte, "src/Empty.vue": "<template><p>no script</p></template>\n" });
    const found = (JSON.parse(leaklint(dir, "--format", "json").stdout) as Array<{ filePath: string; ruleId: string; line: number; column: number; message: string }>)
      .map((d) => `${path.basename(d.filePath)}:${d.line}:${d.column}:${d.ruleId}`);
    // The per-instance `seen` map is not a module-level collection; the mount hook's interval is per mount.
    assert.deepEqual(found.sort(), ["Clock.vue:17:3:uncleared-interval", "Clock.vue:5:5:uncleared-interval", "Counter.svelte:5:5:uncleared-interval"]);
    leaklint(dir, "--fix");
    const fixed = fs.readFileSync(path.join(dir, "src/Clock.vue"), "utf8");
    assert.match(fixed, /^<template><p>\{\{ n \}\}<\/p><\/template>\n<script lang="ts">\n/);
    assert.match(fixed, /this\.interval = setInterval\(\(\) => this\.poll\(\), 1000\);/);
    assert.match(fixed, /<\/script>\n<style>p \{ color: red; \}<\/style>\n$/);
    assert.equal(fixed.slice(fixed.indexOf("<script setup")), vue.slice(vue.indexOf("<script setup"))); // no safe fix there: untouched
  });

  test("importers: a module only loaded in development, and a mixin of the root app only, lose the findings that depend on it", () => {
    const mixin = `export default {\n  created() {\n    window.addEventListener("resize", this.onResize);\n  },\n  methods: { onResize() {} },\n};\n`;
    const files = {
      "src/main.js": `import { createApp } from "vue";\nimport mobile from "./mixins/mobile";\nimport App from "./App.js";\ncreateApp({ mixins: [mobile], render: () => App }).mount("#app");\n`,
      "src/mixins/mobile.js": mixin,
      "src/mixins/resize.js": mixin,
      "src/components/Chart.js": `import resize from "../mixins/resize";\nexport default { mixins: [resize] };\n`,
      "src/routes/index.js": `if (process.env.NODE_ENV === "development") {\n  require("./debug")();\n}\nrequire("./api")();\n`,
      "src/routes/debug.js": `${STREAM_LEAK.replace("import fs from \"node:fs\";", "const fs = require(\"node:fs\");").replace("export function header", "module.exports = function header")}`,
      "src/routes/api.js": `${STREAM_LEAK.replace("import fs from \"node:fs\";", "const fs = require(\"node:fs\");").replace("export function header", "module.exports = function header")}`,
    };
    assert.deepEqual(findingIds(project(files)), ["src/mixins/resize.js:listener-not-removed", "src/routes/api.js:unclosed-stream"]);
  });

  test("importers: an exported function every importer only calls at module level runs once (relative and @/ specifiers)", () => {
    const starter = (name: string) => `export default function ${name}() {\n  setInterval(() => console.log("${name}"), 60_000);\n}\n`;
    const files = {
      "src/main.js": `import initServiceWorker from "@/utils/sw";\nimport { startPolling } from "./utils/poll";\ninitServiceWorker();\nstartPolling();\n`,
      "src/utils/sw.js": starter("initServiceWorker"),
      "src/utils/poll.js": `export function startPolling() {\n  setInterval(() => console.log("poll"), 5_000);\n}\nexport function startTicker() {\n  setInterval(() => console.log("tick"), 5_000);\n}\n`,
      "src/utils/refresh.js": starter("refresh"),
      "src/views/page.js": `import refresh from "../utils/refresh";\nimport { startTicker } from "../utils/poll";\nexport function onShow() {\n  refresh();\n  startTicker();\n}\n`,
      // Registered once, but the handler it registers runs per request.
      "src/routes.js": `export function registerRoutes(app) {\n  app.get("/stream", (req, res) => {\n    const tick = setInterval(() => res.write("x"), 1000);\n    res.write(String(tick));\n  });\n}\n`,
      "src/server.js": `import express from "express";\nimport { registerRoutes } from "./routes";\nconst app = express();\nregisterRoutes(app);\n`,
    };
    assert.deepEqual(findingIds(project(files)), ["src/routes.js:uncleared-interval", "src/utils/poll.js:uncleared-interval", "src/utils/refresh.js:uncleared-interval"]);
  });

  test("importers: a component every importer mounts as the application's root loses its per-mount findings", () => {
    const listenerClass = (name: string) => `import React from "react";\nexport default class ${name} extends React.Component {\n`
      + `  componentDidMount() {\n    window.addEventListener("contextmenu", () => this.forceUpdate());\n  }\n`
      + `  componentWillUnmount() {\n    console.log("bye");\n  }\n  render() {\n    return <div />;\n  }\n}\n`;
    const component = (name: string) => `import { useEffect } from "react";\ndeclare const rpc: { on(e: string, f: () => void): void };\n`
      + `export default function ${name}() {\n  useEffect(() => {\n    rpc.on("select", () => {});\n  }, []);\n  return <div />;\n}\n`;
    const files = {
      "lib/index.tsx": `import { createRoot } from "react-dom/client";\nimport Hyper from "./containers/hyper";\ndeclare const Provider: (p: { children: unknown }) => null;\n`
        + `createRoot(document.getElementById("mount")!).render(\n  <Provider>\n    <Hyper />\n  </Provider>\n);\n`,
      "lib/containers/hyper.tsx": component("Hyper").replace("return <div />;", "return <div><TermsContainer /></div>;")
        .replace("export default", "import TermsContainer from \"./terms\";\nexport default"),
      "lib/containers/pane.tsx": component("Pane"),
      "lib/containers/tabs.tsx": `import Pane from "./pane";\nexport default function Tabs() {\n  return <div><Pane /></div>;\n}\n`,
      // Rendered once by the root, through a connect()-style wrapper module: mounted once.
      "lib/containers/terms.ts": `import Terms from "../components/terms";\ndeclare function connect(): (c: unknown) => unknown;\nconst TermsContainer = connect()(Terms);\nexport default TermsContainer;\n`,
      "lib/components/terms.tsx": listenerClass("Terms"),
      // Rendered per item by the root: mounted per item.
      "lib/components/tab.tsx": listenerClass("Tab"),
      "lib/list.tsx": `import { createRoot } from "react-dom/client";\nimport Tab from "./components/tab";\n`
        + `createRoot(document.body).render(<ul>{["a", "b"].map((k) => <Tab key={k} />)}</ul>);\n`,
    };
    assert.deepEqual(findingIds(project(files)), ["lib/components/tab.tsx:listener-not-removed", "lib/containers/pane.tsx:listener-not-removed"]);
  });

  test("importers: children a root component's markup renders once, unconditionally, are mounted once ($lib and @/ aliases)", () => {
    const counter = "<script>\n  import { onMount } from \"svelte\";\n  let count = 0;\n  onMount(() => {\n    setInterval(() => count++, 1000);\n  });\n</script>\n<p>{count}</p>\n";
    const vueChild = "<template><p /></template>\n<script>\nexport default {\n  mounted() {\n    setInterval(() => this.poll(), 60_000);\n  },\n  methods: { poll() {} },\n};\n</script>\n";
    const files = {
      "src/routes/+layout.svelte": "<script>\n  import Backplate from \"$lib/components/Backplate.svelte\";\n  import Toast from \"$lib/components/Toast.svelte\";\n  let show = false;\n</script>\n"
        + "<div><slot /></div>\n{#if show}\n  <Toast />\n{/if}\n<Backplate />\n",
      "src/lib/components/Backplate.svelte": counter,
      // Rendered under `{#if}`: mounted each time the condition turns true.
      "src/lib/components/Toast.svelte": counter,
      "src/App.vue": "<template>\n  <div>\n    <notification-manager />\n    <connection-panel v-if=\"!connected\" />\n  </div>\n</template>\n<script>\n"
        + "import NotificationManager from \"@/components/NotificationManager.vue\";\nimport ConnectionPanel from \"./components/ConnectionPanel.vue\";\n"
        + "export default { components: { NotificationManager, ConnectionPanel }, data: () => ({ connected: false }) };\n</script>\n",
      "src/components/NotificationManager.vue": vueChild,
      "src/components/ConnectionPanel.vue": vueChild,
      // `typeof ImageViewer` in a type renders nothing: the viewer is still rendered once; the lightbox, under `v-if`, is not.
      "web/App.vue": "<template>\n  <div>\n    <image-viewer ref=\"viewer\" />\n    <Lightbox v-if=\"open\" />\n  </div>\n</template>\n<script lang=\"ts\">\n"
        + "import type { InjectionKey, Ref } from \"vue\";\nimport ImageViewer from \"./ImageViewer.vue\";\nimport Lightbox from \"./Lightbox.vue\";\n"
        + "export const viewerKey = Symbol() as InjectionKey<Ref<typeof ImageViewer | null>>;\nexport const lightboxKey = Symbol() as InjectionKey<Ref<typeof Lightbox | null>>;\n"
        + "export default { components: { ImageViewer, Lightbox }, data: () => ({ open: false }) };\n</script>\n",
      "web/ImageViewer.vue": vueChild,
      "web/Lightbox.vue": vueChild,
    };
    assert.deepEqual(findingIds(project(files)), ["src/components/ConnectionPanel.vue:uncleared-interval", "src/lib/components/Toast.svelte:uncleared-interval",
      "web/Lightbox.vue:uncleared-interval"]);
  });

  test("importers: calls in once-callbacks, after a once-guard, and of a default-exported object's methods run once; test helpers are tests", () => {
    const starter = (object: string, method: string) => `const ${object} = {};\n${object}.${method} = (source) => {\n  setInterval(() => source.poll(), 1000);\n};\nexport default ${object};\n`;
    const updates = (name: string) => `export function ${name}() {\n  setInterval(() => console.log("${name}"), 60_000);\n}\n`;
    const unread = "export async function upsert() {\n  const res = await fetch(\"http://localhost:9070/deployments\", { method: \"POST\" });\n  if (!res.ok) throw new Error(\"failed\");\n}\n";
    const files = {
      "app/src/js/main.js": "import listener from \"./listener\";\nimport ticker from \"./ticker\";\ndeclare const button: HTMLElement;\n"
        + "document.addEventListener(\"DOMContentLoaded\", () => {\n  navigator.mediaDevices.getUserMedia({ audio: true }).then((stream) => listener.listening(stream));\n"
        + "  button.addEventListener(\"click\", () => ticker.start(button));\n});\n",
      "app/src/js/listener.js": starter("listener", "listening"),
      // Called from a click handler: once per click.
      "app/src/js/ticker.js": starter("ticker", "start"),
      "studio/src-commercial/main.ts": "import { manageUpdates, startSync } from \"@/background/updates\";\ndeclare const app: { on(e: string, f: () => void): void };\n"
        + "let initialized = false;\nasync function initBasics() {\n  startSync();\n  if (initialized) return;\n  initialized = true;\n  manageUpdates();\n}\n"
        + "app.on(\"activate\", () => void initBasics());\napp.on(\"second-instance\", () => void initBasics());\n",
      "studio/src/background/updates.ts": updates("manageUpdates") + updates("startSync"),
      "plugins/queue/src/admin.ts": unread,
      "plugins/queue/src/tests/queue.test.ts": "import { upsert } from \"../admin\";\nimport { send } from \"../client\";\nawait upsert();\nawait send();\n",
      // Imported by production code too: not a test helper.
      "plugins/queue/src/client.ts": unread.replace("upsert", "send"),
      "plugins/queue/src/index.ts": "export { send } from \"./client\";\n",
      // Imported relatively only by a test, but by its package name elsewhere: not a test helper.
      "plugins/queue/src/retry.ts": unread,
      "plugins/queue/src/tests/retry.test.ts": "import { upsert } from \"../retry\";\nawait upsert();\n",
      "apps/web/page.ts": "import { upsert } from \"@acme/queue/src/retry\";\nexport const load = () => upsert();\n",
      "e2e_tests/setup/start.ts": unread,
    };
    assert.deepEqual(findingIds(project(files)), [
      "app/src/js/ticker.js:uncleared-interval", "plugins/queue/src/client.ts:unconsumed-response-body", "plugins/queue/src/retry.ts:unconsumed-response-body",
      "studio/src/background/updates.ts:uncleared-interval",
    ]);
  });

  test("committed bundles are skipped in directories, counted in --stats, and linted when named", () => {
    const leak = "setInterval(() => {}, 1);\n";
    const dir = project({
      ".yarn/releases/yarn-berry.cjs": leak,
      "vendor/lib.min.js": leak,
      "vendor/long-lines.js": `var a = "${"x".repeat(5000)}";\n${leak}`,
      "vendor/mapped.js": `var a = "${"x".repeat(600)}";\n${leak}//# sourceMappingURL=mapped.js.map\n`,
      "src/schema.js": `// @generated by a tool\n${leak}`,
      // Wrapped at a column by its minifier: no very long line, but 400-character lines for 24 KB.
      "data/wrapped.js": `${`var b=[${"1,".repeat(196)}1];\n`.repeat(60)}${leak}`,
      // Hand-written with a few long lines: linted.
      "src/table.js": `${`var c = "${"y".repeat(300)}";\n`}${"var d = 1;\n".repeat(200)}${leak}`,
      "src/ok.ts": CLEAN,
    });
    const result = leaklint(dir, "--stats", "--format", "json");
    assert.equal(result.code, 1, result.stdout);
    assert.deepEqual((JSON.parse(result.stdout) as Array<{ filePath: string }>).map((d) => path.basename(d.filePath)), ["table.js"]);
    assert.match(result.stderr, /skipped bundles\s+6\n/);
    assert.match(result.stderr, /files\s+2\n/);
    const named = leaklint(dir, "vendor/lib.min.js", "--format", "json");
    assert.deepEqual((JSON.parse(named.stdout) as Array<{ ruleId: string }>).map((d) => d.ruleId), ["uncleared-interval"]);
    const included = leaklint(dir, "--include-bundles", "--format", "json");
    assert.equal((JSON.parse(included.stdout) as unknown[]).length, 7);
  });

  test("typed projects use their tsconfig; --stats reports times to stderr", () => {
    const dir = project({
      "tsconfig.json": JSON.stringify({ compilerOptions: { strict: true, types: [], lib: ["ES2022", "DOM"], noEmit: true }, include: ["src"] }),
      "src/poller.ts": LEAKY,
    });
    const result = leaklint(dir, "--stats");
    assert.equal(result.code, 1);
    assert.match(result.stderr, /uncleared-interval\s+\d+\.\d/);
    assert.match(result.stderr, /phase:program/);
  });
});

interface SarifLog {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string; helpUri: string }> } };
    results: Array<{ ruleId: string; fixes: unknown[]; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
  }>;
}

/** The plugin is plain JavaScript in a scratch folder; it keys its visitor by the syntax kind number. */
function callExpressionKind(): number {
  return ts.SyntaxKind.CallExpression;
}
