# METADATA
# title: Secret access is granted and scoped
# description: >-
#   The instance role can read each secret the service injects (secretsmanager:GetSecretValue
#   for Secrets Manager, ssm:GetParameters for SSM) and reads secrets only on named ARNs, not on
#   "*", "secret:*" or "parameter/*". A missing grant is a finding too: the service would fail to start.
# scope: package
# custom:
#   id: AR-SEC-003
#   severity: high
#   mappings:
#     - {framework: nist-800-53, control: "AC-6"}
#     - {framework: nist-800-53, control: "SC-28"}
#     - {framework: pci-dss, control: "7.2.2"}
#     - {framework: soc2, control: "CC6.3"}
#   remediation: >-
#     Grant secretsmanager:GetSecretValue (or ssm:GetParameters) on exactly the ARNs listed in
#     runtime_environment_secrets, plus kms:Decrypt on their customer managed key if any.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.secrets.secret_access_scoped

import data.apprunner_guard.lib

read_action := {"secretsmanager": "secretsmanager:getsecretvalue", "ssm": "ssm:getparameters"}

# Per store: a pattern for "every secret of an account", and a made-up secret in a made-up region
# and account (a pattern that matches it matches every secret anywhere).
store := {
	"secretsmanager": {
		"account_wide": `^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:\*$`,
		"probe": "arn:aws:secretsmanager:zz-probe-1:000000000000:secret:apprunner-guard-probe-AbCdEf",
	},
	"ssm": {
		"account_wide": `^arn:[^:]+:ssm:[^:]*:[^:]*:parameter/\*$`,
		"probe": "arn:aws:ssm:zz-probe-1:000000000000:parameter/apprunner-guard-probe",
	},
}

# Over-broad read grants.
findings contains lib.statement_finding(sr, st, concat("", ["can read every secret (", action, " on ", lib.q_list(broad), ")"])) if {
	some sr in lib.service_roles
	sr.kind == "instance"
	some st in input.iam.roles[sr.role].statements
	some kind, action in read_action
	lib.grants(st, action)
	broad := broad_resources(st, store[kind])
	count(broad) > 0
}

# Missing read grants for injected secrets.
findings contains lib.finding(
	sr.role,
	"",
	concat("", [lib.role_label(sr), " cannot read the secret ", lib.entry_name(e), ": no statement allows ", action, " on it"]),
	[sr.service, sr.role],
) if {
	some sr in lib.service_roles
	sr.kind == "instance"
	svc := input.resources[sr.service]
	some e in lib.service_env_entries(sr.service, "runtime_environment_secrets")
	source := lib.secret_source(svc, e)
	action := read_action[source]
	not granted(input.iam.roles[sr.role].statements, action, e)

	# A policy that cannot be read may hold the grant: AR-META-001 reports that instead.
	count(input.iam.roles[sr.role].unresolved) == 0
}

# Secrets injected into a service that has no instance role at all: nothing can read them.
findings contains lib.finding(
	s,
	e.path,
	concat("", [s, " injects the secret ", lib.entry_name(e), " but has no instance role (instance_configuration.instance_role_arn), so the service cannot read it"]),
	[s],
) if {
	some s in lib.services
	svc := input.resources[s]
	not lib.role_arn(svc, lib.instance_role_path)
	not lib.is_unknown(svc, lib.instance_role_path)
	some e in lib.service_env_entries(s, "runtime_environment_secrets")
	read_action[lib.secret_source(svc, e)]
}

broad_resources(st, s) := array.concat(
	[r |
		some r in st.resources
		broad_resource(r, s)
	],
	[concat("", ["NotResource ", r]) | some r in st.not_resources],
)

broad_resource(r, _) if lib.matches_any_arn(r)

broad_resource(r, s) if regex.match(s.account_wide, r)

broad_resource(r, s) if lib.wildcard_match(r, s.probe)

# Known ARN: some statement allows the action on a resource pattern matching the ARN.
granted(statements, action, e) if {
	not e.unknown
	some st in statements
	lib.grants(st, action)
	covers(st, secret_arn(e.value))
}

# ARN unknown until apply: some statement allows the action (its resources cannot be compared).
granted(statements, action, e) if {
	e.unknown
	some st in statements
	lib.grants(st, action)
}

covers(st, _) if lib.any_resource(st)

covers(st, arn) if {
	some r in st.resources
	lib.wildcard_match(r, arn)
}

# A Secrets Manager reference may carry ":json-key:version-stage:version-id"; the secret ARN is the first 7 fields.
secret_arn(v) := concat(":", array.slice(split(v, ":"), 0, 7))

# Applies to services that inject secrets or have an instance role (which could read any secret).
applicable := lib.services_injecting("runtime_environment_secrets") | lib.services_with_role("instance")
