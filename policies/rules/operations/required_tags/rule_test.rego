package apprunner_guard.rules.operations.required_tags_test

import data.apprunner_guard.lib.test as t
import data.apprunner_guard.rules.operations.required_tags as rule

expected(tag) := {
	"resource": "aws_apprunner_service.api",
	"attribute": "tags",
	"message": concat("", ["aws_apprunner_service.api lacks the required tag ", json.marshal(tag)]),
	"related": ["aws_apprunner_service.api"],
}

test_fail_missing_tags if {
	r := rule.findings with input as t.model([t.service("api", {"tags": {"Environment": "prod"}})], {})
	r == {expected("Owner")}
}

test_fail_no_tags if {
	r := rule.findings with input as t.model([t.service("api", {"tags": null})], {})
	r == {expected("Environment"), expected("Owner")}
}

test_pass_tags_and_default_tags if {
	r := rule.findings with input as t.model([t.service("api", {"tags": {"Environment": "prod"}, "tags_all": {"Owner": "team"}})], {})
	r == set()
}

test_pass_unknown_tag_values if {
	svc := t.with_unknown(t.service("api", {"tags": {"Environment": "prod"}}), ["tags.Owner"])
	svc2 := t.with_unknown(t.service("web", {}), ["tags_all"])
	r := rule.findings with input as t.model([svc, svc2], {})
	r == set()
}

# Applicability: every service, unless required_tags is empty.
test_applicable_every_service_unless_no_tag_required if {
	m := t.model([t.service("api", {})], {})
	a := rule.applicable with input as m with data.apprunner_guard.params.required_tags as ["Owner"]
	a == {"aws_apprunner_service.api"}
	b := rule.applicable with input as m with data.apprunner_guard.params.required_tags as []
	b == set()
}
