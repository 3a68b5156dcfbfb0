import { describe, expect, it } from "vitest";
import { configAddress, modulePrefix, splitAddress } from "../../src/normalize/address.js";

/** The character-by-character reading the fast path must agree with (dots inside [...] and "..." do not split). */
function splitByCharacters(address: string): string[] {
  const parts: string[] = [];
  let current = "";
  let depth = 0;
  let inString = false;
  for (let i = 0; i < address.length; i++) {
    const c = address[i]!;
    if (inString) {
      current += c;
      if (c === "\\") current += address[++i] ?? "";
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "[") depth++;
    else if (c === "]") depth--;
    if (c === "." && depth === 0) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  return parts;
}

describe("splitAddress", () => {
  const written = [
    "aws_iam_role.app",
    "module.svc.aws_apprunner_service.this",
    'module.svc["a.b"].aws_iam_role.r[0]',
    'aws_ssm_parameter.p["x\\".y"]',
    "data.aws_iam_policy_document.d",
    "module.a[0].module.b[1].aws_x.y",
    "",
    ".",
    "a..b",
    'a["unterminated.b',
    "a].b",
    'a["k\\\\"].b',
  ];

  it("splits as Terraform writes addresses", () => {
    expect(splitAddress('module.svc["a.b"].aws_iam_role.r[0]')).toEqual(["module", 'svc["a.b"]', "aws_iam_role", "r[0]"]);
    expect(modulePrefix('module.svc["a.b"].aws_iam_role.r[0]')).toBe('module.svc["a.b"]');
    expect(configAddress('module.svc["a.b"].aws_iam_role.r[0]')).toBe("module.svc.aws_iam_role.r");
  });

  it("agrees with the character-by-character reading on written and random addresses", () => {
    const alphabet = ['a', '.', '[', ']', '"', '\\', '0', '_'];
    let seed = 20251203;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const generated = Array.from({ length: 3000 }, () => Array.from({ length: 1 + Math.floor(random() * 14) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(""));
    for (const address of [...written, ...generated]) expect(splitAddress(address), address).toEqual(splitByCharacters(address));
  });
});
