# Cannot-verify findings of AR-META-001 about IAM: values inside the statements that reach a service's
# roles, and role links that name several candidates. (The rule's METADATA is in rule.rego.)
package apprunner_guard.rules.meta.unknown_value

import data.apprunner_guard.lib

# Statement fields unknown until apply (Statement.unknown), and the rules that read each one, per role kind.
_permission_rules := ["AR-IAM-001", "AR-IAM-002", "AR-IAM-003", "AR-IAM-004", "AR-IAM-005", "AR-SEC-003"]

_resource_rules := ["AR-IAM-003", "AR-IAM-004", "AR-IAM-005", "AR-SEC-003"]

statement_field_rules := {
	"instance": {
		"effect": _permission_rules,
		"actions": _permission_rules,
		"not_actions": _permission_rules,
		"resources": _resource_rules,
		"not_resources": _resource_rules,
		"conditions": ["AR-IAM-005"],
	},
	"access": {
		"effect": ["AR-IAM-007"],
		"actions": ["AR-IAM-007"],
		"not_actions": ["AR-IAM-007"],
	},
}

trust_field_rules := {"effect": ["AR-IAM-006"], "principals": ["AR-IAM-006"], "not_principals": ["AR-IAM-006"]}

# A condition only matters to the rules where it can scope iam:PassRole.
_field_matters(st, "conditions") if lib.grants(st, "iam:passrole")

_field_matters(_, field) if field != "conditions"

findings contains meta(
	st.via,
	lib.statement_attribute(st),
	concat("", [
		"statement ", format_int(st.index, 10), " of ", lib.statement_source(st), " (a policy of ", lib.role_label(sr),
		") has ", concat(", ", fields), " unknown until apply",
	]),
	rules,
	[sr.service, sr.role],
) if {
	some sr in lib.service_roles
	some st in input.iam.roles[sr.role].statements
	fields := sort([f |
		some f in st.unknown
		statement_field_rules[sr.kind][f]
		_field_matters(st, f)
	])
	count(fields) > 0
	rules := sort({r |
		some f in fields
		some r in statement_field_rules[sr.kind][f]
	})
}

findings contains meta(
	st.via,
	"assume_role_policy",
	concat("", [
		"trust statement ", format_int(st.index, 10), " of ", st.via, " (of ", lib.role_label(sr),
		") has ", concat(", ", fields), " unknown until apply",
	]),
	["AR-IAM-006"],
	[sr.service, sr.role],
) if {
	some sr in lib.service_roles
	some st in input.iam.roles[sr.role].trust
	fields := sort([f |
		some f in st.unknown
		trust_field_rules[f]
	])
	count(fields) > 0
}

# A role ARN unknown until apply whose expression references several roles (a conditional, coalesce):
# which one Terraform applies cannot be told, so each is checked and the link is cannot-verify.
findings contains meta(
	s,
	path,
	concat("", [
		kind, " role ARN of ", s, " is unknown until apply and references several roles (",
		concat(", ", sort(roles)), "); which one Terraform applies cannot be told",
	]),
	blocked,
	[s],
) if {
	some s in lib.services
	svc := input.resources[s]
	some kind, path in lib.role_paths
	lib.is_unknown(svc, path)
	roles := lib.model_roles(svc, path)
	count(roles) > 1
	blocked := blocks[kind]
}
