# METADATA
# title: A value a rule needs cannot be known
# description: >-
#   A value a rule needs is unknown until apply and not linked to a resource in the input
#   (a port from a variable, a role ARN from a data source), an IAM policy reaching a role
#   cannot be read, or a role lives outside the input. The finding names the rules it blocks
#   and the attribute; it is never a silent pass.
# scope: package
# custom:
#   id: AR-META-001
#   severity: medium
#   mappings: []
#   remediation: >-
#     Check a complete Terraform plan (terraform show -json, without -target) rather than cdktf
#     output where values come from data sources or variables; reference resources directly
#     (role.arn, not a string built from variables) and with static blocks rather than dynamic ones
#     where a rule reads the value; build policies with aws_iam_policy_document or jsonencode of
#     literals; set configuration_source = "API" to keep the runtime configuration in the plan.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.meta.unknown_value

import data.apprunner_guard.lib

blocks := {
	"instance": ["AR-IAM-001", "AR-IAM-002", "AR-IAM-003", "AR-IAM-004", "AR-IAM-005", "AR-IAM-006", "AR-SEC-003"],
	"access": ["AR-IAM-006", "AR-IAM-007"],
}

# Besides the message, the finding lists the rules it blocks ("blocks"), so the report can mark them
# cannot-verify and rate the finding as high as the most severe of them (fail closed).
meta(resource, attribute, what, rules, related) := object.union(
	lib.finding(resource, attribute, concat("", [what, ": cannot verify ", concat(", ", rules)]), related),
	{"blocks": sort(rules)},
)

# A role ARN unknown until apply that refs do not link to a role of the input.
findings contains meta(s, path, concat("", [kind, " role ARN of ", s, " is unknown until apply and not linked to an aws_iam_role in the input", lib.unknown_reason(svc, path)]), blocked, [s]) if {
	some s in lib.services
	svc := input.resources[s]
	some kind, path in lib.role_paths
	lib.is_unknown(svc, path)
	count(lib.model_roles(svc, path)) == 0
	blocked := blocks[kind]
}

# A known role ARN that points at no role of the input (an external role).
findings contains meta(s, path, concat("", [kind, " role ", arn, " of ", s, " is not in the input (external role)"]), blocked, [s]) if {
	some s in lib.services
	svc := input.resources[s]
	some kind, path in lib.role_paths
	count(lib.model_roles(svc, path)) == 0
	arn := lib.role_arn(svc, path)
	blocked := blocks[kind]
}

# A policy reaching a service's role that the normalizer cannot read.
findings contains meta(
	u.via,
	u.attribute,
	concat("", ["a policy of ", lib.role_label(sr), " cannot be read (", u.reason, ")"]),
	blocks[sr.kind],
	[sr.service, sr.role],
) if {
	some sr in lib.service_roles
	some u in input.iam.roles[sr.role].unresolved
}

# Inline policies the configuration writes that are unknown as a whole (a dynamic inline_policy whose
# for_each is unknown): what the role may do cannot be read. (A role without inline_policy blocks is
# not listed as unknown by the normalizer: the provider computes that block.)
findings contains meta(
	sr.role,
	"inline_policy",
	concat("", ["the inline policies of ", lib.role_label(sr), " are unknown until apply", lib.unknown_reason(input.resources[sr.role], "inline_policy")]),
	blocks[sr.kind],
	[sr.service, sr.role],
) if {
	some sr in lib.service_roles
	"inline_policy" in object.get(input.resources, [sr.role, "unknown"], [])
}

findings contains meta(s, path, concat("", [path, " of ", s, " is unknown until apply", lib.unknown_reason(svc, path)]), rules, [s]) if {
	some s in lib.services
	svc := input.resources[s]
	some path, blocked_rules in service_values
	lib.is_unknown(svc, path)
	rules := lib.enabled_rules(blocked_rules)
	count(rules) > 0
	not settled_by_visible_part(svc, path)
}

findings contains meta(s, path, concat("", [path, " of ", s, " is unknown until apply and references nothing in the input", lib.unknown_reason(svc, path)]), rules, [s]) if {
	some s in lib.services
	svc := input.resources[s]
	some path, rules in map_values
	lib.is_unknown(svc, path)
	count(lib.refs_at(svc, path)) == 0
}

findings contains meta(s, obs_path, concat("", ["the observability configuration of ", s, " is not an aws_apprunner_observability_configuration in the input"]), ["AR-OPS-001"], [s]) if {
	some s in lib.services
	svc := input.resources[s]
	svc.values.observability_configuration[0].observability_enabled == true
	count(lib.refs_of_types(svc, obs_path, {"aws_apprunner_observability_configuration"})) == 0
}

# An injected secret whose source (Secrets Manager or SSM) cannot be told.
findings contains meta(s, e.path, concat("", ["the source of secret ", lib.entry_name(e), " of ", s, " is unknown until apply and ", why]), ["AR-SEC-002", "AR-SEC-003"], [s]) if {
	some s in lib.services
	svc := input.resources[s]
	some e in lib.service_env_entries(s, "runtime_environment_secrets")
	source := lib.secret_source(svc, e)
	why := reason[source]
}

# A plain variable whose value is unknown and not linked to any resource.
findings contains meta(s, e.path, concat("", ["the value of ", lib.q(e.name), " of ", s, " is unknown until apply and not linked to a resource in the input"]), ["AR-SEC-001"], [s]) if {
	some s in lib.services
	svc := input.resources[s]
	some e in lib.service_env_entries(s, "runtime_environment_variables")
	e.unknown
	not lib.secret_like(e.name)
	count(lib.refs_at(svc, e.path)) == 0
}

# A VPC connector whose tags are unknown until apply while AR-OPS-005 requires tags the known ones lack.
findings contains meta(c, "tags", concat("", ["the tags of ", c, " are unknown until apply"]), ["AR-OPS-005"], [c]) if {
	lib.rule_enabled("AR-OPS-005")
	some c in lib.of_type("aws_apprunner_vpc_connector")
	res := input.resources[c]
	lib.tags_unknown(res)
	not connector_tags_known_enough(res)
}

findings contains meta(a, l.attribute, concat("", [l.attribute, " of ", a, " is unknown until apply and not linked to a resource in the input", lib.unknown_reason(res, l.attribute)]), l.rules, [a]) if {
	some type, l in linking
	some a in lib.of_type(type)
	res := input.resources[a]
	lib.is_unknown(res, l.attribute)
	count(lib.refs_at(res, l.attribute)) == 0
}

# cdktf: a public service whose ARN goes, through a cross-stack output, to a stack that is not in the
# input (where a web ACL association may protect it) and that nothing in the input protects.
findings contains meta(
	s,
	"arn",
	concat("", ["whether a web ACL association in another stack protects ", s, " cannot be seen (", reason, ")"]),
	["AR-NET-001"],
	[s],
) if {
	some s in lib.services
	svc := input.resources[s]
	lib.is_public(svc)
	reason := svc.unseen_consumers.aws_wafv2_web_acl_association
}

# The same for a private service and the VPC ingress connection that would reach it.
findings contains meta(
	s,
	"arn",
	concat("", ["whether a VPC ingress connection in another stack reaches ", s, " cannot be seen (", reason, ")"]),
	["AR-NET-004"],
	[s],
) if {
	some s in lib.services
	svc := input.resources[s]
	lib.is_private(svc)
	reason := svc.unseen_consumers.aws_apprunner_vpc_ingress_connection
}

findings contains meta(
	min(lib.services),
	"",
	concat("", [input.source.path, ": ", input.source.incomplete, ", so it may hide changes the rules need"]),
	all_rules,
	lib.services,
) if {
	input.source.incomplete
	count(lib.services) > 0
}

findings contains meta(
	s,
	concat(".", [code_configuration_path, "configuration_source"]),
	concat("", [s, " reads its runtime configuration from apprunner.yaml in the repository (configuration_source = \"REPOSITORY\"): port, variables and secrets are not in the input"]),
	["AR-NET-002", "AR-SEC-001", "AR-SEC-002", "AR-SEC-003"],
	[s],
) if {
	some s in lib.services
	input.resources[s].values.source_configuration[0].code_repository[0].code_configuration[0].configuration_source == "REPOSITORY"
}

# Single service values that rules need, unknown until apply (refs cannot supply them).
# Rules that are off (optional rules whose parameter is unset) are left out: nothing to block.
service_values := {
	lib.public_path: ["AR-NET-001", "AR-NET-004", "AR-NET-006", "AR-NET-007"],
	"network_configuration.0.egress_configuration.0.egress_type": ["AR-NET-005"],
	"network_configuration.0.ip_address_type": ["AR-NET-007"],
	"health_check_configuration.0.unhealthy_threshold": ["AR-OPS-004"],
	concat(".", [lib.image_configuration_path, "port"]): ["AR-NET-002"],
	concat(".", [lib.code_configuration_values_path, "port"]): ["AR-NET-002"],
	"health_check_configuration.0.protocol": ["AR-NET-003"],
	"health_check_configuration.0.path": ["AR-NET-003"],
	"observability_configuration.0.observability_enabled": ["AR-OPS-001"],
	"source_configuration.0.image_repository.0.image_identifier": ["AR-OPS-002"],
	"tags": ["AR-OPS-003"],
	"source_configuration.0.code_repository.0.code_configuration.0.configuration_source": ["AR-NET-002", "AR-SEC-001", "AR-SEC-002", "AR-SEC-003"],
}

# Whole maps unknown until apply: their entries (one per ref) are checked, unless nothing is referenced.
map_values := {
	concat(".", [lib.image_configuration_path, "runtime_environment_variables"]): ["AR-SEC-001"],
	concat(".", [lib.code_configuration_values_path, "runtime_environment_variables"]): ["AR-SEC-001"],
	concat(".", [lib.image_configuration_path, "runtime_environment_secrets"]): ["AR-SEC-002", "AR-SEC-003"],
	concat(".", [lib.code_configuration_values_path, "runtime_environment_secrets"]): ["AR-SEC-002", "AR-SEC-003"],
}

# The image's digest is visible after an unknown repository URL: AR-OPS-002 has what it needs.
settled_by_visible_part(svc, path) if {
	path == "source_configuration.0.image_repository.0.image_identifier"
	lib.visible_digest(svc, path)
}

# Tracing on, but the observability configuration cannot be found in the input.
obs_path := "observability_configuration.0.observability_configuration_arn"

reason := {
	"unresolved": "not linked to a Secrets Manager secret or SSM parameter in the input",
	"ambiguous": "linked to both Secrets Manager and SSM Parameter Store",
}

connector_tags_known_enough(res) if {
	required := lib.param("vpc_connector_required_tags")
	count(required) > 0
	count(lib.missing_tags(res, required)) == 0
}

connector_tags_known_enough(res) if {
	count(lib.param("vpc_connector_required_tags")) == 0
	count(lib.user_tag_keys(res)) > 0
}

# Associations whose target is unknown and not linked to anything.
linking := {
	"aws_wafv2_web_acl_association": {"attribute": "resource_arn", "rules": ["AR-NET-001"]},
	"aws_apprunner_vpc_ingress_connection": {"attribute": "service_arn", "rules": ["AR-NET-004"]},
}

# Every service is examined for values the rules cannot know.
applicable := lib.all_services

# The plan does not show everything Terraform will do (-target, complete: false, errored: true): what
# it leaves out may be exactly what a rule needs, so every rule is blocked for every service.
# Optional rules that are off (their parameter unset) are left out.
all_rules := lib.enabled_rules([
	"AR-IAM-001", "AR-IAM-002", "AR-IAM-003", "AR-IAM-004", "AR-IAM-005", "AR-IAM-006", "AR-IAM-007",
	"AR-NET-001", "AR-NET-002", "AR-NET-003", "AR-NET-004", "AR-NET-005", "AR-NET-006", "AR-NET-007",
	"AR-OPS-001", "AR-OPS-002", "AR-OPS-003", "AR-OPS-004", "AR-OPS-005",
	"AR-SEC-001", "AR-SEC-002", "AR-SEC-003", "AR-SEC-004",
])

# configuration_source = "REPOSITORY": port, variables and secrets live in apprunner.yaml, not in the plan.
code_configuration_path := "source_configuration.0.code_repository.0.code_configuration.0"
