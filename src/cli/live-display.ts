// A few lines redrawn in place on a terminal (a progress bar): `\r` and ANSI cursor movement,
// each line cut to the terminal's width so nothing wraps, at most a few frames per second.

const ESC = '\u001b[';
/** The narrowest terminal assumed (a reported width below this is taken as this). */
const MIN_COLUMNS = 20;

export interface LiveDisplayOptions {
  /** Fewest milliseconds between two frames (default 200: at most 5 per second). */
  minFrameMs?: number;
  /** The terminal's width; read on every frame (it may change). */
  columns?: () => number;
  now?: () => number;
}

export class LiveDisplay {
  /** Lines on screen from the last frame; the cursor sits at the end of the last one. */
  #drawn = 0;
  #lastFrame = Number.NEGATIVE_INFINITY;
  #lastText: string | undefined;
  readonly #minFrameMs: number;
  readonly #columns: () => number;
  readonly #now: () => number;

  constructor(
    private readonly stream: { write(text: string): unknown },
    options: LiveDisplayOptions = {},
  ) {
    this.#minFrameMs = options.minFrameMs ?? 200;
    this.#columns = options.columns ?? (() => 80);
    this.#now = options.now ?? Date.now;
  }

  /**
   * Draws the lines over the previous frame. Skipped when the last frame is too recent or the
   * text did not change, unless `force`. Returns whether it drew.
   */
  render(lines: readonly string[], force = false): boolean {
    const width = Math.max(MIN_COLUMNS, this.#columns()) - 1;
    const fitted = lines.map((line) => fit(line, width));
    const text = fitted.join('\n');
    const now = this.#now();
    if (!force && (text === this.#lastText || now - this.#lastFrame < this.#minFrameMs)) return false;
    this.stream.write(`${this.#home()}${ESC}J${text}`);
    this.#drawn = fitted.length;
    this.#lastText = text;
    this.#lastFrame = now;
    return true;
  }

  /** Leaves the last frame on screen and moves below it, so other output follows. */
  done(): void {
    if (this.#drawn > 0) this.stream.write('\n');
    this.#reset();
  }

  /** Removes the frame from the screen; the cursor ends where it began. */
  clear(): void {
    if (this.#drawn > 0) this.stream.write(`${this.#home()}${ESC}J`);
    this.#reset();
  }

  /** Back to the start of the frame's first line. */
  #home(): string {
    return this.#drawn > 1 ? `\r${ESC}${this.#drawn - 1}A` : '\r';
  }

  #reset(): void {
    this.#drawn = 0;
    this.#lastText = undefined;
    this.#lastFrame = Number.NEGATIVE_INFINITY;
  }
}

/** Cuts a line to `width` characters (an ellipsis marks the cut); control characters become spaces. */
export function fit(line: string, width: number): string {
  // eslint-disable-next-line no-control-regex
  const flat = line.replace(/[\u0000-\u001f\u007f]/g, ' ');
  const chars = [...flat];
  return chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : flat;
}
