// Mocha entry point inside the extension host: runs every *.spec.js beside this file.
import fs from "node:fs";
import path from "node:path";
import Mocha from "mocha";

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: "tdd", color: true, timeout: 180_000 });
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith(".spec.js"))) mocha.addFile(path.join(__dirname, file));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
