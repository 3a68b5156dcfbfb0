import { describe, expect, test } from "vitest";
import { withoutCdktfHash } from "../../src/report/baseline.js";
import { withoutHashSuffix } from "../../src/report/sarif.js";

// Two helpers strip cdktf's 8-hex logical-id suffix: SARIF fingerprints and baseline ids. They are not one
// function because they differ at the edges, and each one's output is stored by someone (code-scanning alerts,
// baseline files). This pins both, so a merge that changes either fails here.
describe("cdktf hash suffix: SARIF fingerprints and baseline ids keep their own edges", () => {
  test.each([
    ["aws_iam_role.Api_InstanceRole_5E2C1A3B", "aws_iam_role.Api_InstanceRole", "aws_iam_role.Api_InstanceRole"],
    ["role Api_5E2C1A3B has *", "role Api has *", "role Api has *"],
    ["x_5E2C1A3B_y", "x_y", "x_5E2C1A3B_y"],
    ["_5E2C1A3B", "_5E2C1A3B", ""],
    ["a__5E2C1A3B", "a__5E2C1A3B", "a_"],
    ["Api_5e2c1a3b", "Api_5e2c1a3b", "Api_5e2c1a3b"],
  ])("%s: sarif %s, baseline %s", (input, sarif, baseline) => {
    expect(withoutHashSuffix(input)).toBe(sarif);
    expect(withoutCdktfHash(input)).toBe(baseline);
  });
});
