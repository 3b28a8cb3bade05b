// After a runner's run: `node check-notes.mjs DIR RUNNER COUNT` fails unless COUNT tests of RUNNER
// left a note in DIR (registration.cjs), all on one emulator, each in a sandbox of its own, from
// at least two worker processes (so the global setup's emulator really reached the workers).
import fs from 'node:fs';
import path from 'node:path';

const [dir, runner, count] = process.argv.slice(2);
const notes = fs.readdirSync(dir)
  .filter((file) => file.startsWith(`${runner}-`) && file.endsWith('.json'))
  .map((file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')));
const distinct = (key) => new Set(notes.map((note) => note[key])).size;
const problems = [];
if (notes.length !== Number(count)) problems.push(`${notes.length} tests left a note, not ${count}`);
if (distinct('emulator') !== 1) problems.push(`the tests used ${distinct('emulator')} emulators, not one`);
if (distinct('sandbox') !== notes.length) problems.push('two tests shared a sandbox');
if (distinct('pid') < 2) problems.push(`the tests ran in ${distinct('pid')} process(es), not in two workers`);
if (problems.length) {
  console.error(`${runner}: ${problems.join('; ')}\n${JSON.stringify(notes, null, 2)}`);
  process.exit(1);
}
console.log(`${runner}: ${notes.length} tests, one emulator, ${notes.length} sandboxes, ${distinct('pid')} workers`);
