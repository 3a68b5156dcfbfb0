package apprunner_guard.rules.secrets.secret_access_scoped_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.secrets.secret_access_scoped as rule

secrets_path := concat(".", [t.image_config_path, "runtime_environment_secrets"])

db_arn := "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf"

flags_arn := "arn:aws:ssm:us-east-1:123456789012:parameter/flags"

svc(secrets) := t.service_with_role({"source_configuration": [{"image_repository": [{"image_configuration": [{"runtime_environment_secrets": secrets}]}]}]}, "app")

with_grants(secrets, statements) := t.iam_model(svc(secrets), t.role(statements, [], t.apprunner_trust, []))

missing(name, action) := {
	"resource": "aws_iam_role.app",
	"attribute": "",
	"message": concat("", [
		"instance role aws_iam_role.app of aws_apprunner_service.api cannot read the secret ", json.marshal(name),
		": no statement allows ", action, " on it",
	]),
	"related": t.related,
}

test_fail_read_on_any_secret if {
	st := t.allow("aws_iam_role_policy.app", 0, ["secretsmanager:getsecretvalue"], ["arn:aws:secretsmanager:us-east-1:123456789012:secret:*", db_arn])
	r := rule.findings with input as with_grants({"DB_PASSWORD": db_arn}, [st])
	r == {{
		"resource": "aws_iam_role_policy.app",
		"attribute": "policy",
		"message": `instance role aws_iam_role.app of aws_apprunner_service.api can read every secret (secretsmanager:getsecretvalue on "arn:aws:secretsmanager:us-east-1:123456789012:secret:*") in statement 0 of aws_iam_role_policy.app`,
		"related": t.related,
	}}
}

test_fail_ssm_read_on_star_and_not_resource if {
	st := object.union(t.allow("aws_iam_role_policy.app", 0, ["ssm:get*"], ["*"]), {"not_resources": ["arn:aws:ssm:*:*:parameter/admin"]})
	r := rule.findings with input as with_grants({"FLAGS": flags_arn}, [st])
	r == {{
		"resource": "aws_iam_role_policy.app",
		"attribute": "policy",
		"message": `instance role aws_iam_role.app of aws_apprunner_service.api can read every secret (ssm:getparameters on "*", "NotResource arn:aws:ssm:*:*:parameter/admin") in statement 0 of aws_iam_role_policy.app`,
		"related": t.related,
	}}
}

test_fail_missing_grant if {
	st := t.allow("aws_iam_role_policy.app", 0, ["secretsmanager:getsecretvalue"], ["arn:aws:secretsmanager:us-east-1:123456789012:secret:other-*"])
	r := rule.findings with input as with_grants({"DB_PASSWORD": db_arn, "FLAGS": flags_arn}, [st])
	r == {missing("DB_PASSWORD", "secretsmanager:getsecretvalue"), missing("FLAGS", "ssm:getparameters")}
}

test_fail_missing_grant_unknown_arn if {
	s := t.with_refs(
		t.with_unknown(svc({}), [concat(".", [secrets_path, "DB_PASSWORD"])]),
		{
			t.instance_role_path: ["aws_iam_role.app"],
			secrets_path: ["aws_secretsmanager_secret.db"],
		},
	)
	m := t.model(
		[s, t.resource("aws_iam_role", "app", {}), t.resource("aws_secretsmanager_secret", "db", {})],
		{"aws_iam_role.app": t.role([t.allow("aws_iam_role_policy.app", 0, ["s3:getobject"], ["*"])], [], t.apprunner_trust, [])},
	)
	r := rule.findings with input as m
	r == {missing("DB_PASSWORD", "secretsmanager:getsecretvalue")}
}

test_pass_scoped_grants if {
	sts := [
		t.allow("aws_iam_role_policy.app", 0, ["secretsmanager:getsecretvalue"], ["arn:aws:secretsmanager:us-east-1:123456789012:secret:db-*"]),
		t.allow("aws_iam_role_policy.app", 1, ["ssm:getparameters"], [flags_arn]),
	]
	r := rule.findings with input as with_grants({"DB_PASSWORD": concat("", [db_arn, ":password::"]), "FLAGS": flags_arn, "OTHER": "not-an-arn"}, sts)
	r == set()
}

test_pass_unknown_arn_with_grant if {
	s := t.with_refs(
		t.with_unknown(svc({}), [concat(".", [secrets_path, "DB_PASSWORD"])]),
		{
			t.instance_role_path: ["aws_iam_role.app"],
			secrets_path: ["aws_secretsmanager_secret.db"],
		},
	)
	m := t.model(
		[s, t.resource("aws_iam_role", "app", {}), t.resource("aws_secretsmanager_secret", "db", {})],
		{"aws_iam_role.app": t.role([t.allow("aws_iam_role_policy.app", 0, ["secretsmanager:getsecretvalue"], ["arn:aws:secretsmanager:us-east-1:123456789012:secret:db-*"])], [], t.apprunner_trust, [])},
	)
	r := rule.findings with input as m
	r == set()
}

test_fail_missing_grant_in_opaque_map if {
	svc_opaque := t.with_refs(t.with_unknown(svc({}), [secrets_path]), {
		secrets_path: ["aws_ssm_parameter.token"],
		t.instance_role_path: ["aws_iam_role.app"],
	})
	m := t.model(
		[svc_opaque, t.resource("aws_iam_role", "app", {"name": "app"}), t.resource("aws_ssm_parameter", "token", {})],
		{"aws_iam_role.app": t.role([t.allow("aws_iam_role_policy.app", 0, ["secretsmanager:getsecretvalue"], [db_arn])], [], t.apprunner_trust, [])},
	)
	r := rule.findings with input as m
	r == {object.union(missing("", "ssm:getparameters"), {"message": "instance role aws_iam_role.app of aws_apprunner_service.api cannot read the secret (name unknown until apply) from aws_ssm_parameter.token: no statement allows ssm:getparameters on it"})}
}

test_pass_missing_grant_when_a_policy_cannot_be_read if {
	u := {"via": "aws_iam_role_policy.app", "attribute": "policy", "reason": "policy is unknown until apply"}
	r := rule.findings with input as t.iam_model(svc({"DB_PASSWORD": db_arn}), t.role([], [], t.apprunner_trust, [u]))
	r == set()
}

test_fail_read_on_every_secret_of_every_account if {
	st := t.allow("aws_iam_role_policy.app", 0, ["secretsmanager:getsecretvalue", "ssm:getparameters"], ["arn:aws:secretsmanager:*:*:*", "arn:aws:ssm:*:*:parameter*", db_arn])
	r := rule.findings with input as with_grants({"DB_PASSWORD": db_arn}, [st])
	r == {
		{
			"resource": "aws_iam_role_policy.app",
			"attribute": "policy",
			"message": `instance role aws_iam_role.app of aws_apprunner_service.api can read every secret (secretsmanager:getsecretvalue on "arn:aws:secretsmanager:*:*:*") in statement 0 of aws_iam_role_policy.app`,
			"related": t.related,
		},
		{
			"resource": "aws_iam_role_policy.app",
			"attribute": "policy",
			"message": `instance role aws_iam_role.app of aws_apprunner_service.api can read every secret (ssm:getparameters on "arn:aws:ssm:*:*:parameter*") in statement 0 of aws_iam_role_policy.app`,
			"related": t.related,
		},
	}
}

test_fail_secret_injected_without_instance_role if {
	no_role := t.service("api", {"source_configuration": [{"image_repository": [{"image_configuration": [{"runtime_environment_secrets": {"DB_PASSWORD": db_arn}}]}]}]})
	r := rule.findings with input as t.model([no_role], {})
	r == {{
		"resource": "aws_apprunner_service.api",
		"attribute": concat(".", [secrets_path, "DB_PASSWORD"]),
		"message": `aws_apprunner_service.api injects the secret "DB_PASSWORD" but has no instance role (instance_configuration.instance_role_arn), so the service cannot read it`,
		"related": ["aws_apprunner_service.api"],
	}}
}

test_pass_secret_injected_with_role_unknown_until_apply if {
	unknown_role := t.with_unknown(
		t.service("api", {"source_configuration": [{"image_repository": [{"image_configuration": [{"runtime_environment_secrets": {"DB_PASSWORD": db_arn}}]}]}]}),
		[t.instance_role_path],
	)
	r := rule.findings with input as t.model([unknown_role], {})
	r == set()
}

image(name, attr, m) := t.service(name, {"source_configuration": [{"image_repository": [{"image_identifier": "x:1", "image_configuration": [object.union({"port": "8080"}, {attr: m})]}]}]})

# Applicability: services that inject secrets or have an instance role.
test_applicable_secrets_or_instance_role if {
	secrets := image("web", "runtime_environment_secrets", {"DB": "arn:aws:secretsmanager:us-east-1:1:secret:db"})
	m := t.model([t.service_with_role({}, "app"), secrets, t.service("none", {})], {})
	a := rule.applicable with input as m
	a == {"aws_apprunner_service.api", "aws_apprunner_service.web"}
}
