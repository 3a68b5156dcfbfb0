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
#   controls: ["NIST AC-6", "NIST SC-28"]
#   remediation: >-
#     Grant secretsmanager:GetSecretValue (or ssm:GetParameters) on exactly the ARNs listed in
#     runtime_environment_secrets, plus kms:Decrypt on their customer managed key if any.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.secrets.secret_access_scoped

import data.apprunner_guard.lib

read_action := {"secretsmanager": "secretsmanager:getsecretvalue", "ssm": "ssm:getparameters"}

broad_resource_regex := `^arn:[^:]+:(secretsmanager:[^:]*:[^:]*:secret:\*|ssm:[^:]*:[^:]*:parameter/\*)$`

# Over-broad read grants.
findings contains lib.statement_finding(sr, st, concat("", ["can read every secret (", action, " on ", lib.q_list(broad), ")"])) if {
	some sr in lib.service_roles
	sr.kind == "instance"
	some st in input.iam.roles[sr.role].statements
	some action in read_action
	lib.grants(st, action)
	broad := broad_resources(st)
	count(broad) > 0
}

broad_resources(st) := array.concat(
	[r |
		some r in st.resources
		broad_resource(r)
	],
	[concat("", ["NotResource ", r]) | some r in st.not_resources],
)

broad_resource(r) if lib.matches_any_arn(r)

broad_resource(r) if regex.match(broad_resource_regex, r)

# Missing read grants for injected secrets.
findings contains lib.finding(
	sr.role,
	"",
	concat("", [lib.role_label(sr), " cannot read the secret ", lib.entry_name(e), ": no statement allows ", read_action[source], " on it"]),
	[sr.service, sr.role],
) if {
	some sr in lib.service_roles
	sr.kind == "instance"
	svc := input.resources[sr.service]
	some e in lib.env_entries(svc, "runtime_environment_secrets")
	source := lib.secret_source(svc, e)
	read_action[source]
	not granted(input.iam.roles[sr.role].statements, read_action[source], e)

	# A policy that cannot be read may hold the grant: AR-META-001 reports that instead.
	count(input.iam.roles[sr.role].unresolved) == 0
}

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
