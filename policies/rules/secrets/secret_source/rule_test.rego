package apprunner_guard.rules.secrets.secret_source_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.secrets.secret_source as rule

secrets_path := concat(".", [t.image_config_path, "runtime_environment_secrets"])

with_secrets(secrets) := t.model([t.image_service({"runtime_environment_secrets": secrets})], {})

expected(name, from) := {
	"resource": "aws_apprunner_service.api",
	"attribute": concat(".", [secrets_path, name]),
	"message": concat("", ["aws_apprunner_service.api injects the secret-like ", json.marshal(name), " from ", from, "; use a Secrets Manager secret"]),
	"related": ["aws_apprunner_service.api"],
}

test_fail_ssm_arn if {
	r := rule.findings with input as with_secrets({"DB_PASSWORD": "arn:aws:ssm:us-east-1:123456789012:parameter/db/password"})
	r == {expected("DB_PASSWORD", "SSM Parameter Store (allow_ssm_for_secret_names is false)")}
}

test_fail_not_an_arn if {
	r := rule.findings with input as with_secrets({"API_KEY": "db-password"})
	r == {expected("API_KEY", "a value that is not a Secrets Manager secret ARN")}
}

# ★ the value is unknown until apply and only linked (through refs) to an SSM parameter.
test_fail_unknown_linked_to_ssm_parameter if {
	svc := t.with_refs(
		t.with_unknown(t.image_service({}), [concat(".", [secrets_path, "DB_PASSWORD"])]),
		{secrets_path: ["aws_ssm_parameter.db"]},
	)
	r := rule.findings with input as t.model([svc, t.resource("aws_ssm_parameter", "db", {})], {})
	r == {expected("DB_PASSWORD", "SSM Parameter Store (allow_ssm_for_secret_names is false)")}
}

test_pass_secretsmanager_arn if {
	r := rule.findings with input as with_secrets({"DB_PASSWORD": "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"})
	r == set()
}

test_pass_unknown_linked_to_secret if {
	svc := t.with_refs(
		t.with_unknown(t.image_service({}), [concat(".", [secrets_path, "DB_PASSWORD"])]),
		{concat(".", [secrets_path, "DB_PASSWORD"]): ["aws_secretsmanager_secret.db"]},
	)
	r := rule.findings with input as t.model([svc, t.resource("aws_secretsmanager_secret", "db", {})], {})
	r == set()
}

test_pass_ssm_allowed_by_parameter if {
	r := rule.findings with input as with_secrets({"DB_PASSWORD": "arn:aws:ssm:us-east-1:123456789012:parameter/db/password"})
		with data.apprunner_guard.params.allow_ssm_for_secret_names as true
	r == set()
}

test_pass_ssm_for_non_secret_name if {
	r := rule.findings with input as with_secrets({"FEATURE_FLAGS": "arn:aws:ssm:us-east-1:123456789012:parameter/flags"})
	r == set()
}

# Plan JSON: the whole map is unknown, names are lost, only the refs say where values come from.
opaque_service(refs) := t.with_refs(t.with_unknown(t.image_service({}), [secrets_path]), {secrets_path: refs})

test_fail_opaque_map_with_ssm_parameter if {
	m := t.model([opaque_service(["aws_ssm_parameter.token"]), t.resource("aws_ssm_parameter", "token", {})], {})
	r := rule.findings with input as m
	r == {{
		"resource": "aws_apprunner_service.api",
		"attribute": secrets_path,
		"message": "aws_apprunner_service.api injects (name unknown until apply) from aws_ssm_parameter.token from SSM Parameter Store (allow_ssm_for_secret_names is false); the map is unknown as a whole because a value in it is unknown until apply, and the input shows its references, not its names, so the name cannot be shown not to be secret-like: use a Secrets Manager secret",
		"related": ["aws_apprunner_service.api"],
	}}
}

test_pass_opaque_map_with_secrets_manager if {
	m := t.model([opaque_service(["aws_secretsmanager_secret.db"]), t.resource("aws_secretsmanager_secret", "db", {})], {})
	r := rule.findings with input as m
	r == set()
}

image(name, attr, m) := t.service(name, {"source_configuration": [{"image_repository": [{"image_identifier": "x:1", "image_configuration": [object.union({"port": "8080"}, {attr: m})]}]}]})

# Applicability: services that inject secrets.
test_applicable_services_with_secrets if {
	m := t.model([image("api", "runtime_environment_secrets", {"DB": "arn:aws:secretsmanager:us-east-1:1:secret:db"}), t.service("web", {})], {})
	a := rule.applicable with input as m
	a == {"aws_apprunner_service.api"}
}
