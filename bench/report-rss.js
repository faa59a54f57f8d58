// Preloaded into a benchmarked process (`node -r`): writes its peak RSS (KB) and CPU time (user +
// system, ms; worker threads included) as JSON to $LEAKLINT_RSS_FILE at exit.
"use strict";
process.on("exit", () => {
  const usage = process.resourceUsage();
  require("node:fs").writeFileSync(process.env.LEAKLINT_RSS_FILE, JSON.stringify({ maxRSS: usage.maxRSS, cpu: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
});
