/**
 * Equivalent forms cannot bypass a rule. Each test builds a canonical plan and variants that AWS /
 * Terraform treat the same, runs the real pass in-process and compares verdicts (rule id + the
 * service/role a finding is about, so a statement moved to another policy resource still counts as the
 * same finding). Every canonical case also asserts it *is* rejected, so "same verdict" is never two passes.
 * Properties use a fixed seed (printed; FUZZ_SEED / FUZZ_RUNS override).
 */
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import { plan, ref } from "../helpers/plan.js";
import { engine, evaluateDocument, fuzzSettings, printFuzz, ruleIds, verdictOf } from "../helpers/fail-closed.js";

type Json = Record<string, unknown>;
const ACCOUNT = "123456789012";
const ROLE_NAME = "instance-role";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;
const TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "tasks.apprunner.amazonaws.com" }, Action: "sts:AssumeRole" }] };
const { seed, numRuns } = fuzzSettings(100);

interface Statement {
  Effect: string;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: unknown;
}

/** A clean, private, pinned, tagged App Runner service whose instance role is ROLE_ARN. */
function service(overrides: { imageConfiguration?: Json; network?: unknown; address?: string } = {}): Parameters<typeof plan>[0][number] {
  const address = overrides.address ?? "aws_apprunner_service.api";
  return {
    address,
    type: "aws_apprunner_service",
    name: "api",
    after: {
      service_name: "api",
      source_configuration: [
        {
          image_repository: [
            {
              image_identifier: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/api@sha256:${"a".repeat(64)}`,
              image_repository_type: "ECR",
              image_configuration: [{ port: "8080", ...overrides.imageConfiguration }],
            },
          ],
        },
      ],
      instance_configuration: [{ instance_role_arn: ROLE_ARN }],
      health_check_configuration: [{ protocol: "HTTP", path: "/healthz" }],
      observability_configuration: [{ observability_enabled: false }],
      ...(overrides.network === undefined ? { network_configuration: [{ ingress_configuration: [{ is_publicly_accessible: false }] }] } : overrides.network === "absent" ? {} : { network_configuration: overrides.network }),
      tags: { Environment: "prod", Owner: "team" },
    },
  };
}

function role(trust: unknown = TRUST, extra: Json = {}, prefix = "") {
  return {
    address: `${prefix}aws_iam_role.instance`,
    type: "aws_iam_role",
    name: "instance",
    ...(prefix ? { module_address: prefix.slice(0, -1) } : {}),
    after: { name: ROLE_NAME, arn: ROLE_ARN, assume_role_policy: typeof trust === "string" ? trust : JSON.stringify(trust), ...extra },
  };
}

function rolePolicy(name: string, statements: Statement[] | string, prefix = "") {
  return {
    address: `${prefix}aws_iam_role_policy.${name}`,
    type: "aws_iam_role_policy",
    name,
    ...(prefix ? { module_address: prefix.slice(0, -1) } : {}),
    after: { role: ROLE_NAME, policy: typeof statements === "string" ? statements : JSON.stringify({ Version: "2012-10-17", Statement: statements }) },
  };
}

async function verdict(document: unknown, rename?: (a: string) => string) {
  const { findings } = await evaluateDocument(document);
  return { verdict: verdictOf(findings, rename), rules: ruleIds(findings) };
}

/** Canonical form: one aws_iam_role_policy holding the statements, lower-case actions as lists. */
const canonical = (statements: Statement[]) => plan([service(), role(), rolePolicy("app", statements)]);

/** Results for the closing note: every bypass form tried and what the pass said. */
const tried: string[] = [];
/** Findings the fixture service itself earns (private without an ingress connection, no tracing, no CMK). */
const SERVICE_BASELINE = new Set(["AR-NET-004", "AR-OPS-001", "AR-SEC-004"]);
function record(form: string, rules: string[]) {
  const shown = rules.filter((r) => !SERVICE_BASELINE.has(r));
  tried.push(`${form} -> ${rules.length === 0 ? "ACCEPTED" : shown.length === 0 ? "only the fixture's own findings" : shown.join(", ")}`);
}

/** Random upper/lower case per character. */
const randomCase = (s: string) => fc.array(fc.boolean(), { minLength: s.length, maxLength: s.length }).map((flips) => [...s].map((c, i) => (flips[i] ? c.toUpperCase() : c.toLowerCase())).join(""));

describe("equivalent forms get the same verdict", () => {
  beforeAll(async () => {
    await engine();
  });

  test("Action as a string vs a one-element list, in any letter case (property)", async () => {
    const dangerous = ["*", "s3:*", "iam:PassRole", "iam:PutRolePolicy", "sts:AssumeRole", "iam:Pass*", "iam:PassRol?"];
    const expected: Record<string, string> = {};
    for (const action of dangerous) {
      const { verdict: v, rules } = await verdict(canonical([{ Effect: "Allow", Action: [action.toLowerCase()], Resource: "*" }]));
      expect(rules.length, action).toBeGreaterThan(0);
      expected[action] = JSON.stringify(v);
      record(`Action ${JSON.stringify(action)} on Resource "*"`, rules);
    }
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...dangerous).chain((a) => fc.tuple(fc.constant(a), randomCase(a), fc.boolean())),
        async ([action, cased, asString]) => {
          const { verdict: v } = await verdict(canonical([{ Effect: "Allow", Action: asString ? cased : [cased], Resource: "*" }]));
          expect(JSON.stringify(v)).toBe(expected[action]);
        },
      ),
      { seed, numRuns },
    );
    printFuzz("Action string/list and letter case", seed, numRuns);
    record(`Action in random letter case ("S3:*", "IAM:passrole"), as string or list`, ["same verdict as lower case"]);
  });

  test("NotAction and NotResource are at least as bad as the wildcard they stand for", async () => {
    const notAction = await verdict(canonical([{ Effect: "Allow", NotAction: ["s3:GetObject"], Resource: "*" }]));
    expect(notAction.rules).toEqual(expect.arrayContaining(["AR-IAM-001", "AR-IAM-003", "AR-IAM-005"]));
    record(`NotAction ["s3:GetObject"] on Resource "*"`, notAction.rules);

    const notActionString = await verdict(canonical([{ Effect: "Allow", NotAction: "S3:GetObject", Resource: "*" }]));
    expect(notActionString.verdict).toEqual(notAction.verdict);
    record(`NotAction "S3:GetObject" (string, mixed case)`, notActionString.rules);

    const anyResource = await verdict(canonical([{ Effect: "Allow", Action: ["iam:PassRole"], Resource: "*" }]));
    const notResource = await verdict(canonical([{ Effect: "Allow", Action: ["iam:PassRole"], NotResource: [`arn:aws:iam::${ACCOUNT}:role/other`] }]));
    expect(anyResource.rules).toEqual(expect.arrayContaining(["AR-IAM-003", "AR-IAM-005"]));
    expect(notResource.verdict).toEqual(anyResource.verdict);
    record(`NotResource [one role ARN] with iam:PassRole (vs Resource "*")`, notResource.rules);
  });

  test("statements split across several policies and attachments of every kind (property)", async () => {
    const statements: Statement[] = [
      { Effect: "Allow", Action: ["s3:*"], Resource: "*" },
      { Effect: "Allow", Action: ["iam:PassRole"], Resource: "*" },
      { Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/t` },
      { Effect: "Allow", Action: ["apprunner:CreateService"], Resource: `arn:aws:apprunner:us-east-1:${ACCOUNT}:service/x/*` },
    ];
    const base = await verdict(canonical(statements));
    expect(base.rules).toEqual(expect.arrayContaining(["AR-IAM-002", "AR-IAM-003", "AR-IAM-005"]));
    const kinds = ["role_policy", "inline_policy", "policy_attachment", "iam_policy_attachment", "exclusive", "managed_policy_arns"] as const;

    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 3 }), { minLength: statements.length, maxLength: statements.length }),
        fc.array(fc.constantFrom(...kinds), { minLength: 4, maxLength: 4 }),
        async (groupOf, groupKinds) => {
          const resources: Parameters<typeof plan>[0] = [service()];
          const inline: Json[] = [];
          const managed: string[] = [];
          for (let g = 0; g < 4; g++) {
            const mine = statements.filter((_, i) => groupOf[i] === g);
            if (mine.length === 0) continue;
            const doc = JSON.stringify({ Version: "2012-10-17", Statement: mine });
            const policyArn = `arn:aws:iam::${ACCOUNT}:policy/p${g}`;
            const customer = { address: `aws_iam_policy.p${g}`, type: "aws_iam_policy", name: `p${g}`, after: { name: `p${g}`, arn: policyArn, policy: doc } };
            const kind = groupKinds[g]!;
            if (kind === "role_policy") resources.push(rolePolicy(`p${g}`, mine));
            else if (kind === "inline_policy") inline.push({ name: `p${g}`, policy: doc });
            else if (kind === "managed_policy_arns") {
              resources.push(customer);
              managed.push(policyArn);
            } else {
              resources.push(customer);
              const attachment =
                kind === "policy_attachment"
                  ? { type: "aws_iam_role_policy_attachment", after: { role: ROLE_NAME, policy_arn: policyArn } }
                  : kind === "iam_policy_attachment"
                    ? { type: "aws_iam_policy_attachment", after: { name: `a${g}`, roles: [ROLE_NAME], policy_arn: policyArn } }
                    : { type: "aws_iam_role_policy_attachments_exclusive", after: { role_name: ROLE_NAME, policy_arns: [policyArn] } };
              resources.push({ address: `${attachment.type}.a${g}`, name: `a${g}`, ...attachment });
            }
          }
          resources.push(role(TRUST, { ...(inline.length > 0 ? { inline_policy: inline } : {}), ...(managed.length > 0 ? { managed_policy_arns: managed } : {}) }));
          const v = await verdict(plan(resources));
          expect(v.verdict).toEqual(base.verdict);
        },
      ),
      { seed: seed + 10, numRuns },
    );
    printFuzz("statements split across policies/attachments", seed + 10, numRuns);
    record(
      "the same 4 statements split at random across aws_iam_role_policy, inline_policy, aws_iam_policy + role_policy_attachment / policy_attachment / attachments_exclusive / managed_policy_arns",
      ["same verdict as one policy: " + base.rules.join(", ")],
    );
  });

  test("a policy document as statement blocks of data.aws_iam_policy_document, with mixed-case actions", async () => {
    const base = await verdict(canonical([{ Effect: "Allow", Action: ["s3:*", "iam:passrole"], Resource: "*" }]));
    const document = {
      address: "data.aws_iam_policy_document.app",
      mode: "data" as const,
      type: "aws_iam_policy_document",
      name: "app",
      actions: ["read"],
      after: { statement: [{ effect: "Allow", actions: ["S3:*", "IAM:PassRole"], resources: ["*"] }] },
      after_unknown: { json: true },
    };
    const policy = {
      address: "aws_iam_role_policy.app",
      type: "aws_iam_role_policy",
      name: "app",
      after: { role: ROLE_NAME },
      after_unknown: { policy: true },
      expressions: { role: { constant_value: ROLE_NAME }, policy: ref("data.aws_iam_policy_document.app.json", "data.aws_iam_policy_document.app") },
    };
    const v = await verdict(plan([service(), role(), document, policy]));
    expect(v.verdict).toEqual(base.verdict);
    record("deferred data.aws_iam_policy_document statement blocks with actions S3:* / IAM:PassRole", v.rules);
  });

  test("policies inside a module get the same verdict as at the root", async () => {
    const statements: Statement[] = [{ Effect: "Allow", Action: ["*"], Resource: "*" }];
    const base = await verdict(canonical(statements));
    expect(base.rules).toContain("AR-IAM-001");
    const moduled = plan([service({ address: "module.app.aws_apprunner_service.api" }), role(TRUST, {}, "module.app."), rolePolicy("app", statements, "module.app.")].map((r) =>
      r.address.startsWith("module.app.") && !("module_address" in r) ? { ...r, module_address: "module.app", name: "api" } : r,
    ));
    const v = await verdict(moduled, (a) => a.replace(/^module\.app\./, ""));
    expect(v.verdict).toEqual(base.verdict);
    record("service, role and policy inside module.app", v.rules);
  });

  test("JSON policy strings with odd whitespace, key order, unicode escapes and a single-object Statement (property)", async () => {
    const statements: Statement[] = [
      { Effect: "Allow", Action: ["s3:*"], Resource: "*" },
      { Effect: "Allow", Action: "iam:PassRole", Resource: ["*"] },
    ];
    const base = await verdict(canonical(statements));
    expect(base.rules).toEqual(expect.arrayContaining(["AR-IAM-002", "AR-IAM-003", "AR-IAM-005"]));
    const ws = fc.array(fc.constantFrom(" ", "\t", "\n", "\r\n", "   "), { maxLength: 3 }).map((a) => a.join(""));
    /** JSON text of a value with random whitespace between tokens, random key order and \u escapes. */
    const serialize = (value: unknown, pick: () => number, space: () => string): string => {
      if (typeof value === "string") {
        return `"${[...value].map((c) => (pick() % 3 === 0 ? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}` : c === '"' || c === "\\" ? `\\${c}` : c)).join("")}"`;
      }
      if (Array.isArray(value)) return `[${space()}${value.map((v) => serialize(v, pick, space)).join(`${space()},${space()}`)}${space()}]`;
      if (value && typeof value === "object") {
        const entries = Object.entries(value);
        for (let i = entries.length - 1; i > 0; i--) {
          const j = pick() % (i + 1);
          [entries[i], entries[j]] = [entries[j]!, entries[i]!];
        }
        return `{${space()}${entries.map(([k, v]) => `${serialize(k, pick, space)}${space()}:${space()}${serialize(v, pick, space)}`).join(`${space()},${space()}`)}${space()}}`;
      }
      return JSON.stringify(value);
    };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { minLength: 64, maxLength: 64 }), fc.array(ws, { minLength: 64, maxLength: 64 }), fc.boolean(), async (picks, spaces, single) => {
        let p = 0;
        let s = 0;
        const pick = () => picks[p++ % picks.length]!;
        const space = () => spaces[s++ % spaces.length]!;
        const docs = single
          ? statements.map((st) => serialize({ Version: "2012-10-17", Statement: st }, pick, space))
          : [serialize({ Version: "2012-10-17", Statement: statements }, pick, space)];
        const v = await verdict(plan([service(), role(), ...docs.map((d, i) => rolePolicy(`p${i}`, d))]));
        expect(v.verdict).toEqual(base.verdict);
      }),
      { seed: seed + 20, numRuns },
    );
    printFuzz("policy JSON whitespace/key order/escapes", seed + 20, numRuns);
    record(`policy JSON with random whitespace (tabs, CRLF), key order, \\u escapes ("\\u002a"), Statement as one object`, ["same verdict: " + base.rules.join(", ")]);
  });

  test('Principal "*" vs {"AWS": "*"} vs {"AWS": ["*"]} in a trust policy', async () => {
    const trust = (principal: unknown) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: principal, Action: "sts:AssumeRole" }] });
    const forms: unknown[] = ["*", { AWS: "*" }, { AWS: ["*"] }];
    const results = [];
    for (const principal of forms) {
      const v = await verdict(plan([service(), role(trust(principal))]));
      expect(v.rules).toContain("AR-IAM-006");
      record(`trust Principal ${JSON.stringify(principal)}`, v.rules);
      results.push(v.verdict);
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    const mixed = await verdict(plan([service(), role(trust({ Service: "tasks.apprunner.amazonaws.com", AWS: "*" }))]));
    expect(mixed.verdict).toEqual(results[0]);
    record(`trust Principal {"Service": "tasks.apprunner.amazonaws.com", "AWS": "*"}`, mixed.rules);
  });

  test("secret-like env var names in lower, upper and mixed case (property)", async () => {
    const names = ["DB_PASSWORD", "API_KEY", "GITHUB_TOKEN", "CLIENT_SECRET", "AWS_ACCESS_KEY", "SMTP_CREDENTIALS", "AUTH_HEADER", "PRIVATE_KEY"];
    const expected = new Map<string, string>();
    for (const name of names) {
      const v = await verdict(plan([service({ imageConfiguration: { runtime_environment_variables: { [name]: "value" } } }), role()]));
      expect(v.rules, name).toContain("AR-SEC-001");
      expected.set(name, JSON.stringify(v.verdict));
    }
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names).chain((n) => fc.tuple(fc.constant(n), randomCase(n))), async ([name, cased]) => {
        const v = await verdict(plan([service({ imageConfiguration: { runtime_environment_variables: { [cased]: "value" } } }), role()]));
        expect(JSON.stringify(v.verdict)).toBe(expected.get(name));
      }),
      { seed: seed + 30, numRuns },
    );
    printFuzz("env var name letter case", seed + 30, numRuns);
    record("secret-like env names in random case (db_password, Api_Key, gItHuB_tOkEn, ...)", ["AR-SEC-001 in every case"]);

    const ssm = `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/db`;
    for (const name of ["DB_PASSWORD", "db_password", "Db_PassWord"]) {
      const v = await verdict(plan([service({ imageConfiguration: { runtime_environment_secrets: { [name]: ssm } } }), role()]));
      expect(v.rules, name).toContain("AR-SEC-002");
      record(`runtime_environment_secrets ${name} from SSM`, v.rules);
    }
  });

  test('ports "22", 22, " 22 " and other spellings are never accepted', async () => {
    // Decision: App Runner's port is a string holding a TCP port number. A padded or otherwise
    // non-canonical spelling (" 22 ", "+22", "0x16", "2.2e1") is not a port AR-NET-002 can vouch for:
    // it is reported as "not an integer between 1 and 65535", so the verdict is never "accepted".
    const clean = await verdict(plan([service(), role()]));
    expect(clean.rules).not.toContain("AR-NET-002");
    for (const port of ["22", 22, " 22 ", "22 ", "022", "+22", "0x16", "2.2e1", "22.0", 22.5, "", "65536", 0, -22, "٢٢"]) {
      const v = await verdict(plan([service({ imageConfiguration: { port } }), role()]));
      expect(v.rules, JSON.stringify(port)).toEqual([...clean.rules, "AR-NET-002"].sort());
      record(`port ${JSON.stringify(port)}`, v.rules);
    }
  });

  test("is_publicly_accessible missing, null or true: the same public verdict", async () => {
    const forms: [string, unknown][] = [
      ["true", [{ ingress_configuration: [{ is_publicly_accessible: true }] }]],
      ["missing network_configuration", "absent"],
      ["empty network_configuration", [{}]],
      ["empty ingress_configuration", [{ ingress_configuration: [{}] }]],
      ["is_publicly_accessible null", [{ ingress_configuration: [{ is_publicly_accessible: null }] }]],
    ];
    const results = [];
    for (const [name, network] of forms) {
      const v = await verdict(plan([service({ network }), role()]));
      expect(v.rules, name).toContain("AR-NET-001");
      record(`is_publicly_accessible: ${name}`, v.rules);
      results.push(v.verdict);
    }
    for (const r of results) expect(r).toEqual(results[0]);
  });

  test("a role reached through a module output gets the same verdict as a direct reference", async () => {
    const admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    const svc = (roleRef: string[]) => ({
      ...service(),
      after: { ...service().after, instance_configuration: [{}] },
      after_unknown: { instance_configuration: [{ instance_role_arn: true }] },
      expressions: { instance_configuration: [{ instance_role_arn: ref(...roleRef) }] },
    });
    const roleRes = (prefix: string) => ({
      address: `${prefix}aws_iam_role.this`,
      type: "aws_iam_role",
      name: "this",
      ...(prefix ? { module_address: "module.iam" } : {}),
      after: { name: "svc", assume_role_policy: JSON.stringify(TRUST) },
      after_unknown: { arn: true },
    });
    const attachment = (prefix: string) => ({
      address: `${prefix}aws_iam_role_policy_attachment.admin`,
      type: "aws_iam_role_policy_attachment",
      name: "admin",
      ...(prefix ? { module_address: "module.iam" } : {}),
      after: { policy_arn: admin },
      after_unknown: { role: true },
      expressions: { role: ref("aws_iam_role.this.name", "aws_iam_role.this"), policy_arn: { constant_value: admin } },
    });
    const direct = await verdict(plan([svc(["aws_iam_role.this.arn", "aws_iam_role.this"]), roleRes(""), attachment("")]));
    expect(direct.rules).toContain("AR-IAM-004");

    const viaModule = plan([svc(["module.iam.role_arn", "module.iam"]), roleRes("module.iam."), attachment("module.iam.")], {
      iam: {
        source: "./iam",
        module: {
          outputs: { role_arn: { expression: ref("aws_iam_role.this.arn", "aws_iam_role.this") } },
          resources: [
            { address: "aws_iam_role.this", mode: "managed", type: "aws_iam_role", name: "this", expressions: {} },
            {
              address: "aws_iam_role_policy_attachment.admin",
              mode: "managed",
              type: "aws_iam_role_policy_attachment",
              name: "admin",
              expressions: { role: ref("aws_iam_role.this.name", "aws_iam_role.this"), policy_arn: { constant_value: admin } },
            },
          ],
        },
      },
    });
    const v = await verdict(viaModule, (a) => a.replace(/^module\.iam\./, ""));
    expect(v.verdict).toEqual(direct.verdict);
    expect(v.rules).not.toContain("AR-META-001");
    record("instance_role_arn = module.iam.role_arn (role + AdministratorAccess attachment inside the module)", v.rules);
  });

  test("other spellings of wildcards: every-action patterns, every-ARN patterns, empty PassedToService conditions", async () => {
    const star = await verdict(canonical([{ Effect: "Allow", Action: ["*"], Resource: "*" }]));
    for (const action of ["**", "?*", "*:*", "*:**"]) {
      const v = await verdict(canonical([{ Effect: "Allow", Action: action, Resource: "*" }]));
      expect(v.verdict, action).toEqual(star.verdict);
      record(`Action ${JSON.stringify(action)} (vs "*")`, v.rules);
    }
    const anyResource = await verdict(canonical([{ Effect: "Allow", Action: ["s3:GetObject", "iam:PassRole"], Resource: "*" }]));
    expect(anyResource.rules).toEqual(expect.arrayContaining(["AR-IAM-003", "AR-IAM-005"]));
    for (const resource of ["arn:*", "arn:aws:*:*:*:*", "arn:*:*:*:*:*", ["arn:aws:s3:::b/*", "arn:*"]]) {
      const v = await verdict(canonical([{ Effect: "Allow", Action: ["s3:GetObject", "iam:PassRole"], Resource: resource }]));
      expect(v.verdict, JSON.stringify(resource)).toEqual(anyResource.verdict);
      record(`Resource ${JSON.stringify(resource)} (vs "*")`, v.rules);
    }
    const passRole = (condition: unknown) => canonical([{ Effect: "Allow", Action: "iam:PassRole", Resource: `arn:aws:iam::${ACCOUNT}:role/app-*`, Condition: condition }]);
    const scoped = await verdict(passRole({ StringEquals: { "iam:PassedToService": "apprunner.amazonaws.com" } }));
    expect(scoped.rules).not.toContain("AR-IAM-005");
    for (const condition of [{ StringLike: { "iam:PassedToService": "*" } }, { StringNotEquals: { "iam:PassedToService": "ec2.amazonaws.com" } }, { StringEquals: { "IAM:PassedToService": [] } }]) {
      const v = await verdict(passRole(condition));
      expect(v.rules, JSON.stringify(condition)).toContain("AR-IAM-005");
      record(`iam:PassRole with Condition ${JSON.stringify(condition)}`, v.rules);
    }
    const secrets = await verdict(canonical([{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "arn:*" }]));
    expect(secrets.rules).toEqual(expect.arrayContaining(["AR-IAM-003", "AR-SEC-003"]));
    record(`secretsmanager:GetSecretValue on Resource "arn:*"`, secrets.rules);
  });

  test("closing note: every bypass form tried and its result", () => {
    process.stdout.write(`[bypass] forms tried (${tried.length}; the fixture service's own AR-NET-004/AR-OPS-001/AR-SEC-004 left out):\n${tried.map((t) => `  - ${t}`).join("\n")}\n`);
    expect(tried.length).toBeGreaterThan(20);
  });
});
