#!/usr/bin/env node
// Deterministic generator of realistic inputs for the benchmark: a `terraform show -json` plan
// (format_version 1.2: planned_values, resource_changes with after/after_unknown/after_sensitive,
// prior_state for data sources read while planning, configuration with expressions.references)
// and the matching cdktf stack (cdk.tf.json), with N App Runner services and, per service, its
// access and instance roles, role policies / attachments, policy document, secret, security group,
// VPC connector, WAF association, observability configuration: about 10 resources per service.
// A seeded mix of services is compliant and the rest break one or two rules each.
//
//   node bench/generate.mjs --services 100 --out bench/out/inputs [--seed 5] [--kind plan|cdktf|both] [--shape flat|modules|mix]
//
// Writes <out>/plan-<N>.json and/or <out>/cdktf-<N>/ (a cdktf.out directory: manifest.json + stack).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const PROVIDER = "registry.terraform.io/hashicorp/aws";
const ECR_ACCESS_POLICY = "arn:aws:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess";

/** mulberry32: small, fast, deterministic. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VIOLATIONS = [
  "no_waf", // public service without a WAF association
  "admin_policy", // AdministratorAccess on the instance role
  "wildcard_actions", // s3:* on * in the instance policy
  "plain_secret", // DB_PASSWORD in plain runtime_environment_variables
  "latest_image", // image tag :latest
  "shared_role", // access role used as instance role
  "missing_tags", // no Owner tag
  "ssh_port", // container port 22
  "no_tracing", // observability off
  "no_cmk", // no encryption_configuration
  "open_trust", // instance role trusts any AWS principal
];

// ------------------------------------------------------------------ abstract resources
// A value in an abstract resource is a literal, ref(address, attribute) or a block list [{...}].
// json(doc) is a policy document string that may contain refs (jsonencode in HCL).

export const REF_MARK = Symbol("ref");
const REF = REF_MARK;
export const JSON_MARK = Symbol("json");
const JSONDOC = JSON_MARK;
const ref = (address, attribute) => ({ [REF]: true, address, attribute });
const isRef = (v) => v !== null && typeof v === "object" && v[REF] === true;
const json = (doc) => ({ [JSONDOC]: true, doc });
const isJson = (v) => v !== null && typeof v === "object" && v[JSONDOC] === true;
/** Marks a list as a nested block (HCL block), as opposed to a list attribute. */
const blocks = (...items) => Object.assign(items, { block: true });
const isBlocks = (v) => Array.isArray(v) && v.block === true;

/** Attributes the provider computes (unknown until apply on create). */
const COMPUTED = {
  aws_iam_role: ["arn", "id", "unique_id", "create_date", "name_prefix", "managed_policy_arns", "inline_policy"],
  aws_iam_role_policy: ["id"],
  aws_iam_role_policy_attachment: ["id"],
  aws_secretsmanager_secret: ["arn", "id", "policy"],
  aws_kms_key: ["arn", "id", "key_id", "policy", "multi_region", "rotation_period_in_days"],
  aws_security_group: ["arn", "id", "owner_id", "ingress"],
  aws_apprunner_vpc_connector: ["arn", "id", "status", "vpc_connector_revision"],
  aws_apprunner_service: ["arn", "id", "service_id", "service_url", "status"],
  aws_apprunner_observability_configuration: ["arn", "id", "latest", "status", "observability_configuration_revision"],
  aws_apprunner_auto_scaling_configuration_version: ["arn", "id", "latest", "status", "is_default", "has_associated_service", "auto_scaling_configuration_revision"],
  aws_wafv2_web_acl: ["arn", "id", "capacity", "lock_token"],
  aws_wafv2_web_acl_association: ["id"],
  aws_apprunner_vpc_ingress_connection: ["arn", "id", "domain_name", "status"],
  aws_vpc_endpoint: ["arn", "id", "owner_id", "state", "dns_entry", "network_interface_ids", "cidr_blocks", "prefix_list_id", "requester_managed"],
  aws_vpc: ["arn", "id", "owner_id", "main_route_table_id", "default_security_group_id", "default_network_acl_id", "default_route_table_id", "dhcp_options_id", "ipv6_association_id", "ipv6_cidr_block"],
  aws_subnet: ["arn", "id", "owner_id", "availability_zone_id", "ipv6_cidr_block_association_id"],
  aws_iam_policy_document: ["id", "json", "minified_json"],
};

function trustPolicy(service, principal) {
  return json({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "sts:AssumeRole", Principal: principal ?? { Service: service } }],
  });
}

function sharedResources(tags) {
  const R = [];
  R.push({ type: "aws_vpc", name: "main", attrs: { cidr_block: "10.20.0.0/16", enable_dns_hostnames: true, enable_dns_support: true, instance_tenancy: "default", tags: { ...tags, Name: "apps" } } });
  for (const [name, az, cidr] of [["private_a", "us-east-1a", "10.20.1.0/24"], ["private_b", "us-east-1b", "10.20.2.0/24"]]) {
    R.push({ type: "aws_subnet", name, attrs: { vpc_id: ref("aws_vpc.main", "id"), availability_zone: az, cidr_block: cidr, map_public_ip_on_launch: false, tags } });
  }
  R.push({
    type: "aws_vpc_endpoint",
    name: "apprunner",
    attrs: { vpc_id: ref("aws_vpc.main", "id"), service_name: "com.amazonaws.us-east-1.apprunner.requests", vpc_endpoint_type: "Interface", subnet_ids: [ref("aws_subnet.private_a", "id"), ref("aws_subnet.private_b", "id")], tags },
  });
  R.push({ type: "aws_kms_key", name: "apps", attrs: { description: "App Runner services and their secrets", enable_key_rotation: true, deletion_window_in_days: 30, key_usage: "ENCRYPT_DECRYPT", tags } });
  R.push({
    type: "aws_wafv2_web_acl",
    name: "apps",
    attrs: {
      name: "apps",
      scope: "REGIONAL",
      default_action: blocks({ allow: blocks({}), block: blocks() }),
      rule: blocks({
        name: "aws-common-rules",
        priority: 1,
        override_action: blocks({ count: blocks(), none: blocks({}) }),
        statement: blocks({ managed_rule_group_statement: blocks({ name: "AWSManagedRulesCommonRuleSet", vendor_name: "AWS" }) }),
        visibility_config: blocks({ cloudwatch_metrics_enabled: true, metric_name: "apps-common", sampled_requests_enabled: true }),
      }),
      visibility_config: blocks({ cloudwatch_metrics_enabled: true, metric_name: "apps", sampled_requests_enabled: true }),
      tags,
    },
  });
  R.push({ type: "aws_apprunner_auto_scaling_configuration_version", name: "apps", attrs: { auto_scaling_configuration_name: "apps", max_concurrency: 80, min_size: 1, max_size: 10, tags } });
  return R;
}

/** The resources of one service (about 10), with its violations applied. */
function serviceResources(index, violations, tags) {
  const v = new Set(violations);
  const p = `svc${String(index).padStart(4, "0")}`;
  const name = `${p}-api`;
  const svcTags = v.has("missing_tags") ? { Environment: tags.Environment } : { ...tags, Service: name };
  const isPrivate = !v.has("no_waf") && index % 5 === 0; // a fifth of the services are private
  if (isPrivate) svcTags.Exposure = "internal";
  const R = [];
  const A = (type, rname) => `${type}.${p}_${rname}`;

  // Access role: ECR pull only.
  R.push({ type: "aws_iam_role", name: `${p}_access`, attrs: { name: `${name}-access`, path: "/", max_session_duration: 3600, force_detach_policies: false, assume_role_policy: trustPolicy("build.apprunner.amazonaws.com"), tags: svcTags } });
  R.push({ type: "aws_iam_role_policy_attachment", name: `${p}_access_ecr`, attrs: { role: ref(A("aws_iam_role", "access"), "name"), policy_arn: ECR_ACCESS_POLICY } });

  // Instance role: what the application needs.
  const secret = A("aws_secretsmanager_secret", "db");
  R.push({
    type: "aws_iam_role",
    name: `${p}_instance`,
    attrs: {
      name: `${name}-instance`,
      path: "/",
      max_session_duration: 3600,
      force_detach_policies: false,
      assume_role_policy: v.has("open_trust") ? trustPolicy(null, { AWS: "*" }) : trustPolicy("tasks.apprunner.amazonaws.com"),
      tags: svcTags,
    },
  });
  const statements = [
    { sid: "ReadDbPassword", actions: ["secretsmanager:GetSecretValue"], resources: [ref(secret, "arn")] },
    { sid: "DecryptDbPassword", actions: ["kms:Decrypt"], resources: [ref("aws_kms_key.apps", "arn")] },
    { sid: "Tracing", actions: ["xray:PutTelemetryRecords", "xray:PutTraceSegments"], resources: ["*"] },
  ];
  if (v.has("wildcard_actions")) statements.push({ sid: "Data", actions: ["s3:*"], resources: ["*"] });
  R.push({
    type: "aws_iam_policy_document",
    mode: "data",
    name: `${p}_instance`,
    attrs: {
      statement: blocks(
        ...statements.map((s) => ({ sid: s.sid, effect: "Allow", actions: s.actions, resources: s.resources, condition: blocks(), principals: blocks(), not_principals: blocks() })),
      ),
    },
  });
  R.push({ type: "aws_iam_role_policy", name: `${p}_instance`, attrs: { name: "app", role: ref(A("aws_iam_role", "instance"), "id"), policy: ref(`data.aws_iam_policy_document.${p}_instance`, "json") } });
  if (v.has("admin_policy")) {
    R.push({ type: "aws_iam_role_policy_attachment", name: `${p}_instance_admin`, attrs: { role: ref(A("aws_iam_role", "instance"), "name"), policy_arn: "arn:aws:iam::aws:policy/AdministratorAccess" } });
  }

  R.push({ type: "aws_secretsmanager_secret", name: `${p}_db`, attrs: { name: `${name}/db-password`, kms_key_id: ref("aws_kms_key.apps", "arn"), recovery_window_in_days: 30, tags: svcTags } });

  // Egress through a VPC connector.
  R.push({
    type: "aws_security_group",
    name: `${p}_connector`,
    attrs: {
      name: `${name}-connector`,
      description: "App Runner VPC connector egress",
      vpc_id: ref("aws_vpc.main", "id"),
      egress: blocks(
        { description: "PostgreSQL", from_port: 5432, to_port: 5432, protocol: "tcp", cidr_blocks: ["10.20.0.0/16"], ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false },
        { description: "HTTPS", from_port: 443, to_port: 443, protocol: "tcp", cidr_blocks: ["0.0.0.0/0"], ipv6_cidr_blocks: [], prefix_list_ids: [], security_groups: [], self: false },
      ),
      revoke_rules_on_delete: false,
      tags: svcTags,
    },
  });
  R.push({
    type: "aws_apprunner_vpc_connector",
    name: p,
    attrs: { vpc_connector_name: `${name}-egress`, subnets: [ref("aws_subnet.private_a", "id"), ref("aws_subnet.private_b", "id")], security_groups: [ref(A("aws_security_group", "connector"), "id")], tags: svcTags },
  });
  if (!v.has("no_tracing")) {
    R.push({ type: "aws_apprunner_observability_configuration", name: p, attrs: { observability_configuration_name: `${name}-xray`, trace_configuration: blocks({ vendor: "AWSXRAY" }), tags: svcTags } });
  }

  const env = { LOG_LEVEL: "info", DB_HOST: `${p}.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com` };
  if (v.has("plain_secret")) env.DB_PASSWORD = "hunter2-not-a-real-password";
  const image = v.has("latest_image")
    ? `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${p}:latest`
    : `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${p}@sha256:${sha(index)}`;
  const svcAttrs = {
    service_name: name,
    auto_scaling_configuration_arn: ref("aws_apprunner_auto_scaling_configuration_version.apps", "arn"),
    source_configuration: blocks({
      auto_deployments_enabled: false,
      authentication_configuration: blocks({ access_role_arn: ref(A("aws_iam_role", "access"), "arn") }),
      image_repository: blocks({
        image_identifier: image,
        image_repository_type: "ECR",
        image_configuration: blocks({
          port: v.has("ssh_port") ? "22" : "8080",
          runtime_environment_variables: env,
          runtime_environment_secrets: { DB_PASSWORD: ref(secret, "arn") },
        }),
      }),
    }),
    instance_configuration: blocks({ cpu: "1024", memory: "2048", instance_role_arn: ref(A("aws_iam_role", v.has("shared_role") ? "access" : "instance"), "arn") }),
    health_check_configuration: blocks({ protocol: "HTTP", path: "/healthz", interval: 10, timeout: 5, healthy_threshold: 1, unhealthy_threshold: 3 }),
    network_configuration: blocks({
      ip_address_type: "IPV4",
      egress_configuration: blocks({ egress_type: "VPC", vpc_connector_arn: ref(`aws_apprunner_vpc_connector.${p}`, "arn") }),
      ingress_configuration: blocks({ is_publicly_accessible: !isPrivate }),
    }),
    observability_configuration: v.has("no_tracing")
      ? blocks({ observability_enabled: false })
      : blocks({ observability_enabled: true, observability_configuration_arn: ref(`aws_apprunner_observability_configuration.${p}`, "arn") }),
    tags: svcTags,
  };
  if (!v.has("no_cmk")) svcAttrs.encryption_configuration = blocks({ kms_key: ref("aws_kms_key.apps", "arn") });
  R.push({ type: "aws_apprunner_service", name: p, attrs: svcAttrs });
  if (!isPrivate && !v.has("no_waf")) {
    R.push({ type: "aws_wafv2_web_acl_association", name: p, attrs: { resource_arn: ref(`aws_apprunner_service.${p}`, "arn"), web_acl_arn: ref("aws_wafv2_web_acl.apps", "arn") } });
  }
  if (isPrivate) {
    // A private service is reached through an interface endpoint: its ingress connection.
    R.push({
      type: "aws_apprunner_vpc_ingress_connection",
      name: p,
      attrs: {
        name: `${name}-ingress`,
        service_arn: ref(`aws_apprunner_service.${p}`, "arn"),
        ingress_vpc_configuration: blocks({ vpc_id: ref("aws_vpc.main", "id"), vpc_endpoint_id: ref("aws_vpc_endpoint.apprunner", "id") }),
        tags: svcTags,
      },
    });
  }
  return R;
}

function sha(i) {
  // 64 hex digits, deterministic per service.
  let out = "";
  const r = rng(i * 7919 + 17);
  while (out.length < 64) out += Math.floor(r() * 16).toString(16);
  return out;
}

/**
 * Plan shapes (bench/run.mjs measures all of them, so no number is tuned to one):
 * - "flat": every resource in the root module, ~11 per service (the original generator);
 * - "modules": one module call per service (`module.svcNNNN`, ~8 resources: roles, policy, secret,
 *   service, WAF association or ingress connection), shared resources passed in as variables;
 * - "mix": the flat services among ~25 unrelated resources per service (S3, Lambda with its own IAM
 *   role and policies, DynamoDB, SQS, SNS, log groups, security group rules, Route 53 records), so
 *   that App Runner and what it reaches is a minority of the plan.
 */
export const SHAPES = ["flat", "modules", "mix"];

/** The services of a plan: about 55% compliant, the rest with one or two violations. */
export function buildResources(services, seed = 5, shape = "flat") {
  const random = rng(seed);
  const tags = { Environment: "prod", Owner: "platform-team" };
  const all = sharedResources(tags);
  if (shape === "modules") {
    all.push({ type: "aws_apprunner_observability_configuration", name: "xray", attrs: { observability_configuration_name: "xray", trace_configuration: blocks({ vendor: "AWSXRAY" }), tags } });
  }
  const mix = { compliant: 0, violating: 0 };
  for (let i = 1; i <= services; i++) {
    const violations = [];
    if (random() >= 0.55) {
      violations.push(VIOLATIONS[Math.floor(random() * VIOLATIONS.length)]);
      if (random() < 0.3) violations.push(VIOLATIONS[Math.floor(random() * VIOLATIONS.length)]);
    }
    mix[violations.length ? "violating" : "compliant"]++;
    const own = serviceResources(i, violations, tags);
    if (shape === "modules") all.push(...moduleService(i, own));
    else all.push(...own);
    if (shape === "mix") all.push(...unrelatedResources(i, tags));
  }
  for (const r of all) {
    r.mode ??= "managed";
    r.local ??= r.mode === "data" ? `data.${r.type}.${r.name}` : `${r.type}.${r.name}`;
    r.address = r.module ? `${r.module}.${r.local}` : r.local;
  }
  if (shape === "modules") {
    // Refs were written with flat addresses: point them at the module addresses.
    const moved = new Map(all.filter((r) => r.flat).map((r) => [r.flat, r.address]));
    const fix = (v) => {
      if (isRef(v)) return moved.has(v.address) ? ref(moved.get(v.address), v.attribute) : v;
      if (isJson(v)) return json(fix(v.doc));
      if (isBlocks(v)) return blocks(...v.map(fix));
      if (Array.isArray(v)) return v.map(fix);
      if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fix(x)]));
      return v;
    };
    for (const r of all) r.attrs = fix(r.attrs);
  }
  return { resources: all, mix };
}

/** One service as a module instance: its own resources inside module.svcNNNN, egress DEFAULT, tracing through the shared configuration. */
function moduleService(index, flat) {
  const p = `svc${String(index).padStart(4, "0")}`;
  const out = [];
  for (const r of flat) {
    if (["aws_security_group", "aws_apprunner_vpc_connector", "aws_apprunner_observability_configuration"].includes(r.type)) continue;
    const m = { ...r, flat: (r.mode === "data" ? "data." : "") + `${r.type}.${r.name}`, module: `module.${p}`, name: r.name === p ? "this" : r.name.replace(`${p}_`, "") };
    if (r.type === "aws_apprunner_service") {
      const attrs = { ...r.attrs };
      attrs.network_configuration = blocks({ ip_address_type: "IPV4", egress_configuration: blocks({ egress_type: "DEFAULT" }), ingress_configuration: r.attrs.network_configuration[0].ingress_configuration });
      const tracing = r.attrs.observability_configuration[0].observability_enabled;
      attrs.observability_configuration = tracing
        ? blocks({ observability_enabled: true, observability_configuration_arn: ref("aws_apprunner_observability_configuration.xray", "arn") })
        : blocks({ observability_enabled: false });
      m.attrs = attrs;
    }
    out.push(m);
  }
  return out;
}

/** Resources a real account has next to its App Runner services, unrelated to them (about 25 per service). */
function unrelatedResources(index, tags) {
  const p = `app${String(index).padStart(4, "0")}`;
  const R = [];
  const bucket = `${p}_assets`;
  R.push({ type: "aws_s3_bucket", name: bucket, attrs: { bucket: `${p}-assets-${ACCOUNT}`, force_destroy: false, tags } });
  R.push({ type: "aws_s3_bucket_versioning", name: bucket, attrs: { bucket: ref(`aws_s3_bucket.${bucket}`, "id"), versioning_configuration: blocks({ status: "Enabled" }) } });
  R.push({ type: "aws_s3_bucket_public_access_block", name: bucket, attrs: { bucket: ref(`aws_s3_bucket.${bucket}`, "id"), block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true } });
  R.push({
    type: "aws_s3_bucket_server_side_encryption_configuration",
    name: bucket,
    attrs: { bucket: ref(`aws_s3_bucket.${bucket}`, "id"), rule: blocks({ apply_server_side_encryption_by_default: blocks({ sse_algorithm: "aws:kms", kms_master_key_id: ref("aws_kms_key.apps", "arn") }) }) },
  });
  R.push({ type: "aws_iam_role", name: `${p}_lambda`, attrs: { name: `${p}-lambda`, path: "/", max_session_duration: 3600, force_detach_policies: false, assume_role_policy: trustPolicy("lambda.amazonaws.com"), tags } });
  R.push({ type: "aws_iam_role_policy_attachment", name: `${p}_lambda_basic`, attrs: { role: ref(`aws_iam_role.${p}_lambda`, "name"), policy_arn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" } });
  R.push({
    type: "aws_iam_role_policy",
    name: `${p}_lambda`,
    attrs: {
      name: "data",
      role: ref(`aws_iam_role.${p}_lambda`, "id"),
      policy: json({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], Resource: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${p}-orders` }, { Effect: "Allow", Action: ["sqs:SendMessage"], Resource: `arn:aws:sqs:${REGION}:${ACCOUNT}:${p}-jobs` }] }),
    },
  });
  R.push({ type: "aws_cloudwatch_log_group", name: `${p}_lambda`, attrs: { name: `/aws/lambda/${p}-worker`, retention_in_days: 30, tags } });
  R.push({
    type: "aws_lambda_function",
    name: `${p}_worker`,
    attrs: {
      function_name: `${p}-worker`,
      role: ref(`aws_iam_role.${p}_lambda`, "arn"),
      handler: "index.handler",
      runtime: "nodejs20.x",
      memory_size: 256,
      timeout: 30,
      s3_bucket: ref(`aws_s3_bucket.${bucket}`, "id"),
      s3_key: "worker.zip",
      environment: blocks({ variables: { TABLE: `${p}-orders`, QUEUE: `${p}-jobs`, LOG_LEVEL: "info" } }),
      tracing_config: blocks({ mode: "Active" }),
      tags,
    },
  });
  R.push({ type: "aws_lambda_event_source_mapping", name: `${p}_jobs`, attrs: { event_source_arn: ref(`aws_sqs_queue.${p}_jobs`, "arn"), function_name: ref(`aws_lambda_function.${p}_worker`, "arn"), batch_size: 10 } });
  R.push({
    type: "aws_dynamodb_table",
    name: `${p}_orders`,
    attrs: {
      name: `${p}-orders`,
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "pk",
      range_key: "sk",
      attribute: blocks({ name: "pk", type: "S" }, { name: "sk", type: "S" }),
      point_in_time_recovery: blocks({ enabled: true }),
      server_side_encryption: blocks({ enabled: true, kms_key_arn: ref("aws_kms_key.apps", "arn") }),
      tags,
    },
  });
  R.push({ type: "aws_sqs_queue", name: `${p}_jobs`, attrs: { name: `${p}-jobs`, visibility_timeout_seconds: 60, message_retention_seconds: 345600, sqs_managed_sse_enabled: true, tags } });
  R.push({ type: "aws_sqs_queue", name: `${p}_jobs_dlq`, attrs: { name: `${p}-jobs-dlq`, message_retention_seconds: 1209600, sqs_managed_sse_enabled: true, tags } });
  R.push({ type: "aws_sns_topic", name: `${p}_events`, attrs: { name: `${p}-events`, kms_master_key_id: "alias/aws/sns", tags } });
  R.push({ type: "aws_sns_topic_subscription", name: `${p}_events`, attrs: { topic_arn: ref(`aws_sns_topic.${p}_events`, "arn"), protocol: "sqs", endpoint: ref(`aws_sqs_queue.${p}_jobs`, "arn") } });
  R.push({ type: "aws_cloudwatch_metric_alarm", name: `${p}_errors`, attrs: { alarm_name: `${p}-errors`, comparison_operator: "GreaterThanThreshold", evaluation_periods: 1, metric_name: "Errors", namespace: "AWS/Lambda", period: 300, statistic: "Sum", threshold: 5, dimensions: { FunctionName: `${p}-worker` }, alarm_actions: [ref(`aws_sns_topic.${p}_events`, "arn")], tags } });
  R.push({ type: "aws_security_group", name: `${p}_db`, attrs: { name: `${p}-db`, description: "database", vpc_id: ref("aws_vpc.main", "id"), tags } });
  for (const [name, port] of [["pg", 5432], ["https", 443]]) {
    R.push({ type: "aws_vpc_security_group_ingress_rule", name: `${p}_db_${name}`, attrs: { security_group_id: ref(`aws_security_group.${p}_db`, "id"), cidr_ipv4: "10.20.0.0/16", from_port: port, to_port: port, ip_protocol: "tcp", tags } });
  }
  R.push({ type: "aws_vpc_security_group_egress_rule", name: `${p}_db_all`, attrs: { security_group_id: ref(`aws_security_group.${p}_db`, "id"), cidr_ipv4: "0.0.0.0/0", ip_protocol: "-1", tags } });
  R.push({ type: "aws_route53_record", name: `${p}_api`, attrs: { zone_id: "Z0123456789ABCDEFGHIJ", name: `${p}.example.com`, type: "CNAME", ttl: 300, records: [`${p}.cdn.example.com`] } });
  R.push({ type: "aws_ssm_parameter", name: `${p}_feature_flags`, attrs: { name: `/${p}/feature-flags`, type: "String", value: JSON.stringify({ beta: false, rollout: 10 }), tags } });
  R.push({ type: "aws_ecr_repository", name: `${p}_worker`, attrs: { name: `${p}-worker`, image_tag_mutability: "IMMUTABLE", image_scanning_configuration: blocks({ scan_on_push: true }), encryption_configuration: blocks({ encryption_type: "KMS", kms_key: ref("aws_kms_key.apps", "arn") }), tags } });
  R.push({ type: "aws_ecr_lifecycle_policy", name: `${p}_worker`, attrs: { repository: ref(`aws_ecr_repository.${p}_worker`, "name"), policy: json({ rules: [{ rulePriority: 1, description: "keep 30", selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 }, action: { type: "expire" } }] }) } });
  R.push({ type: "aws_cloudwatch_event_rule", name: `${p}_nightly`, attrs: { name: `${p}-nightly`, schedule_expression: "cron(0 3 * * ? *)", tags } });
  R.push({ type: "aws_cloudwatch_event_target", name: `${p}_nightly`, attrs: { rule: ref(`aws_cloudwatch_event_rule.${p}_nightly`, "name"), arn: ref(`aws_lambda_function.${p}_worker`, "arn") } });
  return R;
}

// ------------------------------------------------------------------ plan JSON

const hasRef = (v) => isRef(v) || (isJson(v) && hasRef(v.doc)) || (Array.isArray(v) ? v.some(hasRef) : v && typeof v === "object" && !isRef(v) && !isJson(v) && Object.values(v).some(hasRef));

/** Reference strings as the configuration writes them; `local` maps a ref to what the referrer's module sees. */
function collectRefs(v, out = [], local = (r) => [`${r.address}.${r.attribute}`, r.address]) {
  if (isRef(v)) out.push(...local(v));
  else if (isJson(v)) collectRefs(v.doc, out, local);
  else if (Array.isArray(v)) v.forEach((x) => collectRefs(x, out, local));
  else if (v && typeof v === "object") Object.values(v).forEach((x) => collectRefs(x, out, local));
  return out;
}

/** Plan-time value of a ref: known when the target sets that attribute to a known literal. */
function planValue(byAddress, r) {
  const target = byAddress.get(r.address);
  const value = target?.attrs[r.attribute];
  if (value === undefined || hasRef(value) || isBlocks(value)) return { unknown: true };
  return { unknown: false, value };
}

/** after, after_unknown, after_sensitive of one abstract attribute value. */
function planAttr(byAddress, value) {
  if (isRef(value)) {
    const pv = planValue(byAddress, value);
    return pv.unknown ? { unknown: true } : { after: pv.value, aun: undefined, sens: undefined };
  }
  if (isJson(value)) {
    if (hasRef(value.doc)) return { unknown: true };
    return { after: JSON.stringify(value.doc), aun: undefined };
  }
  if (isBlocks(value)) {
    const after = [];
    const aun = [];
    const sens = [];
    for (const block of value) {
      const b = planObject(byAddress, block);
      after.push(b.after);
      aun.push(b.aun);
      sens.push(b.sens);
    }
    return { after, aun, sens };
  }
  if (Array.isArray(value)) {
    // A set/list attribute: wholly unknown when any element is (sets of unknowns collapse).
    if (value.some(hasRef)) return { unknown: true };
    return { after: value, aun: value.map(() => false), sens: value.map(() => false) };
  }
  if (value && typeof value === "object") {
    // A map attribute (tags, environment variables).
    const after = {};
    const aun = {};
    for (const [k, x] of Object.entries(value)) {
      const a = planAttr(byAddress, x);
      if (a.unknown) aun[k] = true;
      else after[k] = a.after;
    }
    return { after, aun, sens: {} };
  }
  return { after: value, aun: undefined };
}

function planObject(byAddress, attrs) {
  const after = {};
  const aun = {};
  const sens = {};
  for (const [k, value] of Object.entries(attrs)) {
    const a = planAttr(byAddress, value);
    if (a.unknown) {
      aun[k] = true;
      continue;
    }
    after[k] = a.after;
    if (a.aun !== undefined) aun[k] = a.aun;
    if (a.sens !== undefined) sens[k] = a.sens;
  }
  return { after, aun, sens };
}

function expressions(value, local) {
  const out = {};
  for (const [k, v] of Object.entries(value)) {
    if (isBlocks(v)) out[k] = v.map((b) => expressions(b, local));
    else if (hasRef(v)) out[k] = { references: [...new Set(collectRefs(v, [], local))] };
    else out[k] = { constant_value: isJson(v) ? JSON.stringify(v.doc) : v };
  }
  return out;
}

export function planJson(resources) {
  const byAddress = new Map(resources.map((r) => [r.address, r]));
  const planned = [];
  const changes = [];
  const prior = [];
  const config = [];
  const children = new Map(); // module address -> { planned: [], config: [], variables: {} }
  const child = (m) => {
    if (!children.has(m)) children.set(m, { planned: [], config: [], variables: {} });
    return children.get(m);
  };
  for (const r of resources) {
    const { after, aun, sens } = planObject(byAddress, r.attrs);
    after.region = REGION;
    if ("tags" in after) after.tags_all = { ...after.tags };
    for (const c of COMPUTED[r.type] ?? []) if (!(c in after)) aun[c] = true;
    if ("tags" in after) {
      aun.tags_all = {};
      sens.tags_all = {};
    }
    const head = { address: r.address, mode: r.mode, type: r.type, name: r.name, provider_name: PROVIDER, ...(r.module ? { module_address: r.module } : {}) };
    const dataKnown = r.mode === "data" && !hasRef(r.attrs);
    if (dataKnown) {
      prior.push({ ...head, schema_version: 0, values: after, sensitive_values: sens });
    } else {
      (r.module ? child(r.module).planned : planned).push({ ...head, schema_version: 0, values: after, sensitive_values: sens });
      changes.push({
        ...head,
        change: { actions: [r.mode === "data" ? "read" : "create"], before: null, after, after_unknown: aun, before_sensitive: false, after_sensitive: sens },
        ...(r.mode === "data" ? { action_reason: "read_because_config_unknown" } : {}),
      });
    }
    if (!r.module) {
      config.push({ address: r.address, mode: r.mode, type: r.type, name: r.name, provider_config_key: "aws", expressions: expressions(r.attrs), schema_version: 0 });
      continue;
    }
    // Inside a module: same-module refs are local addresses, root resources arrive as variables.
    const c = child(r.module);
    const local = (ref) => {
      if (ref.address.startsWith(`${r.module}.`)) {
        const a = ref.address.slice(r.module.length + 1);
        return [`${a}.${ref.attribute}`, a];
      }
      const variable = `${ref.address.replace(/[^a-z0-9]+/g, "_")}_${ref.attribute}`;
      c.variables[variable] = { references: [`${ref.address}.${ref.attribute}`, ref.address] };
      return [`var.${variable}`];
    };
    c.config.push({ address: r.local, mode: r.mode, type: r.type, name: r.name, provider_config_key: "aws", expressions: expressions(r.attrs, local), schema_version: 0 });
  }
  const moduleCalls = {};
  const childModules = [];
  for (const [m, c] of children) {
    moduleCalls[m.slice("module.".length)] = { source: "./modules/app-runner-service", expressions: c.variables, module: { resources: c.config } };
    if (c.planned.length) childModules.push({ address: m, resources: c.planned });
  }
  return {
    format_version: "1.2",
    terraform_version: "1.9.8",
    planned_values: { root_module: { resources: planned, ...(childModules.length ? { child_modules: childModules } : {}) } },
    resource_changes: changes,
    prior_state: { format_version: "1.0", terraform_version: "1.9.8", values: { root_module: { resources: prior } } },
    configuration: {
      provider_config: { aws: { name: "aws", full_name: PROVIDER, expressions: { region: { constant_value: REGION } } } },
      root_module: { resources: config, ...(Object.keys(moduleCalls).length ? { module_calls: moduleCalls } : {}) },
    },
    timestamp: "2025-01-01T00:00:00Z",
    applyable: true,
    complete: true,
    errored: false,
  };
}

// ------------------------------------------------------------------ cdktf JSON

function cdktfValue(v) {
  if (isRef(v)) return `\${${v.address}.${v.attribute}}`;
  if (isJson(v)) return hasRef(v.doc) ? `\${jsonencode(${JSON.stringify(cdktfValue(v.doc))})}` : JSON.stringify(v.doc);
  if (isBlocks(v)) return v.length === 1 ? cdktfValue(v[0]) : v.map(cdktfValue);
  if (Array.isArray(v)) return v.map(cdktfValue);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cdktfValue(x)]));
  return v;
}

export function cdktfJson(resources, stack = "bench") {
  const out = {
    "//": { metadata: { backend: "local", stackName: stack, version: "0.21.0" }, outputs: {} },
    provider: { aws: [{ region: REGION }] },
    terraform: { backend: { local: { path: "terraform.tfstate" } }, required_providers: { aws: { source: "aws", version: "6.22.0" } } },
    resource: {},
    data: {},
  };
  for (const r of resources) {
    const section = r.mode === "data" ? out.data : out.resource;
    const body = { "//": { metadata: { path: `${stack}/${r.name}/Resource`, uniqueId: r.name } } };
    for (const [k, v] of Object.entries(r.attrs)) body[k] = cdktfValue(v);
    (section[r.type] ??= {})[r.name] = body;
  }
  return out;
}

// ------------------------------------------------------------------ files

/** Writes plan-<N>.json and cdktf-<N>/ under dir; returns their paths and the compliant/violating mix. */
export function writeInputs(dir, services, { seed = 5, kind = "both", shape = "flat" } = {}) {
  mkdirSync(dir, { recursive: true });
  const { resources, mix } = buildResources(services, seed, shape);
  const files = { resources: resources.length, mix, shape };
  if (shape !== "flat" && kind === "both") kind = "plan"; // cdktf.out only for the flat shape
  const suffix = shape === "flat" ? "" : `-${shape}`;
  if (kind === "plan" || kind === "both") {
    files.plan = join(dir, `plan-${services}${suffix}.json`);
    writeFileSync(files.plan, JSON.stringify(planJson(resources)) + "\n");
  }
  if (kind === "cdktf" || kind === "both") {
    const out = join(dir, `cdktf-${services}`);
    mkdirSync(join(out, "stacks", "bench"), { recursive: true });
    writeFileSync(join(out, "stacks", "bench", "cdk.tf.json"), JSON.stringify(cdktfJson(resources), null, 2) + "\n");
    writeFileSync(
      join(out, "manifest.json"),
      JSON.stringify({ version: "0.21.0", stacks: { bench: { name: "bench", constructPath: "bench", synthesizedStackPath: "stacks/bench/cdk.tf.json", workingDirectory: "stacks/bench", annotations: [], dependencies: [] } } }, null, 2) + "\n",
    );
    files.cdktf = out;
  }
  return files;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const args = process.argv.slice(2);
  const opt = (name, fallback) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const dir = opt("out", "bench/out/inputs");
  for (const n of String(opt("services", "1,10,100,1000")).split(",").map(Number)) {
    const files = writeInputs(dir, n, { seed: Number(opt("seed", 5)), kind: opt("kind", "both"), shape: opt("shape", "flat") });
    console.log(`${n} services: ${files.resources} resources (${files.mix.compliant} compliant, ${files.mix.violating} violating) -> ${[files.plan, files.cdktf].filter(Boolean).join(", ")}`);
  }
}
