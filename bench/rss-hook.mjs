// Preloaded into every benchmarked process (node --import): on exit, writes the process's
// peak resident set size (KiB) to BENCH_RSS_FILE, the same way for TestRelay and its peers.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE) {
    writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
  }
});
