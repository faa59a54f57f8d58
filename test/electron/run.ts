// `npm run test:electron`: the extension-host suite (mocha, inside VS Code) via
// @vscode/test-electron. Uses the VS Code build at VSCODE_EXECUTABLE_PATH when set,
// otherwise downloads one (not possible on the offline CI machines, so CI runs the
// code-server e2e test instead). The extension is loaded unpackaged from the repository
// root (run `node scripts/bundle.js` first; the npm script does).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runTests } from "@vscode/test-electron";

async function main(): Promise<void> {
  const repo = path.resolve(__dirname, "..", "..", "..");
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), "leaklint-electron-"));
  fs.cpSync(path.join(repo, "examples", "leaky-service"), workspace, { recursive: true });
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(workspace, "node_modules"), "dir");
  try {
    await runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
      extensionDevelopmentPath: repo,
      extensionTestsPath: path.join(__dirname, "suite", "index.js"),
      launchArgs: [workspace, "--disable-extensions", "--disable-workspace-trust", "--skip-welcome", "--skip-release-notes"],
    });
  } finally {
    fs.rmSync(workspace, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
