export type InputKind = "terraform-plan" | "cdktf-stack" | "terraform-json";

/** One document to check, read and recognised but not yet normalized. */
export interface LoadedInput {
  kind: InputKind;
  /** The path as the user can find it again (relative paths stay relative). */
  path: string;
  /** cdktf stack name, when the input is a synthesized stack. */
  stack: string | null;
  document: Record<string, unknown>;
  text: string;
  sha256: string;
  bytes: number;
  /**
   * Plans only: the line of each resource's first "address" in the text (src/load/address-lines.ts),
   * found at load so that the text can be dropped before normalization.
   */
  lineOfAddress?: (address: string) => number | null;
  /**
   * A folder of *.tf.json files is one Terraform module, so its files are checked together (a policy
   * in one file reaches a role in another). Each part keeps its own path and text for report locations.
   */
  parts?: InputPart[];
  /**
   * cdktf stacks only: the stacks that depend on this one, from the cdktf.out manifest.json (the stacks
   * that may read its cross-stack outputs); null when no manifest lists this stack file.
   */
  dependents?: string[] | null;
  /** Module calls of a *.tf.json module, by module key ("a", "a.b"), with their JSON sources when readable. */
  modules?: Record<string, ModuleSource>;
  /**
   * Plans only: the Terraform configuration (.tf) the plan was made from, when it was found (issue 12).
   * Used for report locations and, where the plan does not know a value, to read its structure.
   */
  source?: SourceTree;
  /** Plans only: true once the source was looked for (so the report can say that none was found). */
  source_searched?: boolean;
}

/** The .tf configuration of a plan: root module plus every module the plan's configuration calls. */
export interface SourceTree {
  /** The root module's folder as given or found. */
  root: string;
  /** How it was found: --source, the plan's folder, or the current folder. */
  found_by: "flag" | "plan-dir" | "cwd";
  /**
   * Resource and data blocks by configuration address, module path included and instance keys left out
   * ("module.svc.aws_iam_role.instance", "data.aws_iam_policy_document.x").
   */
  blocks: Record<string, SourceBlock>;
  /** Modules whose source could not be read, by module path ("module.svc"), with the reason. */
  unreadable: Record<string, string>;
  /** The root module's files in Terraform JSON form (.tf files as src/load/hcl-body.ts writes them), for reading values. */
  parts: InputPart[];
  /** Every called module by module key ("svc", "svc.db"), as the *.tf.json reader takes them. */
  modules: Record<string, ModuleSource>;
}

export interface SourceBlock {
  /** Relative to the repository root (git top level, else the current folder), "/"-separated. */
  file: string;
  /** 1-based line of the block header. */
  line: number;
  /** 1-based line of each top-level argument or nested block of the body, by name, where known. */
  attribute_lines: Record<string, number>;
  /** .tf files: the top-level arguments and nested blocks that write more than a bare reference (see BlockLines.rich). */
  rich?: string[];
  /** The block body in Terraform JSON syntax (expressions are "${...}" strings, as src/load/hcl-body.ts writes them). */
  body: Record<string, unknown>;
}

export interface ModuleSource {
  key: string;
  source: string;
  dir: string | null;
  parts: InputPart[];
  /** Why the module's resources cannot be read (not downloaded, native HCL syntax); null when they can. */
  unreadable: string | null;
}

export interface InputPart {
  path: string;
  document: Record<string, unknown>;
  text: string;
}

export interface LoadOptions {
  /** Files above this size are refused before they are read (bytes). */
  maxBytes: number;
}

export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
