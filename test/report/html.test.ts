// The HTML report escapes everything that comes from the input and the config: a hostile construct path,
// image name, port, tag value, waiver owner or justification is text in the page, never markup.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { runCheck } from "../../src/check.js";
import { esc, renderHtml } from "../../src/report/html.js";
import { goldenReport } from "../helpers/report.js";

const HOSTILE = `"><script>alert(1)</script><img src=x onerror=alert(2)>`;

/** The markup the renderer itself writes; anything else in the output came from an input. */
const ALLOWED_TAGS = new Set(
  "html head meta title style body header footer h1 h2 h3 p span strong code section table thead tbody tr th td ol li br pre svg rect".split(" "),
);

function tagsOf(html: string): string[] {
  return [...new Set([...html.replace(/<style>[\s\S]*?<\/style>/, "").matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase()))].sort();
}

async function hostileReport() {
  const dir = mkdtempSync(join(tmpdir(), "ag-hostile-"));
  const stack = join(dir, "cdk.tf.json");
  writeFileSync(
    stack,
    JSON.stringify({
      "//": { metadata: { stackName: `evil${HOSTILE}`, version: "0.21.0", backend: "local" } },
      resource: {
        aws_apprunner_service: {
          api: {
            "//": { metadata: { path: `evil/${HOSTILE}/Resource`, uniqueId: "Api" } },
            service_name: "api",
            source_configuration: {
              image_repository: {
                image_identifier: `public.ecr.aws/x/${HOSTILE}:latest`,
                image_repository_type: "ECR_PUBLIC",
                image_configuration: { port: HOSTILE },
              },
            },
            tags: { Environment: HOSTILE, Exposure: "internal" },
          },
        },
      },
    }),
  );
  const config = join(dir, "config.json");
  writeFileSync(
    config,
    JSON.stringify({
      waivers: [{ rule: "AR-OPS-002", resource: "aws_apprunner_service.*", justification: HOSTILE, owner: `<b>${HOSTILE}</b>`, expires: "2030-01-01", ticket: HOSTILE }],
    }),
  );
  return runCheck({ paths: [stack], configPath: config, now: new Date("2026-11-23T00:00:00Z") });
}

describe("HTML report escaping", () => {
  test.each([
    [`a<b>&"c"'d'`, "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;"],
    ["bell\u0007", "bell\\x07"],
  ])("esc(%j)", (input, expected) => {
    expect(esc(input)).toBe(expected);
  });

  test("hostile values from the input and the config stay text: no foreign tag, no event handler attribute", async () => {
    const report = await hostileReport();
    const html = renderHtml(report);
    // the hostile text reached the report (message, construct path, waiver) and is escaped there
    expect(report.findings.some((f) => f.message.includes(HOSTILE))).toBe(true);
    expect(html).toContain(esc(HOSTILE));
    expect(html).toContain(esc(`<b>${HOSTILE}</b>`));
    expect(tagsOf(html).filter((t) => !ALLOWED_TAGS.has(t))).toEqual([]);
    expect(html).not.toMatch(/<[^>]*\son[a-z]+=/i);
    expect(html).not.toContain("<script");
  });

  test("the golden report renders every status, the frameworks with editions and a private service as not applicable", () => {
    const html = renderHtml(goldenReport());
    expect(tagsOf(html).filter((t) => !ALLOWED_TAGS.has(t))).toEqual([]);
    expect(html).toMatch(/<tr class="st-not-applicable"><td>AR-NET-001<\/td><td><code>aws_apprunner_service\.internal<\/code><\/td>/);
    expect(html).toContain("NIST SP 800-53 <span class=\"edition\">(Rev. 5)</span>");
    expect(html).toContain("PCI DSS <span class=\"edition\">(v4.0.1)</span>");
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
  });

  test.skipIf(!existsSync("/usr/bin/chromium"))("Chromium renders the hostile report without running or blocking anything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ag-hostile-html-"));
    const page = join(dir, "report.html");
    writeFileSync(page, renderHtml(await hostileReport()));
    const r = spawnSync(
      "/usr/bin/chromium",
      ["--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", `--user-data-dir=${join(dir, "profile")}`, "--dump-dom", pathToFileURL(page).href],
      { encoding: "utf8", timeout: 90_000 },
    );
    expect(r.status).toBe(0);
    // An executed or CSP-blocked script, or an image load, would log a console line.
    expect(r.stderr.split("\n").filter((l) => /:CONSOLE[:(]/.test(l))).toEqual([]);
    expect(r.stdout).not.toContain("<script");
  });
});
