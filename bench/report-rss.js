// Preloaded into a benchmarked process (`node -r`): writes its peak RSS (KB) to $LEAKLINT_RSS_FILE at exit.
"use strict";
process.on("exit", () => require("node:fs").writeFileSync(process.env.LEAKLINT_RSS_FILE, String(process.resourceUsage().maxRSS)));
