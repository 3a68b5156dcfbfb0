# METADATA
# title: Secret in plain environment variables
# description: >-
#   A runtime_environment_variables entry (image or code configuration) whose name matches
#   secret_name_patterns (after its last non_secret_name_words word, so OAUTH_REDIRECT_URL or
#   TOKEN_TTL_SECONDS are not secrets), whose value looks like a credential (AWS access key id, PEM private
#   key, URL with a password, GitHub/Slack token), or whose value, unknown at plan time,
#   comes from a secret-holding resource (secret version, random_password, access key, private key).
# scope: package
# custom:
#   id: AR-SEC-001
#   severity: critical
#   mappings:
#     - {framework: nist-800-53, control: "IA-5(7)"}
#     - {framework: pci-dss, control: "8.6.2"}
#     - {framework: soc2, control: "CC6.1"}
#   remediation: >-
#     Store the value in AWS Secrets Manager and inject it with runtime_environment_secrets
#     (the secret's ARN), granting the instance role secretsmanager:GetSecretValue on that ARN.
#   applies_to: ["aws_apprunner_service"]
package apprunner_guard.rules.secrets.plain_env_secret

import data.apprunner_guard.lib

credential_patterns := {
	"an AWS access key id": `(AKIA|ASIA)[A-Z0-9]{16}`,
	"a PEM private key": `-----BEGIN [A-Z ]*PRIVATE KEY-----`,
	"a URL with a password": `[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:[^/\s@]+@`,
	"a GitHub token": `(gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})`,
	"a Slack token": `xox[abprs]-[A-Za-z0-9-]{10,}`,
}

secret_source_types := {
	"aws_iam_access_key",
	"aws_secretsmanager_secret_version",
	"aws_ssm_parameter",
	"random_password",
	"tls_private_key",
}

findings contains lib.finding(
	s,
	e.path,
	concat("", [s, " sets ", lib.q(e.name), " in plain runtime_environment_variables and the name looks like a secret; inject it with runtime_environment_secrets"]),
	[s],
) if {
	some s in lib.services
	some e in lib.service_env_entries(s, "runtime_environment_variables")
	lib.secret_like(e.name)
}

findings contains lib.finding(
	s,
	e.path,
	concat("", [s, " sets ", lib.q(e.name), " in plain runtime_environment_variables to a value that looks like ", label]),
	[s],
) if {
	some s in lib.services
	some e in lib.service_env_entries(s, "runtime_environment_variables")
	not lib.secret_like(e.name)
	is_string(e.value)
	some label, pattern in credential_patterns
	regex.match(pattern, e.value)
}

findings contains lib.finding(
	s,
	e.path,
	concat("", [s, " sets ", variable_text(e), " in plain runtime_environment_variables from ", r, ", which holds a secret"]),
	[r, s],
) if {
	some s in lib.services
	svc := input.resources[s]
	some e in lib.service_env_entries(s, "runtime_environment_variables")
	e.unknown
	not lib.secret_like(e.name)
	some r in lib.refs_of_types(svc, e.path, secret_source_types)
}

findings contains lib.finding(
	s,
	e.path,
	concat("", [s, " sets ", lib.q(e.name), " in plain runtime_environment_variables to a value Terraform marks sensitive (a secret or a sensitive variable); inject it with runtime_environment_secrets"]),
	[s],
) if {
	some s in lib.services
	svc := input.resources[s]
	count(object.get(svc, "sensitive", [])) > 0
	some e in lib.service_env_entries(s, "runtime_environment_variables")
	not lib.secret_like(e.name)
	lib.is_sensitive(svc, e.path)
}

# Applies to services that set plain environment variables.
applicable := lib.services_injecting("runtime_environment_variables")

# A map the plan writes as wholly unknown loses its names: the entry is named by what it references.
variable_text(e) := "a variable (its name is unknown until apply)" if e.name_unknown

else := lib.q(e.name)
