// A command's refusal (make rebuild, make restore): nothing was changed, and the message says what to do. Such a
// command exits 3, so a script or an operator tells a refusal from a failure (1) and from success (0).

export class Refused extends Error {}

/** Run a command's work: a Refused is its message on stderr and exit 3; success exits 0; anything else throws. */
export async function exitOnRefusal(work: () => Promise<unknown>): Promise<never> {
  try {
    await work();
  } catch (e) {
    if (!(e instanceof Refused)) throw e;
    console.error(e.message);
    process.exit(3);
  }
  process.exit(0);
}
