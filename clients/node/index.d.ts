// Types of the hubspot-emulator test helper (index.js), checked against the README's usage by
// `tsc --strict` in CI (runners/types/usage.mts). `await using` needs TypeScript >= 5.2 and
// Symbol.asyncDispose in its lib ("esnext.disposable", or @types/node).

/** An app of the emulator's state, with the credentials a HubSpot client needs. */
export interface EmulatedApp {
  name: string;
  appId: number;
  developerApiKey?: string;
  accessToken?: string;
  clientSecret?: string;
}

/** What `POST /_emulator/fire` takes (docs/control-api.md). */
export interface FireRequest {
  appId: number;
  portalId: number;
  userId: number;
  timeoutMs?: number;
  [field: string]: unknown;
}

/** A finding of a verdict: a stable code, how bad, where, and how to fix it. */
export interface Finding {
  code: string;
  severity: 'error' | 'warning' | 'info';
  pointer?: string;
  message: string;
  [field: string]: unknown;
}

/** A delivery's verdict (docs/webhook.md). */
export interface Verdict {
  id?: number;
  outcome: string;
  findings: Finding[];
  [field: string]: unknown;
}

/** A page of a journal: oldest first; `next` is the `after` of the following page, null at the end. */
export interface JournalPage<T = Record<string, unknown>> {
  total: number;
  kept: number;
  capacity: number;
  entries: T[];
  next: number | null;
  [field: string]: unknown;
}

export interface PageQuery {
  after?: number;
  limit?: number;
}

/** A fixture document (docs/fixtures.md). */
export type Fixture = Record<string, unknown>;

/** What the emulator and each sandbox can do, each against its own state. */
export interface Target {
  /** Give this to HubSpot's clients as their base path / host (no trailing slash). */
  readonly baseUrl: string;
  /** The apps of this state with their credentials (read from GET /_emulator/state). */
  apps: EmulatedApp[];
  /** The app with this name or appId; the first without an argument. */
  app(nameOrId?: string | number): EmulatedApp;
  fire(request: FireRequest): Promise<Verdict>;
  reset(request?: { appId: number }): Promise<{ reset: 'all' | number }>;
  state(): Promise<Fixture>;
  deliveries(query?: PageQuery): Promise<JournalPage<Verdict>>;
  requests(query?: PageQuery): Promise<JournalPage>;
}

/** A sandbox: its own state under its own base URL. */
export interface Sandbox extends Target {
  readonly id: string;
  /** Deletes the sandbox (one that already expired is no error). */
  close(): Promise<void>;
  /** `await using sandbox = await emulator.sandbox()`: close() at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
}

export interface SandboxListing {
  sandboxes: Array<{ id: string; baseUrl: string; createdAt: string; idleMs: number; expiresInMs: number }>;
  limit: number;
  idleTimeoutMs: number;
}

export interface Emulator extends Target {
  /** A new sandbox seeded with `fixture`, or with the emulator's start-up fixture. */
  sandbox(fixture?: Fixture): Promise<Sandbox>;
  sandboxes(): Promise<SandboxListing>;
  /** Stops the process `start()` spawned; does nothing after `connect()`. */
  close(): Promise<void>;
  /** `await using emulator = await start()`: close() at the end of the block. */
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartOptions {
  /** A fixture object, or the path of a fixture file; the embedded demo fixture when omitted. */
  fixture?: Fixture | string;
  /** The port to bind (default 0: any free port). */
  port?: number;
  /** The binary; default $HUBSPOT_EMULATOR_BIN, else `hubspot-emulator` on PATH. */
  binary?: string;
  /** More `serve` flags, e.g. ['--max-sandboxes', '128']. */
  args?: string[];
  /** Protect the control API with this token (the helper sends it). */
  controlToken?: string;
  /** The emulator's log filter (HUBSPOT_EMULATOR_LOG), default 'warn'. */
  log?: string;
  /** How long to wait for the first line, default 15000 ms. */
  startTimeoutMs?: number;
}

export interface ConnectOptions {
  /** Default: $HUBSPOT_EMULATOR_URL. */
  baseUrl?: string;
  /** Default: $HUBSPOT_EMULATOR_CONTROL_TOKEN. */
  controlToken?: string;
}

export function start(options?: StartOptions): Promise<Emulator>;
export function connect(options?: ConnectOptions): Promise<Emulator>;
export function findBinary(given?: string): string;

/** A control-API call that did not succeed: the HTTP status and the emulator's `{"error": …}`. */
export class EmulatorError extends Error {
  constructor(message: string, status: number, body: unknown);
  readonly name: 'EmulatorError';
  readonly status: number;
  readonly body: unknown;
}

export const BINARY_ENV: 'HUBSPOT_EMULATOR_BIN';
export const URL_ENV: 'HUBSPOT_EMULATOR_URL';
