package apprunner_guard.rules.secrets.plain_env_secret_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.secrets.plain_env_secret as rule

env_path := concat(".", [t.image_config_path, "runtime_environment_variables"])

with_env(env) := t.model([t.image_service({"port": "8080", "runtime_environment_variables": env})], {})

expected(name, message, related) := {
	"resource": "aws_apprunner_service.api",
	"attribute": concat(".", [env_path, name]),
	"message": message,
	"related": related,
}

test_fail_secret_like_name if {
	r := rule.findings with input as with_env({"DB_PASSWORD": "hunter2", "LOG_LEVEL": "info"})
	r == {expected("DB_PASSWORD", `aws_apprunner_service.api sets "DB_PASSWORD" in plain runtime_environment_variables and the name looks like a secret; inject it with runtime_environment_secrets`, ["aws_apprunner_service.api"])}
}

test_fail_secret_like_name_in_code_configuration if {
	svc := t.service("api", {"source_configuration": [{"code_repository": [{"code_configuration": [{"code_configuration_values": [{"runtime_environment_variables": {"Stripe_Api_Key": "x"}}]}]}]}]})
	r := rule.findings with input as t.model([svc], {})
	r == {{
		"resource": "aws_apprunner_service.api",
		"attribute": "source_configuration.0.code_repository.0.code_configuration.0.code_configuration_values.0.runtime_environment_variables.Stripe_Api_Key",
		"message": `aws_apprunner_service.api sets "Stripe_Api_Key" in plain runtime_environment_variables and the name looks like a secret; inject it with runtime_environment_secrets`,
		"related": ["aws_apprunner_service.api"],
	}}
}

test_fail_aws_access_key_value if {
	r := rule.findings with input as with_env({"UPLOAD_ID": "AKIAABCDEFGHIJKLMNOP"})
	r == {expected("UPLOAD_ID", `aws_apprunner_service.api sets "UPLOAD_ID" in plain runtime_environment_variables to a value that looks like an AWS access key id`, ["aws_apprunner_service.api"])}
}

test_fail_url_with_password if {
	r := rule.findings with input as with_env({"DATABASE_URL": "postgres://app:s3cr3t@db.internal:5432/app"})
	r == {expected("DATABASE_URL", `aws_apprunner_service.api sets "DATABASE_URL" in plain runtime_environment_variables to a value that looks like a URL with a password`, ["aws_apprunner_service.api"])}
}

test_fail_pem_and_tokens if {
	r := rule.findings with input as with_env({
		"CERT": "-----BEGIN RSA PRIVATE KEY-----\nMIIE",
		"GH": "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
		"SLACK": "xoxb-1234567890-abcdef",
	})
	r == {
		expected("CERT", `aws_apprunner_service.api sets "CERT" in plain runtime_environment_variables to a value that looks like a PEM private key`, ["aws_apprunner_service.api"]),
		expected("GH", `aws_apprunner_service.api sets "GH" in plain runtime_environment_variables to a value that looks like a GitHub token`, ["aws_apprunner_service.api"]),
		expected("SLACK", `aws_apprunner_service.api sets "SLACK" in plain runtime_environment_variables to a value that looks like a Slack token`, ["aws_apprunner_service.api"]),
	}
}

# ★ the value is unknown until apply and only linked (through refs) to a secret version.
test_fail_unknown_value_from_secret_version if {
	svc := t.with_refs(
		t.with_unknown(t.image_service({"runtime_environment_variables": {"LOG_LEVEL": "info"}}), [concat(".", [env_path, "DATABASE_URL"])]),
		{env_path: ["aws_secretsmanager_secret_version.db"]},
	)
	m := t.model([svc, t.resource("aws_secretsmanager_secret_version", "db", {})], {})
	r := rule.findings with input as m
	r == {expected("DATABASE_URL", `aws_apprunner_service.api sets "DATABASE_URL" in plain runtime_environment_variables from aws_secretsmanager_secret_version.db, which holds a secret`, ["aws_apprunner_service.api", "aws_secretsmanager_secret_version.db"])}
}

test_fail_unknown_secret_like_name if {
	svc := t.with_unknown(t.image_service({}), [concat(".", [env_path, "API_TOKEN"])])
	r := rule.findings with input as t.model([svc], {})
	r == {expected("API_TOKEN", `aws_apprunner_service.api sets "API_TOKEN" in plain runtime_environment_variables and the name looks like a secret; inject it with runtime_environment_secrets`, ["aws_apprunner_service.api"])}
}

test_pass_plain_config if {
	r := rule.findings with input as with_env({"LOG_LEVEL": "info", "URL": "https://example.com/x", "WORKERS": 4})
	r == set()
}

test_pass_unknown_value_from_non_secret if {
	svc := t.with_refs(
		t.with_unknown(t.image_service({}), [concat(".", [env_path, "BUCKET"])]),
		{env_path: ["aws_s3_bucket.b"]},
	)
	r := rule.findings with input as t.model([svc, t.resource("aws_s3_bucket", "b", {})], {})
	r == set()
}

image(name, attr, m) := t.service(name, {"source_configuration": [{"image_repository": [{"image_identifier": "x:1", "image_configuration": [object.union({"port": "8080"}, {attr: m})]}]}]})

# Applicability: services that set plain environment variables.
test_applicable_services_with_variables if {
	m := t.model([image("api", "runtime_environment_variables", {"LOG": "1"}), t.service("web", {})], {})
	a := rule.applicable with input as m
	a == {"aws_apprunner_service.api"}
}

test_fail_url_with_empty_user_and_password if {
	r := rule.findings with input as with_env({"CACHE_URL": "redis://:hunter2@cache.internal:6379"})
	r == {expected("CACHE_URL", `aws_apprunner_service.api sets "CACHE_URL" in plain runtime_environment_variables to a value that looks like a URL with a password`, ["aws_apprunner_service.api"])}
}

test_pass_url_without_password if {
	r := rule.findings with input as with_env({"CACHE_URL": "redis://cache.internal:6379/0", "API": "https://api.example.com:8443/v1"})
	r == set()
}

# A known value Terraform marks sensitive (copied from a secret version or a sensitive variable).
test_fail_sensitive_value_in_plain_variable if {
	svc := object.union(
		t.image_service({"runtime_environment_variables": {"DB_DSN": "postgres://db/app", "LOG_LEVEL": "info"}}),
		{"sensitive": [concat(".", [env_path, "DB_DSN"])]},
	)
	r := rule.findings with input as t.model([svc], {})
	r == {expected("DB_DSN", `aws_apprunner_service.api sets "DB_DSN" in plain runtime_environment_variables to a value Terraform marks sensitive (a secret or a sensitive variable); inject it with runtime_environment_secrets`, ["aws_apprunner_service.api"])}
}

test_fail_sensitive_whole_map if {
	svc := object.union(t.image_service({"runtime_environment_variables": {"DSN": "x"}}), {"sensitive": [env_path]})
	r := rule.findings with input as t.model([svc], {})
	count(r) == 1
}

# Names whose words say they hold no secret (parameter non_secret_name_words): a URL, an author, a TTL, a region, a length.
test_pass_non_secret_words_after_the_secret_word if {
	r := rule.findings with input as with_env({
		"OAUTH_REDIRECT_URL": "https://app.example.com/callback",
		"AUTHOR": "platform-team",
		"TOKEN_TTL_SECONDS": "3600",
		"SECRETS_REGION": "eu-west-1",
		"PASSWORD_MIN_LENGTH": "12",
		"git-author.name": "ci",
	})
	r == set()
}

# A secret word after the last non-secret word still makes the name secret-like.
test_fail_secret_word_after_a_non_secret_word if {
	r := rule.findings with input as with_env({"URL_SIGNING_SECRET": "x", "GIT_AUTHOR_TOKEN": "y", "REGION_API_KEY": "z"})
	r == {
		expected("URL_SIGNING_SECRET", `aws_apprunner_service.api sets "URL_SIGNING_SECRET" in plain runtime_environment_variables and the name looks like a secret; inject it with runtime_environment_secrets`, ["aws_apprunner_service.api"]),
		expected("GIT_AUTHOR_TOKEN", `aws_apprunner_service.api sets "GIT_AUTHOR_TOKEN" in plain runtime_environment_variables and the name looks like a secret; inject it with runtime_environment_secrets`, ["aws_apprunner_service.api"]),
		expected("REGION_API_KEY", `aws_apprunner_service.api sets "REGION_API_KEY" in plain runtime_environment_variables and the name looks like a secret; inject it with runtime_environment_secrets`, ["aws_apprunner_service.api"]),
	}
}

# The word list is a parameter: emptied, every name matching a pattern is secret-like again.
test_fail_non_secret_words_overridden if {
	r := rule.findings with input as with_env({"TOKEN_TTL_SECONDS": "3600"}) with data.apprunner_guard.params.non_secret_name_words as []
	r == {expected("TOKEN_TTL_SECONDS", `aws_apprunner_service.api sets "TOKEN_TTL_SECONDS" in plain runtime_environment_variables and the name looks like a secret; inject it with runtime_environment_secrets`, ["aws_apprunner_service.api"])}
}

# The whole map unknown (plan JSON writes a map with any unknown value that way): the entry has no name.
test_fail_wholly_unknown_map_from_secret_version_names_no_name if {
	svc := t.with_refs(t.with_unknown(t.image_service({}), [env_path]), {env_path: ["aws_secretsmanager_secret_version.db"]})
	m := t.model([svc, t.resource("aws_secretsmanager_secret_version", "db", {})], {})
	r := rule.findings with input as m
	r == {{
		"resource": "aws_apprunner_service.api",
		"attribute": env_path,
		"message": "aws_apprunner_service.api sets a variable (its name is unknown until apply) in plain runtime_environment_variables from aws_secretsmanager_secret_version.db, which holds a secret",
		"related": ["aws_apprunner_service.api", "aws_secretsmanager_secret_version.db"],
	}}
}
