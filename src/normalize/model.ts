import type { InputKind } from "../load/types.js";

/** Mirrors src/schemas/input-model.schema.json (docs/input-model.md explains every field). */
export const MODEL_VERSION = 1;

export interface ModelResource {
  address: string;
  type: string;
  name: string;
  module: string;
  mode: "managed" | "data";
  actions: string[];
  values: Record<string, unknown>;
  unknown: string[];
  refs: Record<string, string[]>;
  /**
   * For a value unknown until apply that is a string template (cdktf / tf.json), the literal text after
   * its last `${...}`: what is visible of it before apply (e.g. an image digest after a repository URL).
   */
  visible_suffix?: Record<string, string>;
  /** Why a path cannot be known beyond "unknown until apply" (a dynamic block, several candidates). */
  unknown_reasons?: Record<string, string>;
  /** Paths Terraform marks sensitive in after_sensitive. */
  sensitive?: string[];
  /**
   * cdktf stacks: per linking type (aws_wafv2_web_acl_association), why a resource of that type in
   * another stack may link to this one without the input showing it (its ARN is exported to a stack
   * that is not checked with it). Set only when nothing in the input links it.
   */
  unseen_consumers?: Record<string, string>;
  origin: { construct_path: string | null; file: string | null; line: number | null };
}

export interface SourceValues {
  /** "ADDRESS PATH" of each value unknown in the plan that was read from the source expression. */
  read: string[];
  /** Resources whose source disagrees with the plan (a known value differs), so it was not used for them. */
  disagreed: string[];
}

export interface Statement {
  sid: string;
  effect: string;
  actions: string[];
  not_actions: string[];
  resources: string[];
  not_resources: string[];
  /** Addresses the Resource list refers to when its values are references (unknown until apply). */
  resource_refs: string[];
  principals: Record<string, string[]>;
  not_principals: Record<string, string[]>;
  conditions: { test: string; variable: string; values: string[] }[];
  /**
   * Statement fields whose value is not known until apply: "effect", "actions", "not_actions",
   * "resources", "not_resources" (not when every unknown value references a resource of the input:
   * that names one specific resource), "conditions", "principals".
   */
  unknown: string[];
  via: string;
  index: number;
  /** The AWS managed policy (default version, from the shipped snapshot) this statement comes from. */
  managed_policy?: string;
  /** IAM service prefixes whose whole resource space (some resource type, every account and region) a Resource pattern covers. */
  any_resource_services?: string[];
}

export interface Unresolved {
  via: string;
  attribute: string;
  reason: string;
}

export interface RoleIam {
  trust: Statement[];
  statements: Statement[];
  managed_policy_arns: { arn: string; via: string }[];
  unresolved: Unresolved[];
}

export interface InputModel {
  model_version: typeof MODEL_VERSION;
  source: {
    kind: InputKind;
    path: string;
    stack: string | null;
    terraform_version: string | null;
    incomplete?: string;
    /** Plans read with their .tf source: what the source showed where the plan did not know (see source-values.ts). */
    source_values?: SourceValues;
  };
  resources: Record<string, ModelResource>;
  by_type: Record<string, string[]>;
  referenced_by: Record<string, string[]>;
  iam: { roles: Record<string, RoleIam> };
}

/**
 * What an input-kind reader hands the shared model builder: the model resource plus the raw
 * attribute values, which still hold reference strings that the IAM resolver needs to read.
 */
export interface DraftResource extends ModelResource {
  raw: Record<string, unknown>;
}
