/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */

export interface Progress {
  tick(label?: string): void;
  done(): void;
}

const SILENT: Progress = { tick: () => undefined, done: () => undefined };

export function progress(total: number, title: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total === 0) return SILENT;
  let n = 0;
  let lastDraw = 0;
  const width = 30;
  const draw = (label: string) => {
    const filled = Math.round((n / total) * width);
    const text = `${title} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n}/${total} ${label}`;
    stream.write(`\r${text.slice(0, (stream.columns || 80) - 1)}\x1b[K`);
  };
  return {
    tick(label = '') {
      n++;
      const now = Date.now();
      if (now - lastDraw >= 50 || n === total) {
        lastDraw = now;
        draw(label);
      }
    },
    done() {
      stream.write('\r\x1b[K');
    },
  };
}
