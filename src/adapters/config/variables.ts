/**
 * Why the configuration is unusable: every problem found, each in one line that never contains a
 * secret. `message` joins them (still one line), for whoever logs the error as a whole.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(problems: string | readonly string[]) {
    const lines = (typeof problems === 'string' ? [problems] : problems).map((problem) =>
      problem.replace(/\s*[\r\n]+\s*/g, ' '),
    );
    super(lines.join('; '));
    this.problems = lines;
  }
}

interface Spellings {
  readonly yes: readonly string[];
  readonly no: readonly string[];
}
export const YES_NO: Spellings = { yes: ['1', 'true', 'yes'], no: ['0', 'false', 'no'] };
export const ON_OFF: Spellings = { yes: ['on', ...YES_NO.yes], no: ['off', ...YES_NO.no] };

/**
 * The variables, read once each, and every problem found in them. A reader that finds a value
 * unusable records the problem and answers its fallback, so reading goes on and the operator
 * learns every bad variable at once (`throwIfAny`), not one per attempt.
 */
export class Variables {
  private readonly problems: string[] = [];
  private readonly refused = new Set<string>();

  constructor(private readonly vars: NodeJS.Dict<string>) {}

  /** The value untrimmed, as set (a secret is taken as it is). */
  raw(name: string): string | undefined {
    return this.vars[name];
  }

  /** The trimmed value; undefined when unset or blank. */
  text(name: string): string | undefined {
    const value = this.vars[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  /** Whether `name` was set and refused. */
  refusedAny(...names: string[]): boolean {
    return names.some((name) => this.refused.has(name));
  }

  refuse(name: string, problem: string): void {
    this.refused.add(name);
    if (!this.problems.includes(problem)) this.problems.push(problem);
  }

  /** The value passed through `parse`, which answers null for an unusable one. */
  parsed<T>(name: string, fallback: T, parse: (raw: string) => T | null, problem: string): T {
    const raw = this.text(name);
    if (raw === undefined) return fallback;
    const value = parse(raw);
    if (value !== null) return value;
    this.refuse(name, problem);
    return fallback;
  }

  integer(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    return this.parsed(
      name,
      fallback,
      (raw) => {
        const value = Number(raw);
        const usable = /^\d+$/.test(raw) && Number.isSafeInteger(value);
        return usable && value >= min && value <= max ? value : null;
      },
      `${name} must be an integer ${range}`,
    );
  }

  /** A switch, in any case, spelt one of `spellings`. */
  flag(name: string, fallback: boolean, spellings: Spellings = YES_NO): boolean {
    return this.parsed(
      name,
      fallback,
      (raw) => {
        const value = raw.toLowerCase();
        if (spellings.yes.includes(value)) return true;
        return spellings.no.includes(value) ? false : null;
      },
      `${name} must be one of ${[...spellings.yes, ...spellings.no].join(', ')}`,
    );
  }

  /** One of `allowed`, spelt exactly, or in any case with `anyCase`. */
  choice<T extends string>(
    name: string,
    fallback: T,
    allowed: readonly T[],
    { anyCase = false } = {},
  ): T {
    const same = (a: string, b: string) =>
      anyCase ? a.toLowerCase() === b.toLowerCase() : a === b;
    return this.parsed(
      name,
      fallback,
      (raw) => allowed.find((value) => same(value, raw)) ?? null,
      `${name} must be one of ${allowed.join(', ')}`,
    );
  }

  /** Throws a ConfigError with every problem recorded, if there is one. */
  throwIfAny(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}
