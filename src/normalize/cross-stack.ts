import type { LoadedInput } from "../load/types.js";
import type { CrossStackFacts, RemoteLink } from "./hcl-json.js";
import type { InputModel, ModelResource } from "./model.js";
import { dict } from "./values.js";

interface Normalized {
  input: LoadedInput;
  model: InputModel;
  crossStack: CrossStackFacts | null;
}

/** What each linking type protects, and the AWS-side identifier its link attribute must carry. */
const LINK_TARGET: Record<string, string> = {
  aws_wafv2_web_acl_association: "aws_apprunner_service",
  aws_apprunner_vpc_ingress_connection: "aws_apprunner_service",
};
const LINK_ATTRIBUTE: Record<string, string> = {
  aws_wafv2_web_acl_association: "resource_arn",
  aws_apprunner_vpc_ingress_connection: "service_arn",
};

/** `arn`, and `id`, which the AWS provider sets to the ARN for an App Runner service. */
const ARN_ATTRIBUTE = /^(arn|id)$/;

/**
 * cdktf cross-stack references between the stacks of one check (cdktf 0.21 writes them as outputs
 * `cross-stack-output-*` in the producing stack and `data.terraform_remote_state.cross-stack-reference-input-<stack>`
 * in the consuming one). A linking resource in stack B whose link attribute is exactly an output of
 * stack A that exports a service's ARN is a link to that service: it is added to A's model as
 * `stack.<B>.<address>` (same type, the one link, B's file as origin), so A's rules see it.
 *
 * Fail closed: only the ARN attribute links (an exported `service_id` does not); only within one known
 * region; only when the consumer's remote state reads A's backend. When A exports a public service's
 * ARN to stacks that are not in the input (or no manifest says which stacks read it), and nothing in the
 * input protects the service, the service carries `unseen_consumers` (per linking type) and AR-NET-001 (a
 * public service's WAF) or AR-NET-004 (a private service's ingress connection) is cannot-verify instead
 * of a finding that may be false.
 */
export function linkStacks(entries: Normalized[]): void {
  const stacks = entries.filter((e) => e.input.kind === "cdktf-stack" && e.input.stack !== null && e.crossStack !== null);
  const inInput = new Set(stacks.map((e) => e.input.stack!));
  for (const producer of stacks) {
    const name = producer.input.stack!;
    const facts = producer.crossStack!;
    const exported = Object.entries(facts.exports).filter(
      (e): e is [string, { resource: string; attribute: string }] => e[1] !== null && ARN_ATTRIBUTE.test(e[1].attribute) && producer.model.resources[e[1].resource]?.type === "aws_apprunner_service",
    );
    if (exported.length === 0) continue;
    const dataSource = `cross-stack-reference-input-${name}`;
    /** Per service: why a link to it from another stack cannot be decided. */
    const undecided = new Map<string, string[]>();
    /** Stacks with a remote state named for this stack that does not read its backend: what they read is not in the input. */
    const elsewhere: string[] = [];
    for (const consumer of stacks) {
      if (consumer === producer) continue;
      const remote = consumer.crossStack!.remoteStates[dataSource];
      if (!remote) continue;
      if (!readsBackend(remote, facts.backend)) {
        elsewhere.push(consumer.input.stack!);
        continue;
      }
      for (const link of consumer.crossStack!.remoteLinks) {
        if (link.dataSource !== dataSource) continue;
        const target = facts.exports[link.output];
        if (!target || !ARN_ATTRIBUTE.test(target.attribute)) continue;
        if (producer.model.resources[target.resource]?.type !== LINK_TARGET[link.type]) continue;
        const [mine, theirs] = [consumer.crossStack!.regions[link.address] ?? null, facts.regions[target.resource] ?? null];
        if (mine === null || theirs === null) {
          const why = `${link.address} in stack "${consumer.input.stack}" references it through output ${link.output}, but ${mine === null ? "its" : "the service's"} region is not known from the JSON`;
          const key = `${link.type}\u0000${target.resource}`;
          undecided.set(key, [...(undecided.get(key) ?? []), why]);
          continue;
        }
        if (mine !== theirs) continue; // an association in another region does not protect the service
        addLink(producer.model, consumer, link, target.resource);
      }
    }
    const dependents = producer.input.dependents ?? null;
    const unseen = dependents === null ? null : dependents.filter((d) => !inInput.has(d));
    for (const [output, { resource }] of exported) for (const type of Object.keys(LINK_TARGET)) {
      const svc = producer.model.resources[resource]!;
      if (isLinked(producer.model, resource, type)) continue;
      const reasons = [...(undecided.get(`${type}\u0000${resource}`) ?? [])];
      if (unseen === null) reasons.push(`its ARN is exported to another stack (output ${output}) and no cdktf.out manifest.json next to ${producer.input.path} says which stacks read it`);
      else if (unseen.length > 0) reasons.push(`its ARN is exported (output ${output}) to ${unseen.length === 1 ? "stack" : "stacks"} ${unseen.map((u) => JSON.stringify(u)).join(", ")}, which ${unseen.length === 1 ? "is" : "are"} not in the input`);
      for (const other of elsewhere) reasons.push(`stack ${JSON.stringify(other)} reads a remote state named ${dataSource} whose backend is not this stack's`);
      if (reasons.length === 0) continue;
      const previous = svc.unseen_consumers?.[type];
      (svc.unseen_consumers ??= dict())[type] = [...new Set([...(previous ? [previous] : []), ...reasons])].join("; ");
    }
  }
}

/** The consumer's remote state reads the producer's backend (same type; every config value both set is equal). */
function readsBackend(remote: CrossStackFacts["remoteStates"][string], backend: CrossStackFacts["backend"]): boolean {
  if (backend === null || remote.backend !== backend.type) return false;
  return Object.entries(remote.config).every(([k, v]) => !(k in backend.config) || JSON.stringify(backend.config[k]) === JSON.stringify(v));
}

/** A resource of the linking type links the service through its link attribute (the rules' own test). */
function isLinked(model: InputModel, service: string, type: string): boolean {
  const attribute = LINK_ATTRIBUTE[type]!;
  return (model.referenced_by[service] ?? []).some((a) => model.resources[a]?.type === type && (model.resources[a]!.refs[attribute] ?? []).includes(service));
}

/** The consumer's linking resource, as seen from the producer: only its link to the service. */
function addLink(model: InputModel, consumer: Normalized, link: RemoteLink, service: string): void {
  const source = consumer.model.resources[link.address];
  if (!source) return;
  const address = `stack.${consumer.input.stack}.${link.address}`;
  const resource: ModelResource = {
    address,
    type: source.type,
    name: source.name,
    module: "",
    mode: source.mode,
    actions: source.actions,
    values: source.values,
    unknown: source.unknown,
    refs: { [link.attribute]: [service] },
    origin: source.origin.file === null ? { ...source.origin, file: consumer.input.path } : source.origin,
  };
  model.resources = sorted({ ...model.resources, [address]: resource });
  model.by_type[resource.type] = [...new Set([...(model.by_type[resource.type] ?? []), address])].sort(compare);
  model.by_type = sorted(model.by_type);
  model.referenced_by[service] = [...new Set([...(model.referenced_by[service] ?? []), address])].sort(compare);
  model.referenced_by = sorted(model.referenced_by);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sorted<T>(record: Record<string, T>): Record<string, T> {
  const out = dict<T>();
  for (const key of Object.keys(record).sort(compare)) out[key] = record[key]!;
  return out;
}
