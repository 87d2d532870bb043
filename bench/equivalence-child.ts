/** One equivalence of an N-rule pair in a fresh process, for its peak memory (bench/analysis.bench.ts). */
import { equivalent } from '../src/analysis/questions.js';
import { defaultSnapshot } from '../src/servicetags/index.js';
import { workload } from './analysis.bench.js';

const rules = Number(process.argv[2] ?? 10000);
const snapshot = defaultSnapshot('Public');
snapshot.addresses('AzureCloud');
const baseMb = process.resourceUsage().maxRSS / 1024;
const pair = workload(snapshot, rules, 3);
const t0 = performance.now();
equivalent(pair.a, pair.b);
const ms = performance.now() - t0;
console.log(JSON.stringify({ ms, peakMb: process.resourceUsage().maxRSS / 1024, baseMb }));
