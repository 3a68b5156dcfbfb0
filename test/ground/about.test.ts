import { describe, expect, test } from "vitest";
import { nowFrom, toolVersion } from "../../src/about.js";
import { readFileSync } from "node:fs";

describe("about: version and the pinned clock, read from the environment the caller hands in", () => {
  test("an environment without APPRUNNER_GUARD_NOW (or with it empty) leaves the real clock", () => {
    expect(nowFrom({})).toBeUndefined();
    expect(nowFrom({ APPRUNNER_GUARD_NOW: "" })).toBeUndefined();
  });

  test("a pinned day or timestamp comes from the object passed in, not from process.env", () => {
    expect(nowFrom({ APPRUNNER_GUARD_NOW: "2025-06-01" })?.toISOString()).toBe("2025-06-01T00:00:00.000Z");
    expect(nowFrom({ APPRUNNER_GUARD_NOW: "2025-06-01T12:30:00+02:00" })?.toISOString()).toBe("2025-06-01T10:30:00.000Z");
  });

  test("a day that does not exist is an input error naming the variable", () => {
    expect(() => nowFrom({ APPRUNNER_GUARD_NOW: "2025-02-30" })).toThrow('APPRUNNER_GUARD_NOW: "2025-02-30" is not a date');
  });

  test("the version is package.json's", () => {
    expect(toolVersion()).toBe((JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version);
  });
});
