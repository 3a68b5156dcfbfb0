import type { InputModel } from "../normalize/index.js";

/**
 * Partitioned evaluation: the model is cut into small, independent input models that the engine
 * evaluates one after another in one wasm instance, whose memory is then bounded by the largest
 * partition instead of the plan (OPA's wasm ABI resets its heap at every evaluation).
 *
 * What a partition carries (docs/benchmarks.md, "Partitioned evaluation", says the same in prose):
 * - **Owners**: resources of the types the rules apply to (`applies_to` in rules.json, today
 *   `aws_apprunner_service` and, for AR-OPS-005, `aws_apprunner_vpc_connector`). Every owner is in
 *   exactly one partition, and `by_type` lists, for an owner type, only the partition's own owners: a
 *   service copied into another partition as a neighbour is never judged there with a partial view.
 *   The engine keeps a partition's applicability (what each rule examined) to its own owners too,
 *   and unites the partitions' sets per rule, as it unites their findings.
 * - **Reach**, derived from the model's own link fields and not from a list of rules: for each owner,
 *   every resource that references it (`referenced_by`: WAF associations, ingress connections),
 *   then, transitively from everything included, every `refs` target and every address named
 *   anywhere in an included role's `iam.roles` entry (`via` of statements, managed policies,
 *   unresolved documents, `resource_refs`, and whatever field another version adds), the IAM entry
 *   of every included role and every non-owner resource that references the role (what attaches
 *   policies to it), and every resource that has the same known `arn` as an included one
 *   (literal-ARN links pick one of them).
 * - **Residual**: resources no owner reaches, but of a type the compiled policy names (found in the
 *   wasm's string constants, so a rule that selects by type is never starved), with their reach,
 *   and every `iam.roles` entry no owner reaches; cut into partitions of the same size bound.
 *   Resources of types the policy never names, and that no owner reaches, are not copied at all.
 * - Anything in the model this file does not know (a new top-level section, a new `iam` section)
 *   goes into every partition whole: unattributable data is never dropped.
 * - `referenced_by` keeps only the partition's resources; `source` and `model_version` are copied.
 *
 * A rule whose METADATA declares `custom.scope: model` (a cross-service check) makes the engine
 * evaluate the whole model in one piece instead; so does a small model (PARTITION_MIN_RESOURCES in
 * engine.ts), where one evaluation is cheaper.
 * test/evaluate/partition.test.ts is the guard: findings and applicability of the partitions equal
 * those of the whole model on every fixture, on generated plans of three shapes, and on ../shared/realcases.
 */
export interface PartitionOptions {
  /** Resource types that own partitions (the rules' applies_to). */
  ownerTypes: ReadonlySet<string>;
  /** Resource types the compiled policy names somewhere (a superset is safe). */
  namedTypes: (type: string) => boolean;
  /** Soft bound on the JSON size of one partition (in characters); an owner whose reach alone is larger gets a partition of its own. */
  maxBytes: number;
}

export interface ModelPartition {
  /** The partition as input-model JSON, UTF-8 (what the wasm reads; an ArrayBuffer of its own). */
  json: Buffer;
  /** Owners judged in this partition (empty for a residual partition). */
  owners: string[];
  resources: number;
}

/** referenced_by lists longer than this are intersected from the partition's side. */
const LONG_LIST = 256;

const KNOWN_TOP = new Set(["model_version", "source", "resources", "by_type", "referenced_by", "iam"]);

interface Reach {
  resources: Set<string>;
  roles: Set<string>;
}

interface Group {
  owners: string[];
  resources: Set<string>;
  roles: Set<string>;
  bytes: number;
}

/**
 * Plans the partitions and yields them one at a time: a partition's JSON is built just before it is
 * evaluated and dropped after, so memory holds one partition, not all of them.
 */
export class Partitioner {
  /** JSON of `"address":resource` for the partition being built (cleared after each one). */
  private readonly resourceJson = new Map<string, string>();
  private readonly roleJson = new Map<string, string>();
  private readonly byArn = new Map<string, string[]>();
  private readonly fixedJson: string;
  private readonly addressType: Map<string, string>;

  constructor(
    private readonly model: InputModel,
    private readonly options: PartitionOptions,
  ) {
    this.addressType = new Map();
    for (const r of Object.values(model.resources)) {
      this.addressType.set(r.address, r.type);
      const arn = (r.values as { arn?: unknown }).arn;
      if (typeof arn === "string" && arn.startsWith("arn:")) {
        const list = this.byArn.get(arn);
        if (list) list.push(r.address);
        else this.byArn.set(arn, [r.address]);
      }
    }
    this.fixedJson = this.unknownSectionsJson();
  }

  *partitions(): Generator<ModelPartition> {
    let any = false;
    for (const group of this.plan()) {
      any = true;
      const json = this.render(group);
      this.resourceJson.clear();
      this.roleJson.clear();
      yield { json, owners: group.owners, resources: group.resources.size };
    }
    // Nothing to cut (no owner, nothing a rule names): still one evaluation, of an empty partition, so
    // the model-level answers (a refusal of missing parameters, every rule's applicability) are given.
    if (!any) yield { json: this.render({ owners: [], resources: new Set(), roles: new Set(), bytes: 0 }), owners: [], resources: 0 };
  }

  // ---------------------------------------------------------------- planning

  private *plan(): Generator<Group> {
    const { model, options } = this;
    const owners: string[] = [];
    for (const type of Object.keys(model.by_type)) if (options.ownerTypes.has(type)) owners.push(...(model.by_type[type] ?? []));
    owners.sort();

    const reached = new Set<string>();
    let current: Group | null = null;
    const add = function* (this: Partitioner, reach: Reach, judged: string[]): Generator<Group> {
      if (current && current.bytes + this.bytesOf(reach, current) > options.maxBytes) {
        yield current;
        current = null;
      }
      current ??= { owners: [], resources: new Set(), roles: new Set(), bytes: 0 };
      current.owners.push(...judged);
      this.merge(current, reach);
    }.bind(this);

    const ownerSet = new Set(owners);
    const judged = new Set<string>();
    for (const owner of owners) {
      if (judged.has(owner)) continue;
      const reach = this.reach([owner], true);
      // Another owner inside this reach (a service's own VPC connector) whose whole reach lies within
      // it is judged here too: a partition of its own would copy this one again. An owner that
      // reaches further (a connector shared by many services) keeps its own partition.
      const here = [owner];
      for (const other of reach.resources) {
        if (other === owner || !ownerSet.has(other) || judged.has(other)) continue;
        if (within(this.reach([other], true), reach)) here.push(other);
      }
      for (const o of here) judged.add(o);
      for (const a of reach.resources) reached.add(a);
      for (const r of reach.roles) reached.add(r);
      yield* add(reach, here);
    }

    // Residual: what no owner reaches but a rule could select by type (or a role entry of its own).
    const residual: string[] = [];
    for (const [type, addresses] of Object.entries(model.by_type)) {
      if (options.ownerTypes.has(type) || !options.namedTypes(type)) continue;
      for (const a of addresses) if (!reached.has(a)) residual.push(a);
    }
    for (const role of Object.keys(model.iam.roles)) if (!reached.has(role)) residual.push(role);
    residual.sort();
    for (const start of residual) {
      if (reached.has(start)) continue;
      const reach = this.reach([start], false);
      for (const a of reach.resources) reached.add(a);
      for (const r of reach.roles) reached.add(r);
      yield* add(reach, []);
    }
    if (current) yield current;
  }

  /** Everything the rules can reach from the start addresses, following the model's link fields. */
  private reach(start: string[], incoming: boolean): Reach {
    const { resources, referenced_by: referencedBy, iam } = this.model;
    const out = new Set<string>();
    const roles = new Set<string>();
    const queue: string[] = [];
    const visit = (address: string): void => {
      if (out.has(address) || roles.has(address)) return;
      if (own(resources, address)) {
        out.add(address);
        queue.push(address);
      }
      if (own(iam.roles, address)) {
        roles.add(address);
        if (!own(resources, address)) queue.push(address);
      }
    };
    for (const s of start) {
      visit(s);
      // The same known ARN on several resources: a literal-ARN link names only one of them.
      const arn = (own(resources, s)?.values as { arn?: unknown } | undefined)?.arn;
      const siblings = typeof arn === "string" ? (this.byArn.get(arn) ?? []) : [];
      for (const sib of siblings) visit(sib);
      if (incoming) for (const a of [s, ...siblings]) for (const from of own(referencedBy, a) ?? []) visit(from);
    }
    while (queue.length > 0) {
      const address = queue.pop()!;
      const res = own(resources, address);
      if (res) {
        for (const targets of Object.values(res.refs)) for (const t of targets) visit(t);
        const arn = (res.values as { arn?: unknown }).arn;
        if (typeof arn === "string") for (const sib of this.byArn.get(arn) ?? []) visit(sib);
      }
      if (own(iam.roles, address)) {
        for (const linked of this.roleLinks(address)) visit(linked);
        // What attaches policies to the role (role policies, attachments) even when iam.roles names
        // only the document: but never another owner (a service sharing the role is judged in its own partition).
        for (const from of own(referencedBy, address) ?? []) if (!this.options.ownerTypes.has(this.addressType.get(from) ?? "")) visit(from);
      }
    }
    return { resources: out, roles };
  }

  /** Addresses named anywhere in a role's iam.roles entry (computed once per role). */
  private roleLinks(address: string): string[] {
    let links = this.roleLinkCache.get(address);
    if (links === undefined) {
      const { resources, iam } = this.model;
      const found = new Set<string>();
      forEachString(own(iam.roles, address), (s) => {
        if (s !== address && (Object.hasOwn(resources, s) || Object.hasOwn(iam.roles, s))) found.add(s);
      });
      links = [...found];
      this.roleLinkCache.set(address, links);
    }
    return links;
  }

  private readonly roleLinkCache = new Map<string, string[]>();

  private bytesOf(reach: Reach, group: Group): number {
    let bytes = 0;
    for (const a of reach.resources) if (!group.resources.has(a)) bytes += this.resourceText(a).length + a.length * 2 + 8;
    for (const r of reach.roles) if (!group.roles.has(r)) bytes += this.roleText(r).length + 1;
    return bytes;
  }

  private merge(group: Group, reach: Reach): void {
    group.bytes += this.bytesOf(reach, group);
    for (const a of reach.resources) group.resources.add(a);
    for (const r of reach.roles) group.roles.add(r);
  }

  // ---------------------------------------------------------------- rendering

  private resourceText(address: string): string {
    let text = this.resourceJson.get(address);
    if (text === undefined) {
      text = `${JSON.stringify(address)}:${JSON.stringify(own(this.model.resources, address))}`;
      this.resourceJson.set(address, text);
    }
    return text;
  }

  private roleText(address: string): string {
    let text = this.roleJson.get(address);
    if (text === undefined) {
      text = `${JSON.stringify(address)}:${JSON.stringify(own(this.model.iam.roles, address))}`;
      this.roleJson.set(address, text);
    }
    return text;
  }

  private render(group: Group): Buffer {
    const { model, options } = this;
    const owners = new Set(group.owners);
    const addresses = [...group.resources];

    const byType = new Map<string, string[]>();
    for (const a of addresses) {
      const type = this.addressType.get(a)!;
      if (options.ownerTypes.has(type) && !owners.has(a)) continue;
      const list = byType.get(type);
      if (list) list.push(a);
      else byType.set(type, [a]);
    }
    const byTypeJson = [...byType.keys()].sort().map((t) => `${JSON.stringify(t)}:${JSON.stringify(byType.get(t)!.sort())}`).join(",");

    // referenced_by, filtered to the partition: keys are the partition's resources and what they point at.
    const keys = new Set<string>(addresses);
    for (const a of addresses) for (const targets of Object.values(own(model.resources, a)!.refs)) for (const t of targets) keys.add(t);
    const refBy: string[] = [];
    for (const key of keys) {
      const from = own(model.referenced_by, key);
      if (!from) continue;
      // A shared resource (a KMS key, a VPC) is referenced by thousands: intersect from the partition's side.
      const kept =
        from.length > LONG_LIST && from.length > addresses.length
          ? addresses.filter((a) => this.referrers(key, from).has(a)).sort()
          : from.filter((f) => group.resources.has(f));
      if (kept.length > 0) refBy.push(`${JSON.stringify(key)}:${JSON.stringify(kept)}`);
    }

    const json =
      `{"model_version":${JSON.stringify(model.model_version)},"source":${JSON.stringify(model.source)},"resources":{` +
      addresses.map((a) => this.resourceText(a)).join(",") +
      `},"by_type":{${byTypeJson}},"referenced_by":{${refBy.join(",")}},"iam":{"roles":{` +
      [...group.roles].map((r) => this.roleText(r)).join(",") +
      `}${this.fixedIamJson()}}${this.fixedJson}}`;
    // One UTF-8 encoding per partition, into an ArrayBuffer of its own (TextEncoder never returns a
    // slice of Node's shared Buffer pool): the engine hands that ArrayBuffer to wasm.
    const bytes = new TextEncoder().encode(json);
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
    return Buffer.from(whole.buffer, 0, whole.byteLength);
  }

  private readonly referrerSets = new Map<string, Set<string>>();
  private referrers(key: string, from: string[]): Set<string> {
    let set = this.referrerSets.get(key);
    if (!set) {
      set = new Set(from);
      this.referrerSets.set(key, set);
    }
    return set;
  }

  /** Model sections this file does not know, copied whole into every partition (",key:value..."). */
  private unknownSectionsJson(): string {
    let out = "";
    for (const [key, value] of Object.entries(this.model)) if (!KNOWN_TOP.has(key)) out += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
    return out;
  }

  private fixedIam?: string;
  private fixedIamJson(): string {
    if (this.fixedIam === undefined) {
      this.fixedIam = "";
      for (const [key, value] of Object.entries(this.model.iam)) if (key !== "roles") this.fixedIam += `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
    }
    return this.fixedIam;
  }
}

/** Everything `inner` reaches is in `outer`. */
function within(inner: Reach, outer: Reach): boolean {
  for (const a of inner.resources) if (!outer.resources.has(a)) return false;
  for (const r of inner.roles) if (!outer.roles.has(r)) return false;
  return true;
}

/** The own property only: a key such as "constructor" must not find Object.prototype's (models parsed from JSON are plain objects). */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Calls fn on every string inside value (object keys excluded). */
function forEachString(value: unknown, fn: (s: string) => void): void {
  if (typeof value === "string") fn(value);
  else if (Array.isArray(value)) for (const v of value) forEachString(v, fn);
  else if (value && typeof value === "object") for (const v of Object.values(value)) forEachString(v, fn);
}

/** Which model types the compiled policy names in its string constants (a substring match: a superset, which is safe). */
export function namedTypesOf(wasm: Buffer): (type: string) => boolean {
  const cache = new Map<string, boolean>();
  return (type) => {
    let hit = cache.get(type);
    if (hit === undefined) {
      hit = wasm.includes(type, 0, "utf8");
      cache.set(type, hit);
    }
    return hit;
  };
}
