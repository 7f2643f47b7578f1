import { pino, type DestinationStream } from 'pino';

/** pino's file destination (sonic-boom), as much of it as this module uses. */
interface SonicBoomLike {
  write(data: string): boolean;
  flush(cb?: (error?: Error) => void): void;
  flushSync(): void;
}

/** A log destination that can be flushed at once, before the process exits. */
export interface FlushableDestination extends DestinationStream {
  flushSync(): void;
}

/** Above this many bytes waiting, the lines go out at once instead of at the end of the turn. */
const MAX_PENDING_BYTES = 16 * 1024;

/**
 * Log lines to a file descriptor, written together once per event-loop turn instead of one
 * write(2) each: every line logged while the loop handles one batch of I/O (a few requests under
 * load, a single one when idle) goes out in one synchronous write in that same turn (setImmediate),
 * so a line is never held back longer than the turn that logged it. Under load that is one
 * system call, and one wake-up of whoever reads the pipe, for several access-log lines.
 *
 * Nothing is lost on the way out: `process.exit` (the graceful shutdown on SIGTERM/SIGINT ends
 * with it) and an uncaught exception both emit `exit`, where what is left is written
 * synchronously. Only a death that runs no JavaScript (SIGKILL, an unhandled fatal signal) loses
 * the lines of its last turn.
 *
 * The buffering and writing are sonic-boom's (pino's own destination, synchronous): this only
 * decides when it flushes.
 */
export function batchedDestination(fd = 1): FlushableDestination {
  // minLength below maxWrite (16 KiB): sonic-boom writes by itself once this much is waiting.
  const sink = pino.destination({
    dest: fd,
    sync: true,
    minLength: MAX_PENDING_BYTES - 1,
  }) as unknown as SonicBoomLike;
  let scheduled = false;
  const flushTurn = () => {
    scheduled = false;
    sink.flush();
  };
  const flushSync = () => {
    try {
      sink.flushSync();
    } catch {
      // stdout closed (EPIPE, EBADF): nothing more can be written anywhere
    }
  };
  process.once('exit', flushSync);
  return {
    write(line: string): void {
      sink.write(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(flushTurn);
      }
    },
    flushSync,
  };
}
