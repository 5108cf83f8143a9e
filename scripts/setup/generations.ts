// Index generations behind the index names, no I/O: each name the code uses (btc-value, <namespace>-btc-volume...)
// is an alias of one concrete index `<name>-g<N>`, its generation. `make rebuild` fills generation N+1 and then
// moves every alias to it in one atomic `_aliases` request. A deployment from before the aliases has concrete
// indices under the names themselves (generation 0, "legacy"): the same request removes each one and adds the
// alias in its place (the rebuild keeps a clone of it as `<name>-g0` unless told to drop it).
// Used by scripts/setup/indices.ts (create, check, drop) and scripts/setup/rebuild.ts (plan, swap).

/** The concrete index of generation `n` of an alias. */
export const generationName = (alias: string, n: number) => `${alias}-g${n}`;

/** The generation number of a concrete index of `alias` (0: the legacy index named as the alias; undefined: not one
 * of its generations). */
export function generationOf(alias: string, index: string): number | undefined {
  if (index === alias) return 0;
  const m = index.startsWith(`${alias}-g`) ? /^(0|[1-9][0-9]*)$/.exec(index.slice(alias.length + 2)) : null;
  return m ? Number(m[0]) : undefined;
}

/** Where a name stands. `current`: the concrete index it resolves to (the legacy index itself, or the generation
 * its alias points to); `generations`: every generation index that exists, in use or left over. */
export type NameState = { alias: string; current?: string; legacy: boolean; generations: number[]; problem?: string };

/** The state of a name from `GET <alias>,<alias>-g*` (concrete index name to the aliases it carries). */
export function stateOf(alias: string, live: Record<string, { aliases?: Record<string, unknown> }>): NameState {
  const generations: number[] = [];
  const pointed: string[] = [];
  for (const [index, info] of Object.entries(live)) {
    const g = generationOf(alias, index);
    if (g !== undefined && g > 0) generations.push(g);
    if (Object.keys(info.aliases ?? {}).includes(alias)) pointed.push(index);
  }
  generations.sort((a, b) => a - b);
  const legacy = alias in live;
  if (legacy) return { alias, current: alias, legacy, generations };
  if (pointed.length > 1)
    return { alias, legacy, generations, problem: `alias ${alias} points to ${pointed.length} indices: ${pointed}` };
  return { alias, current: pointed[0], legacy, generations };
}

/** The generation a rebuild fills: one above every generation of every name (left-over ones included). */
export function nextGeneration(states: NameState[]): number {
  return 1 + Math.max(0, ...states.flatMap((s) => s.generations));
}

export type AliasAction =
  | { add: { index: string; alias: string } }
  | { remove: { index: string; alias: string } }
  | { remove_index: { index: string } };

/** The one `_aliases` request that moves every name to generation `n`: a legacy index is removed (deleted) in the
 * same request that adds the alias under its name; an alias leaves its old generation, which stays. */
export function swapActions(states: NameState[], n: number): AliasAction[] {
  return states.flatMap((s): AliasAction[] => {
    const add = { add: { index: generationName(s.alias, n), alias: s.alias } };
    if (!s.current) return [add];
    if (s.legacy) return [{ remove_index: { index: s.alias } }, add];
    return [{ remove: { index: s.current, alias: s.alias } }, add];
  });
}

/** The concrete index each name leaves behind after the swap (a legacy index: its clone `<name>-g0`). */
export function oldIndicesOf(states: NameState[]): string[] {
  return states.flatMap((s) => (!s.current ? [] : s.legacy ? [generationName(s.alias, 0)] : [s.current]));
}
