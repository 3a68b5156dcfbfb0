import { isToken, ConstructError } from "./private/validate.js";

export type Effect = "Allow" | "Deny";

export interface PolicyStatementProps {
  /** IAM actions, e.g. `["dynamodb:GetItem"]`. */
  readonly actions: string[];
  /** Resource ARNs the actions apply to. */
  readonly resources: string[];
  /** @default "Allow" */
  readonly effect?: Effect;
  /**
   * IAM condition block, e.g. `{ StringEquals: { "iam:PassedToService": "apprunner.amazonaws.com" } }`.
   * @default - no condition
   */
  readonly conditions?: Record<string, Record<string, string | string[]>>;
  /** @default - no Sid */
  readonly sid?: string;
}

/** One IAM policy statement, rendered into the JSON documents the roles carry. */
export class PolicyStatement {
  readonly actions: string[];
  readonly resources: string[];
  readonly effect: Effect;
  readonly conditions?: Record<string, Record<string, string | string[]>>;
  readonly sid?: string;

  constructor(props: PolicyStatementProps) {
    if (props.actions.length === 0) throw new ConstructError("PolicyStatement actions [] is empty; allowed: one or more IAM actions");
    if (props.resources.length === 0) {
      throw new ConstructError("PolicyStatement resources [] is empty; allowed: one or more resource ARNs");
    }
    this.actions = [...props.actions];
    this.resources = [...props.resources];
    this.effect = props.effect ?? "Allow";
    this.conditions = props.conditions;
    this.sid = props.sid;
  }

  toJSON(): Record<string, unknown> {
    const one = (v: string[]) => (v.length === 1 ? v[0] : v);
    return {
      ...(this.sid ? { Sid: this.sid } : {}),
      Effect: this.effect,
      Action: one(this.actions),
      Resource: one(this.resources),
      ...(this.conditions ? { Condition: this.conditions } : {}),
    };
  }
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements.map((s) => s.toJSON()) });
}

export function trustPolicy(servicePrincipal: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: servicePrincipal }, Action: "sts:AssumeRole" }],
  });
}

/** Same default as the `actions_allowed_on_any_resource` parameter of rule AR-IAM-003. */
export const ACTIONS_ALLOWED_ON_ANY_RESOURCE: readonly string[] = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "xray:GetSamplingStatisticSummaries",
  "cloudwatch:PutMetricData",
  "ecr:GetAuthorizationToken",
];

/** Actions through which a running service could widen its own privileges (rule AR-IAM-005). */
const ESCALATION_ACTIONS: readonly string[] = [
  "iam:attachrolepolicy",
  "iam:attachuserpolicy",
  "iam:attachgrouppolicy",
  "iam:putrolepolicy",
  "iam:putuserpolicy",
  "iam:putgrouppolicy",
  "iam:createpolicyversion",
  "iam:setdefaultpolicyversion",
  "iam:updateassumerolepolicy",
  "iam:createaccesskey",
  "apprunner:createservice",
  "apprunner:updateservice",
];

/**
 * Refuses the instance-role statements the policy pass would reject, so the
 * construct cannot produce what the guard fails. Deny statements are never
 * widening, so they pass unchecked.
 */
export function assertLeastPrivilege(where: string, statement: PolicyStatement): void {
  if (statement.effect === "Deny") return;
  for (const action of statement.actions) {
    if (isToken(action)) continue;
    if (action === "*" || action === "*:*") {
      throw new ConstructError(`${where} action "${action}" allows every action; allowed: named actions such as "s3:GetObject"`);
    }
    if (/[*?]/.test(action)) {
      throw new ConstructError(`${where} action "${action}" is a wildcard; allowed: named actions without * or ?`);
    }
    const lower = action.toLowerCase();
    if (ESCALATION_ACTIONS.includes(lower)) {
      throw new ConstructError(`${where} action "${action}" lets the service escalate its own privileges; allowed: actions that do not change IAM or App Runner services`);
    }
    if (lower === "iam:passrole" && !JSON.stringify(statement.conditions ?? {}).includes("iam:PassedToService")) {
      throw new ConstructError(`${where} action "iam:PassRole" needs an "iam:PassedToService" condition; allowed: iam:PassRole scoped with conditions`);
    }
  }
  const anyResource = statement.resources.some((r) => !isToken(r) && r === "*");
  if (anyResource) {
    const unscopable = statement.actions.filter((a) => !isToken(a) && !ACTIONS_ALLOWED_ON_ANY_RESOURCE.includes(a));
    if (unscopable.length > 0) {
      throw new ConstructError(
        `${where} resource "*" with actions ${unscopable.map((a) => `"${a}"`).join(", ")}; allowed: resource "*" only for ${ACTIONS_ALLOWED_ON_ANY_RESOURCE.join(", ")}`,
      );
    }
  }
}
