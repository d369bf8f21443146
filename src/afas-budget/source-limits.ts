// Each environment's limit, read from the sources table and kept for a few seconds: one query per
// worker every `ttlMs`, not one per AFAS call.
import { limitsByEnvironment, type BudgetSource } from './env-key.js';

export class SourceLimits {
  private limits = new Map<string, number>();
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly load: () => Promise<readonly BudgetSource[]>,
    private readonly ttlMs = 10_000,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * The environment's limit. An environment not seen yet (a source added since the last read)
   * reads again at once; one no source names any more gets 1, the safe side.
   */
  readonly limitOf = async (envKey: string): Promise<number> => {
    if (this.now() - this.loadedAt >= this.ttlMs || !this.limits.has(envKey)) await this.refresh();
    return this.limits.get(envKey) ?? 1;
  };

  private refresh(): Promise<void> {
    this.loading ??= this.load()
      .then((sources) => {
        this.limits = limitsByEnvironment(sources);
        this.loadedAt = this.now();
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
