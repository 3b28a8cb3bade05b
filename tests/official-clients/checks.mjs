// The checks every Node suite here makes: one PASS/FAIL line per check, a call that must
// succeed, and the closing `N passed, N failed` line with the exit code (1 on any failure).

let passed = 0;
let failed = 0;

export function check(name, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`PASS ${name}`);
  } else {
    failed += 1;
    console.log(`FAIL ${name}${detail ? `: ${detail}` : ''}`);
  }
  return ok;
}

// A value as a failure message shows it (whatever it is).
export const show = (value) => {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
};

// A call that must succeed; a thrown error (including a client-side parse error) is a failure.
export async function callOk(name, fn) {
  try {
    return await fn();
  } catch (e) {
    check(name, false, `threw ${e?.constructor?.name}: code=${e?.code} ${e?.message}`);
    return undefined;
  }
}

// Runs the suite's `main`, counting a crash as a failure, and ends with the totals.
export async function runSuite(main) {
  try {
    await main();
  } catch (e) {
    check('the suite ran to its end', false, `it crashed: ${e?.stack ?? e}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
