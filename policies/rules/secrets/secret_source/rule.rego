# METADATA
# title: Secret-like variables come from Secrets Manager
# description: >-
#   Every runtime_environment_secrets entry whose name is secret-like (secret_name_patterns)
#   is an AWS Secrets Manager secret (arn:<partition>:secretsmanager:...:secret:... or a
#   reference to aws_secretsmanager_secret / _version). SSM Parameter Store is accepted for
#   such names only when allow_ssm_for_secret_names is true.
# scope: package
# custom:
#   id: AR-SEC-002
#   severity: high
#   mappings:
#     - {framework: nist-800-53, control: "IA-5(7)"}
#     - {framework: nist-800-53, control: "SC-28"}
#     - {framework: pci-dss, control: "8.3.2"}
#     - {framework: soc2, control: "CC6.1"}
#   remediation: >-
#     Move the value to an aws_secretsmanager_secret (with rotation where possible) and set
#     the runtime_environment_secrets entry to the secret's ARN.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.secrets.secret_source

import data.apprunner_guard.lib

findings contains lib.finding(
	s,
	e.path,
	concat("", [s, " injects the secret-like ", lib.q(e.name), " from ", where, "; use a Secrets Manager secret"]),
	[s],
) if {
	some s in lib.services
	svc := input.resources[s]
	some e in lib.service_env_entries(s, "runtime_environment_secrets")
	lib.secret_like(e.name)
	source := lib.secret_source(svc, e)
	rejected(source)
	where := problem[source]
}

# Names lost in a wholly unknown map cannot be shown not to be secret-like: fail closed.
findings contains lib.finding(
	s,
	e.path,
	concat("", [s, " injects ", lib.entry_name(e), " from ", where, "; the map is unknown as a whole because a value in it is unknown until apply, and the input shows its references, not its names, so the name cannot be shown not to be secret-like: use a Secrets Manager secret"]),
	[s],
) if {
	some s in lib.services
	svc := input.resources[s]
	some e in lib.service_env_entries(s, "runtime_environment_secrets")
	e.name_unknown
	source := lib.secret_source(svc, e)
	rejected(source)
	where := problem[source]
}

problem := {
	"ssm": "SSM Parameter Store (allow_ssm_for_secret_names is false)",
	"other": "a value that is not a Secrets Manager secret ARN",
}

rejected("other")

rejected(source) if {
	source == "ssm"
	not lib.param("allow_ssm_for_secret_names")
}

# Applies to services that inject secrets.
applicable := lib.services_injecting("runtime_environment_secrets")
