import { validateIntRange, validateLength } from "./private/validate.js";

export interface HealthCheckCommonOptions {
  /** Seconds between checks. @default 5 */
  readonly interval?: number;
  /** Seconds to wait for an answer. @default 2 */
  readonly timeout?: number;
  /** Consecutive successes before an instance is healthy. @default 1 */
  readonly healthyThreshold?: number;
  /** Consecutive failures before an instance is replaced. @default 5 */
  readonly unhealthyThreshold?: number;
}

export interface HttpHealthCheckOptions extends HealthCheckCommonOptions {
  /** @default "/" */
  readonly path?: string;
}

/** How App Runner decides an instance is healthy. Prefer HTTP with a path (rule AR-NET-003). */
export class HealthCheck {
  /** An HTTP GET on `path` must answer 2xx. */
  static http(options: HttpHealthCheckOptions = {}): HealthCheck {
    validateLength("healthCheck.path", options.path, 1, 51200);
    return new HealthCheck("HTTP", options, options.path ?? "/");
  }

  /** Only proves the port accepts connections. */
  static tcp(options: HealthCheckCommonOptions = {}): HealthCheck {
    return new HealthCheck("TCP", options);
  }

  readonly interval: number;
  readonly timeout: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;

  private constructor(
    readonly protocol: "HTTP" | "TCP",
    options: HealthCheckCommonOptions,
    readonly path?: string,
  ) {
    validateIntRange("healthCheck.interval", options.interval, 1, 20);
    validateIntRange("healthCheck.timeout", options.timeout, 1, 20);
    validateIntRange("healthCheck.healthyThreshold", options.healthyThreshold, 1, 20);
    validateIntRange("healthCheck.unhealthyThreshold", options.unhealthyThreshold, 1, 20);
    this.interval = options.interval ?? 5;
    this.timeout = options.timeout ?? 2;
    this.healthyThreshold = options.healthyThreshold ?? 1;
    this.unhealthyThreshold = options.unhealthyThreshold ?? 5;
  }
}
