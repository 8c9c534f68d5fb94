import fc from 'fast-check';

/** One broken promise found by a case. */
export interface CaseFailure {
  /**
   * What kind of failure this is, independent of the case's sizes (e.g.
   * `converged-residual|chaotic`): failures with one signature are one finding.
   */
  readonly signature: string;
  /** What was observed versus promised, for this case. */
  readonly message: string;
  /** Features of the case (method, dtype, …), aggregated per signature to show its reach. */
  readonly tags?: Readonly<Record<string, string>>;
  /** An observation worth reporting that breaks no promise (counted under notes, not failures). */
  readonly note?: boolean;
}

/** A distinct finding of a class: every failing case with its signature, and one reproducer. */
export interface Finding {
  readonly className: string;
  readonly signature: string;
  /** The message of the reproducer's case. */
  readonly message: string;
  /** Failing cases with this signature. */
  readonly count: number;
  /** fast-check seed and path that replay the reproducer (`--replay CLASS --seed S --path P`). */
  readonly seed: number;
  readonly path: string;
  /** The reproducer's case, printed compactly. */
  readonly counterexample: string;
  /** Whether the reproducer was shrunk from the first failing case. */
  readonly shrunk: boolean;
  /** Tag values seen across the failing cases (e.g. every method that failed this way). */
  readonly tags: Readonly<Record<string, readonly string[]>>;
}

/** What one class of the campaign did. */
export interface ClassResult {
  readonly name: string;
  /** Cases run. */
  readonly tried: number;
  /** Cases that broke a promise. */
  readonly failingCases: number;
  /** Distinct findings, most frequent first. */
  readonly findings: readonly Finding[];
  /** Set when the class could not run here (e.g. no WebGPU adapter), saying why. */
  readonly skipped?: string;
  /** Observations that are not failures (e.g. options accepted and ignored). */
  readonly notes?: readonly string[];
  readonly seconds: number;
}

/** A property class: a generator of plain-data cases and a check of one case. */
export interface PropertyClass<T> {
  readonly name: string;
  readonly arbitrary: fc.Arbitrary<T>;
  check(value: T): Promise<CaseFailure | undefined>;
  describe(value: T): string;
}

/** How hard to run a class. */
export interface RunSettings {
  readonly seed: number;
  readonly numRuns: number;
  /** Findings to shrink (most frequent first); 0 keeps the first failing case as the reproducer. */
  readonly shrink: number;
  /** Time each shrink may take. */
  readonly shrinkMs: number;
}

/**
 * Runs a property class in "collect" mode: every case runs (fast-check stops at the first
 * counterexample, which would hide every later finding), failing cases are grouped by
 * signature, and the first case of each group is then replayed by its fast-check path
 * and shrunk — keeping only shrinks that fail *the same way* — into a small reproducer.
 */
export async function runClass<T>(cls: PropertyClass<T>, settings: RunSettings): Promise<ClassResult> {
  const started = performance.now();
  let index = 0;
  const groups = new Map<string, { first: number; count: number; failure: CaseFailure; value: T; tags: Map<string, Set<string>> }>();
  const notes = new Map<string, { count: number; message: string; value: T; path: string }>();
  await fc.check(
    fc.asyncProperty(cls.arbitrary, async (value) => {
      // fast-check's path for the n-th generated case (no shrinking here) is "n".
      const at = index++;
      const failure = await cls.check(value);
      if (failure === undefined) return true;
      if (failure.note === true) {
        const note = notes.get(failure.signature);
        if (note === undefined) notes.set(failure.signature, { count: 1, message: failure.message, value, path: String(at) });
        else note.count++;
        return true;
      }
      let group = groups.get(failure.signature);
      if (group === undefined) {
        group = { first: at, count: 0, failure, value, tags: new Map() };
        groups.set(failure.signature, group);
      }
      group.count++;
      for (const [key, v] of Object.entries(failure.tags ?? {})) {
        let set = group.tags.get(key);
        if (set === undefined) group.tags.set(key, (set = new Set()));
        set.add(v);
      }
      return true;
    }),
    { seed: settings.seed, numRuns: settings.numRuns },
  );
  const ordered = [...groups.entries()].sort((a, b) => b[1].count - a[1].count);
  const findings: Finding[] = [];
  for (const [n, [signature, group]] of ordered.entries()) {
    let reproducer = { value: group.value, failure: group.failure, path: String(group.first), shrunk: false };
    if (n < settings.shrink) reproducer = await shrink(cls, settings, signature, group.first, reproducer);
    findings.push({
      className: cls.name,
      signature,
      message: reproducer.failure.message,
      count: group.count,
      seed: settings.seed,
      path: reproducer.path,
      counterexample: cls.describe(reproducer.value),
      shrunk: reproducer.shrunk,
      tags: Object.fromEntries([...group.tags.entries()].map(([k, set]) => [k, [...set].sort()])),
    });
  }
  return {
    name: cls.name,
    tried: index,
    failingCases: [...groups.values()].reduce((sum, g) => sum + g.count, 0),
    findings,
    notes: [...notes.entries()].map(([signature, n]) => `${n.count}× ${signature}: ${n.message} — e.g. path ${n.path}: ${cls.describe(n.value)}`),
    seconds: (performance.now() - started) / 1000,
  };
}

/** Replays case `first` and lets fast-check shrink it while it keeps failing with `signature`. */
async function shrink<T>(
  cls: PropertyClass<T>,
  settings: RunSettings,
  signature: string,
  first: number,
  fallback: { value: T; failure: CaseFailure; path: string; shrunk: boolean },
): Promise<{ value: T; failure: CaseFailure; path: string; shrunk: boolean }> {
  let last = fallback;
  const details = await fc.check(
    fc.asyncProperty(cls.arbitrary, async (value) => {
      const failure = await cls.check(value);
      if (failure?.signature !== signature) return true;
      last = { value, failure, path: '', shrunk: true };
      return false;
    }),
    { seed: settings.seed, path: String(first), interruptAfterTimeLimit: settings.shrinkMs },
  );
  if (!details.failed || details.counterexamplePath === null) return fallback;
  return { ...last, path: details.counterexamplePath, shrunk: details.counterexamplePath.includes(':') };
}

/**
 * Replays one case of a class by seed and path (as printed with a finding) and returns
 * it with what it did — a reproducer for whoever fixes the bug.
 */
export async function replay<T>(cls: PropertyClass<T>, seed: number, path: string): Promise<{ counterexample: string; failure: CaseFailure | undefined }> {
  let seen: { value: T; failure: CaseFailure | undefined } | undefined;
  await fc.check(
    fc.asyncProperty(cls.arbitrary, async (value) => {
      const failure = await cls.check(value);
      seen = { value, failure };
      return failure === undefined;
    }),
    { seed, path, endOnFailure: true, numRuns: 1 },
  );
  if (seen === undefined) throw new Error(`no case at path ${path}`);
  return { counterexample: cls.describe(seen.value), failure: seen.failure };
}

/** JSON with numbers cut to 4 significant digits and functions named: a compact, readable case. */
export function compact(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number') return Number.isFinite(v) ? Number(v.toPrecision(4)) : String(v);
    if (typeof v === 'function') return `[function ${v.name}]`;
    return v;
  });
}
