import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ACTIONS_ALLOWED_ON_ANY_RESOURCE, assertLeastPrivilege, PolicyStatement } from "../../modules/policy.js";
import { FORBIDDEN_PORTS } from "../../modules/private/validate.js";
import { ConstructError } from "../../modules/index.js";
import { opaBinary } from "../helpers/opa.js";
import { repoRoot } from "../helpers/paths.js";

// The constructs refuse what the rules reject, from copies of the rules' defaults (modules/ cannot import the
// policy pass, and the parameters file is not in the constructs' build). Nothing but these tests keeps the
// copies equal; secret-name lists are held the same way in pkg-secret-names.test.ts.
const params = JSON.parse(readFileSync(join(repoRoot, "policies/apprunner_guard/params/data.json"), "utf8")) as {
  forbidden_ports: number[];
  actions_allowed_on_any_resource: string[];
};

/** A rule's own value, read from the Rego source with the pinned OPA, so the test cannot restate it. */
function regoValue(ref: string): unknown {
  const rule = "policies/rules/iam/instance_role_privilege_escalation/rule.rego";
  const out = JSON.parse(execFileSync(opaBinary(), ["eval", "--format", "json", "-d", rule, "-d", "policies/lib", ref], { cwd: repoRoot, encoding: "utf8" }));
  return out.result[0].expressions[0].value;
}

describe("constants the constructs share with the rules", () => {
  test("forbidden ports: validate.ts and AR-NET-002's default forbidden_ports are the same list", () => {
    expect([...FORBIDDEN_PORTS]).toEqual(params.forbidden_ports);
  });

  test("actions allowed on resource *: policy.ts and AR-IAM-003's default are the same list", () => {
    expect([...ACTIONS_ALLOWED_ON_ANY_RESOURCE]).toEqual(params.actions_allowed_on_any_resource);
  });

  test("every action AR-IAM-005 calls dangerous is refused by the constructs on a specific resource", () => {
    const dangerous = regoValue("data.apprunner_guard.rules.iam.instance_role_privilege_escalation.dangerous") as string[];
    expect(dangerous.length).toBeGreaterThan(5);
    // apprunner:CreateService is dangerous to the rule only with iam:PassRole; the constructs refuse it alone (stricter).
    for (const action of [...dangerous, "apprunner:createservice"]) {
      const statement = new PolicyStatement({ actions: [action], resources: ["arn:aws:iam::123456789012:role/app"] });
      expect(() => assertLeastPrivilege("instanceRole", statement), action).toThrow(ConstructError);
      expect(() => assertLeastPrivilege("instanceRole", statement), action).toThrow("escalate its own privileges");
    }
  });

  test("an action the rule does not list passes the same check (the test is not vacuous)", () => {
    expect(() => assertLeastPrivilege("instanceRole", new PolicyStatement({ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }))).not.toThrow();
  });
});
