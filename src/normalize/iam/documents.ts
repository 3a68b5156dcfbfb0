import { isExpression, referencesIn } from "../hcl-json.js";
import type { DraftResource, Statement } from "../model.js";
import { documentFromBlocks } from "./policy-blocks.js";
import { parsePolicyJson } from "./policy-json.js";
import { append, hasUnknownUnder, refsAt, unreadable, type IsSpecific, type PolicyRead } from "./shared.js";

const MAX_DOCUMENT_NESTING = 8;

/**
 * Reads the policy document an attribute holds: a JSON string, or a reference to a
 * data.aws_iam_policy_document / aws_iam_policy of the input. Each referenced document is read once.
 */
export class PolicyDocuments {
  private readonly cache = new Map<string, PolicyRead>();

  readonly isSpecific: IsSpecific;

  constructor(private readonly resources: Map<string, DraftResource>) {
    this.isSpecific = (address) => resources.get(address)?.mode === "managed";
  }

  /** The document at `attribute` of `res` (`raw` is the attribute's raw value, for inline blocks). */
  at(res: DraftResource, attribute: string, raw: unknown = res.raw[attribute]): PolicyRead {
    if (typeof raw === "string" && !isWholeExpression(raw)) return parsePolicyJson(raw, res.address, this.isSpecific);
    const refs = typeof raw === "string" ? referencesIn(raw) : refsAt(res, attribute);
    const documents = refs.filter((a) => {
      const t = this.resources.get(a);
      // An aws_iam_policy data source is a policy that exists outside the input: its document is not read from here.
      return t && ((t.mode === "data" && t.type === "aws_iam_policy_document") || (t.mode === "managed" && t.type === "aws_iam_policy"));
    });
    if (documents.length === 0) {
      return raw === undefined && !res.unknown.includes(attribute) && !hasUnknownUnder(res, attribute)
        ? { statements: [] }
        : unreadable(`${attribute} is unknown until apply and is not built from a policy document in this input`);
    }
    const statements: Statement[] = [];
    for (const address of documents) {
      const doc = this.of(address);
      if ("unreadable" in doc) return doc;
      append(statements, doc.statements);
    }
    return { statements };
  }

  /** The document of an aws_iam_policy (its `policy`) or a data.aws_iam_policy_document. */
  of(address: string, depth = 0): PolicyRead {
    const cached = this.cache.get(address);
    if (cached !== undefined) return cached;
    if (depth > MAX_DOCUMENT_NESTING) return unreadable(`${address}: policy documents nest deeper than ${MAX_DOCUMENT_NESTING} levels`);
    const res = this.resources.get(address)!;
    let result: PolicyRead;
    if (res.type === "aws_iam_policy") result = this.at(res, "policy", res.raw.policy);
    else if (typeof res.raw.json === "string" && !isExpression(res.raw.json)) result = parsePolicyJson(res.raw.json, address, this.isSpecific);
    else {
      result = documentFromBlocks(res, (ref) => {
        const t = this.resources.get(ref);
        return t && t.type === "aws_iam_policy_document" ? this.of(ref, depth + 1) : null;
      }, this.isSpecific);
    }
    this.cache.set(address, result);
    return result;
  }
}

function isWholeExpression(value: string): boolean {
  return /^\$\{[^}]*\}$/.test(value.trim());
}
