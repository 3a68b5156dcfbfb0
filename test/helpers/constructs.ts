import { App, Testing, TerraformStack } from "cdktf";

export type TfJson = {
  resource: Record<string, Record<string, Record<string, any>>>;
  [key: string]: any;
};

export function newStack(): TerraformStack {
  return new TerraformStack(Testing.app(), "stack");
}

/** Builds into a fresh stack and returns the parsed Terraform JSON (metadata kept when asked). */
export function synth(build: (stack: TerraformStack) => void, opts: { keepMetadata?: boolean } = {}): TfJson {
  const stack = newStack();
  build(stack);
  if (opts.keepMetadata) return JSON.parse(JSON.stringify(stack.toTerraform()));
  return JSON.parse(Testing.synth(stack));
}

/** All resources of a type, by logical id. */
export function resources(json: TfJson, type: string): Record<string, any> {
  return json.resource?.[type] ?? {};
}

/** The only resource of a type; fails when there are zero or several. */
export function only(json: TfJson, type: string): any {
  const all = Object.values(resources(json, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}

/** The single resource of `type` whose logical id contains `fragment`. */
export function byId(json: TfJson, type: string, fragment: string): any {
  const hits = Object.entries(resources(json, type)).filter(([id]) => id.includes(fragment));
  if (hits.length !== 1) throw new Error(`expected one ${type} matching ${fragment}, found ${hits.map(([id]) => id).join(", ") || "none"}`);
  return hits[0]![1];
}

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: unknown;
  Principal?: unknown;
  Sid?: string;
}

export function statementsOf(policy: string): Statement[] {
  const doc = JSON.parse(policy) as { Version: string; Statement: Statement[] };
  if (doc.Version !== "2012-10-17") throw new Error(`unexpected policy version ${doc.Version}`);
  return doc.Statement;
}

/** The inline policy statements of the role whose logical id contains `roleFragment` (e.g. "InstanceRole"). */
export function rolePolicy(json: TfJson, roleFragment: string): Statement[] {
  const roleIds = Object.keys(resources(json, "aws_iam_role")).filter((id) => id.includes(roleFragment));
  if (roleIds.length !== 1) throw new Error(`expected one role matching ${roleFragment}, found ${roleIds.join(", ")}`);
  const policies = Object.values(resources(json, "aws_iam_role_policy")).filter(
    (p: any) => p.role === `\${aws_iam_role.${roleIds[0]}.name}`,
  );
  if (policies.length === 0) return [];
  if (policies.length > 1) throw new Error(`role ${roleIds[0]} has ${policies.length} inline policies`);
  return statementsOf(policies[0].policy);
}

export function trustOf(json: TfJson, roleFragment: string): Statement[] {
  return statementsOf(byId(json, "aws_iam_role", roleFragment).assume_role_policy);
}

export { App };
