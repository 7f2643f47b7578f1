import type { Clock } from '../../domain/index.js';

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
