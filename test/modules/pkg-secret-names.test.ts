import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App, TerraformStack } from "cdktf";
import { describe, expect, test } from "vitest";
import { NON_SECRET_NAME_WORDS, SECRET_NAME_PATTERNS, secretLikeName } from "../../modules/private/validate.js";
import { PolicyEngine } from "../../src/evaluate/engine.js";
import { repoRoot } from "../helpers/paths.js";

/** One list for the constructs and the Rego parameters: the constructs refuse exactly what AR-SEC-001 reports. */
const params = JSON.parse(readFileSync(join(repoRoot, "policies/apprunner_guard/params/data.json"), "utf8")) as {
  secret_name_patterns: string[];
  non_secret_name_words: string[];
};

const NOT_SECRETS = ["OAUTH_REDIRECT_URL", "AUTHOR", "TOKEN_TTL_SECONDS", "SECRETS_REGION", "PASSWORD_MIN_LENGTH", "GIT_AUTHOR_NAME", "auth-endpoint"];
const SECRETS = ["DB_PASSWORD", "URL_SIGNING_SECRET", "GIT_AUTHOR_TOKEN", "REGION_API_KEY", "Stripe_Api_Key", "AUTH_MODE"];

describe("secret-like names: constructs and Rego parameters agree", () => {
  test("secret_name_patterns and non_secret_name_words are the same lists in modules/ and data.json", () => {
    expect(SECRET_NAME_PATTERNS.map((p) => p.source)).toEqual(params.secret_name_patterns);
    expect(SECRET_NAME_PATTERNS.every((p) => p.flags === "i")).toBe(true);
    expect([...NON_SECRET_NAME_WORDS]).toEqual(params.non_secret_name_words);
  });

  test.each(NOT_SECRETS)("%s is not secret-like for the constructs", (name) => {
    expect(secretLikeName(name)).toBeUndefined();
  });

  test.each(SECRETS)("%s is secret-like for the constructs", (name) => {
    expect(secretLikeName(name)).toBeDefined();
  });

  test("the compiled policy (AR-SEC-001) judges every name as the constructs do", async () => {
    const engine = await PolicyEngine.load();
    const env = Object.fromEntries([...NOT_SECRETS, ...SECRETS].map((n) => [n, "x"]));
    const model = {
      model_version: 1,
      source: { kind: "terraform-json", path: "pkg.tf.json", stack: null },
      resources: {
        "aws_apprunner_service.api": {
          address: "aws_apprunner_service.api", type: "aws_apprunner_service", name: "api", module: "", mode: "managed", actions: ["create"],
          values: { source_configuration: [{ image_repository: [{ image_configuration: [{ port: "8080", runtime_environment_variables: env }] }] }] },
          unknown: [], refs: {}, origin: { construct_path: null, file: null },
        },
      },
      by_type: { aws_apprunner_service: ["aws_apprunner_service.api"] },
      referenced_by: {},
    };
    const flagged = engine
      .evaluate(model as never, engine.manifest.params)
      .filter((f) => f.rule_id === "AR-SEC-001")
      .map((f) => f.attribute.split(".").pop()!)
      .sort();
    expect(flagged).toEqual([...SECRETS].sort());
  });
});

test("constructs and pass agree end to end: the names are accepted by AppRunnerService", async () => {
  const { AppRunnerService, Source, WafProtection } = await import("../../modules/index.js");
  const app = new App();
  const stack = new TerraformStack(app, "pkg");
  const service = new AppRunnerService(stack, "Api", {
    source: Source.fromEcrPublic({ imageIdentifier: "public.ecr.aws/nginx/nginx:1.27", imageConfiguration: { port: 8080 } }),
    waf: WafProtection.webAcl("arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/pkg/0a1b2c3d-1111-2222-3333-444455556666"),
  });
  for (const name of NOT_SECRETS) expect(() => service.addEnvironmentVariable(name, "x")).not.toThrow();
});
