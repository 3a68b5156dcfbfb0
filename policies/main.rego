# The entrypoints: every rule's findings (findings) and, with them, what each rule examined (evaluation); findings each with "rule": "<area>.<rule-name>".
# Rule packages are listed explicitly (the wasm compiler needs static references);
# scripts/build-policies.mjs fails when a folder under policies/rules/ is missing here.
package apprunner_guard.main

rules := {
	"iam.instance_role_admin_managed_policy": data.apprunner_guard.rules.iam.instance_role_admin_managed_policy.findings,
	"iam.instance_role_allows_all": data.apprunner_guard.rules.iam.instance_role_allows_all.findings,
	"iam.instance_role_any_resource": data.apprunner_guard.rules.iam.instance_role_any_resource.findings,
	"iam.instance_role_privilege_escalation": data.apprunner_guard.rules.iam.instance_role_privilege_escalation.findings,
	"iam.instance_role_wildcard_actions": data.apprunner_guard.rules.iam.instance_role_wildcard_actions.findings,
	"iam.role_separation": data.apprunner_guard.rules.iam.role_separation.findings,
	"iam.role_trust_policy": data.apprunner_guard.rules.iam.role_trust_policy.findings,
	"meta.unknown_value": data.apprunner_guard.rules.meta.unknown_value.findings,
	"network.http_health_check": data.apprunner_guard.rules.network.http_health_check.findings,
	"network.http_port": data.apprunner_guard.rules.network.http_port.findings,
	"network.ip_address_type": data.apprunner_guard.rules.network.ip_address_type.findings,
	"network.no_public_access": data.apprunner_guard.rules.network.no_public_access.findings,
	"network.private_intent": data.apprunner_guard.rules.network.private_intent.findings,
	"network.vpc_egress": data.apprunner_guard.rules.network.vpc_egress.findings,
	"network.waf_on_public_service": data.apprunner_guard.rules.network.waf_on_public_service.findings,
	"operations.pinned_image": data.apprunner_guard.rules.operations.pinned_image.findings,
	"operations.required_tags": data.apprunner_guard.rules.operations.required_tags.findings,
	"operations.tracing_enabled": data.apprunner_guard.rules.operations.tracing_enabled.findings,
	"operations.unhealthy_threshold": data.apprunner_guard.rules.operations.unhealthy_threshold.findings,
	"operations.vpc_connector_tags": data.apprunner_guard.rules.operations.vpc_connector_tags.findings,
	"secrets.encryption_cmk": data.apprunner_guard.rules.secrets.encryption_cmk.findings,
	"secrets.plain_env_secret": data.apprunner_guard.rules.secrets.plain_env_secret.findings,
	"secrets.secret_access_scoped": data.apprunner_guard.rules.secrets.secret_access_scoped.findings,
	"secrets.secret_source": data.apprunner_guard.rules.secrets.secret_source.findings,
}

# The model version this rule set reads (src/normalize/model.ts MODEL_VERSION).
model_version := 1

# Every rule id, for the refusal below (scripts/build-policies.mjs fails when it differs from the METADATA).
rule_ids := [
	"AR-IAM-001", "AR-IAM-002", "AR-IAM-003", "AR-IAM-004", "AR-IAM-005", "AR-IAM-006", "AR-IAM-007",
	"AR-META-001",
	"AR-NET-001", "AR-NET-002", "AR-NET-003", "AR-NET-004", "AR-NET-005", "AR-NET-006", "AR-NET-007",
	"AR-OPS-001", "AR-OPS-002", "AR-OPS-003", "AR-OPS-004", "AR-OPS-005",
	"AR-SEC-001", "AR-SEC-002", "AR-SEC-003", "AR-SEC-004",
]

# The rules read only the input model. Anything else (a raw plan given to "opa eval -i plan.json",
# a cdktf stack, a model of another version) would make every rule silently find nothing, so it
# is refused with one finding that blocks every rule: never an empty set.
is_model if input.model_version == model_version

findings contains refusal if not is_model

findings contains params_refusal if count(missing_params) > 0

findings contains object.union(f, {"rule": rule}) if {
	is_model
	count(missing_params) == 0
	some rule, fs in rules
	some f in fs
}

# Without parameters the rules that read them would find nothing: refused the same way.
param_names := {
	"actions_allowed_on_any_resource", "allow_ssm_for_secret_names", "allowed_action_wildcards", "allowed_ports",
	"forbidden_ports", "internal_tag", "non_secret_name_words", "required_tags", "secret_name_patterns",
	"ip_address_type", "max_unhealthy_threshold", "require_private_ingress", "require_vpc_egress", "vpc_connector_required_tags",
}

has_param(name) if _ = data.apprunner_guard.params[name]

missing_params := sort([n | some n in param_names; not has_param(n)])

refusal := {
	"rule": "meta.unknown_value",
	"resource": "input",
	"attribute": "model_version",
	"message": concat("", [
		"the input is not an apprunner-guard input model (model_version ", json.marshal(object.get(input, "model_version", null)),
		", expected ", json.marshal(model_version), "); ",
		"run \"apprunner-guard model <plan.json|cdk.tf.json|cdktf.out>\" and evaluate its output: cannot verify any rule",
	]),
	"related": [],
	"blocks": rule_ids,
}

params_refusal := {
	"rule": "meta.unknown_value",
	"resource": "data.apprunner_guard.params",
	"attribute": concat(",", missing_params),
	"message": concat("", [
		"rule parameters missing from data.apprunner_guard.params (", concat(", ", missing_params), "); ",
		"load policies/apprunner_guard/params/data.json (opa eval -d policies): cannot verify any rule",
	]),
	"related": [],
	"blocks": rule_ids,
}

# Which resources each rule examines (the evidence marks the others not-applicable).
applicable := {
	"iam.instance_role_admin_managed_policy": data.apprunner_guard.rules.iam.instance_role_admin_managed_policy.applicable,
	"iam.instance_role_allows_all": data.apprunner_guard.rules.iam.instance_role_allows_all.applicable,
	"iam.instance_role_any_resource": data.apprunner_guard.rules.iam.instance_role_any_resource.applicable,
	"iam.instance_role_privilege_escalation": data.apprunner_guard.rules.iam.instance_role_privilege_escalation.applicable,
	"iam.instance_role_wildcard_actions": data.apprunner_guard.rules.iam.instance_role_wildcard_actions.applicable,
	"iam.role_separation": data.apprunner_guard.rules.iam.role_separation.applicable,
	"iam.role_trust_policy": data.apprunner_guard.rules.iam.role_trust_policy.applicable,
	"meta.unknown_value": data.apprunner_guard.rules.meta.unknown_value.applicable,
	"network.http_health_check": data.apprunner_guard.rules.network.http_health_check.applicable,
	"network.http_port": data.apprunner_guard.rules.network.http_port.applicable,
	"network.ip_address_type": data.apprunner_guard.rules.network.ip_address_type.applicable,
	"network.no_public_access": data.apprunner_guard.rules.network.no_public_access.applicable,
	"network.private_intent": data.apprunner_guard.rules.network.private_intent.applicable,
	"network.vpc_egress": data.apprunner_guard.rules.network.vpc_egress.applicable,
	"network.waf_on_public_service": data.apprunner_guard.rules.network.waf_on_public_service.applicable,
	"operations.pinned_image": data.apprunner_guard.rules.operations.pinned_image.applicable,
	"operations.required_tags": data.apprunner_guard.rules.operations.required_tags.applicable,
	"operations.tracing_enabled": data.apprunner_guard.rules.operations.tracing_enabled.applicable,
	"operations.unhealthy_threshold": data.apprunner_guard.rules.operations.unhealthy_threshold.applicable,
	"operations.vpc_connector_tags": data.apprunner_guard.rules.operations.vpc_connector_tags.applicable,
	"secrets.encryption_cmk": data.apprunner_guard.rules.secrets.encryption_cmk.applicable,
	"secrets.plain_env_secret": data.apprunner_guard.rules.secrets.plain_env_secret.applicable,
	"secrets.secret_access_scoped": data.apprunner_guard.rules.secrets.secret_access_scoped.applicable,
	"secrets.secret_source": data.apprunner_guard.rules.secrets.secret_source.applicable,
}

# What the engine evaluates in one pass: the findings (the entrypoint native OPA and conftest query) and
# the applicability sets, sorted.
evaluation := {
	"findings": findings,
	"applicable": {rule: sort(addresses) | some rule, addresses in applicable},
}
