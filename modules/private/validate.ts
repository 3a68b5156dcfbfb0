import { Token } from "cdktf";
import type { IConstruct } from "constructs";
import { createHash } from "node:crypto";

/**
 * A construct-time refusal. The message names the construct path (once) and the problem; there is
 * no stack trace, because the message says everything and the frames would point into this package.
 */
export class ConstructError extends Error {
  declare readonly name: "ConstructError";
  /** The problem without the path. */
  declare readonly problem: string;
  /** The construct the problem is in; undefined for a factory called before any construct exists. */
  declare readonly constructPath: string | undefined;
  constructor(problem: string, constructPath?: string) {
    super(constructPath ? `${constructPath}: ${problem}` : problem);
    // Not enumerable, so Node prints an uncaught one as its message line alone, not the message again in a property dump.
    for (const [key, value] of [["name", "ConstructError"], ["problem", problem], ["constructPath", constructPath]] as const) {
      Object.defineProperty(this, key, { value, enumerable: false, writable: false, configurable: true });
    }
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** The error to rethrow from a construct: ours with this construct's path, unless a construct inside already named its own. */
export function scoped(scope: IConstruct, error: unknown): unknown {
  if (error instanceof ConstructError) return error.constructPath ? error : new ConstructError(error.problem, scope.node.path);
  if (error instanceof Error) return error;
  return error;
}

/**
 * Shared construct-time checks. Every message names the prop, echoes the value
 * received and says what is allowed, so a failing `cdktf synth` explains itself.
 * Values that are still tokens are skipped: they are only known at apply time.
 */

export function isToken(value: unknown): boolean {
  return (typeof value === "string" || typeof value === "number" || Array.isArray(value)) && Token.isUnresolved(value);
}

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

export function validateIntRange(prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || isToken(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConstructError(`${prop} ${show(value)} is out of range; allowed: an integer from ${min} to ${max}`);
  }
}

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function validateName(prop: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined || isToken(value)) return;
  if (value.length < min || value.length > max || !NAME_PATTERN.test(value)) {
    throw new ConstructError(
      `${prop} ${show(value)} is invalid; allowed: ${min} to ${max} characters matching ${NAME_PATTERN.source}`,
    );
  }
}

export function validateLength(prop: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined || isToken(value)) return;
  if (value.length < min || value.length > max) {
    // Echo only the start of an overlong value: the message should stay readable.
    const echo = value.length > 60 ? `${JSON.stringify(value.slice(0, 40))}...` : show(value);
    throw new ConstructError(`${prop} ${echo} has ${value.length} characters; allowed: ${min} to ${max} characters`);
  }
}

export function validateOneOf<T extends string>(prop: string, value: string | undefined, allowed: readonly T[]): void {
  if (value === undefined || isToken(value)) return;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConstructError(`${prop} ${show(value)} is not supported; allowed: ${allowed.join(", ")}`);
  }
}

/** Mirrors the default `forbidden_ports` of rule AR-NET-002: App Runner only proxies HTTP. */
export const FORBIDDEN_PORTS: readonly number[] = [
  21, 22, 23, 25, 53, 110, 111, 135, 139, 143, 389, 445, 636, 1433, 1521, 2049, 2375, 2376, 3306, 3389, 5432, 5672,
  5900, 6379, 9042, 9092, 11211, 27017,
];

export function validatePort(prop: string, value: number | undefined): void {
  if (value === undefined || isToken(value)) return;
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new ConstructError(`${prop} ${show(value)} is out of range; allowed: an integer from 1 to 65535`);
  }
  if (FORBIDDEN_PORTS.includes(value)) {
    throw new ConstructError(
      `${prop} ${value} is a well-known non-HTTP service port; allowed: an HTTP port from 1 to 65535 other than ${FORBIDDEN_PORTS.join(", ")}`,
    );
  }
}

export const RESERVED_ENV_PREFIX = "AWSAPPRUNNER";

export function validateEnvName(prop: string, name: string): void {
  if (isToken(name)) return;
  if (name.length === 0) {
    throw new ConstructError(`${prop} "" is empty; allowed: a non-empty name not starting with ${RESERVED_ENV_PREFIX}`);
  }
  if (name.toUpperCase().startsWith(RESERVED_ENV_PREFIX)) {
    throw new ConstructError(`${prop} ${show(name)} is reserved by App Runner; allowed: names not starting with ${RESERVED_ENV_PREFIX}`);
  }
}

/** Same defaults as the `secret_name_patterns` parameter of rule AR-SEC-001. */
export const SECRET_NAME_PATTERNS: readonly RegExp[] = [
  /password/i,
  /passwd/i,
  /secret/i,
  /token/i,
  /api[_-]?key/i,
  /private[_-]?key/i,
  /access[_-]?key/i,
  /credential/i,
  /auth/i,
];

const CREDENTIAL_VALUE_PATTERNS: readonly RegExp[] = [
  /(AKIA|ASIA)[A-Z0-9]{16}/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i,
  /gh[pousr]_[A-Za-z0-9]{36,}/,
  /xox[abprs]-[A-Za-z0-9-]{10,}/,
];

/**
 * Same defaults as the `non_secret_name_words` parameter of rules AR-SEC-001/002: a word of a name
 * (split at `_`, `-`, `.`) that says the value is not a secret. Only the words after the last of them
 * are matched against SECRET_NAME_PATTERNS, so OAUTH_REDIRECT_URL, AUTHOR, TOKEN_TTL_SECONDS,
 * SECRETS_REGION and PASSWORD_MIN_LENGTH are plain settings while URL_SIGNING_SECRET is a secret.
 * test/modules/pkg-secret-names.test.ts keeps both lists equal to policies/apprunner_guard/params/data.json.
 */
export const NON_SECRET_NAME_WORDS: readonly string[] = [
  "url",
  "uri",
  "urls",
  "endpoint",
  "host",
  "author",
  "authors",
  "ttl",
  "seconds",
  "timeout",
  "region",
  "length",
];

/** The part of a name the secret patterns are matched against (the Rego `secret_part`). */
export function secretPart(name: string): string {
  const words = name.toLowerCase().replace(/[-.]/g, "_").split("_");
  let last = -1;
  words.forEach((w, i) => {
    if (NON_SECRET_NAME_WORDS.includes(w)) last = i;
  });
  return last < 0 ? name : words.slice(last + 1).join("_");
}

export function secretLikeName(name: string): RegExp | undefined {
  if (isToken(name)) return undefined;
  const part = secretPart(name);
  return SECRET_NAME_PATTERNS.find((p) => p.test(part));
}

export function credentialLikeValue(value: string): boolean {
  if (isToken(value)) return false;
  return CREDENTIAL_VALUE_PATTERNS.some((p) => p.test(value));
}

/**
 * A deterministic physical name from the construct path: stable across synths,
 * unique per path, and within the API's length limit.
 */
export function physicalName(construct: IConstruct, maxLength: number): string {
  const path = construct.node.path;
  const hash = createHash("sha256").update(path).digest("hex").slice(0, 8);
  const readable = construct.node.id.replace(/[^A-Za-z0-9_-]/g, "").replace(/^[^A-Za-z0-9]+/, "") || "svc";
  return `${readable.slice(0, Math.max(1, maxLength - hash.length - 1))}-${hash}`;
}

/** Who answers for a construct-level exception to a rule, and until when: the same fields as a config waiver. */
export interface WaiverOwnership {
  /** Team or person answerable for the exception. */
  readonly owner: string;
  /** Last day (UTC, YYYY-MM-DD) the exception holds; after it the policy pass reports the finding again. */
  readonly expires: string;
  /** Optional ticket or ADR reference. @default - none */
  readonly ticket?: string;
}

/** A waiver as the constructs write it into `"//".apprunner_guard.waivers` of a resource (read by the policy pass). */
export interface ConstructWaiver extends WaiverOwnership {
  readonly rule: string;
  readonly attribute?: string;
  readonly justification: string;
}

export function validateOwnership(prop: string, waiver: Partial<WaiverOwnership> | undefined): WaiverOwnership {
  const owner = waiver?.owner;
  const expires = waiver?.expires;
  if (typeof owner !== "string" || owner.trim() === "") {
    throw new ConstructError(`${prop} owner ${show(owner)} is missing; allowed: the team or person answerable for the exception, with expires "YYYY-MM-DD"`);
  }
  const valid = typeof expires === "string" && /^\d{4}-\d{2}-\d{2}$/.test(expires) && !Number.isNaN(Date.parse(`${expires}T00:00:00Z`)) && new Date(`${expires}T00:00:00Z`).toISOString().slice(0, 10) === expires;
  if (!valid) {
    throw new ConstructError(`${prop} expires ${show(expires)} is not a date; allowed: the last day the exception holds, "YYYY-MM-DD"`);
  }
  return { owner, expires: expires as string, ...(waiver?.ticket ? { ticket: waiver.ticket } : {}) };
}
