package apprunner_guard.rules.secrets.encryption_cmk_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.secrets.encryption_cmk as rule

test_fail_no_kms_key if {
	r := rule.findings with input as t.model([t.service("api", {"encryption_configuration": []})], {})
	r == {{
		"resource": "aws_apprunner_service.api",
		"attribute": "encryption_configuration",
		"message": "aws_apprunner_service.api has no encryption_configuration.kms_key: data at rest uses the AWS owned key, not a customer managed key",
		"related": ["aws_apprunner_service.api"],
	}}
}

test_pass_kms_key if {
	r := rule.findings with input as t.model([t.service("api", {"encryption_configuration": [{"kms_key": "arn:aws:kms:us-east-1:1:key/x"}]})], {})
	r == set()
}

test_pass_kms_key_unknown if {
	svc := t.with_refs(t.with_unknown(t.service("api", {}), ["encryption_configuration.0.kms_key"]), {"encryption_configuration.0.kms_key": ["aws_kms_key.app"]})
	r := rule.findings with input as t.model([svc], {})
	r == set()
}

# Applicability: every service.
test_applicable_every_service if {
	a := rule.applicable with input as t.model([t.service("api", {}), t.service("web", {})], {})
	a == {"aws_apprunner_service.api", "aws_apprunner_service.web"}
}
