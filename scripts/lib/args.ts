// The command-line arguments of a tool, through Node's own strict parser (util.parseArgs, strict: true): an
// unknown or misspelled flag, a flag without its value, or a stray argument is refused with the tool's usage,
// never silently ignored. Configuration stays in the environment (config.ts); arguments are for what a person
// types for one run (--reps 5, a file).

import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { fatal } from "./log.ts";

export class UsageError extends Error {}

/** Parse `args` (default: this process's) against `options`; throws UsageError naming the fault and the usage.
 * `positionals`: how many plain arguments the tool takes at most (default none). */
export function toolArgs<const T extends ParseArgsOptionsConfig>(
  usage: string,
  options: T,
  { args = process.argv.slice(2), positionals = 0 }: { args?: string[]; positionals?: number } = {},
) {
  let parsed: ReturnType<typeof parseArgs<{ options: T; strict: true; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: true });
  } catch (e) {
    throw new UsageError(`${(e as Error).message.split(". ")[0]}\nusage: ${usage}`);
  }
  if (parsed.positionals.length > positionals)
    throw new UsageError(`unexpected argument '${parsed.positionals[positionals]}'\nusage: ${usage}`);
  return parsed;
}

/** A whole-number option's value (`raw` as parsed, undefined when absent), or UsageError. */
export function wholeArg(name: string, raw: string | undefined, fallback: number, min = 1): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} ${raw}: expected a whole number >= ${min}`);
  return n;
}

/** A tool's last word (`main().catch(fatalOrUsage)`): a UsageError is its message on stderr and exit 2; anything
 * else is log.ts's fatal (exit 1). */
export function fatalOrUsage(e: unknown): never {
  if (!(e instanceof UsageError)) fatal(e);
  console.error(e.message);
  process.exit(2);
}
