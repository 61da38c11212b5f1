// `node dist/bench/profile-top.js <dir-or-file.cpuprofile>… [--top 25]`: the functions with the
// most self time in V8 CPU profiles (node --cpu-prof), per file, with their share of the samples.
// Used on the profiles the whole-service bench writes with BENCH_SERVICE_PROFILE=<dir>.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const inputs = args.filter((a, i) => a !== '--top' && i !== topAt + 1);
const files = inputs.flatMap((p) => (statSync(p).isDirectory() ? readdirSync(p).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(p, f)) : [p]));

const short = (url: string) => url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, '');

for (const file of files) {
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) self.set(prof.samples[i], (self.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self].filter(([id]) => ['(idle)', '(program)'].includes(byId.get(id)!.callFrame.functionName)).reduce((a, [, t]) => a + t, 0);
  const fns = new Map<string, number>();
  const pkgs = new Map<string, number>();
  for (const [id, t] of self) {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${short(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    fns.set(key, (fns.get(key) ?? 0) + t);
    const pkg = !f.url ? f.functionName : f.url.includes('/node_modules/') ? short(f.url).split('/').slice(0, short(f.url).startsWith('@') ? 2 : 1).join('/') : f.url.startsWith('node:') ? 'node:internal' : 'closeness';
    pkgs.set(pkg, (pkgs.get(pkg) ?? 0) + t);
  }
  const pctOf = (t: number) => ((100 * t) / total).toFixed(1).padStart(5);
  process.stdout.write(`\n## ${path.basename(file)}: ${(total / 1e6).toFixed(1)} s sampled, ${((100 * (total - idle)) / total).toFixed(0)}% busy\n`);
  process.stdout.write(`by package: ${[...pkgs].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, t]) => `${k} ${pctOf(t).trim()}%`).join(', ')}\n`);
  for (const [k, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${pctOf(t)}%  ${k}\n`);
}
