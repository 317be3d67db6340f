// The only way core and vendor code speak to the user. Each CI agent supplies an
// implementation that neutralizes untrusted text for its own log syntax.
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger that drops everything (for pure helpers and unit tests). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
